//! Network reasoning shared by the network checks: protocols, port ranges, and whether a set
//! of CIDR ranges is "the internet".

use ipnet::IpNet;

/// An IP protocol as security groups and network ACLs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `-1`: every protocol and port.
    All,
    Tcp,
    Udp,
    /// Any other protocol, by number.
    Other(u8),
}

impl Protocol {
    /// Parses AWS's spelling: names (`tcp`) or numbers (`6`); `tcp` and `6` are the same.
    pub fn parse(raw: &str) -> Option<Protocol> {
        // Called for every rule of every group: compared without allocating a lowercase copy.
        let raw = raw.trim();
        let is = |name: &str| raw.eq_ignore_ascii_case(name);
        if raw == "-1" || is("all") {
            Some(Protocol::All)
        } else if is("tcp") {
            Some(Protocol::Tcp)
        } else if is("udp") {
            Some(Protocol::Udp)
        } else if is("icmp") {
            Some(Protocol::Other(1))
        } else if is("icmpv6") {
            Some(Protocol::Other(58))
        } else {
            raw.parse::<u8>().ok().map(|n| match n {
                6 => Protocol::Tcp,
                17 => Protocol::Udp,
                n => Protocol::Other(n),
            })
        }
    }

    /// Whether a rule for this protocol and port range lets TCP traffic to `port` through.
    /// A missing range (or -1..-1) means every port.
    pub fn admits_tcp_port(self, from: Option<i32>, to: Option<i32>, port: u16) -> bool {
        match self {
            Protocol::All => true,
            Protocol::Tcp => match (from, to) {
                (Some(from), Some(to)) if from >= 0 && to >= 0 => {
                    (from..=to).contains(&i32::from(port))
                }
                _ => true,
            },
            Protocol::Udp | Protocol::Other(_) => false,
        }
    }
}

/// An IP address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub const BOTH: [Family; 2] = [Family::V4, Family::V6];

    pub fn of(net: &IpNet) -> Family {
        match net {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }

    /// `IPv4` or `IPv6`, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }

    /// Addresses a layer may leave out of this family's internet and still admit it: a /8's
    /// worth.
    fn tolerance(self) -> u128 {
        match self {
            Family::V4 => 1 << 24,
            Family::V6 => 1 << 120,
        }
    }
}

/// A set of addresses of both families, kept as sorted, disjoint, non-adjacent inclusive
/// ranges: what a security group, a network ACL or a route table admits, after rule order.
/// Range arithmetic (union, intersection, difference) is what first-match evaluation needs: a
/// rule applies to the addresses that no earlier rule matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddrSet {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

/// One end of an address range: `u32` for IPv4, `u128` for IPv6.
trait Bound: Copy + Ord + Into<u128> {
    fn next(self) -> Option<Self>;
    fn prev(self) -> Option<Self>;
}

