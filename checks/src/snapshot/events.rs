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
        let mut errors: Vec<&CallError> = self.rules.error().into_iter().collect();
        if let Collected::Ok(rules) = &self.rules {
            for rule in rules {
                errors.extend(rule.targets.error());
                if let Collected::Ok(targets) = &rule.targets {
                    errors.extend(
                        targets
                            .iter()
                            .filter_map(|target| target.automation_document.as_ref()?.error()),
                    );
                }
            }
        }
        errors
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTarget {
    pub id: String,
    /// The Lambda function, state machine, SNS topic, SQS queue… the rule invokes.
    pub arn: String,
    /// The role EventBridge assumes to invoke the target (required for Step Functions, SSM
    /// Automation and some others; Lambda, SNS and SQS use resource policies instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// For an SSM Automation target, the `AutomationAssumeRole` parameter of the target's
    /// constant `Input`: the role the automation runs with. Without it, the automation runs
    /// with the permissions of whoever starts it, EventBridge's `role_arn`. Only this value of
    /// the input is kept: the rest may hold data a report has no business showing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation_assume_role: Option<String>,
    /// For an SSM Automation target (`…:automation-definition/NAME[:VERSION]`), whether its
    /// document exists, from `ssm:DescribeDocument`; `None` for other targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation_document: Option<Collected<bool>>,
}
