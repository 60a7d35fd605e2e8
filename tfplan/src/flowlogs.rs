//! VPCs, their tags, flow logs and peerings (ZT601, and the environment checks ZT310, ZT801).
//!
//! - `aws_vpc` and `aws_default_vpc`: the VPCs, by their id when known, else their address,
//!   with their tags: `tags_all` where known (it holds the provider's `default_tags`), else
//!   `tags`. The environment tag of a VPC (ZT310, ZT801) is then what a live scan reads; a tag
//!   that only the provider's `default_tags` would add, with `tags_all` unknown, is not seen.
//! - `aws_flow_log`: the flow log of the VPC its `vpc_id` names (known, or the `aws_vpc` it
//!   references); flow logs of subnets and network interfaces are kept with the id they name.
//!   A flow log AWS creates is `ACTIVE`; `traffic_type` is as planned.
//! - A region where the plan creates every VPC: the flow logs the plan declares are all there
//!   are. A region with a VPC that exists already and has no flow log in the plan: its flow
//!   logs are not declared in the plan, and ZT601 there is NOT_APPLICABLE. A plan with no VPC
//!   leaves ZT601 NOT_APPLICABLE everywhere.
//! - Unknown `traffic_type`: `ALL` at best, `ACCEPT` (no rejected traffic) at worst; a flow
//!   log whose VPC only apply decides logs none of them.
//! - `aws_vpc_peering_connection`: a peering of `vpc_id` and `peer_vpc_id` (known, or the
//!   planned `aws_vpc` referenced), `active` when `auto_accept` is true or an
//!   `aws_vpc_peering_connection_accepter` that references it accepts it, else
//!   `pending-acceptance` (an unknown `auto_accept` is pending at best, active at worst). In a
//!   region where the plan creates every VPC, the plan's peerings are all there are, and it
//!   has no transit gateway attachment unless it declares one: the route tables of declared
//!   `aws_ec2_transit_gateway_vpc_attachment`s are not mapped, so there, as where a VPC exists
//!   already, what ZT310 needs is not declared in the plan and its verdict on a tagged
//!   non-production VPC is UNDECIDED. A peering whose VPC only apply decides, or that
//!   connects a VPC the plan does not declare (whose environment is then unknown), leaves its
//!   region's peerings not declared in the plan.

use std::collections::{BTreeMap, HashMap};

use ztaudit_checks::snapshot::{FlowLog, Vpc, VpcPeering};
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
            tags: tags(planned),
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
        let created_only = !list.iter().any(|vpc| {
            by_id
                .get(&vpc.id)
                .is_some_and(|planned| planned.action != Action::Create)
        });
        let paths = created_only.then(|| paths_between(m, &region, &id_of));
        let data = &mut m.region(&region).ec2;
        data.vpcs = Collected::Ok(list);
        if let Some((peerings, attachments)) = paths {
            data.vpc_peering_connections = peerings;
            data.transit_gateway_attachments = attachments;
        }
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

/// A planned VPC's tags: `tags_all` where known, else `tags`.
fn tags(planned: &Planned<'_>) -> BTreeMap<String, String> {
    let all = planned.values.get("tags_all");
    let node = if all.is_unknown() || all.known_string_map().is_empty() {
        planned.values.get("tags")
    } else {
        all
    };
    node.known_string_map()
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// The peerings and transit gateway attachments of `region`, where the plan creates every VPC.
fn paths_between(
    m: &mut Mapping<'_>,
    region: &str,
    id_of: &HashMap<&str, String>,
) -> (
    Collected<Vec<VpcPeering>>,
    Collected<Vec<ztaudit_checks::snapshot::TransitGatewayAttachment>>,
) {
    let attachments = if m
        .of_type("aws_ec2_transit_gateway_vpc_attachment")
        .any(|planned| planned.region == region)
    {
        Collected::Error(CallError::not_in_plan(
            "ec2",
            format!("the transit gateway route tables of the VPC attachments in {region}"),
        ))
    } else {
        Collected::Ok(Vec::new())
    };
    let accepters: Vec<&Planned<'_>> = m.of_type("aws_vpc_peering_connection_accepter").collect();
    let declared: Vec<&Planned<'_>> = m
        .of_type("aws_vpc_peering_connection")
        .filter(|planned| planned.region == region)
        .collect();
    let mut peerings = Vec::new();
    for planned in declared {
        let vpc = |key: &str| -> Option<String> {
            planned.known_str(key).map(str::to_owned).or_else(|| {
                match m.referenced(planned, key, &VPC_TYPES).as_slice() {
                    [one] => id_of.get(one.address).cloned(),
                    _ => None,
                }
            })
        };
        let (Some(requester), Some(accepter)) = (vpc("vpc_id"), vpc("peer_vpc_id")) else {
            m.unknown(planned, "vpc_id");
            return (
                Collected::Error(CallError::not_in_plan(
                    "ec2",
                    format!(
                        "the VPCs {} connects, which only apply decides",
                        planned.address
                    ),
                )),
                attachments,
            );
        };
        let planned_vpc = |id: &str| id_of.values().any(|known| known == id);
        if let Some(outside) = [&requester, &accepter]
            .into_iter()
            .find(|id| !planned_vpc(id))
        {
            // Its environment, and so whether this is a path to production, is not in the plan.
            return (
                Collected::Error(CallError::not_in_plan(
                    "ec2",
                    format!(
                        "the environment of VPC {outside}, which {} peers and the plan does not declare",
                        planned.address
                    ),
                )),
                attachments,
            );
        }
        let accepted_by_accepter = accepters.iter().any(|accepter| {
            accepter.values.get("auto_accept").bool() == Known::Value(Some(true))
                && m.referenced(
                    accepter,
                    "vpc_peering_connection_id",
                    &["aws_vpc_peering_connection"],
                )
                .iter()
                .any(|peering| peering.address == planned.address)
        });
        let auto_accept = match planned.values.get("auto_accept").bool() {
            Known::Value(accept) => accept.unwrap_or(false),
            Known::Unknown => {
                // The verdict is on the VPCs it connects: the unknown is theirs.
                let connected: Vec<&Planned<'_>> = ["vpc_id", "peer_vpc_id"]
                    .into_iter()
                    .flat_map(|key| m.referenced(planned, key, &VPC_TYPES))
                    .collect();
                for vpc in connected.into_iter().chain([planned]) {
                    m.unknown(vpc, format!("{}.auto_accept", planned.address));
                }
                m.case.pick(false, true)
            }
        };
        let status = if auto_accept || accepted_by_accepter {
            "active"
        } else {
            "pending-acceptance"
        };
        peerings.push(VpcPeering {
            id: planned
                .known_str("id")
                .unwrap_or(planned.address)
                .to_owned(),
            requester_vpc_id: requester,
            accepter_vpc_id: accepter,
            requester_region: Some(region.to_owned()),
            accepter_region: Some(
                planned
                    .known_str("peer_region")
                    .unwrap_or(region)
                    .to_owned(),
            ),
            status: status.to_owned(),
        });
    }
    peerings.sort_by(|a, b| a.id.cmp(&b.id));
    (Collected::Ok(peerings), attachments)
}
