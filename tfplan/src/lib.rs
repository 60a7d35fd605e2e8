//! ztaudit's Terraform plan reader: a plan judged by the very checks a live account is.
//!
//! [`map_plan`] reads the JSON of `terraform show -json PLANFILE` ([`plan`]) and maps the state
//! it plans into the [`Snapshot`] model the checks read, one file per resource family
//! ([`network`], [`iam`], [`s3`], [`ebs`], [`rds`], [`kms`], [`elb`], [`guardduty`], [`securityhub`], [`config`], [`flowlogs`], [`cloudtrail`], [`events`]). Checks stay pure functions of a snapshot; what a plan adds
//! is handled around them:
//!
//! - **Values unknown until apply.** The mapper builds two snapshots: in [`Case::Best`] every
//!   unknown takes its most secure value, in [`Case::Worst`] its least secure one, and it
//!   records which attributes were unknown. [`verdict::evaluate_plan`] runs the checks on both:
//!   a (check, resource) with the same status in both keeps it; one whose status differs is
//!   `UNDECIDED`, naming the attributes known only after apply. This is exact for checks that
//!   are monotone in each attribute (a more open rule, a missing key, a wider principal never
//!   turns a FAIL into a PASS); the crate's tests check it check by check.
//! - **Data the plan does not declare** (root MFA, the credential report, a family with no
//!   resource in the plan) is an error of kind [`ErrorKind::NotInPlan`]: account-level
//!   checks on it are NOT_APPLICABLE, a resource whose verdict hangs on it is UNDECIDED.
//! - **The Terraform address as resource.** Each mapped resource's finding id (built by the
//!   snapshot types' own identity methods) is registered in [`Origins`] with its address,
//!   Terraform type and module source; findings are rewritten to the address.
//!
//! The account is the one `data.aws_caller_identity` read during planning, else
//! [`PLACEHOLDER_ACCOUNT`], which stands for an account the plan does not know: a verdict
//! that compares an account with the scanned one (a role trusting "another" account, ZT115)
//! is then UNDECIDED, never FAIL (see [`Mapping::account_known`]). The region of each resource is its provider configuration's constant
//! `region`, else [`plan::DEFAULT_REGION`].

pub mod cloudtrail;
pub mod config;
pub mod ebs;
pub mod elb;
pub mod events;
pub mod flowlogs;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod network;
pub mod overlay;
pub mod plan;
pub mod rds;
pub mod s3;
pub mod securityhub;
pub mod values;
pub mod verdict;

mod mapping;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use ztaudit_checks::snapshot::{CollectionInfo, SCHEMA_VERSION};
use ztaudit_checks::{ErrorKind, Finding, Snapshot};

pub use mapping::Mapping;
pub use plan::{Plan, Planned};
pub use values::{Case, Known, Node};
pub use verdict::evaluate_plan;

/// The account of findings on a plan that does not say which account it is for.
pub const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// Why a file is not a plan ztaudit reads.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("not valid plan JSON: {0}")]
    Json(serde_json::Error),
    #[error("not a Terraform plan: {0}")]
    NotAPlan(&'static str),
    #[error(
        "unsupported plan format_version \"{0}\" (ztaudit reads 0.x and 1.x, from `terraform show -json`)"
    )]
    UnsupportedVersion(String),
}

/// Where a mapped resource is declared, and what of it is known only after apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub address: String,
    pub resource_type: String,
    pub module_source: Option<String>,
    /// Attributes (`ingress.cidr_blocks`, `aws_security_group_rule.ssh.cidr_blocks`) known
    /// only after apply, on which its verdicts may hang.
    pub unknowns: BTreeSet<String>,
    /// The checks whose findings it answers for, when not all: a resource that stands for
    /// an account-wide setting (`aws_ebs_encryption_by_default`) answers only for the check
    /// of that setting, not for every finding on the account.
    pub only_checks: Option<BTreeSet<&'static str>>,
}

/// The Terraform origin of every mapped resource: by address, and by the id its findings carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    pub by_address: BTreeMap<String, Origin>,
    /// Finding resource id (an ARN, built by the snapshot types' identity methods) → the
    /// addresses of the resources that have it, in the order they are listed in the snapshot.
    /// Mostly one; several when declarations share a name (the same bucket name in two module
    /// instances, which apply would refuse): a check then reports each in turn, and the
    /// `n`th finding on the id is the `n`th address's.
    pub by_id: BTreeMap<String, Vec<String>>,
}

impl Origins {
    /// The origin of the `occurrence`th finding (from 0) of a check on the resource id
    /// `resource`; past the last address, the last.
    pub fn of_finding(&self, finding: &Finding, occurrence: usize) -> Option<&Origin> {
        let addresses: Vec<&Origin> = self
            .by_id
            .get(&finding.resource)?
            .iter()
            .filter_map(|address| self.by_address.get(address))
            .filter(|origin| {
                origin
                    .only_checks
                    .as_ref()
                    .is_none_or(|checks| checks.contains(finding.check_id.as_ref()))
            })
            .collect();
        addresses.get(occurrence).or(addresses.last()).copied()
    }

