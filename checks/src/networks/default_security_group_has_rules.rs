use crate::declare_check;
use crate::net::describe_ports;
use crate::snapshot::{Permission, SecurityGroup};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that the default security group of every VPC has no inbound and no outbound rule.
    ///
    /// ## Why is this bad?
    /// Resources launched without an explicit security group land in the default one. If it
    /// allows traffic, they silently join a flat network where every member trusts every other —
    /// the implicit trust Zero Trust removes. Give every workload a purpose-made group instead.
    ///
    /// ## How it is evaluated
    /// - FAIL: the group named `default` of a VPC has any inbound or outbound rule; the message
    ///   says what each rule lets in or out.
    /// - PASS: it has none.
    /// - ERROR: the security groups of the region could not be read.
    ///
    /// ## References
    /// - AWS FSBP EC2.2
    /// - CIS AWS Foundations Benchmark v3.0 5.4
    pub DefaultSecurityGroupHasRules {
        id: "ZT302",
        name: "default-security-group-has-rules",
        title: "Default security group of a VPC allows traffic",
        severity: High,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: ["EC2.2"],
        cis: ["5.4"],
        remediation_cli: "aws ec2 revoke-security-group-ingress --group-id SG_ID --ip-permissions \"$(aws ec2 describe-security-groups --group-ids SG_ID --query 'SecurityGroups[0].IpPermissions')\"\naws ec2 revoke-security-group-egress --group-id SG_ID --ip-permissions \"$(aws ec2 describe-security-groups --group-ids SG_ID --query 'SecurityGroups[0].IpPermissionsEgress')\"",
        remediation_terraform: "# Adopting the default group with no rule blocks removes all of its rules.\nresource \"aws_default_security_group\" \"default\" {\n  vpc_id = aws_vpc.main.id\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(groups) = out.require("ec2", region, &data.ec2.security_groups) else {
            continue;
        };
        for group in groups.iter().filter(|group| group.name == "default") {
            let resource = out.resource(region, group);
            let vpc = group.vpc_id.as_deref().unwrap_or("no VPC");
            if group.ingress.is_empty() && group.egress.is_empty() {
                out.pass(
                    resource,
                    format!("{}, the default group of {vpc}, has no rules", group.id),
                );
            } else {
                out.fail(
                    resource,
                    format!(
                        "{}, the default group of {vpc}, {}; FSBP EC2.2 wants a default group \
                         to allow nothing",
                        group.id,
                        what_it_allows(group)
                    ),
                );
            }
        }
    }
}

/// `lets in all traffic from its own members and lets out all traffic to 0.0.0.0/0, ::/0`.
fn what_it_allows(group: &SecurityGroup) -> String {
    let direction = |verb: &str, preposition: &str, rules: &[Permission]| {
        let rules: Vec<String> = by_ports(rules, &group.id)
            .into_iter()
            .map(|(ports, peers)| {
                if peers.is_empty() {
                    ports
                } else {
                    format!("{ports} {preposition} {}", peers.join(", "))
                }
            })
            .collect();
        (!rules.is_empty()).then(|| format!("{verb} {}", rules.join("; ")))
    };
    [
        direction("lets in", "from", &group.ingress),
        direction("lets out", "to", &group.egress),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<String>>()
    .join(" and ")
}

/// The rules' peers (ranges, prefix lists, groups; the group itself as "its own members")
/// under each protocol and port range, in rule order: AWS keeps IPv4 and IPv6 in separate
/// rules, and `all traffic to 0.0.0.0/0, ::/0` reads better than two rules.
fn by_ports<'a>(rules: &'a [Permission], group_id: &str) -> Vec<(String, Vec<&'a str>)> {
    let mut merged: Vec<(String, Vec<&str>)> = Vec::new();
    for rule in rules {
        let ports = describe_ports(&rule.protocol, rule.from_port, rule.to_port);
        let peers = rule
            .ipv4_ranges
            .iter()
            .chain(&rule.ipv6_ranges)
            .map(|cidr| cidr.as_str())
            .chain(rule.prefix_list_ids.iter().map(String::as_str))
            .chain(rule.security_group_refs.iter().map(|peer| {
                if peer == group_id {
                    "its own members"
                } else {
                    peer.as_str()
                }
            }));
        match merged.iter_mut().find(|(known, _)| *known == ports) {
            Some((_, known_peers)) => known_peers.extend(peers),
            None => merged.push((ports, peers.collect())),
        }
    }
    merged
}
