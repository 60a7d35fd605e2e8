//! EventBridge: rules of the default event bus, their targets, and what the targets are
//! (ZT701).
//!
//! - `aws_cloudwatch_event_rule` on the default bus (`event_bus_name` unset or `default`):
//!   `event_pattern` as planned; `state` (`ENABLED` unless set), else the older `is_enabled`.
//! - `aws_cloudwatch_event_target`: a target of the rule its `rule` names (by name in the same
//!   region, or by `configuration` reference); `arn` as planned, else that of the Lambda
//!   function, SNS topic, SQS queue or Step Functions state machine it references; `role_arn`
//!   likewise, and for an SSM Automation the `AutomationAssumeRole` of its constant `input`.
//!   A target of a rule the plan does not declare is left out: that rule's pattern is not in
//!   the plan.
//! - The targets: `aws_lambda_function` (its `role` joined to the planned `aws_iam_role`, whose
//!   policies [`crate::iam`] maps), `aws_sns_topic`, `aws_sqs_queue`, `aws_sfn_state_machine`,
//!   and `aws_ssm_document` for SSM Automation targets.
//!
//! **On part of the account.** A plan holds only some of the account's rules, so a region
//! where no planned rule routes findings is not the plan's FAIL: ZT701 there is
//! NOT_APPLICABLE, as on a region where the plan declares no rule (ZT701's account finding is
//! answered only by planned rules whose pattern matches findings, see [`crate::verdict`]). A
//! planned rule that routes findings to a target the plan shows cannot act (disabled, no
//! target, a function whose planned role may not contain) is a FAIL: its defect is in the
//! plan. A target outside the plan (an ARN no planned resource has, a function whose role or
//! its policies the plan does not declare) makes the data of its kind in its region "not
//! declared in the plan", and ZT701 UNDECIDED unless another target acts: never a PASS on
//! faith, never a FAIL. A target in another account than the plan's is judged as a live scan
//! judges it (not read: ERROR), also when the plan does not say its account.
//! - Unknown: an `event_pattern` known only after apply matches GuardDuty findings at best and
//!   nothing at worst; an unknown `state` is enabled at best and disabled at worst; a target
//!   whose ARN only apply decides makes the rule's targets not declared in the plan.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use ztaudit_checks::event_pattern::{matches, KnownEvent, PatternMatch};
use ztaudit_checks::snapshot::{Account, AwsResource, EventRule, EventTarget, LambdaFunction};
use ztaudit_checks::{CallError, Collected};

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::Known;

const RULE: &str = "aws_cloudwatch_event_rule";
const LAMBDA: &str = "aws_lambda_function";
const SNS: &str = "aws_sns_topic";
const SQS: &str = "aws_sqs_queue";
const STATE_MACHINE: &str = "aws_sfn_state_machine";

/// The pattern an unknown `event_pattern` stands for at best.
const GUARDDUTY_PATTERN: &str =
    r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}"#;

/// The finding events ZT701 asks a rule to route.
const FINDING_EVENTS: [(&str, &str); 2] = [
    ("aws.guardduty", "GuardDuty Finding"),
    ("aws.securityhub", "Security Hub Findings - Imported"),
];

/// What a target can be, with the kinds' lists of each region.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Lambda,
    Sns,
    Sqs,
    StateMachine,
}

impl Kind {
    fn of_type(resource_type: &str) -> Option<Kind> {
        Some(match resource_type {
            LAMBDA => Kind::Lambda,
            SNS => Kind::Sns,
            SQS => Kind::Sqs,
            STATE_MACHINE => Kind::StateMachine,
            _ => return None,
        })
    }

    /// The kind of a target ARN, and the region it names.
    fn of_arn(arn: &str) -> Option<(Kind, &str)> {
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let (service, region) = (*parts.get(2)?, *parts.get(3)?);
        let kind = match service {
            "lambda" => Kind::Lambda,
            "sns" => Kind::Sns,
            "sqs" => Kind::Sqs,
            "states" => Kind::StateMachine,
            _ => return None,
        };
        Some((kind, region))
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Lambda => "Lambda function",
            Kind::Sns => "SNS topic",
            Kind::Sqs => "SQS queue",
            Kind::StateMachine => "Step Functions state machine",
        }
    }
}

