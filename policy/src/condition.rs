//! Condition operators and how one condition is decided against a request context.
//!
//! A statement's `Condition` block is flattened into a list of [`Condition`]s, one per
//! (operator, key) pair; the statement applies only when all of them hold (AND), and a condition
//! holds when the request's value matches any of the policy's values (OR) — or, for a negated
//! operator such as `StringNotEquals`, matches none of them (NOR). These are the rules of "IAM
//! JSON policy elements: Condition" and "Creating a condition with multiple context keys or
//! values".
//!
//! Absent keys follow the box in "IAM JSON policy elements: Condition operators": the condition
//! is false, *except* that a negated operator (`StringNotLike`, `ArnNotLike`, `NotIpAddress`, ...)
//! is true, `...IfExists` is true, and `Null` tests presence itself. With set operators
//! ("Single-valued vs. multivalued context keys"), `ForAllValues:` on an absent key (or an empty
//! set) is true and `ForAnyValue:` is false.
//!
//! Choices where AWS leaves the behaviour unsaid (documented so a reader can disagree):
//! - A multivalued key used *without* a set operator is read as `ForAnyValue` for positive
//!   operators and as its negation for negated ones (no request value matches any policy
//!   value), so `NotOp` is always `!Op`.
//! - A policy value that cannot be read for its operator (`NumericLessThan: "ten"`, a bad CIDR)
//!   never matches; a request value that cannot be read likewise matches nothing.
//! - Policy variables are substituted in `String*` and `Arn*` values only, the comparisons
//!   IAM documents them for; a variable whose key is absent (and has no default) matches nothing.
//! - `ForAnyValue:` / `ForAllValues:` before `Null` is accepted and ignored: `Null` tests
//!   presence, which has no per-value reading.

use std::fmt;
use std::net::IpAddr;

use base64::Engine;
use ipnet::IpNet;
use serde::{Serialize, Serializer};
use time::format_description::well_known::Iso8601;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use crate::context::RequestContext;
use crate::pattern::{Pattern, Syntax};

