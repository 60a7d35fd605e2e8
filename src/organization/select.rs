//! Which accounts a scan of many takes: the organization's directory (or the plain list of
//! `--accounts`) through the filters, then this run's shard of what is left.
//!
//! Pure: no call is made here, so every rule is unit-tested. An id or OU the directory does not
//! know is a usage error, raised before any account is scanned. Every account of the directory
//! ends in the coverage: selected (then scanned, or failed), or excluded with the reason.

use std::collections::BTreeMap;

use ztaudit_settings::Shard;

use crate::collect::organization_accounts::Directory;
use crate::plan::accounts::AccountFilter;
use crate::report::{AccountCoverage, CoverageStatus};

/// An account of the selection, with what Organizations says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub name: Option<String>,
    pub ou_path: Option<String>,
    /// Its tags in Organizations; `None` when they were not read (no directory: a plain
    /// `--accounts` list) or their reading failed.
    pub tags: Option<BTreeMap<String, String>>,
    /// Why it cannot be scanned although selected (not ACTIVE, tags unreadable under a tag
    /// filter): it is reported failed without a call.
    pub unscannable: Option<String>,
}

impl Candidate {
    /// Its coverage line with `status`.
    pub fn coverage(&self, status: CoverageStatus, reason: Option<String>) -> AccountCoverage {
        AccountCoverage {
            id: self.id.clone(),
            name: self.name.clone(),
            ou_path: self.ou_path.clone(),
            tags: self.tags.clone().unwrap_or_default(),
            status,
            reason,
        }
    }
}

/// The selection: every selected account (by id), and the accounts left out with why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub selected: Vec<Candidate>,
    pub excluded: Vec<AccountCoverage>,
}

impl Selection {
    /// The ids of the whole selection, sorted.
    pub fn ids(&self) -> Vec<String> {
        self.selected.iter().map(|c| c.id.clone()).collect()
    }

    /// The accounts of `shard` (all of them without one).
    pub fn shard(&self, shard: Option<Shard>) -> Vec<Candidate> {
        self.selected
            .iter()
            .enumerate()
            .filter(|(position, _)| shard.is_none_or(|shard| shard.takes(*position)))
            .map(|(_, candidate)| candidate.clone())
            .collect()
    }
}

/// The plain list of `--accounts` (no organization to read), less `--exclude-accounts`.
pub fn from_list(filter: &AccountFilter) -> Selection {
    let mut selection = Selection::default();
    for id in filter
        .only
        .iter()
        .filter(|id| !filter.exclude.contains(*id))
    {
        selection.selected.push(Candidate {
            id: id.clone(),
            name: None,
            ou_path: None,
            tags: None,
            unscannable: None,
        });
    }
    selection
}

