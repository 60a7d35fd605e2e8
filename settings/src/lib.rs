//! ztaudit's settings: `ztaudit.toml` (a team's defaults for scans and its suppressions, kept
//! in the repository beside the CI job that runs ztaudit) and the flags that override it.
//!
//! [`Settings`] holds typed, validated values only. It is the shape of both layers: the file
//! ([`Settings::from_toml`], every mistake reported at once with its line) and the command line
//! (built by the binary from its flags). [`Settings::over`] lays one over the other, the only
//! place where a flag and a key of the same setting meet, and [`Settings::check_config`] turns
//! the result into what the checks read.
//!
//! This crate has no AWS SDK and no I/O (the binary reads the file), so the settings fuzz
//! target (`fuzz/fuzz_targets/load_settings.rs`) builds without either.

pub mod accounts;
mod fail_on;
mod from_toml;
mod suppression;

use ipnet::IpNet;
use ztaudit_checks::registry::CheckPattern;
use ztaudit_checks::CheckConfig;
use ztaudit_policy::Catalogue;

pub use accounts::{AccountSettings, AccountTag, Shard};
pub use fail_on::FailOn;
pub use from_toml::{SettingsError, SettingsErrors};
pub use suppression::Suppression;

/// The file name looked for in the working directory when `--config` is not given.
pub const FILE_NAME: &str = "ztaudit.toml";

/// One layer of settings, validated. `None` is "not given here": the layer below decides.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// When a run fails (exit code 1).
    pub fail_on: Option<FailOn>,
    /// Checks to run (every check when empty or not given).
    pub checks: Option<Vec<CheckPattern>>,
    /// Checks not to run.
    pub skip_checks: Option<Vec<CheckPattern>>,
    /// TCP ports treated as administrative doors.
    pub admin_ports: Option<Vec<u16>>,
    /// Source ranges the "open to the internet" checks treat as not the internet.
    pub trusted_cidrs: Option<Vec<IpNet>>,
    /// Whether Cloudflare's published ranges are trusted as well.
    pub trust_cloudflare: Option<bool>,
    /// The sensitive-action catalogue: the built-in one plus this layer's additions.
    pub sensitive_actions: Option<Catalogue>,
    /// Tag keys naming a VPC's or instance's environment (the defaults when empty).
    pub environment_tag_keys: Option<Vec<String>>,
    /// Which accounts a scan of many covers, and how it reaches them.
    pub accounts: AccountSettings,
    /// `[unused_access]`: the opt-in unused-access data and ZT118.
    pub unused_access: UnusedAccessSettings,
    /// `[[suppress]]` entries; only a file has them.
    pub suppressions: Vec<Suppression>,
}

impl Settings {
    /// `self` over `lower`: every value this layer gives replaces the lower layer's (a list is
    /// replaced, not extended). Suppressions only come from files; the layers' are kept, this
    /// layer's first.
    pub fn over(self, lower: Settings) -> Settings {
        let mut suppressions = self.suppressions;
        suppressions.extend(lower.suppressions);
        Settings {
            fail_on: self.fail_on.or(lower.fail_on),
            checks: self.checks.or(lower.checks),
            skip_checks: self.skip_checks.or(lower.skip_checks),
            admin_ports: self.admin_ports.or(lower.admin_ports),
            trusted_cidrs: self.trusted_cidrs.or(lower.trusted_cidrs),
            trust_cloudflare: self.trust_cloudflare.or(lower.trust_cloudflare),
            sensitive_actions: self.sensitive_actions.or(lower.sensitive_actions),
            environment_tag_keys: self.environment_tag_keys.or(lower.environment_tag_keys),
            accounts: self.accounts.over(lower.accounts),
            unused_access: UnusedAccessSettings {
                enabled: self.unused_access.enabled.or(lower.unused_access.enabled),
                days: self.unused_access.days.or(lower.unused_access.days),
            },
            suppressions,
        }
    }

    /// What the checks read: these settings, with the checks' defaults where none is given.
    pub fn check_config(&self) -> CheckConfig {
        let mut config = CheckConfig::default();
        if let Some(ports) = &self.admin_ports {
            config.admin_ports.clone_from(ports);
        }
        if let Some(catalogue) = &self.sensitive_actions {
            config.sensitive_actions = catalogue.clone();
        }
        config.trusted_cidrs = self.trusted_cidrs.clone().unwrap_or_default();
        if self.trust_cloudflare == Some(true) {
            config
                .trusted_cidrs
                .extend(CheckConfig::cloudflare_ranges());
        }
        if let Some(keys) = self.environment_tag_keys.as_ref().filter(|k| !k.is_empty()) {
            config.environment_tag_keys.clone_from(keys);
        }
        if let Some(days) = self.unused_access.days {
            config.unused_access_days = days;
        }
        config
    }
}

