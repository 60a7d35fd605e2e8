use crate::declare_check;
use crate::visibility::shared::{evaluated_trails, is_owned_by};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that every CloudTrail trail of the account encrypts its log files with a KMS key
    /// (SSE-KMS).
    ///
    /// ## Why is this bad?
    /// Without a KMS key the logs are encrypted with S3-managed keys, and anyone allowed to
    /// read the bucket reads the whole audit trail. A KMS key adds a second, separately
    /// granted permission (`kms:Decrypt`) and a CloudTrail record of every use of it: reading
    /// the logs is itself verified and logged.
    ///
    /// ## How it is evaluated
    /// One result per trail of the account, judged once in its home region however many
    /// regions list it (`DescribeTrails` with shadow trails). Organization trails of another
    /// account are not reported here.
    /// - PASS: the trail has a `KmsKeyId`.
    /// - FAIL: it has none.
    /// - ERROR: the trails of a region could not be read.
    ///
    /// ## References
    /// - AWS FSBP CloudTrail.2
    /// - CIS AWS Foundations Benchmark v3.0 3.5
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html>
    pub CloudtrailNotEncryptedWithKms {
        id: "ZT604",
        name: "cloudtrail-not-encrypted-with-kms",
        title: "CloudTrail trail logs not encrypted with KMS",
        severity: Medium,
        pillar: VisibilityAnalytics,
        status: Stable,
        since: "0.1.0",
        fsbp: ["CloudTrail.2"],
        cis: ["3.5"],
        remediation_cli: "aws cloudtrail update-trail --name TRAIL_NAME --kms-key-id KMS_KEY_ARN --region HOME_REGION",
        remediation_terraform: "resource \"aws_cloudtrail\" \"this\" {\n  # …\n  kms_key_id = aws_kms_key.trail.arn\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        out.require("cloudtrail", region, &data.cloudtrail.trails);
    }
    for (region, trail) in evaluated_trails(snapshot).into_values() {
        if !is_owned_by(trail, &snapshot.account) {
            continue;
        }
        let resource = out.resource(region, trail);
        match &trail.kms_key_id {
            Some(key) => out.pass(
                resource,
                format!("trail {} encrypts its logs with KMS key {key}", trail.name),
            ),
            None => out.fail(
                resource,
                format!(
                    "trail {} encrypts its logs with S3-managed keys, not KMS",
                    trail.name
                ),
            ),
        }
    }
}
