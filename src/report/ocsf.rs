//! OCSF 1.1.0 Detection Finding (class 2004) records, one per finding, as a JSON array: the
//! shape Prowler writes and Amazon Security Lake ingests.
//!
//! `status_code` carries ztaudit's status; `status_id` maps it onto OCSF's finding states
//! (FAIL New, MUTED Suppressed, PASS and NOT_APPLICABLE Resolved, ERROR Other).

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ztaudit_checks::{Severity, Status};

use super::{Report, ReportedFinding};

const OCSF_VERSION: &str = "1.1.0";

pub fn render_ocsf(report: &Report) -> String {
    let time = report
        .scan
        .as_ref()
        .and_then(|scan| OffsetDateTime::parse(&scan.finished_at, &Rfc3339).ok())
        .unwrap_or_else(OffsetDateTime::now_utc);
    let time_ms = (time.unix_timestamp_nanos() / 1_000_000) as i64;
    let records: Vec<Value> = report
        .findings
        .iter()
        .map(|reported| record(report, reported, time_ms))
        .collect();
    let mut text = serde_json::to_string_pretty(&records).unwrap_or_default();
    text.push('\n');
    text
}

fn record(report: &Report, reported: &ReportedFinding, time_ms: i64) -> Value {
    let finding = &reported.finding;
    let meta = report.check(&finding.check_id);
    let (severity_id, severity) = severity_of(finding.severity);
    let (status_id, status) = match finding.status {
        Status::Fail => (1, "New"),
        Status::Muted => (3, "Suppressed"),
        Status::Pass | Status::NotApplicable => (4, "Resolved"),
        Status::Error | Status::Undecided => (99, "Other"),
    };
    let partition = report
        .scan
        .as_ref()
        .map_or("aws", |scan| scan.partition.as_str());
    let mut record = json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "status_code": finding.status.as_str(),
        "status_detail": finding.message,
        "message": finding.message,
        "time": time_ms,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "ztaudit",
                "vendor_name": "ztaudit",
                "version": report.tool.version,
                "uid": "ztaudit",
            },
            "event_code": finding.check_id,
            "uid": reported.fingerprint,
            "profiles": ["cloud"],
        },
        "finding_info": {
            "uid": reported.fingerprint,
            "title": meta.map_or(finding.check_id.as_ref(), |m| m.title),
            "desc": meta.map_or("", |m| m.title),
            "types": [finding.pillar.as_str()],
            "created_time": time_ms,
        },
        "resources": [{
            "uid": finding.resource,
            "type": finding.resource_type,
            "region": finding.region,
            "cloud_partition": partition,
        }],
        "cloud": {
            "provider": "AWS",
            "region": finding.region,
            "account": account_object(report, &finding.account),
        },
        "remediation": {
            "desc": meta.map_or("", |m| m.remediation.cli),
        },
        "unmapped": {
            "check_name": meta.map_or("", |m| m.name),
            "pillar": finding.pillar.as_str(),
            "compliance": {
                "AWS-Foundational-Security-Best-Practices": finding.compliance.fsbp,
                "CIS-3.0": finding.compliance.cis,
            },
        },
    });
    if let Some(muted) = &reported.muted_by {
        record["unmapped"]["muted_reason"] = json!(muted.reason);
    }
    record
}

fn severity_of(severity: Severity) -> (u8, &'static str) {
    match severity {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// OCSF's Account object; with its name and OU path when the report covers several accounts.
fn account_object(report: &Report, id: &str) -> Value {
    let mut account = json!({
        "uid": id,
        "type_id": 10,
        "type": "AWS Account",
    });
    if let Some(covered) = report.coverage.as_ref().and_then(|c| c.account(id)) {
        account["name"] = json!(covered.name);
        account["labels"] = json!(covered.ou_path.iter().collect::<Vec<_>>());
    }
    account
}
