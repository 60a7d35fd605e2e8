//! Why a policy document was refused, and where in it the problem is.
//!
//! An auditor that guesses at a broken policy can report a guess as a finding, so the parser
//! refuses instead, with an error that names the problem and its place: the statement's index
//! and `Sid` (what a person looks for in the console) and a path to the element. Each variant has
//! a stable kebab-case [`PolicyError::kind`] that the fixture manifest and the checks match on.

use std::fmt;

use serde::Serialize;

/// Where in a document a problem was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Index of the statement in the `Statement` array (0 when `Statement` is a single object);
    /// `None` for problems outside any statement.
    pub statement: Option<usize>,
    /// The statement's `Sid`, when it has one.
    pub sid: Option<String>,
    /// Path from the document root to the element, e.g. `Statement[2].Condition.Bool`.
    pub path: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.statement, &self.sid) {
            (Some(index), Some(sid)) => {
                write!(f, "statement {index} (Sid {sid:?}) at {}", self.path)
            }
            (Some(index), None) => write!(f, "statement {index} at {}", self.path),
            (None, _) => write!(f, "{}", self.path),
        }
    }
}

/// A policy document that could not be read. Never produced by a panic; see
/// [`crate::PolicyDocument::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PolicyError {
    /// Not JSON at all. `line` and `column` are 1-based, in the (URL-decoded) document.
    #[error("policy is not valid JSON at line {line}, column {column}: {message}")]
    InvalidJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// Looked URL-encoded (as IAM's APIs return documents) but did not decode to UTF-8 text.
    #[error("policy looks URL-encoded but does not decode to UTF-8 text")]
    InvalidUrlEncoding,
    /// The same member name twice in one JSON object. JSON libraries silently keep one of the
    /// two, so which one IAM honours cannot be known from here.
    #[error("{location}: duplicate key {key:?}")]
    DuplicateKey { key: String, location: Location },
    /// A member IAM's policy grammar does not have at this level (names are case-sensitive).
    #[error("{location}: unknown element {key:?}")]
    UnknownElement { key: String, location: Location },
    /// A required element is missing.
    #[error("{location}: missing {element}")]
    MissingElement {
        element: &'static str,
        location: Location,
    },
    /// Two elements that exclude each other, such as `Action` and `NotAction`.
    #[error("{location}: has both {first} and {second}")]
    ConflictingElements {
        first: &'static str,
        second: &'static str,
        location: Location,
    },
    /// `Effect` other than exactly `Allow` or `Deny`.
    #[error("{location}: unknown Effect {value:?} (expected \"Allow\" or \"Deny\")")]
    UnknownEffect { value: String, location: Location },
    /// `Version` other than `2012-10-17` or `2008-10-17`.
    #[error(
        "{location}: unsupported Version {value:?} (expected \"2012-10-17\" or \"2008-10-17\")"
    )]
    UnsupportedVersion { value: String, location: Location },
    /// A condition operator that is not in IAM's list (or `Null` with `IfExists`).
    #[error("{location}: unknown condition operator {operator:?}")]
    UnknownOperator {
        operator: String,
        location: Location,
    },
    /// An element of the wrong JSON type, such as an object where a string list belongs.
    #[error("{location}: expected {expected}, found {found}")]
    WrongType {
        expected: &'static str,
        found: &'static str,
        location: Location,
    },
    /// A value of the right type that the grammar still refuses, such as an empty action or
    /// an action without a service prefix.
    #[error("{location}: invalid value {value:?}: {reason}")]
    InvalidValue {
        value: String,
        reason: &'static str,
        location: Location,
    },
}

impl PolicyError {
    /// Stable kebab-case name of the kind of problem (`duplicate-key`, `invalid-json`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            PolicyError::InvalidJson { .. } => "invalid-json",
            PolicyError::InvalidUrlEncoding => "invalid-url-encoding",
            PolicyError::DuplicateKey { .. } => "duplicate-key",
            PolicyError::UnknownElement { .. } => "unknown-element",
            PolicyError::MissingElement { .. } => "missing-element",
            PolicyError::ConflictingElements { .. } => "conflicting-elements",
            PolicyError::UnknownEffect { .. } => "unknown-effect",
            PolicyError::UnsupportedVersion { .. } => "unsupported-version",
            PolicyError::UnknownOperator { .. } => "unknown-operator",
            PolicyError::WrongType { .. } => "wrong-type",
            PolicyError::InvalidValue { .. } => "invalid-value",
        }
    }

    /// Where the problem is, when it is inside the document's structure.
    pub fn location(&self) -> Option<&Location> {
        match self {
            PolicyError::InvalidJson { .. } | PolicyError::InvalidUrlEncoding => None,
            PolicyError::DuplicateKey { location, .. }
            | PolicyError::UnknownElement { location, .. }
            | PolicyError::MissingElement { location, .. }
            | PolicyError::ConflictingElements { location, .. }
            | PolicyError::UnknownEffect { location, .. }
            | PolicyError::UnsupportedVersion { location, .. }
            | PolicyError::UnknownOperator { location, .. }
            | PolicyError::WrongType { location, .. }
            | PolicyError::InvalidValue { location, .. } => Some(location),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_statement_and_path() {
        let error = PolicyError::ConflictingElements {
            first: "Action",
            second: "NotAction",
            location: Location {
                statement: Some(1),
                sid: Some("Admins".into()),
                path: "Statement[1]".into(),
            },
        };
        assert_eq!(
            error.to_string(),
            "statement 1 (Sid \"Admins\") at Statement[1]: has both Action and NotAction"
        );
        assert_eq!(error.kind(), "conflicting-elements");
    }
}
