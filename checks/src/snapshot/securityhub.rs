//! Security Hub data of one region: whether the account is subscribed, and its standards.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityHubRegion {
    /// `DescribeHub`: `null` when Security Hub answers that the account is not subscribed in
    /// this region (that answer is data, not a failure).
    #[serde(default)]
    pub hub: Collected<Option<Hub>>,
}

impl SecurityHubRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![self.hub.error()];
        if let Collected::Ok(Some(hub)) = &self.hub {
            errors.push(hub.enabled_standards.error());
        }
        errors.into_iter().flatten().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hub {
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed_at: Option<String>,
    /// `GetEnabledStandards`, read only when the account is subscribed.
    #[serde(default)]
    pub enabled_standards: Collected<Vec<EnabledStandard>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnabledStandard {
    /// e.g. `arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0`.
    pub standards_arn: String,
    /// `PENDING`, `READY`, `FAILED`, `DELETING` or `INCOMPLETE`.
    pub status: String,
}

impl EnabledStandard {
    /// The standard's name and version as its ARN spells them:
    /// `aws-foundational-security-best-practices/v/1.0.0`.
    pub fn short_name(&self) -> &str {
        ["standards/", "ruleset/"]
            .iter()
            .find_map(|marker| {
                self.standards_arn
                    .find(marker)
                    .map(|at| &self.standards_arn[at + marker.len()..])
            })
            .unwrap_or(&self.standards_arn)
    }
}
