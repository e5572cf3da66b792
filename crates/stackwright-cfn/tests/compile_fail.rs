//! A property of the wrong type, a missing required property, or an attribute of the wrong kind
//! (a subnet id where a VPC id is wanted) does not compile.
//! The expected compiler messages are in `tests/ui/*.stderr`; after an intended change of
//! the generated API, refresh them with `TRYBUILD=overwrite cargo test -p stackwright-cfn --test compile_fail`.

#[test]
fn wrong_or_missing_properties_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
