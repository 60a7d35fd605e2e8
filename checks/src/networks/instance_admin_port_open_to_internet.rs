use std::collections::BTreeMap;

use crate::declare_check;
use crate::networks::security_group_open_to_internet::{internet_exposure, trusted_note, Verdict};
use crate::snapshot::SecurityGroup;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds running instances that the internet can reach on an administrative port: the
    /// instance has a public IP address and one of its security groups opens an admin port
    /// (TCP 22 and 3389 unless configured otherwise), or all traffic, to the internet.
    ///
    /// ## Why is this bad?
    /// This is the exposure ZT301 warns of, made real: a live machine answering SSH or RDP to
    /// every scanner on the internet, the bastion pattern Zero Trust replaces with Session
    /// Manager (no inbound port at all) or an identity-aware proxy.
    ///
    /// ## How it is evaluated
    /// Security group rules are judged exactly as ZT301 judges them (trusted ranges included).
    /// Network ACLs and routes are not considered, so an instance behind a denying ACL still
    /// fails: the open group is one change away from exposure.
    /// - PASS: the instance has no public IP address, or none of its groups opens an admin port
    ///   to the internet.
    /// - FAIL: it has a public IP and a group does; the message names the group and the rule.
    /// - ERROR: the instances or security groups could not be read, or one of the instance's
    ///   groups is missing from them or references a prefix list that could not be resolved.
    /// Instances that are not running are not reported.
    ///
    /// ## References
    /// - AWS FSBP EC2.9 (instances should not have a public IPv4 address), EC2.13, EC2.14
    /// - CIS AWS Foundations Benchmark v3.0 5.2, 5.3
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
    for (region, data) in &snapshot.regions {
        let ec2 = &data.ec2;
        let Some(instances) = out.require("ec2", region, &ec2.instances) else {
            continue;
        };
        let running: Vec<_> = instances.iter().filter(|i| i.state == "running").collect();
        if running.is_empty() {
            continue;
        }
        let Some(groups) = out.require("ec2", region, &ec2.security_groups) else {
            continue;
        };
        let by_id: BTreeMap<&str, &SecurityGroup> = groups
            .iter()
            .map(|group| (group.id.as_str(), group))
            .collect();
        for instance in running {
            let resource = out.arn_resource(
                "ec2",
                region,
                &format!("instance/{}", instance.id),
                "AWS::EC2::Instance",
            );
            let Some(public_ip) = &instance.public_ip else {
                out.pass(
                    resource,
                    format!("{} has no public IP address", instance.id),
                );
                continue;
            };
            let mut open = Vec::new();
            let mut trusted = Vec::new();
            let mut unknown = None;
            for group_id in &instance.security_group_ids {
                let Some(group) = by_id.get(group_id.as_str()) else {
                    unknown = Some(format!(
                        "its security group {group_id} is not among the region's groups"
                    ));
                    continue;
                };
                match internet_exposure(group, &ec2.prefix_list_entries, config) {
                    Verdict::Open(doors) => {
                        for (door, rules) in doors {
                            open.push(format!(
                                "{door} through {} ({})",
                                group.id,
                                rules.join(", ")
                            ));
                        }
                    }
                    Verdict::Closed { trusted: rules } => trusted.extend(rules),
                    Verdict::Unknown(error) => unknown = Some(error.to_string()),
                }
            }
            if !open.is_empty() {
                out.fail(
                    resource,
                    format!(
                        "{} has public IP {public_ip} and is reachable from the internet on {}",
                        instance.id,
                        open.join("; ")
                    ),
                );
            } else if let Some(reason) = unknown {
                out.unevaluable(resource, reason);
            } else {
                out.pass(
                    resource,
                    format!(
                        "{} has public IP {public_ip} but no security group opens an admin port to the internet{}",
                        instance.id,
                        trusted_note(&trusted)
                    ),
                );
            }
        }
    }
}
