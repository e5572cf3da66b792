//! Wrong wiring does not compile: a node group needs a cluster, a cluster needs a VPC, an image
//! needs a repository, and ids of one kind are not ids of another.
//! The expected compiler messages are in `tests/wiring/*.stderr`; after an intended API change,
//! refresh them with `TRYBUILD=overwrite cargo test -p stackwright-constructs --test wiring_compile_fail`
//! and review the diff.

#[test]
fn wrong_wiring_does_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/wiring/*.rs");
}