pub fn map(m: &mut Mapping<'_>) {
    let declared: Vec<&Planned<'_>> = m.of_type(RULE).collect();
    if declared.is_empty() {
        return;
    }
    // Rules by region, with their declarations.
    let mut rules: BTreeMap<String, Vec<(&Planned<'_>, EventRule)>> = BTreeMap::new();
    for planned in declared {
        match planned.values.get("event_bus_name").str() {
            Known::Value(None | Some("default")) => {}
            Known::Value(Some(bus)) if bus.ends_with(":event-bus/default") => {}
            Known::Value(Some(_)) => continue,
            Known::Unknown => {
                m.unknown(planned, "event_bus_name");
                if m.case == crate::Case::Worst {
                    continue;
                }
            }
        }
        let rule = rule(m, planned);
        rules
            .entry(planned.region.to_owned())
            .or_default()
            .push((planned, rule));
    }

    // The planned targets, by kind, region and ARN, with their declarations.
    let mut planned_targets: BTreeMap<(Kind, String), HashMap<String, &Planned<'_>>> =
        BTreeMap::new();
    let mut arn_of_address: HashMap<&str, String> = HashMap::new();
    for resource_type in [LAMBDA, SNS, SQS, STATE_MACHINE] {
        let declared: Vec<&Planned<'_>> = m.of_type(resource_type).collect();
        for planned in declared {
            let Some(kind) = Kind::of_type(resource_type) else {
                continue;
            };
            let arn = target_arn(m, planned, kind);
            arn_of_address.insert(planned.address, arn.clone());
            planned_targets
                .entry((kind, planned.region.to_owned()))
                .or_default()
                .insert(arn, planned);
        }
    }
    let documents: Vec<&str> = m
        .of_type("aws_ssm_document")
        .filter_map(|planned| planned.known_str("name"))
        .collect();

    // Each target joined to its rule.
    let mut targets_of: HashMap<String, Collected<Vec<EventTarget>>> = HashMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_cloudwatch_event_target").collect();
    for planned in declared {
        let Some(rule_arn) = rule_of(m, planned, &rules) else {
            continue;
        };
        let entry = targets_of
            .entry(rule_arn)
            .or_insert_with(|| Collected::Ok(Vec::new()));
        let arn = planned.known_str("arn").map(str::to_owned).or_else(|| {
            match m
                .referenced(planned, "arn", &[LAMBDA, SNS, SQS, STATE_MACHINE])
                .as_slice()
            {
                [one] => arn_of_address.get(one.address).cloned(),
                _ => None,
            }
        });
        let Some(arn) = arn else {
            m.unknown(planned, "arn");
            *entry = Collected::Error(CallError::not_in_plan(
                "events",
                format!(
                    "the target {}, whose ARN only apply decides",
                    planned.address
                ),
            ));
            continue;
        };
        let role_arn = planned
            .known_str("role_arn")
            .map(str::to_owned)
            .or_else(|| {
                match m
                    .referenced(planned, "role_arn", &["aws_iam_role"])
                    .as_slice()
                {
                    [role] => Some(crate::iam::role_arn(m, role)),
                    _ => None,
                }
            });
        let automation_document =
            arn.split_once(":automation-definition/")
                .map(|(_, definition)| {
                    let name = definition.split(':').next().unwrap_or(definition);
                    if documents.contains(&name) {
                        Collected::Ok(true)
                    } else {
                        Collected::Error(CallError::not_in_plan(
                            "ssm",
                            format!("SSM document {name}, which the plan does not declare"),
                        ))
                    }
                });
        let target = EventTarget {
            id: planned
                .known_str("target_id")
                .unwrap_or(planned.address)
                .to_owned(),
            arn,
            role_arn,
            automation_assume_role: planned.known_str("input").and_then(automation_assume_role),
            automation_document,
        };
        if let Collected::Ok(list) = entry {
            list.push(target);
        }
    }

    // The lists of each kind, and what the plan's rules target outside them.
    let mut outside: BTreeMap<(Kind, String), Vec<String>> = BTreeMap::new();
    for (region, list) in &rules {
        for (_, rule) in list {
            let Some(Collected::Ok(targets)) = targets_of.get(&rule.arn) else {
                continue;
            };
            for target in targets {
                let Some((kind, arn_region)) = Kind::of_arn(&target.arn) else {
                    continue;
                };
                let at = if arn_region.is_empty() {
                    region.clone()
                } else {
                    arn_region.to_owned()
                };
                let planned = planned_targets
                    .get(&(kind, at.clone()))
                    .and_then(|by_arn| by_arn.get(&target.arn).copied());
                let why = match planned {
                    None => Some(format!(
                        "{} {}, which the plan does not declare",
                        kind.label(),
                        target.arn
                    )),
                    Some(function) if kind == Kind::Lambda => role_outside(m, function),
                    Some(_) => None,
                };
                if let Some(why) = why {
                    outside.entry((kind, at)).or_default().push(why);
                }
            }
        }
    }
    let mut listed: BTreeMap<(Kind, String), Vec<&Planned<'_>>> = BTreeMap::new();
    for (key, by_arn) in &planned_targets {
        listed.insert(key.clone(), by_arn.values().copied().collect());
    }
    for key in outside.keys() {
        listed.entry(key.clone()).or_default();
    }
    for ((kind, region), mut declared) in listed {
        declared.sort_by_key(|planned| planned.address);
        let data = m.region(&region);
        if let Some(why) = outside.get(&(kind, region.clone())) {
            let error = CallError::not_in_plan(kind_service(kind), why.join("; "));
            match kind {
                Kind::Lambda => data.lambda.functions = Collected::Error(error),
                Kind::Sns => data.sns.topics = Collected::Error(error),
                Kind::Sqs => data.sqs.queues = Collected::Error(error),
                Kind::StateMachine => data.stepfunctions.state_machines = Collected::Error(error),
            }
            continue;
        }
        let arns: Vec<String> = planned_targets
            .get(&(kind, region.clone()))
            .map(|by_arn| {
                let mut arns: Vec<String> = by_arn.keys().cloned().collect();
                arns.sort();
                arns
            })
            .unwrap_or_default();
        match kind {
            Kind::Lambda => {
                let mut functions = Vec::new();
                for planned in declared {
                    functions.push(LambdaFunction {
                        name: function_name(planned).to_owned(),
                        arn: target_arn(m, planned, kind),
                        role: function_role(m, planned).unwrap_or_default(),
                    });
                }
                m.region(&region).lambda.functions = Collected::Ok(functions);
            }
            Kind::Sns => m.region(&region).sns.topics = Collected::Ok(arns),
            Kind::Sqs => m.region(&region).sqs.queues = Collected::Ok(arns),
            Kind::StateMachine => {
                m.region(&region).stepfunctions.state_machines = Collected::Ok(arns);
            }
        }
    }

    // The rules, with their targets; those that route findings answer for ZT701 in their
    // region.
    let account = m.snapshot.account.clone();
    for (region, list) in rules {
        let mut mapped = Vec::new();
        for (planned, mut rule) in list {
            rule.targets = targets_of
                .remove(&rule.arn)
                .unwrap_or(Collected::Ok(Vec::new()));
            if routes_findings(&rule, &account, &region) {
                let id = Account { service: "events" }.arn(m.scope(&region));
                m.register_id(planned, id);
            }
            mapped.push(rule);
        }
        mapped.sort_by(|a, b| a.name.cmp(&b.name));
        m.region(&region).events.rules = Collected::Ok(mapped);
    }
}

fn kind_service(kind: Kind) -> &'static str {
    match kind {
        Kind::Lambda => "lambda",
        Kind::Sns => "sns",
        Kind::Sqs => "sqs",
        Kind::StateMachine => "states",
    }
}

