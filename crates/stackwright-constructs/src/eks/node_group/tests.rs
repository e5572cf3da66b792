use super::*;

#[test]
fn instance_types_and_architectures() {
    assert!(
        valid_instance_type("t3.medium") && valid_instance_type("c6gn.16xlarge") && valid_instance_type("u-6tb1.metal")
    );
    assert!(!valid_instance_type("t3") && !valid_instance_type("T3.medium") && !valid_instance_type("medium.t3"));
}
