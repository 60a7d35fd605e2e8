//! Coverage: which accounts a scan of many covered, and how far it got with each.
//!
//! A scan of several accounts (`--organization`, `--accounts`, several snapshots, a merge of
//! shards) lists every account of its selection with its name, OU path and tags from
//! Organizations and its status: `scanned`, `failed` with the reason (its checks are ERROR),
//! `excluded` (by a filter, or not ACTIVE), or `missing` (in the selection, in no merged
//! shard). A shard's report also records the shard and the whole selection it was cut from,
//! and a digest of its checks and their settings, which is what `ztaudit merge` compares.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ztaudit_checks::{Check, CheckConfig};

/// The accounts of a scan of many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Coverage {
    /// Every account of the selection (and those a filter excluded), by id.
    pub accounts: Vec<AccountCoverage>,
    /// The shard this report is (`--shard K/N`); absent for a whole selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// The ids of every account of the selection the shard was cut from, sorted.
    pub selection: Vec<String>,
    /// SHA-256 over the ids of the checks that ran and the settings they read: reports with the
    /// same digest judged with the same checks, set up the same way.
    pub checks_digest: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ShardInfo {
    /// 0-based.
    pub index: u32,
    pub count: u32,
}

/// One account, as Organizations describes it, and what the scan did with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AccountCoverage {
    pub id: String,
    /// The account's name in Organizations; absent outside an organization scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The OUs from the root down, by name (`Root/Workloads/Prod`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_path: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    pub status: CoverageStatus,
    /// Why the account failed, or was excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum CoverageStatus {
    Scanned,
    /// Its checks are ERROR: the role could not be assumed, its collection could not start…
    Failed,
    Excluded,
    /// In the selection, and in none of the merged shards.
    Missing,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Scanned => "scanned",
            CoverageStatus::Failed => "failed",
            CoverageStatus::Excluded => "excluded",
            CoverageStatus::Missing => "missing",
        }
    }
}

impl Coverage {
    /// Whether an account of the selection was not scanned: its verdicts are unknown.
    pub fn is_incomplete(&self) -> bool {
        self.accounts.iter().any(|account| {
            matches!(
                account.status,
                CoverageStatus::Failed | CoverageStatus::Missing
            )
        })
    }

    /// How many accounts have `status`.
    pub fn count(&self, status: CoverageStatus) -> usize {
        self.accounts
            .iter()
            .filter(|account| account.status == status)
            .count()
    }

    /// The account with this id, if the coverage lists it.
    pub fn account(&self, id: &str) -> Option<&AccountCoverage> {
        self.accounts
            .binary_search_by(|account| account.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.accounts[index])
    }

    /// The account's name for a finding's account column: `NAME (ID)`, or the id alone.
    pub fn label(&self, id: &str) -> String {
        match self.account(id).and_then(|account| account.name.as_deref()) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_owned(),
        }
    }
}

/// The digest of `checks` run with `config` (see [`Coverage::checks_digest`]).
pub fn checks_digest(checks: &[&dyn Check], config: &CheckConfig) -> String {
    let mut ids: Vec<&str> = checks.iter().map(|check| check.meta().id).collect();
    ids.sort_unstable();
    let mut hasher = Sha256::new();
    hasher.update(b"ztaudit-checks-v1\0");
    for id in ids {
        hasher.update(id.as_bytes());
        hasher.update([0]);
    }
    hasher.update(serde_json::to_vec(config).unwrap_or_default());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use ztaudit_checks::CHECKS;

    use super::*;

    #[test]
    fn the_digest_changes_with_the_checks_and_their_settings() {
        let all = checks_digest(CHECKS, &CheckConfig::default());
        assert_eq!(all, checks_digest(CHECKS, &CheckConfig::default()));
        assert_ne!(all, checks_digest(&CHECKS[1..], &CheckConfig::default()));
        let config = CheckConfig {
            admin_ports: vec![2222],
            ..CheckConfig::default()
        };
        assert_ne!(all, checks_digest(CHECKS, &config));
    }
}