/// A rule as `ListRules` will list it, without its targets yet.
fn rule(m: &mut Mapping<'_>, planned: &Planned<'_>) -> EventRule {
    let name = planned
        .known_str("name")
        .unwrap_or(planned.address)
        .to_owned();
    let arn = m.arn_of(planned, "events", planned.region, &format!("rule/{name}"));
    let state = match planned.values.get("state").str() {
        Known::Value(Some(state)) => state.to_owned(),
        Known::Value(None) => {
            let enabled = m.resolve_bool(
                planned,
                "is_enabled",
                planned.values.get("is_enabled"),
                true,
                true,
                false,
            );
            if enabled { "ENABLED" } else { "DISABLED" }.to_owned()
        }
        Known::Unknown => {
            m.unknown(planned, "state");
            m.case.pick("ENABLED", "DISABLED").to_owned()
        }
    };
    let event_pattern = match planned.values.get("event_pattern").str() {
        Known::Value(pattern) => pattern.map(str::to_owned),
        Known::Unknown => {
            m.unknown(planned, "event_pattern");
            m.case.pick(Some(GUARDDUTY_PATTERN.to_owned()), None)
        }
    };
    EventRule {
        name,
        arn,
        state,
        event_pattern,
        managed_by: None,
        targets: Collected::Ok(Vec::new()),
    }
}

