//! The accounts of a scan of many ([`AccountScope`]): the organization's or a plain list,
//! filtered, reached through one role, scanned a few at a time, and cut into shards.
//!
//! Built from the merged settings (flags over `ztaudit.toml`) and, for the shard, from the
//! environment variables of the engines that fan jobs out ([`ShardEnvironment`]: AWS Batch
//! array jobs, Kubernetes Indexed Jobs), read once here. Everything is checked before any AWS
//! call; which ids and OUs exist is checked against the organization's listing, after this
//! plan and before any account is scanned.

use std::collections::BTreeSet;

use ztaudit_settings::accounts::{DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_ROLE_SESSION_NAME};
use ztaudit_settings::{AccountSettings, AccountTag, Shard};

use crate::error::AppError;

/// Which accounts a run scans beyond the caller's own, and how it reaches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountScope {
    /// The accounts come from `organizations:ListAccounts` (else: [`AccountFilter::only`]).
    pub organization: bool,
    pub role: RoleToAssume,
    pub filter: AccountFilter,
    /// Accounts collected at once; each keeps its own `--concurrency`.
    pub account_concurrency: usize,
    /// This run's part of the selection; `None` is all of it.
    pub shard: Option<Shard>,
}

/// The role assumed in every account but the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleToAssume {
    pub name: String,
    /// `/` when the role has no path.
    pub path: String,
    pub session_name: String,
    pub external_id: Option<String>,
}

impl RoleToAssume {
    /// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
    pub fn arn(&self, partition: &str, account: &str) -> String {
        format!(
            "arn:{partition}:iam::{account}:role{}{}",
            self.path, self.name
        )
    }
}

/// Which accounts of the organization (or of the list) are selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    /// Only these (`--accounts`); empty is every account.
    pub only: BTreeSet<String>,
    pub exclude: BTreeSet<String>,
    /// Only accounts under one of these OUs (or roots).
    pub ous: BTreeSet<String>,
    /// Only accounts with every one of these tags.
    pub tags: Vec<AccountTag>,
}

/// The shard variables of the engines ztaudit runs on, as this process sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShardEnvironment {
    pub batch_index: Option<String>,
    pub batch_size: Option<String>,
    pub completion_index: Option<String>,
}

pub const BATCH_INDEX: &str = "AWS_BATCH_JOB_ARRAY_INDEX";
pub const BATCH_SIZE: &str = "AWS_BATCH_JOB_ARRAY_SIZE";
pub const COMPLETION_INDEX: &str = "JOB_COMPLETION_INDEX";

impl ShardEnvironment {
    pub fn of_this_process() -> ShardEnvironment {
        let read = |name| std::env::var(name).ok().filter(|value| !value.is_empty());
        ShardEnvironment {
            batch_index: read(BATCH_INDEX),
            batch_size: read(BATCH_SIZE),
            completion_index: read(COMPLETION_INDEX),
        }
    }

    /// The shard index the engine gives this job, if any.
    fn index(&self) -> Result<Option<(u32, &'static str)>, AppError> {
        let (text, name) = match (&self.batch_index, &self.completion_index) {
            (Some(text), _) => (text, BATCH_INDEX),
            (None, Some(text)) => (text, COMPLETION_INDEX),
            (None, None) => return Ok(None),
        };
        Ok(Some((number(name, text)?, name)))
    }
}

fn number(name: &str, text: &str) -> Result<u32, AppError> {
    text.trim().parse().map_err(|_| {
        AppError::Usage(format!(
            "{name}=`{text}` is not a number (it sets the shard of --shard)"
        ))
    })
}

