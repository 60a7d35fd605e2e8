use crate::declare_check;
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
    /// - FAIL: the group named `default` of a VPC has any inbound or outbound rule.
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
            let (inbound, outbound) = (group.ingress.len(), group.egress.len());
            if inbound + outbound == 0 {
                out.pass(
                    resource,
                    format!("{}, the default group of {vpc}, has no rules", group.id),
                );
            } else {
                out.fail(
                    resource,
                    format!(
                        "{}, the default group of {vpc}, has {inbound} inbound and {outbound} outbound rules",
                        group.id
                    ),
                );
            }
        }
    }
}