/// The operator proper, without set prefix or `IfExists` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl OperatorKind {
    /// Every operator, in the order of IAM's documentation.
    pub const ALL: [OperatorKind; 27] = [
        OperatorKind::StringEquals,
        OperatorKind::StringNotEquals,
        OperatorKind::StringEqualsIgnoreCase,
        OperatorKind::StringNotEqualsIgnoreCase,
        OperatorKind::StringLike,
        OperatorKind::StringNotLike,
        OperatorKind::NumericEquals,
        OperatorKind::NumericNotEquals,
        OperatorKind::NumericLessThan,
        OperatorKind::NumericLessThanEquals,
        OperatorKind::NumericGreaterThan,
        OperatorKind::NumericGreaterThanEquals,
        OperatorKind::DateEquals,
        OperatorKind::DateNotEquals,
        OperatorKind::DateLessThan,
        OperatorKind::DateLessThanEquals,
        OperatorKind::DateGreaterThan,
        OperatorKind::DateGreaterThanEquals,
        OperatorKind::Bool,
        OperatorKind::BinaryEquals,
        OperatorKind::IpAddress,
        OperatorKind::NotIpAddress,
        OperatorKind::ArnEquals,
        OperatorKind::ArnLike,
        OperatorKind::ArnNotEquals,
        OperatorKind::ArnNotLike,
        OperatorKind::Null,
    ];

    /// The name as IAM spells it.
    pub fn name(self) -> &'static str {
        match self {
            OperatorKind::StringEquals => "StringEquals",
            OperatorKind::StringNotEquals => "StringNotEquals",
            OperatorKind::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            OperatorKind::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            OperatorKind::StringLike => "StringLike",
            OperatorKind::StringNotLike => "StringNotLike",
            OperatorKind::NumericEquals => "NumericEquals",
            OperatorKind::NumericNotEquals => "NumericNotEquals",
            OperatorKind::NumericLessThan => "NumericLessThan",
            OperatorKind::NumericLessThanEquals => "NumericLessThanEquals",
            OperatorKind::NumericGreaterThan => "NumericGreaterThan",
            OperatorKind::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            OperatorKind::DateEquals => "DateEquals",
            OperatorKind::DateNotEquals => "DateNotEquals",
            OperatorKind::DateLessThan => "DateLessThan",
            OperatorKind::DateLessThanEquals => "DateLessThanEquals",
            OperatorKind::DateGreaterThan => "DateGreaterThan",
            OperatorKind::DateGreaterThanEquals => "DateGreaterThanEquals",
            OperatorKind::Bool => "Bool",
            OperatorKind::BinaryEquals => "BinaryEquals",
            OperatorKind::IpAddress => "IpAddress",
            OperatorKind::NotIpAddress => "NotIpAddress",
            OperatorKind::ArnEquals => "ArnEquals",
            OperatorKind::ArnLike => "ArnLike",
            OperatorKind::ArnNotEquals => "ArnNotEquals",
            OperatorKind::ArnNotLike => "ArnNotLike",
            OperatorKind::Null => "Null",
        }
    }

    /// True for the operators that require the key *not* to match ("match none of the values").
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            OperatorKind::StringNotEquals
                | OperatorKind::StringNotEqualsIgnoreCase
                | OperatorKind::StringNotLike
                | OperatorKind::NumericNotEquals
                | OperatorKind::DateNotEquals
                | OperatorKind::NotIpAddress
                | OperatorKind::ArnNotEquals
                | OperatorKind::ArnNotLike
        )
    }

    /// How one policy value is compared, ignoring negation.
    fn comparison(self) -> Comparison {
        use OperatorKind as K;
        match self {
            K::StringEquals | K::StringNotEquals => Comparison::String { ignore_case: false },
            K::StringEqualsIgnoreCase | K::StringNotEqualsIgnoreCase => {
                Comparison::String { ignore_case: true }
            }
            K::StringLike | K::StringNotLike => Comparison::StringLike,
            K::NumericEquals | K::NumericNotEquals => Comparison::Numeric(Order::Equal),
            K::NumericLessThan => Comparison::Numeric(Order::Less),
            K::NumericLessThanEquals => Comparison::Numeric(Order::LessOrEqual),
            K::NumericGreaterThan => Comparison::Numeric(Order::Greater),
            K::NumericGreaterThanEquals => Comparison::Numeric(Order::GreaterOrEqual),
            K::DateEquals | K::DateNotEquals => Comparison::Date(Order::Equal),
            K::DateLessThan => Comparison::Date(Order::Less),
            K::DateLessThanEquals => Comparison::Date(Order::LessOrEqual),
            K::DateGreaterThan => Comparison::Date(Order::Greater),
            K::DateGreaterThanEquals => Comparison::Date(Order::GreaterOrEqual),
            K::Bool => Comparison::Bool,
            K::BinaryEquals => Comparison::Binary,
            K::IpAddress | K::NotIpAddress => Comparison::Ip,
            K::ArnEquals | K::ArnLike | K::ArnNotEquals | K::ArnNotLike => Comparison::Arn,
            K::Null => Comparison::Null,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    String { ignore_case: bool },
    StringLike,
    Numeric(Order),
    Date(Order),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// How the request value must compare with the policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Order {
    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Order::Equal => ordering == Equal,
            Order::Less => ordering == Less,
            Order::LessOrEqual => ordering != Greater,
            Order::Greater => ordering == Greater,
            Order::GreaterOrEqual => ordering != Less,
        }
    }
}

/// `ForAnyValue:` or `ForAllValues:`, for multivalued keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// A full condition operator: optional set qualifier, the operator, optional `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConditionOperator {
    pub qualifier: Option<SetQualifier>,
    pub kind: OperatorKind,
    pub if_exists: bool,
}

