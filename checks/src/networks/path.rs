//! The network path model: whether a connection from the internet reaches a network interface
//! (or a subnet) on a TCP port, layer by layer, as AWS routes and filters it (VPC User Guide:
//! internet gateways, route tables, network ACLs, security groups).
//!
//! Each layer admits a set of client addresses ([`AddrSet`]):
//! - the route table of the subnet (its explicit association, else the main table of the same
//!   VPC) admits the clients whose longest-prefix-match route is active and goes to an internet
//!   gateway attached to that VPC: replies to anyone else go elsewhere (a NAT gateway, an
//!   egress-only gateway, a peering, a blackhole) and no connection is made;
//! - the security groups admit the sources of their inbound rules for the port;
//! - the network ACL (the subnet's explicit association, else the VPC's default ACL) admits the
//!   sources its inbound entries allow for the port, in rule-number order, first match wins,
//!   with the final deny; and it must let the reply out to the client's port. The client
//!   chooses its source port, so the reply passes when some port of 1024-65535 is allowed out.
//!
//! A path exists in a family when the interface has a public address of that family and the
//! clients every layer admits still make up the internet ([`Internet`]). Explanations are kept
//! as data ([`Opening`], [`Blocker`]) and formatted only when a message is built.

use std::collections::HashMap;
use std::fmt;

use crate::net::{describe_ports, AddrSet, Family, Internet, Protocol, Source};
use crate::networks::shared::{group_sources, prefix_list_entries, Door, SgRule};
use crate::snapshot::{
    AclEntry, CallError, Cidr, Collected, Ec2Region, ElasticIp, InternetGateway, NetworkAcl,
    NetworkInterface, Route, RouteTable, RouteTarget, SecurityGroup, Subnet,
};
use crate::{Findings, Resource};

/// The client ports a reply goes back to (the VPC User Guide's advice for network ACLs).
pub(crate) const EPHEMERAL_PORTS: (u16, u16) = (1024, 65535);

/// The network of one region, indexed for tracing paths, with the layers already evaluated.
pub(crate) struct Network<'s> {
    subnets: HashMap<&'s str, &'s Subnet>,
    explicit_tables: HashMap<&'s str, &'s RouteTable>,
    main_tables: HashMap<&'s str, &'s RouteTable>,
    internet_gateways: HashMap<&'s str, &'s InternetGateway>,
    explicit_acls: HashMap<&'s str, &'s NetworkAcl>,
    default_acls: HashMap<&'s str, &'s NetworkAcl>,
    groups: HashMap<&'s str, &'s SecurityGroup>,
    elastic_ips: HashMap<(&'s str, &'s str), &'s ElasticIp>,
    prefix_lists: &'s Collected<std::collections::BTreeMap<String, Collected<Vec<Cidr>>>>,
    internet: &'s Internet,
    routes: HashMap<&'s str, Result<RouteReach<'s>, String>>,
    acls: HashMap<(&'s str, u16), AclReach<'s>>,
    replies: HashMap<&'s str, AclReach<'s>>,
}

/// What a network layer sees of the region, or the first of its calls that failed.
pub(crate) fn region_network<'s>(
    ec2: &'s Ec2Region,
    internet: &'s Internet,
) -> Result<Network<'s>, &'s CallError> {
    let subnets = ec2.subnets.as_result()?;
    let tables = ec2.route_tables.as_result()?;
    let gateways = ec2.internet_gateways.as_result()?;
    let acls = ec2.network_acls.as_result()?;
    let groups = ec2.security_groups.as_result()?;
    let addresses = ec2.addresses.as_result()?;
    let mut network = Network {
        subnets: subnets.iter().map(|s| (s.id.as_str(), s)).collect(),
        explicit_tables: HashMap::new(),
        main_tables: HashMap::new(),
        internet_gateways: gateways.iter().map(|g| (g.id.as_str(), g)).collect(),
        explicit_acls: HashMap::new(),
        default_acls: HashMap::new(),
        groups: groups.iter().map(|g| (g.id.as_str(), g)).collect(),
        elastic_ips: addresses
            .iter()
            .filter_map(|eip| {
                Some((
                    (
                        eip.network_interface_id.as_deref()?,
                        eip.private_ip.as_deref()?,
                    ),
                    eip,
                ))
            })
            .collect(),
        prefix_lists: &ec2.prefix_list_entries,
        internet,
        routes: HashMap::new(),
        acls: HashMap::new(),
        replies: HashMap::new(),
    };
    for table in tables {
        for association in &table.associations {
            let live = association
                .state
                .as_deref()
                .is_none_or(|state| state == "associated");
            if !live {
                continue;
            }
            if association.main {
                network.main_tables.insert(table.vpc_id.as_str(), table);
            }
            if let Some(subnet) = &association.subnet_id {
                network.explicit_tables.insert(subnet.as_str(), table);
            }
        }
    }
    for acl in acls {
        for subnet in &acl.subnet_ids {
            network.explicit_acls.insert(subnet.as_str(), acl);
        }
        if let (true, Some(vpc)) = (acl.is_default, &acl.vpc_id) {
            network.default_acls.insert(vpc.as_str(), acl);
        }
    }
    Ok(network)
}

/// A public address of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicAddress<'s> {
    /// A public IPv4 associated with a private IPv4 of an interface; with its Elastic IP
    /// allocation, when it is one.
    Ipv4 {
        address: &'s str,
        allocation: Option<&'s str>,
    },
    Ipv6(&'s str),
    /// The public IPv4 that AWS gives a publicly accessible service endpoint (RDS), not known
    /// in advance.
    Endpoint,
}

impl PublicAddress<'_> {
    pub(crate) fn family(&self) -> Family {
        match self {
            PublicAddress::Ipv6(_) => Family::V6,
            PublicAddress::Ipv4 { .. } | PublicAddress::Endpoint => Family::V4,
        }
    }
}

impl fmt::Display for PublicAddress<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicAddress::Ipv4 {
                address,
                allocation: Some(allocation),
            } => write!(f, "public IP {address} (Elastic IP {allocation})"),
            PublicAddress::Ipv4 {
                address,
                allocation: None,
            } => write!(f, "public IP {address}"),
            PublicAddress::Ipv6(address) => write!(f, "IPv6 {address}"),
            PublicAddress::Endpoint => f.write_str("its public endpoint"),
        }
    }
}

