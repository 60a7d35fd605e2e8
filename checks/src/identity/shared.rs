//! What the identity checks share; no check lives here.
//!
//! - The account's IAM policies as the policy engine sees them, each with the resource its
//!   findings are reported against, and the ways the policy checks judge one document. The
//!   same functions serve a scan and `ztaudit policy lint`, so a policy file and the same
//!   policy in an account get the same verdict.
//! - Ages measured against the collection, and values of the account summary.
//! - A principal's policies gathered and parsed ([`role_documents`]), and whether they let it
//!   make one concrete request, as the evaluator decides ([`permission`]), with conditions
//!   the scan cannot resolve kept apart as "conditional".

use std::collections::BTreeMap;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ztaudit_policy::lint::{self, LintKind};
use ztaudit_policy::{
    evaluate, mfa, Catalogue, Decision, Effect, PolicyDocument, PolicyError, Request,
};

use super::escalation_analysis::privileged_actions_allowed_by;
use crate::findings::GLOBAL_REGION;
use crate::findings::{AllowedAction, FindingDetails};
use crate::snapshot::{
    ArnScope, Authorization, AwsResource, Collected, InlinePolicy, ManagedPolicy, Role,
};
use crate::{CheckConfig, Findings, PolicyFailure, PolicyJudge, PolicyVerdict, Resource, Snapshot};

/// Whole days from `earlier` to the start of the collection, which stands for "now" so that a
/// snapshot evaluates the same way whenever it is replayed.
pub(crate) fn days_before_collection(snapshot: &Snapshot, earlier: &str) -> Option<i64> {
    let now = OffsetDateTime::parse(&snapshot.collection.started_at, &Rfc3339).ok()?;
    let then = OffsetDateTime::parse(earlier, &Rfc3339).ok()?;
    Some((now - then).whole_days())
}

/// A key of `GetAccountSummary`; a missing key is an error, never a guess.
pub(crate) fn summary_value(summary: &BTreeMap<String, i64>, key: &str) -> Result<i64, String> {
    summary
        .get(key)
        .copied()
        .ok_or_else(|| format!("iam:GetAccountSummary did not report {key}"))
}

/// One policy document and where it lives.
pub struct PolicySource<'a> {
    /// The managed policy's ARN, or the inline policy's id within its principal
    /// ([`InlinePolicy::id_within`]).
    pub resource: String,
    /// [`ManagedPolicy::RESOURCE_TYPE`] or [`InlinePolicy::RESOURCE_TYPE`].
    pub resource_type: &'static str,
    /// For messages: `policy reader`, `inline policy admin of user alice`.
    pub label: String,
    pub text: &'a str,
}

impl<'a> PolicySource<'a> {
    pub fn managed(policy: &'a ManagedPolicy) -> Self {
        PolicySource {
            resource: policy.arn.clone(),
            resource_type: ManagedPolicy::RESOURCE_TYPE,
            label: format!("policy {}", policy.name),
            text: &policy.document,
        }
    }

    /// The inline policy `policy` of the principal `owner` (a `user`, `group` or `role`, as
    /// `kind` says) whose ARN is `owner_arn`.
    pub fn inline(kind: &str, owner: &str, owner_arn: &str, policy: &'a InlinePolicy) -> Self {
        PolicySource {
            resource: policy.id_within(owner_arn),
            resource_type: InlinePolicy::RESOURCE_TYPE,
            label: format!("inline policy {} of {kind} {owner}", policy.name),
            text: &policy.document,
        }
    }
}

impl AwsResource for PolicySource<'_> {
    fn resource_type(&self) -> &'static str {
        self.resource_type
    }

    fn arn(&self, _: ArnScope<'_>) -> String {
        self.resource.clone()
    }
}

