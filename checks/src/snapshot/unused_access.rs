//! Unused access: when each IAM user and role last used each service it is granted.
//!
//! Opt-in data (`--unused-access`): reading it costs calls per principal, so a default
//! collection leaves it out and the field stays "not collected". Two sources, the first
//! preferred: IAM Access Analyzer's unused-access findings, where the account has such an
//! analyzer; otherwise IAM's service last-accessed report, one job per principal.

use serde::{Deserialize, Serialize};

use super::{ArnScope, AwsResource, Collected, Role, User};

/// Every user and role of the account, with the services it has not used recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnusedAccess {
    pub source: UnusedAccessSource,
    /// Sorted by ARN.
    pub principals: Vec<PrincipalServiceUse>,
}

/// Where the last-use dates come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum UnusedAccessSource {
    /// An unused-access analyzer's active findings (`ListFindingsV2`, `GetFindingV2`). It
    /// reports only services unused for longer than its tracking period, so a principal
    /// without a finding used every service it holds within that period.
    AccessAnalyzer {
        analyzer_arn: String,
        /// The analyzer's `unusedAccessAge`: the days it waits before calling access unused.
        unused_access_age_days: u32,
    },
    /// `GenerateServiceLastAccessedDetails` + `GetServiceLastAccessedDetails` per principal:
    /// every service its permissions policies grant, with its last access.
    ServiceLastAccessed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    User,
    Role,
}

/// One user or role.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalServiceUse {
    pub arn: String,
    pub name: String,
    pub kind: PrincipalKind,
    /// The services it is granted and when it last used each (Access Analyzer: only those it
    /// has not used within the analyzer's period). An error when its report could not be read.
    pub services: Collected<Vec<ServiceUse>>,
    /// Access Analyzer's `UnusedIAMRole`: the role made no call at all within the analyzer's
    /// period. `Some(None)` when it was never used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_unused: Option<Option<String>>,
}

/// One service and its last use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceUse {
    /// The service's namespace, as in IAM actions (`s3`, `dynamodb`).
    pub namespace: String,
    /// RFC 3339; `None` when the principal never used it in the period IAM tracks (400 days).
    pub last_accessed: Option<String>,
}

impl PrincipalServiceUse {
    /// A principal with no use data yet, for the collectors.
    pub fn of_user(user: &User) -> Self {
        PrincipalServiceUse {
            arn: user.arn.clone(),
            name: user.name.clone(),
            kind: PrincipalKind::User,
            services: Collected::Ok(Vec::new()),
            role_unused: None,
        }
    }

    pub fn of_role(role: &Role) -> Self {
        PrincipalServiceUse {
            arn: role.arn.clone(),
            name: role.name.clone(),
            kind: PrincipalKind::Role,
            services: Collected::Ok(Vec::new()),
            role_unused: None,
        }
    }
}

impl AwsResource for PrincipalServiceUse {
    fn resource_type(&self) -> &'static str {
        match self.kind {
            PrincipalKind::User => User::RESOURCE_TYPE,
            PrincipalKind::Role => Role::RESOURCE_TYPE,
        }
    }

    fn arn(&self, _: ArnScope<'_>) -> String {
        self.arn.clone()
    }
}