/// The shard of `--shard` (`K/N`, or `N` with K from the environment), or of the
/// environment alone (AWS Batch's index and size).
pub fn shard(
    flag: Option<&str>,
    environment: &ShardEnvironment,
) -> Result<Option<Shard>, AppError> {
    let usage = |message: String| AppError::Usage(format!("--shard: {message}"));
    match flag {
        Some(text) if text.contains('/') => text.parse::<Shard>().map(Some).map_err(usage),
        Some(text) => {
            let count: u32 = text.trim().parse().map_err(|_| {
                usage(format!(
                    "`{text}` is not K/N (0-based K below N, e.g. 0/3) or a number of shards N"
                ))
            })?;
            let Some((index, name)) = environment.index()? else {
                return Err(usage(format!(
                    "`{count}` gives the number of shards only; K comes from {COMPLETION_INDEX} or \
                     {BATCH_INDEX}, and neither is set (or write K/{count})"
                )));
            };
            Shard::new(index, count)
                .map(Some)
                .map_err(|error| usage(format!("{error} ({name} gives K)")))
        }
        None => match (&environment.batch_index, &environment.batch_size) {
            (Some(index), Some(size)) => {
                let index = number(BATCH_INDEX, index)?;
                let size = number(BATCH_SIZE, size)?;
                Shard::new(index, size).map(Some).map_err(|error| {
                    AppError::Usage(format!("{BATCH_INDEX}/{BATCH_SIZE}: {error}"))
                })
            }
            _ => Ok(None),
        },
    }
}