impl ConditionOperator {
    /// Reads an operator name such as `ForAllValues:StringLikeIfExists`. Names are matched
    /// without regard to case; `None` for anything IAM does not define, including
    /// `NullIfExists` (IAM: "You can add IfExists to the end of any condition operator name
    /// except the Null condition").
    pub fn parse(name: &str) -> Option<ConditionOperator> {
        let (qualifier, rest) = match name.split_once(':') {
            Some((prefix, rest)) if prefix.eq_ignore_ascii_case("ForAnyValue") => {
                (Some(SetQualifier::ForAnyValue), rest)
            }
            Some((prefix, rest)) if prefix.eq_ignore_ascii_case("ForAllValues") => {
                (Some(SetQualifier::ForAllValues), rest)
            }
            Some(_) => return None,
            None => (None, name),
        };
        let find = |text: &str| {
            OperatorKind::ALL
                .into_iter()
                .find(|kind| kind.name().eq_ignore_ascii_case(text))
        };
        if let Some(kind) = find(rest) {
            return Some(ConditionOperator {
                qualifier,
                kind,
                if_exists: false,
            });
        }
        let suffix = "IfExists";
        let split = rest.len().checked_sub(suffix.len())?;
        if !rest.is_char_boundary(split) || !rest[split..].eq_ignore_ascii_case(suffix) {
            return None;
        }
        let kind = find(&rest[..split])?;
        if kind == OperatorKind::Null {
            return None;
        }
        Some(ConditionOperator {
            qualifier,
            kind,
            if_exists: true,
        })
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            None => {}
        }
        f.write_str(self.kind.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

impl Serialize for ConditionOperator {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A policy value read once, at parse time, in the form its operator compares.
#[derive(Debug, Clone, PartialEq)]
enum PolicyValue {
    Pattern(Pattern),
    Number(Option<f64>),
    Date(Option<i128>),
    Bool(Option<bool>),
    Binary(Option<Vec<u8>>),
    Network(Option<IpNet>),
}

/// One (operator, key, values) triple of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub operator: ConditionOperator,
    /// The key as written; compared without regard to case.
    pub key: String,
    /// The values as written (numbers and booleans in their JSON text).
    pub values: Vec<String>,
    #[serde(skip)]
    lowercase_key: String,
    #[serde(skip)]
    compiled: Vec<PolicyValue>,
}

impl Condition {
    /// Builds a condition; `variables` says whether `${...}` is a policy variable (only in
    /// `2012-10-17` documents).
    pub(crate) fn new(
        operator: ConditionOperator,
        key: String,
        values: Vec<String>,
        variables: bool,
    ) -> Condition {
        let compiled = values
            .iter()
            .map(|value| compile_value(operator.kind, value, variables))
            .collect();
        Condition {
            operator,
            lowercase_key: key.to_lowercase(),
            key,
            values,
            compiled,
        }
    }

    /// The key, lowercased (IAM compares key names without regard to case).
    pub fn lowercase_key(&self) -> &str {
        &self.lowercase_key
    }

    /// Whether a value refers to a policy variable (`${aws:username}`), whose value comes from
    /// another key of the request.
    pub(crate) fn has_variables(&self) -> bool {
        self.patterns().any(Pattern::has_variables)
    }

    /// The (lowercased) context keys its values refer to through policy variables.
    pub(crate) fn variable_keys(&self) -> impl Iterator<Item = &str> {
        self.patterns().flat_map(Pattern::variable_keys)
    }

    /// Whether this condition holds for `context`.
    pub fn holds(&self, context: &RequestContext) -> bool {
        let request_values = context.values_of(&self.lowercase_key);
        if self.operator.kind == OperatorKind::Null {
            let key_is_null = request_values.is_none();
            return self.compiled.iter().any(|value| match value {
                PolicyValue::Bool(Some(wants_null)) => *wants_null == key_is_null,
                _ => false,
            });
        }
        let negated = self.operator.kind.is_negated();
        let Some(request_values) = request_values else {
            if self.operator.if_exists {
                return true;
            }
            return match self.operator.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => negated,
            };
        };
        let one_value_holds = |request_value: &str| {
            let matched = self.matches_any_policy_value(request_value, context);
            matched != negated
        };
        match self.operator.qualifier {
            Some(SetQualifier::ForAllValues) => request_values.iter().all(|v| one_value_holds(v)),
            Some(SetQualifier::ForAnyValue) => request_values.iter().any(|v| one_value_holds(v)),
            None => {
                let any_matched = request_values
                    .iter()
                    .any(|v| self.matches_any_policy_value(v, context));
                any_matched != negated
            }
        }
    }

    /// Does `request_value` match at least one policy value, under the operator's comparison
    /// (negation not applied)?
    fn matches_any_policy_value(&self, request_value: &str, context: &RequestContext) -> bool {
        let comparison = self.operator.kind.comparison();
        match comparison {
            Comparison::String { ignore_case } => {
                let lowered;
                let request_value = if ignore_case {
                    lowered = request_value.to_lowercase();
                    lowered.as_str()
                } else {
                    request_value
                };
                self.patterns()
                    .any(|pattern| pattern.matches_with(request_value, context))
            }
            Comparison::StringLike => self
                .patterns()
                .any(|pattern| pattern.matches_with(request_value, context)),
            Comparison::Arn => self
                .patterns()
                .any(|pattern| pattern.matches_arn_with(request_value, context)),
            Comparison::Numeric(order) => {
                let Some(request_number) = parse_number(request_value) else {
                    return false;
                };
                self.compiled.iter().any(|value| match value {
                    PolicyValue::Number(Some(policy_number)) => request_number
                        .partial_cmp(policy_number)
                        .is_some_and(|ordering| order.holds(ordering)),
                    _ => false,
                })
            }
            Comparison::Date(order) => {
                let Some(request_date) = parse_date(request_value) else {
                    return false;
                };
                self.compiled.iter().any(|value| match value {
                    PolicyValue::Date(Some(policy_date)) => {
                        order.holds(request_date.cmp(policy_date))
                    }
                    _ => false,
                })
            }
            Comparison::Bool => {
                let Some(request_bool) = parse_bool(request_value) else {
                    return false;
                };
                self.compiled
                    .contains(&PolicyValue::Bool(Some(request_bool)))
            }
            Comparison::Binary => {
                let Some(request_bytes) = decode_base64(request_value) else {
                    return false;
                };
                self.compiled.iter().any(|value| match value {
                    PolicyValue::Binary(Some(policy_bytes)) => *policy_bytes == request_bytes,
                    _ => false,
                })
            }
            Comparison::Ip => {
                let Ok(address) = request_value.trim().parse::<IpAddr>() else {
                    return false;
                };
                self.compiled.iter().any(|value| match value {
                    PolicyValue::Network(Some(network)) => network.contains(&address),
                    _ => false,
                })
            }
            Comparison::Null => false,
        }
    }

    fn patterns(&self) -> impl Iterator<Item = &Pattern> {
        self.compiled.iter().filter_map(|value| match value {
            PolicyValue::Pattern(pattern) => Some(pattern),
            _ => None,
        })
    }
}

fn compile_value(kind: OperatorKind, value: &str, variables: bool) -> PolicyValue {
    match kind.comparison() {
        Comparison::String { ignore_case } => PolicyValue::Pattern(Pattern::compile(
            value,
            Syntax {
                wildcards: false,
                variables,
                lowercase: ignore_case,
            },
        )),
        Comparison::StringLike | Comparison::Arn => PolicyValue::Pattern(Pattern::compile(
            value,
            Syntax {
                wildcards: true,
                variables,
                lowercase: false,
            },
        )),
        Comparison::Numeric(_) => PolicyValue::Number(parse_number(value)),
        Comparison::Date(_) => PolicyValue::Date(parse_date(value)),
        Comparison::Bool | Comparison::Null => PolicyValue::Bool(parse_bool(value)),
        Comparison::Binary => PolicyValue::Binary(decode_base64(value)),
        Comparison::Ip => PolicyValue::Network(parse_network(value)),
    }
}

/// `true` / `false`, without regard to case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Integers and decimals; not `inf` or `NaN`, which Rust would otherwise accept.
fn parse_number(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite())
}

