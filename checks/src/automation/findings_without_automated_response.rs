use super::shared::{Responder, TargetArn, TargetKind, CONTAINMENT_ACTIONS};
use crate::declare_check;
use crate::event_pattern::{matches, KnownEvent, PatternMatch};
use crate::identity::shared::{
    boundary_document, bounded_permission, first_few, permission, role_documents, Permission,
};
use crate::snapshot::{arn_account, Collected, EventRule, EventTarget};
use crate::{CallError, CheckConfig, ErrorKind, Findings, Snapshot};

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
    /// A matching rule answers only if it is enabled and one of its targets can act:
    /// - a Lambda function must exist (`lambda:ListFunctions`; an alias or version qualifier
    ///   is not checked), and its execution role must be allowed at least one containment
    ///   action — deactivating or deleting access keys, removing a console password,
    ///   attaching, putting or detaching a policy on a user or role, revoking security-group
    ///   rules, changing an instance's or interface's groups, stopping an instance;
    /// - an SSM Automation must exist (`ssm:DescribeDocument`) and its role — the target
    ///   input's `AutomationAssumeRole`, else the role EventBridge starts it with — must be
    ///   allowed the same;
    /// - a Step Functions state machine, SNS topic or SQS queue must exist
    ///   (`states:ListStateMachines`, `sns:ListTopics`, `sqs:ListQueues`).
    /// The role is judged by the policy engine on its inline and attached managed policies,
    /// for a request on every resource of the action's type (`arn:…:iam::ACCOUNT:user/*`),
    /// so a role allowed to deactivate only `${aws:username}`'s keys contains no one. A
    /// condition on a key the scan does not know (source IP, tags…) leaves it undecided.
    /// - PASS: such a rule is enabled and a target can act; the message names it and, for a
    ///   role, the containment actions it may call.
    /// - FAIL: there is none; the message names each matching rule that is disabled, has no
    ///   target, targets what does not exist, or runs with a role that cannot contain.
    /// - UNDECIDED (`ztaudit plan`): no rule passes, none is unread, and a target's verdict
    ///   hangs on what the plan does not declare (a target outside the plan).
    /// - ERROR: the rules could not be listed, or no rule passes and something a verdict
    ///   needs could not be read: a rule's targets, the functions, lists or documents, the
    ///   IAM authorization details; a target of another kind (an event bus, a log group) or
    ///   in another account or an unscanned region, whose existence is not verified; a role
    ///   allowed only under a condition the scan cannot resolve.
    ///
    /// ## References
    /// - CISA Zero Trust Maturity Model v2.0, Automation and Orchestration
    /// - <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html>
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-integration-types.html>
    /// - <https://docs.aws.amazon.com/guardduty/latest/ug/compromised-creds.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-event-bridge.html>
    /// - AWS Security Incident Response Guide, "Containment"
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
        // What a Terraform plan does not declare (a target outside it): undecided, not unread.
        let mut not_in_plan = Vec::new();
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
                    let mut acting = Vec::new();
                    for target in targets {
                        match judge_target(snapshot, region, target) {
                            TargetVerdict::Acts(how) => acting.push(how),
                            TargetVerdict::Falls(why) => {
                                shortfalls.push(format!("rule {} {why}", rule.name));
                            }
                            TargetVerdict::Unknown(why) => {
                                unknown.push(format!("rule {}: {why}", rule.name));
                            }
                            TargetVerdict::NotInPlan(why) => {
                                not_in_plan.push(format!("rule {}: {why}", rule.name));
                            }
                        }
                    }
                    if !acting.is_empty() {
                        responding = Some((rule, what, filters, acting));
                        break;
                    }
                }
                Collected::Error(error) if error.kind == ErrorKind::NotInPlan => {
                    not_in_plan.push(format!("rule {}: {error}", rule.name));
                }
                Collected::Error(error) => unknown.push(format!("rule {}: {error}", rule.name)),
            }
        }
        if let Some((rule, what, filters, acting)) = responding {
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
                    acting.join(", ")
                ),
            );
        } else if !unknown.is_empty() {
            out.unevaluable(resource, unknown.join("; "));
        } else if !not_in_plan.is_empty() {
            out.undecided(resource, format!("depends on {}", not_in_plan.join("; ")));
        } else if shortfalls.is_empty() {
            out.fail(
                resource,
                format!("no EventBridge rule in {region} routes GuardDuty or Security Hub findings to a target"),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "no enabled EventBridge rule in {region} routes findings to a target that can act: {}",
                    shortfalls.join("; ")
                ),
            );
        }
    }
}

