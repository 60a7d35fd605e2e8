//! CloudTrail data of one region: the trails that apply to it, and — read once per trail, in
//! the region that evaluates it — whether each is logging and which events it selects.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudTrailRegion {
    /// `DescribeTrails` with `includeShadowTrails`: the trails of this region, the multi-region
    /// trails of other regions and the organization trails that apply to it.
    #[serde(default)]
    pub trails: Collected<Vec<Trail>>,
}

impl CloudTrailRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![self.trails.error()];
        if let Collected::Ok(trails) = &self.trails {
            for trail in trails {
                errors.extend(trail.status.as_ref().map(Collected::error));
                errors.extend(trail.event_selectors.as_ref().map(Collected::error));
            }
        }
        errors.into_iter().flatten().collect()
    }
}

/// One trail as `DescribeTrails` lists it. A multi-region trail is listed in every region (a
/// "shadow trail" outside its home region) under the same ARN; only the copy in the region that
/// evaluates it — its home region, or the first scanned region when its home region is not
/// scanned — carries `status` and `event_selectors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    pub arn: String,
    pub name: String,
    pub home_region: String,
    #[serde(default)]
    pub multi_region: bool,
    /// An organization trail, which logs for every member account of the organization.
    #[serde(default)]
    pub organization_trail: bool,
    #[serde(default)]
    pub log_file_validation: bool,
    /// The KMS key that encrypts the log files; absent means S3-managed keys (SSE-S3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// `GetTrailStatus`, on the evaluating copy only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Collected<TrailStatus>>,
    /// `GetEventSelectors`, on the evaluating copy only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_selectors: Option<Collected<EventSelectors>>,
}

impl Trail {
    /// Whether this copy is the one the trail is evaluated on.
    pub fn is_evaluated_here(&self) -> bool {
        self.status.is_some() || self.event_selectors.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrailStatus {
    /// `IsLogging`; absent from AWS's answer reads as not logging.
    pub is_logging: bool,
}

/// A trail's event selectors: classic `EventSelectors` or `AdvancedEventSelectors` (AWS keeps one
/// kind at a time; both are kept here as read).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSelectors {
    #[serde(default)]
    pub classic: Vec<ClassicEventSelector>,
    #[serde(default)]
    pub advanced: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassicEventSelector {
    /// `ReadOnly`, `WriteOnly` or `All` (AWS's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_write_type: Option<String>,
    /// AWS's default when absent is `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_management_events: Option<bool>,
    /// Event sources whose management events are not logged, e.g. `kms.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_management_event_sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedEventSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

/// One condition of an advanced event selector; the selector logs the events that meet all of
/// its conditions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedFieldSelector {
    /// `eventCategory`, `readOnly`, `eventSource`, `resources.type`…
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}
