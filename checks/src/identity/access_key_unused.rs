use super::shared::days_before_collection;
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds active access keys that have not been used for a while (45 days unless
    /// configured), or never.
    ///
    /// ## Why is this bad?
    /// An unused key grants access nobody needs — the purest violation of least privilege — and
    /// its owner will not notice when someone else starts using it.
    ///
    /// ## How it is evaluated
    /// - FAIL: an active key's last use (or, never used, its creation) is more than the limit
    ///   before the collection started.
    /// - PASS: every active key of the user was used within the limit.
    /// - Users without an active key are not reported.
    /// - ERROR: the credential report could not be read.
    ///
    /// ## References
    /// - AWS FSBP IAM.8
    /// - CIS AWS Foundations Benchmark v3.0 1.12
    pub AccessKeyUnused {
        id: "ZT111",
        name: "access-key-unused",
        title: "Active access key unused",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.8"],
        cis: ["1.12"],
        remediation_cli: "aws iam update-access-key --user-name USER_NAME --access-key-id KEY_ID --status Inactive\naws iam delete-access-key --user-name USER_NAME --access-key-id KEY_ID",
        remediation_terraform: "# Remove the aws_iam_access_key resource of the unused key:\n# resource \"aws_iam_access_key\" \"alice\" { user = aws_iam_user.alice.name }",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let Some(report) = out.require_global("iam", &snapshot.global.iam.credential_report) else {
        return;
    };
    let limit = config.access_key_unused_days;
    for row in report {
        let active: Vec<_> = row.access_keys.iter().filter(|key| key.active).collect();
        if active.is_empty() {
            continue;
        }
        let resource = out.resource(GLOBAL_REGION, row);
        let unused: Vec<String> = active
            .iter()
            .filter_map(|key| {
                let (since, never) = match (&key.last_used, &key.last_rotated) {
                    (Some(used), _) => (Some(used.as_str()), false),
                    (None, rotated) => (rotated.as_deref(), true),
                };
                let days = since.and_then(|date| days_before_collection(snapshot, date));
                match (days, never) {
                    (Some(days), _) if days <= limit => None,
                    (Some(days), true) => Some(format!(
                        "access key {} was never used in {days} days",
                        key.slot
                    )),
                    (Some(days), false) => Some(format!(
                        "access key {} was last used {days} days ago",
                        key.slot
                    )),
                    (None, _) => Some(format!("access key {} has no usage date", key.slot)),
                }
            })
            .collect();
        if unused.is_empty() {
            out.pass(
                resource,
                format!(
                    "{}'s active access keys were used within {limit} days",
                    row.user
                ),
            );
        } else {
            out.fail(
                resource,
                format!("{}: {} (limit {limit})", row.user, unused.join(", ")),
            );
        }
    }
}
