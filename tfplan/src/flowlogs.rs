//! VPCs and their flow logs (ZT601).
//!
//! - `aws_vpc` and `aws_default_vpc`: the VPCs, by their id when known, else their address.
//! - `aws_flow_log`: the flow log of the VPC its `vpc_id` names (known, or the `aws_vpc` it
//!   references); flow logs of subnets and network interfaces are kept with the id they name.
//!   A flow log AWS creates is `ACTIVE`; `traffic_type` is as planned.
//! - A region where the plan creates every VPC: the flow logs the plan declares are all there
//!   are. A region with a VPC that exists already and has no flow log in the plan: its flow
//!   logs are not declared in the plan, and ZT601 there is NOT_APPLICABLE. A plan with no VPC
//!   leaves ZT601 NOT_APPLICABLE everywhere.
//! - Unknown `traffic_type`: `ALL` at best, `ACCEPT` (no rejected traffic) at worst; a flow
//!   log whose VPC only apply decides logs none of them.

use std::collections::{BTreeMap, HashMap};

use ztaudit_checks::snapshot::{FlowLog, Vpc};
use ztaudit_checks::{CallError, Collected};

use crate::mapping::Mapping;
use crate::plan::{Action, Planned};
use crate::values::Known;

const VPC_TYPES: [&str; 2] = ["aws_vpc", "aws_default_vpc"];

pub fn map(m: &mut Mapping<'_>) {
    let declared: Vec<&Planned<'_>> = VPC_TYPES.iter().flat_map(|t| m.of_type(t)).collect();
    if declared.is_empty() {
        return;
    }
    let mut vpcs: BTreeMap<String, Vec<Vpc>> = BTreeMap::new();
    // VPC id → its declaration, and address → id, for the flow logs to join.
    let mut by_id: HashMap<String, &Planned<'_>> = HashMap::new();
    let mut id_of: HashMap<&str, String> = HashMap::new();
    for planned in declared {
        let id = planned
            .known_str("id")
            .unwrap_or(planned.address)
            .to_owned();
        let vpc = Vpc {
            id: id.clone(),
            is_default: planned.resource_type == "aws_default_vpc",
            cidr_block: planned.known_str("cidr_block").map(str::to_owned),
            tags: BTreeMap::new(),
        };
        m.register(planned, planned.region, &vpc);
        by_id.entry(id.clone()).or_insert(planned);
        id_of.insert(planned.address, id);
        vpcs.entry(planned.region.to_owned()).or_default().push(vpc);
    }

    let mut logs: BTreeMap<String, Vec<FlowLog>> = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_flow_log").collect();
    for planned in declared {
        let target = ["vpc_id", "subnet_id", "eni_id", "transit_gateway_id"]
            .into_iter()
            .find_map(|key| planned.known_str(key).map(str::to_owned))
            .or_else(
                || match m.referenced(planned, "vpc_id", &VPC_TYPES).as_slice() {
                    [one] => id_of.get(one.address).cloned(),
                    _ => None,
                },
            );
        let Some(resource_id) = target else {
            m.unknown(planned, "vpc_id");
            continue;
        };
        let owner = by_id.get(&resource_id).copied().unwrap_or(planned);
        let traffic_type = match planned.values.get("traffic_type").str() {
            Known::Value(value) => value.map(str::to_owned),
            Known::Unknown => {
                m.unknown(owner, format!("{}.traffic_type", planned.address));
                Some(m.case.pick("ALL", "ACCEPT").to_owned())
            }
        };
        logs.entry(planned.region.to_owned())
            .or_default()
            .push(FlowLog {
                id: planned
                    .known_str("id")
                    .unwrap_or(planned.address)
                    .to_owned(),
                resource_id,
                traffic_type,
                status: Some("ACTIVE".to_owned()),
            });
    }

    for (region, mut list) in vpcs {
        list.sort_by(|a, b| a.id.cmp(&b.id));
        let mut region_logs = logs.remove(&region).unwrap_or_default();
        region_logs.sort_by(|a, b| a.id.cmp(&b.id));
        let unlisted = list.iter().any(|vpc| {
            by_id
                .get(&vpc.id)
                .is_some_and(|planned| planned.action != Action::Create)
                && !region_logs.iter().any(|log| log.resource_id == vpc.id)
        });
        let data = &mut m.region(&region).ec2;
        data.vpcs = Collected::Ok(list);
        data.flow_logs = if unlisted {
            Collected::Error(CallError::not_in_plan(
                "ec2",
                format!("the flow logs of the VPCs that exist already in {region}"),
            ))
        } else {
            Collected::Ok(region_logs)
        };
    }
}
