use super::shared::summary_value;
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::RootUser;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that the root user has MFA enabled.
    ///
    /// ## Why is this bad?
    /// The root user can do anything, including closing the account and undoing every guard
    /// rail. Protected by a password alone, one phished or reused password hands over the
    /// account; "always verify" starts with the most powerful identity.
    ///
    /// ## How it is evaluated
    /// - PASS: `GetAccountSummary` reports `AccountMFAEnabled` = 1.
    /// - FAIL: it reports 0.
    /// - ERROR: the account summary could not be read.
    ///
    /// ## References
    /// - AWS FSBP IAM.9
    /// - CIS AWS Foundations Benchmark v3.0 1.5
    pub RootWithoutMfa {
        id: "ZT108",
        name: "root-without-mfa",
        title: "Root user without MFA",
        severity: Critical,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.9"],
        cis: ["1.5"],
        remediation_cli: "# Sign in as root, then: IAM console > Security credentials > Assign MFA device.\naws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'",
        remediation_terraform: "# Root MFA cannot be managed by Terraform; enforce it with an SCP-protected process and\n# monitor it with an AWS Config rule:\nresource \"aws_config_config_rule\" \"root_mfa\" {\n  name = \"root-account-mfa-enabled\"\n  source {\n    owner             = \"AWS\"\n    source_identifier = \"ROOT_ACCOUNT_MFA_ENABLED\"\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(summary) = out.require_global("iam", &snapshot.global.iam.account_summary) else {
        return;
    };
    let resource = out.resource(GLOBAL_REGION, &RootUser);
    match summary_value(summary, "AccountMFAEnabled") {
        Ok(1) => out.pass(resource, "the root user has MFA enabled"),
        Ok(_) => out.fail(resource, "the root user has no MFA device"),
        Err(reason) => out.unevaluable(resource, reason),
    }
}