/// Customer-managed policies and every inline policy, in a stable order. AWS-managed policies
/// are AWS's to fix and are left out.
pub fn account_policies(authorization: &Authorization) -> Vec<PolicySource<'_>> {
    let mut sources: Vec<PolicySource<'_>> = authorization
        .policies
        .iter()
        .filter(|policy| !policy.aws_managed)
        .map(PolicySource::managed)
        .collect();
    let principals = authorization
        .users
        .iter()
        .map(|u| ("user", &u.name, &u.arn, &u.inline_policies))
        .chain(
            authorization
                .groups
                .iter()
                .map(|g| ("group", &g.name, &g.arn, &g.inline_policies)),
        )
        .chain(
            authorization
                .roles
                .iter()
                .map(|r| ("role", &r.name, &r.arn, &r.inline_policies)),
        );
    for (kind, name, arn, inline) in principals {
        sources.extend(
            inline
                .iter()
                .map(|policy| PolicySource::inline(kind, name, arn, policy)),
        );
    }
    sources
}

/// Parses a stored document, with an error that names the policy.
pub fn parse(source: &PolicySource<'_>) -> Result<PolicyDocument, String> {
    PolicyDocument::parse(source.text)
        .map_err(|error: PolicyError| format!("{} could not be parsed: {error}", source.label))
}

/// Messages of the given lint kinds for one document; empty means it passes.
pub fn lint_messages(document: &PolicyDocument, kinds: &[LintKind]) -> Vec<String> {
    lint::lint(document)
        .into_iter()
        .filter(|found| kinds.contains(&found.kind))
        .map(|found| found.message)
        .collect()
}

/// Ineffective MFA guards of one document, each with its fix; `None` when the document has no
/// MFA guard at all (nothing to report).
pub fn guard_messages(document: &PolicyDocument) -> Option<Vec<String>> {
    let has_guard = document.statements.iter().any(|statement| {
        statement.effect == ztaudit_policy::Effect::Deny
            && statement
                .conditions
                .iter()
                .any(|condition| mfa::is_mfa_key(condition.lowercase_key()))
    });
    if !has_guard {
        return None;
    }
    Some(
        lint::ineffective_mfa_guards(document)
            .into_iter()
            .map(|guard| format!("{}; fix: {}", guard.message, guard.fix))
            .collect(),
    )
}

