//! The settings of a scan of many accounts: which accounts (an organization's, or a plain
//! list), the role assumed in each, how many are scanned at once, and which shard of them this
//! run takes.
//!
//! Every value is validated here, by one parser per kind of value, which both the command line
//! (clap's value parsers) and `ztaudit.toml` use: a typo in an account id or an OU id is the
//! same one-line error wherever it is written, and is caught before any AWS call.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The settings of a scan of many accounts, one layer of them (`None`: not given here). The
/// file spells them as top-level keys (`organization`, `accounts`, `role_name`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSettings {
    /// Scan the accounts of the organization the caller manages (or administers).
    pub organization: Option<bool>,
    /// Only these accounts (with `organization`), or this plain list of accounts (without).
    pub accounts: Option<Vec<String>>,
    /// Never these accounts.
    pub exclude_accounts: Option<Vec<String>>,
    /// Only accounts in these OUs or any OU below them.
    pub ous: Option<Vec<String>>,
    /// Only accounts with every one of these tags.
    pub account_tags: Option<Vec<AccountTag>>,
    /// The role assumed in each account: its name, and its path when it has one.
    pub role_name: Option<String>,
    pub role_path: Option<String>,
    pub role_session_name: Option<String>,
    pub external_id: Option<String>,
    /// Accounts scanned at once.
    pub account_concurrency: Option<u16>,
}

impl AccountSettings {
    /// `self` over `lower`, value by value (a list is replaced, not extended).
    pub fn over(self, lower: AccountSettings) -> AccountSettings {
        AccountSettings {
            organization: self.organization.or(lower.organization),
            accounts: self.accounts.or(lower.accounts),
            exclude_accounts: self.exclude_accounts.or(lower.exclude_accounts),
            ous: self.ous.or(lower.ous),
            account_tags: self.account_tags.or(lower.account_tags),
            role_name: self.role_name.or(lower.role_name),
            role_path: self.role_path.or(lower.role_path),
            role_session_name: self.role_session_name.or(lower.role_session_name),
            external_id: self.external_id.or(lower.external_id),
            account_concurrency: self.account_concurrency.or(lower.account_concurrency),
        }
    }

    /// Whether these settings ask for more than the caller's own account.
    pub fn is_multi_account(&self) -> bool {
        self.organization == Some(true) || self.accounts.is_some()
    }
}

/// The default session name of the assumed roles (`--role-session-name`).
pub const DEFAULT_ROLE_SESSION_NAME: &str = "ztaudit";

/// The default number of accounts scanned at once (`--account-concurrency`).
pub const DEFAULT_ACCOUNT_CONCURRENCY: u16 = 4;

/// A 12-digit AWS account id.
pub fn parse_account_id(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not an AWS account id (12 digits, e.g. 123456789012)"
        ))
    }
}

/// An organizational unit id (`ou-ab12-cd34ef56`) or the organization's root (`r-ab12`).
pub fn parse_ou_id(text: &str) -> Result<String, String> {
    let text = text.trim();
    let lower_alnum = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
    };
    let parts: Vec<&str> = text.split('-').collect();
    let valid = match parts.as_slice() {
        ["ou", root, unit] => {
            (4..=32).contains(&root.len())
                && (8..=32).contains(&unit.len())
                && lower_alnum(root)
                && lower_alnum(unit)
        }
        ["r", root] => (4..=32).contains(&root.len()) && lower_alnum(root),
        _ => false,
    };
    if valid {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not an organizational unit id (e.g. ou-ab12-cd34ef56) or root id (r-ab12)"
        ))
    }
}

/// An account tag to select on, `KEY=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AccountTag {
    pub key: String,
    pub value: String,
}

impl FromStr for AccountTag {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Ok(AccountTag {
                key: key.trim().to_owned(),
                value: value.trim().to_owned(),
            }),
            _ => Err(format!(
                "`{text}` is not a tag filter KEY=VALUE (e.g. Environment=production)"
            )),
        }
    }
}

impl fmt::Display for AccountTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// An IAM role name: 1 to 64 of IAM's name characters.
pub fn parse_role_name(text: &str) -> Result<String, String> {
    iam_name(text, 64, "role name")
}

/// A role session name: 2 to 64 of the characters STS takes.
pub fn parse_role_session_name(text: &str) -> Result<String, String> {
    if text.len() < 2 {
        return Err(format!(
            "`{text}` is too short for a role session name (2 to 64 characters)"
        ));
    }
    iam_name(text, 64, "role session name")
}

