//! [`Settings::from_toml`]: the text of a `ztaudit.toml`, read into validated [`Settings`] with
//! every mistake of the file found at once, each with the line it is on.
//!
//! The document is parsed with spans (`toml::de::DeTable`), then each key is read and
//! validated on its own, so that one mistake never hides the next: an unknown key, a value of
//! the wrong type, a check pattern that names no check, a CIDR with host bits, a suppression
//! without a reason or with a date that is not one. A file that is not TOML reports its syntax
//! errors only: what the parser recovers of a broken file would report mistakes that are not
//! there (a "missing" reason on a line that failed to parse).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use globset::GlobBuilder;
use serde::de::DeserializeOwned;
use time::Date;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;
use ztaudit_checks::registry::CheckPattern;
use ztaudit_policy::Catalogue;

use crate::accounts::{
    parse_account_concurrency, parse_account_id, parse_external_id, parse_ou_id, parse_role_name,
    parse_role_path, parse_role_session_name, AccountTag,
};
use crate::{
    parse_cidr, parse_unused_access_days, FailOn, Settings, Suppression, UnusedAccessSettings,
};

/// The keys of the file, in the order the README lists them.
const KEYS: [&str; 20] = [
    "fail_on",
    "checks",
    "skip_checks",
    "admin_ports",
    "trusted_cidrs",
    "trust_cloudflare",
    "sensitive_actions",
    "environment_tag_keys",
    "organization",
    "accounts",
    "exclude_accounts",
    "ous",
    "account_tags",
    "role_name",
    "role_path",
    "role_session_name",
    "external_id",
    "account_concurrency",
    "unused_access",
    "suppress",
];

/// The keys of the `[unused_access]` table.
const UNUSED_ACCESS_KEYS: [&str; 2] = ["enabled", "days"];

/// The keys of a `[[suppress]]` entry.
const SUPPRESS_KEYS: [&str; 8] = [
    "check", "resource", "account", "region", "tag", "reason", "owner", "expires",
];

/// One mistake in the file: `line` is 1-based, absent when the file as a whole is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct SettingsError {
    pub line: Option<usize>,
    pub message: String,
}

/// Every mistake of a file, in line order (never none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsErrors(Vec<SettingsError>);

impl SettingsErrors {
    pub fn iter(&self) -> std::slice::Iter<'_, SettingsError> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a file without mistakes has no `SettingsErrors`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a SettingsErrors {
    type Item = &'a SettingsError;
    type IntoIter = std::slice::Iter<'a, SettingsError>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One mistake a line.
impl fmt::Display for SettingsErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SettingsErrors {}

impl Settings {
    /// Parses and validates the text of a `ztaudit.toml`; on failure, every mistake found.
    pub fn from_toml(text: &str) -> Result<Settings, SettingsErrors> {
        let mut file = FileReader::new(text);
        let (document, syntax_errors) = DeTable::parse_recoverable(text);
        if !syntax_errors.is_empty() {
            for error in syntax_errors {
                file.toml_error(None, &error);
            }
            return Err(file.into_errors());
        }
        let mut settings = Settings::default();
        for (key, value) in document.into_inner() {
            match key.get_ref().as_ref() {
                "fail_on" => settings.fail_on = file.fail_on(value),
                "checks" => settings.checks = file.patterns("checks", value),
                "skip_checks" => settings.skip_checks = file.patterns("skip_checks", value),
                "admin_ports" => settings.admin_ports = file.ports("admin_ports", value),
                "trusted_cidrs" => settings.trusted_cidrs = file.cidrs("trusted_cidrs", value),
                "trust_cloudflare" => {
                    settings.trust_cloudflare = file
                        .read::<bool>("trust_cloudflare", value)
                        .map(Spanned::into_inner);
                }
                "sensitive_actions" => {
                    settings.sensitive_actions = file.sensitive_actions("sensitive_actions", value);
                }
                "environment_tag_keys" => {
                    settings.environment_tag_keys = file
                        .read_each::<String>("environment_tag_keys", value)
                        .map(|keys| keys.into_iter().map(Spanned::into_inner).collect());
                }
                "organization" => {
                    settings.accounts.organization = file
                        .read::<bool>("organization", value)
                        .map(Spanned::into_inner);
                }
                "accounts" => {
                    settings.accounts.accounts =
                        file.validate_each("accounts", value, |id: &String| parse_account_id(id));
                }
                "exclude_accounts" => {
                    settings.accounts.exclude_accounts =
                        file.validate_each("exclude_accounts", value, |id: &String| {
                            parse_account_id(id)
                        });
                }
                "ous" => {
                    settings.accounts.ous =
                        file.validate_each("ous", value, |id: &String| parse_ou_id(id));
                }
                "account_tags" => {
                    settings.accounts.account_tags =
                        file.validate_each("account_tags", value, |tag: &String| {
                            tag.parse::<AccountTag>()
                        });
                }
                "role_name" => {
                    settings.accounts.role_name =
                        file.validated("role_name", value, parse_role_name);
                }
                "role_path" => {
                    settings.accounts.role_path =
                        file.validated("role_path", value, parse_role_path);
                }
                "role_session_name" => {
                    settings.accounts.role_session_name =
                        file.validated("role_session_name", value, parse_role_session_name);
                }
                "external_id" => {
                    settings.accounts.external_id =
                        file.validated("external_id", value, parse_external_id);
                }
                "account_concurrency" => {
                    let number = file.read::<i64>("account_concurrency", value);
                    settings.accounts.account_concurrency = number.and_then(|number| {
                        match parse_account_concurrency(*number.get_ref()) {
                            Ok(valid) => Some(valid),
                            Err(error) => {
                                file.problem(
                                    number.span(),
                                    format!("account_concurrency: {error}"),
                                );
                                None
                            }
                        }
                    });
                }
                "unused_access" => settings.unused_access = file.unused_access(value),
                "suppress" => settings.suppressions = file.suppressions(value),
                unknown => file.unknown_key(key.span(), unknown, &KEYS),
            }
        }
        file.finish(settings)
    }
}

/// Reads the values of one file, keeping every mistake met on the way.
struct FileReader {
    lines: LineIndex,
    errors: Vec<SettingsError>,
}

impl FileReader {
    fn new(text: &str) -> Self {
        FileReader {
            lines: LineIndex::new(text),
            errors: Vec::new(),
        }
    }

