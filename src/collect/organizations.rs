//! Organizations: the organization's view of **one target account** ([`OrganizationsGlobal`]),
//! read with a given client.
//!
//! In a single-account scan the client holds the account's own credentials: a member account
//! may call `DescribeOrganization` but is usually refused the rest, and each refusal is recorded
//! so that the checks needing it report ERROR. In an organization scan the client is the
//! management (or delegated administrator) account's, reading the view of each member in turn:
//! [`collect_view`] takes the target account's id for that reason, and never assumes it is the
//! caller's own.
//!
//! Calls, all read-only: `DescribeOrganization`, then for a member of one `DescribeAccount`,
//! `ListTagsForResource`, `ListRoots`, `ListParents` (from the account up to the root) with
//! `DescribeOrganizationalUnit` for each OU's name, `ListPoliciesForTarget`
//! (`SERVICE_CONTROL_POLICY`) for the root, each OU and the account with `DescribePolicy` once
//! per policy, and `ListDelegatedAdministrators` with `ListDelegatedServicesForAccount` for
//! each delegated administrator.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::{Region, SdkConfig};
use aws_sdk_organizations::error::ProvideErrorMetadata;
use aws_sdk_organizations::types::{ParentType, PolicyType, PolicyTypeStatus};
use aws_sdk_organizations::Client;
use futures::future::join_all;
use indicatif::ProgressBar;
use ztaudit_checks::snapshot::{
    LevelKind, Organization, OrganizationAccount, OrganizationLevel, OrganizationsGlobal,
    ServiceControlPolicy,
};
use ztaudit_checks::{CallError, Collected, ErrorKind};

use super::calls::{CallRecorder, Calls, RegionCalls};

const SERVICE: &str = "organizations";

/// Organizations allows five levels of OUs under the root; a longer chain of parents means the
/// answers are inconsistent, and reading stops there.
const MAX_DEPTH: usize = 8;

/// What the collection knows of the scanned account's place in an organization. It decides
/// which organization-only calls of other services (GuardDuty, Security Hub) are worth making:
/// outside an organization none is, and only the management account may list delegated
/// administrators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationRole {
    /// `DescribeOrganization` failed: every call is tried, and its outcome recorded.
    Unknown,
    Outside,
    Management,
    Member,
}

impl OrganizationRole {
    pub fn of(view: &OrganizationsGlobal, account: &str) -> OrganizationRole {
        match view.organization.as_result() {
            Err(_) => OrganizationRole::Unknown,
            Ok(None) => OrganizationRole::Outside,
            Ok(Some(organization)) if organization.is_management_account(account) => {
                OrganizationRole::Management
            }
            Ok(Some(_)) => OrganizationRole::Member,
        }
    }

    /// Whether to call a service's `ListOrganizationAdminAccounts` (management account only).
    pub fn asks_admin_accounts(self) -> bool {
        matches!(
            self,
            OrganizationRole::Unknown | OrganizationRole::Management
        )
    }

    /// Whether to call a service's `DescribeOrganizationConfiguration` (its delegated
    /// administrator only, which may be any account of the organization).
    pub fn asks_organization_configuration(self) -> bool {
        self != OrganizationRole::Outside
    }
}

/// An Organizations client for `sdk`'s credentials, its calls recorded (and allow-listed) by
/// `recorder`. Organizations is global; `region` only picks the partition's endpoint.
pub fn client(sdk: &SdkConfig, region: &str, recorder: &CallRecorder) -> Client {
    Client::from_conf(
        aws_sdk_organizations::config::Builder::from(sdk)
            .region(Region::new(region.to_owned()))
            .interceptor(recorder.clone())
            .build(),
    )
}

/// The organization's view of `account`, read with `sdk`'s credentials outside a collection:
/// what an organization scan reads for each member with the management account's
/// configuration, `concurrency` calls at a time.
pub async fn read_view(
    sdk: &SdkConfig,
    region: &str,
    account: &str,
    recorder: &CallRecorder,
    concurrency: usize,
) -> OrganizationsGlobal {
    let calls = Calls::new(concurrency, ProgressBar::hidden());
    collect_view(
        &client(sdk, region, recorder),
        account,
        &calls.in_region(None, true),
    )
    .await
}

