use ztaudit_policy::PolicyDocument;

use super::escalation_analysis::{
    analyse, AnalysisInput, EscalationPath, Gain, PrincipalOutcome, Verdict,
};
use super::shared::first_few;
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::governance::shared::{parse_levels, Unreadable};
use crate::snapshot::{Collected, LevelKind};
use crate::{CheckConfig, ErrorKind, Findings, Resource, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds users and roles that can raise their own privileges by a known method: creating
    /// or switching the default version of a policy attached to them; attaching or writing a
    /// policy on themselves, their group, or a role they can assume; creating an access key or
    /// a console password for, or changing the password of, a more privileged user; adding
    /// themselves to a more privileged group; rewriting a more privileged role's trust policy;
    /// passing a more privileged role to a service that runs their code (EC2, Lambda with an
    /// invocation or an event-source mapping, Glue, CloudFormation, CodeBuild, SageMaker);
    /// updating the code of an existing Lambda function that runs with a more privileged role.
    /// The methods are data, each with its source: `checks/data/escalation-methods.toml`.
    ///
    /// ## Why is this bad?
    /// Least privilege holds only if a principal cannot grant itself more. One leaked key of a
    /// "developer" who may call `iam:CreatePolicyVersion` on its own policy is an administrator's
    /// key. Rhino Security Labs' research lists these paths; attackers script them.
    ///
    /// ## How it is evaluated
    /// - Each step of each method is a request on the concrete target the method needs (the
    ///   user whose key would be created, the policy attached to the principal, the role whose
    ///   trust policy lets the service assume it), decided with the policy engine as AWS would:
    ///   identity policies (inline and managed, groups included), the permissions boundary
    ///   (both must allow), and the service control policies of every level above the account
    ///   when the organization's data was read. `${aws:username}` and the principal's ARN,
    ///   account and type are substituted; `iam:PassedToService` is set on `iam:PassRole`.
    /// - "More privileged": the target (within its boundary and the SCPs) is allowed, on every
    ///   resource and whatever the request's conditions, some *privileged action* — one of the
    ///   sensitive-action catalogue (ZT101's) or one a method uses — that the principal lacks:
    ///   denied whatever the conditions, and named by no `Allow` of its policies or boundary. Writing one's own policy gains whatever the
    ///   boundary allows (everything without one). A gain is named only when both sides are
    ///   certain, so the message is true.
    /// - FAIL: a path whose every step is allowed; the message names it step by step
    ///   (principal → action on target → what it gains). A path allowed only for some values
    ///   of a condition key the scan cannot know (MFA, source IP, tags…), or one that depends
    ///   on a policy's non-default versions (not read), is a FAIL worded "may", naming the key.
    /// - PASS: no method applies, among those listed (the message counts them).
    /// - Not applicable: the principal is already allowed every privileged action (an
    ///   administrator; ZT103 and ZT101 report that).
    /// - ERROR: the authorization details could not be read; per principal, a policy or its
    ///   boundary could not be read or parsed, or no path was found but the principal may
    ///   update the code of Lambda functions that some region's listing could not read.
    /// - Not found (a PASS may miss them): service actions allowed only on narrower resources
    ///   than the method names (`lambda:CreateFunction` on one region's functions), and a role
    ///   assumable through its trust policy alone.
    ///
    /// ## References
    /// - Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
    /// - IAM User Guide, "Policy evaluation logic" and "Permissions boundaries for IAM entities"
    /// - IAM User Guide, "Grant a user permissions to pass a role to an AWS service"
    pub PrivilegeEscalationPath {
        id: "ZT117",
        name: "privilege-escalation-path",
        title: "Principal can raise its own privileges",
        // High, not critical: a path that hangs on a condition key the scan cannot resolve is
        // a FAIL worded "may", and a critical gate must not trip on a maybe.
        severity: High,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "# Scope the IAM action to the principal's own resources, or remove it, then set a boundary:\naws iam put-user-permissions-boundary --user-name USER --permissions-boundary arn:aws:iam::ACCOUNT_ID:policy/DeveloperBoundary\naws iam put-role-permissions-boundary --role-name ROLE --permissions-boundary arn:aws:iam::ACCOUNT_ID:policy/DeveloperBoundary",
        remediation_terraform: "resource \"aws_iam_user\" \"developer\" {\n  name                 = \"developer\"\n  permissions_boundary = aws_iam_policy.developer_boundary.arn\n}\n\ndata \"aws_iam_policy_document\" \"own_keys_only\" {\n  statement {\n    actions   = [\"iam:CreateAccessKey\", \"iam:UpdateAccessKey\", \"iam:DeleteAccessKey\"]\n    resources = [\"arn:aws:iam::*:user/$${aws:username}\"]\n  }\n}",
        run: evaluate,
    }
}

