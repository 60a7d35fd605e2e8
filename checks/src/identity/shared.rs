//! What the identity checks share; no check lives here.
//!
//! - The account's IAM policies as the policy engine sees them, each with the resource its
//!   findings are reported against, and the ways the policy checks judge one document. The
//!   same functions serve a scan and `ztaudit policy lint`, so a policy file and the same
//!   policy in an account get the same verdict.
//! - Ages measured against the collection, and values of the account summary.

use std::collections::BTreeMap;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ztaudit_policy::lint::{self, LintKind};
use ztaudit_policy::{mfa, Catalogue, PolicyDocument, PolicyError};

use crate::findings::GLOBAL_REGION;
use crate::findings::{AllowedAction, FindingDetails};
use crate::snapshot::{ArnScope, Authorization, AwsResource, InlinePolicy, ManagedPolicy};
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

/// Sensitive actions the documents together allow without MFA, or `None`: a message that
/// groups the actions by the statement that grants them (a few of each group, then "and N
/// more"), with every (action, statement) pair in the details. Only gaps open in one of
/// `modes` count.
pub fn mfa_gap_failure(
    policies: &[mfa::NamedPolicy<'_>],
    catalogue: &Catalogue,
    modes: &[mfa::MfaAbsence],
) -> Option<PolicyFailure> {
    let gaps: Vec<mfa::MfaGap> = mfa::analyse(policies, catalogue)
        .into_iter()
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
fn grouped_by_first_grant(gaps: &[mfa::MfaGap]) -> Vec<(Option<String>, Vec<&str>)> {
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

/// Runs `judge` over every customer-managed and inline policy of the account.
pub fn judge_each_policy(
    snapshot: &Snapshot,
    config: &CheckConfig,
    out: &mut Findings,
    judge: PolicyJudge,
) {
    let Some(authorization) = out.require_global("iam", &snapshot.global.iam.authorization) else {
        return;
    };
    for source in account_policies(authorization) {
        judge_source(out, &source, judge, config);
    }
}

/// Reports `judge`'s verdict on one policy of the account; ERROR when it does not parse.
pub fn judge_source(
    out: &mut Findings,
    source: &PolicySource<'_>,
    judge: PolicyJudge,
    config: &CheckConfig,
) {
    let resource = out.resource(GLOBAL_REGION, source);
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