/// The whole view of `account`: [`describe_organization`], then [`complete_view`].
pub async fn collect_view(
    client: &Client,
    account: &str,
    calls: &RegionCalls,
) -> OrganizationsGlobal {
    let described = describe_organization(client, calls).await;
    complete_view(client, account, described, None, calls).await
}

/// `DescribeOrganization`: the organization, with its per-account parts not yet read, or `None`
/// when the account is in no organization.
pub async fn describe_organization(client: &Client, calls: &RegionCalls) -> OrganizationsGlobal {
    let organization = calls
        .run(SERVICE, "DescribeOrganization", || async {
            match client.describe_organization().send().await {
                Ok(output) => Ok(output.organization().map(|organization| Organization {
                    id: organization.id().unwrap_or_default().to_owned(),
                    arn: organization.arn().unwrap_or_default().to_owned(),
                    management_account_id: organization
                        .master_account_id()
                        .unwrap_or_default()
                        .to_owned(),
                    feature_set: organization
                        .feature_set()
                        .map(|set| set.as_str().to_owned())
                        .unwrap_or_default(),
                    account: Collected::default(),
                    tags: Collected::default(),
                    service_control_policies_enabled: Collected::default(),
                    levels: Collected::default(),
                    delegated_administrators: Collected::default(),
                })),
                // The documented answer for an account in no organization: data, not failure.
                Err(error) if error.code() == Some("AWSOrganizationsNotInUseException") => Ok(None),
                Err(error) => Err(error),
            }
        })
        .await;
    OrganizationsGlobal { organization }
}

/// Reads the parts of the organization's view that concern `account`, each recorded on its
/// own (a member's credentials are refused them one by one). `known_tags`, the account's tags
/// as the organization's directory already read them, are taken instead of reading them again.
pub async fn complete_view(
    client: &Client,
    account: &str,
    described: OrganizationsGlobal,
    known_tags: Option<BTreeMap<String, String>>,
    calls: &RegionCalls,
) -> OrganizationsGlobal {
    let Collected::Ok(Some(mut organization)) = described.organization else {
        return described;
    };
    let (details, tags, roots, levels, delegated_administrators) = tokio::join!(
        describe_account(client, account, calls),
        async {
            match known_tags {
                Some(tags) => Collected::Ok(tags),
                None => account_tags(client, account, calls).await,
            }
        },
        roots(client, calls),
        path_to(client, account, calls),
        delegated_administrators(client, calls),
    );
    organization.account = details;
    organization.tags = tags;
    organization.service_control_policies_enabled = match &roots {
        Collected::Ok(roots) => match roots.first() {
            Some(root) => Collected::Ok(root.scp_enabled),
            None => Collected::Error(inconsistent("ListRoots", "the organization has no root")),
        },
        Collected::Error(error) => Collected::Error(error.clone()),
    };
    organization.levels = match levels {
        Collected::Ok(levels) => {
            let named = name_root(levels, &roots);
            Collected::Ok(with_policies(client, named, calls).await)
        }
        Collected::Error(error) => Collected::Error(error),
    };
    organization.delegated_administrators = delegated_administrators;
    OrganizationsGlobal {
        organization: Collected::Ok(Some(organization)),
    }
}

async fn describe_account(
    client: &Client,
    account: &str,
    calls: &RegionCalls,
) -> Collected<OrganizationAccount> {
    calls
        .run(SERVICE, "DescribeAccount", || async {
            let output = client.describe_account().account_id(account).send().await?;
            let described = output.account();
            Ok(OrganizationAccount {
                name: described
                    .and_then(|a| a.name())
                    .unwrap_or_default()
                    .to_owned(),
                status: described
                    .and_then(|a| {
                        a.state()
                            .map(|state| state.as_str().to_owned())
                            .or_else(|| a.status().map(|status| status.as_str().to_owned()))
                    })
                    .unwrap_or_default(),
            })
        })
        .await
}

pub(super) async fn account_tags(
    client: &Client,
    account: &str,
    calls: &RegionCalls,
) -> Collected<BTreeMap<String, String>> {
    calls
        .paginate(
            SERVICE,
            "ListTagsForResource",
            || {
                client
                    .list_tags_for_resource()
                    .resource_id(account)
                    .into_paginator()
                    .items()
                    .send()
            },
            |tags| {
                tags.iter()
                    .map(|tag| (tag.key().to_owned(), tag.value().to_owned()))
                    .collect()
            },
        )
        .await
}

