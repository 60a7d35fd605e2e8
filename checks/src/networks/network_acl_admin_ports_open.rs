use crate::declare_check;
use crate::net::{describe_ports, AddrSet, Internet};
use crate::networks::path::acl_inbound;
use crate::networks::shared::{push_unique, trusted_note};
use crate::snapshot::AclEntry;
use crate::{CheckConfig, Findings, Snapshot};

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
    /// - Inbound entries are read in rule-number order, first match wins, as AWS applies them:
    ///   each entry decides for the addresses no earlier entry matched, and the final deny for
    ///   the rest. The ACL is judged by the set of sources it admits to TCP on an admin port,
    ///   never by how its entries are split, exactly as the network-path model (ZT304) reads it.
    /// - The internet is every address but the configured trusted ranges; the admitted sources
    ///   are the internet when they leave out at most a /8's worth of it (see ZT301). So a
    ///   block list (a narrow deny before an allow-all) does not make the port private, and an
    ///   ACL that admits half the space does not admit the internet, however its allows are
    ///   written. The PASS message names the entries that admit only trusted ranges.
    /// - FAIL: the sources admitted to TCP on an admin port are the internet of IPv4 or IPv6.
    /// - PASS: they are not.
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
    let internet = Internet::new(&config.trusted_cidrs);
    let trusted = AddrSet::from_nets(config.trusted_cidrs.iter().copied());
    for (region, data) in &snapshot.regions {
        let Some(acls) = out.require("ec2", region, &data.ec2.network_acls) else {
            continue;
        };
        for acl in acls {
            let resource = out.resource(region, acl);
            let mut open: Vec<String> = Vec::new();
            let mut trusted_rules: Vec<String> = Vec::new();
            for &port in &config.admin_ports {
                let reach = acl_inbound(acl, port);
                let allows = reach
                    .decided
                    .iter()
                    .filter_map(|(entry, set)| Some((entry.filter(|e| e.allow)?, set)));
                if internet.admitted(&reach.allowed) {
                    let mut rules: Vec<String> = Vec::new();
                    for (entry, set) in allows {
                        if set.intersects(internet.addresses()) {
                            push_unique(&mut rules, describe(entry));
                        }
                    }
                    open.push(format!("tcp/{port} ({})", rules.join(", ")));
                } else {
                    for (entry, set) in allows {
                        if trusted.contains_all(set) {
                            push_unique(&mut trusted_rules, describe(entry));
                        }
                    }
                }
            }
            if open.is_empty() {
                out.pass(
                    resource,
                    format!(
                        "{} admits no internet traffic to admin ports{}",
                        acl.id,
                        trusted_note(&trusted_rules)
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

/// `rule 100 allowing tcp/22 from 0.0.0.0/0`.
fn describe(entry: &AclEntry) -> String {
    let ports = describe_ports(&entry.protocol, entry.from_port, entry.to_port);
    let cidr = entry
        .cidr_block
        .as_ref()
        .or(entry.ipv6_cidr_block.as_ref())
        .map(|cidr| cidr.as_str())
        .unwrap_or_default();
    format!("rule {} allowing {ports} from {cidr}", entry.rule_number)
}