/// The directory's accounts through `filter`; an unknown id or OU is the error.
pub fn from_directory(directory: &Directory, filter: &AccountFilter) -> Result<Selection, String> {
    for id in filter.only.iter().chain(&filter.exclude) {
        if !directory.accounts.contains_key(id) {
            return Err(format!(
                "account {id} is not in the organization (organizations:ListAccounts does not list it)"
            ));
        }
    }
    for ou in &filter.ous {
        if !directory.units.contains_key(ou) {
            return Err(format!(
                "{ou} is not an OU or root of the organization (not found from the root down)"
            ));
        }
    }
    let mut selection = Selection::default();
    for account in directory.accounts.values() {
        let mut candidate = Candidate {
            id: account.id.clone(),
            name: Some(account.name.clone()),
            ou_path: Some(account.ou_path.clone()),
            tags: account.tags.clone().ok(),
            unscannable: None,
        };
        let excluded = if filter.exclude.contains(&account.id) {
            Some("--exclude-accounts".to_owned())
        } else if !filter.only.is_empty() && !filter.only.contains(&account.id) {
            Some("not in --accounts".to_owned())
        } else if !filter.ous.is_empty()
            && !account
                .parents
                .iter()
                .any(|parent| filter.ous.contains(parent))
        {
            Some("not under --ou".to_owned())
        } else if account.status != "ACTIVE" && !filter.only.contains(&account.id) {
            Some(format!("{} in Organizations", account.status))
        } else {
            None
        };
        if let Some(reason) = excluded {
            selection
                .excluded
                .push(candidate.coverage(CoverageStatus::Excluded, Some(reason)));
            continue;
        }
        if !filter.tags.is_empty() {
            match &account.tags {
                Ok(tags) => {
                    let missing = filter
                        .tags
                        .iter()
                        .find(|tag| tags.get(&tag.key) != Some(&tag.value));
                    if let Some(tag) = missing {
                        selection.excluded.push(
                            candidate
                                .coverage(CoverageStatus::Excluded, Some(format!("no tag {tag}"))),
                        );
                        continue;
                    }
                }
                Err(error) => {
                    candidate.unscannable = Some(format!(
                        "its tags could not be read for --account-tag: {error}"
                    ));
                }
            }
        }
        if account.status != "ACTIVE" {
            candidate.unscannable = Some(format!(
                "the account is {} in Organizations",
                account.status
            ));
        }
        selection.selected.push(candidate);
    }
    Ok(selection)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use ztaudit_checks::CallError;

    use super::*;
    use crate::collect::organization_accounts::DirectoryAccount;

    fn account(
        id: &str,
        parents: &[&str],
        status: &str,
        tags: &[(&str, &str)],
    ) -> DirectoryAccount {
        DirectoryAccount {
            id: id.to_owned(),
            name: format!("name-{id}"),
            status: status.to_owned(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            ou_path: "Root".to_owned(),
            tags: Ok(tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()),
        }
    }

    fn directory() -> Directory {
        let accounts = [
            account("111111111111", &["r-ab12"], "ACTIVE", &[]),
            account(
                "222222222222",
                &["r-ab12", "ou-ab12-prod0001"],
                "ACTIVE",
                &[("Env", "prod")],
            ),
            account(
                "333333333333",
                &["r-ab12", "ou-ab12-prod0001", "ou-ab12-deep0001"],
                "ACTIVE",
                &[("Env", "prod")],
            ),
            account(
                "444444444444",
                &["r-ab12", "ou-ab12-dev00001"],
                "SUSPENDED",
                &[],
            ),
        ];
        Directory {
            accounts: accounts.into_iter().map(|a| (a.id.clone(), a)).collect(),
            units: [
                "r-ab12",
                "ou-ab12-prod0001",
                "ou-ab12-deep0001",
                "ou-ab12-dev00001",
            ]
            .iter()
            .map(|id| (id.to_string(), String::new()))
            .collect(),
        }
    }

    fn ids(selection: &Selection) -> Vec<&str> {
        selection.selected.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn the_active_accounts_are_selected_and_the_rest_excluded_with_a_reason() {
        let selection = from_directory(&directory(), &AccountFilter::default()).unwrap();
        assert_eq!(
            ids(&selection),
            ["111111111111", "222222222222", "333333333333"]
        );
        assert_eq!(selection.excluded.len(), 1);
        assert_eq!(
            selection.excluded[0].reason.as_deref(),
            Some("SUSPENDED in Organizations")
        );
    }

    #[test]
    fn an_ou_takes_its_whole_subtree() {
        let filter = AccountFilter {
            ous: BTreeSet::from(["ou-ab12-prod0001".to_owned()]),
            ..AccountFilter::default()
        };
        let selection = from_directory(&directory(), &filter).unwrap();
        assert_eq!(ids(&selection), ["222222222222", "333333333333"]);
    }

    #[test]
    fn tags_exclusions_and_named_accounts_filter() {
        let filter = AccountFilter {
            tags: vec!["Env=prod".parse().unwrap()],
            exclude: BTreeSet::from(["333333333333".to_owned()]),
            ..AccountFilter::default()
        };
        let selection = from_directory(&directory(), &filter).unwrap();
        assert_eq!(ids(&selection), ["222222222222"]);
        // A suspended account named explicitly is selected, and fails without a call.
        let filter = AccountFilter {
            only: BTreeSet::from(["444444444444".to_owned()]),
            ..AccountFilter::default()
        };
        let selection = from_directory(&directory(), &filter).unwrap();
        assert_eq!(ids(&selection), ["444444444444"]);
        assert!(selection.selected[0]
            .unscannable
            .as_deref()
            .unwrap()
            .contains("SUSPENDED"));
    }

    #[test]
    fn unreadable_tags_under_a_tag_filter_fail_the_account_instead_of_dropping_it() {
        let mut directory = directory();
        directory.accounts.get_mut("222222222222").unwrap().tags = Err(CallError::not_collected());
        let filter = AccountFilter {
            tags: vec!["Env=prod".parse().unwrap()],
            ..AccountFilter::default()
        };
        let selection = from_directory(&directory, &filter).unwrap();
        assert_eq!(ids(&selection), ["222222222222", "333333333333"]);
        assert!(selection.selected[0].unscannable.is_some());
    }

    #[test]
    fn unknown_ids_and_ous_are_refused() {
        let filter = AccountFilter {
            only: BTreeSet::from(["999999999999".to_owned()]),
            ..AccountFilter::default()
        };
        assert!(from_directory(&directory(), &filter)
            .unwrap_err()
            .contains("999999999999"));
        let filter = AccountFilter {
            ous: BTreeSet::from(["ou-ab12-nope0001".to_owned()]),
            ..AccountFilter::default()
        };
        assert!(from_directory(&directory(), &filter)
            .unwrap_err()
            .contains("ou-ab12-nope0001"));
    }

    #[test]
    fn shards_partition_the_sorted_selection() {
        let selection = from_directory(&directory(), &AccountFilter::default()).unwrap();
        let mut seen = Vec::new();
        for index in 0..2 {
            let shard = Shard::new(index, 2).unwrap();
            seen.extend(selection.shard(Some(shard)).into_iter().map(|c| c.id));
        }
        seen.sort();
        assert_eq!(seen, selection.ids());
        assert_eq!(selection.shard(None).len(), 3);
    }
}