/// How many paths a message names before "and N more".
const PATHS_SHOWN: usize = 3;

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let Some(authorization) = out.require_global("iam", &snapshot.global.iam.authorization) else {
        return;
    };
    let scps = ServiceControlPolicies::of(snapshot);
    let mut functions = Vec::new();
    let mut unread = Vec::new();
    for (region, data) in &snapshot.regions {
        match &data.lambda.functions {
            Collected::Ok(listed) => functions.extend(
                listed
                    .iter()
                    .map(|function| (function.arn.as_str(), function.role.as_str())),
            ),
            // On a plan, functions it does not declare are not unread: its PASS is not
            // claimed anyway (a plan holds part of the account).
            Collected::Error(error) if error.kind == ErrorKind::NotInPlan => {}
            Collected::Error(error) => unread.push(format!("{region}: {error}")),
        }
    }
    let functions_unread = (!unread.is_empty()).then(|| unread.join("; "));
    let outcomes = analyse(&AnalysisInput {
        authorization,
        partition: &snapshot.partition,
        account: &snapshot.account,
        scp_levels: &scps.levels,
        catalogue: &config.sensitive_actions,
        functions: &functions,
        functions_unread: functions_unread.as_deref(),
    });
    let (users, roles) = outcomes.split_at(authorization.users.len());
    for (user, outcome) in authorization.users.iter().zip(users) {
        let resource = out.resource(GLOBAL_REGION, user);
        report(out, resource, outcome, scps.unread.as_deref());
    }
    for (role, outcome) in authorization.roles.iter().zip(roles) {
        let resource = out.resource(GLOBAL_REGION, role);
        report(out, resource, outcome, scps.unread.as_deref());
    }
}

fn report(
    out: &mut Findings,
    resource: Resource,
    outcome: &PrincipalOutcome<'_>,
    scps_unread: Option<&str>,
) {
    let who = format!("{} {}", outcome.kind.as_str(), outcome.name);
    match &outcome.verdict {
        Verdict::Unevaluable(reason) => out.unevaluable(resource, format!("{who}: {reason}")),
        Verdict::Administrator => out.not_applicable(
            resource,
            format!("{who} is already allowed every privileged action (an administrator): nothing to escalate to"),
        ),
        Verdict::NoPath { methods } => out.pass(
            resource,
            format!(
                "{who} has no path to more privileges by any of the {methods} known methods for a {}",
                outcome.kind.as_str()
            ),
        ),
        Verdict::Escalates(paths) => {
            let certain = paths.iter().any(|path| !path.is_conditional());
            let described: Vec<String> = paths.iter().map(|path| describe(&who, path)).collect();
            let shown: Vec<&str> = described.iter().map(String::as_str).collect();
            let mut message = format!(
                "{who} {} raise its own privileges: {}",
                if certain { "can" } else { "may" },
                first_paths(&shown),
            );
            if let Some(unread) = scps_unread {
                message.push_str(&format!(" (service control policies not evaluated: {unread})"));
            }
            out.fail(resource, message);
        }
    }
}

/// `alice → iam:CreateAccessKey on user admin → gains administrator rights`, with the method
/// first and, for a conditional path, what it depends on.
fn describe(who: &str, path: &EscalationPath) -> String {
    let steps: Vec<String> = path
        .steps
        .iter()
        .enumerate()
        .map(|(index, (action, resource))| {
            if index == 0 || path.method.steps[index].on_target() {
                format!("{action} on {}", path.target)
            } else {
                format!("{action} on {resource}")
            }
        })
        .collect();
    let gain = match &path.gain {
        Gain::Administrator => "gains administrator rights (every privileged action)".to_owned(),
        Gain::Actions(actions) => {
            let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
            format!("gains {}", first_few(&actions))
        }
        Gain::OtherPolicyVersions => {
            "gains whatever another version of that policy grants (versions other than the default are not read)".to_owned()
        }
    };
    let mut text = format!(
        "{} ({who} → {} → {gain})",
        path.method.title,
        steps.join(", ")
    );
    if !path.open_keys.is_empty() {
        let keys: Vec<&str> = path.open_keys.iter().map(String::as_str).collect();
        text.push_str(&format!(
            ", only if {} {} it (a condition the scan cannot resolve)",
            keys.join(" and "),
            if keys.len() == 1 { "allows" } else { "allow" }
        ));
    }
    text
}

fn first_paths(paths: &[&str]) -> String {
    let shown = paths[..paths.len().min(PATHS_SHOWN)].join("; ");
    match paths.len().saturating_sub(PATHS_SHOWN) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}

/// The SCPs that limit the account's principals, as far as the snapshot tells.
struct ServiceControlPolicies {
    /// Each level's SCPs from the root down; empty when none apply.
    levels: Vec<Vec<PolicyDocument>>,
    /// Why they could not be read, when the account may be under some.
    unread: Option<String>,
}

impl ServiceControlPolicies {
    fn of(snapshot: &Snapshot) -> ServiceControlPolicies {
        let none = |unread: Option<String>| ServiceControlPolicies {
            levels: Vec::new(),
            unread,
        };
        let organization = match &snapshot.global.organizations.organization {
            Collected::Error(error) => return none(Some(error.to_string())),
            Collected::Ok(None) => return none(None),
            Collected::Ok(Some(organization)) => organization,
        };
        if organization.is_management_account(&snapshot.account)
            || organization.feature_set != "ALL"
        {
            return none(None);
        }
        match &organization.service_control_policies_enabled {
            Collected::Error(error) => return none(Some(error.to_string())),
            Collected::Ok(false) => return none(None),
            Collected::Ok(true) => {}
        }
        let levels = match &organization.levels {
            Collected::Error(error) => return none(Some(error.to_string())),
            Collected::Ok(levels) => levels,
        };
        if !levels.iter().any(|level| level.kind == LevelKind::Root) {
            return none(Some(
                "the path from the organization's root is incomplete".to_owned(),
            ));
        }
        match parse_levels(levels) {
            Ok(parsed) => ServiceControlPolicies {
                levels: parsed
                    .into_iter()
                    .map(|level| level.policies.into_iter().map(|(_, doc)| doc).collect())
                    .collect(),
                unread: None,
            },
            Err(Unreadable::Call(error)) => none(Some(error.to_string())),
            Err(Unreadable::Document(reason)) => none(Some(reason)),
        }
    }
}
