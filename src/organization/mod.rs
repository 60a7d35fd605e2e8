//! Scans of many accounts: a whole AWS Organization (`--organization`), a plain list of
//! accounts (`--accounts`), or the snapshots `collect --organization` saved.
//!
//! The pipeline per account is assume role → collect → evaluate → keep the findings, drop the
//! snapshot: peak memory grows with the findings, not with the snapshots. Accounts run
//! `--account-concurrency` at a time, each collection with its own `--concurrency` bound, so
//! account parallelism multiplies accounts, never the pressure on one account's rate limits
//! (AWS limits per account and region).
//!
//! One account's failure never stops or hides another's: a role that cannot be assumed, a
//! suspended account, a collection that cannot start or times out make that account `failed`
//! in the coverage with the reason, and every check ERROR on it, naming the account and the
//! reason. Only what prevents any scan (the caller's identity, the organization's listing, an
//! unknown id or OU) ends the run, before any account is scanned.
//!
//! In an organization scan the organization's view of each member (its OU path, the SCPs at
//! every level, delegated administrators) is read with the caller's (management) client, not
//! the member's role, so that the governance checks get what members are refused; the calls
//! count in the member's figures.

pub mod assume;
pub mod select;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use aws_config::SdkConfig;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ztaudit_checks::findings::GLOBAL_REGION;
use ztaudit_checks::snapshot::CallError;
use ztaudit_checks::{evaluate, Check, CheckConfig, Finding, Findings, Snapshot};

use crate::collect::organization_accounts::read_directory;
use crate::collect::{
    self, organizations, CallRecorder, CollectError, FromDirectory, OperationStats,
};
use crate::error::AppError;
use crate::files;
use crate::plan::{AccountScope, AwsSource};
use crate::report::coverage::ShardInfo;
use crate::report::{AccountCoverage, Coverage, CoverageStatus, ScanInfo};
use select::{Candidate, Selection};

/// What becomes of each account's snapshot.
#[derive(Clone, Copy)]
pub enum AccountSink<'a> {
    /// Evaluated at once, and dropped.
    Evaluate {
        checks: &'a [&'static dyn Check],
        config: &'a CheckConfig,
    },
    /// Written to `FOLDER/ACCOUNT.json` (`collect --organization`), and dropped.
    Save(&'a Path),
}

/// Everything a scan of many accounts keeps: findings, coverage, and the figures.
#[derive(Debug, Default)]
pub struct AccountsScanned {
    pub scan: Option<ScanInfo>,
    pub coverage: Option<Coverage>,
    pub findings: Vec<Finding>,
    /// Resource tags by resource id, of every account, for suppressions that match on tags.
    pub tags: HashMap<String, BTreeMap<String, String>>,
    /// Calls per IAM action, summed over every account and the listing.
    pub operations: BTreeMap<String, OperationStats>,
    /// The snapshots written by [`AccountSink::Save`].
    pub written: Vec<PathBuf>,
}

/// What one account gave.
struct AccountOutcome {
    coverage: AccountCoverage,
    findings: Vec<Finding>,
    tags: HashMap<String, BTreeMap<String, String>>,
    regions: Vec<String>,
    operations: BTreeMap<String, OperationStats>,
    written: Option<PathBuf>,
}

/// Scans the accounts of `scope` with the caller's credentials of `aws`.
pub fn scan_accounts(
    aws: &AwsSource,
    scope: &AccountScope,
    sink: AccountSink<'_>,
    checks_digest: String,
) -> Result<AccountsScanned, AppError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;
    runtime.block_on(scan_accounts_async(aws, scope, sink, checks_digest))
}