    fn problem(&mut self, span: Range<usize>, message: String) {
        self.errors.push(SettingsError {
            line: Some(self.lines.line_of(span.start)),
            message,
        });
    }

    /// A syntax or type error of the TOML parser, under `key` when it is about one.
    fn toml_error(&mut self, key: Option<&str>, error: &toml::de::Error) {
        let message = error.message().trim_end();
        self.errors.push(SettingsError {
            line: error.span().map(|span| self.lines.line_of(span.start)),
            message: match key {
                Some(key) => format!("{key}: {message}"),
                None => message.to_owned(),
            },
        });
    }

    fn unknown_key(&mut self, span: Range<usize>, key: &str, expected: &[&str]) {
        let expected: Vec<String> = expected.iter().map(|key| format!("`{key}`")).collect();
        self.problem(
            span,
            format!(
                "unknown field `{key}`, expected one of {}",
                expected.join(", ")
            ),
        );
    }

    fn into_errors(mut self) -> SettingsErrors {
        // Keys come in name order; mistakes are read in file order.
        self.errors.sort_by_key(|error| error.line);
        SettingsErrors(self.errors)
    }

    fn finish(self, settings: Settings) -> Result<Settings, SettingsErrors> {
        if self.errors.is_empty() {
            Ok(settings)
        } else {
            Err(self.into_errors())
        }
    }

    /// `value` as a `T`, or a mistake under `key`.
    fn read<T: DeserializeOwned>(
        &mut self,
        key: &str,
        value: Spanned<DeValue<'_>>,
    ) -> Option<Spanned<T>> {
        let span = value.span();
        match T::deserialize(ValueDeserializer::from(value)) {
            Ok(read) => Some(Spanned::new(span, read)),
            Err(error) => {
                self.toml_error(Some(key), &error);
                None
            }
        }
    }

    /// Each element of the array `value` as a `T`, with its own span; the elements that are
    /// not one are mistakes under `key`.
    fn read_each<T: DeserializeOwned>(
        &mut self,
        key: &str,
        value: Spanned<DeValue<'_>>,
    ) -> Option<Vec<Spanned<T>>> {
        let span = value.span();
        match value.into_inner() {
            DeValue::Array(items) => Some(
                items
                    .into_iter()
                    .filter_map(|item| self.read(key, item))
                    .collect(),
            ),
            other => {
                self.problem(
                    span,
                    format!(
                        "{key}: invalid type: {}, expected an array",
                        other.type_str()
                    ),
                );
                None
            }
        }
    }

