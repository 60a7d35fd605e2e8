use std::collections::BTreeSet;

use crate::declare_check;
use crate::net::Internet;
use crate::networks::shared::{internet_exposure, trusted_note, Exposure};
use crate::snapshot::{CallError, ErrorKind};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds security groups whose inbound rules let the whole internet reach an administrative
    /// port (TCP 22 and 3389 unless configured otherwise), a port range that contains one, or
    /// every protocol and port.
    ///
    /// ## Why is this bad?
    /// Zero Trust grants access per request to an authenticated identity, never to a network
    /// location. A port open to `0.0.0.0/0` is reachable by every scanner on the internet; SSH
    /// and RDP are the first doors brute-forced. Administrative access belongs behind Session
    /// Manager, Client VPN or an identity-aware proxy.
    ///
    /// ## How it is evaluated
    /// - The internet is `0.0.0.0/0`, `::/0`, or any set of ranges that together cover the whole
    ///   IPv4 or IPv6 space (`0.0.0.0/1` + `128.0.0.0/1`) but for at most 1/256 of it (a /8's
    ///   worth); half the space (`0.0.0.0/1`) is not the internet. Managed prefix lists are
    ///   resolved to their entries; a reference to another security group is never the internet.
    /// - `tcp` and protocol `6` are the same; a range such as 20-25 contains 22; UDP 22 is not SSH.
    /// - Sources wholly inside the configured trusted ranges (`--trusted-cidr`,
    ///   `--trust-cloudflare`) are not the internet; the PASS message names the rules they made
    ///   acceptable. `0.0.0.0/0` is never trusted by a narrower range, and rules admitting
    ///   everything but the trusted ranges admit the internet.
    /// - FAIL: such a rule exists. Groups not attached to any network interface still fail (the
    ///   exposure is latent) and the message says so.
    /// - PASS: no inbound rule opens an admin port or all traffic to the internet.
    /// - ERROR: the security groups could not be read, or a prefix list the group references
    ///   could not be resolved (and nothing else already exposes the group).
    ///
    /// ## References
    /// - AWS FSBP EC2.13, EC2.14, EC2.18, EC2.19, EC2.53, EC2.54
    /// - CIS AWS Foundations Benchmark v3.0 5.2, 5.3
    /// - NIST SP 800-207, section 2.1 (tenet 2: all communication is secured regardless of location)
    pub SecurityGroupOpenToInternet {
        id: "ZT301",
        name: "security-group-open-to-internet",
        title: "Security group opens admin ports or all traffic to the internet",
        severity: Critical,
        pillar: Networks,
        fsbp: ["EC2.13", "EC2.14", "EC2.18", "EC2.19", "EC2.53", "EC2.54"],
        cis: ["5.2", "5.3"],
        remediation_cli: "aws ec2 revoke-security-group-ingress --group-id SG_ID --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'\n# then reach instances with: aws ssm start-session --target INSTANCE_ID",
        remediation_terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n  security_group_id = aws_security_group.app.id\n  ip_protocol       = \"tcp\"\n  from_port         = 22\n  to_port           = 22\n  cidr_ipv4         = \"10.0.0.0/8\" # a trusted range, never 0.0.0.0/0\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let internet = Internet::new(&config.trusted_cidrs);
    for (region, data) in &snapshot.regions {
        let ec2 = &data.ec2;
        let Some(groups) = out.require("ec2", region, &ec2.security_groups) else {
            continue;
        };
        let attached: Result<BTreeSet<&str>, &CallError> =
            ec2.network_interfaces.as_result().map(|interfaces| {
                interfaces
                    .iter()
                    .flat_map(|eni| eni.security_group_ids.iter().map(String::as_str))
                    .collect()
            });
        for group in groups {
            let resource = out.resource(region, group);
            match internet_exposure(group, &ec2.prefix_list_entries, config, &internet) {
                Exposure::Open(doors) => {
                    let attachment = match &attached {
                        Ok(in_use) if in_use.contains(group.id.as_str()) => "",
                        Ok(_) => "; not attached to any network interface (latent exposure)",
                        Err(error) if error.kind == ErrorKind::NotInPlan => {
                            "; attachment unknown (the plan does not declare the network interfaces that use it)"
                        }
                        Err(_) => "; attachment unknown (network interfaces could not be read)",
                    };
                    let doors: Vec<String> = doors
                        .iter()
                        .map(|(door, rules)| format!("{door} (rule {})", rules.join(", rule ")))
                        .collect();
                    out.fail(
                        resource,
                        format!(
                            "{} ({}) is open to the internet on {}{attachment}",
                            group.id,
                            group.name,
                            doors.join("; ")
                        ),
                    );
                }
                Exposure::Unknown(error) => out.error(resource, &error),
                Exposure::Closed { trusted } => out.pass(
                    resource,
                    format!(
                        "{} ({}) opens no admin port and not all traffic to the internet{}",
                        group.id,
                        group.name,
                        trusted_note(&trusted)
                    ),
                ),
            }
        }
    }
}
