//! AWS Organizations: what one account's organization knows of it — whether it is in one, its
//! name, OU path and tags, and the service control policies that apply to it at every level.
//!
//! This is the view of **one target account**, read with a given client: in a single-account
//! scan, the account's own credentials (a member account is usually refused everything but
//! `DescribeOrganization`, and those refusals are recorded); in an organization scan, the
//! management (or delegated administrator) account's, reading the view of each member. Either
//! way the shape is the same, so the checks never need to know who read it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationsGlobal {
    /// `DescribeOrganization`: `null` when AWS answers `AWSOrganizationsNotInUseException`, that
    /// is, the account is in no organization (that answer is data, not a failure).
    #[serde(default)]
    pub organization: Collected<Option<Organization>>,
}

impl OrganizationsGlobal {
    pub fn call_errors(&self) -> Vec<&CallError> {
        match &self.organization {
            Collected::Error(error) => vec![error],
            Collected::Ok(None) => Vec::new(),
            Collected::Ok(Some(organization)) => organization.call_errors(),
        }
    }

    /// The organization the account belongs to, when it was read and there is one.
    pub fn member_of(&self) -> Option<&Organization> {
        self.organization.as_result().ok().and_then(Option::as_ref)
    }

    /// The account's name in its organization, when it could be read.
    pub fn account_name(&self) -> Option<&str> {
        let account = self.member_of()?.account.as_result().ok()?;
        Some(&account.name)
    }

    /// The account's tags in its organization, when they could be read.
    pub fn account_tags(&self) -> Option<&BTreeMap<String, String>> {
        self.member_of()?.tags.as_result().ok()
    }

    /// The names of the OUs from the root down to the account's parent, joined by `/`, the
    /// root's name first (`Root/Workloads/Prod`), when the path could be read.
    pub fn ou_path(&self) -> Option<String> {
        let levels = self.member_of()?.levels.as_result().ok()?;
        let names: Vec<&str> = levels
            .iter()
            .filter(|level| level.kind != LevelKind::Account)
            .map(|level| level.name.as_str())
            .collect();
        Some(names.join("/"))
    }
}

/// The organization, and the target account as the organization describes it. Only the
/// management account and delegated administrators may read most of it, so each part is
/// collected (or refused) on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// `o-…`.
    pub id: String,
    pub arn: String,
    pub management_account_id: String,
    /// `ALL`, or `CONSOLIDATED_BILLING` (no SCPs, no delegated administrators).
    pub feature_set: String,
    /// `DescribeAccount` of the target account.
    #[serde(default)]
    pub account: Collected<OrganizationAccount>,
    /// `ListTagsForResource` of the target account.
    #[serde(default)]
    pub tags: Collected<BTreeMap<String, String>>,
    /// `ListRoots`: whether the root has the `SERVICE_CONTROL_POLICY` policy type enabled.
    /// When it is not, no SCP applies anywhere in the organization.
    #[serde(default)]
    pub service_control_policies_enabled: Collected<bool>,
    /// The levels whose SCPs apply to the account, from the root down: the root, each OU on
    /// the path (`ListParents` up from the account, `DescribeOrganizationalUnit` for names),
    /// and the account itself, last.
    #[serde(default)]
    pub levels: Collected<Vec<OrganizationLevel>>,
    /// `ListDelegatedAdministrators` and `ListDelegatedServicesForAccount`: by service
    /// principal (`guardduty.amazonaws.com`), the accounts registered as its delegated
    /// administrator. A principal that is not a key has none.
    #[serde(default)]
    pub delegated_administrators: Collected<BTreeMap<String, Vec<String>>>,
}

impl Organization {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![
            self.account.error(),
            self.tags.error(),
            self.service_control_policies_enabled.error(),
            self.levels.error(),
            self.delegated_administrators.error(),
        ];
        if let Collected::Ok(levels) = &self.levels {
            errors.extend(
                levels
                    .iter()
                    .map(|level| level.service_control_policies.error()),
            );
        }
        errors.into_iter().flatten().collect()
    }

    /// Whether `account` is this organization's management account, which SCPs never apply
    /// to.
    pub fn is_management_account(&self, account: &str) -> bool {
        self.management_account_id == account
    }
}

/// The target account, from `DescribeAccount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationAccount {
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`… (the account's `State`, or its older
    /// `Status` where AWS gives no state).
    pub status: String,
}

/// What a level of the organization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelKind {
    Root,
    OrganizationalUnit,
    Account,
}

/// One level of the path from the root to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationLevel {
    pub kind: LevelKind,
    /// `r-…`, `ou-…-…`, or the account id.
    pub id: String,
    /// The root's or OU's name; for the account, its id again (its name is in
    /// [`Organization::account`]).
    pub name: String,
    /// `ListPoliciesForTarget` (`SERVICE_CONTROL_POLICY`) for this level, and
    /// `DescribePolicy` for each policy's document: the SCPs attached here, sorted by id.
    #[serde(default)]
    pub service_control_policies: Collected<Vec<ServiceControlPolicy>>,
}

impl OrganizationLevel {
    /// For messages: `root r-ab12`, `OU Prod (ou-ab12-cdef3456)`, `account 111122223333`.
    pub fn describe(&self) -> String {
        match self.kind {
            LevelKind::Root => format!("root {}", self.id),
            LevelKind::OrganizationalUnit => format!("OU {} ({})", self.name, self.id),
            LevelKind::Account => format!("account {}", self.id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceControlPolicy {
    /// `p-…`, or `p-FullAWSAccess` for the default policy.
    pub id: String,
    pub name: String,
    /// Owned by AWS (`FullAWSAccess`) rather than the organization.
    pub aws_managed: bool,
    /// The policy document, as `DescribePolicy` returns it.
    pub document: String,
}

/// A delegated administrator of a security service in one region, as the service's own
/// `ListOrganizationAdminAccounts` reports it (GuardDuty, Security Hub).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationAdminAccount {
    pub account_id: String,
    /// `ENABLED` or `DISABLE_IN_PROGRESS`.
    pub status: String,
}

impl OrganizationAdminAccount {
    pub fn is_enabled(&self) -> bool {
        self.status == "ENABLED"
    }
}
