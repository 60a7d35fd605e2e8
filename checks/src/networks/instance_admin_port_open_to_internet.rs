use std::collections::BTreeMap;

use crate::declare_check;
use crate::net::Internet;
use crate::networks::path::{push_verdict, region_network, Blocker, Endpoint, Trace};
use crate::snapshot::NetworkInterface;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds running instances that the internet can open a connection to on an administrative
    /// port (TCP 22 and 3389 unless configured otherwise): a path exists through every layer
    /// AWS applies, as Reachability Analyzer would trace it from an internet gateway.
    ///
    /// ## Why is this bad?
    /// A live machine answering SSH or RDP to every scanner on the internet is the bastion
    /// pattern Zero Trust replaces with Session Manager (no inbound port at all) or an
    /// identity-aware proxy.
    ///
    /// ## How it is evaluated
    /// For each network interface of the instance and each admin port, in each address family:
    /// - a public address: a private IPv4's public association (auto-assigned, or an Elastic
    ///   IP, also read from `DescribeAddresses`), or an IPv6 address;
    /// - the subnet's route table (its explicit association, else the main table of the same
    ///   VPC) sends the client's addresses, by longest-prefix match, over an active route to an
    ///   internet gateway attached to that VPC. Routes to NAT gateways, egress-only gateways,
    ///   transit gateways, peerings or blackholes let no connection in. Prefix-list routes count
    ///   with their entries; `0.0.0.0/1` + `128.0.0.0/1` is as good as `0.0.0.0/0`;
    /// - a security group of the interface admits the port from those clients (ZT301's reading:
    ///   prefix lists resolved, trusted ranges excluded);
    /// - the subnet's network ACL (its explicit association, else the VPC's default) admits the
    ///   port inbound, rules in number order, first match wins, final deny; and lets the reply
    ///   out to the client's port. Clients choose their port, so some port of 1024-65535
    ///   allowed out is enough.
    /// The clients that pass every layer must still be the internet: everything but the trusted
    /// ranges, less at most a /8's worth (so a block list does not hide a path, and a group open
    /// to half the internet is not the internet).
    /// - FAIL: a path exists; the message names the address, the route, the group rule and the
    ///   ACL entries that make it.
    /// - PASS: no path; the message says what blocks it, layer by layer as a packet meets
    ///   them ("no public address", "…'s route table … has no route to an internet gateway",
    ///   "network acl … rule 90 denies tcp/22 inbound", "… lets no reply out to ports
    ///   1024-65535").
    /// - ERROR: a layer could not be read (instances, interfaces, subnets, route tables,
    ///   internet gateways, Elastic IPs, security groups, network ACLs, a referenced prefix
    ///   list), or the snapshot lacks the instance's subnet, route table or ACL.
    /// Instances that are not running are not reported.
    ///
    /// ZT301 judges the security group alone: a group open to the internet stays a ZT301 finding
    /// whatever the path, since the next instance launched into a public subnet with it is
    /// exposed. ZT304 is the exposure that exists now.
    ///
    /// ## References
    /// - AWS FSBP EC2.9 (instances should not have a public IPv4 address), EC2.13, EC2.14
    /// - CIS AWS Foundations Benchmark v3.0 5.2, 5.3
    /// - Amazon VPC User Guide: internet gateways, route tables, network ACLs (ephemeral ports)
    pub InstanceAdminPortOpenToInternet {
        id: "ZT304",
        name: "instance-admin-port-open-to-internet",
        title: "Running instance reachable from the internet on an admin port",
        severity: Critical,
        pillar: Networks,
        fsbp: ["EC2.9", "EC2.13", "EC2.14"],
        cis: ["5.2", "5.3"],
        remediation_cli: "# Reach the instance through Session Manager instead, then close the port:\naws ssm start-session --target INSTANCE_ID\naws ec2 revoke-security-group-ingress --group-id SG_ID --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'",
        remediation_terraform: "resource \"aws_instance\" \"app\" {\n  # ...\n  associate_public_ip_address = false\n  iam_instance_profile        = aws_iam_instance_profile.ssm.name # AmazonSSMManagedInstanceCore\n  vpc_security_group_ids      = [aws_security_group.no_inbound_admin.id]\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let internet = Internet::new(&config.trusted_cidrs);
    for (region, data) in &snapshot.regions {
        let ec2 = &data.ec2;
        let Some(instances) = out.require("ec2", region, &ec2.instances) else {
            continue;
        };
        let running: Vec<_> = instances.iter().filter(|i| i.state == "running").collect();
        if running.is_empty() {
            continue;
        }
        let Some(interfaces) = out.require("ec2", region, &ec2.network_interfaces) else {
            continue;
        };
        let mut network = match region_network(ec2, &internet) {
            Ok(network) => network,
            Err(error) => {
                let resource = out.account_resource("ec2", region);
                out.error(resource, error);
                continue;
            }
        };
        let mut by_instance: BTreeMap<&str, Vec<&NetworkInterface>> = BTreeMap::new();
        for interface in interfaces {
            if let Some(instance) = &interface.instance_id {
                by_instance
                    .entry(instance.as_str())
                    .or_default()
                    .push(interface);
            }
        }
        for instance in running {
            let resource = out.resource(region, instance);
            let attached = by_instance
                .get(instance.id.as_str())
                .cloned()
                .unwrap_or_default();
            if attached.is_empty() {
                out.unevaluable(
                    resource,
                    format!(
                        "none of {}'s network interfaces is in the snapshot",
                        instance.id
                    ),
                );
                continue;
            }
            let mut open: Vec<String> = Vec::new();
            // (the address tried, the port, what blocks it), to be said once per address.
            let mut closed: Vec<(String, u16, String)> = Vec::new();
            let mut unknown: Option<String> = None;
            for interface in &attached {
                let Some(subnet_id) = interface.subnet_id.as_deref() else {
                    unknown = Some(format!("the subnet of {} is not recorded", interface.id));
                    continue;
                };
                let endpoint = Endpoint {
                    interface: Some(&interface.id),
                    subnet_id,
                    group_ids: &interface.security_group_ids,
                    addresses: network.public_addresses(interface),
                };
                for &port in &config.admin_ports {
                    match network.trace(&endpoint, port) {
                        Trace::Open(openings) => {
                            open.extend(openings.iter().map(ToString::to_string))
                        }
                        Trace::Closed(blocked) => {
                            for (address, blocker) in blocked {
                                closed.push(match (address, blocker) {
                                    (_, Blocker::NoPublicAddress) => (
                                        String::new(),
                                        port,
                                        format!("{} has no public address", interface.id),
                                    ),
                                    (Some(address), blocker) => (
                                        format!("{address} ({})", interface.id),
                                        port,
                                        blocker.to_string(),
                                    ),
                                    (None, blocker) => (String::new(), port, blocker.to_string()),
                                });
                            }
                        }
                        Trace::Unknown(reason) => unknown = Some(reason),
                    }
                }
            }
            push_verdict(
                out,
                resource,
                &open,
                unknown,
                |open| format!("{} is reachable from the internet on {open}", instance.id),
                || {
                    format!(
                        "{} is not reachable from the internet on an admin port: {}",
                        instance.id,
                        describe_closed(&closed)
                    )
                },
            );
        }
    }
}

/// What blocks each address, port by port, or once when it is the same for every port.
fn describe_closed(closed: &[(String, u16, String)]) -> String {
    let mut addresses: Vec<&str> = Vec::new();
    for (address, _, _) in closed {
        if !addresses.contains(&address.as_str()) {
            addresses.push(address);
        }
    }
    let mut said = Vec::new();
    for address in addresses {
        let of_address: Vec<(u16, &str)> = closed
            .iter()
            .filter(|(at, _, _)| at == address)
            .map(|(_, port, why)| (*port, why.as_str()))
            .collect();
        let mut whys: Vec<&str> = of_address.iter().map(|(_, why)| *why).collect();
        whys.dedup();
        let why = if whys.len() == 1 {
            whys[0].to_owned()
        } else {
            let by_port: Vec<String> = of_address
                .iter()
                .map(|(port, why)| format!("tcp/{port}: {why}"))
                .collect();
            by_port.join("; ")
        };
        said.push(if address.is_empty() {
            why
        } else {
            format!("{address}: {why}")
        });
    }
    said.join("; ")
}
