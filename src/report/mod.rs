//! Report: the findings of one scan with what was scanned, rendered as a table or JSON.
//!
//! [`Report`] is the JSON report itself (its fields are documented in the README); the table is
//! rendered from the same value, so the two never disagree.

mod json;
mod table;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ztaudit_checks::{Check, CheckMeta, Finding, Severity, Snapshot, Status};

pub use json::render_json;
pub use table::render_table;

/// Version of the JSON report's layout.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// What was scanned; absent for `ztaudit policy lint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanInfo>,
    /// The policy documents `ztaudit policy lint` judged; absent for scans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_documents: Option<Vec<String>>,
    pub summary: Summary,
    /// The checks that ran, with their metadata and remediation.
    pub checks: Vec<CheckMeta>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanInfo {
    pub account: String,
    pub partition: String,
    pub regions: Vec<String>,
    pub started_at: String,
    pub finished_at: String,
    pub duration_seconds: f64,
    pub api_calls: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub not_applicable: usize,
    /// Failing findings by severity.
    pub failed_by_severity: SeverityCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
    pub fn of(findings: &[Finding]) -> Self {
        let mut summary = Summary {
            total: findings.len(),
            ..Summary::default()
        };
        for finding in findings {
            match finding.status {
                Status::Pass => summary.pass += 1,
                Status::Fail => {
                    summary.fail += 1;
                    summary.failed_by_severity.add(finding.severity);
                }
                Status::Error => summary.error += 1,
                Status::NotApplicable => summary.not_applicable += 1,
            }
        }
        summary
    }
}

impl Report {
    pub fn new(snapshot: &Snapshot, checks: &[&dyn Check], findings: Vec<Finding>) -> Self {
        let parse = |text: &str| OffsetDateTime::parse(text, &Rfc3339).ok();
        let duration_seconds = match (
            parse(&snapshot.collection.started_at),
            parse(&snapshot.collection.finished_at),
        ) {
            (Some(start), Some(end)) => (end - start).as_seconds_f64().max(0.0),
            _ => 0.0,
        };
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: Tool {
                name: "ztaudit",
                version: env!("CARGO_PKG_VERSION"),
            },
            scan: Some(ScanInfo {
                account: snapshot.account.clone(),
                partition: snapshot.partition.clone(),
                regions: snapshot.regions.keys().cloned().collect(),
                started_at: snapshot.collection.started_at.clone(),
                finished_at: snapshot.collection.finished_at.clone(),
                duration_seconds,
                api_calls: snapshot.collection.api_calls,
            }),
            policy_documents: None,
            summary: Summary::of(&findings),
            checks: checks.iter().map(|check| *check.meta()).collect(),
            findings,
        }
    }

    /// The report of `ztaudit policy lint` over the documents named `documents`.
    pub fn for_policies(
        checks: &[&dyn Check],
        findings: Vec<Finding>,
        documents: Vec<String>,
    ) -> Self {
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: Tool {
                name: "ztaudit",
                version: env!("CARGO_PKG_VERSION"),
            },
            scan: None,
            policy_documents: Some(documents),
            summary: Summary::of(&findings),
            checks: checks.iter().map(|check| *check.meta()).collect(),
            findings,
        }
    }

    /// Whether any failing finding is at or above `threshold` (`None`: the gate is off).
    pub fn breaches(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|threshold| {
            self.findings
                .iter()
                .any(|f| f.status == Status::Fail && f.severity >= threshold)
        })
    }
}
