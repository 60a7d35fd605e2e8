use std::collections::BTreeMap;

use ztaudit_policy::scp::{
    self, PrincipalVerdict, ScpDecision, ScpLevel, ScpPrincipal, WeakDenyReason,
};
use ztaudit_policy::{NamedPolicy, PolicyDocument, RequestContext};

use super::guardrail_actions::{guardrail_actions, GuardrailAction};
use super::shared::{account_resource, join_listing};
use crate::declare_check;
use crate::snapshot::{LevelKind, Organization, OrganizationLevel};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Evaluates the service control policies that apply to a member account — at the
    /// organization root, every OU on its path, and the account itself — and finds the
    /// guardrail actions they leave open: stopping or deleting CloudTrail trails, disabling
    /// GuardDuty, Security Hub or AWS Config, and leaving the organization.
    ///
    /// ## Why is this bad?
    /// An attacker who gets administrator rights in an account first blinds its detection:
    /// stops the trail, deletes the detector, turns off Config — or takes the account out of
    /// the organization and its guardrails altogether. IAM policies inside the account cannot
    /// prevent this, since the account's administrators can change them. Only an SCP, set from
    /// outside the account, holds against its own administrators. Assume breach: the
    /// telemetry must survive one.
    ///
    /// ## How it is evaluated
    /// The actions and the resources they act on are data, each with its source
    /// (`checks/data/guardrail-actions.toml`: the AWS Organizations User Guide's example SCPs
    /// and AWS Control Tower's controls). Each is evaluated with ztaudit's policy engine under
    /// SCP semantics: at each level an action is permitted when some SCP attached there allows
    /// it and none denies it (`FullAWSAccess`, attached by default, allows everything); the
    /// levels are then intersected, so a Deny anywhere, or a level that allows nothing, stops
    /// it.
    ///
    /// The question is whether an ordinary principal of the account — an IAM role, or an IAM
    /// user, that no SCP names — can perform the action on some of its resources:
    /// - **Exemptions count as guardrails.** Conditions on who calls (`aws:PrincipalArn`,
    ///   `aws:PrincipalTag/…`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:userid`…)
    ///   are decided for such a principal. A Deny that exempts a break-glass or deployment
    ///   role (`ArnNotLike` on `aws:PrincipalArn`) still stops everyone else, so it is a
    ///   guardrail; one that exempts every role (`…:role/*`), or applies only to some named
    ///   principals (`ArnLike`), is not.
    /// - **Conditions on anything else can be avoided.** A Deny conditioned on the region,
    ///   source IP, MFA, tags or `aws:ViaAWSService` is taken as one the caller can step
    ///   around (another region; CloudFormation), so it is not a guardrail.
    /// - **A Deny must cover every resource of the action.** One limited to
    ///   `trail/aws-controltower-*` protects Control Tower's trails but not the account's
    ///   others.
    ///
    /// Results, one for the account:
    /// - PASS: every guardrail action is denied, or not allowed, at some level.
    /// - FAIL: some are permitted; the message names them, the levels where no Deny stands,
    ///   and the Denies that look like guardrails but are not, with why. Also FAIL when the
    ///   organization has only consolidated billing features, or the SCP policy type is not
    ///   enabled on its root: then no SCP applies at all.
    /// - NOT_APPLICABLE: the account is the management account (SCPs never apply to it), or
    ///   in no organization (ZT802 reports that).
    /// - ERROR: the organization's view could not be read — in a single-account scan of a
    ///   member account, `ListParents` and `ListPoliciesForTarget` are usually refused: scan
    ///   with the management account's (or a delegated administrator's) credentials — or an
    ///   SCP could not be parsed.
    ///
    /// ## References
    /// - AWS Organizations User Guide, "SCP evaluation" and "Example service control policies"
    /// - AWS Control Tower User Guide, mandatory controls (AWS-GR_CLOUDTRAIL_CHANGE_PROHIBITED,
    ///   AWS-GR_CONFIG_ENABLED)
    /// - AWS Security Reference Architecture, "Apply security services across your organization"
    pub GuardrailScpsMissing {
        id: "ZT803",
        name: "guardrail-scps-missing",
        title: "SCPs let a member account disable its audit and detection or leave the organization",
        severity: High,
        pillar: Governance,
        fsbp: [],
        cis: [],
        remediation_cli: "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name ProtectSecurityServices --description 'Guardrails' --content file://guardrails.json\naws organizations attach-policy --policy-id POLICY_ID --target-id ROOT_ID\n# guardrails.json: {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"cloudtrail:StopLogging\",\"cloudtrail:DeleteTrail\",\"cloudtrail:UpdateTrail\",\"cloudtrail:PutEventSelectors\",\"guardduty:DeleteDetector\",\"guardduty:UpdateDetector\",\"guardduty:DisassociateFromAdministratorAccount\",\"guardduty:DisassociateFromMasterAccount\",\"securityhub:DisableSecurityHub\",\"securityhub:DisassociateFromAdministratorAccount\",\"securityhub:DisassociateFromMasterAccount\",\"config:StopConfigurationRecorder\",\"config:DeleteConfigurationRecorder\",\"config:DeleteDeliveryChannel\",\"organizations:LeaveOrganization\"],\"Resource\":\"*\",\"Condition\":{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/BreakGlass\"}}}]}",
        remediation_terraform: "resource \"aws_organizations_policy\" \"guardrails\" {\n  name    = \"ProtectSecurityServices\"\n  type    = \"SERVICE_CONTROL_POLICY\"\n  content = data.aws_iam_policy_document.guardrails.json\n}\n\nresource \"aws_organizations_policy_attachment\" \"root\" {\n  policy_id = aws_organizations_policy.guardrails.id\n  target_id = aws_organizations_organization.this.roots[0].id\n}\n\ndata \"aws_iam_policy_document\" \"guardrails\" {\n  statement {\n    effect    = \"Deny\"\n    actions   = [\"cloudtrail:StopLogging\", \"cloudtrail:DeleteTrail\", \"cloudtrail:UpdateTrail\", \"cloudtrail:PutEventSelectors\", \"guardduty:DeleteDetector\", \"guardduty:UpdateDetector\", \"guardduty:Disassociate*\", \"securityhub:DisableSecurityHub\", \"securityhub:Disassociate*\", \"config:StopConfigurationRecorder\", \"config:DeleteConfigurationRecorder\", \"config:DeleteDeliveryChannel\", \"organizations:LeaveOrganization\"]\n    resources = [\"*\"]\n    condition {\n      test     = \"ArnNotLike\"\n      variable = \"aws:PrincipalArn\"\n      values   = [\"arn:aws:iam::*:role/BreakGlass\"]\n    }\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(membership) =
        out.require_global("organizations", &snapshot.global.organizations.organization)
    else {
        return;
    };
    let resource = account_resource(out);
    let account = snapshot.account.as_str();
    let Some(organization) = membership else {
        out.not_applicable(
            resource,
            format!(
                "account {account} is in no organization, so no SCP can apply to it (see ZT802)"
            ),
        );
        return;
    };
    if organization.is_management_account(account) {
        out.not_applicable(
            resource,
            format!(
                "account {account} is the management account of organization {}: SCPs never apply to it, so keep workloads out of it",
                organization.id
            ),
        );
        return;
    }
    let everything = capabilities(guardrail_actions().iter());
    if organization.feature_set != "ALL" {
        out.fail(
            resource,
            format!(
                "organization {} has only consolidated billing features, so no SCP applies: account {account} can {everything}",
                organization.id
            ),
        );
        return;
    }
    let Some(&enabled) = out.require_global(
        "organizations",
        &organization.service_control_policies_enabled,
    ) else {
        return;
    };
    if !enabled {
        out.fail(
            resource,
            format!(
                "service control policies are not enabled on the root of organization {}, so none applies: account {account} can {everything}",
                organization.id
            ),
        );
        return;
    }
    let Some(levels) = out.require_global("organizations", &organization.levels) else {
        return;
    };
    let parsed = match parse_levels(levels) {
        Ok(parsed) => parsed,
        Err(Unreadable::Call(error)) => {
            out.error(resource, error);
            return;
        }
        Err(Unreadable::Document(reason)) => {
            out.unevaluable(resource, reason);
            return;
        }
    };
    if !levels.iter().any(|level| level.kind == LevelKind::Root) {
        out.unevaluable(
            resource,
            format!("the path of account {account} from its organization's root is incomplete"),
        );
        return;
    }
    let named: Vec<Vec<NamedPolicy<'_>>> = parsed
        .iter()
        .map(|level| {
            level
                .policies
                .iter()
                .map(|(name, document)| NamedPolicy { name, document })
                .collect()
        })
        .collect();
    let scp_levels: Vec<ScpLevel<'_>> = parsed
        .iter()
        .zip(&named)
        .map(|(level, policies)| ScpLevel {
            name: &level.name,
            policies,
        })
        .collect();
    let principals = OrdinaryPrincipals::new(out.partition(), account, organization, levels);
    let judged: Vec<(&GuardrailAction, Vec<PrincipalVerdict>)> = guardrail_actions()
        .iter()
        .map(|action| {
            let resources = action.resources_in(out.partition(), account);
            let verdicts = scp::judge(&scp_levels, &action.name, &resources, &principals.as_scp());
            (action, verdicts)
        })
        .collect();
    let open: Vec<&(&GuardrailAction, Vec<PrincipalVerdict>)> = judged
        .iter()
        .filter(|(_, verdicts)| verdicts.iter().any(is_permitted))
        .collect();
    let level_names: Vec<&str> = parsed.iter().map(|level| level.name.as_str()).collect();
    if open.is_empty() {
        out.pass(resource, blocked_message(account, &judged, &level_names));
    } else {
        out.fail(resource, open_message(account, &open, &level_names));
    }
}

