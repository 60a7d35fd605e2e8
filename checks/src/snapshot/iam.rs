//! IAM and IAM Identity Center: the account's principals, their policies and credentials.
//!
//! Policy documents are stored decoded (IAM's APIs return them URL-encoded), as the JSON text
//! AWS holds, so that the policy engine parses exactly what AWS evaluates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CallError, Collected, ErrorKind, UnusedAccess};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamData {
    /// `GetAccountAuthorizationDetails`, every page.
    #[serde(default)]
    pub authorization: Collected<Authorization>,
    /// `GenerateCredentialReport` + `GetCredentialReport`, parsed.
    #[serde(default)]
    pub credential_report: Collected<Vec<CredentialReportRow>>,
    /// `GetAccountSummary`: `AccountMFAEnabled`, `AccountAccessKeysPresent`…
    #[serde(default)]
    pub account_summary: Collected<BTreeMap<String, i64>>,
    /// `ListVirtualMFADevices`: serial numbers with the ARN of the user they belong to.
    #[serde(default)]
    pub virtual_mfa_devices: Collected<Vec<VirtualMfaDevice>>,
    /// `sso-admin:ListInstances` in each scanned region: IAM Identity Center instances.
    #[serde(default)]
    pub identity_center_instances: Collected<Vec<IdentityCenterInstance>>,
    /// Opt-in (`--unused-access`): the services each user and role has not used recently.
    /// Absent (not collected) from a default collection, and left out of its JSON: data not
    /// asked for is not a failed call.
    #[serde(default, skip_serializing_if = "Collected::is_not_collected")]
    pub unused_access: Collected<UnusedAccess>,
}

impl IamData {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors: Vec<&CallError> = [
            self.authorization.error(),
            self.credential_report.error(),
            self.account_summary.error(),
            self.virtual_mfa_devices.error(),
            self.identity_center_instances.error(),
        ]
        .into_iter()
        .flatten()
        .collect();
        errors.extend(
            self.unused_access
                .error()
                .filter(|error| error.kind != ErrorKind::NotCollected),
        );
        if let Collected::Ok(unused) = &self.unused_access {
            errors.extend(
                unused
                    .principals
                    .iter()
                    .filter_map(|principal| principal.services.error()),
            );
        }
        if let Collected::Ok(authorization) = &self.authorization {
            errors.extend(authorization.boundary_errors());
        }
        errors
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    /// Customer-managed policies, and AWS-managed policies attached to something.
    pub policies: Vec<ManagedPolicy>,
}

impl Authorization {
    /// The permissions boundaries that could not be read.
    pub fn boundary_errors(&self) -> impl Iterator<Item = &CallError> {
        let users = self.users.iter().map(|user| &user.permissions_boundary);
        let roles = self.roles.iter().map(|role| &role.permissions_boundary);
        users.chain(roles).filter_map(Collected::error)
    }
}

/// An inline policy: its name and document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    pub name: String,
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// Names of the groups the user belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The ARN of the managed policy set as the permissions boundary (`PermissionsBoundary`
    /// of `GetAccountAuthorizationDetails`), `None` when there is none. An action is allowed
    /// only when both the identity policies and the boundary allow it.
    #[serde(default)]
    pub permissions_boundary: Collected<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    pub arn: String,
    /// The trust policy.
    pub assume_role_policy: String,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
    /// ARNs of the instance profiles that carry this role to EC2.
    #[serde(default)]
    pub instance_profiles: Vec<String>,
    /// The ARN of the managed policy set as the permissions boundary (`PermissionsBoundary`
    /// of `GetAccountAuthorizationDetails`), `None` when there is none. An action is allowed
    /// only when both the identity policies and the boundary allow it.
    #[serde(default)]
    pub permissions_boundary: Collected<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    /// Owned by AWS (`arn:aws:iam::aws:policy/…`) rather than the account.
    pub aws_managed: bool,
    pub attachment_count: i32,
    /// The default version's document.
    pub document: String,
}

/// One row of the IAM credential report. Dates are RFC 3339; `None` where the report says
/// `N/A`, `no_information` or `not_supported`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialReportRow {
    /// `<root_account>` for the root user.
    pub user: String,
    pub arn: String,
    pub password_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_used: Option<String>,
    pub mfa_active: bool,
    #[serde(default)]
    pub access_keys: Vec<AccessKeyStatus>,
}

impl CredentialReportRow {
    pub const ROOT: &'static str = "<root_account>";

    pub fn is_root(&self) -> bool {
        self.user == Self::ROOT
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKeyStatus {
    /// 1 or 2, the key's column in the report.
    pub slot: u8,
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    /// ARN of the user it is assigned to; the root user's is `arn:aws:iam::ACCOUNT:root`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenterInstance {
    pub arn: String,
    pub region: String,
}
