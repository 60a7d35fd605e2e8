//! Settings that change what the checks consider bad, validated before any check sees them.

use ipnet::IpNet;
use serde::Serialize;
use ztaudit_policy::Catalogue;

/// Validated check settings. The CLI (and later `ztaudit.toml`) build it; checks only read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckConfig {
    /// TCP ports whose exposure to the internet is an administrative door (SSH, RDP…).
    pub admin_ports: Vec<u16>,
    /// Days after which an access key must have been rotated (CIS 1.14, FSBP IAM.3).
    pub access_key_max_age_days: i64,
    /// Days without use after which an active access key is stale (CIS 1.12).
    pub access_key_unused_days: i64,
    /// Days without use after which a service a user or role is granted is unused (ZT118).
    pub unused_access_days: u32,
    /// Actions that must never be allowed without MFA (the built-in catalogue plus the user's).
    pub sensitive_actions: Catalogue,
    /// Source ranges the "open to the internet" checks treat as not the internet: a corporate
    /// range, or the published ranges of a proxy (Cloudflare) that all traffic arrives through.
    pub trusted_cidrs: Vec<IpNet>,
    /// Tag keys that name a VPC's or an instance's environment, matched without regard to case.
    pub environment_tag_keys: Vec<String>,
}

impl CheckConfig {
    pub const DEFAULT_ADMIN_PORTS: [u16; 2] = [22, 3389];
    pub const DEFAULT_UNUSED_ACCESS_DAYS: u32 = 90;
    pub const DEFAULT_ENVIRONMENT_TAG_KEYS: [&'static str; 2] = ["Environment", "env"];

    /// Cloudflare's published IPv4 and IPv6 ranges, bundled (`checks/data/cloudflare-ips.txt`).
    pub fn cloudflare_ranges() -> Vec<IpNet> {
        include_str!("../data/cloudflare-ips.txt")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| line.parse().ok())
            .collect()
    }
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            admin_ports: Self::DEFAULT_ADMIN_PORTS.to_vec(),
            access_key_max_age_days: 90,
            access_key_unused_days: 45,
            unused_access_days: Self::DEFAULT_UNUSED_ACCESS_DAYS,
            sensitive_actions: Catalogue::builtin(),
            trusted_cidrs: Vec::new(),
            environment_tag_keys: Self::DEFAULT_ENVIRONMENT_TAG_KEYS
                .iter()
                .map(|key| (*key).to_owned())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_cloudflare_ranges_all_parse() {
        let text = include_str!("../data/cloudflare-ips.txt");
        let lines = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .count();
        let ranges = CheckConfig::cloudflare_ranges();
        assert_eq!(ranges.len(), lines);
        assert!(ranges.iter().any(|r| matches!(r, IpNet::V4(_))));
        assert!(ranges.iter().any(|r| matches!(r, IpNet::V6(_))));
    }
}
