//! What `destroy` does with RDS instances that have deletion protection on, which CloudFormation
//! cannot delete (the stack would fail half-way, after deleting everything else it could):
//!
//! - in a **production** environment, `destroy` refuses the stack and deletes nothing: lifting
//!   a production database's protection is a decision made by hand, outside the program;
//! - elsewhere it refuses too, unless `--lift-deletion-protection` is given: it then updates
//!   the stack with the deployed template, `DeletionProtection` set to `false` on those
//!   instances (an update in place), and deletes the stack. The instance's `DeletionPolicy`
//!   (`Snapshot` for `Database`) still leaves a final snapshot, which the output names.

use serde_json::Value;

use crate::error::Error;

/// An RDS instance of a deployed template (with deletion protection on, as
/// [`protected_instances`] gives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtectedInstance {
    /// Its logical id.
    pub(crate) logical_id: String,
    /// Its `DBInstanceIdentifier`, when the template names it.
    pub(crate) identifier: Option<String>,
    /// Its `DeletionPolicy` (`Delete` when unset).
    pub(crate) deletion_policy: String,
}

/// The RDS instances of `template` whose `DeletionProtection` is `true`.
pub(crate) fn protected_instances(template: &Value) -> Vec<ProtectedInstance> {
    instances(template, |r| is_true(r.pointer("/Properties/DeletionProtection")))
}

/// Every RDS instance of `template`, protected or not: each one with the `Snapshot` policy
/// leaves a final snapshot when its stack is deleted, which `destroy` names.
pub(crate) fn all_instances(template: &Value) -> Vec<ProtectedInstance> {
    instances(template, |_| true)
}

/// The RDS instances of `template` that `keep` accepts.
fn instances(template: &Value, keep: impl Fn(&Value) -> bool) -> Vec<ProtectedInstance> {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else { return Vec::new() };
    resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some("AWS::RDS::DBInstance"))
        .filter(|(_, r)| keep(r))
        .map(|(id, r)| ProtectedInstance {
            logical_id: id.clone(),
            identifier: r.pointer("/Properties/DBInstanceIdentifier").and_then(Value::as_str).map(String::from),
            deletion_policy: r.get("DeletionPolicy").and_then(Value::as_str).unwrap_or("Delete").to_string(),
        })
        .collect()
}

/// `true` and `"true"` (a template may carry either).
fn is_true(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true))) || matches!(v, Some(Value::String(s)) if s.eq_ignore_ascii_case("true"))
}

/// `template` with `DeletionProtection` `false` on each of `instances`.
pub(crate) fn lifted(template: &Value, instances: &[ProtectedInstance]) -> Value {
    let mut out = template.clone();
    for i in instances {
        if let Some(props) = out.pointer_mut(&format!("/Resources/{}/Properties", i.logical_id))
            && let Some(map) = props.as_object_mut()
        {
            map.insert("DeletionProtection".into(), Value::Bool(false));
        }
    }
    out
}

/// The refusal for `stack` (`stack_name` in CloudFormation) holding `instances`.
pub(crate) fn refusal(stack: &str, stack_name: &str, production: bool, instances: &[ProtectedInstance]) -> Error {
    let names: Vec<String> = instances.iter().map(describe).collect();
    let hint = if production {
        format!(
            "a production database is not deleted by the program: if you really mean it, turn its protection \
             off by hand first (aws rds modify-db-instance --db-instance-identifier ID --no-deletion-protection \
             --apply-immediately), then destroy {stack_name} again"
        )
    } else {
        "rerun with --lift-deletion-protection: the stack is updated with the protection off, then deleted \
         (the instance's DeletionPolicy still decides whether a final snapshot is kept)"
            .to_string()
    };
    Error::Stack {
        stack: stack.to_string(),
        message: format!(
            "deletion protection is on for {} ({} environment); nothing was deleted\n  hint: {hint}",
            names.join(", "),
            if production { "production" } else { "non-production" }
        ),
    }
}

/// What is left of `instance` once its stack is deleted, one line for the output.
pub(crate) fn final_snapshot_note(instance: &ProtectedInstance) -> Option<String> {
    (instance.deletion_policy == "Snapshot").then(|| {
        let id = instance.identifier.as_deref().unwrap_or(&instance.logical_id);
        format!(
            "final snapshot of RDS instance {id} kept (DeletionPolicy Snapshot; CloudFormation names it): \
             aws rds describe-db-snapshots --db-instance-identifier {id} --snapshot-type manual"
        )
    })
}

fn describe(i: &ProtectedInstance) -> String {
    match &i.identifier {
        Some(id) => format!("RDS instance {id} ({})", i.logical_id),
        None => format!("RDS instance {}", i.logical_id),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template(protection: Value) -> Value {
        json!({"Resources": {
            "OrdersInstance": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot",
                "Properties": {"DBInstanceIdentifier": "shop-dev-orders", "DeletionProtection": protection}},
            "Other": {"Type": "AWS::SNS::Topic", "Properties": {"DeletionProtection": true}}
        }})
    }

    #[test]
    fn finds_protected_instances_only() {
        let found = protected_instances(&template(json!(true)));
        assert_eq!(
            found,
            [ProtectedInstance {
                logical_id: "OrdersInstance".into(),
                identifier: Some("shop-dev-orders".into()),
                deletion_policy: "Snapshot".into()
            }]
        );
        assert_eq!(protected_instances(&template(json!("true"))).len(), 1);
        assert!(protected_instances(&template(json!(false))).is_empty());
        // An unprotected instance still leaves its final snapshot: destroy names it too.
        let unprotected = all_instances(&template(json!(false)));
        assert_eq!(unprotected.iter().map(|i| i.logical_id.as_str()).collect::<Vec<_>>(), ["OrdersInstance"]);
        assert!(final_snapshot_note(&unprotected[0]).is_some());
    }

    #[test]
    fn lifting_changes_only_the_protection() {
        let t = template(json!(true));
        let found = protected_instances(&t);
        let l = lifted(&t, &found);
        assert_eq!(l["Resources"]["OrdersInstance"]["Properties"]["DeletionProtection"], false);
        assert_eq!(l["Resources"]["Other"], t["Resources"]["Other"]);
        assert!(protected_instances(&l).is_empty());
    }

    #[test]
    fn refusals_and_the_snapshot_note() {
        let found = protected_instances(&template(json!(true)));
        let prod = refusal("prod-data", "shop-prod-data", true, &found).to_string();
        assert!(
            prod.contains(
                "deletion protection is on for RDS instance shop-dev-orders (OrdersInstance) (production environment)"
            ),
            "{prod}"
        );
        assert!(prod.contains("--no-deletion-protection"), "{prod}");
        let dev = refusal("dev-data", "shop-dev-data", false, &found).to_string();
        assert!(dev.contains("rerun with --lift-deletion-protection"), "{dev}");
        let note = final_snapshot_note(&found[0]).unwrap();
        assert!(note.contains("--db-instance-identifier shop-dev-orders --snapshot-type manual"), "{note}");
    }
}
