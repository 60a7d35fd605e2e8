//! Security groups and network ACLs, with the rules declared as resources of their own
//! (ZT301–ZT303).
//!
//! - `aws_security_group` and `aws_default_security_group` (named `default`, as AWS names it)
//!   with their inline `ingress`/`egress`; `aws_security_group_rule`,
//!   `aws_vpc_security_group_ingress_rule` and `_egress_rule` join the group they attach to: by
//!   its id, or by the `configuration` reference (through module outputs) when the id is
//!   unknown. A rule on a group the plan does not declare stands for that group, whose other
//!   rules are unknown; laid over a live account (`--against`), it amends the live group. An inline `ingress`/`egress` that is unknown but not configured is
//!   computed from the separate rules, and read as empty.
//! - Unknown parts of a rule: in the worst case a source is `0.0.0.0/0` (or `::/0`), a protocol
//!   is every protocol, a port range every port; in the best case the rule admits nothing.
//! - `aws_network_acl`, `aws_default_network_acl` and `aws_network_acl_rule`: an unknown allow
//!   entry admits everything at worst and nothing at best; an unknown deny entry the reverse.

use std::collections::{BTreeMap, HashMap};

use ztaudit_checks::snapshot::{AclEntry, Cidr, Collected, NetworkAcl, Permission, SecurityGroup};

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::{Case, Known, Node};

const GROUP_TYPES: [&str; 2] = ["aws_security_group", "aws_default_security_group"];
const RULE_TYPES: [&str; 3] = [
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
];
const ACL_TYPES: [&str; 3] = [
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
];

pub fn map(m: &mut Mapping<'_>) {
    if m.declares(&GROUP_TYPES) || m.declares(&RULE_TYPES) {
        map_groups(m);
    }
    if m.declares(&ACL_TYPES) {
        map_acls(m);
    }
}

/// A group being built, with where it is declared.
struct Built<'p> {
    planned: &'p Planned<'p>,
    group: SecurityGroup,
}

/// The field names of one way of writing a rule.
struct Shape {
    protocol: &'static str,
    v4: &'static str,
    v6: &'static str,
    prefix_lists: &'static str,
    groups: &'static str,
}

/// An `ingress`/`egress` block of `aws_security_group`, and `aws_security_group_rule`.
const BLOCK: Shape = Shape {
    protocol: "protocol",
    v4: "cidr_blocks",
    v6: "ipv6_cidr_blocks",
    prefix_lists: "prefix_list_ids",
    groups: "security_groups",
};

/// `aws_vpc_security_group_ingress_rule` and `_egress_rule`: one source each.
const VPC_RULE: Shape = Shape {
    protocol: "ip_protocol",
    v4: "cidr_ipv4",
    v6: "cidr_ipv6",
    prefix_lists: "prefix_list_id",
    groups: "referenced_security_group_id",
};

/// The groups being built, found by id and by address in constant time: a plan of thousands of
/// groups and rule resources joins each rule to its group.
#[derive(Default)]
struct Groups<'p> {
    list: Vec<Built<'p>>,
    /// The first group of each id, and of each address.
    by_id: HashMap<String, usize>,
    by_address: HashMap<&'p str, usize>,
}

impl<'p> Groups<'p> {
    fn push(&mut self, built: Built<'p>) -> usize {
        let index = self.list.len();
        self.by_id.entry(built.group.id.clone()).or_insert(index);
        self.by_address
            .entry(built.planned.address)
            .or_insert(index);
        self.list.push(built);
        index
    }
}

