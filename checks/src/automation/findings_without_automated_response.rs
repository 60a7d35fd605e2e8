use crate::declare_check;
use crate::event_pattern::{matches, KnownEvent, PatternMatch};
use crate::snapshot::{Collected, EventRule};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that every scanned region has an enabled EventBridge rule that routes GuardDuty
    /// findings or Security Hub findings to at least one target — a Lambda function, a Step
    /// Functions state machine, an SNS topic, an SQS queue…
    ///
    /// ## Why is this bad?
    /// Detection without response only records the breach. Zero Trust's automation pillar asks
    /// that a finding start something — isolate the instance, disable the key, page the
    /// on-call — within seconds, whatever the hour. GuardDuty and Security Hub deliver their
    /// findings only as events on the region's default bus; with no rule there, each finding
    /// waits for someone to open a console.
    ///
    /// ## How it is evaluated
    /// One result per scanned region, from `ListRules` on the default event bus and
    /// `ListTargetsByRule`. A rule's event pattern is parsed as EventBridge does: lists of
    /// values, `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `exists`
    /// and `$or`; it must let through events with `source` `aws.guardduty` and `detail-type`
    /// `GuardDuty Finding`, or `source` `aws.securityhub` and `detail-type`
    /// `Security Hub Findings - Imported`, in the region's account and region. A rule that
    /// also filters on `detail` (say, high severity only) counts, and the message says so.
    /// - PASS: such a rule is enabled and has a target.
    /// - FAIL: there is none; the message names matching rules that are disabled or have no
    ///   target.
    /// - ERROR: the rules could not be listed, or no rule passes and the targets of a matching
    ///   enabled rule could not be read.
    ///
    /// ## References
    /// - CISA Zero Trust Maturity Model v2.0, Automation and Orchestration
    /// - <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html>
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-integration-types.html>
    pub FindingsWithoutAutomatedResponse {
        id: "ZT701",
        name: "findings-without-automated-response",
        title: "No automated response to GuardDuty or Security Hub findings",
        severity: Medium,
        pillar: AutomationOrchestration,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws events put-rule --name guardduty-findings --event-pattern '{\"source\":[\"aws.guardduty\"],\"detail-type\":[\"GuardDuty Finding\"]}' --region REGION\naws events put-targets --rule guardduty-findings --targets Id=respond,Arn=LAMBDA_OR_SNS_ARN --region REGION",
        remediation_terraform: "resource \"aws_cloudwatch_event_rule\" \"guardduty_findings\" {\n  name = \"guardduty-findings\"\n  event_pattern = jsonencode({\n    source        = [\"aws.guardduty\"]\n    \"detail-type\" = [\"GuardDuty Finding\"]\n  })\n}\n\nresource \"aws_cloudwatch_event_target\" \"respond\" {\n  rule = aws_cloudwatch_event_rule.guardduty_findings.name\n  arn  = aws_lambda_function.respond.arn\n}",
        run: evaluate,
    }
}

/// The finding events a rule may answer, with the name messages use for them.
const FINDING_EVENTS: [(&str, &str, &str); 2] = [
    ("GuardDuty findings", "aws.guardduty", "GuardDuty Finding"),
    (
        "Security Hub findings",
        "aws.securityhub",
        "Security Hub Findings - Imported",
    ),
];

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(rules) = out.require("events", region, &data.events.rules) else {
            continue;
        };
        let resource = out.account_resource("events", region);
        let mut shortfalls = Vec::new();
        let mut unknown = Vec::new();
        let mut responding = None;
        for rule in rules {
            let Some((what, filters)) = finding_events(rule, &snapshot.account, region) else {
                continue;
            };
            if !rule.state.starts_with("ENABLED") {
                shortfalls.push(format!("rule {} matches {what} but is disabled", rule.name));
                continue;
            }
            match &rule.targets {
                Collected::Ok(targets) if targets.is_empty() => {
                    shortfalls.push(format!(
                        "rule {} matches {what} but has no target",
                        rule.name
                    ));
                }
                Collected::Ok(targets) => {
                    responding = Some((rule, what, filters, targets));
                    break;
                }
                Collected::Error(error) => unknown.push(format!("rule {}: {error}", rule.name)),
            }
        }
        if let Some((rule, what, filters, targets)) = responding {
            let arns: Vec<&str> = targets.iter().map(|t| t.arn.as_str()).collect();
            let only = if filters.is_empty() {
                String::new()
            } else {
                format!(
                    " (only those matching its filter on {})",
                    filters.join(", ")
                )
            };
            out.pass(
                resource,
                format!(
                    "rule {} sends {what}{only} to {}",
                    rule.name,
                    arns.join(", ")
                ),
            );
        } else if !unknown.is_empty() {
            out.unevaluable(resource, unknown.join("; "));
        } else if shortfalls.is_empty() {
            out.fail(
                resource,
                format!("no EventBridge rule in {region} routes GuardDuty or Security Hub findings to a target"),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "no enabled EventBridge rule in {region} routes findings to a target: {}",
                    shortfalls.join("; ")
                ),
            );
        }
    }
}

/// Which findings the rule's pattern lets through (the widest), and the fields it also
/// filters on; `None` when it matches neither kind.
fn finding_events(
    rule: &EventRule,
    account: &str,
    region: &str,
) -> Option<(&'static str, Vec<String>)> {
    let pattern = rule.event_pattern.as_deref()?;
    let mut best: Option<(&'static str, Vec<String>)> = None;
    for (what, source, detail_type) in FINDING_EVENTS {
        let event = KnownEvent {
            source,
            detail_type,
            account,
            region,
        };
        match matches(pattern, &event) {
            PatternMatch::All => return Some((what, Vec::new())),
            PatternMatch::Filtered(fields) if best.is_none() => best = Some((what, fields)),
            _ => {}
        }
    }
    best
}
