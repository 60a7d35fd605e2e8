use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds RDS DB clusters (Aurora, Multi-AZ DB clusters) whose storage is not encrypted.
    ///
    /// ## Why is this bad?
    /// The cluster volume holds the data of every instance in it; unencrypted, it and its
    /// snapshots are readable by whoever obtains a copy. Encryption cannot be turned on later.
    ///
    /// ## How it is evaluated
    /// - PASS: the cluster's storage is encrypted.
    /// - FAIL: it is not.
    /// - ERROR: the region's DB clusters could not be read.
    ///
    /// ## References
    /// - AWS FSBP RDS.27
    /// - CIS AWS Foundations Benchmark v3.0 2.3.1
    pub RdsClusterUnencrypted {
        id: "ZT508",
        name: "rds-cluster-unencrypted",
        title: "RDS DB cluster storage is not encrypted",
        severity: High,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["RDS.27"],
        cis: ["2.3.1"],
        remediation_cli: "# Storage cannot be encrypted in place: snapshot, restore encrypted, switch over.\naws rds create-db-cluster-snapshot --db-cluster-identifier CLUSTER --db-cluster-snapshot-identifier CLUSTER-plain\naws rds restore-db-cluster-from-snapshot --db-cluster-identifier CLUSTER-new --snapshot-identifier CLUSTER-plain --engine ENGINE --kms-key-id KMS_KEY_ARN",
        remediation_terraform: "resource \"aws_rds_cluster\" \"app\" {\n  # ...\n  storage_encrypted = true\n  kms_key_id        = aws_kms_key.rds.arn\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(clusters) = out.require("rds", region, &data.rds.clusters) else {
            continue;
        };
        for cluster in clusters {
            let resource = out.resource(region, cluster);
            if cluster.storage_encrypted {
                out.pass(
                    resource,
                    format!("{} ({}) has encrypted storage", cluster.id, cluster.engine),
                );
            } else {
                out.fail(
                    resource,
                    format!(
                        "{} ({}) has unencrypted storage",
                        cluster.id, cluster.engine
                    ),
                );
            }
        }
    }
}
