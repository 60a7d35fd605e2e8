use std::collections::BTreeMap;

use ztaudit_policy::mfa::{self, MfaAbsence, NamedPolicy};
use ztaudit_policy::{
    Catalogue, Effect, PolicyDocument, Principal, PrincipalElement, PrincipalKind,
};

use super::shared::{first_few, judge_source, mfa_gap_failure, parse, PolicySource};
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::{InlinePolicy, Role};
use crate::{CheckConfig, Findings, PolicyFailure, PolicyVerdict, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds users, roles and customer-managed policies that allow sensitive actions — from a
    /// catalogue such as IAM user and key management, `iam:PassRole`, KMS key deletion,
    /// CloudTrail and GuardDuty shutdown, security-group changes, bucket policy changes, data
    /// deletion, Organizations changes — when the request carries no MFA.
    ///
    /// ## Why is this bad?
    /// "Never trust, always verify": a password or an access key proves possession of a secret,
    /// not presence of the person. The actions that can disable detection, widen access or
    /// destroy data must need a second factor, so that one leaked key is not enough.
    ///
    /// ## How it is evaluated
    /// - The policy engine evaluates every catalogue action against the principal's policies —
    ///   a user's inline and attached policies and those of its groups; a role's inline and
    ///   attached policies — following AWS's evaluation logic (explicit Deny wins, one Allow
    ///   suffices), in both ways MFA can be absent: long-term access keys
    ///   (`aws:MultiFactorAuthPresent` not in the request) and temporary credentials obtained
    ///   without MFA (the key is `false`). Keys AWS sets from the request's provenance are
    ///   decided exactly (`aws:ViaAWSService` is `false` on a direct call); keys the requester
    ///   chooses (source IP, region, tags) or the principal holds are treated as satisfiable.
    /// - A statement grants an action only on the resource types the Service Authorization
    ///   Reference lists for it: `arn:aws:s3:::bucket/*` grants object actions, not
    ///   `s3:PutBucketPolicy`. Actions the engine's table does not know apply to any resource.
    /// - A guard that exempts requests an AWS service forwards for the principal
    ///   (`aws:ViaAWSService` `false`) still leaves an action open when the identity may call
    ///   another service directly without MFA, which can forward the call; the message says so.
    /// - Users: FAIL when any catalogue action is allowed in either mode; PASS otherwise.
    /// - Roles: only roles that IAM principals can assume without MFA are judged, in the
    ///   temporary-credentials mode. Roles trusted only by AWS services or federation are
    ///   NOT_APPLICABLE (MFA is the identity provider's job there); roles whose trust policy
    ///   requires MFA PASS.
    /// - Customer-managed policies: judged alone, in both modes — what the policy grants to
    ///   whoever holds it without another guard.
    /// - The message groups the actions by the statement that grants them (`inline policy admin
    ///   of user alice, statement 0: iam:CreateUser, …`), five of each group and "and N more";
    ///   the JSON finding's `details.allowed_actions` lists every (action, statement) pair.
    /// - ERROR: the authorization details could not be read, a document could not be parsed, or
    ///   an attached policy is missing from them.
    ///
    /// ## References
    /// - IAM User Guide, "Policy evaluation logic"
    /// - IAM User Guide, "AWS global condition context keys: aws:MultiFactorAuthPresent"
    /// - IAM User Guide, "Forward access sessions"
    /// - Service Authorization Reference, "Actions, resources, and condition keys for AWS services"
    /// - AWS Security Blog, "How to use the aws:MultiFactorAuthPresent condition key"
    pub SensitiveActionsWithoutMfa {
        id: "ZT101",
        name: "sensitive-actions-without-mfa",
        title: "Sensitive actions allowed without MFA",
        severity: High,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "# Attach a guard that denies sensitive actions to MFA-less requests (note BoolIfExists):\naws iam put-user-policy --user-name USER_NAME --policy-name RequireMfa --policy-document file://require-mfa.json\n# require-mfa.json: {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"iam:*\",\"kms:ScheduleKeyDeletion\",\"cloudtrail:StopLogging\"],\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}",
        remediation_terraform: "data \"aws_iam_policy_document\" \"require_mfa\" {\n  statement {\n    effect    = \"Deny\"\n    actions   = [\"iam:*\", \"kms:ScheduleKeyDeletion\", \"cloudtrail:StopLogging\"]\n    resources = [\"*\"]\n    condition {\n      test     = \"BoolIfExists\"\n      variable = \"aws:MultiFactorAuthPresent\"\n      values   = [\"false\"]\n    }\n  }\n}",
        judge_policy: judge,
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let Some(authorization) = out.require_global("iam", &snapshot.global.iam.authorization) else {
        return;
    };
    let catalogue = &config.sensitive_actions;
    let managed: BTreeMap<&str, PolicySource<'_>> = authorization
        .policies
        .iter()
        .map(|policy| (policy.arn.as_str(), PolicySource::managed(policy)))
        .collect();

    for user in &authorization.users {
        let resource = out.resource(GLOBAL_REGION, user);
        let mut sources = inline_sources("user", &user.name, &user.arn, &user.inline_policies);
        let mut attached: Vec<&str> = user.attached_policies.iter().map(String::as_str).collect();
        for group in authorization
            .groups
            .iter()
            .filter(|g| user.groups.contains(&g.name))
        {
            sources.extend(inline_sources(
                "group",
                &group.name,
                &group.arn,
                &group.inline_policies,
            ));
            attached.extend(group.attached_policies.iter().map(String::as_str));
        }
        match parsed(&sources, &attached, &managed) {
            Err(reason) => out.unevaluable(resource, reason),
            Ok(documents) => match gap_failure(&named(&documents), catalogue, &MfaAbsence::ALL) {
                Some(gaps) => out.fail_with_details(
                    resource,
                    format!("user {}: {}", user.name, gaps.message),
                    gaps.details.unwrap_or_default(),
                ),
                None => out.pass(
                    resource,
                    format!("user {} can do no sensitive action without MFA", user.name),
                ),
            },
        }
    }

    for role in &authorization.roles {
        let resource = out.resource(GLOBAL_REGION, role);
        match assumable_without_mfa(role) {
            Err(reason) => out.unevaluable(resource, reason),
            Ok(Assumption::OnlyByServicesOrFederation) => out.not_applicable(
                resource,
                format!(
                    "role {} is assumed only by AWS services or federated identities",
                    role.name
                ),
            ),
            Ok(Assumption::RequiresMfa) => out.pass(
                resource,
                format!(
                    "role {}'s trust policy requires MFA to assume it",
                    role.name
                ),
            ),
            Ok(Assumption::WithoutMfa) => {
                let sources = inline_sources("role", &role.name, &role.arn, &role.inline_policies);
                let attached: Vec<&str> =
                    role.attached_policies.iter().map(String::as_str).collect();
                match parsed(&sources, &attached, &managed) {
                    Err(reason) => out.unevaluable(resource, reason),
                    Ok(documents) => match gap_failure(
                        &named(&documents),
                        catalogue,
                        &[MfaAbsence::TemporaryCredentialsWithoutMfa],
                    ) {
                        Some(gaps) => out.fail_with_details(
                            resource,
                            format!(
                                "role {} (assumable without MFA): {}",
                                role.name, gaps.message
                            ),
                            gaps.details.unwrap_or_default(),
                        ),
                        None => out.pass(
                            resource,
                            format!("role {} allows no sensitive action without MFA", role.name),
                        ),
                    },
                }
            }
        }
    }

    for (_, source) in managed
        .iter()
        .filter(|(arn, _)| !arn.contains(":iam::aws:policy/"))
    {
        judge_source(out, source, judge, config);
    }
}

/// A policy judged alone, in both MFA-absence modes: what it grants whoever holds it.
fn judge(name: &str, document: &PolicyDocument, config: &CheckConfig) -> PolicyVerdict {
    let policies = [NamedPolicy { name, document }];
    Some(
        match gap_failure(&policies, &config.sensitive_actions, &MfaAbsence::ALL) {
            Some(gaps) => Err(gaps),
            None => Ok("allows no sensitive action without MFA".to_owned()),
        },
    )
}

/// [`mfa_gap_failure`], saying which of the actions only an AWS service acting for the
/// principal can perform without MFA, and why.
fn gap_failure(
    policies: &[NamedPolicy<'_>],
    catalogue: &Catalogue,
    modes: &[MfaAbsence],
) -> Option<PolicyFailure> {
    let failure = mfa_gap_failure(policies, catalogue, modes)?;
    let forwarded_only: Vec<String> = mfa::analyse(policies, catalogue)
        .into_iter()
        .filter(|gap| {
            gap.modes.iter().any(|mode| {
                modes.contains(mode)
                    && !gap.grants.iter().any(|grant| {
                        grant.modes.contains(mode) && !grant.through_aws_service.contains(mode)
                    })
            })
        })
        .map(|gap| gap.action)
        .collect();
    if forwarded_only.is_empty() {
        return Some(failure);
    }
    let forwarded_only: Vec<&str> = forwarded_only.iter().map(String::as_str).collect();
    Some(PolicyFailure {
        message: format!(
            "{}; of these, {} only through an AWS service acting for the principal: a Deny \
             exempts such requests (aws:ViaAWSService true) and a direct call to another \
             service, allowed without MFA, can start them",
            failure.message,
            first_few(&forwarded_only)
        ),
        ..failure
    })
}

fn inline_sources<'a>(
    kind: &str,
    owner: &str,
    owner_arn: &str,
    inline: &'a [InlinePolicy],
) -> Vec<PolicySource<'a>> {
    inline
        .iter()
        .map(|policy| PolicySource::inline(kind, owner, owner_arn, policy))
        .collect()
}

