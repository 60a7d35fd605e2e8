//! RDS data of one region: DB instances and clusters, for storage encryption and for whether
//! the internet can reach them.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsRegion {
    /// `DescribeDBInstances`.
    #[serde(default)]
    pub instances: Collected<Vec<DbInstance>>,
    /// `DescribeDBClusters` (Aurora, and Multi-AZ DB clusters).
    #[serde(default)]
    pub clusters: Collected<Vec<DbCluster>>,
}

impl RdsRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        [self.instances.error(), self.clusters.error()]
            .into_iter()
            .flatten()
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    pub id: String,
    pub arn: String,
    pub engine: String,
    pub storage_encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The cluster the instance belongs to; its storage is the cluster's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// Where the instance sits on the network, from the same `DescribeDBInstances` answer.
    /// Absent (snapshots of older versions) means not collected: the checks that need it
    /// report ERROR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<DbNetwork>,
}

/// How a DB instance can be reached: whether it has a public address, on which port, in which
/// subnets and behind which security groups.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbNetwork {
    /// `PubliclyAccessible`: its endpoint resolves to a public address. Absent when AWS did
    /// not say, which the checks answer with ERROR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    /// The port it listens on (`Endpoint.Port`, else `DbInstancePort`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// The subnets of its DB subnet group: it runs in one of them, and fails over to another.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Its VPC security groups that are active.
    #[serde(default)]
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbCluster {
    pub id: String,
    pub arn: String,
    pub engine: String,
    pub storage_encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}
