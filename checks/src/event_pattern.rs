//! EventBridge event patterns, evaluated against the events of a known source.
//!
//! A rule's pattern is JSON: each key names an event field and holds either a list of matchers
//! (any one may match) or, for nested fields like `detail`, an object; `$or` holds alternative
//! patterns. ztaudit knows only a few fields of the events it asks about (`source`,
//! `detail-type`, `account`, `region`), so [`matches`] evaluates those fully — exact values,
//! `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `exists` — and
//! reports a condition on any other field as a filter that lets through only some events.
//! An operator it does not know matches nothing, so a rule is never credited with more than
//! it can be shown to do.

use serde_json::{Map, Value};

/// The fields of an event that are known in advance.
#[derive(Debug, Clone, Copy)]
pub struct KnownEvent<'a> {
    pub source: &'a str,
    pub detail_type: &'a str,
    pub account: &'a str,
    pub region: &'a str,
}

impl KnownEvent<'_> {
    fn field(&self, name: &str) -> Option<&str> {
        match name {
            "source" => Some(self.source),
            "detail-type" => Some(self.detail_type),
            "account" => Some(self.account),
            "region" => Some(self.region),
            _ => None,
        }
    }
}

/// How much of a kind of event a pattern lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternMatch {
    /// None of them (or the pattern is not valid JSON).
    No,
    /// Those that also meet conditions on fields not known in advance (named here).
    Filtered(Vec<String>),
    /// All of them.
    All,
}

/// Whether the pattern (JSON text) lets through events like `event`.
pub fn matches(pattern: &str, event: &KnownEvent<'_>) -> PatternMatch {
    match serde_json::from_str::<Value>(pattern) {
        Ok(Value::Object(pattern)) => match_object(&pattern, event),
        _ => PatternMatch::No,
    }
}

fn match_object(pattern: &Map<String, Value>, event: &KnownEvent<'_>) -> PatternMatch {
    let mut filters = Vec::new();
    for (key, value) in pattern {
        let outcome = if key == "$or" {
            match_any_branch(value, event)
        } else {
            match (event.field(key), value) {
                (Some(actual), Value::Array(matchers)) => {
                    if matchers.iter().any(|m| leaf_matches(m, actual)) {
                        PatternMatch::All
                    } else {
                        PatternMatch::No
                    }
                }
                // A known field is a string; an object there can match nothing.
                (Some(_), _) => PatternMatch::No,
                (None, _) => PatternMatch::Filtered(vec![key.clone()]),
            }
        };
        match outcome {
            PatternMatch::No => return PatternMatch::No,
            PatternMatch::Filtered(fields) => filters.extend(fields),
            PatternMatch::All => {}
        }
    }
    if filters.is_empty() {
        PatternMatch::All
    } else {
        filters.sort();
        filters.dedup();
        PatternMatch::Filtered(filters)
    }
}

fn match_any_branch(branches: &Value, event: &KnownEvent<'_>) -> PatternMatch {
    let Value::Array(branches) = branches else {
        return PatternMatch::No;
    };
    let mut best = PatternMatch::No;
    for branch in branches {
        let Value::Object(branch) = branch else {
            continue;
        };
        match match_object(branch, event) {
            PatternMatch::All => return PatternMatch::All,
            PatternMatch::Filtered(fields) if best == PatternMatch::No => {
                best = PatternMatch::Filtered(fields);
            }
            _ => {}
        }
    }
    best
}