/// Parses the inline sources and the attached managed policies; an attached policy missing
/// from the authorization details is an error, not an empty policy.
fn parsed(
    inline: &[PolicySource<'_>],
    attached: &[&str],
    managed: &BTreeMap<&str, PolicySource<'_>>,
) -> Result<Vec<(String, PolicyDocument)>, String> {
    let mut documents = Vec::new();
    for source in inline {
        documents.push((source.label.clone(), parse(source)?));
    }
    for arn in attached {
        let source = managed
            .get(arn)
            .ok_or_else(|| format!("attached policy {arn} is not in the authorization details"))?;
        documents.push((source.label.clone(), parse(source)?));
    }
    Ok(documents)
}

fn named(documents: &[(String, PolicyDocument)]) -> Vec<NamedPolicy<'_>> {
    documents
        .iter()
        .map(|(name, document)| NamedPolicy { name, document })
        .collect()
}

enum Assumption {
    /// IAM principals can assume the role with no MFA.
    WithoutMfa,
    /// Every statement that lets IAM principals in requires MFA.
    RequiresMfa,
    OnlyByServicesOrFederation,
}

/// Who the trust policy lets assume the role, and whether MFA stands in the way.
fn assumable_without_mfa(role: &Role) -> Result<Assumption, String> {
    let trust = PolicyDocument::parse(&role.assume_role_policy).map_err(|error| {
        format!(
            "the trust policy of role {} could not be parsed: {error}",
            role.name
        )
    })?;
    let mut iam_principals_allowed = false;
    for statement in trust
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        let lets_iam_principals = match &statement.principal {
            Some(PrincipalElement::Principal(Principal::Anyone)) => true,
            Some(PrincipalElement::Principal(Principal::Map(entries))) => {
                entries.iter().any(|(kind, _)| *kind == PrincipalKind::Aws)
            }
            Some(PrincipalElement::NotPrincipal(_)) => true,
            None => false,
        };
        if !lets_iam_principals || !statement.actions.matches("sts:AssumeRole") {
            continue;
        }
        iam_principals_allowed = true;
        let mfa_less_gets_in = MfaAbsence::ALL.iter().any(|mode| {
            let context = mode.context();
            statement
                .conditions
                .iter()
                .filter(|c| ztaudit_policy::mfa::is_mfa_key(c.lowercase_key()))
                .all(|c| c.holds(&context))
        });
        if mfa_less_gets_in {
            return Ok(Assumption::WithoutMfa);
        }
    }
    Ok(if iam_principals_allowed {
        Assumption::RequiresMfa
    } else {
        Assumption::OnlyByServicesOrFederation
    })
}
