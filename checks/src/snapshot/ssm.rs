//! Systems Manager data of one region: the instances its agent manages.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsmRegion {
    /// `DescribeInstanceInformation`.
    #[serde(default)]
    pub managed_instances: Collected<Vec<ManagedInstance>>,
}

impl SsmRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        self.managed_instances.error().into_iter().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedInstance {
    pub instance_id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_status: Option<String>,
}
