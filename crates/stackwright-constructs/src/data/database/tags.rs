//! The instance's tags, kept so that constructs created after the database (a backup plan) can
//! add theirs.

use std::cell::RefCell;
use std::fmt;

use stackwright_cfn::rds;
use stackwright_core::{Resource, Result, Value};

/// The instance resource (none for a rejected database) and its tags.
pub(super) struct InstanceTags {
    instance: Option<Resource<rds::DbInstance>>,
    tags: RefCell<Vec<(String, String)>>,
}

impl InstanceTags {
    pub(super) fn new(instance: Option<Resource<rds::DbInstance>>, tags: Vec<(String, String)>) -> Self {
        InstanceTags { instance, tags: RefCell::new(tags) }
    }

    /// Sets tag `key` to `value` (replacing a value it had) and rewrites the instance's `Tags`.
    pub(super) fn set(&self, key: &str, value: &str) -> Result<()> {
        let mut tags = self.tags.borrow_mut();
        match tags.iter_mut().find(|(k, _)| k == key) {
            Some(tag) => tag.1 = value.to_string(),
            None => tags.push((key.to_string(), value.to_string())),
        }
        let Some(instance) = &self.instance else { return Ok(()) };
        let list = tags
            .iter()
            .map(|(k, v)| Value::map([("Key", Value::from(k.as_str())), ("Value", Value::from(v.as_str()))]))
            .collect();
        instance.set_property("Tags", Value::List(list))
    }

    /// The value of tag `key`.
    pub(super) fn get(&self, key: &str) -> Option<String> {
        self.tags.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }
}

impl fmt::Debug for InstanceTags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceTags").field("tags", &self.tags.borrow()).finish_non_exhaustive()
    }
}
