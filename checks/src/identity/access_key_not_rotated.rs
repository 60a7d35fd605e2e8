use super::shared::days_before_collection;
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds active access keys older than the maximum age (90 days unless configured).
    ///
    /// ## Why is this bad?
    /// A long-lived key is a standing secret: the longer it lives, the more places it has been
    /// copied to. Zero Trust prefers short-lived credentials issued per session (roles,
    /// IAM Identity Center, or a secrets broker such as Vault generating them); where a key must
    /// exist, rotation bounds the damage of a leak.
    ///
    /// ## How it is evaluated
    /// - FAIL: a key of the user is active and `last_rotated` is more than the maximum age before
    ///   the collection started.
    /// - PASS: every active key of the user is younger.
    /// - Users without an active key are not reported.
    /// - ERROR: the credential report could not be read.
    ///
    /// ## References
    /// - AWS FSBP IAM.3
    /// - CIS AWS Foundations Benchmark v3.0 1.14
    pub AccessKeyNotRotated {
        id: "ZT112",
        name: "access-key-not-rotated",
        title: "Access key older than the maximum age",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.3"],
        cis: ["1.14"],
        remediation_cli: "aws iam create-access-key --user-name USER_NAME\n# deploy the new key, then:\naws iam update-access-key --user-name USER_NAME --access-key-id OLD_KEY_ID --status Inactive\naws iam delete-access-key --user-name USER_NAME --access-key-id OLD_KEY_ID",
        remediation_terraform: "# Prefer no key at all: give workloads a role.\nresource \"aws_iam_role\" \"app\" {\n  name               = \"app\"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let Some(report) = out.require_global("iam", &snapshot.global.iam.credential_report) else {
        return;
    };
    let max_age = config.access_key_max_age_days;
    for row in report {
        let active: Vec<_> = row.access_keys.iter().filter(|key| key.active).collect();
        if active.is_empty() {
            continue;
        }
        let resource = out.resource(GLOBAL_REGION, row);
        let stale: Vec<String> = active
            .iter()
            .filter_map(|key| {
                let age = key
                    .last_rotated
                    .as_deref()
                    .and_then(|date| days_before_collection(snapshot, date));
                match age {
                    Some(days) if days <= max_age => None,
                    Some(days) => Some(format!("access key {} is {days} days old", key.slot)),
                    None => Some(format!("access key {} has no rotation date", key.slot)),
                }
            })
            .collect();
        if stale.is_empty() {
            out.pass(
                resource,
                format!(
                    "{}'s active access keys are at most {max_age} days old",
                    row.user
                ),
            );
        } else {
            out.fail(
                resource,
                format!("{}: {} (maximum {max_age})", row.user, stale.join(", ")),
            );
        }
    }
}
