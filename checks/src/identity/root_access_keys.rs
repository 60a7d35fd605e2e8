use super::shared::summary_value;
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::RootUser;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that the root user has no access keys.
    ///
    /// ## Why is this bad?
    /// A root access key is a long-lived, unrestricted credential that no policy can limit and
    /// no MFA protects. Leaked once — in a repository, a laptop backup, a CI log — it is the
    /// whole account. Nothing needs it: use roles.
    ///
    /// ## How it is evaluated
    /// - PASS: `GetAccountSummary` reports `AccountAccessKeysPresent` = 0.
    /// - FAIL: it reports 1.
    /// - ERROR: the account summary could not be read.
    ///
    /// ## References
    /// - AWS FSBP IAM.4
    /// - CIS AWS Foundations Benchmark v3.0 1.4
    pub RootAccessKeys {
        id: "ZT110",
        name: "root-access-keys",
        title: "Root user has access keys",
        severity: Critical,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.4"],
        cis: ["1.4"],
        remediation_cli: "# Signed in as root (the only identity that can):\naws iam list-access-keys\naws iam delete-access-key --access-key-id ACCESS_KEY_ID",
        remediation_terraform: "# Root keys are not manageable by Terraform; detect them with AWS Config:\nresource \"aws_config_config_rule\" \"root_keys\" {\n  name = \"iam-root-access-key-check\"\n  source {\n    owner             = \"AWS\"\n    source_identifier = \"IAM_ROOT_ACCESS_KEY_CHECK\"\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(summary) = out.require_global("iam", &snapshot.global.iam.account_summary) else {
        return;
    };
    let resource = out.resource(GLOBAL_REGION, &RootUser);
    match summary_value(summary, "AccountAccessKeysPresent") {
        Ok(0) => out.pass(resource, "the root user has no access keys"),
        Ok(_) => out.fail(resource, "the root user has an access key"),
        Err(reason) => out.unevaluable(resource, reason),
    }
}
