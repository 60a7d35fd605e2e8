use std::collections::BTreeMap;

use crate::declare_check;
use crate::networks::shared::flat_rules;
use crate::snapshot::Instance;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds VPCs whose running instances all carry one security group that admits every port
    /// from a whole network (a ZT313 finding): the VPC is one flat segment.
    ///
    /// ## Why is this bad?
    /// When every instance carries a group that admits the whole VPC (or a private range that
    /// holds it) on every port, every instance reaches every service of every other: there is
    /// no segmentation left to limit the blast radius of one compromised host. Zero Trust
    /// segments per workload, with groups that name the groups allowed in.
    ///
    /// ## How it is evaluated
    /// - The running instances of each VPC (two or more), and the groups each carries.
    /// - FAIL: a group of the VPC with a flat rule (ZT313's reading: every port, from a range
    ///   that holds the VPC's CIDR or a whole private range) is carried by every one of them;
    ///   the message names it and its rule.
    /// - PASS: no such group is shared by all of them.
    /// - NOT_APPLICABLE: the VPC has fewer than two running instances.
    /// - ERROR: the instances, security groups or VPCs could not be read, or a group shared by
    ///   all references a prefix list that could not be resolved.
    /// Severity high: the lateral movement ZT313 makes possible is here made certain.
    ///
    /// ## References
    /// - NIST SP 800-207, section 3.1.2 (microsegmentation)
    /// - CISA Zero Trust Maturity Model v2, Networks: network segmentation
    /// - AWS Security Pillar SEC05-BP02 (control traffic within your network layers)
    pub VpcInstancesShareFlatGroup {
        id: "ZT314",
        name: "vpc-instances-share-flat-group",
        title: "All instances of a VPC share a group open to the whole network",
        severity: High,
        pillar: Networks,
        fsbp: [],
        cis: [],
        remediation_cli: "# Give each tier its own group that admits only the groups it serves, then detach the shared one:\naws ec2 modify-instance-attribute --instance-id INSTANCE_ID --groups TIER_SG_ID",
        remediation_terraform: "resource \"aws_security_group\" \"api\" {\n  vpc_id = aws_vpc.main.id\n  ingress {\n    from_port       = 8443\n    to_port         = 8443\n    protocol        = \"tcp\"\n    security_groups = [aws_security_group.web.id] # the tier that calls it, nothing else\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let ec2 = &data.ec2;
        let Some(instances) = out.require("ec2", region, &ec2.instances) else {
            continue;
        };
        let Some(groups) = out.require("ec2", region, &ec2.security_groups) else {
            continue;
        };
        let Some(vpcs) = out.require("ec2", region, &ec2.vpcs) else {
            continue;
        };
        let mut running: BTreeMap<&str, Vec<&Instance>> = BTreeMap::new();
        for instance in instances.iter().filter(|i| i.state == "running") {
            if let Some(vpc) = &instance.vpc_id {
                running.entry(vpc.as_str()).or_default().push(instance);
            }
        }
        for vpc in vpcs {
            let resource = out.resource(region, vpc);
            let members = running
                .get(vpc.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            if members.len() < 2 {
                out.not_applicable(
                    resource,
                    format!("{} has fewer than two running instances", vpc.id),
                );
                continue;
            }
            let shared = groups.iter().filter(|group| {
                group.vpc_id.as_deref() == Some(vpc.id.as_str())
                    && members
                        .iter()
                        .all(|instance| instance.security_group_ids.contains(&group.id))
            });
            let mut flat = Vec::new();
            let mut unresolved = None;
            for group in shared {
                let (rules, error) =
                    flat_rules(group, vpc.cidr_block.as_deref(), &ec2.prefix_list_entries);
                if let Some(rule) = rules.first() {
                    flat.push(format!(
                        "{} ({}), which admits {rule}",
                        group.id, group.name
                    ));
                }
                unresolved = error.or(unresolved);
            }
            if !flat.is_empty() {
                out.fail(
                    resource,
                    format!(
                        "all {} running instances of {} share {}: each reaches every other on every port",
                        members.len(),
                        vpc.id,
                        flat.join("; ")
                    ),
                );
            } else if let Some(error) = unresolved {
                out.error(resource, &error);
            } else {
                out.pass(
                    resource,
                    format!(
                        "no group open to the whole network is shared by the {} running instances of {}",
                        members.len(),
                        vpc.id
                    ),
                );
            }
        }
    }
}