fn map_groups(m: &mut Mapping<'_>) {
    let mut built = Groups::default();
    let groups: Vec<&Planned<'_>> = GROUP_TYPES.iter().flat_map(|t| m.of_type(t)).collect();
    for planned in groups {
        let id = planned
            .known_str("id")
            .unwrap_or(planned.address)
            .to_owned();
        let name = if planned.resource_type == "aws_default_security_group" {
            "default".to_owned()
        } else {
            planned
                .known_str("name")
                .unwrap_or(planned.address)
                .to_owned()
        };
        let mut group = SecurityGroup {
            id: id.clone(),
            name,
            vpc_id: planned.known_str("vpc_id").map(str::to_owned),
            ingress: Vec::new(),
            egress: Vec::new(),
        };
        for (key, rules) in [
            ("ingress", &mut group.ingress),
            ("egress", &mut group.egress),
        ] {
            let node = planned.values.get(key);
            match node.items() {
                Known::Value(blocks) => {
                    for block in blocks {
                        rules.extend(permission(m, planned, key, block, &BLOCK, &id));
                    }
                }
                Known::Unknown if planned.configured(key) => {
                    m.unknown(planned, key);
                    if m.case == Case::Worst {
                        rules.push(all_open());
                    }
                }
                // Computed from the rules declared as resources of their own.
                Known::Unknown => {}
            }
        }
        built.push(Built { planned, group });
    }

    let rules: Vec<&Planned<'_>> = RULE_TYPES.iter().flat_map(|t| m.of_type(t)).collect();
    for rule in rules {
        let direction = match rule.resource_type {
            "aws_vpc_security_group_ingress_rule" => "ingress",
            "aws_vpc_security_group_egress_rule" => "egress",
            _ => match rule.values.get("type").str() {
                Known::Value(Some("egress")) => "egress",
                Known::Value(_) => "ingress",
                Known::Unknown => {
                    m.unknown(rule, format!("{}.type", rule.address));
                    m.case.pick("egress", "ingress")
                }
            },
        };
        let shape = if rule.resource_type == "aws_security_group_rule" {
            &BLOCK
        } else {
            &VPC_RULE
        };
        let targets = attach_targets(m, rule, &mut built);
        let Some(targets) = targets else {
            continue;
        };
        for index in targets {
            let own_id = built.list[index].group.id.clone();
            let owner = built.list[index].planned;
            let label = rule.address.to_owned();
            let made = permission(m, owner, &label, rule.values, shape, &own_id);
            let group = &mut built.list[index].group;
            let list = if direction == "egress" {
                &mut group.egress
            } else {
                &mut group.ingress
            };
            list.extend(made);
        }
    }

    let mut by_region: BTreeMap<String, Vec<SecurityGroup>> = BTreeMap::new();
    for Built { planned, mut group } in built.list {
        group.ingress.sort();
        group.egress.sort();
        let region = planned.region.to_owned();
        m.register(planned, &region, &group);
        by_region.entry(region).or_default().push(group);
    }
    for (region, mut groups) in by_region {
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        m.region(&region).ec2.security_groups = Collected::Ok(groups);
    }
}

/// The groups (indexes in `built`) a rule resource attaches to in this case, adding a stand-in
/// group when the rule's group is not in the plan. `None`: it attaches to none in this case.
fn attach_targets<'p>(
    m: &mut Mapping<'p>,
    rule: &'p Planned<'p>,
    built: &mut Groups<'p>,
) -> Option<Vec<usize>> {
    if let Some(id) = rule.known_str("security_group_id") {
        if let Some(&index) = built.by_id.get(id) {
            return Some(vec![index]);
        }
        return Some(vec![stand_in(m, rule, built, id)]);
    }
    let referenced = m.referenced(rule, "security_group_id", &GROUP_TYPES);
    let indexes: Vec<usize> = referenced
        .iter()
        .filter_map(|target| built.by_address.get(target.address).copied())
        .collect();
    match indexes.len() {
        0 => Some(vec![stand_in(m, rule, built, rule.address)]),
        1 => Some(indexes),
        _ => {
            // One of several instances, which only apply decides: at worst all of them.
            for &index in &indexes {
                let owner = built.list[index].planned;
                m.unknown(owner, format!("which group {} attaches to", rule.address));
            }
            (m.case == Case::Worst).then_some(indexes)
        }
    }
}