/// A root, as `ListRoots` gives it.
pub(super) struct Root {
    pub(super) id: String,
    pub(super) name: String,
    scp_enabled: bool,
}

/// The organization's roots (every page), for the view of one account and for the tree.
pub(super) async fn roots(client: &Client, calls: &RegionCalls) -> Collected<Vec<Root>> {
    calls
        .paginate(
            SERVICE,
            "ListRoots",
            || client.list_roots().into_paginator().send(),
            |pages| {
                pages
                    .iter()
                    .flat_map(|page| page.roots())
                    .map(|root| Root {
                        id: root.id().unwrap_or_default().to_owned(),
                        name: root.name().unwrap_or_default().to_owned(),
                        scp_enabled: root.policy_types().iter().any(|policy_type| {
                            policy_type.r#type() == Some(&PolicyType::ServiceControlPolicy)
                                && policy_type.status() == Some(&PolicyTypeStatus::Enabled)
                        }),
                    })
                    .collect()
            },
        )
        .await
}

/// A level of the path, before its SCPs are read.
struct Level {
    kind: LevelKind,
    id: String,
    name: String,
}

/// The levels from the root down to `account` (included, last): `ListParents` up from the
/// account, then `DescribeOrganizationalUnit` for each OU's name.
async fn path_to(client: &Client, account: &str, calls: &RegionCalls) -> Collected<Vec<Level>> {
    let mut upwards: Vec<(LevelKind, String)> = Vec::new();
    let mut child = account.to_owned();
    loop {
        if upwards.len() >= MAX_DEPTH {
            return Collected::Error(inconsistent(
                "ListParents",
                &format!("account {account} is more than {MAX_DEPTH} levels below a root"),
            ));
        }
        let parent = calls
            .paginate(
                SERVICE,
                "ListParents",
                || {
                    client
                        .list_parents()
                        .child_id(&child)
                        .into_paginator()
                        .send()
                },
                |pages| {
                    pages
                        .iter()
                        .flat_map(|page| page.parents())
                        .next()
                        .map(|parent| {
                            (
                                parent.r#type() == Some(&ParentType::Root),
                                parent.id().unwrap_or_default().to_owned(),
                            )
                        })
                },
            )
            .await;
        match parent {
            Collected::Error(error) => return Collected::Error(error),
            Collected::Ok(None) => {
                return Collected::Error(inconsistent(
                    "ListParents",
                    &format!("{child} has no parent"),
                ))
            }
            Collected::Ok(Some((true, root))) => {
                upwards.push((LevelKind::Root, root));
                break;
            }
            Collected::Ok(Some((false, ou))) => {
                upwards.push((LevelKind::OrganizationalUnit, ou.clone()));
                child = ou;
            }
        }
    }
    upwards.reverse();
    let named = join_all(upwards.into_iter().map(|(kind, id)| async move {
        if kind == LevelKind::Root {
            // Named from ListRoots, with the policy types.
            return Collected::Ok(Level {
                kind,
                name: String::new(),
                id,
            });
        }
        calls
            .run(SERVICE, "DescribeOrganizationalUnit", || async {
                let output = client
                    .describe_organizational_unit()
                    .organizational_unit_id(&id)
                    .send()
                    .await?;
                Ok(output
                    .organizational_unit()
                    .and_then(|ou| ou.name())
                    .unwrap_or_default()
                    .to_owned())
            })
            .await
            .map(|name| Level { kind, id, name })
    }))
    .await;
    let mut levels = match named.into_iter().collect::<Collected<Vec<Level>>>() {
        Collected::Ok(levels) => levels,
        Collected::Error(error) => return Collected::Error(error),
    };
    levels.push(Level {
        kind: LevelKind::Account,
        id: account.to_owned(),
        name: account.to_owned(),
    });
    Collected::Ok(levels)
}