/// Sensitive actions the identity policies allow without MFA, in one of `modes`, and that
/// the permissions boundary (when there is one) allows too in the same mode: an action is
/// allowed only when both allow it ("Permissions boundaries for IAM entities"). Both
/// analyses over-approximate what is allowed, so their intersection does too: an action the
/// boundary could allow is kept.
pub fn mfa_gaps(
    policies: &[mfa::NamedPolicy<'_>],
    boundary: Option<&mfa::NamedPolicy<'_>>,
    catalogue: &Catalogue,
    modes: &[mfa::MfaAbsence],
) -> Vec<mfa::MfaGap> {
    let bounded: Option<BTreeMap<String, Vec<mfa::MfaAbsence>>> = boundary.map(|boundary| {
        mfa::analyse(std::slice::from_ref(boundary), catalogue)
            .into_iter()
            .map(|gap| (gap.action, gap.modes))
            .collect()
    });
    mfa::analyse(policies, catalogue)
        .into_iter()
        .filter_map(|mut gap| {
            gap.modes.retain(|mode| {
                modes.contains(mode)
                    && bounded.as_ref().is_none_or(|bounded| {
                        bounded
                            .get(&gap.action)
                            .is_some_and(|allowed| allowed.contains(mode))
                    })
            });
            (!gap.modes.is_empty()).then_some(gap)
        })
        .collect()
}

/// The failure for `gaps` ([`mfa_gaps`]), or `None` when there are none: a message that
/// groups the actions by the statement that grants them (a few of each group, then "and N
/// more"), with every (action, statement) pair in the details. Only gaps open in one of
/// `modes` count.
pub fn mfa_gap_failure(gaps: &[mfa::MfaGap], modes: &[mfa::MfaAbsence]) -> Option<PolicyFailure> {
    let gaps: Vec<&mfa::MfaGap> = gaps
        .iter()
        .filter(|gap| gap.modes.iter().any(|mode| modes.contains(mode)))
        .collect();
    if gaps.is_empty() {
        return None;
    }
    let mut open_modes: Vec<mfa::MfaAbsence> = gaps
        .iter()
        .flat_map(|gap| gap.modes.iter().copied())
        .filter(|mode| modes.contains(mode))
        .collect();
    open_modes.sort();
    open_modes.dedup();
    let modes: Vec<&str> = open_modes.iter().map(|&mode| short_mode(mode)).collect();
    let groups: Vec<String> = grouped_by_first_grant(&gaps)
        .iter()
        .map(|(statement, actions)| match statement {
            Some(statement) => format!("{statement}: {}", first_few(actions)),
            None => first_few(actions),
        })
        .collect();
    let message = format!(
        "{} sensitive action{} allowed without MFA, {} — {}",
        gaps.len(),
        if gaps.len() == 1 { "" } else { "s" },
        modes.join(" and "),
        groups.join("; "),
    );
    let allowed_actions = gaps
        .iter()
        .flat_map(|gap| {
            gap.grants.iter().map(|grant| AllowedAction {
                action: gap.action.clone(),
                policy: grant.policy.clone(),
                statement: grant.statement.index,
                sid: grant.statement.sid.clone(),
            })
        })
        .collect();
    Some(PolicyFailure {
        message,
        details: Some(FindingDetails { allowed_actions }),
    })
}

/// How many actions of one group a message names before "and N more".
const ACTIONS_SHOWN_PER_GROUP: usize = 5;

/// `a, b, c, d, e and 3 more`.
pub fn first_few(items: &[&str]) -> String {
    let shown = items[..items.len().min(ACTIONS_SHOWN_PER_GROUP)].join(", ");
    match items.len().saturating_sub(ACTIONS_SHOWN_PER_GROUP) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The actions of `gaps` grouped by the first statement that grants each (`policy, statement
/// N`), groups in order of appearance: every action is in exactly one group, so the groups'
/// counts add up to the total. Several statements granting one action are all in the details.
fn grouped_by_first_grant<'g>(gaps: &[&'g mfa::MfaGap]) -> Vec<(Option<String>, Vec<&'g str>)> {
    let mut groups: Vec<(Option<String>, Vec<&str>)> = Vec::new();
    for gap in gaps {
        let statement = gap
            .grants
            .first()
            .map(|grant| format!("{}, {}", grant.policy, grant.statement));
        match groups.iter_mut().find(|(known, _)| *known == statement) {
            Some((_, actions)) => actions.push(&gap.action),
            None => groups.push((statement, vec![gap.action.as_str()])),
        }
    }
    groups
}

/// A way MFA can be absent, in a few words; the documentation explains the condition keys.
fn short_mode(mode: mfa::MfaAbsence) -> &'static str {
    match mode {
        mfa::MfaAbsence::LongTermAccessKeys => "with long-term access keys",
        mfa::MfaAbsence::TemporaryCredentialsWithoutMfa => {
            "with temporary credentials obtained without MFA"
        }
    }
}

/// Runs `judge` over every customer-managed and inline policy of the account, and says in a
/// FAIL when permissions boundaries limit the principals holding the policy
/// ([`boundary_note`]): what the policy grants is then not what they can do.
pub fn judge_each_held_policy(
    snapshot: &Snapshot,
    config: &CheckConfig,
    out: &mut Findings,
    judge: PolicyJudge,
) {
    judge_policies(snapshot, config, out, judge, true);
}

fn judge_policies(
    snapshot: &Snapshot,
    config: &CheckConfig,
    out: &mut Findings,
    judge: PolicyJudge,
    note_boundaries: bool,
) {
    let Some(authorization) = out.require_global("iam", &snapshot.global.iam.authorization) else {
        return;
    };
    for source in account_policies(authorization) {
        if !note_boundaries {
            judge_source(out, authorization, &source, judge, config);
            continue;
        }
        let resource = out.resource(GLOBAL_REGION, &source);
        if let Some(reason) = grants_nothing(authorization, &source) {
            out.not_applicable(resource, reason);
            continue;
        }
        match parse(&source) {
            Ok(document) => {
                let verdict = judge(&source.label, &document, config).map(|verdict| {
                    verdict.map_err(|mut failure| {
                        if let Some(note) = boundary_note(authorization, &source, config) {
                            failure.message.push_str(&note);
                        }
                        failure
                    })
                });
                push_verdict(out, resource, &source.label, verdict);
            }
            Err(reason) => out.unevaluable(resource, reason),
        }
    }
}