/// Something the internet could connect to: a subnet, behind security groups, with the public
/// addresses it answers on.
pub(crate) struct Endpoint<'s> {
    /// The network interface, when the endpoint is one.
    pub(crate) interface: Option<&'s str>,
    pub(crate) subnet_id: &'s str,
    pub(crate) group_ids: &'s [String],
    pub(crate) addresses: Vec<PublicAddress<'s>>,
}

/// How the subnet's route table was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Association<'s> {
    Explicit,
    /// The main table of this VPC, for a subnet without an explicit association.
    Main(&'s str),
}

/// What a route table sends out through an internet gateway.
#[derive(Debug, Clone)]
pub(crate) struct RouteReach<'s> {
    pub(crate) subnet: &'s str,
    pub(crate) table: &'s RouteTable,
    pub(crate) association: Association<'s>,
    /// Client addresses whose best route is an active one to an attached internet gateway.
    pub(crate) reached: AddrSet,
    /// Each route, with the addresses it is the best match for (its destination less the more
    /// specific routes), and whether it leads to an attached internet gateway.
    pub(crate) matched: Vec<(&'s Route, AddrSet, bool)>,
}

/// How a network ACL treats one direction: the addresses it allows, and which entry decides
/// for which addresses (first match, in rule order; `None` is the final implicit deny).
#[derive(Debug, Clone)]
pub(crate) struct AclReach<'s> {
    pub(crate) allowed: AddrSet,
    pub(crate) decided: Vec<(Option<&'s AclEntry>, AddrSet)>,
}

impl<'s> AclReach<'s> {
    /// The entries that decide for some of `clients`, allowing (`true`) or denying them, each
    /// with the addresses of the clients' families it decides for.
    fn deciding(&self, clients: &AddrSet, allow: bool) -> Vec<(Option<&'s AclEntry>, AddrSet)> {
        self.decided
            .iter()
            .filter(|(entry, set)| {
                entry.is_some_and(|e| e.allow) == allow && set.intersects(clients)
            })
            .map(|(entry, set)| {
                let families = Family::BOTH.into_iter().filter(|f| clients.has(*f));
                let set = families.fold(AddrSet::default(), |kept, f| kept.union(&set.only(f)));
                (*entry, set)
            })
            .collect()
    }
}

/// Evaluates `acl`'s entries of one direction in rule-number order, first match wins, for the
/// traffic that `applies` says an entry matches.
pub(crate) fn first_match<'s>(
    acl: &'s NetworkAcl,
    egress: bool,
    applies: impl Fn(&AclEntry) -> bool,
) -> AclReach<'s> {
    let mut entries: Vec<&AclEntry> = acl
        .entries
        .iter()
        .filter(|entry| entry.egress == egress && applies(entry))
        .collect();
    entries.sort_by_key(|entry| entry.rule_number);
    let mut unmatched = AddrSet::everything();
    let mut allowed = AddrSet::default();
    let mut decided = Vec::new();
    for entry in entries {
        let cidrs = entry.cidr_block.iter().chain(&entry.ipv6_cidr_block);
        let matched = AddrSet::from_nets(cidrs.filter_map(Cidr::net));
        let decides = unmatched.intersection(&matched);
        if decides.is_empty() {
            continue;
        }
        unmatched = unmatched.difference(&matched);
        if entry.allow {
            allowed = allowed.union(&decides);
        }
        decided.push((Some(entry), decides));
    }
    if !unmatched.is_empty() {
        decided.push((None, unmatched));
    }
    AclReach { allowed, decided }
}

/// The sources `acl` admits inbound on TCP `port`.
pub(crate) fn acl_inbound(acl: &NetworkAcl, port: u16) -> AclReach<'_> {
    first_match(acl, false, |entry| admits_tcp(entry, port))
}