/// Names the root level from `ListRoots` (AWS names every root `Root`; that is the fallback
/// when `ListRoots` failed, whose failure is recorded on its own).
fn name_root(mut levels: Vec<Level>, roots: &Collected<Vec<Root>>) -> Vec<Level> {
    for level in levels.iter_mut().filter(|l| l.kind == LevelKind::Root) {
        level.name = match roots {
            Collected::Ok(roots) => roots
                .iter()
                .find(|root| root.id == level.id)
                .map(|root| root.name.clone())
                .unwrap_or_else(|| "Root".to_owned()),
            Collected::Error(_) => "Root".to_owned(),
        };
    }
    levels
}

/// The SCPs of each level: `ListPoliciesForTarget` per level, `DescribePolicy` once per policy.
async fn with_policies(
    client: &Client,
    levels: Vec<Level>,
    calls: &RegionCalls,
) -> Vec<OrganizationLevel> {
    let attached = join_all(
        levels
            .iter()
            .map(|level| attached_policies(client, &level.id, calls)),
    )
    .await;
    let ids: BTreeSet<&str> = attached
        .iter()
        .filter_map(|listed| listed.as_result().ok())
        .flatten()
        .map(|summary| summary.id.as_str())
        .collect();
    let documents: BTreeMap<&str, Collected<String>> =
        join_all(ids.into_iter().map(|id| async move {
            let document = calls
                .run(SERVICE, "DescribePolicy", || async {
                    let output = client.describe_policy().policy_id(id).send().await?;
                    Ok(output
                        .policy()
                        .and_then(|policy| policy.content())
                        .unwrap_or_default()
                        .to_owned())
                })
                .await;
            (id, document)
        }))
        .await
        .into_iter()
        .collect();
    levels
        .into_iter()
        .zip(&attached)
        .map(|(level, listed)| {
            let service_control_policies = match listed {
                Collected::Error(error) => Collected::Error(error.clone()),
                Collected::Ok(summaries) => summaries
                    .iter()
                    .map(|summary| {
                        let document = match documents.get(summary.id.as_str()) {
                            Some(Collected::Ok(document)) => document.clone(),
                            Some(Collected::Error(error)) => {
                                return Collected::Error(error.clone())
                            }
                            None => return Collected::Error(CallError::not_collected()),
                        };
                        Collected::Ok(ServiceControlPolicy {
                            id: summary.id.clone(),
                            name: summary.name.clone(),
                            aws_managed: summary.aws_managed,
                            document,
                        })
                    })
                    .collect::<Collected<Vec<_>>>()
                    .map(super::sorted),
            };
            OrganizationLevel {
                kind: level.kind,
                id: level.id,
                name: level.name,
                service_control_policies,
            }
        })
        .collect()
}

/// A policy attached to a level, as `ListPoliciesForTarget` summarizes it.
struct PolicySummary {
    id: String,
    name: String,
    aws_managed: bool,
}

