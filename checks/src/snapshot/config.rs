//! AWS Config data of one region: configuration recorders, their status, delivery channels.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigRegion {
    /// `DescribeConfigurationRecorders`.
    #[serde(default)]
    pub recorders: Collected<Vec<ConfigurationRecorder>>,
    /// `DescribeConfigurationRecorderStatus`.
    #[serde(default)]
    pub recorder_statuses: Collected<Vec<RecorderStatus>>,
    /// `DescribeDeliveryChannels`.
    #[serde(default)]
    pub delivery_channels: Collected<Vec<DeliveryChannel>>,
}

impl ConfigRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        [
            self.recorders.error(),
            self.recorder_statuses.error(),
            self.delivery_channels.error(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationRecorder {
    pub name: String,
    /// `recordingGroup.allSupported`.
    #[serde(default)]
    pub all_supported: bool,
    /// `recordingGroup.includeGlobalResourceTypes`.
    #[serde(default)]
    pub include_global_resource_types: bool,
    /// `recordingGroup.recordingStrategy.useOnly`: `ALL_SUPPORTED_RESOURCE_TYPES`,
    /// `INCLUSION_BY_RESOURCE_TYPES` or `EXCLUSION_BY_RESOURCE_TYPES`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_strategy: Option<String>,
    /// `recordingGroup.resourceTypes`: the only types recorded, when listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<String>,
    /// `recordingGroup.exclusionByResourceTypes.resourceTypes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_resource_types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecorderStatus {
    pub name: String,
    pub recording: bool,
    /// `SUCCESS`, `FAILURE` or `PENDING`: the outcome of the last recording attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryChannel {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic_arn: Option<String>,
}
