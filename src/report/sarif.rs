//! SARIF 2.1.0 for GitHub and GitLab code scanning.
//!
//! One rule per check that ran (title, documentation and remediation as help), one result per
//! failing finding and per muted one (with an external suppression carrying its reason, so code
//! scanning shows it as dismissed). Findings that could not be evaluated are tool execution
//! notifications, and make `executionSuccessful` false: code scanning must not read an
//! incomplete scan as a clean one.
//!
//! Findings not decidable before apply (`ztaudit plan`, status `UNDECIDED`) are results of
//! kind `open` ("the tool could not determine whether the problem is present", SARIF §3.27.9)
//! with level `none`, as the standard requires of a result that is not a failure: code
//! scanning lists them without raising an alert.
//!
//! Cloud resources have no file. The logical location is the resource's ARN; the physical
//! location is a stable pseudo-path (`aws/ACCOUNT/REGION/RESOURCE`), which code scanning needs
//! to accept a result.

use serde_json::{json, Value};
use ztaudit_checks::{CheckMeta, Severity, Status};

use super::{Report, ReportedFinding};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/ztaudit/ztaudit";

pub fn render_sarif(report: &Report) -> String {
    let rules: Vec<Value> = report.checks.iter().map(rule).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.finding.status,
                Status::Fail | Status::Muted | Status::Undecided
            )
        })
        .map(|f| result(report, f))
        .collect();
    let notifications: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.finding.status == Status::Error)
        .map(|f| {
            json!({
                "level": "error",
                "message": { "text": format!("{} could not be evaluated on {}: {}", f.finding.check_id, f.finding.resource, f.finding.message) },
                "associatedRule": { "id": f.finding.check_id, "index": rule_index(report, &f.finding.check_id) },
            })
        })
        .collect();
    let sarif = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ztaudit",
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "automationDetails": { "id": automation_id(report) },
            "invocations": [{
                "executionSuccessful": report.summary.error == 0,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "zeroTrustScore": report.score.overall.score,
            },
        }]
    });
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}

/// Code scanning keeps one analysis per category: one per account.
fn automation_id(report: &Report) -> String {
    match &report.scan {
        Some(scan) => format!("ztaudit/{}/", scan.account),
        None => "ztaudit/policy-lint/".to_owned(),
    }
}

fn rule(meta: &CheckMeta) -> Value {
    let help_text = format!(
        "{}\n\nRemediation (AWS CLI):\n{}\n\nRemediation (Terraform):\n{}",
        meta.title, meta.remediation.cli, meta.remediation.terraform
    );
    let help_markdown = format!(
        "{}\n\n### Remediation\n\nAWS CLI:\n\n```sh\n{}\n```\n\nTerraform:\n\n```hcl\n{}\n```",
        meta.docs.trim(),
        meta.remediation.cli.trim(),
        meta.remediation.terraform.trim()
    );
    json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": { "text": meta.title },
        "fullDescription": { "text": first_paragraph(meta.docs) },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "security-severity": security_severity(meta.severity),
            "precision": "very-high",
            "tags": ["security", "zero-trust", meta.pillar.as_str()],
            "fsbp": meta.fsbp,
            "cis": meta.cis,
        },
    })
}

fn result(report: &Report, reported: &ReportedFinding) -> Value {
    let finding = &reported.finding;
    let mut result = json!({
        "ruleId": finding.check_id,
        "ruleIndex": rule_index(report, &finding.check_id),
        "level": level(finding.severity),
        "message": { "text": format!("{}: {}", finding.resource, finding.message) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": pseudo_path(reported) },
                "region": { "startLine": 1 },
            },
            "logicalLocations": [{
                "fullyQualifiedName": finding.resource,
                "kind": "resource",
            }],
        }],
        "partialFingerprints": { "ztaudit/v1": reported.fingerprint },
        "properties": {
            "severity": finding.severity,
            "pillar": finding.pillar,
            "account": finding.account,
            "region": finding.region,
            "resourceType": finding.resource_type,
        },
    });
    if let Some(account) = report
        .coverage
        .as_ref()
        .and_then(|coverage| coverage.account(&finding.account))
    {
        result["properties"]["accountName"] = json!(account.name);
        result["properties"]["accountOuPath"] = json!(account.ou_path);
    }
    if finding.status == Status::Undecided {
        result["kind"] = json!("open");
        result["level"] = json!("none");
    }
    if let Some(terraform) = &finding.terraform {
        // The Terraform address is the logical location; its type and module go with it.
        result["locations"][0]["logicalLocations"][0]["kind"] = json!("terraformResource");
        result["properties"]["terraformResourceType"] = json!(terraform.resource_type);
        if let Some(source) = &terraform.module_source {
            result["properties"]["terraformModuleSource"] = json!(source);
        }
    }
    if let Some(muted) = &reported.muted_by {
        let mut justification = muted.reason.clone();
        if let Some(owner) = &muted.owner {
            justification.push_str(&format!(" (owner: {owner})"));
        }
        if let Some(expires) = &muted.expires {
            justification.push_str(&format!(" (expires {expires})"));
        }
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": justification,
        }]);
    }
    if let Some(state) = reported.baseline {
        result["baselineState"] = json!(match state {
            super::BaselineState::New => "new",
            super::BaselineState::Unchanged => "unchanged",
        });
    }
    result
}

fn rule_index(report: &Report, check_id: &str) -> i64 {
    report
        .checks
        .iter()
        .position(|meta| meta.id == check_id)
        .map_or(-1, |index| index as i64)
}

/// `aws/123456789012/eu-west-1/security-group/sg-0abc`: a relative URI, one per resource.
fn pseudo_path(reported: &ReportedFinding) -> String {
    let finding = &reported.finding;
    let resource = finding
        .resource
        .strip_prefix("arn:")
        .and_then(|rest| rest.splitn(5, ':').nth(4))
        .unwrap_or(&finding.resource);
    let encode = |part: &str| {
        percent_encoding::utf8_percent_encode(part, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-")
            .replace("%2E", ".")
            .replace("%5F", "_")
    };
    let account = if finding.account.is_empty() {
        "policy"
    } else {
        &finding.account
    };
    let path: Vec<String> = resource.split('/').map(encode).collect();
    format!(
        "aws/{}/{}/{}",
        encode(account),
        encode(&finding.region),
        path.join("/")
    )
}

/// critical and high are errors, medium a warning, low and info notes.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's scale: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The first paragraph of a check's documentation, after its heading.
fn first_paragraph(docs: &str) -> String {
    docs.split("\n\n")
        .map(str::trim)
        .find(|paragraph| !paragraph.is_empty() && !paragraph.starts_with('#'))
        .unwrap_or(docs)
        .replace('\n', " ")
}