async fn scan_accounts_async(
    aws: &AwsSource,
    scope: &AccountScope,
    sink: AccountSink<'_>,
    checks_digest: String,
) -> Result<AccountsScanned, AppError> {
    let started_at = collect::now_rfc3339();
    let caller_sdk = collect::load_sdk_config(&aws.options).await;
    let home = collect::home_region(&caller_sdk);
    let listing = CallRecorder::default();
    let (caller, partition) = collect::caller_identity(&caller_sdk, &home, &listing).await?;

    let selection = if scope.organization {
        let client = organizations::client(&caller_sdk, &home, &listing);
        let directory = read_directory(&client, aws.options.concurrency)
            .await
            .map_err(|error| CollectError::Directory(error.to_string()))?;
        select::from_directory(&directory, &scope.filter).map_err(AppError::Usage)?
    } else {
        select::from_list(&scope.filter)
    };
    let shard = selection.shard(scope.shard);
    tracing::info!(
        "scanning {} of the {} selected accounts{}",
        shard.len(),
        selection.selected.len(),
        scope
            .shard
            .map(|shard| format!(" (shard {shard})"))
            .unwrap_or_default()
    );

    let progress = if aws.options.show_progress {
        ProgressBar::with_draw_target(Some(shard.len() as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} accounts {pos}/{len} · {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let context = AccountContext {
        aws,
        scope,
        sink,
        caller_sdk: &caller_sdk,
        caller: &caller,
        partition: &partition,
        home: &home,
    };
    let mut outcomes: Vec<AccountOutcome> = futures::stream::iter(shard)
        .map(|candidate| {
            let context = &context;
            let progress = &progress;
            async move {
                let outcome = context.scan_one(candidate).await;
                progress.inc(1);
                progress.set_message(format!("{} done", outcome.coverage.id));
                outcome
            }
        })
        .buffer_unordered(scope.account_concurrency.max(1))
        .collect()
        .await;
    progress.finish_and_clear();
    outcomes.sort_by(|a, b| a.coverage.id.cmp(&b.coverage.id));
    Ok(gather(
        outcomes,
        &selection,
        scope,
        listing.operation_stats(),
        ScanInfo {
            account: caller,
            partition,
            regions: Vec::new(),
            started_at,
            finished_at: String::new(),
            duration_seconds: 0.0,
            api_calls: 0,
        },
        checks_digest,
    ))
}

/// What every account's scan reads.
struct AccountContext<'a> {
    aws: &'a AwsSource,
    scope: &'a AccountScope,
    sink: AccountSink<'a>,
    caller_sdk: &'a SdkConfig,
    caller: &'a str,
    partition: &'a str,
    home: &'a str,
}

impl AccountContext<'_> {
    /// Assume role → collect → evaluate (or save) → drop the snapshot.
    async fn scan_one(&self, candidate: Candidate) -> AccountOutcome {
        let recorder = CallRecorder::default();
        match self.collect_one(&candidate, &recorder).await {
            Ok(snapshot) => self.consume(candidate, snapshot, &recorder),
            Err(reason) => {
                tracing::warn!("account {} failed: {reason}", candidate.id);
                AccountOutcome {
                    findings: match self.sink {
                        AccountSink::Evaluate { checks, .. } => {
                            unscanned_findings(checks, &candidate, self.partition, &reason)
                        }
                        AccountSink::Save(_) => Vec::new(),
                    },
                    coverage: candidate.coverage(CoverageStatus::Failed, Some(reason)),
                    tags: HashMap::new(),
                    regions: Vec::new(),
                    operations: recorder.operation_stats(),
                    written: None,
                }
            }
        }
    }

    async fn collect_one(
        &self,
        candidate: &Candidate,
        recorder: &CallRecorder,
    ) -> Result<Snapshot, String> {
        if let Some(reason) = &candidate.unscannable {
            return Err(reason.clone());
        }
        let own = candidate.id == self.caller;
        let sdk = if own {
            self.caller_sdk.clone()
        } else {
            assume::member_config(
                self.caller_sdk,
                &self.scope.role,
                self.partition,
                &candidate.id,
                recorder,
            )
            .await?
        };
        // The management account's view of a member; the caller's own view is its own.
        let directory = FromDirectory {
            view: (self.scope.organization && !own)
                .then(|| organizations::client(self.caller_sdk, self.home, recorder)),
            tags: candidate.tags.clone(),
        };
        let mut options = self.aws.options.clone();
        options.show_progress = false;
        let limit = self.aws.max_scan_time;
        let snapshot = tokio::time::timeout(
            limit,
            collect::collect_account(&sdk, &options, recorder, directory),
        )
        .await
        .map_err(|_| {
            format!(
                "the collection did not finish within {} s (--max-scan-time)",
                limit.as_secs()
            )
        })?
        .map_err(|error| error.to_string())?;
        if snapshot.account != candidate.id {
            return Err(format!(
                "the credentials reached account {}, not {}",
                snapshot.account, candidate.id
            ));
        }
        Ok(snapshot)
    }

    fn consume(
        &self,
        candidate: Candidate,
        snapshot: Snapshot,
        recorder: &CallRecorder,
    ) -> AccountOutcome {
        let regions = snapshot.regions.keys().cloned().collect();
        let mut outcome = AccountOutcome {
            coverage: candidate.coverage(CoverageStatus::Scanned, None),
            findings: Vec::new(),
            tags: HashMap::new(),
            regions,
            operations: recorder.operation_stats(),
            written: None,
        };
        match self.sink {
            AccountSink::Evaluate { checks, config } => {
                outcome.findings = evaluate(checks, &snapshot, config);
                outcome.tags = owned_tags(&snapshot);
            }
            AccountSink::Save(folder) => {
                let path = folder.join(format!("{}.json", candidate.id));
                let mut text = serde_json::to_string_pretty(&snapshot).unwrap_or_default();
                text.push('\n');
                match files::write_atomically(&path, text.as_bytes()) {
                    Ok(()) => outcome.written = Some(path),
                    Err(error) => {
                        outcome.coverage =
                            candidate.coverage(CoverageStatus::Failed, Some(error.to_string()));
                    }
                }
            }
        }
        outcome
    }
}

/// The tags of an account's resources, owned, for suppressions once the snapshot is gone.
pub fn owned_tags(snapshot: &Snapshot) -> HashMap<String, BTreeMap<String, String>> {
    snapshot
        .tags_by_resource_id()
        .into_iter()
        .filter(|(_, tags)| !tags.is_empty())
        .map(|(id, tags)| (id.to_owned(), tags.clone()))
        .collect()
}

/// Every check ERROR on an account that could not be scanned, naming it and the reason.
pub fn unscanned_findings(
    checks: &[&'static dyn Check],
    candidate: &Candidate,
    partition: &str,
    reason: &str,
) -> Vec<Finding> {
    let account = match &candidate.name {
        Some(name) => format!("account {} ({name})", candidate.id),
        None => format!("account {}", candidate.id),
    };
    let message = format!("{account} was not scanned: {reason}");
    let why = CallError {
        message,
        ..CallError::not_collected()
    };
    checks
        .iter()
        .flat_map(|check| {
            let mut out = Findings::for_account(check.meta(), &candidate.id, partition);
            let resource = out.account_resource("account", GLOBAL_REGION);
            out.unevaluable(resource, &why);
            out.into_vec()
        })
        .collect()
}

/// The outcomes of every account, the excluded accounts and the listing's calls, as one.
fn gather(
    outcomes: Vec<AccountOutcome>,
    selection: &Selection,
    scope: &AccountScope,
    listing: BTreeMap<String, OperationStats>,
    mut scan: ScanInfo,
    checks_digest: String,
) -> AccountsScanned {
    let mut scanned = AccountsScanned {
        operations: listing,
        ..AccountsScanned::default()
    };
    let mut regions = BTreeSet::new();
    let mut accounts = Vec::new();
    for outcome in outcomes {
        regions.extend(outcome.regions);
        add_operations(&mut scanned.operations, &outcome.operations);
        scanned.findings.extend(outcome.findings);
        scanned.tags.extend(outcome.tags);
        scanned.written.extend(outcome.written);
        accounts.push(outcome.coverage);
    }
    accounts.extend(selection.excluded.iter().cloned());
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    scan.regions = regions.into_iter().collect();
    scan.api_calls = scanned.operations.values().map(|stats| stats.calls).sum();
    scan.finished_at = collect::now_rfc3339();
    scan.duration_seconds = crate::report::seconds_between(&scan.started_at, &scan.finished_at);
    scanned.scan = Some(scan);
    scanned.coverage = Some(Coverage {
        accounts,
        shard: scope.shard.map(|shard| ShardInfo {
            index: shard.index,
            count: shard.count,
        }),
        selection: selection.ids(),
        checks_digest,
    });
    scanned
}

fn add_operations(
    total: &mut BTreeMap<String, OperationStats>,
    more: &BTreeMap<String, OperationStats>,
) {
    for (action, stats) in more {
        let sum = total.entry(action.clone()).or_default();
        sum.calls += stats.calls;
        sum.retries += stats.retries;
        sum.throttles += stats.throttles;
        sum.failures += stats.failures;
        sum.time += stats.time;
    }
}

/// Evaluates saved snapshots one by one (`scan --snapshot DIR|FILE…`), each dropped once
/// evaluated, reported as a scan of many accounts.
pub fn evaluate_snapshots(
    paths: &[PathBuf],
    checks: &[&'static dyn Check],
    config: &CheckConfig,
    checks_digest: String,
) -> Result<AccountsScanned, AppError> {
    let mut scanned = AccountsScanned::default();
    let mut accounts: Vec<AccountCoverage> = Vec::new();
    let mut regions = BTreeSet::new();
    let (mut started, mut finished) = (None::<String>, None::<String>);
    let mut partition = String::new();
    let mut api_calls = 0;
    for path in paths {
        let snapshot = files::load_snapshot(path)?;
        if accounts
            .iter()
            .any(|account| account.id == snapshot.account)
        {
            return Err(AppError::Usage(format!(
                "{}: a second snapshot of account {}; give one per account",
                path.display(),
                snapshot.account
            )));
        }
        regions.extend(snapshot.regions.keys().cloned());
        api_calls += snapshot.collection.api_calls;
        partition.clone_from(&snapshot.partition);
        let collection = &snapshot.collection;
        if started.as_ref().is_none_or(|s| collection.started_at < *s) {
            started = Some(collection.started_at.clone());
        }
        if finished
            .as_ref()
            .is_none_or(|f| collection.finished_at > *f)
        {
            finished = Some(collection.finished_at.clone());
        }
        scanned.findings.extend(evaluate(checks, &snapshot, config));
        scanned.tags.extend(owned_tags(&snapshot));
        accounts.push(snapshot_coverage(&snapshot));
    }
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    let (started_at, finished_at) = (started.unwrap_or_default(), finished.unwrap_or_default());
    scanned.scan = Some(ScanInfo {
        account: accounts.first().map(|a| a.id.clone()).unwrap_or_default(),
        partition,
        regions: regions.into_iter().collect(),
        duration_seconds: crate::report::seconds_between(&started_at, &finished_at),
        started_at,
        finished_at,
        api_calls,
    });
    scanned.coverage = Some(Coverage {
        selection: accounts.iter().map(|a| a.id.clone()).collect(),
        accounts,
        shard: None,
        checks_digest,
    });
    Ok(scanned)
}

/// A saved snapshot's account, named as its organization view names it.
fn snapshot_coverage(snapshot: &Snapshot) -> AccountCoverage {
    let organization = snapshot
        .global
        .organizations
        .organization
        .as_result()
        .ok()
        .and_then(Option::as_ref);
    let name = organization
        .and_then(|o| o.account.as_result().ok())
        .map(|account| account.name.clone());
    let ou_path = organization
        .and_then(|o| o.levels.as_result().ok())
        .map(|levels| {
            levels
                .iter()
                .filter(|level| level.kind != ztaudit_checks::snapshot::LevelKind::Account)
                .map(|level| level.name.as_str())
                .collect::<Vec<_>>()
                .join("/")
        });
    let tags = organization
        .and_then(|o| o.tags.as_result().ok())
        .cloned()
        .unwrap_or_default();
    AccountCoverage {
        id: snapshot.account.clone(),
        name,
        ou_path,
        tags,
        status: CoverageStatus::Scanned,
        reason: None,
    }
}
