//! RDS: DB instances and clusters, for storage encryption (ZT507, ZT508) and for what the
//! reachability check reads of their placement.
//!
//! - `aws_db_instance` is a DB instance; `aws_rds_cluster` a cluster. `storage_encrypted`
//!   defaults to false, as the API's `StorageEncrypted` does, except that an Aurora
//!   Serverless v1 cluster (`engine_mode = "serverless"`) is always encrypted.
//! - A DB restored from a snapshot (`snapshot_identifier`) or a read replica
//!   (`replicate_source_db`) takes its encryption from its source when `storage_encrypted` is
//!   not set: unknown until apply, encrypted at best and not at worst.
//! - Placement: `publicly_accessible` (default false), `port` (else the engine's default) and
//!   `vpc_security_group_ids`; the subnets are not mapped, so a publicly accessible instance
//!   is judged on data the plan does not declare.

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::{DbCluster, DbInstance, DbNetwork};
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::Known;

pub fn map(m: &mut Mapping<'_>) {
    if !m.declares(&["aws_db_instance", "aws_rds_cluster"]) {
        return;
    }
    let mut instances: BTreeMap<String, Vec<DbInstance>> = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_db_instance").collect();
    for planned in declared {
        let region = planned.region.to_owned();
        let id = identifier(planned);
        let engine = planned.known_str("engine").unwrap_or("unknown engine");
        let public = planned.values.get("publicly_accessible");
        let publicly_accessible =
            m.resolve_bool(planned, "publicly_accessible", public, false, false, true);
        let instance = DbInstance {
            arn: m.arn_of(planned, "rds", &region, &format!("db:{id}")),
            engine: engine.to_owned(),
            storage_encrypted: storage_encrypted(m, planned, false),
            kms_key_id: planned.known_str("kms_key_id").map(str::to_owned),
            cluster_id: None,
            network: Some(DbNetwork {
                publicly_accessible: Some(publicly_accessible),
                port: planned
                    .values
                    .get("port")
                    .i64()
                    .or(None)
                    .and_then(|port| u16::try_from(port).ok())
                    .or_else(|| default_port(engine)),
                vpc_id: None,
                subnet_ids: Vec::new(),
                security_group_ids: planned
                    .values
                    .get("vpc_security_group_ids")
                    .known_strings()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            }),
            id,
        };
        m.register(planned, &region, &instance);
        instances.entry(region).or_default().push(instance);
    }
    let mut clusters: BTreeMap<String, Vec<DbCluster>> = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_rds_cluster").collect();
    for planned in declared {
        let region = planned.region.to_owned();
        let id = identifier(planned);
        let serverless_v1 = planned.known_str("engine_mode") == Some("serverless");
        let cluster = DbCluster {
            arn: m.arn_of(planned, "rds", &region, &format!("cluster:{id}")),
            engine: planned
                .known_str("engine")
                .unwrap_or("unknown engine")
                .to_owned(),
            storage_encrypted: storage_encrypted(m, planned, serverless_v1),
            kms_key_id: planned.known_str("kms_key_id").map(str::to_owned),
            id,
        };
        m.register(planned, &region, &cluster);
        clusters.entry(region).or_default().push(cluster);
    }
    // Only the regions the plan declares RDS resources in: it says nothing of the others.
    let mut regions: Vec<String> = instances.keys().chain(clusters.keys()).cloned().collect();
    regions.dedup();
    for region in regions {
        // Stably by id: same-named declarations keep their registration order.
        let mut listed = instances.remove(&region).unwrap_or_default();
        listed.sort_by(|a, b| a.id.cmp(&b.id));
        let mut listed_clusters = clusters.remove(&region).unwrap_or_default();
        listed_clusters.sort_by(|a, b| a.id.cmp(&b.id));
        let rds = &mut m.region(&region).rds;
        rds.instances = Collected::Ok(listed);
        rds.clusters = Collected::Ok(listed_clusters);
    }
}

/// The identifier AWS will use: `identifier` (for an instance) or `cluster_identifier`, when
/// known; else the address, for a name Terraform generates at apply.
fn identifier(planned: &Planned<'_>) -> String {
    planned
        .known_str("identifier")
        .or_else(|| planned.known_str("cluster_identifier"))
        .unwrap_or(planned.address)
        .to_owned()
}

/// Whether the storage will be encrypted (see the module's documentation).
fn storage_encrypted(m: &mut Mapping<'_>, planned: &Planned<'_>, always: bool) -> bool {
    if always {
        return true;
    }
    let inherited = ["snapshot_identifier", "replicate_source_db"]
        .iter()
        .any(|key| planned.configured(key));
    let known = match planned.values.get("storage_encrypted").bool() {
        Known::Value(None) if inherited && !planned.configured("storage_encrypted") => {
            Known::Unknown
        }
        Known::Value(encrypted) => Known::Value(encrypted.unwrap_or(false)),
        Known::Unknown => Known::Unknown,
    };
    m.resolve(planned, "storage_encrypted", known, true, false)
}

/// The port an engine listens on when none is set.
fn default_port(engine: &str) -> Option<u16> {
    match engine {
        e if e.contains("postgres") => Some(5432),
        e if e.contains("mysql") || e.contains("mariadb") => Some(3306),
        e if e.starts_with("oracle") => Some(1521),
        e if e.starts_with("sqlserver") => Some(1433),
        e if e.starts_with("db2") => Some(50000),
        _ => None,
    }
}
