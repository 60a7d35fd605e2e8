//! `ztaudit.toml`: a team's defaults for scans and its suppressions, kept in the repository
//! beside the CI job that runs ztaudit.
//!
//! Every value is validated here, before a scan starts, and every mistake is reported with the
//! line it is on: an unknown key, a check pattern that names no check, a CIDR with host bits, a
//! suppression without a reason or with a date that is not one.

use std::collections::BTreeMap;
use std::ops::Range;

use globset::{GlobBuilder, GlobMatcher};
use ipnet::IpNet;
use serde::Deserialize;
use time::Date;
use toml::Spanned;

use crate::check::Severity;
use crate::findings::Finding;
use crate::registry::CheckPattern;

/// The file name looked for in the working directory when `--config` is not given.
pub const FILE_NAME: &str = "ztaudit.toml";

/// `ztaudit.toml`, validated.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `Some(None)` is `fail_on = "never"`.
    pub fail_on: Option<Option<Severity>>,
    pub checks: Option<Vec<String>>,
    pub skip_checks: Option<Vec<String>>,
    pub admin_ports: Option<Vec<u16>>,
    pub trusted_cidrs: Option<Vec<IpNet>>,
    pub trust_cloudflare: Option<bool>,
    pub sensitive_actions: Option<Vec<String>>,
    pub environment_tag_keys: Option<Vec<String>>,
    pub suppressions: Vec<Suppression>,
}

/// A mistake in the file: `line` is 1-based, absent when the file as a whole is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct SettingsError {
    pub line: Option<usize>,
    pub message: String,
}

/// One `[[suppress]]` entry: findings it matches are muted until `expires`.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// 1-based line of the entry's `check` key, to point at it in warnings.
    pub line: usize,
    pub check: CheckPattern,
    pub resource: String,
    resource_matcher: GlobMatcher,
    pub account: Option<String>,
    pub region: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<Date>,
}

impl Suppression {
    /// Whether this entry names `finding` (whatever the date). `tags` are the tags of the
    /// finding's resource, where the snapshot knows them.
    pub fn matches(&self, finding: &Finding, tags: Option<&BTreeMap<String, String>>) -> bool {
        self.check.matches_id(&finding.check_id)
            && self.resource_matcher.is_match(&finding.resource)
            && self.account.as_ref().is_none_or(|a| *a == finding.account)
            && self.region.as_ref().is_none_or(|r| *r == finding.region)
            && self.tags.iter().all(|(key, value)| {
                tags.and_then(|tags| tags.get(key))
                    .is_some_and(|found| found == value)
            })
    }

    /// Past its `expires` date (the date itself still counts) the entry mutes nothing.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| today > expires)
    }
}

/// The file as written; every field optional, every unknown key an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    fail_on: Option<Spanned<String>>,
    checks: Option<Vec<Spanned<String>>>,
    skip_checks: Option<Vec<Spanned<String>>>,
    admin_ports: Option<Vec<Spanned<i64>>>,
    trusted_cidrs: Option<Vec<Spanned<String>>>,
    trust_cloudflare: Option<bool>,
    sensitive_actions: Option<Vec<Spanned<String>>>,
    environment_tag_keys: Option<Vec<String>>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppression>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    check: Spanned<String>,
    resource: Spanned<String>,
    account: Option<String>,
    region: Option<String>,
    #[serde(default)]
    tag: BTreeMap<String, String>,
    reason: Spanned<String>,
    owner: Option<String>,
    expires: Option<Spanned<toml::Value>>,
}