impl Bound for u32 {
    fn next(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn prev(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

impl Bound for u128 {
    fn next(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn prev(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

/// Sorts and merges overlapping or adjacent ranges.
fn normalize<T: Bound>(ranges: &mut Vec<(T, T)>) {
    if ranges.len() < 2 {
        return;
    }
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for &(start, end) in ranges.iter() {
        match merged.last_mut() {
            Some(last) if last.1.next().is_none_or(|after| start <= after) => {
                last.1 = last.1.max(end);
            }
            _ => merged.push((start, end)),
        }
    }
    *ranges = merged;
}

fn intersect<T: Bound>(a: &[(T, T)], b: &[(T, T)]) -> Vec<(T, T)> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let start = a[i].0.max(b[j].0);
        let end = a[i].1.min(b[j].1);
        if start <= end {
            out.push((start, end));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn subtract<T: Bound>(a: &[(T, T)], b: &[(T, T)]) -> Vec<(T, T)> {
    let mut out = Vec::new();
    let mut first_cut = 0;
    for &(start, end) in a {
        while first_cut < b.len() && b[first_cut].1 < start {
            first_cut += 1;
        }
        let mut from = Some(start);
        for &(cut_start, cut_end) in &b[first_cut..] {
            let Some(current) = from else { break };
            if cut_start > end {
                break;
            }
            if cut_start > current {
                if let Some(before) = cut_start.prev() {
                    out.push((current, before));
                }
            }
            from = if cut_end >= end { None } else { cut_end.next() };
        }
        if let Some(current) = from {
            out.push((current, end));
        }
    }
    out
}

/// The number of addresses in `ranges`, saturating at `u128::MAX`.
fn count<T: Bound>(ranges: &[(T, T)]) -> u128 {
    ranges.iter().fold(0u128, |total, &(start, end)| {
        total.saturating_add((end.into() - start.into()).saturating_add(1))
    })
}

impl AddrSet {
    /// Every IPv4 and every IPv6 address.
    pub fn everything() -> AddrSet {
        AddrSet {
            v4: vec![(0, u32::MAX)],
            v6: vec![(0, u128::MAX)],
        }
    }

    pub fn from_nets(nets: impl IntoIterator<Item = IpNet>) -> AddrSet {
        let mut set = AddrSet::default();
        for net in nets {
            match net {
                IpNet::V4(net) => set.v4.push((net.network().into(), net.broadcast().into())),
                IpNet::V6(net) => set.v6.push((net.network().into(), net.broadcast().into())),
            }
        }
        normalize(&mut set.v4);
        normalize(&mut set.v6);
        set
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// Whether any address of `family` is in the set.
    pub fn has(&self, family: Family) -> bool {
        match family {
            Family::V4 => !self.v4.is_empty(),
            Family::V6 => !self.v6.is_empty(),
        }
    }

    /// The addresses of one family.
    pub fn only(&self, family: Family) -> AddrSet {
        match family {
            Family::V4 => AddrSet {
                v4: self.v4.clone(),
                v6: Vec::new(),
            },
            Family::V6 => AddrSet {
                v4: Vec::new(),
                v6: self.v6.clone(),
            },
        }
    }

    /// How many addresses of `family` the set holds, saturating at `u128::MAX`.
    pub fn count(&self, family: Family) -> u128 {
        match family {
            Family::V4 => count(&self.v4),
            Family::V6 => count(&self.v6),
        }
    }

    pub fn union(&self, other: &AddrSet) -> AddrSet {
        let mut set = AddrSet {
            v4: [self.v4.as_slice(), &other.v4].concat(),
            v6: [self.v6.as_slice(), &other.v6].concat(),
        };
        normalize(&mut set.v4);
        normalize(&mut set.v6);
        set
    }

    pub fn intersection(&self, other: &AddrSet) -> AddrSet {
        AddrSet {
            v4: intersect(&self.v4, &other.v4),
            v6: intersect(&self.v6, &other.v6),
        }
    }

    pub fn difference(&self, other: &AddrSet) -> AddrSet {
        AddrSet {
            v4: subtract(&self.v4, &other.v4),
            v6: subtract(&self.v6, &other.v6),
        }
    }

    pub fn intersects(&self, other: &AddrSet) -> bool {
        !self.intersection(other).is_empty()
    }

    /// Whether every address of `other` is in the set.
    pub fn contains_all(&self, other: &AddrSet) -> bool {
        other.difference(self).is_empty()
    }

    /// The set as the fewest CIDR blocks, in address order.
    pub fn to_cidrs(&self) -> Vec<IpNet> {
        let v4 = self.v4.iter().flat_map(|&(start, end)| {
            ipnet::Ipv4Subnets::new(start.into(), end.into(), 0).map(IpNet::V4)
        });
        let v6 = self.v6.iter().flat_map(|&(start, end)| {
            ipnet::Ipv6Subnets::new(start.into(), end.into(), 0).map(IpNet::V6)
        });
        v4.chain(v6).collect()
    }
}

/// Address ranges that are not globally reachable (IANA's special-purpose registries): no
/// connection from the internet comes from them. For IPv6, everything outside global unicast
/// `2000::/3`, and the documentation range inside it.
const NOT_GLOBAL: [&str; 18] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/3",
    "::/3",
    "4000::/2",
    "8000::/1",
    "2001:db8::/32",
];

/// "The internet" as the network checks mean it: every globally reachable address (not the
/// private, shared, loopback, link-local, documentation, multicast or reserved ranges), less
/// the trusted ranges.
///
/// Sources admit the internet of a family when they leave out no more of it than a /8's worth
/// of addresses (2^24 of IPv4, 2^120 of IPv6). So `0.0.0.0/0`, `::/0`, pieces that add up to
/// them, and an allow-all behind a block list that denies a few ranges (or the private ranges)
/// first all admit it: everyone else still gets in. Half the space (`0.0.0.0/1`) does not:
/// that is a very broad allow list, not the internet. The verdict depends only on the addresses
/// admitted, never on how the rules that admit them are split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Internet {
    space: AddrSet,
}

impl Internet {
    pub fn new(trusted: &[IpNet]) -> Internet {
        let outside = NOT_GLOBAL
            .iter()
            .filter_map(|cidr| parse_cidr(cidr))
            .chain(trusted.iter().copied());
        Internet {
            space: AddrSet::everything().difference(&AddrSet::from_nets(outside)),
        }
    }

    /// The internet's addresses: the globally reachable ones but the trusted ranges.
    pub fn addresses(&self) -> &AddrSet {
        &self.space
    }

    /// Whether `sources` admit the internet of `family`.
    pub fn admitted_in(&self, sources: &AddrSet, family: Family) -> bool {
        let internet = self.space.only(family);
        !internet.is_empty() && internet.difference(sources).count(family) <= family.tolerance()
    }

    /// Whether `sources` admit the internet of either family.
    pub fn admitted(&self, sources: &AddrSet) -> bool {
        Family::BOTH
            .into_iter()
            .any(|family| self.admitted_in(sources, family))
    }

    /// Whether ranges that hold `v4` IPv4 and `v6` IPv6 addresses (overlaps counted twice)
    /// could admit the internet: a test by size alone, which rules out most rule sets (a few
    /// private ranges) before any range is merged.
    fn could_be_admitted_by(&self, v4: u128, v6: u128) -> bool {
        [(Family::V4, v4), (Family::V6, v6)]
            .into_iter()
            .any(|(family, admitted)| {
                let needed = self.space.count(family);
                needed > 0 && admitted.saturating_add(family.tolerance()) >= needed
            })
    }
}

/// A range of source addresses that some rule admits, and that rule: its description for the
/// message ("tcp/20-25 from 0.0.0.0/0"), or anything that can be described later, so that the
/// many rules that never reach a message are never formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source<R = String> {
    pub net: IpNet,
    pub rule: R,
}

/// If `sources` together admit the internet, the rules that make them so (deduplicated, in
/// order): those admitting a `/0` when there are any, otherwise every rule that admits part of
/// the internet.
pub fn internet_wide_rules<R: Clone + PartialEq>(
    sources: &[Source<R>],
    internet: &Internet,
) -> Option<Vec<R>> {
    let size = |net: &IpNet| 1u128.checked_shl(u32::from(net.max_prefix_len() - net.prefix_len()));
    let (mut v4, mut v6) = (0u128, 0u128);
    for source in sources {
        let addresses = size(&source.net).unwrap_or(u128::MAX);
        match Family::of(&source.net) {
            Family::V4 => v4 = v4.saturating_add(addresses),
            Family::V6 => v6 = v6.saturating_add(addresses),
        }
    }
    if !internet.could_be_admitted_by(v4, v6)
        || !internet.admitted(&AddrSet::from_nets(sources.iter().map(|s| s.net)))
    {
        return None;
    }
    let has_slash_zero = sources.iter().any(|source| source.net.prefix_len() == 0);
    let mut rules: Vec<R> = Vec::new();
    for source in sources {
        let counts = if has_slash_zero {
            source.net.prefix_len() == 0
        } else {
            AddrSet::from_nets([source.net]).intersects(internet.addresses())
        };
        if counts && !rules.contains(&source.rule) {
            rules.push(source.rule.clone());
        }
    }
    Some(rules)
}

/// Splits `sources` into those that are not inside the trusted ranges, and the rules of those
/// that are. A source counts as trusted only when the trusted ranges cover it entirely, so a
/// `0.0.0.0/0` rule stays the internet whatever narrower range is trusted.
pub fn set_aside_trusted<R: PartialEq>(
    sources: Vec<Source<R>>,
    trusted: &[IpNet],
) -> (Vec<Source<R>>, Vec<R>) {
    if trusted.is_empty() {
        return (sources, Vec::new());
    }
    let trusted = AddrSet::from_nets(trusted.iter().copied());
    let (inside, outside): (Vec<Source<R>>, Vec<Source<R>>) = sources
        .into_iter()
        .partition(|source| trusted.contains_all(&AddrSet::from_nets([source.net])));
    let mut trusted_rules: Vec<R> = Vec::new();
    for source in inside {
        if !trusted_rules.contains(&source.rule) {
            trusted_rules.push(source.rule);
        }
    }
    (outside, trusted_rules)
}

/// Describes a protocol and port range the way people write it: `tcp/22`, `tcp/20-25`,
/// `udp/all ports`, `all traffic`.
pub fn describe_ports(protocol: &str, from: Option<i32>, to: Option<i32>) -> String {
    let name = match Protocol::parse(protocol) {
        Some(Protocol::All) => return "all traffic".to_owned(),
        Some(Protocol::Tcp) => "tcp".to_owned(),
        Some(Protocol::Udp) => "udp".to_owned(),
        Some(Protocol::Other(n)) => format!("protocol {n}"),
        None => format!("protocol {protocol}"),
    };
    match (from, to) {
        (Some(from), Some(to)) if from == to && from >= 0 => format!("{name}/{from}"),
        (Some(from), Some(to)) if from >= 0 && to >= 0 => format!("{name}/{from}-{to}"),
        _ => format!("{name}/all ports"),
    }
}

/// Parses a CIDR as AWS returns it; a bare address is a /32 or /128.
pub fn parse_cidr(raw: &str) -> Option<IpNet> {
    // std's address parser, then the prefix: several times faster than `IpNet`'s own parser,
    // which matters when a large account has hundreds of thousands of rules.
    let raw = raw.trim();
    let (address, prefix) = match raw.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
        None => (raw, None),
    };
    let address: std::net::IpAddr = address.parse().ok()?;
    let net = match prefix {
        Some(prefix) => IpNet::new(address, prefix).ok()?,
        None => IpNet::from(address),
    };
    Some(net.trunc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().filter_map(|s| parse_cidr(s)).collect()
    }

    fn set(list: &[&str]) -> AddrSet {
        AddrSet::from_nets(nets(list))
    }

    fn admits_internet(list: &[&str]) -> bool {
        Internet::new(&[]).admitted(&set(list))
    }

    #[test]
    fn tcp_by_name_and_number_are_the_same_and_udp_is_not_ssh() {
        assert_eq!(Protocol::parse("tcp"), Protocol::parse("6"));
        assert!(Protocol::Tcp.admits_tcp_port(Some(20), Some(25), 22));
        assert!(!Protocol::Tcp.admits_tcp_port(Some(23), Some(25), 22));
        assert!(!Protocol::Udp.admits_tcp_port(Some(22), Some(22), 22));
        assert!(Protocol::All.admits_tcp_port(None, None, 3389));
    }

    #[test]
    fn split_ranges_that_cover_everything_are_the_internet() {
        assert!(admits_internet(&["0.0.0.0/0"]));
        assert!(admits_internet(&["::/0"]));
        assert!(admits_internet(&["0.0.0.0/1", "128.0.0.0/1"]));
        assert!(!admits_internet(&["0.0.0.0/1", "128.0.0.0/2"]));
        assert!(!admits_internet(&["10.0.0.0/8", "8000::/1"]));
        // Every globally reachable IPv6 address is in 2000::/3, so in ::/1.
        assert!(admits_internet(&["::/1"]));
    }

    #[test]
    fn cidrs_as_aws_writes_them() {
        let parsed = |raw: &str| parse_cidr(raw).map(|net| net.to_string());
        assert_eq!(parsed(" 0.0.0.0/0 ").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(parsed("10.1.2.3/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(parsed("10.0.0.1").as_deref(), Some("10.0.0.1/32"));
        assert_eq!(parsed("::/0").as_deref(), Some("::/0"));
        assert_eq!(parsed("2001:db8::1").as_deref(), Some("2001:db8::1/128"));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "1.2.3.4/",
            "abc",
            "",
            "10.0.0/8",
            "1.2.3.4/-1",
        ] {
            assert_eq!(parsed(bad), None, "{bad}");
        }
    }

    #[test]
    fn trusted_sources_are_set_aside_only_when_wholly_trusted() {
        let source = |cidr: &str| Source {
            net: parse_cidr(cidr).expect("valid"),
            rule: format!("tcp/22 from {cidr}"),
        };
        let trusted = nets(&["198.51.100.0/24", "203.0.113.0/24"]);
        let (outside, inside) = set_aside_trusted(
            vec![
                source("198.51.100.0/25"),
                source("0.0.0.0/0"),
                source("203.0.112.0/23"),
            ],
            &trusted,
        );
        assert_eq!(inside, vec!["tcp/22 from 198.51.100.0/25"]);
        let outside: Vec<String> = outside.into_iter().map(|s| s.rule).collect();
        assert_eq!(
            outside,
            vec!["tcp/22 from 0.0.0.0/0", "tcp/22 from 203.0.112.0/23"]
        );
    }

    #[test]
    fn coverage_by_pieces() {
        let pieces = set(&["10.0.0.0/9", "10.128.0.0/9"]);
        assert!(pieces.contains_all(&set(&["10.0.0.0/8"])));
        assert!(!pieces.contains_all(&set(&["11.0.0.0/8"])));
        assert_eq!(pieces, set(&["10.0.0.0/8"]), "adjacent halves merge");
    }

    #[test]
    fn range_arithmetic_first_match_needs() {
        let everything = AddrSet::everything();
        let rest = everything.difference(&set(&["0.0.0.0/1"]));
        assert_eq!(rest.only(Family::V4), set(&["128.0.0.0/1"]));
        assert_eq!(rest.only(Family::V6), set(&["::/0"]));
        let holed = set(&["10.0.0.0/8"]).difference(&set(&["10.1.0.0/16", "10.3.0.0/16"]));
        assert_eq!(
            holed
                .to_cidrs()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "10.0.0.0/16",
                "10.2.0.0/16",
                "10.4.0.0/14",
                "10.8.0.0/13",
                "10.16.0.0/12",
                "10.32.0.0/11",
                "10.64.0.0/10",
                "10.128.0.0/9"
            ]
        );
        assert_eq!(holed.count(Family::V4), (1 << 24) - 2 * (1 << 16));
        assert_eq!(
            set(&["10.0.0.0/8", "192.168.0.0/16"]).intersection(&set(&[
                "10.5.0.0/16",
                "172.16.0.0/12",
                "192.168.1.0/24"
            ])),
            set(&["10.5.0.0/16", "192.168.1.0/24"])
        );
        assert!(everything.difference(&everything).is_empty());
        assert_eq!(everything.count(Family::V6), u128::MAX, "saturates");
        assert!(set(&["::/0"])
            .difference(&set(&["::/1"]))
            .contains_all(&set(&["8000::/1"])));
    }

    #[test]
    fn a_block_list_is_still_the_internet_and_an_allow_list_of_half_is_not() {
        let internet = Internet::new(&[]);
        let block_list = AddrSet::everything().only(Family::V4).difference(&set(&[
            "198.51.100.0/24",
            "10.0.0.0/8",
            "45.0.0.0/9",
            "224.0.0.0/3",
        ]));
        assert!(internet.admitted(&block_list));
        assert!(!internet.admitted(&set(&["10.0.0.0/8", "172.16.0.0/12", "fc00::/7"])));
        assert!(
            internet.admitted(&set(&["2000::/3"])),
            "global unicast is all of IPv6's internet"
        );
        assert!(!internet.admitted(&set(&["128.0.0.0/1"])));
        assert!(!internet.admitted(
            &AddrSet::everything()
                .only(Family::V4)
                .difference(&set(&["44.0.0.0/7"]))
        ));
        // Trusted ranges are not the internet: admitting all but them is admitting all of it.
        let trusted = nets(&["203.0.113.0/24"]);
        let trusting = Internet::new(&trusted);
        assert!(trusting.admitted(&set(&["0.0.0.0/0"])));
        assert!(!trusting.admitted(&set(&["203.0.113.0/25"])));
        assert!(!Internet::new(&nets(&["0.0.0.0/0", "::/0"])).admitted(&AddrSet::everything()));
    }
}