    /// Each element of the array `value` through `validate`; a refusal is a mistake under
    /// `key`.
    fn validate_each<T: DeserializeOwned, V, E: fmt::Display>(
        &mut self,
        key: &str,
        value: Spanned<DeValue<'_>>,
        validate: impl Fn(&T) -> Result<V, E>,
    ) -> Option<Vec<V>> {
        let items = self.read_each::<T>(key, value)?;
        Some(
            items
                .into_iter()
                .filter_map(|item| match validate(item.get_ref()) {
                    Ok(valid) => Some(valid),
                    Err(error) => {
                        self.problem(item.span(), format!("{key}: {error}"));
                        None
                    }
                })
                .collect(),
        )
    }

    /// A text through `validate`; a refusal is a mistake under `key`.
    fn validated(
        &mut self,
        key: &str,
        value: Spanned<DeValue<'_>>,
        validate: impl Fn(&str) -> Result<String, String>,
    ) -> Option<String> {
        let text = self.read::<String>(key, value)?;
        match validate(text.get_ref()) {
            Ok(valid) => Some(valid),
            Err(error) => {
                self.problem(text.span(), format!("{key}: {error}"));
                None
            }
        }
    }

    fn fail_on(&mut self, value: Spanned<DeValue<'_>>) -> Option<FailOn> {
        let text = self.read::<String>("fail_on", value)?;
        match text.get_ref().parse() {
            Ok(fail_on) => Some(fail_on),
            Err(error) => {
                self.problem(text.span(), format!("fail_on: {error}"));
                None
            }
        }
    }

    fn patterns(&mut self, key: &str, value: Spanned<DeValue<'_>>) -> Option<Vec<CheckPattern>> {
        self.validate_each(key, value, |text: &String| CheckPattern::new(text))
    }

    fn ports(&mut self, key: &str, value: Spanned<DeValue<'_>>) -> Option<Vec<u16>> {
        self.validate_each(key, value, |port: &i64| match u16::try_from(*port) {
            Ok(number) if number > 0 => Ok(number),
            _ => Err(format!("{port} is not a TCP port (1-65535)")),
        })
    }

    fn cidrs(&mut self, key: &str, value: Spanned<DeValue<'_>>) -> Option<Vec<ipnet::IpNet>> {
        self.validate_each(key, value, |text: &String| parse_cidr(text))
    }

    /// The built-in catalogue with the file's additions, each checked where it is written.
    fn sensitive_actions(&mut self, key: &str, value: Spanned<DeValue<'_>>) -> Option<Catalogue> {
        let names = self.read_each::<String>(key, value)?;
        let mut catalogue = Catalogue::builtin();
        for name in names {
            match catalogue.clone().with_additions([name.get_ref()]) {
                Ok(extended) => catalogue = extended,
                Err(error) => self.problem(name.span(), format!("{key}: {error}")),
            }
        }
        Some(catalogue)
    }

