use crate::declare_check;
use crate::net::{
    describe_ports, internet_wide_rules, is_covered_by, set_aside_trusted, Protocol, Source,
};
use crate::networks::security_group_open_to_internet::trusted_note;
use crate::snapshot::{AclEntry, Cidr, NetworkAcl};
use crate::{CheckConfig, Findings, Snapshot};
use ipnet::IpNet;

declare_check! {
    /// ## What it does
    /// Finds network ACLs whose inbound rules let the whole internet reach an administrative port
    /// (TCP 22 and 3389 unless configured otherwise).
    ///
    /// ## Why is this bad?
    /// A network ACL is the subnet's outer fence. When it admits the internet to SSH or RDP, one
    /// permissive security group is all that stands between an attacker and a login prompt; the
    /// defence in depth that "assume breach" asks for is gone.
    ///
    /// ## How it is evaluated
    /// - Inbound entries are read in rule-number order, first match wins, as AWS applies them. A
    ///   deny entry shadows later entries for the addresses it covers.
    /// - Allowed sources wholly inside the configured trusted ranges are not the internet; the
    ///   PASS message names the entries they made acceptable.
    /// - FAIL: the allow entries that are reached for TCP to an admin port cover the whole IPv4
    ///   or IPv6 space (`0.0.0.0/0`, `::/0`, or pieces that add up to it). A narrower deny placed
    ///   before them (a block list) does not make the port private.
    /// - PASS: they do not.
    /// - ERROR: the network ACLs of the region could not be read.
    ///
    /// ## References
    /// - AWS FSBP EC2.21
    /// - CIS AWS Foundations Benchmark v3.0 5.1
    pub NetworkAclAdminPortsOpen {
        id: "ZT303",
        name: "network-acl-admin-ports-open",
        title: "Network ACL admits the internet to admin ports",
        severity: Medium,
        pillar: Networks,
        fsbp: ["EC2.21"],
        cis: ["5.1"],
        remediation_cli: "aws ec2 create-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number 50 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny\naws ec2 create-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number 51 --protocol tcp --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny",
        remediation_terraform: "resource \"aws_network_acl_rule\" \"deny_ssh\" {\n  network_acl_id = aws_network_acl.main.id\n  rule_number    = 50\n  egress         = false\n  protocol       = \"tcp\"\n  rule_action    = \"deny\"\n  cidr_block     = \"0.0.0.0/0\"\n  from_port      = 22\n  to_port        = 22\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(acls) = out.require("ec2", region, &data.ec2.network_acls) else {
            continue;
        };
        for acl in acls {
            let resource = out.arn_resource(
                "ec2",
                region,
                &format!("network-acl/{}", acl.id),
                "AWS::EC2::NetworkAcl",
            );
            let mut open: Vec<String> = Vec::new();
            let mut trusted: Vec<String> = Vec::new();
            for &port in &config.admin_ports {
                let (untrusted, trusted_rules) =
                    set_aside_trusted(reachable_allows(acl, port), &config.trusted_cidrs);
                for rule in trusted_rules {
                    let rule = describe(rule);
                    if !trusted.contains(&rule) {
                        trusted.push(rule);
                    }
                }
                if let Some(rules) = internet_wide_rules(&untrusted) {
                    let rules: Vec<String> = rules.into_iter().map(describe).collect();
                    open.push(format!("tcp/{port} ({})", rules.join(", ")));
                }
            }
            if open.is_empty() {
                out.pass(
                    resource,
                    format!(
                        "{} admits no internet traffic to admin ports{}",
                        acl.id,
                        trusted_note(&trusted)
                    ),
                );
            } else {
                out.fail(
                    resource,
                    format!("{} admits the internet on {}", acl.id, open.join("; ")),
                );
            }
        }
    }
}

/// An allow entry and a range it admits, described only if it reaches a message.
type AclRule<'a> = (&'a AclEntry, IpNet);

/// `rule 100 allowing tcp/22 from 0.0.0.0/0`.
fn describe((entry, net): AclRule) -> String {
    let ports = describe_ports(&entry.protocol, entry.from_port, entry.to_port);
    format!("rule {} allowing {ports} from {net}", entry.rule_number)
}

/// The allow entries for inbound TCP to `port` that some address reaches before a deny.
fn reachable_allows(acl: &NetworkAcl, port: u16) -> Vec<Source<AclRule<'_>>> {
    let mut inbound: Vec<_> = acl.entries.iter().filter(|entry| !entry.egress).collect();
    inbound.sort_by_key(|entry| entry.rule_number);
    let mut denied = Vec::new();
    let mut allowed = Vec::new();
    for entry in inbound {
        let admits = Protocol::parse(&entry.protocol)
            .is_some_and(|protocol| protocol.admits_tcp_port(entry.from_port, entry.to_port, port));
        if !admits {
            continue;
        }
        let cidrs = entry.cidr_block.iter().chain(&entry.ipv6_cidr_block);
        for net in cidrs.filter_map(Cidr::net) {
            if !entry.allow {
                denied.push(net);
            } else if !is_covered_by(&net, &denied) {
                allowed.push(Source {
                    net,
                    rule: (entry, net),
                });
            }
        }
    }
    allowed
}