/// `; user alice holds it under the permissions boundary developer-boundary, which allows 3
/// of the 92 privileged actions`, when some principal holding the policy (directly, or
/// through a group) has a boundary; `None` when none does.
pub fn boundary_note(
    authorization: &Authorization,
    source: &PolicySource<'_>,
    config: &CheckConfig,
) -> Option<String> {
    let holders = holders_of(authorization, source);
    let bounded: Vec<(String, &str)> = holders
        .iter()
        .filter_map(|(who, boundary)| match boundary {
            Collected::Ok(Some(arn)) => Some((who.clone(), arn.as_str())),
            _ => None,
        })
        .collect();
    if bounded.is_empty() {
        return None;
    }
    let described: Vec<String> = bounded
        .iter()
        .map(|(who, arn)| {
            let policy = authorization.policies.iter().find(|p| p.arn == *arn);
            let limit = policy
                .and_then(|policy| PolicyDocument::parse(&policy.document).ok())
                .map(|boundary| {
                    let (allowed, total) =
                        privileged_actions_allowed_by(&boundary, &config.sensitive_actions);
                    format!(", which allows {allowed} of the {total} privileged actions")
                })
                .unwrap_or_default();
            let name = policy.map_or(*arn, |policy| policy.name.as_str());
            format!("{who} holds it under the permissions boundary {name}{limit}")
        })
        .collect();
    let unbounded = holders.len() - bounded.len();
    let rest = match unbounded {
        0 => " (every holder is limited by a boundary)".to_owned(),
        1 => "; 1 other holder has no boundary".to_owned(),
        n => format!("; {n} other holders have no boundary"),
    };
    Some(format!("; {}{rest}", described.join("; ")))
}

/// The users and roles holding `source` (attached, inline, or through a group), each with
/// its boundary, as `user alice`.
fn holders_of<'a>(
    authorization: &'a Authorization,
    source: &PolicySource<'_>,
) -> Vec<(String, &'a Collected<Option<String>>)> {
    let holds = |owner_arn: &str, attached: &[String]| {
        if source.resource_type == ManagedPolicy::RESOURCE_TYPE {
            attached.contains(&source.resource)
        } else {
            source.resource.starts_with(&format!("{owner_arn}#"))
        }
    };
    let through_group = |groups: &[String]| {
        authorization
            .groups
            .iter()
            .filter(|group| groups.contains(&group.name))
            .any(|group| holds(&group.arn, &group.attached_policies))
    };
    let users = authorization
        .users
        .iter()
        .filter(|user| holds(&user.arn, &user.attached_policies) || through_group(&user.groups))
        .map(|user| (format!("user {}", user.name), &user.permissions_boundary));
    let roles = authorization
        .roles
        .iter()
        .filter(|role| holds(&role.arn, &role.attached_policies))
        .map(|role| (format!("role {}", role.name), &role.permissions_boundary));
    users.chain(roles).collect()
}

/// Runs `judge` over every customer-managed and inline policy of the account.
pub fn judge_each_policy(
    snapshot: &Snapshot,
    config: &CheckConfig,
    out: &mut Findings,
    judge: PolicyJudge,
) {
    judge_policies(snapshot, config, out, judge, false);
}

/// `policy developer-boundary is attached to nothing and used only as a permissions
/// boundary, …` when the managed policy `source` grants nobody anything: a boundary only
/// limits (`AttachmentCount` does not count boundary uses). Judging its document as a grant
/// would be a false alarm.
pub fn grants_nothing(authorization: &Authorization, source: &PolicySource<'_>) -> Option<String> {
    if source.resource_type != ManagedPolicy::RESOURCE_TYPE {
        return None;
    }
    let policy = authorization
        .policies
        .iter()
        .find(|policy| policy.arn == source.resource)?;
    let is_boundary = |boundary: &Collected<Option<String>>| matches!(boundary, Collected::Ok(Some(arn)) if *arn == policy.arn);
    let used_as_boundary = authorization
        .users
        .iter()
        .map(|user| &user.permissions_boundary)
        .chain(
            authorization
                .roles
                .iter()
                .map(|role| &role.permissions_boundary),
        )
        .any(is_boundary);
    (policy.attachment_count == 0 && used_as_boundary).then(|| {
        format!(
            "{} is attached to nothing and used only as a permissions boundary, which limits \
             what its principals may do and grants nothing",
            source.label
        )
    })
}

