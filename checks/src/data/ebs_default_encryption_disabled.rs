use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that EBS encryption by default is turned on in every scanned region.
    ///
    /// ## Why is this bad?
    /// With the default off, every new volume and snapshot is encrypted only if its creator
    /// remembers to ask. Zero Trust protects data where it rests instead of trusting the
    /// infrastructure around it; the account-level default makes that automatic.
    ///
    /// ## How it is evaluated
    /// - PASS: `GetEbsEncryptionByDefault` answers `true` in the region.
    /// - FAIL: it answers `false`.
    /// - ERROR: the setting could not be read.
    ///
    /// ## References
    /// - AWS FSBP EC2.7
    /// - CIS AWS Foundations Benchmark v3.0 2.2.1
    pub EbsDefaultEncryptionDisabled {
        id: "ZT501",
        name: "ebs-default-encryption-disabled",
        title: "EBS encryption by default is off",
        severity: Medium,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["EC2.7"],
        cis: ["2.2.1"],
        remediation_cli: "aws ec2 enable-ebs-encryption-by-default --region REGION\naws ec2 modify-ebs-default-kms-key-id --kms-key-id KMS_KEY_ARN --region REGION",
        remediation_terraform: "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\n\nresource \"aws_ebs_default_kms_key\" \"this\" {\n  key_arn = aws_kms_key.ebs.arn\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(&enabled) = out.require("ec2", region, &data.ec2.ebs_encryption_by_default) else {
            continue;
        };
        let resource = out.account_resource("ec2", region);
        if enabled {
            out.pass(
                resource,
                format!("EBS encryption by default is on in {region}"),
            );
        } else {
            out.fail(
                resource,
                format!("EBS encryption by default is off in {region}"),
            );
        }
    }
}
