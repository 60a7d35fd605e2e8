use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds customer-managed KMS keys without automatic key rotation.
    ///
    /// ## Why is this bad?
    /// A key that never rotates protects ever more data with the same material, so anything
    /// that ever exposed it keeps its value forever. Rotation limits what one compromise of key
    /// material can decrypt, at no cost to callers (the key id and ARN stay the same).
    ///
    /// ## How it is evaluated
    /// Only enabled, customer-managed, symmetric encryption keys with key material from KMS can
    /// rotate automatically; AWS-managed keys rotate on AWS's schedule, and asymmetric, HMAC,
    /// imported and disabled keys are not judged.
    /// - PASS: rotation is on.
    /// - FAIL: rotation is off.
    /// - ERROR: the keys, a key's description or its rotation status could not be read.
    ///
    /// ## References
    /// - AWS FSBP KMS.4
    /// - CIS AWS Foundations Benchmark v3.0 3.6
    pub KmsKeyRotationDisabled {
        id: "ZT509",
        name: "kms-key-rotation-disabled",
        title: "Customer-managed KMS key without automatic rotation",
        severity: Medium,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["KMS.4"],
        cis: ["3.6"],
        remediation_cli: "aws kms enable-key-rotation --key-id KEY_ID --region REGION",
        remediation_terraform: "resource \"aws_kms_key\" \"data\" {\n  description         = \"data\"\n  enable_key_rotation = true\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(keys) = out.require("kms", region, &data.kms.keys) else {
            continue;
        };
        for key in keys {
            let resource = out.resource(region, key);
            let metadata = match key.metadata.as_result() {
                Ok(metadata) => metadata,
                Err(error) => {
                    out.error(resource, error);
                    continue;
                }
            };
            if !metadata.rotation_applies() {
                continue;
            }
            match key.rotation_enabled.as_ref().map(|r| r.as_result()) {
                Some(Ok(true)) => {
                    out.pass(resource, format!("key {} rotates automatically", key.id))
                }
                Some(Ok(false)) => out.fail(
                    resource,
                    format!("key {} has automatic rotation off", key.id),
                ),
                Some(Err(error)) => out.error(resource, error),
                None => out.unevaluable(
                    resource,
                    format!("the rotation status of key {} was not collected", key.id),
                ),
            }
        }
    }
}