/// `[unused_access]` (and `--unused-access`, `--unused-access-days`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnusedAccessSettings {
    /// Collect the data and run ZT118; off unless given.
    pub enabled: Option<bool>,
    /// Days without use after which a granted service is unused.
    pub days: Option<u32>,
}

impl UnusedAccessSettings {
    pub fn is_enabled(&self) -> bool {
        self.enabled == Some(true)
    }
}

/// The longest limit that means something: IAM tracks service use for 400 days.
pub const MAX_UNUSED_ACCESS_DAYS: u32 = 400;

/// A number of days for `unused_access.days` / `--unused-access-days`: 1 to 400.
pub fn parse_unused_access_days(number: i64) -> Result<u32, String> {
    match u32::try_from(number) {
        Ok(days @ 1..=MAX_UNUSED_ACCESS_DAYS) => Ok(days),
        _ => Err(format!(
            "{number} is not a number of days for unused access (1 to {MAX_UNUSED_ACCESS_DAYS}; IAM tracks 400 days)"
        )),
    }
}

/// A CIDR whose host bits are zero, so a typo is neither silently widened nor narrowed.
pub fn parse_cidr(text: &str) -> Result<IpNet, String> {
    let net: IpNet = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a CIDR such as 198.51.100.0/24 or 2001:db8::/32"))?;
    if net.trunc() != net {
        return Err(format!(
            "`{text}` has host bits set; did you mean {}?",
            net.trunc()
        ));
    }
    // A trusted range stands for a network the user controls; one wider than any such network
    // would make the internet itself trusted and every open door PASS.
    let widest = match net {
        IpNet::V4(_) => WIDEST_TRUSTED_V4,
        IpNet::V6(_) => WIDEST_TRUSTED_V6,
    };
    if net.prefix_len() < widest {
        return Err(format!(
            "`{text}` is too wide to trust: a trusted range is a network you control, at most a /{widest}"
        ));
    }
    Ok(net)
}

/// The widest trusted IPv4 range: a /8 (`10.0.0.0/8` is the largest private network).
const WIDEST_TRUSTED_V4: u8 = 8;
/// The widest trusted IPv6 range: a /16 (wider ones take in whole regional registries).
const WIDEST_TRUSTED_V6: u8 = 16;

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Settings {
        Settings::from_toml(text).expect("valid settings")
    }

    #[test]
    fn a_trusted_range_wider_than_a_network_one_controls_is_refused() {
        for wide in ["0.0.0.0/0", "0.0.0.0/1", "8.0.0.0/7", "::/0", "2000::/3"] {
            let error = parse_cidr(wide).expect_err(wide);
            assert!(error.contains("too wide to trust"), "{wide}: {error}");
        }
        for fine in [
            "10.0.0.0/8",
            "198.51.100.0/24",
            "2400:cb00::/32",
            "2001::/16",
        ] {
            assert!(parse_cidr(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn a_flag_replaces_the_files_value_and_the_rest_is_kept() {
        let file = file(
            "fail_on = \"high\"\nadmin_ports = [22, 5432]\ntrusted_cidrs = [\"198.51.100.0/24\"]\n\
             [[suppress]]\ncheck = \"ZT301\"\nresource = \"*\"\nreason = \"r\"\n",
        );
        let flags = Settings {
            fail_on: Some(FailOn::Never),
            admin_ports: Some(vec![2222]),
            ..Settings::default()
        };
        let merged = flags.over(file);
        assert_eq!(merged.fail_on, Some(FailOn::Never));
        assert_eq!(merged.admin_ports, Some(vec![2222]));
        assert_eq!(
            merged.trusted_cidrs,
            Some(vec!["198.51.100.0/24".parse().unwrap()])
        );
        assert_eq!(merged.suppressions.len(), 1);
    }

    #[test]
    fn the_check_config_keeps_defaults_where_nothing_is_given() {
        let defaults = CheckConfig::default();
        assert_eq!(Settings::default().check_config(), defaults);
        let config = file(
            "admin_ports = [5432]\ntrust_cloudflare = true\nenvironment_tag_keys = []\n\
             sensitive_actions = [\"lambda:UpdateFunctionCode\"]\n",
        )
        .check_config();
        assert_eq!(config.admin_ports, [5432]);
        assert_eq!(config.trusted_cidrs, CheckConfig::cloudflare_ranges());
        assert_eq!(config.environment_tag_keys, defaults.environment_tag_keys);
        assert!(config
            .sensitive_actions
            .contains("lambda:UpdateFunctionCode"));
        assert_eq!(
            config.sensitive_actions.len(),
            defaults.sensitive_actions.len() + 1
        );
    }
}
