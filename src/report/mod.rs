//! Report: the findings of one scan with what was scanned, and its renderings.
//!
//! [`Report`] is the JSON report itself (its schema is `ztaudit schema`, generated from these
//! types); every other format is rendered from the same value, so no two formats disagree.
//! Suppressions ([`suppress`]) and a baseline ([`baseline`]) only annotate findings; the
//! summary and the Zero Trust score ([`score`]) are recomputed from the annotated findings.

pub mod baseline;
pub mod coverage;
mod csv;
pub mod diff;
mod html;
mod json;
mod junit;
mod markdown;
pub mod merge;
mod ocsf;
mod sarif;
pub mod score;
pub mod suppress;
mod table;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ztaudit_checks::{Check, CheckMeta, Finding, Severity, Snapshot, Status};

pub use baseline::{BaselineState, BaselineSummary};
pub use coverage::{AccountCoverage, Coverage, CoverageStatus};
pub use score::Score;
pub use suppress::SuppressionOutcome;

/// Version of the JSON report's layout. 2 added fingerprints, `MUTED`, suppressions, the
/// baseline and the score; version 1 reports are still read as baselines. `coverage` (scans
/// of many accounts, shards) is an optional addition to version 2: readers of version 2 that
/// ignore unknown fields read these reports unchanged.
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// Every way a report can be written, one module each; `cli::Format` spells them on the
/// command line and says what each is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Junit,
    Ocsf,
    Csv,
    Markdown,
    Html,
}

impl Format {
    /// The file name `--output-dir` writes this format to.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Table => "ztaudit.txt",
            Format::Json => "ztaudit.json",
            Format::Sarif => "ztaudit.sarif",
            Format::Junit => "ztaudit.junit.xml",
            Format::Ocsf => "ztaudit.ocsf.json",
            Format::Csv => "ztaudit.csv",
            Format::Markdown => "ztaudit.md",
            Format::Html => "ztaudit.html",
        }
    }
}

/// How the table is drawn; the other formats ignore it. Decided by the caller (the run plan
/// and the destination), never read from the environment here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLayout {
    /// Colours and bold headings (a terminal, and no `NO_COLOR`).
    pub color: bool,
    /// The columns the table may take, `None` for no limit: the Finding column wraps to fit.
    pub width: Option<u16>,
}

/// Renders `report` in `format`. `layout` only matters for the table.
pub fn render(report: &Report, format: Format, layout: TableLayout) -> String {
    match format {
        Format::Table => table::render_table(report, layout),
        Format::Json => json::render_json(report),
        Format::Sarif => sarif::render_sarif(report),
        Format::Junit => junit::render_junit(report),
        Format::Ocsf => ocsf::render_ocsf(report),
        Format::Csv => csv::render_csv(report),
        Format::Markdown => markdown::render_markdown(report),
        Format::Html => html::render_html(report),
    }
}

/// The JSON Schema of the JSON report, generated from the types that write it.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// What was scanned; absent for `ztaudit policy lint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanInfo>,
    /// The policy documents `ztaudit policy lint` judged; absent for scans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_documents: Option<Vec<String>>,
    /// The accounts of a scan of many (`--organization`, `--accounts`, several snapshots, a
    /// merge), each with its status; absent for a scan of one account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    pub summary: Summary,
    /// The Zero Trust score, overall and per pillar.
    pub score: Score,
    /// The suppressions of `ztaudit.toml`, with what each muted; absent without one.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub suppressions: Vec<SuppressionOutcome>,
    /// The comparison with `--baseline`; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// The checks that ran, with their metadata and remediation.
    pub checks: Vec<CheckMeta>,
    pub findings: Vec<ReportedFinding>,
}

