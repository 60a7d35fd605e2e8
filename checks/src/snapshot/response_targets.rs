//! What an EventBridge rule can deliver to besides Lambda, by region: Step Functions state
//! machines, SNS topics and SQS queues, read as bulk lists of ARNs so that a target's existence
//! costs no call of its own. SSM Automation documents, which are targeted by name, are read
//! per targeted document (`ssm:DescribeDocument`, in [`EventTarget`](super::EventTarget)).

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

/// Step Functions data of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepFunctionsRegion {
    /// `states:ListStateMachines`, every page: the state machines' ARNs.
    #[serde(default)]
    pub state_machines: Collected<Vec<String>>,
}

/// SNS data of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnsRegion {
    /// `sns:ListTopics`, every page: the topics' ARNs.
    #[serde(default)]
    pub topics: Collected<Vec<String>>,
}

/// SQS data of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqsRegion {
    /// `sqs:ListQueues`, every page: the queues' ARNs (built from the URLs SQS returns,
    /// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` → `arn:PARTITION:sqs:REGION:ACCOUNT:NAME`).
    #[serde(default)]
    pub queues: Collected<Vec<String>>,
}

impl StepFunctionsRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        self.state_machines.error().into_iter().collect()
    }
}

impl SnsRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        self.topics.error().into_iter().collect()
    }
}

impl SqsRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        self.queues.error().into_iter().collect()
    }
}
