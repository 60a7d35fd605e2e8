//! GuardDuty data of one region: its detectors and their status, and how the organization's
//! delegated administrator enrolls accounts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CallError, Collected, OrganizationAdminAccount};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardDutyRegion {
    /// `ListDetectors`, and `GetDetector` for each, keyed by detector id. A region has at most
    /// one detector; none means GuardDuty was never enabled there.
    #[serde(default)]
    pub detectors: Collected<BTreeMap<String, Collected<Detector>>>,
    /// `ListOrganizationAdminAccounts`: the organization's delegated GuardDuty administrators
    /// in this region. Only the management account may call it, so it is asked only there:
    /// `null` in other accounts and outside any organization.
    #[serde(default)]
    pub organization_admin_accounts: Collected<Option<Vec<OrganizationAdminAccount>>>,
    /// `DescribeOrganizationConfiguration` of the region's detector. Only the delegated
    /// administrator may read it; other accounts' refusals are recorded. `null` when not asked:
    /// outside any organization, or no detector in the region.
    #[serde(default)]
    pub organization_configuration: Collected<Option<GuardDutyOrganizationConfiguration>>,
}

impl GuardDutyRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![self.detectors.error()];
        if let Collected::Ok(detectors) = &self.detectors {
            errors.extend(detectors.values().map(Collected::error));
        }
        errors.push(self.organization_admin_accounts.error());
        errors.push(self.organization_configuration.error());
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

/// How GuardDuty's delegated administrator enrolls the organization's accounts in the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardDutyOrganizationConfiguration {
    /// `AutoEnableOrganizationMembers`: `NEW` (accounts that join), `ALL` (also existing ones)
    /// or `NONE`. Where AWS answers only the deprecated `AutoEnable`, `true` reads as `NEW`.
    pub auto_enable_organization_members: String,
    /// The organization has reached GuardDuty's member limit, so joining accounts are not
    /// enrolled.
    pub member_account_limit_reached: bool,
}
