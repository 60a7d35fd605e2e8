use ztaudit_policy::PolicyDocument;

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
    ///   `aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge` and evaluates them for a request
    ///   with long-term keys (key absent) and with temporary credentials without MFA (`false`).
    /// - FAIL: a guard does not apply in one of those cases; the message gives the fix
    ///   (`"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}`).
    /// - PASS: the policy's MFA guards hold in both cases.
    /// - Policies without an MFA guard are not reported (ZT101 judges what they allow).
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

/// Policies without an MFA guard have nothing to judge here (ZT101 judges what they allow).
fn judge(_name: &str, document: &PolicyDocument, _config: &CheckConfig) -> PolicyVerdict {
    guard_messages(document).map(|problems| {
        if problems.is_empty() {
            Ok("has an MFA guard that holds for every MFA-less request".to_owned())
        } else {
            Err(problems.join("; "))
        }
    })
}
