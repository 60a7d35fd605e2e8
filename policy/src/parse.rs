//! From text to [`PolicyDocument`]: URL-decoding, JSON, duplicate keys, then the grammar.
//!
//! The steps run in that order so that each error is about the document as a person would
//! read it: a URL-encoded document's JSON errors point into the decoded text; a duplicate key
//! is reported before anything is read from the object that holds it (so we never build a
//! statement from the copy JSON libraries would have kept); grammar errors name the statement
//! index, its `Sid` and the path to the element.
//!
//! Element names (`Effect`, `Action`, ...) are matched exactly as IAM's grammar spells them, so
//! a misspelt `effect` is an unknown element rather than silently honoured. Condition operator
//! names are matched without regard to case (see [`ConditionOperator::parse`]); condition key
//! names are kept as written and compared case-insensitively.

use std::borrow::Cow;
use std::collections::HashSet;

use percent_encoding::percent_decode_str;

use crate::condition::{Condition, ConditionOperator};
use crate::document::{
    ActionElement, ActionPattern, Effect, PolicyDocument, PolicyVersion, Principal,
    PrincipalElement, PrincipalKind, ResourceElement, ResourcePattern, Statement,
};
use crate::error::{Location, PolicyError};
use crate::json::{self, Json};
use crate::pattern::{Pattern, Syntax};

const ACTION_SYNTAX: Syntax = Syntax {
    wildcards: true,
    variables: false,
    lowercase: true,
};

impl PolicyDocument {
    /// Parses a policy document as IAM stores it, plain or URL-encoded (the form
    /// `GetPolicyVersion`, `GetUserPolicy`, `GetAccountAuthorizationDetails` ... return).
    ///
    /// A document is taken as URL-encoded when, after trimming, it does not start with `{` but
    /// its percent-decoding (RFC 3986; `+` is not a space) does.
    pub fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (text, was_url_encoded) = decode_if_url_encoded(text)?;
        let tree = json::parse(&text).map_err(|error| json_error(&error))?;
        if let Some(error) = first_duplicate_key(&tree) {
            return Err(error);
        }
        build_document(&tree, was_url_encoded)
    }
}

fn decode_if_url_encoded(text: &str) -> Result<(Cow<'_, str>, bool), PolicyError> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') || !trimmed.contains('%') {
        return Ok((Cow::Borrowed(text), false));
    }
    let bytes: Vec<u8> = percent_decode_str(trimmed).collect();
    let starts_with_brace = bytes
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|byte| *byte == b'{');
    if !starts_with_brace {
        return Ok((Cow::Borrowed(text), false));
    }
    match String::from_utf8(bytes) {
        Ok(decoded) => Ok((Cow::Owned(decoded), true)),
        Err(_) => Err(PolicyError::InvalidUrlEncoding),
    }
}

fn json_error(error: &serde_json::Error) -> PolicyError {
    let (line, column) = (error.line(), error.column());
    let full = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    PolicyError::InvalidJson {
        line,
        column,
        message,
    }
}

/// The statement a [`Spot`] is in.
struct StatementPlace<'a> {
    index: usize,
    sid: Option<&'a str>,
    /// `Statement` is an array (path `Statement[i]`) rather than a single object (`Statement`).
    in_array: bool,
}

/// Where the parser is, as a chain of stack frames. Nothing is allocated unless an error needs
/// the [`Location`], which keeps the happy path (every document IAM returns) cheap.
#[derive(Clone, Copy)]
struct Spot<'a> {
    statement: Option<&'a StatementPlace<'a>>,
    parent: Option<&'a Spot<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Document,
    Statement,
    Key(&'a str),
    Index(usize),
}