/// Reports `judge`'s verdict on one policy of the account; ERROR when it does not parse, and
/// NOT_APPLICABLE when it only serves as a permissions boundary ([`grants_nothing`]).
pub fn judge_source(
    out: &mut Findings,
    authorization: &Authorization,
    source: &PolicySource<'_>,
    judge: PolicyJudge,
    config: &CheckConfig,
) {
    let resource = out.resource(GLOBAL_REGION, source);
    if let Some(reason) = grants_nothing(authorization, source) {
        out.not_applicable(resource, reason);
        return;
    }
    match parse(source) {
        Ok(document) => push_verdict(
            out,
            resource,
            &source.label,
            judge(&source.label, &document, config),
        ),
        Err(reason) => out.unevaluable(resource, reason),
    }
}

/// Pushes a policy check's verdict on the document named `label`: PASS or FAIL, with the
/// label, or nothing when the check had nothing to say.
pub fn push_verdict(out: &mut Findings, resource: Resource, label: &str, verdict: PolicyVerdict) {
    match verdict {
        Some(Ok(message)) => out.pass(resource, format!("{label} {message}")),
        Some(Err(failure)) => {
            let message = format!("{label}: {}", failure.message);
            match failure.details {
                Some(details) => out.fail_with_details(resource, message, details),
                None => out.fail(resource, message),
            }
        }
        None => {}
    }
}

/// The verdict of the permission-breadth lints of `kinds`.
pub fn lint_verdict(document: &PolicyDocument, kinds: &[LintKind], clean: &str) -> PolicyVerdict {
    let messages = lint_messages(document, kinds);
    Some(if messages.is_empty() {
        Ok(clean.to_owned())
    } else {
        Err(messages.join("; ").into())
    })
}

/// The sources of the inline policies `inline` of the principal `owner` (a `user`, `group` or
/// `role`, as `kind` says) whose ARN is `owner_arn`.
pub fn inline_sources<'a>(
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

/// Every managed policy of the account by ARN, as [`PolicySource`]s.
pub fn managed_sources(authorization: &Authorization) -> BTreeMap<&str, PolicySource<'_>> {
    authorization
        .policies
        .iter()
        .map(|policy| (policy.arn.as_str(), PolicySource::managed(policy)))
        .collect()
}

