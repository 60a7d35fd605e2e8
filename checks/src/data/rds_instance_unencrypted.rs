use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds RDS DB instances whose storage is not encrypted.
    ///
    /// ## Why is this bad?
    /// Unencrypted storage, and every snapshot and read replica made from it, can be read by
    /// whoever obtains a copy, with no key policy in the way. Encryption cannot be turned on
    /// later: the data has to be moved to a new, encrypted instance.
    ///
    /// ## How it is evaluated
    /// Instances of a DB cluster (Aurora) share the cluster's storage: ZT508 judges those.
    /// - PASS: the instance's storage is encrypted.
    /// - FAIL: it is not.
    /// - ERROR: the region's DB instances could not be read.
    ///
    /// ## References
    /// - AWS FSBP RDS.3
    /// - CIS AWS Foundations Benchmark v3.0 2.3.1
    pub RdsInstanceUnencrypted {
        id: "ZT507",
        name: "rds-instance-unencrypted",
        title: "RDS DB instance storage is not encrypted",
        severity: High,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["RDS.3"],
        cis: ["2.3.1"],
        remediation_cli: "# Storage cannot be encrypted in place: snapshot, copy encrypted, restore, switch over.\naws rds create-db-snapshot --db-instance-identifier DB --db-snapshot-identifier DB-plain\naws rds copy-db-snapshot --source-db-snapshot-identifier DB-plain --target-db-snapshot-identifier DB-encrypted --kms-key-id KMS_KEY_ARN\naws rds restore-db-instance-from-db-snapshot --db-instance-identifier DB-new --db-snapshot-identifier DB-encrypted",
        remediation_terraform: "resource \"aws_db_instance\" \"app\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(instances) = out.require("rds", region, &data.rds.instances) else {
            continue;
        };
        for instance in instances.iter().filter(|i| i.cluster_id.is_none()) {
            let resource = out.resource(region, instance);
            if instance.storage_encrypted {
                out.pass(
                    resource,
                    format!(
                        "{} ({}) has encrypted storage",
                        instance.id, instance.engine
                    ),
                );
            } else {
                out.fail(
                    resource,
                    format!(
                        "{} ({}) has unencrypted storage",
                        instance.id, instance.engine
                    ),
                );
            }
        }
    }
}