impl<'a> Spot<'a> {
    const DOCUMENT: Spot<'static> = Spot {
        statement: None,
        parent: None,
        step: Step::Document,
    };

    fn statement(place: &'a StatementPlace<'a>) -> Spot<'a> {
        Spot {
            statement: Some(place),
            parent: None,
            step: Step::Statement,
        }
    }

    fn key(&'a self, key: &'a str) -> Spot<'a> {
        Spot {
            statement: self.statement,
            parent: Some(self),
            step: Step::Key(key),
        }
    }

    fn index(&'a self, index: usize) -> Spot<'a> {
        Spot {
            statement: self.statement,
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    fn location(&self) -> Location {
        let mut steps = vec![self.step];
        let mut frame = self.parent;
        while let Some(spot) = frame {
            steps.push(spot.step);
            frame = spot.parent;
        }
        steps.reverse();
        let mut path = String::new();
        for (position, step) in steps.iter().enumerate() {
            match step {
                Step::Document if steps.len() == 1 => path.push_str("(document)"),
                Step::Document => {}
                Step::Statement => match self.statement {
                    Some(place) if place.in_array => {
                        path.push_str(&format!("Statement[{}]", place.index))
                    }
                    _ => path.push_str("Statement"),
                },
                Step::Key(key) => {
                    let after_document = position == 1 && matches!(steps[0], Step::Document);
                    if position > 0 && !after_document {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        Location {
            statement: self.statement.map(|place| place.index),
            sid: self
                .statement
                .and_then(|place| place.sid.map(str::to_owned)),
            path,
        }
    }
}

fn sid_of<'a>(statement: &'a Json<'_>) -> Option<&'a str> {
    let Json::Object(members) = statement else {
        return None;
    };
    members
        .iter()
        .find_map(|(name, value)| match (name.as_ref(), value) {
            ("Sid", Json::String(sid)) => Some(sid.as_ref()),
            _ => None,
        })
}

/// The statements of the tree as (place, value), whatever the shape of `Statement`.
fn statement_places<'t>(statement_value: &'t Json<'t>) -> Vec<(StatementPlace<'t>, &'t Json<'t>)> {
    match statement_value {
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let place = StatementPlace {
                    index,
                    sid: sid_of(item),
                    in_array: true,
                };
                (place, item)
            })
            .collect(),
        single => vec![(
            StatementPlace {
                index: 0,
                sid: sid_of(single),
                in_array: false,
            },
            single,
        )],
    }
}

/// The first duplicate member name anywhere in the tree, in document order.
fn first_duplicate_key(tree: &Json<'_>) -> Option<PolicyError> {
    let Json::Object(members) = tree else {
        return duplicate_within(tree, &Spot::DOCUMENT);
    };
    if let Some(key) = duplicate_name(members) {
        return Some(PolicyError::DuplicateKey {
            key: key.to_owned(),
            location: Spot::DOCUMENT.location(),
        });
    }
    for (name, value) in members {
        let found = if name == "Statement" {
            statement_places(value)
                .iter()
                .find_map(|(place, item)| duplicate_within(item, &Spot::statement(place)))
        } else {
            duplicate_within(value, &Spot::DOCUMENT.key(name))
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn duplicate_within(value: &Json<'_>, spot: &Spot<'_>) -> Option<PolicyError> {
    match value {
        Json::Object(members) => {
            if let Some(key) = duplicate_name(members) {
                return Some(PolicyError::DuplicateKey {
                    key: key.to_owned(),
                    location: spot.location(),
                });
            }
            members
                .iter()
                .find_map(|(name, member)| duplicate_within(member, &spot.key(name)))
        }
        Json::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| duplicate_within(item, &spot.index(index))),
        _ => None,
    }
}

/// The first name that appears twice in `members`, in document order. Policy objects are small,
/// where a scan beats hashing; a large (hostile) object is hashed so it cannot cost n².
fn duplicate_name<'m>(members: &'m [(Cow<'_, str>, Json<'_>)]) -> Option<&'m str> {
    const SCAN_LIMIT: usize = 16;
    if members.len() <= SCAN_LIMIT {
        return members.iter().enumerate().find_map(|(index, (name, _))| {
            members[..index]
                .iter()
                .any(|(earlier, _)| earlier == name)
                .then_some(name.as_ref())
        });
    }
    let mut seen = HashSet::with_capacity(members.len());
    members
        .iter()
        .find_map(|(name, _)| (!seen.insert(name.as_ref())).then_some(name.as_ref()))
}

fn build_document(tree: &Json<'_>, was_url_encoded: bool) -> Result<PolicyDocument, PolicyError> {
    let Json::Object(members) = tree else {
        return Err(PolicyError::WrongType {
            expected: "an object",
            found: tree.type_name(),
            location: Spot::DOCUMENT.location(),
        });
    };
    let mut version = PolicyVersion::Unspecified;
    let mut id = None;
    let mut statement_value = None;
    for (name, value) in members {
        let spot = Spot::DOCUMENT.key(name);
        match name.as_ref() {
            "Version" => version = parse_version(value, &spot)?,
            "Id" => id = Some(expect_string(value, &spot)?.to_owned()),
            "Statement" => statement_value = Some(value),
            other => {
                return Err(PolicyError::UnknownElement {
                    key: other.to_owned(),
                    location: spot.location(),
                })
            }
        }
    }
    let Some(statement_value) = statement_value else {
        return Err(PolicyError::MissingElement {
            element: "Statement",
            location: Spot::DOCUMENT.location(),
        });
    };
    if !matches!(statement_value, Json::Array(_) | Json::Object(_)) {
        return Err(PolicyError::WrongType {
            expected: "an object or an array of objects",
            found: statement_value.type_name(),
            location: Spot::DOCUMENT.key("Statement").location(),
        });
    }
    let statements = statement_places(statement_value)
        .iter()
        .map(|(place, item)| build_statement(item, place, version))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PolicyDocument {
        version,
        id,
        statements,
        was_url_encoded,
    })
}

fn parse_version(value: &Json<'_>, spot: &Spot<'_>) -> Result<PolicyVersion, PolicyError> {
    match expect_string(value, spot)? {
        "2012-10-17" => Ok(PolicyVersion::V2012_10_17),
        "2008-10-17" => Ok(PolicyVersion::V2008_10_17),
        other => Err(PolicyError::UnsupportedVersion {
            value: other.to_owned(),
            location: spot.location(),
        }),
    }
}

fn expect_string<'j>(value: &'j Json<'_>, spot: &Spot<'_>) -> Result<&'j str, PolicyError> {
    match value {
        Json::String(text) => Ok(text),
        other => Err(PolicyError::WrongType {
            expected: "a string",
            found: other.type_name(),
            location: spot.location(),
        }),
    }
}

