use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds IAM users with policies attached directly — inline or managed — rather than through
    /// groups or roles.
    ///
    /// ## Why is this bad?
    /// Permissions granted person by person drift apart and outlive the job they were for; no
    /// one can review who can do what. Least privilege is kept by granting through a few groups
    /// or roles that are reviewed as a whole.
    ///
    /// ## How it is evaluated
    /// - FAIL: `GetAccountAuthorizationDetails` shows inline policies or attached managed
    ///   policies on the user.
    /// - PASS: the user has neither.
    /// - ERROR: the authorization details could not be read.
    ///
    /// ## References
    /// - AWS FSBP IAM.2
    /// - CIS AWS Foundations Benchmark v3.0 1.15
    pub PolicyAttachedToUser {
        id: "ZT106",
        name: "policy-attached-to-user",
        title: "IAM user has policies attached directly",
        severity: Low,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.2"],
        cis: ["1.15"],
        remediation_cli: "aws iam add-user-to-group --user-name USER_NAME --group-name GROUP_NAME\naws iam detach-user-policy --user-name USER_NAME --policy-arn POLICY_ARN\naws iam delete-user-policy --user-name USER_NAME --policy-name POLICY_NAME",
        remediation_terraform: "resource \"aws_iam_group_policy_attachment\" \"developers\" {\n  group      = aws_iam_group.developers.name\n  policy_arn = aws_iam_policy.developer.arn\n}\n\nresource \"aws_iam_user_group_membership\" \"alice\" {\n  user   = aws_iam_user.alice.name\n  groups = [aws_iam_group.developers.name]\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(authorization) = out.require_global("iam", &snapshot.global.iam.authorization) else {
        return;
    };
    for user in &authorization.users {
        let resource = out.resource(GLOBAL_REGION, user);
        let (inline, attached) = (user.inline_policies.len(), user.attached_policies.len());
        if inline + attached == 0 {
            out.pass(
                resource,
                format!("{} receives permissions only through groups", user.name),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "{} has {inline} inline and {attached} attached managed policies of its own",
                    user.name
                ),
            );
        }
    }
}