/// An IAM path: `/`, or `/` then names separated and ended by `/` (`/security/`).
pub fn parse_role_path(text: &str) -> Result<String, String> {
    let valid = text.starts_with('/')
        && text.ends_with('/')
        && text.len() <= 512
        && text
            .bytes()
            .all(|byte| byte.is_ascii_graphic() && byte != b'\\');
    if valid {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not an IAM path (it starts and ends with `/`, e.g. /security/)"
        ))
    }
}

/// An external id for `sts:AssumeRole`: 2 to 1224 characters of `[\w+=,.@:/-]`.
pub fn parse_external_id(text: &str) -> Result<String, String> {
    let valid = (2..=1224).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
    if valid {
        Ok(text.to_owned())
    } else {
        Err("the external id is not one STS takes (2 to 1224 of A-Z a-z 0-9 _+=,.@:/-)".to_owned())
    }
}

fn iam_name(text: &str, max: usize, what: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && text.len() <= max
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if valid {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not a valid {what} (1 to {max} of A-Z a-z 0-9 _+=,.@-)"
        ))
    }
}

/// `--account-concurrency`: 1 to 64 accounts at once.
pub fn parse_account_concurrency(number: i64) -> Result<u16, String> {
    match u16::try_from(number) {
        Ok(value @ 1..=64) => Ok(value),
        _ => Err(format!("{number} is not an account concurrency (1 to 64)")),
    }
}

/// Which part of the selected accounts one run scans: shard `index` of `count`, over the
/// sorted account ids (see [`Shard::takes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub fn new(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 {
            return Err(format!(
                "shard {index}/{count}: the number of shards must be at least 1"
            ));
        }
        if index >= count {
            return Err(format!(
                "shard {index}/{count}: the index counts from 0 and must be below {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether this shard takes the account at `position` of the sorted selection: accounts
    /// are dealt round-robin, so any job given the same shard of the same selection gets the
    /// same accounts, and shard sizes differ by one at most.
    pub fn takes(self, position: usize) -> bool {
        position % self.count as usize == self.index as usize
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N`, 0-based `K`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let malformed = || format!("`{text}` is not a shard K/N (0-based K below N, e.g. 0/3)");
        let (index, count) = text.split_once('/').ok_or_else(malformed)?;
        let index = index.trim().parse().map_err(|_| malformed())?;
        let count = count.trim().parse().map_err(|_| malformed())?;
        Shard::new(index, count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert_eq!(parse_account_id("123456789012").unwrap(), "123456789012");
        for bad in ["12345678901", "1234567890123", "12345678901x", ""] {
            assert!(parse_account_id(bad).unwrap_err().contains("account id"));
        }
    }

    #[test]
    fn ou_ids_and_roots_are_recognised() {
        assert!(parse_ou_id("ou-ab12-cd34ef56").is_ok());
        assert!(parse_ou_id("r-ab12").is_ok());
        for bad in ["ou-ab12", "OU-AB12-CD34EF56", "ou-ab12-cd34", "Prod", "r-"] {
            assert!(parse_ou_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_need_a_key_and_an_equals_sign() {
        let tag: AccountTag = "Environment=production".parse().unwrap();
        assert_eq!(
            (tag.key.as_str(), tag.value.as_str()),
            ("Environment", "production")
        );
        assert_eq!("Team=".parse::<AccountTag>().unwrap().value, "");
        assert!("Environment".parse::<AccountTag>().is_err());
        assert!("=prod".parse::<AccountTag>().is_err());
    }

    #[test]
    fn role_names_paths_and_sessions_are_checked() {
        assert!(parse_role_name("OrganizationAccountAccessRole").is_ok());
        assert!(parse_role_name("bad/name").is_err());
        assert!(parse_role_name(&"a".repeat(65)).is_err());
        assert!(parse_role_path("/security/").is_ok());
        assert!(parse_role_path("security").is_err());
        assert!(parse_role_session_name("z").is_err());
        assert!(parse_role_session_name("ztaudit").is_ok());
        assert!(parse_external_id("a b").is_err());
    }

    #[test]
    fn shards_are_k_of_n_from_zero() {
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
        for bad in ["2/2", "0/0", "3", "a/3", "-1/3", "1/", "/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (0..3).map(|k| Shard::new(k, 3).unwrap()).collect();
        for position in 0..10 {
            let taking: Vec<_> = shards.iter().filter(|s| s.takes(position)).collect();
            assert_eq!(taking.len(), 1, "every account in exactly one shard");
        }
    }

    #[test]
    fn account_concurrency_is_bounded() {
        assert_eq!(parse_account_concurrency(4), Ok(4));
        assert!(parse_account_concurrency(0).is_err());
        assert!(parse_account_concurrency(65).is_err());
    }
}