/// The elements of one statement, as found, before the cross-element rules are checked.
#[derive(Default)]
struct StatementParts {
    effect: Option<Effect>,
    action: Option<Vec<ActionPattern>>,
    not_action: Option<Vec<ActionPattern>>,
    resource: Option<Vec<ResourcePattern>>,
    not_resource: Option<Vec<ResourcePattern>>,
    principal: Option<Principal>,
    not_principal: Option<Principal>,
    conditions: Vec<Condition>,
}

fn build_statement(
    item: &Json<'_>,
    place: &StatementPlace<'_>,
    version: PolicyVersion,
) -> Result<Statement, PolicyError> {
    let statement_spot = Spot::statement(place);
    let Json::Object(members) = item else {
        return Err(PolicyError::WrongType {
            expected: "an object",
            found: item.type_name(),
            location: statement_spot.location(),
        });
    };
    let mut parts = StatementParts::default();
    for (name, value) in members {
        let spot = statement_spot.key(name);
        match name.as_ref() {
            "Sid" => {
                expect_string(value, &spot)?;
            }
            "Effect" => parts.effect = Some(parse_effect(value, &spot)?),
            "Action" => parts.action = Some(parse_actions(value, &spot)?),
            "NotAction" => parts.not_action = Some(parse_actions(value, &spot)?),
            "Resource" => parts.resource = Some(parse_resources(value, &spot, version)?),
            "NotResource" => parts.not_resource = Some(parse_resources(value, &spot, version)?),
            "Principal" => parts.principal = Some(parse_principal(value, &spot)?),
            "NotPrincipal" => parts.not_principal = Some(parse_principal(value, &spot)?),
            "Condition" => parts.conditions = parse_conditions(value, &spot, version)?,
            other => {
                return Err(PolicyError::UnknownElement {
                    key: other.to_owned(),
                    location: spot.location(),
                })
            }
        }
    }
    let Some(effect) = parts.effect else {
        return Err(PolicyError::MissingElement {
            element: "Effect",
            location: statement_spot.location(),
        });
    };
    let conflict = |first, second| PolicyError::ConflictingElements {
        first,
        second,
        location: statement_spot.location(),
    };
    let actions = match (parts.action, parts.not_action) {
        (Some(_), Some(_)) => return Err(conflict("Action", "NotAction")),
        (Some(patterns), None) => ActionElement::Action(patterns),
        (None, Some(patterns)) => ActionElement::NotAction(patterns),
        (None, None) => {
            return Err(PolicyError::MissingElement {
                element: "Action or NotAction",
                location: statement_spot.location(),
            })
        }
    };
    let resources = match (parts.resource, parts.not_resource) {
        (Some(_), Some(_)) => return Err(conflict("Resource", "NotResource")),
        (Some(patterns), None) => ResourceElement::Resource(patterns),
        (None, Some(patterns)) => ResourceElement::NotResource(patterns),
        (None, None) => ResourceElement::Unspecified,
    };
    let principal = match (parts.principal, parts.not_principal) {
        (Some(_), Some(_)) => return Err(conflict("Principal", "NotPrincipal")),
        (Some(principal), None) => Some(PrincipalElement::Principal(principal)),
        (None, Some(principal)) => Some(PrincipalElement::NotPrincipal(principal)),
        (None, None) => None,
    };
    Ok(Statement {
        index: place.index,
        sid: place.sid.map(str::to_owned),
        effect,
        principal,
        actions,
        resources,
        conditions: parts.conditions,
    })
}

