use ztaudit_policy::lint::LintKind;

use ztaudit_policy::PolicyDocument;

use super::shared::{judge_each_held_policy, lint_verdict};
use crate::declare_check;
use crate::{CheckConfig, Findings, PolicyVerdict, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds `Allow` statements written with `NotAction` or `NotResource` in customer-managed and
    /// inline policies.
    ///
    /// ## Why is this bad?
    /// `Allow` + `NotAction` grants everything except a list — every new AWS action included —
    /// and `Allow` + `NotResource` grants on every resource but a few. Both are deny-lists
    /// written as grants: the opposite of least privilege, and easy to misread in review.
    ///
    /// ## How it is evaluated
    /// - FAIL: a statement has `"Effect": "Allow"` with `NotAction` or `NotResource`.
    /// - PASS: none has. (`Deny` + `NotAction` is a legitimate guard and is not reported.)
    /// - ERROR: the authorization details could not be read, or a document could not be parsed.
    /// - Permissions boundaries: when a user or role holding the policy (directly or through a
    ///   group) has one, the FAIL names it and how many privileged actions it allows on every
    ///   resource (ZT117's list): the policy is still reported — a boundary can be removed, and
    ///   the policy is over-broad for whoever gets it next — but its holders can do less.
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: NotAction" and "NotResource"
    pub AllowWithNotAction {
        id: "ZT105",
        name: "allow-with-not-action",
        title: "Policy allows with NotAction or NotResource",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://explicit-actions.json --set-as-default",
        remediation_terraform: "data \"aws_iam_policy_document\" \"app\" {\n  statement {\n    effect    = \"Allow\"\n    actions   = [\"ec2:DescribeInstances\"] # list what is allowed, not what is not\n    resources = [\"*\"]\n  }\n}",
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
        &[LintKind::AllowNotAction, LintKind::AllowNotResource],
        "allows only with Action and Resource",
    )
}
