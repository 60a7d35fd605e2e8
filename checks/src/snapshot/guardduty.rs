//! GuardDuty data of one region: its detectors and their status.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardDutyRegion {
    /// `ListDetectors`, and `GetDetector` for each, keyed by detector id. A region has at most
    /// one detector; none means GuardDuty was never enabled there.
    #[serde(default)]
    pub detectors: Collected<BTreeMap<String, Collected<Detector>>>,
}

impl GuardDutyRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![self.detectors.error()];
        if let Collected::Ok(detectors) = &self.detectors {
            errors.extend(detectors.values().map(Collected::error));
        }
        errors.into_iter().flatten().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detector {
    /// `ENABLED` or `DISABLED` (suspended).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_publishing_frequency: Option<String>,
}