impl Settings {
    /// Parses and validates the text of a `ztaudit.toml`.
    pub fn from_toml(text: &str) -> Result<Settings, SettingsError> {
        let lines = LineIndex::new(text);
        let raw: RawSettings = toml::from_str(text).map_err(|err| SettingsError {
            line: err.span().map(|span| lines.line_of(span.start)),
            message: err.message().trim_end().to_owned(),
        })?;
        let at = |span: Range<usize>, message: String| lines.error(span, message);

        let fail_on = raw
            .fail_on
            .map(|value| {
                let text = value.get_ref().as_str();
                if text.eq_ignore_ascii_case("never") {
                    Ok(None)
                } else {
                    text.parse::<Severity>().map(Some).map_err(|_| {
                        at(
                            value.span(),
                            format!(
                                "fail_on: `{text}` is not one of critical, high, medium, low, never"
                            ),
                        )
                    })
                }
            })
            .transpose()?;

        let patterns = |key: &str, values: Option<Vec<Spanned<String>>>| {
            values
                .map(|values| {
                    values
                        .into_iter()
                        .map(|value| {
                            CheckPattern::new(value.get_ref())
                                .map(|_| value.get_ref().clone())
                                .map_err(|err| at(value.span(), format!("{key}: {err}")))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()
        };
        let checks = patterns("checks", raw.checks)?;
        let skip_checks = patterns("skip_checks", raw.skip_checks)?;

        let admin_ports = raw
            .admin_ports
            .map(|ports| {
                ports
                    .into_iter()
                    .map(|port| match u16::try_from(*port.get_ref()) {
                        Ok(number) if number > 0 => Ok(number),
                        _ => Err(at(
                            port.span(),
                            format!(
                                "admin_ports: {} is not a TCP port (1-65535)",
                                port.get_ref()
                            ),
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;

        let trusted_cidrs = raw
            .trusted_cidrs
            .map(|cidrs| {
                cidrs
                    .into_iter()
                    .map(|cidr| {
                        parse_cidr(cidr.get_ref())
                            .map_err(|message| at(cidr.span(), format!("trusted_cidrs: {message}")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;

        let sensitive_actions = raw
            .sensitive_actions
            .map(|actions| {
                let catalogue = ztaudit_policy::Catalogue::builtin();
                actions
                    .into_iter()
                    .map(|action| {
                        catalogue
                            .clone()
                            .with_additions(std::slice::from_ref(action.get_ref()))
                            .map(|_| action.get_ref().clone())
                            .map_err(|err| at(action.span(), format!("sensitive_actions: {err}")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;

        let suppressions = raw
            .suppress
            .into_iter()
            .map(|entry| Suppression::from_raw(entry.into_inner(), &lines))
            .collect::<Result<Vec<_>, _>>()?;

        Ok(Settings {
            fail_on,
            checks,
            skip_checks,
            admin_ports,
            trusted_cidrs,
            trust_cloudflare: raw.trust_cloudflare,
            sensitive_actions,
            environment_tag_keys: raw.environment_tag_keys,
            suppressions,
        })
    }
}

impl Suppression {
    fn from_raw(raw: RawSuppression, lines: &LineIndex) -> Result<Suppression, SettingsError> {
        let at = |span: Range<usize>, message: String| lines.error(span, message);
        let line = lines.line_of(raw.check.span().start);
        let check = CheckPattern::new(raw.check.get_ref())
            .map_err(|err| at(raw.check.span(), format!("suppress.check: {err}")))?;
        let resource = raw.resource.get_ref().trim().to_owned();
        if resource.is_empty() {
            return Err(at(
                raw.resource.span(),
                "suppress.resource is empty; use \"*\" to mean every resource".to_owned(),
            ));
        }
        let resource_matcher = GlobBuilder::new(&resource)
            .literal_separator(false)
            .build()
            .map_err(|err| {
                at(
                    raw.resource.span(),
                    format!(
                        "suppress.resource: `{resource}` is not a glob: {}",
                        err.kind()
                    ),
                )
            })?
            .compile_matcher();
        let reason = raw.reason.get_ref().trim().to_owned();
        if reason.is_empty() {
            return Err(at(
                raw.reason.span(),
                "suppress.reason is empty; say why the finding is accepted".to_owned(),
            ));
        }
        let expires = raw
            .expires
            .map(|value| {
                parse_date(value.get_ref()).ok_or_else(|| {
                    at(
                        value.span(),
                        format!(
                            "suppress.expires: {} is not a date such as \"2027-01-31\"",
                            value.get_ref()
                        ),
                    )
                })
            })
            .transpose()?;
        Ok(Suppression {
            line,
            check,
            resource,
            resource_matcher,
            account: raw.account,
            region: raw.region,
            tags: raw.tag,
            reason,
            owner: raw.owner,
            expires,
        })
    }
}

/// `"2027-01-31"` or the TOML date `2027-01-31`.
fn parse_date(value: &toml::Value) -> Option<Date> {
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) if datetime.time.is_none() => datetime.to_string(),
        _ => return None,
    };
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
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
    Ok(net)
}

/// Byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    fn error(&self, span: Range<usize>, message: String) -> SettingsError {
        SettingsError {
            line: Some(self.line_of(span.start)),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> SettingsError {
        Settings::from_toml(text).expect_err("the file should be refused")
    }

    #[test]
    fn a_full_file_is_read() {
        let settings = Settings::from_toml(
            r#"
fail_on = "high"
checks = ["ZT3*"]
skip_checks = ["ZT309"]
admin_ports = [22, 5432]
trusted_cidrs = ["198.51.100.0/24"]
trust_cloudflare = true
sensitive_actions = ["lambda:UpdateFunctionCode"]
environment_tag_keys = ["Stage"]

[[suppress]]
check = "ZT301"
resource = "arn:aws:ec2:*:*:security-group/sg-0abc*"
reason = "public web tier behind CloudFront"
owner = "platform-team"
expires = "2027-01-31"
tag = { Team = "web" }
"#,
        )
        .unwrap();
        assert_eq!(settings.fail_on, Some(Some(Severity::High)));
        assert_eq!(settings.admin_ports, Some(vec![22, 5432]));
        assert_eq!(settings.trust_cloudflare, Some(true));
        let entry = &settings.suppressions[0];
        assert_eq!(entry.line, 12);
        assert_eq!(entry.owner.as_deref(), Some("platform-team"));
        assert_eq!(
            entry.expires,
            Date::from_calendar_date(2027, time::Month::January, 31).ok()
        );
        assert!(!entry.is_expired(entry.expires.unwrap()));
        assert!(entry.is_expired(entry.expires.unwrap().next_day().unwrap()));
    }

    #[test]
    fn mistakes_name_their_line() {
        let cases = [
            ("fail_on = \"high\"\ncolour = true\n", 2, "unknown field `colour`"),
            ("fail_on = \"sometimes\"\n", 1, "not one of critical"),
            ("checks = [\n  \"ZT301\",\n  \"ZT999\",\n]\n", 3, "`ZT999` matches no check"),
            ("admin_ports = [22, 70000]\n", 1, "70000 is not a TCP port"),
            ("\ntrusted_cidrs = [\"10.0.0.1/8\"]\n", 2, "host bits set; did you mean 10.0.0.0/8"),
            ("sensitive_actions = [\"not an action\"]\n", 1, "sensitive_actions:"),
            (
                "[[suppress]]\ncheck = \"ZT301\"\nresource = \"*\"\nreason = \"  \"\n",
                4,
                "suppress.reason is empty",
            ),
            (
                "[[suppress]]\ncheck = \"ZT301\"\nresource = \"*\"\n",
                1,
                "missing field `reason`",
            ),
            (
                "[[suppress]]\ncheck = \"ZT301\"\nresource = \"*\"\nreason = \"r\"\nexpires = \"2027-02-30\"\n",
                5,
                "is not a date",
            ),
            (
                "[[suppress]]\ncheck = \"nope\"\nresource = \"*\"\nreason = \"r\"\n",
                2,
                "`nope` matches no check",
            ),
            ("fail_on = \n", 1, ""),
        ];
        for (text, line, expected) in cases {
            let err = error_of(text);
            assert_eq!(err.line, Some(line), "{text:?} gave {err}");
            assert!(err.message.contains(expected), "{text:?} gave {err}");
            assert!(!err.to_string().contains('\n'), "{err} spans lines");
        }
    }

    #[test]
    fn a_suppression_matches_check_resource_account_region_and_tags() {
        let settings = Settings::from_toml(
            "[[suppress]]\ncheck = \"security-group-open-to-internet\"\nresource = \"arn:aws:ec2:*:*:security-group/sg-0abc*\"\nregion = \"eu-west-1\"\ntag = { Team = \"web\" }\nreason = \"r\"\n",
        )
        .unwrap();
        let entry = &settings.suppressions[0];
        let finding = |check: &str, resource: &str, region: &str| Finding {
            check_id: check.to_owned().into(),
            status: crate::Status::Fail,
            severity: Severity::High,
            pillar: crate::Pillar::Networks,
            resource: resource.to_owned(),
            resource_type: "AWS::EC2::SecurityGroup".into(),
            region: region.to_owned(),
            account: "123456789012".to_owned(),
            message: String::new(),
            compliance: crate::findings::Compliance {
                fsbp: Vec::new(),
                cis: Vec::new(),
            },
        };
        let arn = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc123";
        let web = BTreeMap::from([("Team".to_owned(), "web".to_owned())]);
        let db = BTreeMap::from([("Team".to_owned(), "db".to_owned())]);
        assert!(entry.matches(&finding("ZT301", arn, "eu-west-1"), Some(&web)));
        assert!(!entry.matches(&finding("ZT301", arn, "eu-west-1"), Some(&db)));
        assert!(!entry.matches(&finding("ZT301", arn, "eu-west-1"), None));
        assert!(!entry.matches(&finding("ZT301", arn, "us-east-1"), Some(&web)));
        assert!(!entry.matches(&finding("ZT303", arn, "eu-west-1"), Some(&web)));
        let other = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0def";
        assert!(!entry.matches(&finding("ZT301", other, "eu-west-1"), Some(&web)));
    }
}
