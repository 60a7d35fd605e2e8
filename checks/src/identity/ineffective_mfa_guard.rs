use ztaudit_policy::{lint, PolicyDocument};

use super::shared::{guard_messages, judge_each_policy};
use crate::declare_check;
use crate::{CheckConfig, Findings, PolicyVerdict, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds `Deny` statements meant to require MFA that some MFA-less requests slip past.
    ///
    /// ## Why is this bad?
    /// The classic guard `Deny … Condition: {"Bool": {"aws:MultiFactorAuthPresent": "false"}}`
    /// never matches requests signed with an IAM user's long-term access keys: for them the key
    /// is absent, and a `Bool` condition on an absent key is false. A stolen access key then
    /// does everything the guard was written to stop. `Null` on the key alone misses the other
    /// case: temporary credentials obtained without MFA, where the key is present and `false`.
    ///
    /// ## How it is evaluated
    /// - The policy engine finds `Deny` statements with conditions on
    ///   `aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge` and evaluates them for a direct
    ///   request with long-term keys (key absent) and with temporary credentials without MFA
    ///   (`false`). Keys AWS sets from the request's provenance are decided exactly
    ///   (`aws:ViaAWSService` is `false` on every direct call); keys the requester or the
    ///   principal decide are left open.
    /// - FAIL: a guard (it lets a fresh MFA sign-in through) does not apply in one of those
    ///   cases, or an inverted guard (`Bool aws:MultiFactorAuthPresent true`) denies only
    ///   requests made *with* MFA; the message says why and gives the fix
    ///   (`"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}`).
    /// - PASS: the policy has a guard proven to deny every direct MFA-less request in both
    ///   cases; the message names it, and the keys of its other conditions when it applies
    ///   only to the requests that meet them.
    /// - Policies without an MFA guard are not reported (ZT101 judges what they allow), nor are
    ///   Denies whose MFA conditions also stop MFA-authenticated requests.
    /// - ERROR: the authorization details could not be read, or a document could not be parsed.
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Condition operators" (…IfExists, Null)
    /// - IAM User Guide, "AWS: Allows access only with MFA" example policy
    pub IneffectiveMfaGuard {
        id: "ZT102",
        name: "ineffective-mfa-guard",
        title: "MFA guard that long-term keys slip past",
        severity: High,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "# Rewrite the Deny's condition, then publish a new default version:\n#   \"Condition\": {\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}}\naws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://guard.json --set-as-default",
        remediation_terraform: "data \"aws_iam_policy_document\" \"require_mfa\" {\n  statement {\n    effect      = \"Deny\"\n    not_actions = [\"iam:ListMFADevices\", \"iam:EnableMFADevice\", \"sts:GetSessionToken\"]\n    resources   = [\"*\"]\n    condition {\n      test     = \"BoolIfExists\"\n      variable = \"aws:MultiFactorAuthPresent\"\n      values   = [\"false\"]\n    }\n  }\n}",
        judge_policy: judge,
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    judge_each_policy(snapshot, config, out, judge);
}

/// Policies without an MFA guard have nothing to judge here (ZT101 judges what they allow). A
/// PASS names the guards the engine proved, never more.
fn judge(_name: &str, document: &PolicyDocument, _config: &CheckConfig) -> PolicyVerdict {
    let problems = guard_messages(document)?;
    if !problems.is_empty() {
        return Some(Err(problems.join("; ").into()));
    }
    let proven: Vec<String> = lint::mfa_guards(document)
        .effective
        .into_iter()
        .map(|guard| guard.message)
        .collect();
    if proven.is_empty() {
        return None;
    }
    Some(Ok(format!("has an MFA guard: {}", proven.join("; "))))
}