/// What one target of a matching, enabled rule does with a finding.
enum TargetVerdict {
    /// It exists and (for code that runs with a role) may contain: how, for the message.
    Acts(String),
    /// It cannot respond: why, after "rule NAME".
    Falls(String),
    /// The scan cannot tell: why.
    Unknown(String),
    /// It hangs on what a Terraform plan does not declare (`ztaudit plan`): what.
    NotInPlan(String),
}

/// The verdict on a target whose data `error` kept from being read.
fn unread(error: &CallError) -> TargetVerdict {
    if error.kind == ErrorKind::NotInPlan {
        TargetVerdict::NotInPlan(error.to_string())
    } else {
        TargetVerdict::Unknown(error.to_string())
    }
}

/// Judges one target: it must exist in the snapshot's data of its region, and a Lambda
/// function or an SSM Automation must run with a role allowed some containment action.
fn judge_target(snapshot: &Snapshot, rule_region: &str, target: &EventTarget) -> TargetVerdict {
    let Some(parsed) = TargetArn::parse(&target.arn) else {
        return TargetVerdict::Unknown(format!(
            "target {} is not an ARN ztaudit reads",
            target.arn
        ));
    };
    if parsed.account != snapshot.account {
        return TargetVerdict::Unknown(format!(
            "target {} is in account {}, which this scan does not read",
            target.arn, parsed.account
        ));
    }
    let region = if parsed.region.is_empty() {
        rule_region
    } else {
        parsed.region
    };
    let Some(data) = snapshot.regions.get(region) else {
        return TargetVerdict::Unknown(format!(
            "target {} is in region {region}, which was not scanned",
            target.arn
        ));
    };
    let listed = |arns: &Collected<Vec<String>>, what: &str| match arns {
        Collected::Ok(arns) if arns.contains(&target.arn) => {
            TargetVerdict::Acts(target.arn.clone())
        }
        Collected::Ok(_) => TargetVerdict::Falls(format!(
            "targets {what} {}, which does not exist",
            target.arn
        )),
        Collected::Error(error) => unread(error),
    };
    match parsed.kind {
        TargetKind::StateMachine => listed(&data.stepfunctions.state_machines, "state machine"),
        TargetKind::SnsTopic => listed(&data.sns.topics, "SNS topic"),
        TargetKind::SqsQueue => listed(&data.sqs.queues, "SQS queue"),
        TargetKind::Lambda { name } => {
            let functions = match &data.lambda.functions {
                Collected::Ok(functions) => functions,
                Collected::Error(error) => return unread(error),
            };
            match functions.iter().find(|function| function.name == name) {
                None => {
                    TargetVerdict::Falls(format!("targets lambda {name}, which does not exist"))
                }
                Some(function) => judge_role(
                    snapshot,
                    &format!("lambda {name}"),
                    &responder(snapshot, region, &function.role),
                ),
            }
        }
        TargetKind::SsmAutomation { document } => {
            let label = format!("SSM Automation {document}");
            match &target.automation_document {
                Some(Collected::Ok(true)) => {}
                Some(Collected::Ok(false)) => {
                    return TargetVerdict::Falls(format!("targets {label}, which does not exist"))
                }
                Some(Collected::Error(error)) => return unread(error),
                None => return TargetVerdict::Unknown(CallError::not_collected().to_string()),
            }
            match target
                .automation_assume_role
                .as_deref()
                .or(target.role_arn.as_deref())
            {
                Some(role) => judge_role(snapshot, &label, &responder(snapshot, region, role)),
                None => TargetVerdict::Falls(format!(
                    "targets {label} with no role to start it (the target has no RoleArn)"
                )),
            }
        }
        TargetKind::Other { service } => TargetVerdict::Unknown(format!(
            "target {} is a {service} resource, whose existence ztaudit does not verify (it \
             verifies Lambda, Step Functions, SNS, SQS and SSM Automation targets)",
            target.arn
        )),
    }
}

