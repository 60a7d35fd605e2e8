use ztaudit_policy::lint::LintKind;

use ztaudit_policy::PolicyDocument;

use super::shared::{judge_each_held_policy, lint_verdict};
use crate::declare_check;
use crate::{CheckConfig, Findings, PolicyVerdict, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds customer-managed and inline policies that allow every action on every resource
    /// (`"Action": "*"` or `"*:*"` with `"Resource": "*"`).
    ///
    /// ## Why is this bad?
    /// Full administrator rights are the opposite of least privilege: whoever holds the policy —
    /// or steals a credential of someone who does — owns the account. Zero Trust grants the
    /// actions a job needs, on the resources it needs.
    ///
    /// ## How it is evaluated
    /// - The policy engine parses each document (URL-decoded as IAM returns it) and flags an
    ///   `Allow` statement whose actions match every action and resources match every resource.
    /// - FAIL: the policy has such a statement. PASS: it has none.
    /// - ERROR: the authorization details could not be read, or a document could not be parsed.
    /// - Permissions boundaries: when a user or role holding the policy (directly or through a
    ///   group) has one, the FAIL names it and how many privileged actions it allows on every
    ///   resource (ZT117's list): the policy is still reported — a boundary can be removed, and
    ///   the policy is over-broad for whoever gets it next — but its holders can do less.
    /// - AWS-managed policies (such as `AdministratorAccess`) are AWS's and are not reported;
    ///   who holds them shows in ZT101.
    ///
    /// ## References
    /// - AWS FSBP IAM.1
    /// - CIS AWS Foundations Benchmark v3.0 1.16
    pub FullAdminPolicy {
        id: "ZT103",
        name: "full-admin-policy",
        title: "Policy grants full administrator rights",
        severity: High,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.1"],
        cis: ["1.16"],
        remediation_cli: "aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://least-privilege.json --set-as-default\n# IAM Access Analyzer can draft it from CloudTrail activity:\naws accessanalyzer start-policy-generation --policy-generation-details principalArn=PRINCIPAL_ARN",
        remediation_terraform: "data \"aws_iam_policy_document\" \"app\" {\n  statement {\n    actions   = [\"s3:GetObject\", \"s3:PutObject\"]\n    resources = [\"${aws_s3_bucket.app.arn}/*\"]\n  }\n}",
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
        &[LintKind::FullAdmin],
        "does not grant full administrator rights",
    )
}