async fn attached_policies(
    client: &Client,
    target: &str,
    calls: &RegionCalls,
) -> Collected<Vec<PolicySummary>> {
    calls
        .paginate(
            SERVICE,
            "ListPoliciesForTarget",
            || {
                client
                    .list_policies_for_target()
                    .target_id(target)
                    .filter(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
                    .into_paginator()
                    .send()
            },
            |pages| {
                pages
                    .iter()
                    .flat_map(|page| page.policies())
                    .map(|summary| PolicySummary {
                        id: summary.id().unwrap_or_default().to_owned(),
                        name: summary.name().unwrap_or_default().to_owned(),
                        aws_managed: summary.aws_managed(),
                    })
                    .collect()
            },
        )
        .await
}

/// Every registered delegated administrator (`ListDelegatedAdministrators`) and the services
/// it administers (`ListDelegatedServicesForAccount`, one call per administrator: an
/// organization has a handful), by service principal.
async fn delegated_administrators(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<BTreeMap<String, Vec<String>>> {
    let administrators = calls
        .paginate(
            SERVICE,
            "ListDelegatedAdministrators",
            || {
                client
                    .list_delegated_administrators()
                    .into_paginator()
                    .items()
                    .send()
            },
            |administrators| {
                administrators
                    .iter()
                    .filter_map(|administrator| administrator.id().map(str::to_owned))
                    .collect::<Vec<String>>()
            },
        )
        .await;
    let administrators = match administrators {
        Collected::Ok(administrators) => administrators,
        Collected::Error(error) => return Collected::Error(error),
    };
    let services = join_all(administrators.iter().map(|account| async move {
        calls
            .paginate(
                SERVICE,
                "ListDelegatedServicesForAccount",
                || {
                    client
                        .list_delegated_services_for_account()
                        .account_id(account)
                        .into_paginator()
                        .items()
                        .send()
                },
                |services| {
                    services
                        .iter()
                        .filter_map(|service| service.service_principal().map(str::to_owned))
                        .collect::<Vec<String>>()
                },
            )
            .await
            .map(|principals| (account, principals))
    }))
    .await;
    let mut by_principal: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for listed in services {
        let (account, principals) = match listed {
            Collected::Ok(listed) => listed,
            Collected::Error(error) => return Collected::Error(error),
        };
        for principal in principals {
            by_principal
                .entry(principal)
                .or_default()
                .push(account.clone());
        }
    }
    for accounts in by_principal.values_mut() {
        accounts.sort();
    }
    Collected::Ok(by_principal)
}

/// An answer that contradicts itself, recorded as a failed call of `operation`.
fn inconsistent(operation: &str, message: &str) -> CallError {
    CallError {
        service: SERVICE.to_owned(),
        operation: operation.to_owned(),
        region: None,
        kind: ErrorKind::Other,
        code: None,
        message: message.to_owned(),
    }
}

/// The answers moto cannot give as AWS does — a member account's refusals (moto answers
/// `AccountNotFoundException` instead of `AccessDeniedException`), the root's policy types
/// beside paged policy lists — with `aws-smithy-mocks` responses shaped like AWS's (awsJson1_1
/// errors with `__type` and `x-amzn-ErrorType`).
#[cfg(test)]
mod tests {
    use aws_sdk_organizations::operation::describe_account::DescribeAccountOutput;
    use aws_sdk_organizations::operation::describe_organization::DescribeOrganizationOutput;
    use aws_sdk_organizations::operation::describe_organizational_unit::DescribeOrganizationalUnitOutput;
    use aws_sdk_organizations::operation::describe_policy::DescribePolicyOutput;
    use aws_sdk_organizations::operation::list_delegated_administrators::ListDelegatedAdministratorsOutput;
    use aws_sdk_organizations::operation::list_delegated_services_for_account::ListDelegatedServicesForAccountOutput;
    use aws_sdk_organizations::operation::list_parents::ListParentsOutput;
    use aws_sdk_organizations::operation::list_policies_for_target::ListPoliciesForTargetOutput;
    use aws_sdk_organizations::operation::list_roots::ListRootsOutput;
    use aws_sdk_organizations::operation::list_tags_for_resource::ListTagsForResourceOutput;
    use aws_sdk_organizations::types::{
        Account, AccountState, DelegatedAdministrator, DelegatedService, OrganizationFeatureSet,
        OrganizationalUnit, Parent, Policy, PolicySummary as SdkPolicySummary, PolicyTypeSummary,
        Root as SdkRoot, Tag,
    };
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    use super::*;

    const MEMBER: &str = "222233334444";

    fn calls() -> RegionCalls {
        Calls::new(4, ProgressBar::hidden()).in_region(None, true)
    }

    fn error(code: &str, message: &str) -> HttpResponse {
        let body = format!(r#"{{"__type":"{code}","Message":"{message}"}}"#);
        let mut response = HttpResponse::new(
            StatusCode::try_from(400).expect("valid status"),
            SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("x-amzn-ErrorType", code.to_owned());
        response
    }

    fn denied() -> HttpResponse {
        error(
            "AccessDeniedException",
            "You don't have permissions to access this resource.",
        )
    }

    fn organization() -> Rule {
        mock!(Client::describe_organization).then_output(|| {
            DescribeOrganizationOutput::builder()
                .organization(
                    aws_sdk_organizations::types::Organization::builder()
                        .id("o-a1b2c3d4e5")
                        .arn("arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5")
                        .master_account_id("111122223333")
                        .feature_set(OrganizationFeatureSet::All)
                        .build(),
                )
                .build()
        })
    }

    fn policy(id: &str, name: &str, aws_managed: bool) -> SdkPolicySummary {
        SdkPolicySummary::builder()
            .id(id)
            .name(name)
            .aws_managed(aws_managed)
            .build()
    }

    #[tokio::test]
    async fn an_account_in_no_organization_is_data_and_nothing_else_is_asked() {
        let not_in_use = mock!(Client::describe_organization).then_http_response(|| {
            error(
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            )
        });
        let account = mock!(Client::describe_account)
            .then_output(|| DescribeAccountOutput::builder().build());
        let client = mock_client!(
            aws_sdk_organizations,
            RuleMode::MatchAny,
            [&not_in_use, &account]
        );

        let view = collect_view(&client, MEMBER, &calls()).await;

        assert_eq!(view.organization, Collected::Ok(None));
        assert_eq!(
            OrganizationRole::of(&view, MEMBER),
            OrganizationRole::Outside
        );
        assert_eq!(account.num_calls(), 0);
    }

    /// A member's own credentials: each part of the view is refused on its own, recorded as
    /// access denied with the operation, and the organization itself is still known.
    #[tokio::test]
    async fn a_member_account_s_refusals_are_recorded_one_by_one() {
        let organization = organization();
        let account = mock!(Client::describe_account).then_http_response(denied);
        let tags = mock!(Client::list_tags_for_resource).then_http_response(denied);
        let roots = mock!(Client::list_roots).then_http_response(denied);
        let parents = mock!(Client::list_parents).then_http_response(denied);
        let policies = mock!(Client::list_policies_for_target).then_http_response(denied);
        let delegated = mock!(Client::list_delegated_administrators).then_http_response(denied);
        let client = mock_client!(
            aws_sdk_organizations,
            RuleMode::MatchAny,
            [
                &organization,
                &account,
                &tags,
                &roots,
                &parents,
                &policies,
                &delegated
            ]
        );

        let view = collect_view(&client, MEMBER, &calls()).await;

        assert_eq!(
            OrganizationRole::of(&view, MEMBER),
            OrganizationRole::Member
        );
        let Some(organization) = view.member_of() else {
            panic!("the organization is known: {view:?}");
        };
        let refused = [
            (organization.account.error(), "DescribeAccount"),
            (organization.tags.error(), "ListTagsForResource"),
            (
                organization.service_control_policies_enabled.error(),
                "ListRoots",
            ),
            (organization.levels.error(), "ListParents"),
            (
                organization.delegated_administrators.error(),
                "ListDelegatedAdministrators",
            ),
        ];
        for (error, operation) in refused {
            let error = error.unwrap_or_else(|| panic!("{operation} must be an error"));
            assert_eq!(
                (error.kind, error.operation.as_str()),
                (ErrorKind::AccessDenied, operation)
            );
            assert_eq!(error.code.as_deref(), Some("AccessDeniedException"));
        }
        // Without a path there are no levels to ask policies of.
        assert_eq!(policies.num_calls(), 0);
        assert_eq!(view.call_errors().len(), 5);
    }

    /// In an organization scan the directory has already read each account's tags: the view
    /// takes them and does not ask `ListTagsForResource` again for the same account.
    #[tokio::test]
    async fn tags_the_directory_read_are_taken_without_a_second_call() {
        let organization = organization();
        let tags = mock!(Client::list_tags_for_resource).then_http_response(denied);
        let account = mock!(Client::describe_account).then_http_response(denied);
        let roots = mock!(Client::list_roots).then_http_response(denied);
        let parents = mock!(Client::list_parents).then_http_response(denied);
        let delegated = mock!(Client::list_delegated_administrators).then_http_response(denied);
        let client = mock_client!(
            aws_sdk_organizations,
            RuleMode::MatchAny,
            [&organization, &tags, &account, &roots, &parents, &delegated]
        );
        let known = BTreeMap::from([("Environment".to_owned(), "prod".to_owned())]);

        let described = describe_organization(&client, &calls()).await;
        let view = complete_view(&client, MEMBER, described, Some(known.clone()), &calls()).await;

        let Some(organization) = view.member_of() else {
            panic!("the organization is known: {view:?}");
        };
        assert_eq!(organization.tags, Collected::Ok(known));
        assert_eq!(tags.num_calls(), 0);
        // The rest of the view is still read (and here refused) as without the directory.
        assert_eq!(account.num_calls(), 1);
    }

    /// The management account's view of a member two OUs deep: the path is read upwards and
    /// reported downwards, every level's SCPs are read to the last page, and each policy's
    /// document is fetched once however many levels it is attached to.
    #[tokio::test]
    async fn the_management_view_of_a_member_has_its_path_tags_and_every_level_s_scps() {
        let organization = organization();
        let account = mock!(Client::describe_account).then_output(|| {
            DescribeAccountOutput::builder()
                .account(
                    Account::builder()
                        .id(MEMBER)
                        .name("workload-prod")
                        .state(AccountState::Active)
                        .build(),
                )
                .build()
        });
        let tags_first = mock!(Client::list_tags_for_resource)
            .match_requests(|req| req.next_token().is_none())
            .then_output(|| {
                ListTagsForResourceOutput::builder()
                    .tags(
                        Tag::builder()
                            .key("Environment")
                            .value("production")
                            .build()
                            .expect("tag"),
                    )
                    .next_token("t2")
                    .build()
            });
        let tags_second = mock!(Client::list_tags_for_resource)
            .match_requests(|req| req.next_token() == Some("t2"))
            .then_output(|| {
                ListTagsForResourceOutput::builder()
                    .tags(
                        Tag::builder()
                            .key("Team")
                            .value("payments")
                            .build()
                            .expect("tag"),
                    )
                    .build()
            });
        let roots = mock!(Client::list_roots).then_output(|| {
            ListRootsOutput::builder()
                .roots(
                    SdkRoot::builder()
                        .id("r-ab12")
                        .name("Root")
                        .policy_types(
                            PolicyTypeSummary::builder()
                                .r#type(PolicyType::ServiceControlPolicy)
                                .status(PolicyTypeStatus::Enabled)
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let parent = |child: &'static str, id: &'static str, kind: ParentType| {
            mock!(Client::list_parents)
                .match_requests(move |req| req.child_id() == Some(child))
                .then_output(move || {
                    ListParentsOutput::builder()
                        .parents(Parent::builder().id(id).r#type(kind.clone()).build())
                        .build()
                })
        };
        let account_parent = parent(MEMBER, "ou-ab12-22222222", ParentType::OrganizationalUnit);
        let prod_parent = parent(
            "ou-ab12-22222222",
            "ou-ab12-11111111",
            ParentType::OrganizationalUnit,
        );
        let workloads_parent = parent("ou-ab12-11111111", "r-ab12", ParentType::Root);
        let ou = |id: &'static str, name: &'static str| {
            mock!(Client::describe_organizational_unit)
                .match_requests(move |req| req.organizational_unit_id() == Some(id))
                .then_output(move || {
                    DescribeOrganizationalUnitOutput::builder()
                        .organizational_unit(
                            OrganizationalUnit::builder().id(id).name(name).build(),
                        )
                        .build()
                })
        };
        let prod = ou("ou-ab12-22222222", "Prod");
        let workloads = ou("ou-ab12-11111111", "Workloads");
        let attached = |target: &'static str,
                        token: Option<&'static str>,
                        next: Option<&'static str>,
                        policies: Vec<SdkPolicySummary>| {
            mock!(Client::list_policies_for_target)
                .match_requests(move |req| {
                    req.target_id() == Some(target) && req.next_token() == token
                })
                .then_output(move || {
                    ListPoliciesForTargetOutput::builder()
                        .set_policies(Some(policies.clone()))
                        .set_next_token(next.map(str::to_owned))
                        .build()
                })
        };
        let full = || policy("p-FullAWSAccess", "FullAWSAccess", true);
        let at_root = attached(
            "r-ab12",
            None,
            None,
            vec![full(), policy("p-guard0001", "Guardrails", false)],
        );
        let at_workloads = attached("ou-ab12-11111111", None, None, vec![full()]);
        let at_prod_first = attached("ou-ab12-22222222", None, Some("p2"), vec![full()]);
        let at_prod_second = attached(
            "ou-ab12-22222222",
            Some("p2"),
            None,
            vec![policy("p-region001", "RegionLock", false)],
        );
        let at_account = attached(MEMBER, None, None, vec![full()]);
        let document = |id: &'static str| {
            mock!(Client::describe_policy)
                .match_requests(move |req| req.policy_id() == Some(id))
                .then_output(move || {
                    DescribePolicyOutput::builder()
                        .policy(Policy::builder().content(format!(r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{id}","Effect":"Allow","Action":"*","Resource":"*"}}]}}"#)).build())
                        .build()
                })
        };
        let full_document = document("p-FullAWSAccess");
        let guard_document = document("p-guard0001");
        let region_document = document("p-region001");
        let delegated = mock!(Client::list_delegated_administrators).then_output(|| {
            ListDelegatedAdministratorsOutput::builder()
                .delegated_administrators(
                    DelegatedAdministrator::builder().id("333344445555").build(),
                )
                .build()
        });
        let services = mock!(Client::list_delegated_services_for_account).then_output(|| {
            ListDelegatedServicesForAccountOutput::builder()
                .delegated_services(
                    DelegatedService::builder()
                        .service_principal("guardduty.amazonaws.com")
                        .build(),
                )
                .delegated_services(
                    DelegatedService::builder()
                        .service_principal("securityhub.amazonaws.com")
                        .build(),
                )
                .build()
        });
        let client = mock_client!(
            aws_sdk_organizations,
            RuleMode::MatchAny,
            [
                &organization,
                &account,
                &tags_first,
                &tags_second,
                &roots,
                &account_parent,
                &prod_parent,
                &workloads_parent,
                &prod,
                &workloads,
                &at_root,
                &at_workloads,
                &at_prod_first,
                &at_prod_second,
                &at_account,
                &full_document,
                &guard_document,
                &region_document,
                &delegated,
                &services
            ]
        );

        let view = collect_view(&client, MEMBER, &calls()).await;

        assert!(view.call_errors().is_empty(), "{:?}", view.call_errors());
        assert_eq!(view.account_name(), Some("workload-prod"));
        assert_eq!(view.ou_path().as_deref(), Some("Root/Workloads/Prod"));
        assert_eq!(
            view.account_tags().map(|tags| tags.len()),
            Some(2),
            "both pages of tags"
        );
        let Some(organization) = view.member_of() else {
            panic!("{view:?}");
        };
        assert_eq!(
            organization.service_control_policies_enabled,
            Collected::Ok(true)
        );
        let Collected::Ok(levels) = &organization.levels else {
            panic!("{:?}", organization.levels);
        };
        let summary: Vec<(LevelKind, &str, Vec<&str>)> = levels
            .iter()
            .map(|level| {
                let policies = match &level.service_control_policies {
                    Collected::Ok(policies) => policies.iter().map(|p| p.id.as_str()).collect(),
                    Collected::Error(error) => panic!("{error}"),
                };
                (level.kind, level.name.as_str(), policies)
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    LevelKind::Root,
                    "Root",
                    vec!["p-FullAWSAccess", "p-guard0001"]
                ),
                (
                    LevelKind::OrganizationalUnit,
                    "Workloads",
                    vec!["p-FullAWSAccess"]
                ),
                (
                    LevelKind::OrganizationalUnit,
                    "Prod",
                    vec!["p-FullAWSAccess", "p-region001"]
                ),
                (LevelKind::Account, MEMBER, vec!["p-FullAWSAccess"]),
            ]
        );
        assert!(levels[0]
            .service_control_policies
            .as_result()
            .is_ok_and(|p| p[1].document.contains("p-guard0001")));
        assert_eq!(
            full_document.num_calls(),
            1,
            "one DescribePolicy per policy"
        );
        assert_eq!(
            organization.delegated_administrators,
            Collected::Ok(BTreeMap::from([
                (
                    "guardduty.amazonaws.com".to_owned(),
                    vec!["333344445555".to_owned()]
                ),
                (
                    "securityhub.amazonaws.com".to_owned(),
                    vec!["333344445555".to_owned()]
                ),
            ]))
        );
    }

    #[test]
    fn who_asks_what() {
        use OrganizationRole::*;
        assert_eq!(
            [Unknown, Outside, Management, Member].map(OrganizationRole::asks_admin_accounts),
            [true, false, true, false]
        );
        assert_eq!(
            [Unknown, Outside, Management, Member]
                .map(OrganizationRole::asks_organization_configuration),
            [true, false, true, true]
        );
    }
}