/// A group the plan does not declare, known only by the rule that attaches to it: its other
/// rules are unknown (at worst, open).
fn stand_in<'p>(
    m: &mut Mapping<'p>,
    rule: &'p Planned<'p>,
    built: &mut Groups<'p>,
    id: &str,
) -> usize {
    if let Some(live) = live_group(m, rule.region, id) {
        // Laid over the live account: the rule amends the group as it is.
        return built.push(Built {
            planned: rule,
            group: live,
        });
    }
    m.unknown(
        rule,
        format!("the other rules of {id} (not declared in the plan)"),
    );
    let extra = (m.case == Case::Worst).then(all_open);
    built.push(Built {
        planned: rule,
        group: SecurityGroup {
            id: id.to_owned(),
            name: id.to_owned(),
            vpc_id: None,
            ingress: extra.clone().into_iter().collect(),
            egress: extra.into_iter().collect(),
        },
    })
}

/// The live group `id` in `region`, when the plan is laid over a live account that has it.
fn live_group(m: &Mapping<'_>, region: &str, id: &str) -> Option<SecurityGroup> {
    let groups = m
        .live?
        .regions
        .get(region)?
        .ec2
        .security_groups
        .as_result()
        .ok()?;
    groups.iter().find(|group| group.id == id).cloned()
}

/// Every protocol from everywhere: the worst an unknown rule can be.
fn all_open() -> Permission {
    Permission {
        protocol: "-1".to_owned(),
        from_port: None,
        to_port: None,
        ipv4_ranges: vec![Cidr::from("0.0.0.0/0")],
        ipv6_ranges: vec![Cidr::from("::/0")],
        prefix_list_ids: Vec::new(),
        security_group_refs: Vec::new(),
    }
}

/// A list attribute or a single-valued one, as texts each known or not.
fn texts(node: Node<'_>) -> Known<Vec<Known<&str>>> {
    match node.str() {
        Known::Value(Some(text)) => Known::Value(vec![Known::Value(text)]),
        Known::Unknown => Known::Unknown,
        Known::Value(None) => node.strings(),
    }
}

/// The permission a rule (an inline block or a rule resource) gives, in this case; `None`
/// when, in the best case, an unknown protocol or port keeps it from admitting anything.
fn permission(
    m: &mut Mapping<'_>,
    owner: &Planned<'_>,
    label: &str,
    rule: Node<'_>,
    shape: &Shape,
    own_id: &str,
) -> Option<Permission> {
    let worst = m.case == Case::Worst;
    let unknown = |m: &mut Mapping<'_>, field: &str| m.unknown(owner, format!("{label}.{field}"));
    let protocol = match rule.get(shape.protocol).str() {
        Known::Value(Some("all")) => "-1".to_owned(),
        Known::Value(Some(p)) => p.to_ascii_lowercase(),
        Known::Value(None) => "-1".to_owned(),
        Known::Unknown => {
            unknown(m, shape.protocol);
            if !worst {
                return None;
            }
            "-1".to_owned()
        }
    };
    let mut ports = [None, None];
    for (slot, (field, widest)) in ports.iter_mut().zip([("from_port", 0), ("to_port", 65535)]) {
        *slot = match rule.get(field).i64() {
            Known::Value(port) => port.and_then(|p| i32::try_from(p).ok()),
            Known::Unknown => {
                unknown(m, field);
                if !worst {
                    return None;
                }
                Some(widest)
            }
        };
    }
    let ports = if protocol == "-1" {
        [None, None]
    } else {
        ports
    };
    let ranges = |m: &mut Mapping<'_>, field: &str, everything: &str| -> Vec<Cidr> {
        match texts(rule.get(field)) {
            Known::Unknown => {
                unknown(m, field);
                worst.then(|| Cidr::from(everything)).into_iter().collect()
            }
            Known::Value(items) => items
                .into_iter()
                .filter_map(|item| match item {
                    Known::Value(text) => Some(Cidr::from(text)),
                    Known::Unknown => {
                        unknown(m, field);
                        worst.then(|| Cidr::from(everything))
                    }
                })
                .collect(),
        }
    };
    let ipv4_ranges = ranges(m, shape.v4, "0.0.0.0/0");
    let ipv6_ranges = ranges(m, shape.v6, "::/0");
    let ids = |m: &mut Mapping<'_>, field: &str| -> (Vec<String>, bool) {
        match texts(rule.get(field)) {
            Known::Unknown => {
                unknown(m, field);
                (Vec::new(), true)
            }
            Known::Value(items) => {
                let mut any_unknown = false;
                let known = items
                    .into_iter()
                    .filter_map(|item| match item {
                        Known::Value(text) => Some(text.to_owned()),
                        Known::Unknown => {
                            any_unknown = true;
                            None
                        }
                    })
                    .collect();
                if any_unknown {
                    unknown(m, field);
                }
                (known, any_unknown)
            }
        }
    };
    let (prefix_list_ids, unknown_list) = ids(m, shape.prefix_lists);
    let (mut security_group_refs, _) = ids(m, shape.groups);
    // `aws_security_group_rule` names its one source group so.
    if let Some(source) = rule.get("source_security_group_id").known_str() {
        security_group_refs.push(source.to_owned());
    }
    if rule.get("self").bool() == Known::Value(Some(true)) {
        security_group_refs.push(own_id.to_owned());
    }
    let mut ipv4_ranges = ipv4_ranges;
    if unknown_list && worst {
        // An unknown prefix list may hold every address.
        ipv4_ranges.push(Cidr::from("0.0.0.0/0"));
    }
    Some(Permission {
        protocol,
        from_port: ports[0],
        to_port: ports[1],
        ipv4_ranges,
        ipv6_ranges,
        prefix_list_ids,
        security_group_refs,
    })
}

