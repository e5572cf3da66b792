//! YAML output for Kubernetes manifests.
//!
//! kubectl and most Kubernetes tooling read YAML 1.1, where unquoted `yes`, `on`, `0755` or
//! `1e3` are not strings. The emitter quotes every scalar a YAML 1.1 reader would read as
//! something else, so what is read back is exactly what was written; a test pins the cases.

/// One YAML document for a JSON value, ending with a newline.
///
/// # Errors
/// The serializer's message, when the value cannot be written as YAML.
pub fn to_yaml(value: &serde_json::Value) -> Result<String, String> {
    let mut out = serde_saphyr::to_string(value).map_err(|e| e.to_string())?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_ambiguous_scalars_are_quoted() {
        for s in ["yes", "no", "on", "off", "y", "n", "true", "null", "~", "0755", "1e3", "0x1F", "12:30", ".inf", ""] {
            let yaml = to_yaml(&serde_json::json!({ "k": s })).unwrap();
            let line = yaml.trim_end();
            let rendered = line.strip_prefix("k: ").unwrap();
            assert!(rendered.starts_with('"') || rendered.starts_with('\''), "'{s}' must be quoted, got: {line}");
        }
    }

    #[test]
    fn numbers_and_booleans_stay_typed() {
        let yaml = to_yaml(&serde_json::json!({ "replicas": 3, "enabled": true, "name": "flask-app" })).unwrap();
        assert_eq!(yaml, "replicas: 3\nenabled: true\nname: flask-app\n");
    }
}
