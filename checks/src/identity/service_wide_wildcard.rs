use ztaudit_policy::lint::LintKind;

use ztaudit_policy::PolicyDocument;

use super::shared::{judge_each_held_policy, lint_verdict};
use crate::declare_check;
use crate::{CheckConfig, Findings, PolicyVerdict, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds customer-managed and inline policies that allow every action of a service
    /// (`iam:*`, `kms:*`, `s3:*`…).
    ///
    /// ## Why is this bad?
    /// A service wildcard grants today's and every future action of the service, including the
    /// ones that rewrite permissions (`iam:*`), destroy keys (`kms:*`) or delete data. Least
    /// privilege names the actions.
    ///
    /// ## How it is evaluated
    /// - FAIL: an `Allow` statement has an action pattern `SERVICE:*` (statements that already
    ///   grant everything are reported by ZT103 instead).
    /// - PASS: no statement does.
    /// - ERROR: the authorization details could not be read, or a document could not be parsed.
    /// - Permissions boundaries: when a user or role holding the policy (directly or through a
    ///   group) has one, the FAIL names it and how many privileged actions it allows on every
    ///   resource (ZT117's list): the policy is still reported — a boundary can be removed, and
    ///   the policy is over-broad for whoever gets it next — but its holders can do less.
    ///
    /// ## References
    /// - AWS FSBP IAM.21
    pub ServiceWideWildcard {
        id: "ZT104",
        name: "service-wide-wildcard",
        title: "Policy allows every action of a service",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.21"],
        cis: [],
        remediation_cli: "aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://named-actions.json --set-as-default",
        remediation_terraform: "data \"aws_iam_policy_document\" \"keys\" {\n  statement {\n    actions   = [\"kms:Decrypt\", \"kms:GenerateDataKey\"] # not \"kms:*\"\n    resources = [aws_kms_key.app.arn]\n  }\n}",
        judge_policy: judge,
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    judge_each_held_policy(snapshot, config, out, judge);
}

fn judge(_name: &str, document: &PolicyDocument, _config: &CheckConfig) -> PolicyVerdict {
    lint_verdict(
        document,
        &[LintKind::ServiceWildcard],
        "has no service-wide wildcard",
    )
}