/// The clients `acl` lets replies out to on some port of 1024-65535: the union, over the
/// stretches of ports that no entry boundary splits, of what each stretch lets out.
fn acl_replies(acl: &NetworkAcl) -> AclReach<'_> {
    let (low, high) = EPHEMERAL_PORTS;
    let mut starts: Vec<u16> = vec![low];
    for entry in acl.entries.iter().filter(|entry| entry.egress) {
        let bounds = [
            entry.from_port,
            entry.to_port.and_then(|to| to.checked_add(1)),
        ];
        for bound in bounds.into_iter().flatten() {
            if let Ok(port) = u16::try_from(bound) {
                if port > low && port <= high {
                    starts.push(port);
                }
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let mut allowed = AddrSet::default();
    let mut decided: Vec<(Option<&AclEntry>, AddrSet)> = Vec::new();
    for port in starts {
        let stretch = first_match(acl, true, |entry| admits_tcp(entry, port));
        allowed = allowed.union(&stretch.allowed);
        for (entry, set) in stretch.decided {
            match decided.iter_mut().find(|(known, _)| *known == entry) {
                Some((_, known)) => *known = known.union(&set),
                None => decided.push((entry, set)),
            }
        }
    }
    AclReach { allowed, decided }
}

fn admits_tcp(entry: &AclEntry, port: u16) -> bool {
    Protocol::parse(&entry.protocol)
        .is_some_and(|protocol| protocol.admits_tcp_port(entry.from_port, entry.to_port, port))
}

/// What the security groups of an endpoint admit to a port, each source with its group.
struct GroupReach<'s> {
    admitted: AddrSet,
    rules: Vec<(&'s SecurityGroup, Source<SgRule<'s>>)>,
}

/// Why the internet does not get through, in the words of the component that stops it.
#[derive(Debug, Clone)]
pub(crate) enum Blocker<'s> {
    NoPublicAddress,
    /// The route table sends too little of the internet to an internet gateway.
    Route(RouteReach<'s>, Family),
    /// No security group admits the port from the internet.
    Groups {
        groups: &'s [String],
        port: u16,
    },
    /// The network ACL does not admit the port inbound from the internet; the entries that
    /// decide for the internet's addresses.
    AclInbound {
        acl: &'s NetworkAcl,
        port: u16,
        allowing: Vec<(Option<&'s AclEntry>, AddrSet)>,
        denying: Vec<(Option<&'s AclEntry>, AddrSet)>,
    },
    /// The network ACL does not let the reply out.
    AclReply {
        acl: &'s NetworkAcl,
        allowing: Vec<(Option<&'s AclEntry>, AddrSet)>,
    },
}

/// A path from the internet, and what makes it: the public address, the routes to the
/// internet gateway, the group rules and the ACL entries that admit the clients.
#[derive(Debug, Clone)]
pub(crate) struct Opening<'s> {
    pub(crate) address: PublicAddress<'s>,
    interface: Option<&'s str>,
    pub(crate) port: u16,
    route: RouteReach<'s>,
    group_rules: Vec<String>,
    acl: &'s NetworkAcl,
    inbound: Vec<&'s AclEntry>,
    outbound: Vec<&'s AclEntry>,
}

/// The outcome of tracing one endpoint on one port.
#[derive(Debug, Clone)]
pub(crate) enum Trace<'s> {
    Open(Vec<Opening<'s>>),
    /// Closed in every family: for each, the address tried (none when the endpoint has no
    /// public address at all) and what blocks it.
    Closed(Vec<(Option<PublicAddress<'s>>, Blocker<'s>)>),
    /// A layer could not be read.
    Unknown(String),
}

impl<'s> Network<'s> {
    /// The public addresses of an interface: each private IPv4's public association, or the
    /// Elastic IP associated with it in `DescribeAddresses`, and every IPv6 address.
    pub(crate) fn public_addresses(
        &self,
        interface: &'s NetworkInterface,
    ) -> Vec<PublicAddress<'s>> {
        let mut addresses = Vec::new();
        for private in &interface.private_ips {
            let eip = self
                .elastic_ips
                .get(&(interface.id.as_str(), private.address.as_str()));
            let public = private
                .public_ip
                .as_deref()
                .or(eip.map(|eip| eip.public_ip.as_str()));
            if let Some(address) = public {
                let allocation = eip
                    .filter(|eip| eip.public_ip == address)
                    .and_then(|eip| eip.allocation_id.as_deref());
                addresses.push(PublicAddress::Ipv4 {
                    address,
                    allocation,
                });
            }
        }
        addresses.extend(
            interface
                .ipv6_addresses
                .iter()
                .map(|address| PublicAddress::Ipv6(address)),
        );
        addresses
    }

    /// The subnet's VPC, or why it is unknown.
    pub(crate) fn vpc_of(&self, subnet_id: &str) -> Result<&'s str, String> {
        self.subnets
            .get(subnet_id)
            .map(|subnet| subnet.vpc_id.as_str())
            .ok_or_else(|| format!("subnet {subnet_id} is not among the region's subnets"))
    }

    /// What the subnet's route table sends to an internet gateway (evaluated once per subnet).
    pub(crate) fn route_reach(&mut self, subnet_id: &'s str) -> Result<RouteReach<'s>, String> {
        if let Some(known) = self.routes.get(subnet_id) {
            return known.clone();
        }
        let reach = self.evaluate_routes(subnet_id);
        self.routes.insert(subnet_id, reach.clone());
        reach
    }

    fn evaluate_routes(&self, subnet_id: &'s str) -> Result<RouteReach<'s>, String> {
        let vpc = self.vpc_of(subnet_id)?;
        let (table, association) = match self.explicit_tables.get(subnet_id) {
            // An explicit association with another VPC's table cannot exist; if a snapshot
            // says so, the table is not this subnet's.
            Some(table) if table.vpc_id == vpc => (*table, Association::Explicit),
            _ => match self.main_tables.get(vpc) {
                Some(table) => (*table, Association::Main(vpc)),
                None => return Err(format!("no route table of {vpc} applies to {subnet_id}")),
            },
        };
        // Longest prefix first: a route decides for the addresses no more specific route has.
        let mut routes: Vec<(&Route, AddrSet, u8)> = Vec::new();
        for route in &table.routes {
            let mut destinations: Vec<ipnet::IpNet> = route
                .destination_cidr
                .iter()
                .chain(&route.destination_ipv6_cidr)
                .filter_map(Cidr::net)
                .collect();
            if let Some(list) = &route.destination_prefix_list_id {
                let entries = prefix_list_entries(self.prefix_lists, list)
                    .map_err(|error| format!("route table {}: {error}", table.id))?;
                destinations.extend(entries.iter().filter_map(Cidr::net));
            }
            // A prefix list's entries are separate routes of their own lengths.
            for net in destinations {
                routes.push((route, AddrSet::from_nets([net]), net.prefix_len()));
            }
        }
        routes.sort_by_key(|route| std::cmp::Reverse(route.2));
        let mut unmatched = AddrSet::everything();
        let mut reached = AddrSet::default();
        let mut matched: Vec<(&Route, AddrSet, bool)> = Vec::new();
        for (route, destination, _) in routes {
            let decides = unmatched.intersection(&destination);
            if decides.is_empty() {
                continue;
            }
            unmatched = unmatched.difference(&destination);
            let to_internet = route.state == "active" && self.is_attached_igw(&route.target, vpc);
            if to_internet {
                reached = reached.union(&decides);
            }
            match matched
                .iter_mut()
                .find(|(known, _, _)| std::ptr::eq(*known, route))
            {
                Some((_, set, _)) => *set = set.union(&decides),
                None => matched.push((route, decides, to_internet)),
            }
        }
        Ok(RouteReach {
            subnet: subnet_id,
            table,
            association,
            reached,
            matched,
        })
    }

    fn is_attached_igw(&self, target: &RouteTarget, vpc: &str) -> bool {
        match target {
            RouteTarget::Gateway(id) => self
                .internet_gateways
                .get(id.as_str())
                .is_some_and(|gateway| gateway.is_attached_to(vpc)),
            _ => false,
        }
    }

    /// The network ACL of the subnet: its explicit association, else its VPC's default.
    pub(crate) fn acl_of(&self, subnet_id: &str) -> Result<&'s NetworkAcl, String> {
        if let Some(acl) = self.explicit_acls.get(subnet_id) {
            return Ok(acl);
        }
        let vpc = self.vpc_of(subnet_id)?;
        self.default_acls
            .get(vpc)
            .copied()
            .ok_or_else(|| format!("no network ACL of {vpc} applies to {subnet_id}"))
    }

    fn acl_inbound(&mut self, acl: &'s NetworkAcl, port: u16) -> AclReach<'s> {
        self.acls
            .entry((acl.id.as_str(), port))
            .or_insert_with(|| acl_inbound(acl, port))
            .clone()
    }

    fn acl_replies(&mut self, acl: &'s NetworkAcl) -> AclReach<'s> {
        self.replies
            .entry(acl.id.as_str())
            .or_insert_with(|| acl_replies(acl))
            .clone()
    }

    fn group_reach(&self, group_ids: &'s [String], port: u16) -> Result<GroupReach<'s>, String> {
        let mut rules = Vec::new();
        for group_id in group_ids {
            let group = self.groups.get(group_id.as_str()).ok_or_else(|| {
                format!("security group {group_id} is not among the region's groups")
            })?;
            let (sources, unresolved) = group_sources(group, self.prefix_lists, Door::Tcp(port));
            if let Some(error) = unresolved {
                return Err(error.to_string());
            }
            rules.extend(sources.into_iter().map(|source| (*group, source)));
        }
        let admitted = AddrSet::from_nets(rules.iter().map(|(_, source)| source.net));
        Ok(GroupReach { admitted, rules })
    }

    /// Whether the internet reaches `endpoint` on TCP `port`, and why.
    pub(crate) fn trace(&mut self, endpoint: &Endpoint<'s>, port: u16) -> Trace<'s> {
        if endpoint.addresses.is_empty() {
            return Trace::Closed(vec![(None, Blocker::NoPublicAddress)]);
        }
        let mut openings = Vec::new();
        let mut closed = Vec::new();
        for family in Family::BOTH {
            let Some(address) = endpoint.addresses.iter().find(|a| a.family() == family) else {
                continue;
            };
            match self.trace_family(endpoint, port, address, family) {
                Ok(Ok(opening)) => openings.push(opening),
                Ok(Err(blocker)) => closed.push((Some(address.clone()), blocker)),
                Err(reason) => return Trace::Unknown(reason),
            }
        }
        if openings.is_empty() {
            Trace::Closed(closed)
        } else {
            Trace::Open(openings)
        }
    }

    #[allow(clippy::type_complexity)]
    fn trace_family(
        &mut self,
        endpoint: &Endpoint<'s>,
        port: u16,
        address: &PublicAddress<'s>,
        family: Family,
    ) -> Result<Result<Opening<'s>, Blocker<'s>>, String> {
        let internet = self.internet;
        let mut clients = internet.addresses().only(family);
        let route = self.route_reach(endpoint.subnet_id)?;
        clients = clients.intersection(&route.reached);
        if !internet.admitted_in(&clients, family) {
            return Ok(Err(Blocker::Route(route, family)));
        }
        let groups = self.group_reach(endpoint.group_ids, port)?;
        clients = clients.intersection(&groups.admitted);
        if !internet.admitted_in(&clients, family) {
            return Ok(Err(Blocker::Groups {
                groups: endpoint.group_ids,
                port,
            }));
        }
        let acl = self.acl_of(endpoint.subnet_id)?;
        let inbound = self.acl_inbound(acl, port);
        let before_acl = clients.clone();
        clients = clients.intersection(&inbound.allowed);
        if !internet.admitted_in(&clients, family) {
            return Ok(Err(Blocker::AclInbound {
                acl,
                port,
                allowing: inbound.deciding(&before_acl, true),
                denying: inbound.deciding(&before_acl, false),
            }));
        }
        let replies = self.acl_replies(acl);
        let before_reply = clients.clone();
        clients = clients.intersection(&replies.allowed);
        if !internet.admitted_in(&clients, family) {
            return Ok(Err(Blocker::AclReply {
                acl,
                allowing: replies.deciding(&before_reply, true),
            }));
        }
        let mut group_rules: Vec<String> = Vec::new();
        for (group, source) in &groups.rules {
            if AddrSet::from_nets([source.net]).intersects(&clients) {
                let rule = format!("{} allows {}", group.id, source.rule.describe(group));
                crate::networks::shared::push_unique(&mut group_rules, rule);
            }
        }
        let entries = |reach: &AclReach<'s>| -> Vec<&'s AclEntry> {
            reach
                .deciding(&clients, true)
                .into_iter()
                .filter_map(|(entry, _)| entry)
                .collect()
        };
        Ok(Ok(Opening {
            address: address.clone(),
            interface: endpoint.interface,
            port,
            route: RouteReach {
                matched: route
                    .matched
                    .iter()
                    .filter(|(_, set, to_internet)| *to_internet && set.intersects(&clients))
                    .cloned()
                    .collect(),
                ..route
            },
            group_rules,
            acl,
            inbound: entries(&inbound),
            outbound: entries(&replies),
        }))
    }
}

/// Pushes the verdict on a resource whose paths were traced: FAIL naming the openings (`fail`
/// builds the message from them), else ERROR when some layer could not be read, else PASS
/// (`pass` builds the message).
pub(crate) fn push_verdict(
    out: &mut Findings,
    resource: Resource,
    open: &[String],
    unknown: Option<String>,
    fail: impl FnOnce(String) -> String,
    pass: impl FnOnce() -> String,
) {
    if !open.is_empty() {
        out.fail(resource, fail(open.join("; ")));
    } else if let Some(reason) = unknown {
        out.unevaluable(resource, reason);
    } else {
        out.pass(resource, pass());
    }
}

/// `rule 100`, or `rule *` for the final deny (AWS numbers it 32767, or leaves it implicit).
struct RuleName<'a>(Option<&'a AclEntry>);

impl fmt::Display for RuleName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(entry) if entry.rule_number != 32767 => write!(f, "rule {}", entry.rule_number),
            _ => f.write_str("rule *"),
        }
    }
}

/// The CIDR an entry names, as AWS wrote it.
fn entry_cidr(entry: &AclEntry) -> &str {
    entry
        .cidr_block
        .as_ref()
        .or(entry.ipv6_cidr_block.as_ref())
        .map_or("", Cidr::as_str)
}

/// `rule 100 allows 10.0.0.0/8`, with the addresses it decides for when they are narrower
/// than its CIDR.
fn describe_decision(entry: Option<&AclEntry>, set: &AddrSet) -> String {
    let cidrs: Vec<String> = set.to_cidrs().iter().map(ToString::to_string).collect();
    let decided = if cidrs.len() > 3 {
        format!("{} ranges", cidrs.len())
    } else {
        cidrs.join(", ")
    };
    match entry {
        Some(entry) if entry_cidr(entry) == decided => {
            format!("{} {decided}", RuleName(Some(entry)))
        }
        Some(entry) => format!(
            "{} ({}) {decided}",
            RuleName(Some(entry)),
            entry_cidr(entry)
        ),
        None => format!("{} {decided}", RuleName(None)),
    }
}

impl fmt::Display for Association<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Association::Explicit => f.write_str("explicitly associated"),
            Association::Main(vpc) => write!(f, "main table of {vpc}"),
        }
    }
}

