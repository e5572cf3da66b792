//! An attribute handle cannot be made from an untyped value outside the core: the checked
//! constructor is crate-private, and the public one says in its name that nothing is checked.
//! The expected compiler messages are in `tests/ui/*.stderr`; after an intended change of the
//! API, refresh them with `TRYBUILD=overwrite cargo test -p stackwright-core --test compile_fail`.

#[test]
fn an_attr_cannot_be_made_from_an_untyped_value() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