fn map_acls(m: &mut Mapping<'_>) {
    let mut acls: Vec<(&Planned<'_>, NetworkAcl)> = Vec::new();
    for resource_type in ["aws_network_acl", "aws_default_network_acl"] {
        let declared: Vec<&Planned<'_>> = m.of_type(resource_type).collect();
        for planned in declared {
            let mut acl = NetworkAcl {
                id: planned
                    .known_str("id")
                    .unwrap_or(planned.address)
                    .to_owned(),
                vpc_id: planned.known_str("vpc_id").map(str::to_owned),
                is_default: resource_type == "aws_default_network_acl",
                entries: Vec::new(),
                subnet_ids: planned
                    .values
                    .get("subnet_ids")
                    .known_strings()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            };
            for (key, egress) in [("ingress", false), ("egress", true)] {
                match planned.values.get(key).items() {
                    Known::Value(blocks) => {
                        for block in blocks {
                            let label = format!("{key}.rule_no");
                            acl.entries.extend(acl_entry(
                                m,
                                planned,
                                &label,
                                block,
                                egress,
                                ENTRY_BLOCK,
                            ));
                        }
                    }
                    Known::Unknown if planned.configured(key) => {
                        m.unknown(planned, key);
                        if m.case == Case::Worst {
                            acl.entries.push(allow_everything(egress));
                        }
                    }
                    Known::Unknown => {}
                }
            }
            acls.push((planned, acl));
        }
    }
    // The first ACL of each id and of each address, for the rule resources to join.
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_address: HashMap<&str, usize> = HashMap::new();
    for (index, (planned, acl)) in acls.iter().enumerate() {
        by_id.entry(acl.id.clone()).or_insert(index);
        by_address.entry(planned.address).or_insert(index);
    }
    let rules: Vec<&Planned<'_>> = m.of_type("aws_network_acl_rule").collect();
    for rule in rules {
        let index = match rule.known_str("network_acl_id") {
            Some(id) => by_id.get(id).copied(),
            None => {
                let targets = m.referenced(rule, "network_acl_id", &ACL_TYPES[..2]);
                match targets.as_slice() {
                    [one] => by_address.get(one.address).copied(),
                    _ => None,
                }
            }
        };
        let Some(index) = index else {
            // An entry of an ACL the plan does not declare, or of one only apply decides: it
            // is judged with the ACL it attaches to, which this plan does not show.
            continue;
        };
        let owner = acls[index].0;
        let egress = match rule.values.get("egress").bool() {
            Known::Value(egress) => egress.unwrap_or(false),
            Known::Unknown => false,
        };
        let label = rule.address.to_owned();
        let entry = acl_entry(m, owner, &label, rule.values, egress, ENTRY_RESOURCE);
        acls[index].1.entries.extend(entry);
    }
    let mut by_region: BTreeMap<String, Vec<NetworkAcl>> = BTreeMap::new();
    for (planned, mut acl) in acls {
        acl.entries.sort();
        let region = planned.region.to_owned();
        m.register(planned, &region, &acl);
        by_region.entry(region).or_default().push(acl);
    }
    for (region, mut acls) in by_region {
        acls.sort_by(|a, b| a.id.cmp(&b.id));
        m.region(&region).ec2.network_acls = Collected::Ok(acls);
    }
}

/// Field names of an ACL entry: `(rule number, action)`.
type EntryShape = (&'static str, &'static str);
const ENTRY_BLOCK: EntryShape = ("rule_no", "action");
const ENTRY_RESOURCE: EntryShape = ("rule_number", "rule_action");

fn allow_everything(egress: bool) -> AclEntry {
    AclEntry {
        rule_number: 1,
        egress,
        protocol: "-1".to_owned(),
        allow: true,
        cidr_block: Some(Cidr::from("0.0.0.0/0")),
        ipv6_cidr_block: None,
        from_port: None,
        to_port: None,
    }
}

/// One ACL entry in this case; `None` when, in this case, an unknown part makes it match
/// nothing (an allow entry at best, a deny entry at worst).
fn acl_entry(
    m: &mut Mapping<'_>,
    owner: &Planned<'_>,
    label: &str,
    entry: Node<'_>,
    egress: bool,
    (number_field, action_field): EntryShape,
) -> Option<AclEntry> {
    let worst = m.case == Case::Worst;
    let allow = match entry.get(action_field).str() {
        Known::Value(action) => action.is_some_and(|a| a.eq_ignore_ascii_case("allow")),
        Known::Unknown => {
            m.unknown(owner, format!("{label}.{action_field}"));
            worst
        }
    };
    // An unknown part makes the entry match everything when that is worse, nothing otherwise.
    let widen = allow == worst;
    let mut any_unknown = false;
    let mut read = |field: &str| -> Known<Option<&str>> {
        let value = entry.get(field).str();
        if value.is_unknown() {
            any_unknown = true;
        }
        value
    };
    let protocol = read("protocol").or(Some("-1")).unwrap_or("-1");
    let cidr = read("cidr_block");
    let ipv6 = read("ipv6_cidr_block");
    let number = entry.get(number_field).i64();
    let ports = [entry.get("from_port").i64(), entry.get("to_port").i64()];
    if any_unknown || number.is_unknown() || ports.iter().any(Known::is_unknown) {
        m.unknown(owner, format!("{label} (an entry)"));
        if !widen {
            return None;
        }
    }
    let protocol = match protocol.to_ascii_lowercase().as_str() {
        "tcp" => "6".to_owned(),
        "udp" => "17".to_owned(),
        "icmp" => "1".to_owned(),
        "all" => "-1".to_owned(),
        other => other.to_owned(),
    };
    let everything = protocol == "-1";
    let cidr = match cidr {
        Known::Value(text) => text.filter(|t| !t.is_empty()).map(Cidr::from),
        Known::Unknown => Some(Cidr::from("0.0.0.0/0")),
    };
    let ipv6 = match ipv6 {
        Known::Value(text) => text.filter(|t| !t.is_empty()).map(Cidr::from),
        Known::Unknown => Some(Cidr::from("::/0")),
    };
    let port = |known: Known<Option<i64>>, widest: i32| match known {
        Known::Value(port) => port.and_then(|p| i32::try_from(p).ok()),
        Known::Unknown => Some(widest),
    };
    Some(AclEntry {
        rule_number: match number {
            Known::Value(n) => n.and_then(|n| i32::try_from(n).ok()).unwrap_or(32766),
            // First when it is worse first, last otherwise.
            Known::Unknown => {
                if widen {
                    1
                } else {
                    32766
                }
            }
        },
        egress,
        protocol,
        allow,
        cidr_block: cidr,
        ipv6_cidr_block: ipv6,
        from_port: if everything { None } else { port(ports[0], 0) },
        to_port: if everything {
            None
        } else {
            port(ports[1], 65535)
        },
    })
}
