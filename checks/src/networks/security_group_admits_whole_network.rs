use std::collections::BTreeMap;

use crate::declare_check;
use crate::networks::shared::flat_rules;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds security groups that admit every port (all traffic, or all TCP or UDP ports) from a
    /// range that holds their whole VPC, or a whole private range (`10.0.0.0/8`,
    /// `172.16.0.0/12`, `192.168.0.0/16`, IPv6 `fc00::/7`), instead of from named security
    /// groups.
    ///
    /// ## Why is this bad?
    /// The Zero Trust guidance is to limit the blast radius: each workload admits only the
    /// workloads that need it, on the ports they use. A group that admits the whole network on
    /// every port makes the network flat: one compromised instance anywhere in the VPC (or in
    /// any network the range spans: peered VPCs, VPN and Direct Connect sites) reaches every
    /// service of every instance that carries the group, and moves laterally unhindered.
    ///
    /// ## How it is evaluated
    /// - Inbound rules only. A rule is flat when it opens every port of its protocol (`-1`, or
    ///   TCP or UDP with no range or 0-65535) and one of its CIDRs, or an entry of a managed
    ///   prefix list it references, contains the group's VPC CIDR or a whole private range.
    ///   A range inside the VPC (one subnet's CIDR), a port range, or a reference to a
    ///   security group is not flat. `0.0.0.0/0` contains them all, and is also ZT301's.
    /// - FAIL: the group has a flat rule; the message names it and what it spans.
    /// - PASS: it has none.
    /// - ERROR: the security groups or the VPCs could not be read, or a referenced prefix list
    ///   could not be resolved (and no other rule is flat).
    /// Severity medium: it is the condition for lateral movement, which ZT314 reports as high
    /// when a VPC's instances all share such a group.
    ///
    /// ## References
    /// - NIST SP 800-207, section 3.1.2 (microsegmentation)
    /// - CISA Zero Trust Maturity Model v2, Networks: network segmentation
    /// - AWS Security Pillar SEC05-BP01 (create network layers), SEC05-BP02 (control traffic)
    pub SecurityGroupAdmitsWholeNetwork {
        id: "ZT313",
        name: "security-group-admits-whole-network",
        title: "Security group admits every port from a whole network",
        severity: Medium,
        pillar: Networks,
        fsbp: [],
        cis: [],
        remediation_cli: "aws ec2 revoke-security-group-ingress --group-id SG_ID --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=10.0.0.0/8}]'\naws ec2 authorize-security-group-ingress --group-id SG_ID --ip-permissions 'IpProtocol=tcp,FromPort=8443,ToPort=8443,UserIdGroupPairs=[{GroupId=CLIENT_SG_ID}]'",
        remediation_terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"api_from_web\" {\n  security_group_id            = aws_security_group.api.id\n  referenced_security_group_id = aws_security_group.web.id # a named group, not a CIDR\n  ip_protocol                  = \"tcp\"\n  from_port                    = 8443\n  to_port                      = 8443\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let ec2 = &data.ec2;
        let Some(groups) = out.require("ec2", region, &ec2.security_groups) else {
            continue;
        };
        let Some(vpcs) = out.require("ec2", region, &ec2.vpcs) else {
            continue;
        };
        let cidr_of: BTreeMap<&str, Option<&str>> = vpcs
            .iter()
            .map(|vpc| (vpc.id.as_str(), vpc.cidr_block.as_deref()))
            .collect();
        for group in groups {
            let resource = out.resource(region, group);
            let vpc_cidr = group
                .vpc_id
                .as_deref()
                .and_then(|vpc| cidr_of.get(vpc).copied().flatten());
            let (flat, unresolved) = flat_rules(group, vpc_cidr, &ec2.prefix_list_entries);
            if !flat.is_empty() {
                let rules: Vec<String> = flat.iter().map(ToString::to_string).collect();
                out.fail(
                    resource,
                    format!(
                        "{} ({}) admits {} instead of named security groups",
                        group.id,
                        group.name,
                        rules.join("; ")
                    ),
                );
            } else if let Some(error) = unresolved {
                out.error(resource, &error);
            } else {
                out.pass(
                    resource,
                    format!(
                        "{} ({}) admits no whole network on every port",
                        group.id, group.name
                    ),
                );
            }
        }
    }
}