/// Parses the inline sources and the attached managed policies, each with its label; an
/// attached policy missing from the authorization details is an error, not an empty policy.
pub fn parsed(
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

/// A role's identity policies (inline and attached managed), parsed, each with its label.
pub fn role_documents(
    authorization: &Authorization,
    role: &Role,
) -> Result<Vec<(String, PolicyDocument)>, String> {
    let inline = inline_sources("role", &role.name, &role.arn, &role.inline_policies);
    let attached: Vec<&str> = role.attached_policies.iter().map(String::as_str).collect();
    parsed(&inline, &attached, &managed_sources(authorization))
}

/// A principal's permissions boundary (`boundary`, its ARN as collected), parsed with its
/// label; `None` when it has none. An error when it was not read, or its policy is missing
/// or does not parse: a boundary only takes away, so an unread one forbids an "allowed".
pub fn boundary_document(
    authorization: &Authorization,
    boundary: &Collected<Option<String>>,
) -> Result<Option<(String, PolicyDocument)>, String> {
    let arn = match boundary {
        Collected::Ok(None) => return Ok(None),
        Collected::Ok(Some(arn)) => arn,
        Collected::Error(error) => {
            return Err(format!("its permissions boundary was not read: {error}"))
        }
    };
    let policy = authorization
        .policies
        .iter()
        .find(|policy| policy.arn == *arn)
        .ok_or_else(|| format!("permissions boundary {arn} is not in the authorization details"))?;
    let source = PolicySource::managed(policy);
    Ok(Some((source.label.clone(), parse(&source)?)))
}

/// [`permission`] of the identity policies `documents` within the permissions boundary, as
/// AWS decides it: allowed only when both allow the request.
pub fn bounded_permission(
    documents: &[(String, PolicyDocument)],
    boundary: Option<&(String, PolicyDocument)>,
    request: &Request,
) -> Permission {
    let identity = permission(documents, request);
    let Some(boundary) = boundary else {
        return identity;
    };
    match (
        identity,
        permission(std::slice::from_ref(boundary), request),
    ) {
        (denied @ Permission::Denied { .. }, _) => denied,
        (_, Permission::Denied { why }) => Permission::Denied {
            why: format!("outside its permissions boundary ({}): {why}", boundary.0),
        },
        (allowed @ Permission::Allowed { .. }, Permission::Allowed { .. }) => allowed,
        (Permission::Conditional { mut keys }, Permission::Conditional { keys: more }) => {
            keys.extend(more);
            keys.sort_by_key(|key| key.to_lowercase());
            keys.dedup_by_key(|key| key.to_lowercase());
            Permission::Conditional { keys }
        }
        (Permission::Conditional { keys }, _) | (_, Permission::Conditional { keys }) => {
            Permission::Conditional { keys }
        }
    }
}

/// Whether a principal's identity policies let it make one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permission {
    /// Allowed whatever the keys the scan does not know: `by` names the granting statement.
    Allowed { by: String },
    /// The verdict hangs on condition keys the request context does not hold (`keys`, as the
    /// policies write them): neither allowed nor denied as far as the scan can tell.
    Conditional { keys: Vec<String> },
    /// Denied: `why` says by which statement, or that nothing allows it.
    Denied { why: String },
}

/// Evaluates `request` against `documents` (a principal's identity policies, with their
/// labels) the way AWS does — a matching Deny wins, one matching Allow suffices — and keeps
/// conditions the scan cannot resolve apart. A statement whose action and resource match the
/// request but whose condition names a key absent from `request.context` could apply or not:
/// such an Allow makes an otherwise denied request [`Permission::Conditional`], and such a
/// Deny does the same to an allowed one. Keys in the context are decided exactly.
pub fn permission(documents: &[(String, PolicyDocument)], request: &Request) -> Permission {
    let policies: Vec<&PolicyDocument> = documents.iter().map(|(_, document)| document).collect();
    let label = |policy: usize| {
        documents
            .get(policy)
            .map_or("", |(label, _)| label.as_str())
    };
    let unresolved = |effect: Effect| -> Vec<String> {
        let mut keys: Vec<String> = policies
            .iter()
            .flat_map(|document| &document.statements)
            .filter(|statement| {
                statement.effect == effect
                    && statement.actions.matches(&request.action)
                    && statement
                        .resources
                        .matches(&request.resource, &request.context)
            })
            .flat_map(|statement| &statement.conditions)
            .filter(|condition| request.context.get(condition.lowercase_key()).is_none())
            .map(|condition| condition.key.clone())
            .collect();
        keys.sort_by_key(|key| key.to_lowercase());
        keys.dedup_by_key(|key| key.to_lowercase());
        keys
    };
    match evaluate(&policies, request) {
        Decision::ExplicitDeny { policy, statement } => Permission::Denied {
            why: format!("denied by {}, {statement}", label(policy)),
        },
        Decision::Allow { policy, statement } => {
            let keys = unresolved(Effect::Deny);
            if keys.is_empty() {
                Permission::Allowed {
                    by: format!("{}, {statement}", label(policy)),
                }
            } else {
                Permission::Conditional { keys }
            }
        }
        Decision::ImplicitDeny => {
            let keys = unresolved(Effect::Allow);
            if keys.is_empty() {
                Permission::Denied {
                    why: "no statement allows it".to_owned(),
                }
            } else {
                Permission::Conditional { keys }
            }
        }
    }
}