/// A date as nanoseconds since the Unix epoch: epoch seconds (`1577836800`), or ISO 8601 with
/// an offset (`2020-01-01T00:00:00Z`), without one (read as UTC), or a bare date (midnight UTC).
fn parse_date(text: &str) -> Option<i128> {
    const NANOS_PER_SECOND: f64 = 1e9;
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(i128::from(seconds) * 1_000_000_000);
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        if let Some(seconds) = parse_number(text) {
            return Some((seconds * NANOS_PER_SECOND) as i128);
        }
    }
    if let Ok(moment) = OffsetDateTime::parse(text, &Iso8601::DEFAULT) {
        return Some(moment.unix_timestamp_nanos());
    }
    if let Ok(moment) = PrimitiveDateTime::parse(text, &Iso8601::DEFAULT) {
        return Some(moment.assume_utc().unix_timestamp_nanos());
    }
    if let Ok(day) = Date::parse(text, &Iso8601::DEFAULT) {
        return Some(day.midnight().assume_utc().unix_timestamp_nanos());
    }
    None
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
        .ok()
}

/// A CIDR block, or a bare address meaning that one host.
fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn condition(operator: &str, key: &str, values: &[&str]) -> Condition {
        let operator = ConditionOperator::parse(operator).expect("known operator");
        Condition::new(
            operator,
            key.to_owned(),
            values.iter().map(|v| (*v).to_owned()).collect(),
            true,
        )
    }

    fn context(pairs: &[(&str, &str)]) -> RequestContext {
        let mut context = RequestContext::new();
        for (key, value) in pairs {
            context.insert(key, *value);
        }
        context
    }

    #[test]
    fn operator_names_round_trip() {
        for kind in OperatorKind::ALL {
            let parsed = ConditionOperator::parse(kind.name()).expect("known");
            assert_eq!(parsed.kind, kind);
            assert_eq!(parsed.to_string(), kind.name());
        }
        let full = ConditionOperator::parse("ForAllValues:StringLikeIfExists").expect("known");
        assert_eq!(full.qualifier, Some(SetQualifier::ForAllValues));
        assert!(full.if_exists);
        assert_eq!(full.to_string(), "ForAllValues:StringLikeIfExists");
        assert_eq!(
            ConditionOperator::parse("boolifexists").map(|op| op.to_string()),
            Some("BoolIfExists".to_owned())
        );
    }

    #[test]
    fn unknown_operators_are_refused() {
        for name in [
            "StringEqual",
            "NullIfExists",
            "ForSomeValues:StringEquals",
            "IfExists",
            "",
            "Bool:IfExists",
        ] {
            assert_eq!(ConditionOperator::parse(name), None, "{name}");
        }
    }

    #[test]
    fn absent_key_rules() {
        let empty = RequestContext::new();
        assert!(!condition("StringEquals", "aws:username", &["a"]).holds(&empty));
        assert!(condition("StringNotEquals", "aws:username", &["a"]).holds(&empty));
        assert!(condition("StringNotLike", "aws:username", &["a*"]).holds(&empty));
        assert!(condition("ArnNotLike", "aws:SourceArn", &["arn:*"]).holds(&empty));
        assert!(condition("StringEqualsIfExists", "aws:username", &["a"]).holds(&empty));
        assert!(!condition("Bool", "aws:MultiFactorAuthPresent", &["false"]).holds(&empty));
        assert!(condition("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]).holds(&empty));
        assert!(condition("Null", "aws:MultiFactorAuthPresent", &["true"]).holds(&empty));
        assert!(!condition("Null", "aws:MultiFactorAuthPresent", &["false"]).holds(&empty));
        assert!(condition("ForAllValues:StringEquals", "aws:TagKeys", &["a"]).holds(&empty));
        assert!(!condition("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]).holds(&empty));
    }

    #[test]
    fn key_names_are_case_insensitive() {
        let ctx = context(&[("AWS:SourceIP", "10.1.2.3")]);
        assert!(condition("IpAddress", "aws:sourceip", &["10.0.0.0/8"]).holds(&ctx));
    }

    #[test]
    fn values_or_and_negated_values_nor() {
        let ctx = context(&[("aws:RequestedRegion", "eu-west-1")]);
        let regions = ["us-east-1", "eu-west-1"];
        assert!(condition("StringEquals", "aws:RequestedRegion", &regions).holds(&ctx));
        assert!(!condition("StringNotEquals", "aws:RequestedRegion", &regions).holds(&ctx));
        assert!(condition("StringNotEquals", "aws:RequestedRegion", &["us-east-1"]).holds(&ctx));
    }

    #[test]
    fn string_operators() {
        let ctx = context(&[("aws:username", "Alice")]);
        assert!(!condition("StringEquals", "aws:username", &["alice"]).holds(&ctx));
        assert!(condition("StringEqualsIgnoreCase", "aws:username", &["alice"]).holds(&ctx));
        assert!(!condition("StringNotEqualsIgnoreCase", "aws:username", &["ALICE"]).holds(&ctx));
        assert!(condition("StringLike", "aws:username", &["A?i*"]).holds(&ctx));
        assert!(!condition("StringEquals", "aws:username", &["A*"]).holds(&ctx));
        assert!(condition("StringNotLike", "aws:username", &["B*"]).holds(&ctx));
    }

    #[test]
    fn string_values_substitute_variables() {
        let ctx = context(&[("aws:username", "alice"), ("s3:prefix", "home/alice/x")]);
        assert!(condition("StringLike", "s3:prefix", &["home/${aws:username}/*"]).holds(&ctx));
        let other = context(&[("aws:username", "bob"), ("s3:prefix", "home/alice/x")]);
        assert!(!condition("StringLike", "s3:prefix", &["home/${aws:username}/*"]).holds(&other));
    }

    #[test]
    fn numeric_operators() {
        let ctx = context(&[("aws:MultiFactorAuthAge", "3600")]);
        let key = "aws:MultiFactorAuthAge";
        assert!(condition("NumericEquals", key, &["3600"]).holds(&ctx));
        assert!(condition("NumericEquals", key, &["3600.0"]).holds(&ctx));
        assert!(condition("NumericNotEquals", key, &["1"]).holds(&ctx));
        assert!(condition("NumericLessThan", key, &["3601"]).holds(&ctx));
        assert!(!condition("NumericLessThan", key, &["3600"]).holds(&ctx));
        assert!(condition("NumericLessThanEquals", key, &["3600"]).holds(&ctx));
        assert!(condition("NumericGreaterThan", key, &["3599.5"]).holds(&ctx));
        assert!(condition("NumericGreaterThanEquals", key, &["3600"]).holds(&ctx));
        assert!(!condition("NumericLessThan", key, &["ten"]).holds(&ctx));
        assert!(!condition("NumericLessThan", key, &["inf"]).holds(&ctx));
    }

    #[test]
    fn date_operators_accept_iso8601_and_epoch() {
        let ctx = context(&[("aws:CurrentTime", "2024-06-01T12:00:00Z")]);
        let key = "aws:CurrentTime";
        assert!(condition("DateGreaterThan", key, &["2024-01-01T00:00:00Z"]).holds(&ctx));
        assert!(condition("DateLessThan", key, &["2025-01-01"]).holds(&ctx));
        assert!(condition("DateEquals", key, &["1717243200"]).holds(&ctx));
        assert!(condition("DateEquals", key, &["2024-06-01T14:00:00+02:00"]).holds(&ctx));
        assert!(condition("DateLessThanEquals", key, &["2024-06-01T12:00:00.000Z"]).holds(&ctx));
        assert!(condition("DateNotEquals", key, &["2024-06-01T12:00:01Z"]).holds(&ctx));
        assert!(!condition("DateGreaterThanEquals", key, &["2024-06-02"]).holds(&ctx));
        let epoch = context(&[("aws:EpochTime", "1717243200")]);
        assert!(condition(
            "DateGreaterThan",
            "aws:EpochTime",
            &["2024-01-01T00:00:00Z"]
        )
        .holds(&epoch));
    }

    #[test]
    fn bool_binary_and_ip() {
        let ctx = context(&[
            ("aws:SecureTransport", "TRUE"),
            ("aws:SourceIp", "203.0.113.7"),
            ("custom:blob", "aGVsbG8="),
            ("aws:VpcSourceIp", "2001:db8::1"),
        ]);
        assert!(condition("Bool", "aws:SecureTransport", &["true"]).holds(&ctx));
        assert!(!condition("Bool", "aws:SecureTransport", &["false"]).holds(&ctx));
        assert!(condition("BinaryEquals", "custom:blob", &["aGVsbG8="]).holds(&ctx));
        assert!(!condition("BinaryEquals", "custom:blob", &["aGVsbG9="]).holds(&ctx));
        assert!(condition("IpAddress", "aws:SourceIp", &["203.0.113.0/24"]).holds(&ctx));
        assert!(condition("IpAddress", "aws:SourceIp", &["203.0.113.7"]).holds(&ctx));
        assert!(!condition("IpAddress", "aws:SourceIp", &["198.51.100.0/24"]).holds(&ctx));
        assert!(condition("NotIpAddress", "aws:SourceIp", &["198.51.100.0/24"]).holds(&ctx));
        assert!(condition("IpAddress", "aws:VpcSourceIp", &["2001:db8::/32"]).holds(&ctx));
        assert!(!condition("IpAddress", "aws:SourceIp", &["2001:db8::/32"]).holds(&ctx));
    }

    #[test]
    fn arn_operators_match_per_segment() {
        let ctx = context(&[("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic")]);
        let key = "aws:SourceArn";
        assert!(condition("ArnLike", key, &["arn:aws:sns:*:123456789012:*"]).holds(&ctx));
        assert!(condition(
            "ArnEquals",
            key,
            &["arn:aws:sns:us-east-1:123456789012:topic"]
        )
        .holds(&ctx));
        assert!(!condition("ArnLike", key, &["arn:aws:sqs:*:*:*"]).holds(&ctx));
        assert!(condition("ArnNotLike", key, &["arn:aws:sqs:*:*:*"]).holds(&ctx));
        assert!(!condition("ArnNotEquals", key, &["arn:aws:sns:*:*:*"]).holds(&ctx));
    }

    #[test]
    fn set_qualifiers_over_multivalued_keys() {
        let mut ctx = RequestContext::new();
        ctx.insert_multi("aws:TagKeys", ["env", "owner"]);
        let key = "aws:TagKeys";
        assert!(condition("ForAllValues:StringEquals", key, &["env", "owner", "team"]).holds(&ctx));
        assert!(!condition("ForAllValues:StringEquals", key, &["env"]).holds(&ctx));
        assert!(condition("ForAnyValue:StringEquals", key, &["env"]).holds(&ctx));
        assert!(!condition("ForAnyValue:StringEquals", key, &["team"]).holds(&ctx));
        assert!(condition("ForAnyValue:StringNotEquals", key, &["env"]).holds(&ctx));
        assert!(!condition("ForAllValues:StringNotEquals", key, &["env"]).holds(&ctx));
        // Without a qualifier: any value matches for positive operators...
        assert!(condition("StringEquals", key, &["owner"]).holds(&ctx));
        // ...and none may match for negated ones.
        assert!(!condition("StringNotEquals", key, &["owner"]).holds(&ctx));
        assert!(condition("StringNotEquals", key, &["team"]).holds(&ctx));
    }
}
