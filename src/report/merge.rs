//! `ztaudit merge`: the JSON reports of the shards of one selection, read back and combined
//! into one report, its summary and score recomputed over every account.
//!
//! Reports are merged only when they are comparable: the same ztaudit version, the same
//! checks with the same settings (the coverage's `checks_digest`) and the same selection of
//! accounts. Anything else is refused with one line naming the file and the reason. Accounts
//! of the selection that no report scanned are `missing` in the merged coverage, and make the
//! run incomplete (exit 3). Two reports covering the same account are refused: a shard given
//! twice would count its findings twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;
use ztaudit_checks::{registry, Check, Finding};

use super::baseline::{check_version, read_json, ReportError};
use super::coverage::{AccountCoverage, Coverage, CoverageStatus};
use super::{MutedBy, Report, ScanInfo};

/// A report as `merge` reads it back.
#[derive(Debug, Deserialize)]
pub struct ShardReport {
    schema_version: u32,
    tool: SavedTool,
    scan: Option<ScanInfo>,
    coverage: Option<Coverage>,
    checks: Vec<SavedCheck>,
    findings: Vec<SavedFinding>,
}

#[derive(Debug, Deserialize)]
struct SavedTool {
    version: String,
}

#[derive(Debug, Deserialize)]
struct SavedCheck {
    id: String,
}

#[derive(Debug, Deserialize)]
struct SavedFinding {
    #[serde(flatten)]
    finding: Finding,
    #[serde(default)]
    muted_by: Option<MutedBy>,
}

/// A report's text, read whole.
pub fn parse(text: &str) -> Result<ShardReport, ReportError> {
    let report: ShardReport = read_json(text)?;
    check_version(report.schema_version)?;
    Ok(report)
}

/// The reports, each with the name it is called by in messages, merged; or the one line that
/// says which report cannot be merged, and why.
pub fn merge(reports: Vec<(String, ShardReport)>) -> Result<Report, String> {
    let Some((first_name, first)) = reports.first() else {
        return Err("no report to merge".to_owned());
    };
    let reference = comparable(first_name, first)?;
    let checks: Vec<&'static dyn Check> = first
        .checks
        .iter()
        .map(|saved| {
            registry::find(&saved.id).ok_or_else(|| {
                format!(
                    "{first_name}: check {} is not one this ztaudit has",
                    saved.id
                )
            })
        })
        .collect::<Result<_, _>>()?;

    let mut covered: BTreeMap<String, (AccountCoverage, &str)> = BTreeMap::new();
    let mut excluded: BTreeMap<String, AccountCoverage> = BTreeMap::new();
    let mut shards = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let mut findings = Vec::new();
    let mut muted: HashMap<String, MutedBy> = HashMap::new();
    let (mut started, mut finished, mut api_calls) = (String::new(), String::new(), 0);
    for (name, report) in &reports {
        let coverage = comparable(name, report)?;
        if report.tool.version != first.tool.version {
            return Err(format!(
                "{name}: written by ztaudit {}, {first_name} by ztaudit {}; merge reports of one version",
                report.tool.version, first.tool.version
            ));
        }
        if coverage.checks_digest != reference.checks_digest {
            return Err(format!(
                "{name}: ran other checks, or the same with other settings, than {first_name}"
            ));
        }
        if coverage.selection != reference.selection {
            return Err(format!(
                "{name}: cut from another selection of accounts than {first_name}"
            ));
        }
        if let Some(shard) = coverage.shard {
            if !shards.insert((shard.index, shard.count)) {
                return Err(format!(
                    "{name}: shard {}/{} is given twice",
                    shard.index, shard.count
                ));
            }
        }
        for account in &coverage.accounts {
            match account.status {
                CoverageStatus::Scanned | CoverageStatus::Failed => {
                    if let Some((_, other)) = covered.get(&account.id) {
                        return Err(format!(
                            "{name}: account {} is also covered by {other}",
                            account.id
                        ));
                    }
                    covered.insert(account.id.clone(), (account.clone(), name.as_str()));
                }
                CoverageStatus::Excluded => {
                    excluded.insert(account.id.clone(), account.clone());
                }
                CoverageStatus::Missing => {}
            }
        }
        if let Some(scan) = &report.scan {
            regions.extend(scan.regions.iter().cloned());
            api_calls += scan.api_calls;
            if started.is_empty() || scan.started_at < started {
                started.clone_from(&scan.started_at);
            }
            if scan.finished_at > finished {
                finished.clone_from(&scan.finished_at);
            }
        }
        for saved in &report.findings {
            if let Some(muted_by) = &saved.muted_by {
                let finding = &saved.finding;
                muted.insert(
                    super::fingerprint(
                        &finding.check_id,
                        &finding.account,
                        &finding.region,
                        &finding.resource,
                    ),
                    muted_by.clone(),
                );
            }
            findings.push(saved.finding.clone());
        }
    }

    let mut accounts: Vec<AccountCoverage> = Vec::new();
    for id in &reference.selection {
        match covered.remove(id) {
            Some((account, _)) => accounts.push(account),
            None => accounts.push(AccountCoverage {
                id: id.clone(),
                name: None,
                ou_path: None,
                tags: BTreeMap::new(),
                status: CoverageStatus::Missing,
                reason: Some("in no merged report".to_owned()),
            }),
        }
    }
    accounts.extend(
        excluded
            .into_values()
            .filter(|a| !reference.selection.contains(&a.id)),
    );
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    let scan = ScanInfo {
        account: first
            .scan
            .as_ref()
            .map(|s| s.account.clone())
            .unwrap_or_default(),
        partition: first
            .scan
            .as_ref()
            .map(|s| s.partition.clone())
            .unwrap_or_default(),
        regions: regions.into_iter().collect(),
        duration_seconds: super::seconds_between(&started, &finished),
        started_at: started,
        finished_at: finished,
        api_calls,
    };
    let coverage = Coverage {
        accounts,
        shard: None,
        selection: reference.selection.clone(),
        checks_digest: reference.checks_digest.clone(),
    };
    let mut report = Report::for_accounts(scan, &checks, findings, coverage);
    for reported in &mut report.findings {
        reported.muted_by = muted.remove(&reported.fingerprint);
    }
    Ok(report)
}

/// The coverage that makes a report mergeable.
fn comparable<'a>(name: &str, report: &'a ShardReport) -> Result<&'a Coverage, String> {
    report.coverage.as_ref().ok_or_else(|| {
        format!(
            "{name}: not the report of a scan of many accounts (it has no coverage); merge takes \
             the JSON reports of `scan --organization` or `--accounts`"
        )
    })
}