/// The scope the settings describe, `None` for a scan of the caller's account alone. Settings
/// that only make sense for many accounts are refused without them.
pub fn scope(
    settings: &AccountSettings,
    shard_flag: Option<&str>,
    environment: &ShardEnvironment,
) -> Result<Option<AccountScope>, AppError> {
    let organization = settings.organization == Some(true);
    if !settings.is_multi_account() {
        let stray = [
            ("--role-name", settings.role_name.is_some()),
            ("--role-path", settings.role_path.is_some()),
            ("--external-id", settings.external_id.is_some()),
            ("--role-session-name", settings.role_session_name.is_some()),
            ("--exclude-accounts", settings.exclude_accounts.is_some()),
            ("--ou", settings.ous.is_some()),
            ("--account-tag", settings.account_tags.is_some()),
            (
                "--account-concurrency",
                settings.account_concurrency.is_some(),
            ),
            ("--shard", shard_flag.is_some()),
        ];
        if let Some((flag, _)) = stray.iter().find(|(_, given)| *given) {
            return Err(AppError::Usage(format!(
                "{flag} needs --organization or --accounts (or the same keys in ztaudit.toml)"
            )));
        }
        return Ok(None);
    }
    if !organization {
        for (flag, given) in [
            ("--ou", settings.ous.is_some()),
            ("--account-tag", settings.account_tags.is_some()),
        ] {
            if given {
                return Err(AppError::Usage(format!(
                    "{flag} selects from the organization's listing: add --organization"
                )));
            }
        }
    }
    let Some(role_name) = settings.role_name.clone() else {
        return Err(AppError::Usage(
            "--organization and --accounts need --role-name ROLE, the role to assume in each \
             account (e.g. OrganizationAccountAccessRole)"
                .to_owned(),
        ));
    };
    let only: BTreeSet<String> = settings.accounts.iter().flatten().cloned().collect();
    let exclude: BTreeSet<String> = settings
        .exclude_accounts
        .iter()
        .flatten()
        .cloned()
        .collect();
    if !organization && only.is_empty() {
        return Err(AppError::Usage(
            "--accounts is empty: name at least one account".to_owned(),
        ));
    }
    if let Some(both) = only.intersection(&exclude).next() {
        return Err(AppError::Usage(format!(
            "account {both} is both in --accounts and in --exclude-accounts"
        )));
    }
    Ok(Some(AccountScope {
        organization,
        role: RoleToAssume {
            name: role_name,
            path: settings.role_path.clone().unwrap_or_else(|| "/".to_owned()),
            session_name: settings
                .role_session_name
                .clone()
                .unwrap_or_else(|| DEFAULT_ROLE_SESSION_NAME.to_owned()),
            external_id: settings.external_id.clone(),
        },
        filter: AccountFilter {
            only,
            exclude,
            ous: settings.ous.iter().flatten().cloned().collect(),
            tags: settings.account_tags.clone().unwrap_or_default(),
        },
        account_concurrency: usize::from(
            settings
                .account_concurrency
                .unwrap_or(DEFAULT_ACCOUNT_CONCURRENCY),
        ),
        shard: shard(shard_flag, environment)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn organization() -> AccountSettings {
        AccountSettings {
            organization: Some(true),
            role_name: Some("Audit".to_owned()),
            ..AccountSettings::default()
        }
    }

    fn usage(result: Result<Option<AccountScope>, AppError>) -> String {
        match result {
            Err(AppError::Usage(message)) => message,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn an_organization_scan_has_its_defaults() {
        let scope = scope(&organization(), None, &ShardEnvironment::default())
            .unwrap()
            .expect("a scope");
        assert!(scope.organization);
        assert_eq!(scope.account_concurrency, 4);
        assert_eq!(scope.role.session_name, "ztaudit");
        assert_eq!(
            scope.role.arn("aws", "111111111111"),
            "arn:aws:iam::111111111111:role/Audit"
        );
        assert_eq!(scope.shard, None);
    }

    #[test]
    fn a_role_path_goes_into_the_arn() {
        let role = RoleToAssume {
            name: "Audit".into(),
            path: "/security/".into(),
            session_name: "ztaudit".into(),
            external_id: None,
        };
        assert_eq!(
            role.arn("aws-us-gov", "111111111111"),
            "arn:aws-us-gov:iam::111111111111:role/security/Audit"
        );
    }

    #[test]
    fn account_flags_without_accounts_are_refused() {
        let settings = AccountSettings {
            role_name: Some("Audit".into()),
            ..AccountSettings::default()
        };
        let message = usage(scope(&settings, None, &ShardEnvironment::default()));
        assert!(
            message.contains("--role-name needs --organization"),
            "{message}"
        );
        let message = usage(scope(
            &AccountSettings::default(),
            Some("0/2"),
            &ShardEnvironment::default(),
        ));
        assert!(message.starts_with("--shard needs"), "{message}");
        let settings = AccountSettings {
            organization: Some(true),
            ..AccountSettings::default()
        };
        assert!(usage(scope(&settings, None, &ShardEnvironment::default())).contains("--role-name"));
        let settings = AccountSettings {
            accounts: Some(vec!["111111111111".into()]),
            ous: Some(vec!["ou-ab12-cd34ef56".into()]),
            ..organization()
        };
        let settings = AccountSettings {
            organization: None,
            ..settings
        };
        assert!(
            usage(scope(&settings, None, &ShardEnvironment::default())).contains("--organization")
        );
    }

    #[test]
    fn an_account_both_selected_and_excluded_is_refused() {
        let settings = AccountSettings {
            accounts: Some(vec!["111111111111".into()]),
            exclude_accounts: Some(vec!["111111111111".into()]),
            ..organization()
        };
        assert!(usage(scope(&settings, None, &ShardEnvironment::default())).contains("both"));
    }

    #[test]
    fn shards_come_from_the_flag_or_the_engines_variables() {
        let none = ShardEnvironment::default();
        assert_eq!(
            shard(Some("1/3"), &none).unwrap(),
            Some(Shard { index: 1, count: 3 })
        );
        assert!(shard(Some("2/2"), &none).is_err());
        assert!(shard(Some("0/0"), &none).is_err());
        assert!(
            shard(Some("3"), &none).is_err(),
            "N alone needs an index variable"
        );
        let batch = ShardEnvironment {
            batch_index: Some("2".into()),
            batch_size: Some("4".into()),
            completion_index: None,
        };
        assert_eq!(
            shard(None, &batch).unwrap(),
            Some(Shard { index: 2, count: 4 })
        );
        // The flag wins over the environment.
        assert_eq!(
            shard(Some("0/2"), &batch).unwrap(),
            Some(Shard { index: 0, count: 2 })
        );
        let kubernetes = ShardEnvironment {
            completion_index: Some("1".into()),
            ..ShardEnvironment::default()
        };
        assert_eq!(
            shard(None, &kubernetes).unwrap(),
            None,
            "N must come from the flag"
        );
        assert_eq!(
            shard(Some("3"), &kubernetes).unwrap(),
            Some(Shard { index: 1, count: 3 })
        );
        assert!(shard(Some("1"), &kubernetes).is_err(), "index 1 of 1 shard");
        let garbage = ShardEnvironment {
            batch_index: Some("two".into()),
            batch_size: Some("4".into()),
            completion_index: None,
        };
        match shard(None, &garbage) {
            Err(AppError::Usage(message)) => assert!(message.contains(BATCH_INDEX), "{message}"),
            other => panic!("{other:?}"),
        }
    }
}
