//! Rule reading shared by the network checks: which sources a security group admits to a port
//! (ZT301's reading, used by ZT304 and ZT312 through the path model), what that exposes to the
//! internet, and which groups make a network flat (ZT313, ZT314).

use std::collections::BTreeMap;
use std::fmt;

use ipnet::IpNet;

use crate::net::{
    describe_ports, internet_wide_rules, parse_cidr, set_aside_trusted, Internet, Protocol, Source,
};
use crate::snapshot::{CallError, Cidr, Collected, ErrorKind, Permission, SecurityGroup};
use crate::CheckConfig;

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

/// What a security group exposes to the internet.
pub(crate) enum Exposure {
    /// Each exposed door with the rules that open it.
    Open(BTreeMap<Door, Vec<String>>),
    /// Closed to the internet; `trusted` lists the rules that admit only trusted ranges.
    Closed {
        trusted: Vec<String>,
    },
    Unknown(CallError),
}

/// `" (admits only trusted ranges with …)"` when trusted ranges made some rule acceptable.
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
pub(crate) struct SgRule<'a> {
    permission: usize,
    cidr: &'a str,
    list: Option<&'a str>,
}

impl SgRule<'_> {
    /// `tcp/22 from 0.0.0.0/0`, or `tcp/22 from pl-1 (holds 0.0.0.0/0)`.
    pub(crate) fn describe(&self, group: &SecurityGroup) -> String {
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

/// The address sources of one permission (CIDRs and resolved prefix lists); the error of a
/// prefix list that could not be resolved, if any. References to other groups are never
/// addresses.
fn permission_sources<'a>(
    permission: &'a Permission,
    index: usize,
    prefix_lists: &'a Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
) -> (Vec<Source<SgRule<'a>>>, Option<CallError>) {
    let mut admitted: Vec<Source<SgRule>> = sources(&permission.ipv4_ranges, index, None)
        .chain(sources(&permission.ipv6_ranges, index, None))
        .collect();
    let mut unresolved = None;
    for list_id in &permission.prefix_list_ids {
        match prefix_list_entries(prefix_lists, list_id) {
            Ok(entries) => admitted.extend(sources(entries, index, Some(list_id))),
            Err(error) => unresolved = Some(*error),
        }
    }
    (admitted, unresolved)
}

/// Every source `group` admits to TCP `port` (or, with `None`, to all traffic only), with the
/// rule that admits it; the error of a prefix list it references that could not be resolved.
pub(crate) fn group_sources<'a>(
    group: &'a SecurityGroup,
    prefix_lists: &'a Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
    door: Door,
) -> (Vec<Source<SgRule<'a>>>, Option<CallError>) {
    let mut admitted = Vec::new();
    let mut unresolved = None;
    for (index, permission) in group.ingress.iter().enumerate() {
        let Some(protocol) = Protocol::parse(&permission.protocol) else {
            continue;
        };
        let opens = match door {
            Door::AllTraffic => protocol == Protocol::All,
            Door::Tcp(port) => {
                protocol.admits_tcp_port(permission.from_port, permission.to_port, port)
            }
        };
        if !opens {
            continue;
        }
        let (sources, error) = permission_sources(permission, index, prefix_lists);
        admitted.extend(sources);
        unresolved = error.or(unresolved);
    }
    (admitted, unresolved)
}

/// Which admin ports (or all traffic) `group` opens to the internet.
pub(crate) fn internet_exposure(
    group: &SecurityGroup,
    prefix_lists: &Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
    config: &CheckConfig,
    internet: &Internet,
) -> Exposure {
    let mut unresolved: Option<CallError> = None;
    let doors = std::iter::once(Door::AllTraffic)
        .chain(config.admin_ports.iter().map(|&port| Door::Tcp(port)));
    let mut trusted: Vec<String> = Vec::new();
    let mut open: BTreeMap<Door, Vec<String>> = BTreeMap::new();
    for door in doors {
        let (sources, error) = group_sources(group, prefix_lists, door);
        unresolved = error.or(unresolved);
        if sources.is_empty() {
            continue;
        }
        let (untrusted, trusted_rules) = set_aside_trusted(sources, &config.trusted_cidrs);
        for rule in trusted_rules {
            push_unique(&mut trusted, rule.describe(group));
        }
        if let Some(rules) = internet_wide_rules(&untrusted, internet) {
            let mut described: Vec<String> = Vec::new();
            for rule in rules {
                push_unique(&mut described, rule.describe(group));
            }
            open.insert(door, described);
        }
    }
    // With every port open, naming the admin ports one by one adds nothing.
    if open.contains_key(&Door::AllTraffic) {
        open.retain(|door, _| *door == Door::AllTraffic);
    }
    match (open.is_empty(), unresolved) {
        (false, _) => Exposure::Open(open),
        (true, Some(error)) => Exposure::Unknown(error),
        (true, None) => Exposure::Closed { trusted },
    }
}