/// One matcher of a field's list against the field's (string) value.
fn leaf_matches(matcher: &Value, actual: &str) -> bool {
    match matcher {
        Value::String(expected) => expected == actual,
        Value::Object(operator) if operator.len() == 1 => {
            let Some((name, argument)) = operator.iter().next() else {
                return false;
            };
            match (name.as_str(), argument) {
                ("prefix", _) => text_test(argument, actual, |a, p| a.starts_with(p)),
                ("suffix", _) => text_test(argument, actual, |a, s| a.ends_with(s)),
                ("equals-ignore-case", Value::String(expected)) => {
                    expected.eq_ignore_ascii_case(actual)
                }
                ("wildcard", Value::String(glob)) => wildcard(glob, actual),
                ("exists", Value::Bool(exists)) => *exists,
                ("anything-but", _) => anything_but(argument, actual),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `prefix`/`suffix` with a string, or with `{"equals-ignore-case": string}`.
fn text_test(argument: &Value, actual: &str, test: fn(&str, &str) -> bool) -> bool {
    match argument {
        Value::String(part) => test(actual, part),
        Value::Object(inner) => match inner.get("equals-ignore-case") {
            Some(Value::String(part)) if inner.len() == 1 => {
                test(&actual.to_lowercase(), &part.to_lowercase())
            }
            _ => false,
        },
        _ => false,
    }
}

fn anything_but(argument: &Value, actual: &str) -> bool {
    match argument {
        Value::String(excluded) => excluded != actual,
        Value::Number(_) => true,
        Value::Array(excluded) => !excluded.iter().any(|e| e.as_str() == Some(actual)),
        Value::Object(inner) if inner.len() == 1 => {
            let Some((name, value)) = inner.iter().next() else {
                return false;
            };
            let values: Vec<&str> = match value {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                _ => return false,
            };
            match name.as_str() {
                "prefix" => !values.iter().any(|p| actual.starts_with(p)),
                "suffix" => !values.iter().any(|s| actual.ends_with(s)),
                "equals-ignore-case" => !values.iter().any(|v| v.eq_ignore_ascii_case(actual)),
                "wildcard" => !values.iter().any(|glob| wildcard(glob, actual)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// EventBridge's `wildcard`: `*` matches any run of characters, `\*` a literal star.
fn wildcard(glob: &str, actual: &str) -> bool {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = glob.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => current.push(escaped),
                None => current.push('\\'),
            },
            '*' => parts.push(std::mem::take(&mut current)),
            other => current.push(other),
        }
    }
    parts.push(current);
    let (first, rest) = match parts.split_first() {
        Some(split) => split,
        None => return actual.is_empty(),
    };
    let Some(mut remaining) = actual.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part.as_str()) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUARDDUTY: KnownEvent<'static> = KnownEvent {
        source: "aws.guardduty",
        detail_type: "GuardDuty Finding",
        account: "123456789012",
        region: "eu-west-1",
    };

    fn check(pattern: &str) -> PatternMatch {
        matches(pattern, &GUARDDUTY)
    }

    #[test]
    fn exact_values_and_lists() {
        assert_eq!(check(r#"{"source":["aws.guardduty"]}"#), PatternMatch::All);
        assert_eq!(
            check(
                r#"{"source":["aws.securityhub","aws.guardduty"],"detail-type":["GuardDuty Finding"]}"#
            ),
            PatternMatch::All
        );
        assert_eq!(check(r#"{"source":["aws.securityhub"]}"#), PatternMatch::No);
        assert_eq!(
            check(r#"{"source":["aws.guardduty"],"detail-type":["AWS API Call via CloudTrail"]}"#),
            PatternMatch::No
        );
        // A bare string is not a list of matchers: EventBridge rejects it, and so does this.
        assert_eq!(check(r#"{"source":"aws.guardduty"}"#), PatternMatch::No);
    }

    #[test]
    fn content_filters() {
        assert_eq!(
            check(r#"{"source":[{"prefix":"aws."}]}"#),
            PatternMatch::All
        );
        assert_eq!(
            check(r#"{"source":[{"prefix":{"equals-ignore-case":"AWS.GUARD"}}]}"#),
            PatternMatch::All
        );
        assert_eq!(
            check(r#"{"source":[{"prefix":"aws.s3"}]}"#),
            PatternMatch::No
        );
        assert_eq!(
            check(r#"{"detail-type":[{"suffix":"Finding"}]}"#),
            PatternMatch::All
        );
        assert_eq!(
            check(r#"{"detail-type":[{"equals-ignore-case":"guardduty finding"}]}"#),
            PatternMatch::All
        );
        assert_eq!(
            check(r#"{"source":[{"wildcard":"aws.*duty"}]}"#),
            PatternMatch::All
        );
        assert_eq!(
            check(r#"{"source":[{"wildcard":"aws.*hub"}]}"#),
            PatternMatch::No
        );
        assert_eq!(
            check(r#"{"source":[{"anything-but":"aws.s3"}]}"#),
            PatternMatch::All
        );
        assert_eq!(
            check(r#"{"source":[{"anything-but":["aws.s3","aws.guardduty"]}]}"#),
            PatternMatch::No
        );
        assert_eq!(
            check(r#"{"source":[{"anything-but":{"prefix":"aws.guard"}}]}"#),
            PatternMatch::No
        );
        assert_eq!(check(r#"{"source":[{"exists":true}]}"#), PatternMatch::All);
        assert_eq!(check(r#"{"source":[{"exists":false}]}"#), PatternMatch::No);
        assert_eq!(
            check(r#"{"source":[{"numeric":[">",0]}]}"#),
            PatternMatch::No
        );
        assert_eq!(
            check(r#"{"source":[{"no-such-operator":"x"}]}"#),
            PatternMatch::No
        );
    }

    #[test]
    fn account_and_region_are_known() {
        assert_eq!(
            check(
                r#"{"source":["aws.guardduty"],"region":["eu-west-1"],"account":["123456789012"]}"#
            ),
            PatternMatch::All
        );
        assert_eq!(
            check(r#"{"source":["aws.guardduty"],"region":["us-west-2"]}"#),
            PatternMatch::No
        );
    }

    #[test]
    fn conditions_on_unknown_fields_are_filters() {
        assert_eq!(
            check(r#"{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",7]}]}}"#),
            PatternMatch::Filtered(vec!["detail".to_owned()])
        );
        assert_eq!(
            check(r#"{"detail":{"type":["Recon:EC2/PortProbeUnprotectedPort"]}}"#),
            PatternMatch::Filtered(vec!["detail".to_owned()])
        );
    }

    #[test]
    fn or_branches() {
        assert_eq!(
            check(r#"{"$or":[{"source":["aws.securityhub"]},{"source":["aws.guardduty"]}]}"#),
            PatternMatch::All
        );
        assert_eq!(
            check(
                r#"{"$or":[{"source":["aws.securityhub"]},{"detail-type":["EC2 Instance State-change Notification"]}]}"#
            ),
            PatternMatch::No
        );
        assert_eq!(
            check(
                r#"{"source":["aws.guardduty"],"$or":[{"detail":{"severity":[8]}},{"resources":[{"prefix":"arn:"}]}]}"#
            ),
            PatternMatch::Filtered(vec!["detail".to_owned()])
        );
    }

    #[test]
    fn invalid_patterns_match_nothing() {
        assert_eq!(check("not json"), PatternMatch::No);
        assert_eq!(check(r#"["aws.guardduty"]"#), PatternMatch::No);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("aws.*", "aws.guardduty"));
        assert!(wildcard("*", ""));
        assert!(wildcard("a*b*c", "abc"));
        assert!(!wildcard("a*b*c", "acb"));
        assert!(!wildcard("ab*ba", "aba"));
        assert!(wildcard(r"a\*", "a*"));
        assert!(!wildcard(r"a\*", "ab"));
    }
}
