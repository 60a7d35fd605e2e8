//! EventBridge data of one region: the rules of the default event bus and their targets.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsRegion {
    /// `ListRules` on the default event bus (the one AWS services send their events to), with
    /// `ListTargetsByRule` for each rule.
    #[serde(default)]
    pub rules: Collected<Vec<EventRule>>,
}

impl EventsRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![self.rules.error()];
        if let Collected::Ok(rules) = &self.rules {
            errors.extend(rules.iter().map(|rule| rule.targets.error()));
        }
        errors.into_iter().flatten().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRule {
    pub name: String,
    pub arn: String,
    /// `ENABLED`, `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    pub state: String,
    /// The event pattern, as the JSON text AWS holds; absent for scheduled rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_pattern: Option<String>,
    /// The service that manages the rule, for rules that AWS services created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    /// `ListTargetsByRule`.
    #[serde(default)]
    pub targets: Collected<Vec<EventTarget>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTarget {
    pub id: String,
    /// The Lambda function, state machine, SNS topic, SQS queue… the rule invokes.
    pub arn: String,
}
