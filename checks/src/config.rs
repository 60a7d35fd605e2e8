//! Settings that change what the checks consider bad, validated before any check sees them.

use serde::Serialize;
use ztaudit_policy::Catalogue;

/// Validated check settings. The CLI (and later `ztaudit.toml`) build it; checks only read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckConfig {
    /// TCP ports whose exposure to the internet is an administrative door (SSH, RDP…).
    pub admin_ports: Vec<u16>,
    /// Days after which an access key must have been rotated (CIS 1.14, FSBP IAM.3).
    pub access_key_max_age_days: i64,
    /// Days without use after which an active access key is stale (CIS 1.12).
    pub access_key_unused_days: i64,
    /// Actions that must never be allowed without MFA (the built-in catalogue plus the user's).
    pub sensitive_actions: Catalogue,
}

impl CheckConfig {
    pub const DEFAULT_ADMIN_PORTS: [u16; 2] = [22, 3389];
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            admin_ports: Self::DEFAULT_ADMIN_PORTS.to_vec(),
            access_key_max_age_days: 90,
            access_key_unused_days: 45,
            sensitive_actions: Catalogue::builtin(),
        }
    }
}