fn parse_effect(value: &Json<'_>, spot: &Spot<'_>) -> Result<Effect, PolicyError> {
    match expect_string(value, spot)? {
        "Allow" => Ok(Effect::Allow),
        "Deny" => Ok(Effect::Deny),
        other => Err(PolicyError::UnknownEffect {
            value: other.to_owned(),
            location: spot.location(),
        }),
    }
}

/// Calls `each` with every string of a string-or-array-of-strings element and its spot.
fn for_each_string<'j>(
    value: &'j Json<'_>,
    spot: &Spot<'_>,
    mut each: impl FnMut(&'j str, &Spot<'_>) -> Result<(), PolicyError>,
) -> Result<(), PolicyError> {
    match value {
        Json::String(text) => each(text, spot),
        Json::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let item_spot = spot.index(index);
                each(expect_string(item, &item_spot)?, &item_spot)?;
            }
            Ok(())
        }
        other => Err(PolicyError::WrongType {
            expected: "a string or an array of strings",
            found: other.type_name(),
            location: spot.location(),
        }),
    }
}

fn parse_actions(value: &Json<'_>, spot: &Spot<'_>) -> Result<Vec<ActionPattern>, PolicyError> {
    let mut patterns = Vec::new();
    for_each_string(value, spot, |text, item_spot| {
        let well_formed = text == "*"
            || text
                .split_once(':')
                .is_some_and(|(service, action)| !service.is_empty() && !action.is_empty());
        if !well_formed {
            return Err(PolicyError::InvalidValue {
                value: text.to_owned(),
                reason: "an action is \"*\" or \"service:action\"",
                location: item_spot.location(),
            });
        }
        patterns.push(ActionPattern::new(Pattern::compile(text, ACTION_SYNTAX)));
        Ok(())
    })?;
    Ok(patterns)
}

fn parse_resources(
    value: &Json<'_>,
    spot: &Spot<'_>,
    version: PolicyVersion,
) -> Result<Vec<ResourcePattern>, PolicyError> {
    let syntax = Syntax {
        wildcards: true,
        variables: version.has_policy_variables(),
        lowercase: false,
    };
    let mut patterns = Vec::new();
    for_each_string(value, spot, |text, item_spot| {
        if text.trim().is_empty() {
            return Err(PolicyError::InvalidValue {
                value: text.to_owned(),
                reason: "a resource is \"*\" or an ARN",
                location: item_spot.location(),
            });
        }
        patterns.push(ResourcePattern::new(Pattern::compile(text, syntax)));
        Ok(())
    })?;
    Ok(patterns)
}

fn parse_principal(value: &Json<'_>, spot: &Spot<'_>) -> Result<Principal, PolicyError> {
    match value {
        Json::String(text) if text == "*" => Ok(Principal::Anyone),
        Json::String(text) => Err(PolicyError::InvalidValue {
            value: text.to_string(),
            reason: "a principal is \"*\" or a map such as {\"AWS\": \"arn:...\"}",
            location: spot.location(),
        }),
        Json::Object(members) => {
            let mut map = Vec::with_capacity(members.len());
            for (name, identifiers) in members {
                let member_spot = spot.key(name);
                let Some(kind) = PrincipalKind::from_key(name) else {
                    return Err(PolicyError::UnknownElement {
                        key: name.to_string(),
                        location: member_spot.location(),
                    });
                };
                let mut list = Vec::new();
                for_each_string(identifiers, &member_spot, |text, _| {
                    list.push(text.to_owned());
                    Ok(())
                })?;
                map.push((kind, list));
            }
            Ok(Principal::Map(map))
        }
        other => Err(PolicyError::WrongType {
            expected: "\"*\" or an object",
            found: other.type_name(),
            location: spot.location(),
        }),
    }
}

