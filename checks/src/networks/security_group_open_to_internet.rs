use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::declare_check;
use crate::net::{describe_ports, internet_wide_rules, set_aside_trusted, Protocol, Source};
use crate::snapshot::{CallError, Cidr, Collected, ErrorKind, SecurityGroup};
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
    ///   IPv4 or IPv6 space (`0.0.0.0/1` + `128.0.0.0/1`). Managed prefix lists are resolved to
    ///   their entries; a reference to another security group is never the internet.
    /// - `tcp` and protocol `6` are the same; a range such as 20-25 contains 22; UDP 22 is not SSH.
    /// - Sources wholly inside the configured trusted ranges (`--trusted-cidr`,
    ///   `--trust-cloudflare`) are not the internet; the PASS message names the rules they made
    ///   acceptable. `0.0.0.0/0` is never trusted by a narrower range.
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
            let resource = out.arn_resource(
                "ec2",
                region,
                &format!("security-group/{}", group.id),
                "AWS::EC2::SecurityGroup",
            );
            match internet_exposure(group, &ec2.prefix_list_entries, config) {
                Verdict::Open(doors) => {
                    let attachment = match &attached {
                        Ok(in_use) if in_use.contains(group.id.as_str()) => "",
                        Ok(_) => "; not attached to any network interface (latent exposure)",
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
                Verdict::Unknown(error) => out.error(resource, &error),
                Verdict::Closed { trusted } => out.pass(
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

/// What a rule opens: every protocol and port, or one admin port over TCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Door {
    AllTraffic,
    Tcp(u16),
}

impl fmt::Display for Door {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Door::AllTraffic => f.write_str("all traffic"),
            Door::Tcp(port) => write!(f, "tcp/{port}"),
        }
    }
}

pub(crate) enum Verdict {
    /// Each exposed door with the rules that open it.
    Open(BTreeMap<Door, Vec<String>>),
    /// Closed to the internet; `trusted` lists the rules that admit only trusted ranges.
    Closed {
        trusted: Vec<String>,
    },
    Unknown(CallError),
}

/// `"; admits only trusted ranges: …"` when trusted ranges made some rule acceptable.
pub(crate) fn trusted_note(trusted: &[String]) -> String {
    if trusted.is_empty() {
        String::new()
    } else {
        format!(" (admits only trusted ranges with {})", trusted.join(", "))
    }
}

/// A rule of a group, described only if it reaches a message: permission `permission` of the
/// group admitting `cidr`, through prefix list `list` if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SgRule<'a> {
    permission: usize,
    cidr: &'a str,
    list: Option<&'a str>,
}

impl SgRule<'_> {
    /// `tcp/22 from 0.0.0.0/0`, or `tcp/22 from pl-1 (holds 0.0.0.0/0)`.
    fn describe(&self, group: &SecurityGroup) -> String {
        let ports = group
            .ingress
            .get(self.permission)
            .map(|p| describe_ports(&p.protocol, p.from_port, p.to_port))
            .unwrap_or_default();
        match self.list {
            Some(list) => format!("{ports} from {list} (holds {})", self.cidr),
            None => format!("{ports} from {}", self.cidr),
        }
    }
}

/// The sources a list of CIDRs admits, each with the rule that admits it.
fn sources<'a>(
    cidrs: &'a [Cidr],
    permission: usize,
    list: Option<&'a str>,
) -> impl Iterator<Item = Source<SgRule<'a>>> {
    cidrs.iter().filter_map(move |cidr| {
        Some(Source {
            net: cidr.net()?,
            rule: SgRule {
                permission,
                cidr: cidr.as_str(),
                list,
            },
        })
    })
}

/// Which admin ports (or all traffic) `group` opens to the internet.
pub(crate) fn internet_exposure(
    group: &SecurityGroup,
    prefix_lists: &Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
    config: &CheckConfig,
) -> Verdict {
    let mut unresolved: Option<CallError> = None;
    // Every (door, source) pair the group's inbound rules admit.
    let mut sources_by_door: BTreeMap<Door, Vec<Source<SgRule>>> = BTreeMap::new();
    for (index, permission) in group.ingress.iter().enumerate() {
        let Some(protocol) = Protocol::parse(&permission.protocol) else {
            continue;
        };
        let mut doors = Vec::new();
        if protocol == Protocol::All {
            doors.push(Door::AllTraffic);
        }
        for &port in &config.admin_ports {
            if protocol.admits_tcp_port(permission.from_port, permission.to_port, port) {
                doors.push(Door::Tcp(port));
            }
        }
        if doors.is_empty() {
            continue;
        }
        let mut admitted: Vec<Source<SgRule>> = sources(&permission.ipv4_ranges, index, None)
            .chain(sources(&permission.ipv6_ranges, index, None))
            .collect();
        for list_id in &permission.prefix_list_ids {
            match prefix_list_entries(prefix_lists, list_id) {
                Ok(entries) => admitted.extend(sources(entries, index, Some(list_id))),
                Err(error) => unresolved = Some(*error),
            }
        }
        for door in doors {
            sources_by_door
                .entry(door)
                .or_default()
                .extend(admitted.iter().cloned());
        }
    }
    let mut trusted: Vec<String> = Vec::new();
    let mut open: BTreeMap<Door, Vec<String>> = BTreeMap::new();
    for (door, sources) in sources_by_door {
        let (untrusted, trusted_rules) = set_aside_trusted(sources, &config.trusted_cidrs);
        for rule in trusted_rules {
            let rule = rule.describe(group);
            if !trusted.contains(&rule) {
                trusted.push(rule);
            }
        }
        if let Some(rules) = internet_wide_rules(&untrusted) {
            let mut described: Vec<String> = Vec::new();
            for rule in rules {
                let rule = rule.describe(group);
                if !described.contains(&rule) {
                    described.push(rule);
                }
            }
            open.insert(door, described);
        }
    }
    // With every port open, naming the admin ports one by one adds nothing.
    if open.contains_key(&Door::AllTraffic) {
        open.retain(|door, _| *door == Door::AllTraffic);
    }
    match (open.is_empty(), unresolved) {
        (false, _) => Verdict::Open(open),
        (true, Some(error)) => Verdict::Unknown(error),
        (true, None) => Verdict::Closed { trusted },
    }
}

fn prefix_list_entries<'a>(
    prefix_lists: &'a Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
    list_id: &str,
) -> Result<&'a [Cidr], Box<CallError>> {
    let lists = prefix_lists.as_result().map_err(|e| Box::new(e.clone()))?;
    match lists.get(list_id) {
        Some(entries) => entries
            .as_result()
            .map(Vec::as_slice)
            .map_err(|e| Box::new(e.clone())),
        None => Err(Box::new(CallError {
            service: "ec2".to_owned(),
            operation: "GetManagedPrefixListEntries".to_owned(),
            region: None,
            kind: ErrorKind::NotCollected,
            code: None,
            message: format!("prefix list {list_id} is not in the snapshot"),
        })),
    }
}
