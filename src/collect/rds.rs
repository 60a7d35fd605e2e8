//! RDS: DB instances and clusters of [`RdsRegion`], for storage encryption and network placement.

use aws_sdk_rds::types;
use aws_sdk_rds::Client;
use ztaudit_checks::snapshot::{DbCluster, DbInstance, DbNetwork, RdsRegion};

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
        network: Some(network(instance)),
    }
}

fn network(instance: &types::DbInstance) -> DbNetwork {
    let subnet_group = instance.db_subnet_group();
    let mut subnet_ids: Vec<String> = subnet_group
        .map(|group| group.subnets())
        .unwrap_or_default()
        .iter()
        .filter_map(|subnet| subnet.subnet_identifier().map(str::to_owned))
        .collect();
    subnet_ids.sort();
    let mut security_group_ids: Vec<String> = instance
        .vpc_security_groups()
        .iter()
        // A group being removed still filters until it is gone; only `inactive` ones do not.
        .filter(|membership| membership.status() != Some("inactive"))
        .filter_map(|membership| membership.vpc_security_group_id().map(str::to_owned))
        .collect();
    security_group_ids.sort();
    DbNetwork {
        publicly_accessible: instance.publicly_accessible(),
        port: instance
            .endpoint()
            .and_then(|endpoint| endpoint.port())
            .or(instance.db_instance_port().filter(|port| *port > 0))
            .and_then(|port| u16::try_from(port).ok()),
        vpc_id: subnet_group
            .and_then(|group| group.vpc_id())
            .map(str::to_owned),
        subnet_ids,
        security_group_ids,
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