/// The role `role_arn` of the scanned account, acting in `region`.
fn responder<'a>(snapshot: &'a Snapshot, region: &'a str, role_arn: &'a str) -> Responder<'a> {
    Responder {
        partition: &snapshot.partition,
        account: &snapshot.account,
        region,
        role_arn,
    }
}

/// Whether the role a response runs as (`who`'s) may call some containment action.
fn judge_role(snapshot: &Snapshot, who: &str, responder: &Responder<'_>) -> TargetVerdict {
    let authorization = match &snapshot.global.iam.authorization {
        Collected::Ok(authorization) => authorization,
        Collected::Error(error) => return unread(error),
    };
    let Some(role) = authorization
        .roles
        .iter()
        .find(|role| role.arn == responder.role_arn)
    else {
        return if arn_account(responder.role_arn) == Some(snapshot.account.as_str()) {
            TargetVerdict::Falls(format!(
                "targets {who}, whose role {} does not exist",
                responder.role_arn
            ))
        } else {
            TargetVerdict::Unknown(format!(
                "{who} runs as {}, a role of another account",
                responder.role_arn
            ))
        };
    };
    let documents = match role_documents(authorization, role) {
        Ok(documents) => documents,
        Err(reason) => return TargetVerdict::Unknown(reason),
    };
    // A boundary only takes away: unread, it matters only if the identity policies allow some
    // containment action.
    let boundary = match boundary_document(authorization, &role.permissions_boundary) {
        Ok(boundary) => boundary,
        Err(reason) => {
            let identity_may_act = CONTAINMENT_ACTIONS.iter().any(|containment| {
                !matches!(
                    permission(&documents, &containment.request(responder)),
                    Permission::Denied { .. }
                )
            });
            if identity_may_act {
                return TargetVerdict::Unknown(format!("{who}'s role {}: {reason}", role.name));
            }
            None
        }
    };
    let mut allowed = Vec::new();
    let mut conditional = Vec::new();
    for containment in CONTAINMENT_ACTIONS {
        match bounded_permission(
            &documents,
            boundary.as_ref(),
            &containment.request(responder),
        ) {
            Permission::Allowed { .. } => allowed.push(containment.action),
            Permission::Conditional { keys } => {
                conditional.push(format!(
                    "{} (condition on {})",
                    containment.action,
                    keys.join(", ")
                ));
            }
            Permission::Denied { .. } => {}
        }
    }
    if !allowed.is_empty() {
        return TargetVerdict::Acts(format!(
            "{who}, whose role {} can call {}",
            role.name,
            first_few(&allowed)
        ));
    }
    if !conditional.is_empty() {
        let conditional: Vec<&str> = conditional.iter().map(String::as_str).collect();
        return TargetVerdict::Unknown(format!(
            "{who}'s role {} can call {} only under a condition the scan cannot resolve",
            role.name,
            first_few(&conditional)
        ));
    }
    let actions: Vec<&str> = CONTAINMENT_ACTIONS.iter().map(|c| c.action).collect();
    let within = boundary.map_or(String::new(), |(label, _)| {
        format!(" within its permissions boundary, {label}")
    });
    TargetVerdict::Falls(format!(
        "targets {who}, whose role {} cannot call {} (no containment action is allowed{within})",
        role.name,
        first_few(&actions)
    ))
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