/// A finding with what the report layer knows of it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReportedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// Stable identity of (check, account, region, resource): it survives re-ordering and
    /// changes of wording, so baselines and diffs match findings by it.
    pub fingerprint: String,
    /// The suppression that muted this finding (status `MUTED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muted_by: Option<MutedBy>,
    /// New or unchanged since `--baseline`; only on failing and muted findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// Why a finding is muted: the suppression's own words.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MutedBy {
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `YYYY-MM-DD`; the suppression applies through this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Line of the suppression in the settings file.
    pub line: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScanInfo {
    pub account: String,
    pub partition: String,
    pub regions: Vec<String>,
    pub started_at: String,
    pub finished_at: String,
    pub duration_seconds: f64,
    pub api_calls: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub not_applicable: usize,
    pub muted: usize,
    /// Not decidable before apply (`ztaudit plan` only; absent when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub undecided: usize,
    /// Failing findings by severity.
    pub failed_by_severity: SeverityCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn add(&mut self, severity: Severity) {
        let slot = match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        };
        *slot += 1;
    }
}

impl Summary {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut summary = Summary::default();
        for finding in findings {
            summary.total += 1;
            match finding.status {
                Status::Pass => summary.pass += 1,
                Status::Fail => {
                    summary.fail += 1;
                    summary.failed_by_severity.add(finding.severity);
                }
                Status::Error => summary.error += 1,
                Status::NotApplicable => summary.not_applicable += 1,
                Status::Muted => summary.muted += 1,
                Status::Undecided => summary.undecided += 1,
            }
        }
        summary
    }
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// The fingerprint of a finding: SHA-256 over its check, account, region and resource, the
/// first 32 hex digits. Versioned (`v1`) so that a future change cannot collide silently.
pub fn fingerprint(check_id: &str, account: &str, region: &str, resource: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [
        "ztaudit-fingerprint-v1",
        check_id,
        account,
        region,
        resource,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl ReportedFinding {
    pub fn new(finding: Finding) -> Self {
        ReportedFinding {
            fingerprint: fingerprint(
                &finding.check_id,
                &finding.account,
                &finding.region,
                &finding.resource,
            ),
            finding,
            muted_by: None,
            baseline: None,
        }
    }
}

impl Report {
    pub fn new(snapshot: &Snapshot, checks: &[&dyn Check], findings: Vec<Finding>) -> Self {
        let duration_seconds = seconds_between(
            &snapshot.collection.started_at,
            &snapshot.collection.finished_at,
        );
        let scan = ScanInfo {
            account: snapshot.account.clone(),
            partition: snapshot.partition.clone(),
            regions: snapshot.regions.keys().cloned().collect(),
            started_at: snapshot.collection.started_at.clone(),
            finished_at: snapshot.collection.finished_at.clone(),
            duration_seconds,
            api_calls: snapshot.collection.api_calls,
        };
        Report::assemble(Some(scan), None, checks, findings)
    }

    /// The report of a scan of many accounts: `findings` of every account, which `coverage`
    /// lists.
    pub fn for_accounts(
        scan: ScanInfo,
        checks: &[&dyn Check],
        mut findings: Vec<Finding>,
        coverage: Coverage,
    ) -> Self {
        sort_across_accounts(&mut findings);
        let mut report = Report::assemble(Some(scan), None, checks, findings);
        report.coverage = Some(coverage);
        report
    }

    /// The report of `ztaudit policy lint` over the documents named `documents`.
    pub fn for_policies(
        checks: &[&dyn Check],
        findings: Vec<Finding>,
        documents: Vec<String>,
    ) -> Self {
        Report::assemble(None, Some(documents), checks, findings)
    }

    fn assemble(
        scan: Option<ScanInfo>,
        policy_documents: Option<Vec<String>>,
        checks: &[&dyn Check],
        findings: Vec<Finding>,
    ) -> Self {
        let mut report = Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: Tool {
                name: "ztaudit",
                version: env!("CARGO_PKG_VERSION"),
            },
            scan,
            policy_documents,
            coverage: None,
            summary: Summary::default(),
            score: Score::default(),
            suppressions: Vec::new(),
            baseline: None,
            checks: checks.iter().map(|check| *check.meta()).collect(),
            findings: findings.into_iter().map(ReportedFinding::new).collect(),
        };
        report.recount();
        report
    }

    /// Whether some account of the selection went unscanned (failed, or missing from a merge).
    pub fn is_incomplete(&self) -> bool {
        self.summary.error > 0 || self.coverage.as_ref().is_some_and(Coverage::is_incomplete)
    }

    /// Recomputes the summary and the score after findings were annotated.
    pub(crate) fn recount(&mut self) {
        let findings = self.findings.iter().map(|f| &f.finding);
        self.summary = Summary::of(findings.clone());
        self.score = Score::of(findings);
    }

    /// The failing findings the gate counts: all of them, or with `only_new` those a baseline
    /// did not have.
    pub fn gated(&self, only_new: bool) -> impl Iterator<Item = &ReportedFinding> {
        self.findings.iter().filter(move |f| {
            f.finding.status == Status::Fail
                && (!only_new || f.baseline != Some(BaselineState::Unchanged))
        })
    }

    /// Whether any gated finding is at or above `threshold` (`None`: the gate is off).
    pub fn breaches(&self, threshold: Option<Severity>, only_new: bool) -> bool {
        threshold.is_some_and(|threshold| {
            self.gated(only_new)
                .any(|f| f.finding.severity >= threshold)
        })
    }

    /// Where the report's findings are from, for headings: `account 123… (3 regions)`.
    pub fn scope(&self) -> String {
        match (&self.scan, &self.policy_documents) {
            (Some(_), _) if self.coverage.is_some() => {
                let coverage = self.coverage.as_ref();
                let scanned = coverage.map_or(0, |c| c.count(CoverageStatus::Scanned));
                let selected = coverage.map_or(0, |c| c.selection.len());
                format!("{scanned} of {selected} accounts scanned")
            }
            (Some(scan), _) => format!(
                "account {}, {} region{}",
                scan.account,
                scan.regions.len(),
                if scan.regions.len() == 1 { "" } else { "s" }
            ),
            (None, Some(documents)) => format!(
                "{} policy document{}",
                documents.len(),
                if documents.len() == 1 { "" } else { "s" }
            ),
            (None, None) => String::new(),
        }
    }

    /// The metadata of the check with this id, if it ran.
    pub fn check(&self, id: &str) -> Option<&CheckMeta> {
        self.checks.iter().find(|meta| meta.id == id)
    }
}

/// Seconds from one RFC 3339 time to another; 0 when either is not one.
pub fn seconds_between(start: &str, end: &str) -> f64 {
    let parse = |text: &str| OffsetDateTime::parse(text, &Rfc3339).ok();
    match (parse(start), parse(end)) {
        (Some(start), Some(end)) => (end - start).as_seconds_f64().max(0.0),
        _ => 0.0,
    }
}

/// Findings of several accounts in one order, whatever order the accounts finished in: by
/// check, then account, then as `evaluate` orders one account's.
pub(crate) fn sort_across_accounts(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.check_id,
            &a.account,
            &a.region,
            &a.resource,
            a.status,
            &a.message,
        )
            .cmp(&(
                &b.check_id,
                &b.account,
                &b.region,
                &b.resource,
                b.status,
                &b.message,
            ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_depend_on_identity_only() {
        let a = fingerprint("ZT301", "123456789012", "eu-west-1", "arn:aws:ec2:…/sg-1");
        assert_eq!(a.len(), 32);
        assert_eq!(
            a,
            fingerprint("ZT301", "123456789012", "eu-west-1", "arn:aws:ec2:…/sg-1")
        );
        assert_ne!(
            a,
            fingerprint("ZT301", "123456789012", "eu-west-2", "arn:aws:ec2:…/sg-1")
        );
        // The separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(
            fingerprint("ZT301", "ab", "c", "r"),
            fingerprint("ZT301", "a", "bc", "r")
        );
    }
}
