//! Baselines: a previous JSON report, read back to tell new findings from known ones.
//!
//! Findings are matched by fingerprint, recomputed from each finding's check, account, region
//! and resource, so reports written before fingerprints existed (schema 1) work as baselines.

use std::collections::{BTreeMap, HashSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ztaudit_checks::{Severity, Status};

use super::{fingerprint, Report, REPORT_SCHEMA_VERSION};

/// Whether a failing (or muted) finding was already failing in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
}

/// The comparison with `--baseline`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BaselineSummary {
    /// The baseline report, as named on the command line.
    pub file: String,
    pub new: usize,
    pub unchanged: usize,
    /// Failing in the baseline, failing no more (passing, or its resource gone).
    pub resolved: Vec<PriorFinding>,
}

/// A finding read from a saved report: what a diff needs of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PriorFinding {
    pub check_id: String,
    pub status: Status,
    pub severity: Severity,
    pub resource: String,
    pub region: String,
    pub account: String,
    pub message: String,
    #[serde(default)]
    pub fingerprint: String,
}

impl PriorFinding {
    /// A finding of a report made in this run, as a baseline holds it (`plan --against`
    /// compares the account after apply with the live snapshot's own findings).
    pub fn of(reported: &super::ReportedFinding) -> Self {
        let finding = &reported.finding;
        PriorFinding {
            check_id: finding.check_id.to_string(),
            status: finding.status,
            severity: finding.severity,
            resource: finding.resource.clone(),
            region: finding.region.clone(),
            account: finding.account.clone(),
            message: finding.message.clone(),
            fingerprint: reported.fingerprint.clone(),
        }
    }

    /// FAIL, or MUTED (a muted finding is still a known failure, not a new one when unmuted).
    pub fn is_failing(&self) -> bool {
        matches!(self.status, Status::Fail | Status::Muted)
    }
}

#[derive(Deserialize)]
struct SavedReport {
    schema_version: u32,
    findings: Vec<PriorFinding>,
}

/// Why a file is not a report this ztaudit reads.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// `what` is "is not JSON" or "is not a ztaudit JSON report".
    #[error("{}:{}: {what}: {source}", source.line(), source.column())]
    Invalid {
        what: &'static str,
        source: serde_json::Error,
    },
    #[error("report schema_version {0} is not one this ztaudit reads (1 to {REPORT_SCHEMA_VERSION}); upgrade ztaudit")]
    Version(u32),
}

/// The findings of a JSON report written by `ztaudit scan --format json`, given its text
/// (`files::load_report` reads the file).
pub fn parse(text: &str) -> Result<Vec<PriorFinding>, ReportError> {
    let saved: SavedReport = read_json(text)?;
    check_version(saved.schema_version)?;
    let mut findings = saved.findings;
    for finding in &mut findings {
        finding.fingerprint = fingerprint(
            &finding.check_id,
            &finding.account,
            &finding.region,
            &finding.resource,
        );
    }
    Ok(findings)
}

/// A saved report's text as `T`, or why it is not a report.
pub(super) fn read_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ReportError> {
    serde_json::from_str(text).map_err(|source| ReportError::Invalid {
        what: if source.is_syntax() || source.is_eof() {
            "is not JSON"
        } else {
            "is not a ztaudit JSON report"
        },
        source,
    })
}

/// Refuses a report of a layout this ztaudit does not read.
pub(super) fn check_version(schema_version: u32) -> Result<(), ReportError> {
    if schema_version == 0 || schema_version > REPORT_SCHEMA_VERSION {
        return Err(ReportError::Version(schema_version));
    }
    Ok(())
}

impl Report {
    /// Marks failing and muted findings new or unchanged against `baseline` (named `file`), and
    /// lists what the baseline had failing that fails no more.
    pub fn compare_with_baseline(&mut self, baseline: &[PriorFinding], file: &str) {
        let known: HashSet<&str> = baseline
            .iter()
            .filter(|f| f.is_failing())
            .map(|f| f.fingerprint.as_str())
            .collect();
        let (mut new, mut unchanged) = (0, 0);
        for reported in &mut self.findings {
            if !matches!(reported.finding.status, Status::Fail | Status::Muted) {
                continue;
            }
            let state = if known.contains(reported.fingerprint.as_str()) {
                unchanged += 1;
                BaselineState::Unchanged
            } else {
                new += 1;
                BaselineState::New
            };
            reported.baseline = Some(state);
        }
        // A finding that is ERROR now is not resolved: its verdict is unknown.
        let not_resolved: HashSet<&str> = self
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.finding.status,
                    Status::Fail | Status::Muted | Status::Error
                )
            })
            .map(|f| f.fingerprint.as_str())
            .collect();
        // Deduplicated by fingerprint, in the baseline's order.
        let resolved: BTreeMap<&str, &PriorFinding> = baseline
            .iter()
            .filter(|f| f.is_failing() && !not_resolved.contains(f.fingerprint.as_str()))
            .map(|f| (f.fingerprint.as_str(), f))
            .collect();
        let mut resolved: Vec<PriorFinding> = resolved.into_values().cloned().collect();
        resolved.sort_by(|a, b| {
            (&a.check_id, &a.region, &a.resource).cmp(&(&b.check_id, &b.region, &b.resource))
        });
        self.baseline = Some(BaselineSummary {
            file: file.to_owned(),
            new,
            unchanged,
            resolved,
        });
    }
}
