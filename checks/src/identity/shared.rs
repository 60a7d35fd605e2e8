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
use crate::snapshot::{ArnScope, Authorization, AwsResource, InlinePolicy, ManagedPolicy};
use crate::{CheckConfig, Findings, PolicyJudge, PolicyVerdict, Resource, Snapshot};

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

/// Sensitive actions the documents together allow without MFA, as one message, or `None`.
/// Only gaps open in one of `modes` count.
pub fn mfa_gap_message(
    policies: &[mfa::NamedPolicy<'_>],
    catalogue: &Catalogue,
    modes: &[mfa::MfaAbsence],
) -> Option<String> {
    let gaps: Vec<mfa::MfaGap> = mfa::analyse(policies, catalogue)
        .into_iter()
        .filter(|gap| gap.modes.iter().any(|mode| modes.contains(mode)))
        .collect();
    if gaps.is_empty() {
        return None;
    }
    let mut modes: Vec<mfa::MfaAbsence> = gaps
        .iter()
        .flat_map(|gap| gap.modes.iter().copied())
        .filter(|mode| modes.contains(mode))
        .collect();
    modes.sort();
    modes.dedup();
    const SHOWN: usize = 5;
    let examples: Vec<String> = gaps
        .iter()
        .take(SHOWN)
        .map(|gap| match gap.grants.first() {
            Some(grant) => format!("{} (via {} {})", gap.action, grant.policy, grant.statement),
            None => gap.action.clone(),
        })
        .collect();
    let more = gaps.len().saturating_sub(SHOWN);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let modes: Vec<&str> = modes.iter().map(|mode| mode.describe()).collect();
    Some(format!(
        "{} sensitive action{} allowed without MFA, with {}: {}{more}",
        gaps.len(),
        if gaps.len() == 1 { " is" } else { "s are" },
        modes.join(" and with "),
        examples.join(", "),
    ))
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
        Some(Err(message)) => out.fail(resource, format!("{label}: {message}")),
        None => {}
    }
}

/// The verdict of the permission-breadth lints of `kinds`.
pub fn lint_verdict(document: &PolicyDocument, kinds: &[LintKind], clean: &str) -> PolicyVerdict {
    let messages = lint_messages(document, kinds);
    Some(if messages.is_empty() {
        Ok(clean.to_owned())
    } else {
        Err(messages.join("; "))
    })
}