/// The ARN of the planned rule a target belongs to: by its `rule` name in the same region,
/// else by reference.
fn rule_of(
    m: &Mapping<'_>,
    target: &Planned<'_>,
    rules: &BTreeMap<String, Vec<(&Planned<'_>, EventRule)>>,
) -> Option<String> {
    let in_region = rules.get(target.region)?;
    if let Some(name) = target.known_str("rule") {
        return in_region
            .iter()
            .find(|(_, rule)| rule.name == name || rule.arn == name)
            .map(|(_, rule)| rule.arn.clone());
    }
    let [one] = m.referenced(target, "rule", &[RULE])[..] else {
        return None;
    };
    in_region
        .iter()
        .find(|(planned, _)| planned.address == one.address)
        .map(|(_, rule)| rule.arn.clone())
}

/// Whether the rule's pattern lets GuardDuty or Security Hub findings of its region through,
/// as ZT701 reads it.
fn routes_findings(rule: &EventRule, account: &str, region: &str) -> bool {
    let Some(pattern) = rule.event_pattern.as_deref() else {
        return false;
    };
    FINDING_EVENTS.iter().any(|(source, detail_type)| {
        let event = KnownEvent {
            source,
            detail_type,
            account,
            region,
        };
        !matches!(matches(pattern, &event), PatternMatch::No)
    })
}

fn function_name<'p>(planned: &Planned<'p>) -> &'p str {
    planned
        .known_str("function_name")
        .unwrap_or(planned.address)
}

/// The ARN a target resource has, or will be given.
fn target_arn(m: &Mapping<'_>, planned: &Planned<'_>, kind: Kind) -> String {
    let name = || {
        planned
            .known_str("name")
            .unwrap_or(planned.address)
            .to_owned()
    };
    let region = planned.region;
    match kind {
        Kind::Lambda => m.arn_of(
            planned,
            "lambda",
            region,
            &format!("function:{}", function_name(planned)),
        ),
        Kind::Sns => m.arn_of(planned, "sns", region, &name()),
        Kind::Sqs => m.arn_of(planned, "sqs", region, &name()),
        Kind::StateMachine => m.arn_of(
            planned,
            "states",
            region,
            &format!("stateMachine:{}", name()),
        ),
    }
}

/// The execution role of a planned function: its known ARN, or the planned role's.
fn function_role(m: &Mapping<'_>, planned: &Planned<'_>) -> Option<String> {
    if let Some(role) = planned.known_str("role") {
        return Some(role.to_owned());
    }
    match m.referenced(planned, "role", &["aws_iam_role"]).as_slice() {
        [role] => Some(crate::iam::role_arn(m, role)),
        _ => None,
    }
}

/// Why a planned function's role is outside the plan: not a planned role, or one with a policy
/// or boundary the plan does not declare. `None` when the plan holds all of it.
fn role_outside(m: &Mapping<'_>, function: &Planned<'_>) -> Option<String> {
    let name = function_name(function);
    let Some(role_arn) = function_role(m, function) else {
        return Some(format!(
            "the role of lambda {name}, which only apply decides"
        ));
    };
    let Collected::Ok(authorization) = &m.snapshot.global.iam.authorization else {
        return Some(format!(
            "lambda {name}'s role {role_arn}, which the plan does not declare"
        ));
    };
    let Some(role) = authorization.roles.iter().find(|r| r.arn == role_arn) else {
        return Some(format!(
            "lambda {name}'s role {role_arn}, which the plan does not declare"
        ));
    };
    let declared = |arn: &str| authorization.policies.iter().any(|p| p.arn == arn);
    if let Some(policy) = role.attached_policies.iter().find(|arn| !declared(arn)) {
        return Some(format!(
            "policy {policy} of lambda {name}'s role {}, which the plan does not declare",
            role.name
        ));
    }
    match &role.permissions_boundary {
        Collected::Ok(Some(boundary)) if !declared(boundary) => Some(format!(
            "the permissions boundary {boundary} of lambda {name}'s role {}, which the plan does not declare",
            role.name
        )),
        Collected::Error(_) => Some(format!(
            "the permissions boundary of lambda {name}'s role {}, which the plan does not declare",
            role.name
        )),
        _ => None,
    }
}

/// The `AutomationAssumeRole` of an SSM Automation target's constant input, as the collector
/// reads it: a string, or the first of a list.
fn automation_assume_role(input: &str) -> Option<String> {
    let parameters: Value = serde_json::from_str(input).ok()?;
    match parameters.get("AutomationAssumeRole")? {
        Value::String(role) => Some(role.clone()),
        Value::Array(roles) => roles.first()?.as_str().map(str::to_owned),
        _ => None,
    }
}
