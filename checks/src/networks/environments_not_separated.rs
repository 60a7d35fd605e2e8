use std::collections::{BTreeMap, BTreeSet};

use crate::declare_check;
use crate::networks::environment_of;
use crate::snapshot::VpcId;
use crate::{CheckConfig, Collected, ErrorKind, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds non-production VPCs that have a network path to a production VPC: an active VPC
    /// peering connection, or attachments to the same transit gateway associated with the same
    /// route table.
    ///
    /// ## Why is this bad?
    /// Development and test environments are where credentials are shared, software is
    /// untested and access is loose. A route from there into production turns any foothold in
    /// a test box into a path to production data — the lateral movement "assume breach" plans
    /// against.
    ///
    /// ## How it is evaluated
    /// A VPC's environment is the value of its environment tag (keys `Environment` and `env` by
    /// default, `--environment-tag-key` to change; `prod`, `prd`, `live` count as production).
    /// Untagged VPCs are not judged. Peerings across the scanned regions are followed. A shared
    /// transit gateway route table is taken as a path (its routes may be narrower; check them).
    /// - PASS: a tagged non-production VPC has no such path to a production VPC.
    /// - FAIL: it has; the message names the production VPC and the connection.
    /// - ERROR: the VPCs, peering connections or transit gateway attachments could not be read.
    /// - UNDECIDED (`ztaudit plan`): no path is seen and the peerings or attachments are not
    ///   declared in the plan.
    ///
    /// ## References
    /// - AWS Security Reference Architecture, "Network": separate environments into accounts or
    ///   VPCs without routes between them
    /// - CISA Zero Trust Maturity Model v2.0, Networks: macro-segmentation
    pub EnvironmentsNotSeparated {
        id: "ZT310",
        name: "environments-not-separated",
        title: "Non-production VPC has a network path to production",
        severity: High,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id PCX_ID\n# or associate the VPC's transit gateway attachment with a route table of its own environment:\naws ec2 disassociate-transit-gateway-route-table --transit-gateway-route-table-id TGW_RTB_ID --transit-gateway-attachment-id ATTACHMENT_ID",
        remediation_terraform: "# One transit gateway route table per environment, no propagation between them.\nresource \"aws_ec2_transit_gateway_route_table\" \"staging\" {\n  transit_gateway_id = aws_ec2_transit_gateway.hub.id\n}\nresource \"aws_ec2_transit_gateway_route_table_association\" \"staging\" {\n  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.staging.id\n  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.staging.id\n}",
        run: evaluate,
    }
}

const PRODUCTION: &str = "production";

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    // Every tagged VPC of every scanned region, with its region and environment.
    let mut environments: BTreeMap<&str, (&str, String)> = BTreeMap::new();
    let mut readable = BTreeMap::new();
    for (region, data) in &snapshot.regions {
        let ec2 = &data.ec2;
        let Some(vpcs) = out.require("ec2", region, &ec2.vpcs) else {
            continue;
        };
        for vpc in vpcs {
            if let Some(environment) = environment_of(&vpc.tags, &config.environment_tag_keys) {
                environments.insert(vpc.id.as_str(), (region.as_str(), environment));
            }
        }
        readable.insert(region.as_str(), ec2);
    }
    // Each non-production VPC's paths to production, as messages.
    let mut paths: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut unknown: BTreeMap<&str, String> = BTreeMap::new();
    // Regions where something unread is more than what a Terraform plan does not declare.
    let mut unread: BTreeSet<&str> = BTreeSet::new();
    let is_production = |vpc: &str| {
        environments
            .get(vpc)
            .is_some_and(|(_, env)| env == PRODUCTION)
    };
    for (region, ec2) in &readable {
        match &ec2.vpc_peering_connections {
            Collected::Ok(peerings) => {
                for peering in peerings.iter().filter(|p| p.status == "active") {
                    let (a, b) = (
                        peering.requester_vpc_id.as_str(),
                        peering.accepter_vpc_id.as_str(),
                    );
                    for (from, to) in [(a, b), (b, a)] {
                        if is_production(to) && !is_production(from) {
                            paths
                                .entry(from)
                                .or_default()
                                .push(format!("peered with production {to} by {}", peering.id));
                        }
                    }
                }
            }
            Collected::Error(error) => {
                if error.kind != ErrorKind::NotInPlan {
                    unread.insert(region);
                }
                unknown.insert(region, error.to_string());
            }
        }
        match &ec2.transit_gateway_attachments {
            Collected::Ok(attachments) => {
                let mut by_route_table: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
                for attachment in attachments
                    .iter()
                    .filter(|a| a.resource_type == "vpc" && a.state == "available")
                {
                    if let (Some(table), Some(vpc)) = (
                        attachment.route_table_id.as_deref(),
                        attachment.resource_id.as_deref(),
                    ) {
                        by_route_table
                            .entry((attachment.transit_gateway_id.as_str(), table))
                            .or_default()
                            .push(vpc);
                    }
                }
                for ((gateway, table), vpcs) in by_route_table {
                    for from in vpcs.iter().filter(|vpc| !is_production(vpc)) {
                        for to in vpcs.iter().filter(|vpc| is_production(vpc)) {
                            paths.entry(from).or_default().push(format!(
                                "shares transit gateway {gateway} route table {table} with production {to}"
                            ));
                        }
                    }
                }
            }
            Collected::Error(error) => {
                if error.kind != ErrorKind::NotInPlan {
                    unread.insert(region);
                }
                unknown
                    .entry(region)
                    .and_modify(|reason| reason.push_str(&format!("; {error}")))
                    .or_insert_with(|| error.to_string());
            }
        }
    }
    for (vpc, (region, environment)) in &environments {
        if environment == PRODUCTION {
            continue;
        }
        let resource = out.resource(region, &VpcId(vpc));
        match (paths.get(vpc), unknown.get(region)) {
            (Some(found), _) => out.fail(
                resource,
                format!("{vpc} ({environment}) {}", found.join("; ")),
            ),
            (None, Some(reason)) if !unread.contains(region) => {
                out.undecided(resource, format!("depends on {reason}"));
            }
            (None, Some(reason)) => out.unevaluable(resource, reason),
            (None, None) => out.pass(
                resource,
                format!("{vpc} ({environment}) has no peering or shared transit gateway route table with a production VPC"),
            ),
        }
    }
}