/// `0.0.0.0/0 to igw-1`, or `pl-1 (holds …) to nat-1`.
fn describe_route(route: &Route) -> String {
    let destination = route
        .destination_cidr
        .as_ref()
        .or(route.destination_ipv6_cidr.as_ref())
        .map(|cidr| cidr.as_str().to_owned())
        .or_else(|| route.destination_prefix_list_id.clone())
        .unwrap_or_default();
    format!("{destination} to {}", route.target.id())
}

/// Why a route does not let the internet in, when it is not to an attached gateway.
fn route_fault(route: &Route) -> &'static str {
    if route.state != "active" {
        return "a blackhole";
    }
    match &route.target {
        RouteTarget::Gateway(id) if id == "local" => "the VPC itself",
        RouteTarget::Gateway(id) if id.starts_with("igw-") => {
            "an internet gateway not attached to this VPC"
        }
        RouteTarget::Gateway(_) => "a gateway that is not an internet gateway",
        RouteTarget::NatGateway(_) => "a NAT gateway, which lets no connection in",
        RouteTarget::EgressOnlyInternetGateway(_) => {
            "an egress-only internet gateway, which lets no connection in"
        }
        RouteTarget::TransitGateway(_) => "a transit gateway",
        RouteTarget::VpcPeeringConnection(_) => "a peering connection",
        _ => "a target that is not an internet gateway",
    }
}