/// Appends `item` unless it is there already (lists of a few rules, kept in order).
pub(crate) fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The CIDRs of managed prefix list `list_id`, or why they are unknown.
pub(crate) fn prefix_list_entries<'a>(
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

/// The private address ranges of RFC 1918, and IPv6's unique local addresses (RFC 4193):
/// admitting one whole is admitting every workload that could ever be addressed in it.
pub(crate) const PRIVATE_SUPERNETS: [&str; 4] =
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

/// A rule of a group that admits every port from a whole network: what makes it flat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FlatRule {
    /// `all traffic` or `tcp/all ports`…
    pub(crate) ports: String,
    /// The source as written (`10.0.0.0/8`, or `pl-1's 10.0.0.0/8`).
    pub(crate) source: String,
    /// What the source covers whole: the VPC's CIDR, or a private range.
    pub(crate) covers: String,
}

impl fmt::Display for FlatRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} from {} (spans {})",
            self.ports, self.source, self.covers
        )
    }
}

/// Whether a permission opens every port of its protocol: all traffic, or TCP or UDP with no
/// port range or the full 0-65535.
fn opens_every_port(permission: &Permission) -> bool {
    match Protocol::parse(&permission.protocol) {
        Some(Protocol::All) => true,
        Some(Protocol::Tcp | Protocol::Udp) => match (permission.from_port, permission.to_port) {
            (Some(from), Some(to)) if from >= 0 && to >= 0 => from <= 0 && to >= 65535,
            _ => true,
        },
        _ => false,
    }
}

/// The inbound rules of `group` that admit every port (all traffic, or all TCP or UDP ports)
/// from a range containing its whole VPC (`vpc_cidr`) or a whole private supernet, instead of
/// from named security groups; the error of a referenced prefix list that could not be read.
pub(crate) fn flat_rules(
    group: &SecurityGroup,
    vpc_cidr: Option<&str>,
    prefix_lists: &Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
) -> (Vec<FlatRule>, Option<CallError>) {
    let mut flat = Vec::new();
    let mut unresolved = None;
    let mut wide_open = group
        .ingress
        .iter()
        .enumerate()
        .filter(|(_, permission)| opens_every_port(permission))
        .peekable();
    if wide_open.peek().is_none() {
        return (flat, unresolved);
    }
    let vpc: Option<(IpNet, &str)> = vpc_cidr.and_then(|text| Some((parse_cidr(text)?, text)));
    let supernets: Vec<(IpNet, &str)> = PRIVATE_SUPERNETS
        .iter()
        .filter_map(|text| Some((parse_cidr(text)?, *text)))
        .collect();
    for (index, permission) in wide_open {
        let (sources, error) = permission_sources(permission, index, prefix_lists);
        unresolved = error.or(unresolved);
        for source in sources {
            let covers = if let Some((_, text)) = vpc.filter(|(net, _)| source.net.contains(net)) {
                format!("its whole VPC {text}")
            } else if let Some((_, text)) =
                supernets.iter().find(|(net, _)| source.net.contains(net))
            {
                format!("the whole private range {text}")
            } else {
                continue;
            };
            let rule = FlatRule {
                ports: describe_ports(
                    &permission.protocol,
                    permission.from_port,
                    permission.to_port,
                ),
                source: match source.rule.list {
                    Some(list) => format!("{list}'s {}", source.rule.cidr),
                    None => source.rule.cidr.to_owned(),
                },
                covers,
            };
            if !flat.contains(&rule) {
                flat.push(rule);
            }
        }
    }
    (flat, unresolved)
}
