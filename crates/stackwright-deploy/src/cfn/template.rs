//! The template as CloudFormation takes it inline.

/// The largest template CloudFormation accepts inline (`TemplateBody`).
pub(crate) const MAX_TEMPLATE_BODY: usize = 51_200;

/// The template as sent: as synthesized when it fits, else without whitespace (the same JSON;
/// deployed templates are compared parsed). `Err(size)` when even that is too large.
pub(crate) fn inline_body(template: &str) -> std::result::Result<String, usize> {
    if template.len() <= MAX_TEMPLATE_BODY {
        return Ok(template.to_string());
    }
    let compact = serde_json::from_str::<serde_json::Value>(template)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| template.to_string());
    if compact.len() <= MAX_TEMPLATE_BODY { Ok(compact) } else { Err(compact.len()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_templates_are_sent_without_whitespace_when_that_fits() {
        let small = "{\n  \"Resources\": {}\n}";
        assert_eq!(inline_body(small).unwrap(), small);
        let resources: serde_json::Map<String, serde_json::Value> = (0..600)
            .map(|i| {
                (
                    format!("Param{i}"),
                    serde_json::json!({"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String"}}),
                )
            })
            .collect();
        let pretty = serde_json::to_string_pretty(&serde_json::json!({ "Resources": resources })).unwrap();
        assert!(pretty.len() > MAX_TEMPLATE_BODY);
        let sent = inline_body(&pretty).unwrap();
        assert!(sent.len() <= MAX_TEMPLATE_BODY);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&sent).unwrap(),
            serde_json::from_str::<serde_json::Value>(&pretty).unwrap()
        );
        let huge = format!("{{\"Description\": \"{}\"}}", "x".repeat(60_000));
        assert_eq!(inline_body(&huge), Err(huge.len() - 1), "the size without whitespace");
    }
}