/// One level with its SCPs parsed, each named for messages.
struct ParsedLevel {
    name: String,
    policies: Vec<(String, PolicyDocument)>,
}

enum Unreadable<'s> {
    Call(&'s crate::CallError),
    Document(String),
}

fn parse_levels(levels: &[OrganizationLevel]) -> Result<Vec<ParsedLevel>, Unreadable<'_>> {
    levels
        .iter()
        .map(|level| {
            let policies = level
                .service_control_policies
                .as_result()
                .map_err(Unreadable::Call)?;
            let policies = policies
                .iter()
                .map(|policy| {
                    let label = format!("SCP {} ({})", policy.name, policy.id);
                    PolicyDocument::parse(&policy.document)
                        .map(|document| (label.clone(), document))
                        .map_err(|error| {
                            Unreadable::Document(format!(
                                "{label} attached to {} could not be parsed: {error}",
                                level.describe()
                            ))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ParsedLevel {
                name: level.describe(),
                policies,
            })
        })
        .collect()
}

/// The principals a guardrail must hold against: a role and a user of the account that no SCP
/// names, described by the condition keys their requests carry.
struct OrdinaryPrincipals {
    role: RequestContext,
    user: RequestContext,
}

impl OrdinaryPrincipals {
    const ROLE: &'static str = "an IAM role";
    const USER: &'static str = "an IAM user";

    fn new(
        partition: &str,
        account: &str,
        organization: &Organization,
        levels: &[OrganizationLevel],
    ) -> OrdinaryPrincipals {
        let mut org_path = organization.id.clone();
        for level in levels.iter().filter(|l| l.kind != LevelKind::Account) {
            org_path.push('/');
            org_path.push_str(&level.id);
        }
        org_path.push('/');
        let common = |context: &mut RequestContext| {
            context.insert("aws:PrincipalAccount", account);
            context.insert("aws:PrincipalOrgID", &organization.id);
            context.insert_multi("aws:PrincipalOrgPaths", [org_path.clone()]);
            context.insert("aws:PrincipalIsAWSService", "false");
        };
        let mut role = RequestContext::new();
        common(&mut role);
        role.insert(
            "aws:PrincipalArn",
            format!("arn:{partition}:iam::{account}:role/ztaudit-unnamed-role"),
        );
        role.insert("aws:PrincipalType", "AssumedRole");
        role.insert("aws:userid", "AROAZTAUDITUNNAMEDROLE:session");
        let mut user = RequestContext::new();
        common(&mut user);
        user.insert(
            "aws:PrincipalArn",
            format!("arn:{partition}:iam::{account}:user/ztaudit-unnamed-user"),
        );
        user.insert("aws:PrincipalType", "User");
        user.insert("aws:userid", "AIDAZTAUDITUNNAMEDUSER");
        user.insert("aws:username", "ztaudit-unnamed-user");
        OrdinaryPrincipals { role, user }
    }

    fn as_scp(&self) -> [ScpPrincipal<'_>; 2] {
        [
            ScpPrincipal {
                name: Self::ROLE,
                context: &self.role,
            },
            ScpPrincipal {
                name: Self::USER,
                context: &self.user,
            },
        ]
    }
}

fn is_permitted(verdict: &PrincipalVerdict) -> bool {
    verdict.decision == ScpDecision::Permitted
}

/// `stop or delete CloudTrail trails (cloudtrail:StopLogging, cloudtrail:DeleteTrail) and leave
/// the organization (organizations:LeaveOrganization)`, in the list's order.
fn capabilities<'a>(actions: impl Iterator<Item = &'a GuardrailAction>) -> String {
    let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
    for action in actions {
        match grouped
            .iter_mut()
            .find(|(capability, _)| *capability == action.capability)
        {
            Some((_, names)) => names.push(&action.name),
            None => grouped.push((&action.capability, vec![&action.name])),
        }
    }
    let parts: Vec<String> = grouped
        .iter()
        .map(|(capability, names)| format!("{capability} ({})", names.join(", ")))
        .collect();
    join_listing(&parts, "and")
}

fn open_message(
    account: &str,
    open: &[&(&GuardrailAction, Vec<PrincipalVerdict>)],
    levels: &[&str],
) -> String {
    let who: Vec<&str> = [OrdinaryPrincipals::ROLE, OrdinaryPrincipals::USER]
        .into_iter()
        .filter(|name| {
            open.iter().any(|(_, verdicts)| {
                verdicts
                    .iter()
                    .any(|v| v.principal == *name && is_permitted(v))
            })
        })
        .collect();
    let who = match who.as_slice() {
        [one] => format!("{one} of account {account} that no SCP names"),
        _ => format!("an IAM role or user of account {account} that no SCP names"),
    };
    let what = capabilities(open.iter().map(|(action, _)| *action));
    let mut message = format!(
        "{who} can {what}: no SCP denies {} at {}",
        if open.len() == 1 { "it" } else { "them" },
        join_listing(levels, "or")
    );
    // Denies that look like guardrails but are not, each with the open actions it names.
    let mut weak: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (action, verdicts) in open {
        let Some(verdict) = verdicts.iter().find(|v| is_permitted(v)) else {
            continue;
        };
        for deny in &verdict.weak_denies {
            let why = match &deny.reason {
                WeakDenyReason::PartialResources { resources } => {
                    format!("covers only {}", resources.join(", "))
                }
                WeakDenyReason::AvoidableCondition { key } => {
                    format!("is conditioned on {key}, which the caller controls")
                }
                WeakDenyReason::DoesNotApplyToPrincipal { key } => {
                    format!(
                        "does not apply to {} (condition on {key})",
                        verdict.principal
                    )
                }
            };
            let label = format!(
                "{} {} at {} {why}",
                deny.policy,
                deny.statement,
                levels
                    .get(deny.level)
                    .copied()
                    .unwrap_or("an unknown level")
            );
            weak.entry(label).or_default().push(&action.name);
        }
    }
    for (label, actions) in weak {
        let which = if actions.len() == open.len() && open.len() > 1 {
            "them".to_owned()
        } else if actions.len() > 3 {
            format!("{} of them", actions.len())
        } else {
            actions.join(", ")
        };
        message.push_str(&format!("; the deny of {which} in {label}"));
    }
    message
}

fn blocked_message(
    account: &str,
    judged: &[(&GuardrailAction, Vec<PrincipalVerdict>)],
    levels: &[&str],
) -> String {
    // How each action is stopped, in the first principal's (the role's) evaluation.
    let mut by_reason: Vec<(String, usize)> = Vec::new();
    for (_, verdicts) in judged {
        let reason = match verdicts.first().map(|v| &v.decision) {
            Some(ScpDecision::Denied {
                level,
                policy,
                statement,
            }) => format!(
                "denied by {policy} {statement} at {}",
                levels.get(*level).copied().unwrap_or("an unknown level")
            ),
            Some(ScpDecision::NotAllowed { level }) => format!(
                "not allowed at {}",
                levels.get(*level).copied().unwrap_or("an unknown level")
            ),
            Some(ScpDecision::Permitted) | None => continue,
        };
        match by_reason.iter_mut().find(|(known, _)| *known == reason) {
            Some((_, count)) => *count += 1,
            None => by_reason.push((reason, 1)),
        }
    }
    let parts: Vec<String> = by_reason
        .iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    format!(
        "no IAM role or user of account {account} that no SCP names can take any of the {} guardrail actions: {}",
        judged.len(),
        parts.join("; ")
    )
}