impl fmt::Display for RouteReach<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}'s route table {} ({})",
            self.subnet, self.table.id, self.association
        )
    }
}

impl fmt::Display for Blocker<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::NoPublicAddress => f.write_str("no public address"),
            Blocker::Route(reach, family) => {
                let of_family = |set: &AddrSet| set.has(*family);
                let to_internet: Vec<String> = reach
                    .matched
                    .iter()
                    .filter(|(_, set, to_internet)| *to_internet && of_family(set))
                    .map(|(route, _, _)| describe_route(route))
                    .collect();
                let family_note = if *family == Family::V6 {
                    " for IPv6"
                } else {
                    ""
                };
                if to_internet.is_empty() {
                    write!(
                        f,
                        "{reach} has no route to an internet gateway{family_note}"
                    )?;
                } else {
                    write!(
                        f,
                        "{reach} routes only part of the internet to an internet gateway{family_note} ({})",
                        to_internet.join(", ")
                    )?;
                }
                let elsewhere: Vec<String> = reach
                    .matched
                    .iter()
                    .filter(|(route, set, to_internet)| {
                        !to_internet && of_family(set) && route.target.id() != "local"
                    })
                    .map(|(route, _, _)| {
                        format!("{} is {}", describe_route(route), route_fault(route))
                    })
                    .collect();
                if !elsewhere.is_empty() {
                    write!(f, "; {}", elsewhere.join(", "))?;
                }
                Ok(())
            }
            Blocker::Groups { groups, port } => write!(
                f,
                "no security group ({}) admits tcp/{port} from the internet",
                groups.join(", ")
            ),
            Blocker::AclInbound {
                acl,
                port,
                allowing,
                denying,
            } => {
                let denies: Vec<String> = denying
                    .iter()
                    .map(|(entry, _)| RuleName(*entry).to_string())
                    .collect();
                if allowing.is_empty() {
                    write!(
                        f,
                        "network acl {} {} denies tcp/{port} inbound",
                        acl.id,
                        denies.join(", ")
                    )
                } else {
                    let allows: Vec<String> = allowing
                        .iter()
                        .map(|(entry, set)| describe_decision(*entry, set))
                        .collect();
                    write!(
                        f,
                        "network acl {} admits tcp/{port} inbound only from part of the internet ({} allows; {} denies the rest)",
                        acl.id,
                        allows.join(", "),
                        denies.join(", ")
                    )
                }
            }
            Blocker::AclReply { acl, allowing } => {
                let (low, high) = EPHEMERAL_PORTS;
                if allowing.is_empty() {
                    write!(
                        f,
                        "network acl {} lets no reply out to ports {low}-{high}",
                        acl.id
                    )
                } else {
                    let allows: Vec<String> = allowing
                        .iter()
                        .map(|(entry, set)| describe_decision(*entry, set))
                        .collect();
                    write!(
                        f,
                        "network acl {} lets replies out to ports {low}-{high} only for part of the internet ({})",
                        acl.id,
                        allows.join(", ")
                    )
                }
            }
        }
    }
}

