//! The module paths of 0.1 (`eks_cluster::…`, `vpc::…`, `github::…`) still compile for one
//! release, and each use warns with the new path: `tests/deprecated/*.stderr` holds the warnings
//! (denied there, so they are errors trybuild can compare). Refresh after an intended change with
//! `TRYBUILD=overwrite cargo test -p stackwright-constructs --test deprecated_paths` and review
//! the diff.

#[test]
fn old_paths_warn_with_the_new_path() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/deprecated/*.rs");
}
