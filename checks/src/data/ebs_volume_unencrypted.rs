use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds EBS volumes that are not encrypted.
    ///
    /// ## Why is this bad?
    /// An unencrypted volume, or any snapshot of it, can be read by whoever gets hold of it —
    /// a shared snapshot, a mis-scoped copy — with no key policy to stop them. Encryption with
    /// KMS makes every read of the data an authorised, logged request.
    ///
    /// ## How it is evaluated
    /// - PASS: the volume is encrypted.
    /// - FAIL: it is not.
    /// - ERROR: the volumes of the region could not be read.
    ///
    /// ## References
    /// - AWS FSBP EC2.3
    /// - CIS AWS Foundations Benchmark v3.0 2.2.1 (encryption by default, which prevents new ones)
    pub EbsVolumeUnencrypted {
        id: "ZT502",
        name: "ebs-volume-unencrypted",
        title: "EBS volume is not encrypted",
        severity: Medium,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["EC2.3"],
        cis: [],
        remediation_cli: "# Volumes cannot be encrypted in place: snapshot, copy encrypted, and swap.\naws ec2 create-snapshot --volume-id VOLUME_ID\naws ec2 copy-snapshot --source-snapshot-id SNAPSHOT_ID --source-region REGION --encrypted --kms-key-id KMS_KEY_ARN\naws ec2 create-volume --snapshot-id ENCRYPTED_SNAPSHOT_ID --availability-zone AZ",
        remediation_terraform: "resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"eu-west-1a\"\n  size              = 100\n  encrypted         = true\n  kms_key_id        = aws_kms_key.ebs.arn\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(volumes) = out.require("ec2", region, &data.ec2.volumes) else {
            continue;
        };
        for volume in volumes {
            let resource = out.resource(region, volume);
            let attached = if volume.attached_to.is_empty() {
                String::from(" (not attached)")
            } else {
                format!(" (attached to {})", volume.attached_to.join(", "))
            };
            if volume.encrypted {
                out.pass(resource, format!("{}{attached} is encrypted", volume.id));
            } else {
                out.fail(
                    resource,
                    format!("{}{attached} is not encrypted", volume.id),
                );
            }
        }
    }
}