impl fmt::Display for Opening<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let routes: Vec<String> = self
            .route
            .matched
            .iter()
            .map(|(route, _, _)| describe_route(route))
            .collect();
        let rules = |entries: &[&AclEntry], out: bool| -> String {
            entries
                .iter()
                .map(|entry| {
                    let ports = describe_ports(&entry.protocol, entry.from_port, entry.to_port);
                    let direction = if out { "to" } else { "from" };
                    format!(
                        "{} allows {ports} {direction} {}",
                        RuleName(Some(entry)),
                        entry_cidr(entry)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let interface = self
            .interface
            .map(|interface| format!(" ({interface})"))
            .unwrap_or_default();
        write!(
            f,
            "tcp/{} to {}{interface}: {} routes {}; {}; network acl {} {} inbound and {} out",
            self.port,
            self.address,
            self.route,
            routes.join(", "),
            self.group_rules.join(", "),
            self.acl.id,
            rules(&self.inbound, false),
            rules(&self.outbound, true),
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::net::parse_cidr;

    /// A region where `eni-1` (public IP 54.0.0.1, attached to i-1) sits in subnet-1 of vpc-1,
    /// whose main route table sends 0.0.0.0/0 and ::/0 to the attached igw-1, whose default ACL
    /// allows everything both ways, and whose group sg-ssh admits tcp/22 from anywhere. Each
    /// test changes one thing.
    fn open_region() -> Value {
        let all = |rule: i32, egress: bool, cidr: &str, v6: bool| {
            let key = if v6 { "ipv6_cidr_block" } else { "cidr_block" };
            json!({"rule_number": rule, "egress": egress, "protocol": "-1", "allow": true, key: cidr})
        };
        json!({
            "subnets": {"ok": [
                {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24"},
                {"id": "subnet-2", "vpc_id": "vpc-2", "cidr_block": "10.1.1.0/24"}
            ]},
            "route_tables": {"ok": [
                {"id": "rtb-main", "vpc_id": "vpc-1", "associations": [{"main": true}], "routes": [
                    {"destination_cidr": "10.0.0.0/16", "state": "active", "target": {"gateway": "local"}},
                    {"destination_cidr": "0.0.0.0/0", "state": "active", "target": {"gateway": "igw-1"}},
                    {"destination_ipv6_cidr": "::/0", "state": "active", "target": {"gateway": "igw-1"}}
                ]}
            ]},
            "internet_gateways": {"ok": [
                {"id": "igw-1", "attachments": [{"vpc_id": "vpc-1", "state": "available"}]}
            ]},
            "network_acls": {"ok": [
                {"id": "acl-default", "vpc_id": "vpc-1", "is_default": true, "entries": [
                    all(100, false, "0.0.0.0/0", false), all(101, false, "::/0", true),
                    all(100, true, "0.0.0.0/0", false), all(101, true, "::/0", true)
                ]}
            ]},
            "security_groups": {"ok": [
                {"id": "sg-ssh", "name": "ssh", "vpc_id": "vpc-1", "ingress": [
                    {"protocol": "tcp", "from_port": 22, "to_port": 22,
                     "ipv4_ranges": ["0.0.0.0/0"], "ipv6_ranges": ["::/0"]}
                ]}
            ]},
            "addresses": {"ok": []},
            "prefix_list_entries": {"ok": {}},
            "network_interfaces": {"ok": [
                {"id": "eni-1", "instance_id": "i-1", "subnet_id": "subnet-1", "vpc_id": "vpc-1",
                 "security_group_ids": ["sg-ssh"],
                 "private_ips": [{"address": "10.0.1.10", "primary": true, "public_ip": "54.0.0.1"}]}
            ]}
        })
    }

    fn ec2(region: Value) -> Ec2Region {
        serde_json::from_value(region).expect("a valid region")
    }

    /// The trace of eni-1 on tcp/22, as `OPEN …`, `CLOSED …` or `UNKNOWN …`.
    fn trace_with(region: Value, trusted: &[&str]) -> String {
        let region = ec2(region);
        let trusted: Vec<_> = trusted.iter().filter_map(|t| parse_cidr(t)).collect();
        let internet = Internet::new(&trusted);
        let mut network = match region_network(&region, &internet) {
            Ok(network) => network,
            Err(error) => return format!("UNKNOWN {error}"),
        };
        let Collected::Ok(interfaces) = &region.network_interfaces else {
            panic!("interfaces")
        };
        let interface = &interfaces[0];
        let endpoint = Endpoint {
            interface: None,
            subnet_id: interface.subnet_id.as_deref().expect("subnet"),
            group_ids: &interface.security_group_ids,
            addresses: network.public_addresses(interface),
        };
        match network.trace(&endpoint, 22) {
            Trace::Open(openings) => {
                let all: Vec<String> = openings.iter().map(ToString::to_string).collect();
                format!("OPEN {}", all.join(" | "))
            }
            Trace::Closed(closed) => {
                let all: Vec<String> = closed
                    .iter()
                    .map(|(address, blocker)| match address {
                        Some(address) => format!("{address}: {blocker}"),
                        None => blocker.to_string(),
                    })
                    .collect();
                format!("CLOSED {}", all.join(" | "))
            }
            Trace::Unknown(reason) => format!("UNKNOWN {reason}"),
        }
    }

    fn trace(region: Value) -> String {
        trace_with(region, &[])
    }

    fn routes(region: &mut Value, table: usize) -> &mut Vec<Value> {
        region["route_tables"]["ok"][table]["routes"]
            .as_array_mut()
            .expect("routes")
    }

    fn acl_entries(region: &mut Value) -> &mut Vec<Value> {
        region["network_acls"]["ok"][0]["entries"]
            .as_array_mut()
            .expect("entries")
    }

    fn assert_starts(actual: &str, expected: &str) {
        assert!(
            actual.starts_with(expected),
            "{actual}\n  does not start with\n{expected}"
        );
    }

    #[test]
    fn an_open_path_names_address_route_group_rule_and_acl_entries() {
        assert_eq!(
            trace(open_region()),
            "OPEN tcp/22 to public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) \
             routes 0.0.0.0/0 to igw-1; sg-ssh allows tcp/22 from 0.0.0.0/0; network acl acl-default \
             rule 100 allows all traffic from 0.0.0.0/0 inbound and rule 100 allows all traffic to 0.0.0.0/0 out"
        );
    }

    #[test]
    fn no_public_address_no_path() {
        let mut region = open_region();
        region["network_interfaces"]["ok"][0]["private_ips"][0]["public_ip"] = Value::Null;
        assert_eq!(trace(region), "CLOSED no public address");
    }

    #[test]
    fn an_explicit_association_wins_over_the_main_table() {
        let mut region = open_region();
        region["route_tables"]["ok"].as_array_mut().expect("tables").push(json!(
            {"id": "rtb-private", "vpc_id": "vpc-1", "associations": [{"subnet_id": "subnet-1"}],
             "routes": [{"destination_cidr": "10.0.0.0/16", "state": "active", "target": {"gateway": "local"}}]}
        ));
        assert_eq!(
            trace(region),
            "CLOSED public IP 54.0.0.1: subnet-1's route table rtb-private (explicitly associated) \
             has no route to an internet gateway"
        );
    }

    #[test]
    fn the_main_table_is_the_subnets_own_vpcs_never_another_vpcs() {
        let mut region = open_region();
        // vpc-1's main table has no internet route; vpc-2's main table does, to vpc-2's gateway.
        routes(&mut region, 0).truncate(1);
        region["route_tables"]["ok"].as_array_mut().expect("tables").push(json!(
            {"id": "rtb-other", "vpc_id": "vpc-2", "associations": [{"main": true}], "routes": [
                {"destination_cidr": "0.0.0.0/0", "state": "active", "target": {"gateway": "igw-2"}}]}
        ));
        region["internet_gateways"]["ok"]
            .as_array_mut()
            .expect("igws")
            .push(json!(
                {"id": "igw-2", "attachments": [{"vpc_id": "vpc-2", "state": "available"}]}
            ));
        assert_eq!(
            trace(region),
            "CLOSED public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) \
             has no route to an internet gateway"
        );
    }

    #[test]
    fn a_subnet_with_no_applicable_table_is_unknown() {
        let mut region = open_region();
        region["route_tables"]["ok"][0]["vpc_id"] = json!("vpc-2");
        assert_eq!(
            trace(region),
            "UNKNOWN no route table of vpc-1 applies to subnet-1"
        );
    }

    #[test]
    fn a_gateway_that_is_detached_or_another_vpcs_lets_nothing_in() {
        for attachments in [
            json!([{"vpc_id": "vpc-1", "state": "detached"}]),
            json!([{"vpc_id": "vpc-2", "state": "available"}]),
            json!([]),
        ] {
            let mut region = open_region();
            region["internet_gateways"]["ok"][0]["attachments"] = attachments.clone();
            assert_eq!(
                trace(region),
                "CLOSED public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) \
                 has no route to an internet gateway; 0.0.0.0/0 to igw-1 is an internet gateway \
                 not attached to this VPC",
                "{attachments}"
            );
        }
    }

    #[test]
    fn nat_egress_only_and_blackhole_routes_let_no_connection_in() {
        let cases = [
            (
                json!({"nat_gateway": "nat-1"}),
                "active",
                "0.0.0.0/0 to nat-1 is a NAT gateway, which lets no connection in",
            ),
            (
                json!({"transit_gateway": "tgw-1"}),
                "active",
                "0.0.0.0/0 to tgw-1 is a transit gateway",
            ),
            (
                json!({"vpc_peering_connection": "pcx-1"}),
                "active",
                "0.0.0.0/0 to pcx-1 is a peering connection",
            ),
            (
                json!({"gateway": "igw-1"}),
                "blackhole",
                "0.0.0.0/0 to igw-1 is a blackhole",
            ),
        ];
        for (target, state, why) in cases {
            let mut region = open_region();
            routes(&mut region, 0)[1] =
                json!({"destination_cidr": "0.0.0.0/0", "state": state, "target": target});
            assert_eq!(
                trace(region),
                format!(
                    "CLOSED public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) \
                     has no route to an internet gateway; {why}"
                )
            );
        }
        // IPv6 through an egress-only gateway only.
        let mut region = open_region();
        region["network_interfaces"]["ok"][0]["private_ips"][0]["public_ip"] = Value::Null;
        region["network_interfaces"]["ok"][0]["ipv6_addresses"] = json!(["2600:1f18::10"]);
        routes(&mut region, 0)[2] = json!({"destination_ipv6_cidr": "::/0", "state": "active",
            "target": {"egress_only_internet_gateway": "eigw-1"}});
        assert_eq!(
            trace(region),
            "CLOSED IPv6 2600:1f18::10: subnet-1's route table rtb-main (main table of vpc-1) has \
             no route to an internet gateway for IPv6; ::/0 to eigw-1 is an egress-only internet \
             gateway, which lets no connection in"
        );
    }

    #[test]
    fn split_routes_are_the_whole_internet_and_half_is_not() {
        let mut region = open_region();
        routes(&mut region, 0)[1] = json!({"destination_cidr": "0.0.0.0/1", "state": "active", "target": {"gateway": "igw-1"}});
        routes(&mut region, 0).push(json!({"destination_cidr": "128.0.0.0/1", "state": "active", "target": {"gateway": "igw-1"}}));
        assert_starts(
            &trace(region.clone()),
            "OPEN tcp/22 to public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) \
             routes 0.0.0.0/1 to igw-1, 128.0.0.0/1 to igw-1;",
        );
        // A more specific route to a NAT gateway takes half of the internet away.
        routes(&mut region, 0).push(json!({"destination_cidr": "128.0.0.0/2", "state": "active", "target": {"nat_gateway": "nat-1"}}));
        routes(&mut region, 0).push(json!({"destination_cidr": "192.0.0.0/2", "state": "active", "target": {"nat_gateway": "nat-1"}}));
        assert_eq!(
            trace(region),
            "CLOSED public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) routes \
             only part of the internet to an internet gateway (0.0.0.0/1 to igw-1); 128.0.0.0/2 to \
             nat-1 is a NAT gateway, which lets no connection in, 192.0.0.0/2 to nat-1 is a NAT \
             gateway, which lets no connection in"
        );
    }

    #[test]
    fn a_prefix_list_route_counts_with_its_entries() {
        let mut region = open_region();
        routes(&mut region, 0)[1] = json!({"destination_prefix_list_id": "pl-world", "state": "active", "target": {"gateway": "igw-1"}});
        region["prefix_list_entries"] =
            json!({"ok": {"pl-world": {"ok": ["0.0.0.0/1", "128.0.0.0/1"]}}});
        assert_starts(
            &trace(region.clone()),
            "OPEN tcp/22 to public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) routes pl-world to igw-1;",
        );
        region["prefix_list_entries"] = json!({"ok": {}});
        assert_eq!(
            trace(region),
            "UNKNOWN route table rtb-main: prefix list pl-world is not in the snapshot"
        );
    }

    #[test]
    fn a_group_prefix_list_is_resolved_and_a_narrow_one_is_not_the_internet() {
        let mut region = open_region();
        region["security_groups"]["ok"][0]["ingress"] = json!([
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "prefix_list_ids": ["pl-office"]}
        ]);
        region["prefix_list_entries"] = json!({"ok": {"pl-office": {"ok": ["198.51.100.0/24"]}}});
        assert_eq!(
            trace(region.clone()),
            "CLOSED public IP 54.0.0.1: no security group (sg-ssh) admits tcp/22 from the internet"
        );
        region["prefix_list_entries"] = json!({"ok": {"pl-office": {"ok": ["0.0.0.0/0"]}}});
        assert_starts(&trace(region), "OPEN tcp/22 to public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) routes 0.0.0.0/0 to igw-1; sg-ssh allows tcp/22 from pl-office (holds 0.0.0.0/0);");
    }

    #[test]
    fn acl_entries_apply_in_rule_order_first_match_wins_then_the_final_deny() {
        let deny_ssh = json!({"rule_number": 90, "egress": false, "protocol": "6", "allow": false,
                              "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22});
        let mut region = open_region();
        acl_entries(&mut region).push(deny_ssh.clone());
        assert_eq!(
            trace(region),
            "CLOSED public IP 54.0.0.1: network acl acl-default rule 90 denies tcp/22 inbound"
        );
        // Numbered after the allow-all, the same deny is never reached.
        let mut region = open_region();
        let mut late = deny_ssh.clone();
        late["rule_number"] = json!(200);
        acl_entries(&mut region).push(late);
        assert_starts(&trace(region), "OPEN tcp/22");
        // Nothing but the final deny.
        let mut region = open_region();
        acl_entries(&mut region).retain(|entry| entry["egress"] == true);
        assert_eq!(
            trace(region),
            "CLOSED public IP 54.0.0.1: network acl acl-default rule * denies tcp/22 inbound"
        );
        // A block list before the allow-all leaves the internet in; half of it does not.
        let mut region = open_region();
        acl_entries(&mut region).push(json!({"rule_number": 50, "egress": false, "protocol": "-1",
            "allow": false, "cidr_block": "198.51.100.0/24"}));
        assert_starts(&trace(region), "OPEN tcp/22");
        let mut region = open_region();
        acl_entries(&mut region).push(json!({"rule_number": 50, "egress": false, "protocol": "-1",
            "allow": false, "cidr_block": "0.0.0.0/1"}));
        assert_eq!(
            trace(region),
            "CLOSED public IP 54.0.0.1: network acl acl-default admits tcp/22 inbound only from part \
             of the internet (rule 100 (0.0.0.0/0) 128.0.0.0/1 allows; rule 50 denies the rest)"
        );
    }

    #[test]
    fn the_reply_must_get_out_to_the_clients_port() {
        let mut region = open_region();
        acl_entries(&mut region).retain(|entry| entry["egress"] == false);
        assert_eq!(
            trace(region.clone()),
            "CLOSED public IP 54.0.0.1: network acl acl-default lets no reply out to ports 1024-65535"
        );
        // Replies allowed only to ports below 1024 do not reach a client.
        acl_entries(&mut region).push(json!({"rule_number": 100, "egress": true, "protocol": "6",
            "allow": true, "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 1023}));
        assert_eq!(
            trace(region.clone()),
            "CLOSED public IP 54.0.0.1: network acl acl-default lets no reply out to ports 1024-65535"
        );
        // Some ephemeral ports are enough: the client picks its port.
        acl_entries(&mut region).push(json!({"rule_number": 110, "egress": true, "protocol": "6",
            "allow": true, "cidr_block": "0.0.0.0/0", "from_port": 32768, "to_port": 65535}));
        assert_eq!(
            trace(region),
            "OPEN tcp/22 to public IP 54.0.0.1: subnet-1's route table rtb-main (main table of vpc-1) \
             routes 0.0.0.0/0 to igw-1; sg-ssh allows tcp/22 from 0.0.0.0/0; network acl acl-default \
             rule 100 allows all traffic from 0.0.0.0/0 inbound and rule 110 allows tcp/32768-65535 to 0.0.0.0/0 out"
        );
    }

    #[test]
    fn an_explicit_acl_association_wins_over_the_default_acl() {
        let mut region = open_region();
        region["network_acls"]["ok"]
            .as_array_mut()
            .expect("acls")
            .push(json!(
                {"id": "acl-closed", "vpc_id": "vpc-1", "entries": [], "subnet_ids": ["subnet-1"]}
            ));
        assert_eq!(
            trace(region),
            "CLOSED public IP 54.0.0.1: network acl acl-closed rule * denies tcp/22 inbound"
        );
    }

    #[test]
    fn an_elastic_ip_known_only_from_describe_addresses_is_a_public_address() {
        let mut region = open_region();
        region["network_interfaces"]["ok"][0]["private_ips"][0]["public_ip"] = Value::Null;
        region["addresses"] = json!({"ok": [{"public_ip": "3.3.3.3", "allocation_id": "eipalloc-1",
            "network_interface_id": "eni-1", "private_ip": "10.0.1.10", "instance_id": "i-1"}]});
        assert_starts(
            &trace(region),
            "OPEN tcp/22 to public IP 3.3.3.3 (Elastic IP eipalloc-1):",
        );
    }

    #[test]
    fn a_secondary_private_address_with_a_public_association_is_a_public_address() {
        let mut region = open_region();
        region["network_interfaces"]["ok"][0]["private_ips"] = json!([
            {"address": "10.0.1.10", "primary": true},
            {"address": "10.0.1.11", "public_ip": "52.0.0.9"}
        ]);
        assert_starts(&trace(region), "OPEN tcp/22 to public IP 52.0.0.9:");
    }

    #[test]
    fn ipv6_needs_its_own_route_and_rules() {
        let mut region = open_region();
        region["network_interfaces"]["ok"][0]["private_ips"][0]["public_ip"] = Value::Null;
        region["network_interfaces"]["ok"][0]["ipv6_addresses"] = json!(["2600:1f18::10"]);
        assert_eq!(
            trace(region.clone()),
            "OPEN tcp/22 to IPv6 2600:1f18::10: subnet-1's route table rtb-main (main table of vpc-1) \
             routes ::/0 to igw-1; sg-ssh allows tcp/22 from ::/0; network acl acl-default rule 101 \
             allows all traffic from ::/0 inbound and rule 101 allows all traffic to ::/0 out"
        );
        // IPv4-only rules do not open an IPv6 address.
        region["security_groups"]["ok"][0]["ingress"][0]["ipv6_ranges"] = json!([]);
        assert_eq!(
            trace(region),
            "CLOSED IPv6 2600:1f18::10: no security group (sg-ssh) admits tcp/22 from the internet"
        );
    }

    #[test]
    fn trusted_ranges_are_not_the_internet() {
        let mut region = open_region();
        region["security_groups"]["ok"][0]["ingress"] = json!([
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "ipv4_ranges": ["203.0.113.0/24"]}
        ]);
        assert_eq!(
            trace_with(region, &["203.0.113.0/24"]),
            "CLOSED public IP 54.0.0.1: no security group (sg-ssh) admits tcp/22 from the internet"
        );
        // 0.0.0.0/0 stays the internet whatever narrower range is trusted.
        assert_starts(
            &trace_with(open_region(), &["203.0.113.0/24"]),
            "OPEN tcp/22",
        );
    }

    #[test]
    fn layers_that_could_not_be_read_make_the_trace_unknown() {
        for layer in [
            "route_tables",
            "internet_gateways",
            "network_acls",
            "subnets",
            "addresses",
            "security_groups",
        ] {
            let mut region = open_region();
            region[layer] = json!({"error": {"service": "ec2", "operation": "Describe", "region": "eu-west-1",
                "kind": "access_denied", "message": "denied"}});
            assert_starts(
                &trace(region),
                "UNKNOWN ec2:Describe in eu-west-1 access denied",
            );
        }
        let mut region = open_region();
        region["security_groups"]["ok"] = json!([]);
        assert_eq!(
            trace(region),
            "UNKNOWN security group sg-ssh is not among the region's groups"
        );
    }
}