    pub(crate) fn register(&mut self, id: String, address: String) {
        let addresses = self.by_id.entry(id).or_default();
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
}

/// A plan mapped into the snapshot model, both ways.
#[derive(Debug, Clone)]
pub struct MappedPlan {
    pub best: Snapshot,
    pub worst: Snapshot,
    pub origins: Origins,
    /// Real ids (`sg-…`, bucket names, ARNs) of resources the plan deletes.
    pub deleted_ids: BTreeSet<String>,
}

/// Maps the plan in `text` (the JSON of `terraform show -json`).
pub fn map_plan(text: &str) -> Result<MappedPlan, PlanError> {
    let plan = Plan::parse(text)?;
    Ok(map(&plan))
}

/// Maps a parsed plan.
pub fn map(plan: &Plan) -> MappedPlan {
    map_resources(plan, &plan.resources(), plan.account(), None)
}

/// Maps `resources` of `plan` for `account`, laid over the `live` account when given
/// ([`overlay`]).
fn map_resources<'p>(
    plan: &'p Plan,
    resources: &'p [Planned<'p>],
    account: Option<&str>,
    live: Option<&'p Snapshot>,
) -> MappedPlan {
    let mut origins = Origins::default();
    let mut snapshots = [Case::Best, Case::Worst].map(|case| {
        let mut mapping = Mapping::new(plan, resources, case, account, live);
        network::map(&mut mapping);
        iam::map(&mut mapping);
        s3::map(&mut mapping);
        ebs::map(&mut mapping);
        rds::map(&mut mapping);
        kms::map(&mut mapping);
        elb::map(&mut mapping);
        guardduty::map(&mut mapping);
        securityhub::map(&mut mapping);
        config::map(&mut mapping);
        flowlogs::map(&mut mapping);
        cloudtrail::map(&mut mapping);
        events::map(&mut mapping);
        let (snapshot, found) = mapping.finish();
        merge_origins(&mut origins, found);
        snapshot
    });
    let [best, worst] = std::mem::replace(&mut snapshots, [empty(), empty()]);
    MappedPlan {
        best,
        worst,
        origins,
        deleted_ids: plan.deleted_ids(),
    }
}

fn merge_origins(into: &mut Origins, from: Origins) {
    if into.by_id.is_empty() && into.by_address.is_empty() {
        // The first case's origins, as they are (merging them into nothing, entry by
        // entry, gives the same and takes a tenth of the mapping's time on a large plan).
        *into = from;
        return;
    }
    for (id, addresses) in from.by_id {
        for address in addresses {
            into.register(id.clone(), address);
        }
    }
    for (address, origin) in from.by_address {
        let entry = into.by_address.entry(address).or_insert_with(|| Origin {
            unknowns: BTreeSet::new(),
            ..origin.clone()
        });
        entry.unknowns.extend(origin.unknowns);
    }
}

fn empty() -> Snapshot {
    base_snapshot(PLACEHOLDER_ACCOUNT, "aws", &BTreeSet::new())
}

/// A snapshot of `regions` in which every piece of data is "not declared in the plan": the
/// family mappers then set what the plan does declare. Built generically (every `Collected`
/// field the snapshot has, now or later), so that no field a check reads can be read as empty.
pub fn base_snapshot(account: &str, partition: &str, regions: &BTreeSet<String>) -> Snapshot {
    let regions_json: serde_json::Map<String, Value> = regions
        .iter()
        .map(|region| (region.clone(), Value::Object(serde_json::Map::new())))
        .collect();
    let skeleton = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool_version": concat!("ztaudit-tfplan ", env!("CARGO_PKG_VERSION")),
        "account": account,
        "partition": partition,
        "collection": CollectionInfo {
            started_at: String::new(),
            finished_at: String::new(),
            api_calls: 0,
            operations: BTreeMap::new(),
        },
        "regions": regions_json,
    });
    // Read the skeleton (every absent field defaults to "not collected"), write it back out
    // with every field present, and mark each missing piece as not in the plan.
    let defaults: Snapshot =
        serde_json::from_value(skeleton).unwrap_or_else(|_| unreachable_skeleton());
    let mut value = serde_json::to_value(&defaults).unwrap_or(Value::Null);
    mark_not_in_plan(&mut value, &mut Vec::new());
    serde_json::from_value(value).unwrap_or(defaults)
}

/// The skeleton above always deserializes; this keeps the function free of `expect`.
fn unreachable_skeleton() -> Snapshot {
    Snapshot {
        schema_version: SCHEMA_VERSION,
        tool_version: String::new(),
        account: PLACEHOLDER_ACCOUNT.to_owned(),
        partition: "aws".to_owned(),
        collection: CollectionInfo {
            started_at: String::new(),
            finished_at: String::new(),
            api_calls: 0,
            operations: BTreeMap::new(),
        },
        regions: BTreeMap::new(),
        global: Default::default(),
    }
}

fn mark_not_in_plan(value: &mut Value, path: &mut Vec<String>) {
    let Value::Object(map) = value else {
        return;
    };
    if let Some(Value::Object(error)) = map.get_mut("error") {
        let not_collected = serde_json::to_value(ErrorKind::NotCollected).unwrap_or(Value::Null);
        if error.get("kind") == Some(&not_collected) {
            // `regions.eu-west-1.ec2.network_interfaces` → `ec2 network interfaces`.
            let skip = if path.first().is_some_and(|p| p == "regions") {
                2
            } else {
                1
            };
            let named: Vec<&str> = path.iter().skip(skip).map(String::as_str).collect();
            let service = named.first().copied().unwrap_or_default();
            error.insert("service".into(), Value::from(service));
            error.insert(
                "kind".into(),
                serde_json::to_value(ErrorKind::NotInPlan).unwrap_or(Value::Null),
            );
            error.insert(
                "message".into(),
                Value::from(named.join(" ").replace('_', " ")),
            );
        }
        return;
    }
    for (key, child) in map.iter_mut() {
        path.push(key.clone());
        mark_not_in_plan(child, path);
        path.pop();
    }
}

/// `aws`, `aws-cn` or `aws-us-gov`, from a region's name.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}
