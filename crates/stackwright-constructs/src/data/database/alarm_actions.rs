//! Where the database's alarms notify: the topic of its props, and topics added once they exist
//! (a platform's alarm topic usually belongs to monitoring, created after the workloads that
//! connect to the database — so after the database).

use std::cell::RefCell;

use stackwright_cfn::cloudwatch;
use stackwright_core::{Construct, Resource, Result, Value};

/// The database's alarms and the topics they notify (in order, each once).
pub(super) struct AlarmActions {
    alarms: Vec<Resource<cloudwatch::Alarm>>,
    topics: RefCell<Vec<Value>>,
}

impl AlarmActions {
    /// The `alarms`, already notifying `topics` (the props' topic, when there is one).
    pub(super) fn new(alarms: Vec<Resource<cloudwatch::Alarm>>, topics: Vec<Value>) -> Self {
        AlarmActions { alarms, topics: RefCell::new(topics) }
    }

    /// Makes every alarm notify `topic` too, when it enters the ALARM state and when it
    /// returns to OK; a topic already notified is not added twice.
    pub(super) fn add(&self, topic: Value) -> Result<()> {
        let mut topics = self.topics.borrow_mut();
        if topics.contains(&topic) {
            return Ok(());
        }
        topics.push(topic);
        for alarm in &self.alarms {
            alarm.set_property("AlarmActions", topics.clone())?;
            alarm.set_property("OKActions", topics.clone())?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for AlarmActions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<String> = self.alarms.iter().map(|a| a.node().path()).collect();
        f.debug_struct("AlarmActions").field("alarms", &paths).field("topics", &self.topics).finish()
    }
}
