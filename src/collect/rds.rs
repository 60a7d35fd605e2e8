//! RDS: DB instances and clusters of [`RdsRegion`], for storage encryption.

use aws_sdk_rds::types;
use aws_sdk_rds::Client;
use ztaudit_checks::snapshot::{DbCluster, DbInstance, RdsRegion};

use super::calls::RegionCalls;

const SERVICE: &str = "rds";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> RdsRegion {
    let (instances, clusters) = tokio::join!(
        calls.list(
            SERVICE,
            "DescribeDBInstances",
            || {
                client
                    .describe_db_instances()
                    .max_records(100)
                    .into_paginator()
                    .items()
                    .send()
            },
            instance,
        ),
        calls.list(
            SERVICE,
            "DescribeDBClusters",
            || {
                client
                    .describe_db_clusters()
                    .max_records(100)
                    .into_paginator()
                    .items()
                    .send()
            },
            cluster,
        ),
    );
    RdsRegion {
        instances,
        clusters,
    }
}

fn instance(instance: &types::DbInstance) -> DbInstance {
    DbInstance {
        id: instance
            .db_instance_identifier()
            .unwrap_or_default()
            .to_owned(),
        arn: instance.db_instance_arn().unwrap_or_default().to_owned(),
        engine: instance.engine().unwrap_or_default().to_owned(),
        // Absent is not "encrypted": never a false PASS.
        storage_encrypted: instance.storage_encrypted().unwrap_or(false),
        kms_key_id: instance.kms_key_id().map(str::to_owned),
        cluster_id: instance.db_cluster_identifier().map(str::to_owned),
    }
}

fn cluster(cluster: &types::DbCluster) -> DbCluster {
    DbCluster {
        id: cluster
            .db_cluster_identifier()
            .unwrap_or_default()
            .to_owned(),
        arn: cluster.db_cluster_arn().unwrap_or_default().to_owned(),
        engine: cluster.engine().unwrap_or_default().to_owned(),
        storage_encrypted: cluster.storage_encrypted().unwrap_or(false),
        kms_key_id: cluster.kms_key_id().map(str::to_owned),
    }
}
