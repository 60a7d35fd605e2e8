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

/// Whether `ranges` together cover the whole IPv4 or the whole IPv6 address space — which is
/// what "open to the internet" means, whether it is written `0.0.0.0/0` or as pieces such as
/// `0.0.0.0/1` + `128.0.0.0/1`.
pub fn covers_whole_internet(ranges: impl Iterator<Item = IpNet> + Clone) -> bool {
    // Pieces can only tile a whole family if their sizes add up to it: most rule sets (a few
    // private ranges) are ruled out here without aggregating, or allocating, anything.
    let (mut v4, mut v6) = (0u64, 0u128);
    for net in ranges.clone() {
        match net {
            IpNet::V4(net) if net.prefix_len() == 0 => return true,
            IpNet::V6(net) if net.prefix_len() == 0 => return true,
            IpNet::V4(net) => v4 = v4.saturating_add(1u64 << (32 - u32::from(net.prefix_len()))),
            IpNet::V6(net) => v6 = v6.saturating_add(1u128 << (128 - u32::from(net.prefix_len()))),
        }
    }
    if v4 < 1u64 << 32 && v6 < u128::MAX {
        return false;
    }
    let aggregated = IpNet::aggregate(&ranges.collect());
    aggregated.iter().any(|net| net.prefix_len() == 0)
}

/// Whether `net` lies entirely inside the union of `ranges`.
pub fn is_covered_by(net: &IpNet, ranges: &[IpNet]) -> bool {
    if ranges.is_empty() {
        return false;
    }
    // After aggregation, a block covered by the union lies inside one aggregated block:
    // aggregation merges any set of blocks that tiles a larger one.
    IpNet::aggregate(&ranges.to_vec())
        .iter()
        .any(|block| block.contains(net))
}

/// A range of source addresses that some rule admits, and that rule: its description for the
/// message ("tcp/20-25 from 0.0.0.0/0"), or anything that can be described later, so that the
/// many rules that never reach a message are never formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source<R = String> {
    pub net: IpNet,
    pub rule: R,
}

/// If `sources` together are the whole internet, the rules that make them so (deduplicated,
/// in order): those admitting a `/0` when there are any, otherwise every contributing rule.
pub fn internet_wide_rules<R: Clone + PartialEq>(sources: &[Source<R>]) -> Option<Vec<R>> {
    if !covers_whole_internet(sources.iter().map(|source| source.net)) {
        return None;
    }
    let has_slash_zero = sources.iter().any(|source| source.net.prefix_len() == 0);
    let mut rules: Vec<R> = Vec::new();
    for source in sources {
        if (!has_slash_zero || source.net.prefix_len() == 0) && !rules.contains(&source.rule) {
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
    let (inside, outside): (Vec<Source<R>>, Vec<Source<R>>) = sources
        .into_iter()
        .partition(|source| is_covered_by(&source.net, trusted));
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

    fn covers_whole_internet(list: &[&str]) -> bool {
        super::covers_whole_internet(nets(list).into_iter())
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
        assert!(covers_whole_internet(&["0.0.0.0/0"]));
        assert!(covers_whole_internet(&["::/0"]));
        assert!(covers_whole_internet(&["0.0.0.0/1", "128.0.0.0/1"]));
        assert!(!covers_whole_internet(&["0.0.0.0/1", "128.0.0.0/2"]));
        assert!(!covers_whole_internet(&["10.0.0.0/8", "::/1"]));
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
        let pieces = nets(&["10.0.0.0/9", "10.128.0.0/9"]);
        assert!(is_covered_by(&nets(&["10.0.0.0/8"])[0], &pieces));
        assert!(!is_covered_by(&nets(&["11.0.0.0/8"])[0], &pieces));
    }
}
