//! Security Hub data of one region: whether the account is subscribed, its standards, and how
//! the organization's delegated administrator enrolls accounts.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected, OrganizationAdminAccount};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityHubRegion {
    /// `DescribeHub`: `null` when Security Hub answers that the account is not subscribed in
    /// this region (that answer is data, not a failure).
    #[serde(default)]
    pub hub: Collected<Option<Hub>>,
    /// `ListOrganizationAdminAccounts`: the organization's delegated Security Hub
    /// administrators in this region. Only the management account may call it, so it is asked
    /// only there: `null` in other accounts and outside any organization.
    #[serde(default)]
    pub organization_admin_accounts: Collected<Option<Vec<OrganizationAdminAccount>>>,
    /// `DescribeOrganizationConfiguration`. Only the delegated administrator may read it;
    /// other accounts' refusals are recorded. `null` when not asked: outside any organization,
    /// or Security Hub not enabled in the region.
    #[serde(default)]
    pub organization_configuration: Collected<Option<SecurityHubOrganizationConfiguration>>,
}

impl SecurityHubRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![self.hub.error()];
        if let Collected::Ok(Some(hub)) = &self.hub {
            errors.push(hub.enabled_standards.error());
        }
        errors.push(self.organization_admin_accounts.error());
        errors.push(self.organization_configuration.error());
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

/// How Security Hub's delegated administrator enrolls the organization's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityHubOrganizationConfiguration {
    /// `AutoEnable`: accounts that join the organization are enabled (local configuration).
    pub auto_enable: bool,
    /// `AutoEnableStandards`: `DEFAULT` or `NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enable_standards: Option<String>,
    /// `OrganizationConfiguration.ConfigurationType`: `LOCAL`, or `CENTRAL` (configuration
    /// policies decide, and `AutoEnable` is always false). Absent in answers that predate
    /// central configuration, which means local.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_type: Option<String>,
    /// The organization has reached Security Hub's member limit.
    pub member_account_limit_reached: bool,
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
