//! What an identity needs to read a resource of a type, from the `handlers.read.permissions` of
//! the type's registry schema: the rights of a read-only role that detects drift (CloudFormation
//! reads each resource with the caller's rights), derived from the types a program creates
//! instead of written by hand or widened to `*`.

use serde_json::Value;

/// The IAM actions CloudFormation needs to read a resource of `type_name` (sorted, without
/// duplicates), or `None` when the type is not one of the generated ones or its schema has no
/// read handler (such a resource cannot be read, so its drift cannot be detected).
#[must_use]
pub fn read_permissions(type_name: &str) -> Option<Vec<String>> {
    let schema: Value = serde_json::from_str(crate::schemas::schema_text(type_name)?).ok()?;
    let mut actions: Vec<String> = schema
        .pointer("/handlers/read/permissions")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    actions.sort();
    actions.dedup();
    Some(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_handler_of_a_schema_gives_the_actions() {
        let vpc = read_permissions("AWS::EC2::VPC").unwrap();
        assert!(vpc.contains(&"ec2:DescribeVpcs".to_string()), "{vpc:?}");
        assert!(vpc.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates: {vpc:?}");
        assert_eq!(read_permissions("AWS::IAM::Policy"), None, "no read handler in its schema");
        assert_eq!(read_permissions("AWS::Nope::Thing"), None);
    }

    #[test]
    fn no_generated_type_needs_a_wildcard_to_be_read() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let mut read = 0;
        for file in
            std::fs::read_dir(dir).unwrap().flatten().filter(|f| f.path().extension().is_some_and(|e| e == "json"))
        {
            let schema: Value = serde_json::from_str(&std::fs::read_to_string(file.path()).unwrap()).unwrap();
            let Some(type_name) = schema["typeName"].as_str() else { continue };
            if let Some(actions) = read_permissions(type_name) {
                read += 1;
                assert!(actions.iter().all(|a| a.contains(':') && !a.contains('*')), "{type_name}: {actions:?}");
            }
        }
        assert!(read >= 30, "only {read} types read their schema");
    }
}
