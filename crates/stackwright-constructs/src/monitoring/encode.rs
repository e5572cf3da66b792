//! Monitoring's files as text — configuration, rules, dashboards. A value that cannot be
//! serialized is an [`Error::Serialize`] naming what it was, never an empty file or dashboard
//! deployed in its place.

use serde::Serialize;
use stackwright_core::{Error, Result};

/// `value` as compact JSON (a CloudWatch dashboard body).
pub(crate) fn json(what: &str, value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| serialize_error(what, &e.to_string()))
}

/// `value` as indented JSON ending with a newline (a Grafana dashboard file).
pub(crate) fn pretty_json(what: &str, value: &impl Serialize) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| serialize_error(what, &e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// `value` as one YAML document (a Prometheus, Alertmanager or Grafana provisioning file).
pub(crate) fn yaml(what: &str, value: &serde_json::Value) -> Result<String> {
    stackwright_core::yaml::to_yaml(value).map_err(|message| serialize_error(what, &message))
}

fn serialize_error(what: &str, message: &str) -> Error {
    Error::Serialize { what: what.to_string(), message: message.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value whose serialization fails, as a map with a non-string key does in JSON.
    struct Unserializable;

    impl Serialize for Unserializable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no JSON for this"))
        }
    }

    #[test]
    fn a_value_that_cannot_be_serialized_is_an_error_not_an_empty_file() {
        for result in [json("the dashboard of c", &Unserializable), pretty_json("the dashboard of c", &Unserializable)]
        {
            let err = result.unwrap_err();
            assert!(matches!(&err, Error::Serialize { what, .. } if what == "the dashboard of c"), "{err:?}");
            assert!(err.to_string().contains("no JSON for this"), "{err}");
        }
        assert_eq!(pretty_json("x", &serde_json::json!({ "a": 1 })).unwrap(), "{\n  \"a\": 1\n}\n");
        assert_eq!(json("x", &serde_json::json!({ "a": 1 })).unwrap(), "{\"a\":1}");
        assert_eq!(yaml("x", &serde_json::json!({ "a": 1 })).unwrap(), "a: 1\n");
    }
}
