//! Helpers shared by the governance checks: the account resource they report against, and the
//! one reading of "is this security service organization-wide?" that the GuardDuty and Security
//! Hub checks (ZT804, ZT805) both make.

use crate::findings::GLOBAL_REGION;
use crate::snapshot::{CallError, Collected, OrganizationAdminAccount, RegionData};
use crate::{Findings, Resource, Snapshot};

/// The account as a whole, in region `global`: `arn:PARTITION:organizations::ACCOUNT:account`
/// (the resource `Findings::require_global("organizations", …)` reports ERRORs against).
pub(crate) fn account_resource(out: &Findings) -> Resource {
    out.account_resource("organizations", GLOBAL_REGION)
}

/// `a`, `a and b`, `a, b and c` (with `conjunction` in place of `and`).
pub(crate) fn join_listing<S: AsRef<str>>(parts: &[S], conjunction: &str) -> String {
    match parts {
        [] => String::new(),
        [only] => only.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {conjunction} {}", init.join(", "), last.as_ref())
        }
    }
}

/// How the delegated administrator enrolls accounts, as a check judges it.
pub(crate) enum Enrollment {
    /// Accounts that join the organization are enabled: why.
    Automatic(String),
    /// They are not: why.
    Manual(String),
    /// The configuration cannot be judged from what was read: why.
    Unknown(String),
}

/// A security service whose organization-wide setup ZT804 and ZT805 judge the same way.
pub(crate) struct SecurityService<C: 'static> {
    /// For messages: `GuardDuty`.
    pub label: &'static str,
    /// The IAM service prefix of its region resources: `guardduty`.
    pub service: &'static str,
    /// Its principal in Organizations' delegated administrator registry.
    pub service_principal: &'static str,
    /// What "enabled in the region" means, for the message when the administrator has not
    /// enabled it: `has no detector`.
    pub not_enabled: &'static str,
    pub admin_accounts: fn(&RegionData) -> &Collected<Option<Vec<OrganizationAdminAccount>>>,
    pub configuration: fn(&RegionData) -> &Collected<Option<C>>,
    pub judge: fn(&C) -> Enrollment,
}

/// Who administers the service in one region, as far as the account's view tells.
enum Administrator<'s> {
    Accounts(Vec<&'s str>),
    /// Nobody is registered, and the source is authoritative (the service's own list, read by
    /// the management account).
    Nobody,
    /// The organization's registry lists nobody: not conclusive (the management account may
    /// administer the service without being registered), so the verdict is left to the
    /// management account's own view.
    NobodyRegistered,
    Unknown(&'s CallError),
}

/// One finding per scanned region: whether `service` is organization-wide there, judged in the
/// view of the account scanned (see ZT804's documentation for the rules).
pub(crate) fn judge_organization_wide<C>(
    snapshot: &Snapshot,
    out: &mut Findings,
    service: &SecurityService<C>,
) {
    let label = service.label;
    let account = snapshot.account.as_str();
    for (region, data) in &snapshot.regions {
        let resource = out.account_resource(service.service, region);
        let organization = match snapshot.global.organizations.organization.as_result() {
            Err(error) => {
                out.error(resource, error);
                continue;
            }
            Ok(None) => {
                out.not_applicable(
                    resource,
                    format!("the account is in no organization, so {label} cannot be organization-wide (see ZT802)"),
                );
                continue;
            }
            Ok(Some(organization)) => organization,
        };
        if organization.feature_set != "ALL" {
            out.fail(
                resource,
                format!(
                    "organization {} has only consolidated billing features: it can have no delegated {label} administrator",
                    organization.id
                ),
            );
            continue;
        }
        let configuration = (service.configuration)(data);
        if let Collected::Ok(Some(configuration)) = configuration {
            let administers = format!("{account} is {label}'s delegated administrator in {region}");
            match (service.judge)(configuration) {
                Enrollment::Automatic(why) => out.pass(resource, format!("{administers}: {why}")),
                Enrollment::Manual(why) => out.fail(resource, format!("{administers}: {why}")),
                Enrollment::Unknown(why) => {
                    out.unevaluable(resource, format!("{administers}, but {why}"))
                }
            }
            continue;
        }
        let management = organization.is_management_account(account);
        let registered = organization
            .delegated_administrators
            .as_result()
            .map(|registry| {
                registry
                    .get(service.service_principal)
                    .map(|accounts| accounts.iter().map(String::as_str).collect::<Vec<_>>())
                    .unwrap_or_default()
            });
        let administrator = match (service.admin_accounts)(data).as_result() {
            Ok(Some(admins)) => {
                let enabled: Vec<&str> = admins
                    .iter()
                    .filter(|admin| admin.is_enabled())
                    .map(|admin| admin.account_id.as_str())
                    .collect();
                if enabled.is_empty() {
                    Administrator::Nobody
                } else {
                    Administrator::Accounts(enabled)
                }
            }
            // Not asked (this is not the management account), or refused: the organization's
            // registry may still say who it is.
            listed => match (registered, listed) {
                (Ok(accounts), _) if !accounts.is_empty() => Administrator::Accounts(accounts),
                (_, Err(error)) if management => Administrator::Unknown(error),
                (Ok(_), _) => Administrator::NobodyRegistered,
                // A member that cannot read the registry: its own refusal says most.
                (Err(error), _) => Administrator::Unknown(configuration.error().unwrap_or(error)),
            },
        };
        match administrator {
            Administrator::Accounts(accounts) if accounts.contains(&account) => match configuration {
                Collected::Error(error) => out.error(resource, error),
                _ => out.fail(
                    resource,
                    format!(
                        "{account} is {label}'s delegated administrator but {} in {region}, so no account is enrolled there",
                        service.not_enabled
                    ),
                ),
            },
            Administrator::Accounts(accounts) => out.not_applicable(
                resource,
                format!(
                    "{label}'s delegated administrator is {}; whether accounts that join are enabled in {region} is judged in its view",
                    accounts.join(", ")
                ),
            ),
            Administrator::Nobody => out.fail(
                resource,
                format!("{label} has no delegated administrator in {region}: each account's {label} stands alone, and accounts that join are not enabled"),
            ),
            Administrator::NobodyRegistered if management => match configuration {
                Collected::Error(error) => out.error(resource, error),
                _ => out.fail(
                    resource,
                    format!("{label} has no delegated administrator registered in organization {}, and {account} {} in {region}", organization.id, service.not_enabled),
                ),
            },
            Administrator::NobodyRegistered => out.not_applicable(
                resource,
                format!(
                    "organization {} registers no delegated {label} administrator; the management account {}'s view judges it",
                    organization.id, organization.management_account_id
                ),
            ),
            Administrator::Unknown(reason) => out.error(resource, reason),
        }
    }
}
