//! The organization's directory, read with the management (or delegated administrator)
//! account's credentials before an organization scan: every account with its name, status,
//! place in the OU tree and tags, and every OU. It is what accounts are selected from (OU
//! subtrees, tags), what unknown ids and OUs are checked against, and what the report's
//! coverage names each account by.
//!
//! Calls, all read-only and paginated to the last page: `ListAccounts`, `ListRoots`, then from
//! the root down `ListOrganizationalUnitsForParent` and `ListChildren` (`ACCOUNT`) for each
//! OU, and `ListTagsForResource` per account. A failure of any but the last makes the listing
//! unusable (an account could land in the wrong OU): the scan stops before scanning anything.
//! A tag listing that fails leaves that account's tags unknown, and the failure is recorded
//! with the account, so a tag filter never silently drops or keeps it.

use std::collections::BTreeMap;

use aws_sdk_organizations::types::ChildType;
use aws_sdk_organizations::Client;
use futures::future::join_all;
use ztaudit_checks::CallError;

use indicatif::ProgressBar;

use super::calls::{Calls, RegionCalls};
use super::organizations::{account_tags, roots};

const SERVICE: &str = "organizations";

/// An account of the organization, as the directory reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryAccount {
    pub id: String,
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`…
    pub status: String,
    /// The ids from the root down to the account's parent.
    pub parents: Vec<String>,
    /// The same levels by name, `/`-separated (`Root/Workloads/Prod`).
    pub ou_path: String,
    /// Its tags, or why they could not be read.
    pub tags: Result<BTreeMap<String, String>, CallError>,
}

/// Every account and OU of the organization.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// By id.
    pub accounts: BTreeMap<String, DirectoryAccount>,
    /// Every OU id and root id, with its path by name.
    pub units: BTreeMap<String, String>,
}

/// Reads the directory, `concurrency` calls at a time; the first listing that fails is the
/// error.
pub async fn read_directory(client: &Client, concurrency: usize) -> Result<Directory, CallError> {
    let calls = Calls::new(concurrency, ProgressBar::hidden());
    let calls = &calls.in_region(None, true);
    let listed = calls
        .paginate(
            SERVICE,
            "ListAccounts",
            || client.list_accounts().into_paginator().send(),
            |pages| {
                pages
                    .iter()
                    .flat_map(|page| page.accounts())
                    .map(|account| {
                        (
                            account.id().unwrap_or_default().to_owned(),
                            (
                                account.name().unwrap_or_default().to_owned(),
                                account
                                    .state()
                                    .map(|state| state.as_str().to_owned())
                                    .or_else(|| account.status().map(|s| s.as_str().to_owned()))
                                    .unwrap_or_default(),
                            ),
                        )
                    })
                    .collect::<BTreeMap<String, (String, String)>>()
            },
        )
        .await
        .into_result()?;
    let roots = roots(client, calls).await.into_result()?;

    // From the roots down, one level of the tree at a time.
    let mut units: BTreeMap<String, String> = BTreeMap::new();
    let mut placed: BTreeMap<String, (Vec<String>, String)> = BTreeMap::new();
    let mut level: Vec<(String, Vec<String>, String)> = roots
        .into_iter()
        .map(|root| {
            let name = if root.name.is_empty() {
                "Root".to_owned()
            } else {
                root.name
            };
            (root.id.clone(), vec![root.id], name)
        })
        .collect();
    while !level.is_empty() {
        let read = join_all(
            level
                .iter()
                .map(|(parent, _, _)| children(client, parent, calls)),
        )
        .await;
        let mut next = Vec::new();
        for ((parent, ids, path), children) in level.into_iter().zip(read) {
            let (ous, accounts) = children?;
            for account in accounts {
                placed.insert(account, (ids.clone(), path.clone()));
            }
            for (ou, name) in ous {
                let mut below = ids.clone();
                below.push(ou.clone());
                next.push((ou, below, format!("{path}/{name}")));
            }
            units.insert(parent, path);
        }
        level = next;
    }

    let tags = join_all(
        listed
            .keys()
            .map(|id| async move { account_tags(client, id, calls).await.into_result() }),
    )
    .await;
    let accounts = listed
        .into_iter()
        .zip(tags)
        .map(|((id, (name, status)), tags)| {
            let (parents, ou_path) = placed.remove(&id).unwrap_or_default();
            let account = DirectoryAccount {
                id: id.clone(),
                name,
                status,
                parents,
                ou_path,
                tags,
            };
            (id, account)
        })
        .collect();
    Ok(Directory { accounts, units })
}

/// The OUs (id, name) and the account ids directly under `parent`.
async fn children(
    client: &Client,
    parent: &str,
    calls: &RegionCalls,
) -> Result<(Vec<(String, String)>, Vec<String>), CallError> {
    let (ous, accounts) = tokio::join!(
        calls.paginate(
            SERVICE,
            "ListOrganizationalUnitsForParent",
            || {
                client
                    .list_organizational_units_for_parent()
                    .parent_id(parent)
                    .into_paginator()
                    .send()
            },
            |pages| {
                let mut ous: Vec<(String, String)> = pages
                    .iter()
                    .flat_map(|page| page.organizational_units())
                    .map(|ou| {
                        (
                            ou.id().unwrap_or_default().to_owned(),
                            ou.name().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect();
                ous.sort();
                ous
            },
        ),
        calls.paginate(
            SERVICE,
            "ListChildren",
            || {
                client
                    .list_children()
                    .parent_id(parent)
                    .child_type(ChildType::Account)
                    .into_paginator()
                    .send()
            },
            |pages| {
                pages
                    .iter()
                    .flat_map(|page| page.children())
                    .map(|child| child.id().unwrap_or_default().to_owned())
                    .collect::<Vec<_>>()
            },
        ),
    );
    Ok((ous.into_result()?, accounts.into_result()?))
}
