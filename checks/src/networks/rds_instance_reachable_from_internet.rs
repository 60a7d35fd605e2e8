use crate::declare_check;
use crate::net::Internet;
use crate::networks::path::{push_verdict, region_network, Endpoint, PublicAddress, Trace};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds RDS DB instances that the internet can open a connection to: publicly accessible,
    /// in a subnet with a path from an internet gateway, behind a security group that admits
    /// the port the engine listens on from the internet.
    ///
    /// ## Why is this bad?
    /// A database answering the internet is one leaked or guessed password away from a breach,
    /// and the target of every credential-stuffing scanner. Zero Trust puts data behind the
    /// identity of the workload that asks for it, never behind a network location; clients
    /// reach RDS privately (same VPC, peering, PrivateLink) or through IAM database
    /// authentication over a private path.
    ///
    /// ## How it is evaluated
    /// - PASS: `PubliclyAccessible` is off: the endpoint has no public address.
    /// - For a publicly accessible instance, each subnet of its DB subnet group is traced with
    ///   the network-path model of ZT304 on the instance's port (its endpoint's port): the
    ///   subnet's route table (explicit, else the VPC's main table) must send the internet to an
    ///   attached internet gateway, one of the instance's VPC security groups must admit the
    ///   port from the internet (ZT301's reading, trusted ranges excluded), and the subnet's
    ///   network ACL must admit it inbound and let the reply out. The instance runs in one of
    ///   these subnets and fails over to another, so one open subnet is enough.
    /// - FAIL: a path exists; the message names the subnet, the route, the group rule and the
    ///   ACL entries.
    /// - PASS: publicly accessible but no subnet has a path; the message says what blocks each.
    /// - ERROR: the DB instances, or a network layer of the region, could not be read, or the
    ///   snapshot does not record the instance's network placement (older snapshots).
    /// IPv4 only: the public endpoint of a publicly accessible instance is an IPv4 address.
    ///
    /// ## References
    /// - AWS FSBP RDS.2 (RDS DB instances should prohibit public access)
    /// - Amazon RDS User Guide: working with a DB instance in a VPC (hiding a DB instance from
    ///   the internet)
    pub RdsInstanceReachableFromInternet {
        id: "ZT312",
        name: "rds-instance-reachable-from-internet",
        title: "RDS DB instance reachable from the internet",
        severity: Critical,
        pillar: Networks,
        fsbp: ["RDS.2"],
        cis: [],
        remediation_cli: "aws rds modify-db-instance --db-instance-identifier DB_ID --no-publicly-accessible --apply-immediately",
        remediation_terraform: "resource \"aws_db_instance\" \"app\" {\n  # ...\n  publicly_accessible    = false\n  db_subnet_group_name   = aws_db_subnet_group.private.name # subnets without an internet route\n  vpc_security_group_ids = [aws_security_group.db_from_app_only.id]\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let internet = Internet::new(&config.trusted_cidrs);
    for (region, data) in &snapshot.regions {
        let Some(instances) = out.require("rds", region, &data.rds.instances) else {
            continue;
        };
        // Read only if some instance is publicly accessible.
        let mut network = None;
        for db in instances {
            let resource = out.resource(region, db);
            let Some(placement) = &db.network else {
                out.unevaluable(
                    resource,
                    format!("the network placement of {} is not in the snapshot", db.id),
                );
                continue;
            };
            match placement.publicly_accessible {
                Some(true) => {}
                Some(false) => {
                    out.pass(resource, format!("{} is not publicly accessible", db.id));
                    continue;
                }
                None => {
                    out.unevaluable(
                        resource,
                        format!("whether {} is publicly accessible is not recorded", db.id),
                    );
                    continue;
                }
            }
            let Some(port) = placement.port else {
                out.unevaluable(resource, format!("the port of {} is not recorded", db.id));
                continue;
            };
            let network = match network.get_or_insert_with(|| region_network(&data.ec2, &internet))
            {
                Ok(network) => network,
                Err(error) => {
                    out.error(resource, error);
                    continue;
                }
            };
            if placement.subnet_ids.is_empty() {
                out.unevaluable(
                    resource,
                    format!("the subnets of {} are not recorded", db.id),
                );
                continue;
            }
            let mut open = Vec::new();
            let mut blocked = Vec::new();
            let mut unknown = None;
            for subnet_id in &placement.subnet_ids {
                let endpoint = Endpoint {
                    interface: None,
                    subnet_id,
                    group_ids: &placement.security_group_ids,
                    addresses: vec![PublicAddress::Endpoint],
                };
                match network.trace(&endpoint, port) {
                    Trace::Open(openings) => open.extend(openings.iter().map(ToString::to_string)),
                    Trace::Closed(closed) => blocked.extend(closed.iter().map(|(_, blocker)| {
                        let why = blocker.to_string();
                        // A route table's blocker names the subnet already.
                        if why.starts_with(subnet_id.as_str()) {
                            why
                        } else {
                            format!("in {subnet_id}, {why}")
                        }
                    })),
                    Trace::Unknown(reason) => unknown = Some(reason),
                }
            }
            push_verdict(
                out,
                resource,
                &open,
                unknown,
                |open| {
                    format!(
                        "{} ({}) is publicly accessible and reachable from the internet on {open}",
                        db.id, db.engine
                    )
                },
                || {
                    format!(
                        "{} is publicly accessible but not reachable from the internet on tcp/{port}: {}",
                        db.id,
                        blocked.join("; ")
                    )
                },
            );
        }
    }
}