fn parse_conditions(
    value: &Json<'_>,
    spot: &Spot<'_>,
    version: PolicyVersion,
) -> Result<Vec<Condition>, PolicyError> {
    let Json::Object(operators) = value else {
        return Err(PolicyError::WrongType {
            expected: "an object of condition operators",
            found: value.type_name(),
            location: spot.location(),
        });
    };
    let mut conditions = Vec::new();
    for (operator_name, keys) in operators {
        let operator_spot = spot.key(operator_name);
        let Some(operator) = ConditionOperator::parse(operator_name) else {
            return Err(PolicyError::UnknownOperator {
                operator: operator_name.to_string(),
                location: operator_spot.location(),
            });
        };
        let Json::Object(keys) = keys else {
            return Err(PolicyError::WrongType {
                expected: "an object of condition keys",
                found: keys.type_name(),
                location: operator_spot.location(),
            });
        };
        for (key, values) in keys {
            let values = condition_values(values, &operator_spot.key(key))?;
            conditions.push(Condition::new(
                operator,
                key.to_string(),
                values,
                version.has_policy_variables(),
            ));
        }
    }
    Ok(conditions)
}

/// A string, number or boolean, or an array of them, as text.
fn condition_values(value: &Json<'_>, spot: &Spot<'_>) -> Result<Vec<String>, PolicyError> {
    let scalar = |item: &Json<'_>, item_spot: &Spot<'_>| match item {
        Json::String(text) => Ok(text.to_string()),
        Json::Number(number) => Ok(number.to_string()),
        Json::Bool(flag) => Ok(flag.to_string()),
        other => Err(PolicyError::WrongType {
            expected: "a string, number or boolean",
            found: other.type_name(),
            location: item_spot.location(),
        }),
    };
    match value {
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| scalar(item, &spot.index(index)))
            .collect(),
        single => scalar(single, spot).map(|text| vec![text]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::OperatorKind;

    fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
        PolicyDocument::parse(text)
    }

    fn error_kind(text: &str) -> &'static str {
        match parse(text) {
            Ok(_) => "ok",
            Err(error) => error.kind(),
        }
    }

    #[test]
    fn single_statement_and_string_forms() {
        let document = parse(
            r#"{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        )
        .expect("valid");
        assert_eq!(document.version, PolicyVersion::V2012_10_17);
        assert_eq!(document.id.as_deref(), Some("x"));
        assert_eq!(document.statements.len(), 1);
        assert_eq!(document.statements[0].sid.as_deref(), Some("A"));
        assert!(!document.was_url_encoded);
    }

    #[test]
    fn versions() {
        let statement = r#""Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]"#;
        let old = parse(&format!(r#"{{"Version":"2008-10-17",{statement}}}"#)).expect("valid");
        assert_eq!(old.version, PolicyVersion::V2008_10_17);
        let none = parse(&format!("{{{statement}}}")).expect("valid");
        assert_eq!(none.version, PolicyVersion::Unspecified);
        assert_eq!(
            error_kind(&format!(r#"{{"Version":"2012-10-18",{statement}}}"#)),
            "unsupported-version"
        );
    }

    #[test]
    fn url_encoded_documents_are_decoded() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%2F%2A%22%7D%5D%7D";
        let document = parse(encoded).expect("valid");
        assert!(document.was_url_encoded);
        let ResourceElement::Resource(resources) = &document.statements[0].resources else {
            panic!("expected Resource");
        };
        assert_eq!(resources[0].as_str(), "arn:aws:s3:::a+b/*");
        assert_eq!(error_kind("%7B%22Version%22%3A"), "invalid-json");
        assert_eq!(error_kind("%7B%FF%FE"), "invalid-url-encoding");
        assert_eq!(error_kind("not json %"), "invalid-json");
    }

    #[test]
    fn json_errors_have_line_and_column() {
        let error =
            parse("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}").expect_err("bad");
        let PolicyError::InvalidJson { line, column, .. } = error else {
            panic!("expected InvalidJson, got {error:?}");
        };
        assert_eq!((line, column), (4, 1));
    }

    #[test]
    fn duplicate_keys_name_the_statement() {
        let error = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
               {"Sid":"Two","Effect":"Deny","Action":"*","Resource":"*",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false","aws:MultiFactorAuthPresent":"true"}}}]}"#,
        )
        .expect_err("duplicate");
        assert_eq!(error.kind(), "duplicate-key");
        let location = error.location().expect("has a location");
        assert_eq!(location.statement, Some(1));
        assert_eq!(location.sid.as_deref(), Some("Two"));
        assert_eq!(location.path, "Statement[1].Condition.Bool");
        assert_eq!(
            error_kind(r#"{"Statement":[],"Statement":[]}"#),
            "duplicate-key"
        );
        assert_eq!(
            error_kind(r#"{"Statement":{"Effect":"Deny","Effect":"Allow","Action":"*"}}"#),
            "duplicate-key"
        );
    }

    #[test]
    fn duplicates_in_large_objects_are_found_without_quadratic_cost() {
        let members: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\":1")).collect();
        let text = format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"*","Condition":{{"StringEquals":{{{},"k7":2}}}}}}}}"#,
            members.join(",")
        );
        let error = parse(&text).expect_err("duplicate");
        assert_eq!(error.kind(), "duplicate-key");
        assert_eq!(
            error.location().map(|l| l.path.as_str()),
            Some("Statement.Condition.StringEquals")
        );
    }

    #[test]
    fn grammar_errors() {
        let cases = [
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"iam:*"}]}"#,
                "conflicting-elements",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
                "missing-element",
            ),
            (r#"{"Statement":[{"Action":"*"}]}"#, "missing-element"),
            (
                r#"{"Statement":[{"Effect":"allow","Action":"*"}]}"#,
                "unknown-effect",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}]}"#,
                "conflicting-elements",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}]}"#,
                "conflicting-elements",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEqualz":{"a":"b"}}}]}"#,
                "unknown-operator",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"NullIfExists":{"a":"true"}}}]}"#,
                "unknown-operator",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","effect":"Deny"}]}"#,
                "unknown-element",
            ),
            (r#"{"Statement":[],"Extra":1}"#, "unknown-element"),
            (r#"{"Version":"2012-10-17"}"#, "missing-element"),
            (r#"{"Statement":"x"}"#, "wrong-type"),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get*",3]}]}"#,
                "wrong-type",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"s3"}]}"#,
                "invalid-value",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":""}]}"#,
                "invalid-value",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"Aws":"*"}}]}"#,
                "unknown-element",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":null}}}]}"#,
                "wrong-type",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":[["x"]]}}}]}"#,
                "wrong-type",
            ),
            (r#"[]"#, "wrong-type"),
            ("", "invalid-json"),
            (r#"{"Statement":[]} trailing"#, "invalid-json"),
        ];
        for (text, kind) in cases {
            assert_eq!(error_kind(text), kind, "{text}");
        }
    }

    #[test]
    fn errors_carry_index_and_sid() {
        let error = parse(r#"{"Statement":[{"Effect":"Allow","Action":"*"},{"Sid":"Bad","Effect":"Permit","Action":"*"}]}"#)
            .expect_err("bad effect");
        assert_eq!(
            error.to_string(),
            "statement 1 (Sid \"Bad\") at Statement[1].Effect: unknown Effect \"Permit\" (expected \"Allow\" or \"Deny\")"
        );
    }

    #[test]
    fn conditions_are_flattened_with_typed_values() {
        let document = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
                "NumericLessThan":{"aws:MultiFactorAuthAge":3600},
                "Bool":{"aws:MultiFactorAuthPresent":true, "aws:SecureTransport":"true"},
                "ForAnyValue:StringLike":{"aws:TagKeys":["a*","b"]}}}}"#,
        )
        .expect("valid");
        let conditions = &document.statements[0].conditions;
        assert_eq!(conditions.len(), 4);
        assert_eq!(conditions[0].operator.kind, OperatorKind::NumericLessThan);
        assert_eq!(conditions[0].values, ["3600"]);
        assert_eq!(conditions[1].values, ["true"]);
        assert_eq!(conditions[3].values, ["a*", "b"]);
        assert_eq!(conditions[3].operator.to_string(), "ForAnyValue:StringLike");
    }

    #[test]
    fn principals() {
        let document = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":["arn:aws:iam::1:root"],"Service":"ec2.amazonaws.com"}},
                             {"Effect":"Deny","Action":"*","NotPrincipal":"*"}]}"#,
        )
        .expect("valid");
        assert_eq!(
            document.statements[0].principal,
            Some(PrincipalElement::Principal(Principal::Map(vec![
                (PrincipalKind::Aws, vec!["arn:aws:iam::1:root".into()]),
                (PrincipalKind::Service, vec!["ec2.amazonaws.com".into()]),
            ])))
        );
        assert_eq!(
            document.statements[1].principal,
            Some(PrincipalElement::NotPrincipal(Principal::Anyone))
        );
        assert_eq!(
            document.statements[0].resources,
            ResourceElement::Unspecified
        );
    }
}