    /// The `[unused_access]` table: `enabled` and `days`.
    fn unused_access(&mut self, value: Spanned<DeValue<'_>>) -> UnusedAccessSettings {
        let span = value.span();
        let mut settings = UnusedAccessSettings::default();
        let DeValue::Table(table) = value.into_inner() else {
            self.problem(
                span,
                "unused_access: expected a table ([unused_access] with enabled and days)"
                    .to_owned(),
            );
            return settings;
        };
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "enabled" => {
                    settings.enabled = self
                        .read::<bool>("unused_access.enabled", value)
                        .map(Spanned::into_inner);
                }
                "days" => {
                    let number = self.read::<i64>("unused_access.days", value);
                    settings.days = number.and_then(|number| {
                        match parse_unused_access_days(*number.get_ref()) {
                            Ok(days) => Some(days),
                            Err(error) => {
                                self.problem(number.span(), format!("unused_access.days: {error}"));
                                None
                            }
                        }
                    });
                }
                unknown => self.unknown_key(key.span(), unknown, &UNUSED_ACCESS_KEYS),
            }
        }
        settings
    }

    fn suppressions(&mut self, value: Spanned<DeValue<'_>>) -> Vec<Suppression> {
        let span = value.span();
        let DeValue::Array(entries) = value.into_inner() else {
            self.problem(
                span,
                "suppress: expected [[suppress]] tables, one per suppression".to_owned(),
            );
            return Vec::new();
        };
        entries
            .into_iter()
            .filter_map(|entry| {
                let span = entry.span();
                match entry.into_inner() {
                    DeValue::Table(table) => self.suppression(table, span),
                    other => {
                        self.problem(
                            span,
                            format!(
                                "suppress: invalid type: {}, expected a table",
                                other.type_str()
                            ),
                        );
                        None
                    }
                }
            })
            .collect()
    }

    /// One `[[suppress]]` entry; `span` is the whole entry's, for the fields it lacks.
    fn suppression(&mut self, table: DeTable<'_>, span: Range<usize>) -> Option<Suppression> {
        // Outer `None`: the key is absent; inner `None`: present, but its mistake is recorded.
        let mut check = None;
        let mut resource = None;
        let mut reason = None;
        let mut account = None;
        let mut region = None;
        let mut tags = None;
        let mut owner = None;
        let mut expires = None;
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "check" => check = Some(self.suppressed_check(value)),
                "resource" => resource = Some(self.suppressed_resource(value)),
                "reason" => reason = Some(self.reason(value)),
                "account" => account = Some(self.text("suppress.account", value)),
                "region" => region = Some(self.text("suppress.region", value)),
                "owner" => owner = Some(self.text("suppress.owner", value)),
                "tag" => {
                    tags = Some(
                        self.read::<BTreeMap<String, String>>("suppress.tag", value)
                            .map(Spanned::into_inner),
                    );
                }
                "expires" => expires = Some(self.expires(value)),
                unknown => self.unknown_key(key.span(), unknown, &SUPPRESS_KEYS),
            }
        }
        let check = self.required(check, "check", &span);
        let resource = self.required(resource, "resource", &span);
        let reason = self.required(reason, "reason", &span);
        let ((line, check), (resource, resource_matcher), reason) = (check?, resource?, reason?);
        Some(Suppression {
            line,
            check,
            resource,
            resource_matcher,
            account: account.flatten(),
            region: region.flatten(),
            tags: tags.flatten().unwrap_or_default(),
            reason,
            owner: owner.flatten(),
            expires: expires.flatten(),
        })
    }

    /// A field an entry must have; its absence is a mistake at the entry.
    fn required<T>(
        &mut self,
        field: Option<Option<T>>,
        name: &str,
        entry: &Range<usize>,
    ) -> Option<T> {
        if field.is_none() {
            self.problem(entry.clone(), format!("missing field `{name}`"));
        }
        field.flatten()
    }

    fn text(&mut self, key: &str, value: Spanned<DeValue<'_>>) -> Option<String> {
        self.read::<String>(key, value).map(Spanned::into_inner)
    }

    /// The entry's check pattern, with the line warnings point at.
    fn suppressed_check(&mut self, value: Spanned<DeValue<'_>>) -> Option<(usize, CheckPattern)> {
        let text = self.read::<String>("suppress.check", value)?;
        match CheckPattern::new(text.get_ref()) {
            Ok(pattern) => Some((self.lines.line_of(text.span().start), pattern)),
            Err(error) => {
                self.problem(text.span(), format!("suppress.check: {error}"));
                None
            }
        }
    }

    /// A text that must say something: trimmed, and a mistake under `key` when empty, with
    /// `hint` saying what to write instead.
    fn non_empty(
        &mut self,
        key: &str,
        value: Spanned<DeValue<'_>>,
        hint: &str,
    ) -> Option<Spanned<String>> {
        let text = self.read::<String>(key, value)?;
        let span = text.span();
        let trimmed = text.into_inner().trim().to_owned();
        if trimmed.is_empty() {
            self.problem(span, format!("{key} is empty; {hint}"));
            return None;
        }
        Some(Spanned::new(span, trimmed))
    }

    fn suppressed_resource(
        &mut self,
        value: Spanned<DeValue<'_>>,
    ) -> Option<(String, globset::GlobMatcher)> {
        let resource = self.non_empty(
            "suppress.resource",
            value,
            "use \"*\" to mean every resource",
        )?;
        match GlobBuilder::new(resource.get_ref())
            .literal_separator(false)
            .build()
        {
            Ok(glob) => Some((resource.into_inner(), glob.compile_matcher())),
            Err(error) => {
                self.problem(
                    resource.span(),
                    format!(
                        "suppress.resource: `{}` is not a glob: {}",
                        resource.get_ref(),
                        error.kind()
                    ),
                );
                None
            }
        }
    }

    fn reason(&mut self, value: Spanned<DeValue<'_>>) -> Option<String> {
        self.non_empty("suppress.reason", value, "say why the finding is accepted")
            .map(Spanned::into_inner)
    }

    fn expires(&mut self, value: Spanned<DeValue<'_>>) -> Option<Date> {
        let value = self.read::<toml::Value>("suppress.expires", value)?;
        let date = parse_date(value.get_ref());
        if date.is_none() {
            self.problem(
                value.span(),
                format!(
                    "suppress.expires: {} is not a date such as \"2027-01-31\"",
                    value.get_ref()
                ),
            );
        }
        date
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
}

