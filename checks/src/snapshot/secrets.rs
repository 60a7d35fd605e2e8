//! Secrets Manager data of one region: the secrets and their rotation.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsRegion {
    /// `ListSecrets`.
    #[serde(default)]
    pub secrets: Collected<Vec<Secret>>,
}

impl SecretsRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        self.secrets.error().into_iter().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    pub arn: String,
    pub name: String,
    pub rotation_enabled: bool,
    /// The rotation schedule, in days, when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_days: Option<i64>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated: Option<String>,
    /// A secret owned by another service (RDS, Redshift…), which rotates it itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owning_service: Option<String>,
}
