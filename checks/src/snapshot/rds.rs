//! RDS data of one region: DB instances and clusters, for storage encryption.

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