#[cfg(test)]
mod tests {
    use ztaudit_checks::Severity;

    use super::*;

    fn errors_of(text: &str) -> SettingsErrors {
        Settings::from_toml(text).expect_err("the file should be refused")
    }

    fn error_of(text: &str) -> SettingsError {
        errors_of(text).0.remove(0)
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
        assert_eq!(settings.fail_on, Some(FailOn::High));
        assert_eq!(
            settings.fail_on.and_then(FailOn::threshold),
            Some(Severity::High)
        );
        let patterns = |list: &Option<Vec<CheckPattern>>| -> Vec<String> {
            list.iter()
                .flatten()
                .map(|p| p.as_str().to_owned())
                .collect()
        };
        assert_eq!(patterns(&settings.checks), ["ZT3*"]);
        assert_eq!(patterns(&settings.skip_checks), ["ZT309"]);
        assert_eq!(settings.admin_ports, Some(vec![22, 5432]));
        assert_eq!(settings.trust_cloudflare, Some(true));
        assert!(settings
            .sensitive_actions
            .as_ref()
            .is_some_and(|c| c.contains("lambda:UpdateFunctionCode")));
        assert_eq!(
            settings.environment_tag_keys,
            Some(vec!["Stage".to_owned()])
        );
        let entry = &settings.suppressions[0];
        assert_eq!(entry.line, 12);
        assert_eq!(entry.owner.as_deref(), Some("platform-team"));
        assert_eq!(
            entry.tags,
            BTreeMap::from([("Team".to_owned(), "web".to_owned())])
        );
        assert_eq!(
            entry.expires,
            Date::from_calendar_date(2027, time::Month::January, 31).ok()
        );
        assert!(!entry.is_expired(entry.expires.unwrap()));
        assert!(entry.is_expired(entry.expires.unwrap().next_day().unwrap()));
    }

    #[test]
    fn unused_access_is_read_from_its_table() {
        let settings = Settings::from_toml("[unused_access]\nenabled = true\ndays = 30\n")
            .expect("valid settings");
        assert!(settings.unused_access.is_enabled());
        assert_eq!(settings.check_config().unused_access_days, 30);
        let default = Settings::from_toml("").expect("valid settings");
        assert!(!default.unused_access.is_enabled());
        assert_eq!(default.check_config().unused_access_days, 90);
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
            ("fail_on = 3\n", 1, "fail_on: invalid type"),
            ("admin_ports = 22\n", 1, "admin_ports: invalid type: integer, expected an array"),
            ("suppress = \"ZT301\"\n", 1, "expected [[suppress]] tables"),
            ("[unused_access]\ndays = 0\n", 2, "0 is not a number of days"),
            ("[unused_access]\nenabled = \"yes\"\n", 2, "unused_access.enabled: invalid type"),
            ("[unused_access]\ndayz = 30\n", 2, "unknown field `dayz`, expected one of `enabled`"),
            ("unused_access = true\n", 1, "unused_access: expected a table"),
            (
                "[[suppress]]\ncheck = \"ZT301\"\nresource = \"*\"\nreason = \"r\"\ncolour = 1\n",
                5,
                "unknown field `colour`, expected one of `check`",
            ),
        ];
        for (text, line, expected) in cases {
            let err = error_of(text);
            assert_eq!(err.line, Some(line), "{text:?} gave {err}");
            assert!(err.message.contains(expected), "{text:?} gave {err}");
            assert!(!err.to_string().contains('\n'), "{err} spans lines");
        }
    }

    #[test]
    fn several_problems_are_reported_at_once_in_line_order() {
        let text = r#"colour = "red"
fail_on = "sometimes"
checks = ["ZT301", "ZT999"]
admin_ports = [22, 0, 70000]
trusted_cidrs = ["10.0.0.1/8"]

[[suppress]]
check = "ZT301"
resource = "*"

[[suppress]]
check = "nope"
resource = " "
reason = ""
expires = "tomorrow"

[[suppress]]
check = "ZT108"
resource = "arn:aws:iam::*:root"
reason = "break-glass"
"#;
        let errors = errors_of(text);
        let found: Vec<(Option<usize>, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        let lines: Vec<Option<usize>> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(
            lines,
            [1, 2, 3, 4, 4, 5, 7, 12, 13, 14, 15].map(Some),
            "{errors}"
        );
        for (index, expected) in [
            "unknown field `colour`",
            "fail_on: `sometimes` is not one of",
            "checks: `ZT999` matches no check",
            "admin_ports: 0 is not a TCP port",
            "admin_ports: 70000 is not a TCP port",
            "trusted_cidrs: `10.0.0.1/8` has host bits set",
            "missing field `reason`",
            "suppress.check: `nope` matches no check",
            "suppress.resource is empty",
            "suppress.reason is empty",
            "suppress.expires: \"tomorrow\" is not a date",
        ]
        .into_iter()
        .enumerate()
        {
            assert!(found[index].1.contains(expected), "{index}: {errors}");
        }
        // One mistake a line, each naming its own.
        assert_eq!(errors.to_string().lines().count(), errors.len());
    }

    #[test]
    fn a_file_that_is_not_toml_reports_its_syntax_errors_only() {
        let errors = errors_of("fail_on = \"high\"\nthis is not toml\ncolour = 1\n");
        assert!(errors.iter().all(|e| e.line == Some(2)), "{errors}");
        assert!(!errors.to_string().contains("colour"), "{errors}");
    }

    /// The README's example, also the seed of the fuzz target's corpus.
    #[test]
    fn the_example_file_is_valid() {
        let settings = Settings::from_toml(include_str!("../../fixtures/settings/ztaudit.toml"))
            .expect("the example is valid");
        assert_eq!(settings.fail_on, Some(FailOn::High));
        assert_eq!(settings.suppressions.len(), 1);
    }

    #[test]
    fn a_key_given_twice_is_a_mistake() {
        let err = error_of("fail_on = \"high\"\nfail_on = \"low\"\n");
        assert_eq!(err.line, Some(2), "{err}");
    }
}

#[cfg(test)]
mod account_tests {
    use crate::{AccountTag, Settings};

    #[test]
    fn the_account_keys_are_read_and_validated() {
        let settings = Settings::from_toml(
            "organization = true\nrole_name = \"Audit\"\nous = [\"ou-ab12-cd34ef56\"]\n\
             exclude_accounts = [\"111111111111\"]\naccount_tags = [\"Team=payments\"]\n\
             account_concurrency = 8\n",
        )
        .expect("valid settings");
        let accounts = settings.accounts;
        assert_eq!(accounts.organization, Some(true));
        assert_eq!(accounts.role_name.as_deref(), Some("Audit"));
        assert_eq!(accounts.ous, Some(vec!["ou-ab12-cd34ef56".to_owned()]));
        assert_eq!(
            accounts.exclude_accounts,
            Some(vec!["111111111111".to_owned()])
        );
        assert_eq!(
            accounts.account_tags,
            Some(vec![AccountTag {
                key: "Team".into(),
                value: "payments".into()
            }])
        );
        assert_eq!(accounts.account_concurrency, Some(8));
    }

    #[test]
    fn every_bad_account_value_is_a_mistake_on_its_line() {
        let errors = Settings::from_toml(
            "accounts = [\"12345\"]\nous = [\"Prod\"]\nrole_name = \"a/b\"\n\
             account_concurrency = 0\naccount_tags = [\"Team\"]\n",
        )
        .expect_err("mistakes");
        let lines: Vec<Option<usize>> = errors.iter().map(|error| error.line).collect();
        assert_eq!(
            lines,
            [Some(1), Some(2), Some(3), Some(4), Some(5)],
            "{errors}"
        );
    }
}
