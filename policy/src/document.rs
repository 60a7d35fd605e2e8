//! The parsed shape of an IAM policy document, and what one statement matches.
//!
//! The types mirror the grammar in "IAM JSON policy language grammar": a document has a
//! `Version`, an optional `Id` and statements; a statement has an `Effect`, one of
//! `Action`/`NotAction`, at most one of `Resource`/`NotResource` and of
//! `Principal`/`NotPrincipal`, and a flattened list of [`Condition`]s. A string and a
//! one-element array mean the same thing in IAM, so both become a `Vec`.
//!
//! Matching rules (from "IAM JSON policy elements: Action", "...: Resource",
//! "...: NotAction", "...: NotResource"):
//! - actions are compared without regard to case, with `*` and `?` wildcards;
//! - resources are compared case-sensitively, segment by segment (see
//!   `pattern.rs`), with policy variables substituted in `2012-10-17` documents;
//! - `NotAction` / `NotResource` match everything the list does not.
//!
//! A statement with neither `Resource` nor `NotResource` (a role trust policy, or a
//! resource-based policy where the resource is implied) matches any resource here; IAM refuses
//! such statements in identity-based policies, so they never reach the evaluator from there.
//! `Principal` / `NotPrincipal` are parsed and exposed but not evaluated: the evaluator
//! answers for identity-based policies, where the principal is the caller by definition.

use serde::Serialize;

use crate::condition::Condition;
use crate::context::RequestContext;
use crate::pattern::Pattern;
use crate::resource_types::{any_resource_marker, ResourceTypeTable};

/// The policy language version. It changes one thing: policy variables (`${aws:username}`)
/// exist only in `2012-10-17`; elsewhere they are literal text ("IAM JSON policy elements:
/// Version").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PolicyVersion {
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
    /// No `Version` element: IAM reads it as `2008-10-17`.
    #[serde(rename = "unspecified")]
    Unspecified,
}

impl PolicyVersion {
    /// Whether `${...}` is a policy variable in this version.
    pub fn has_policy_variables(self) -> bool {
        self == PolicyVersion::V2012_10_17
    }
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDocument {
    pub version: PolicyVersion,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
    /// Whether the text was URL-encoded, as IAM's APIs return it.
    pub was_url_encoded: bool,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// One statement, with its position in the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Index in the `Statement` array (0 when `Statement` is a single object).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalElement>,
    pub actions: ActionElement,
    pub resources: ResourceElement,
    /// Every (operator, key) pair of the `Condition` block, in document order. All must hold.
    pub conditions: Vec<Condition>,
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ActionElement {
    Action(Vec<ActionPattern>),
    NotAction(Vec<ActionPattern>),
}

/// `Resource`, `NotResource`, or neither.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ResourceElement {
    Resource(Vec<ResourcePattern>),
    NotResource(Vec<ResourcePattern>),
    /// Neither element (trust and some resource-based policies): matches any resource.
    Unspecified,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PrincipalElement {
    Principal(Principal),
    NotPrincipal(Principal),
}

/// A principal value: `"*"` or a map of principal types to identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Principal {
    /// `"*"`: everyone, including anonymous callers.
    Anyone,
    /// `{"AWS": [...], "Service": [...], ...}` in document order.
    Map(Vec<(PrincipalKind, Vec<String>)>),
}

/// The keys of a principal map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum PrincipalKind {
    #[serde(rename = "AWS")]
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub(crate) fn from_key(key: &str) -> Option<PrincipalKind> {
        match key {
            "AWS" => Some(PrincipalKind::Aws),
            "Service" => Some(PrincipalKind::Service),
            "Federated" => Some(PrincipalKind::Federated),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }
}

/// One action pattern such as `iam:Create*`, compiled lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ActionPattern {
    #[serde(serialize_with = "serialize_pattern")]
    pattern: Pattern,
}

/// One resource pattern such as `arn:aws:s3:::bucket/*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ResourcePattern {
    #[serde(serialize_with = "serialize_pattern")]
    pattern: Pattern,
}

fn serialize_pattern<S: serde::Serializer>(
    pattern: &Pattern,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(pattern.as_str())
}

impl ActionPattern {
    pub(crate) fn new(pattern: Pattern) -> ActionPattern {
        ActionPattern { pattern }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.pattern.as_str()
    }

    /// Matches `lowercase_action`, which the caller has lowercased once for all patterns.
    pub(crate) fn matches_lowercase(&self, lowercase_action: &str) -> bool {
        self.pattern.matches(lowercase_action)
    }

    /// Matches `action` without regard to case.
    pub fn matches(&self, action: &str) -> bool {
        self.matches_lowercase(&action.to_lowercase())
    }

    /// True for `*` (and `*:*`, which IAM reads the same way in practice): every action.
    pub fn matches_every_action(&self) -> bool {
        let text = self.as_str();
        text.chars().all(|ch| ch == '*' || ch == ':') && text.contains('*')
    }

    pub(crate) fn pattern(&self) -> &Pattern {
        &self.pattern
    }
}

impl ResourcePattern {
    pub(crate) fn new(pattern: Pattern) -> ResourcePattern {
        ResourcePattern { pattern }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.pattern.as_str()
    }

    /// True for `*`: every resource.
    pub fn matches_every_resource(&self) -> bool {
        self.pattern.is_match_all()
    }

    /// Matches `resource`, with policy variables taken from `context`.
    pub fn matches(&self, resource: &str, context: &RequestContext) -> bool {
        self.pattern.matches_arn_with(resource, context)
    }

    pub(crate) fn pattern(&self) -> &Pattern {
        &self.pattern
    }
}

impl ActionElement {
    /// The patterns, whichever of `Action` / `NotAction` holds them.
    pub fn patterns(&self) -> &[ActionPattern] {
        match self {
            ActionElement::Action(patterns) | ActionElement::NotAction(patterns) => patterns,
        }
    }

    /// Whether the element matches `lowercase_action`.
    pub(crate) fn matches_lowercase(&self, lowercase_action: &str) -> bool {
        match self {
            ActionElement::Action(patterns) => patterns
                .iter()
                .any(|pattern| pattern.matches_lowercase(lowercase_action)),
            ActionElement::NotAction(patterns) => !patterns
                .iter()
                .any(|pattern| pattern.matches_lowercase(lowercase_action)),
        }
    }

    /// Whether the element matches `action` (any case).
    pub fn matches(&self, action: &str) -> bool {
        self.matches_lowercase(&action.to_lowercase())
    }

    /// True when every action `inner` matches is also matched by `self`. Conservative, like
    /// [`ResourceElement::covers`].
    pub(crate) fn covers(&self, inner: &ActionElement) -> bool {
        match (self, inner) {
            (ActionElement::Action(outer), ActionElement::Action(inner)) => {
                inner.iter().all(|granted| {
                    outer
                        .iter()
                        .any(|denied| granted.pattern().covered_by(denied.pattern(), false))
                })
            }
            (ActionElement::Action(outer), ActionElement::NotAction(_)) => {
                outer.iter().any(ActionPattern::matches_every_action)
            }
            (ActionElement::NotAction(excluded), ActionElement::Action(inner)) => {
                inner.iter().all(|granted| {
                    excluded
                        .iter()
                        .all(|exception| !granted.pattern().may_overlap(exception.pattern()))
                })
            }
            (
                ActionElement::NotAction(outer_excluded),
                ActionElement::NotAction(inner_excluded),
            ) => outer_excluded.iter().all(|exception| {
                inner_excluded
                    .iter()
                    .any(|other| exception.pattern().covered_by(other.pattern(), false))
            }),
        }
    }
}

impl ResourceElement {
    /// Whether the element matches `resource`.
    pub fn matches(&self, resource: &str, context: &RequestContext) -> bool {
        match self {
            ResourceElement::Resource(patterns) => patterns
                .iter()
                .any(|pattern| pattern.matches(resource, context)),
            ResourceElement::NotResource(patterns) => !patterns
                .iter()
                .any(|pattern| pattern.matches(resource, context)),
            ResourceElement::Unspecified => true,
        }
    }

    /// Whether the element matches every resource (`Resource: "*"`, or neither element).
    pub fn matches_every_resource(&self) -> bool {
        match self {
            ResourceElement::Resource(patterns) => {
                patterns.iter().any(ResourcePattern::matches_every_resource)
            }
            ResourceElement::NotResource(patterns) => patterns.is_empty(),
            ResourceElement::Unspecified => true,
        }
    }

    /// Could a statement with these resources grant `lowercase_action` on some resource? Asked
    /// of the action's resource types in the Service Authorization Reference
    /// ([`crate::resource_types`]); an action the table does not know may apply to any
    /// resource, so the answer is then yes.
    pub fn may_grant(&self, lowercase_action: &str) -> bool {
        match ResourceTypeTable::builtin().action_lowercase(lowercase_action) {
            Some(entry) => entry.may_be_granted_by(self),
            None => true,
        }
    }

    /// Could the element match the literal resource `*`, which requests for actions without
    /// resource-level permissions are authorized against?
    pub(crate) fn may_match_any_resource_marker(&self) -> bool {
        let marker = any_resource_marker();
        match self {
            ResourceElement::Resource(patterns) => patterns
                .iter()
                .any(|pattern| pattern.pattern().may_overlap(marker)),
            ResourceElement::NotResource(patterns) => !patterns
                .iter()
                .any(|pattern| marker.covered_by(pattern.pattern(), false)),
            ResourceElement::Unspecified => true,
        }
    }

    /// True when every resource `inner` could match is also matched by `self`: the question
    /// "does this Deny cover everything that Allow grants?". Conservative: "no" when it cannot
    /// be shown (see `pattern.rs`).
    pub(crate) fn covers(&self, inner: &ResourceElement) -> bool {
        if self.matches_every_resource() {
            return true;
        }
        match (self, inner) {
            (ResourceElement::Resource(outer), ResourceElement::Resource(inner)) => {
                inner.iter().all(|granted| {
                    outer
                        .iter()
                        .any(|denied| granted.pattern().covered_by(denied.pattern(), true))
                })
            }
            // Everything except `excluded` covers the granted patterns when none of them can
            // touch an excluded resource.
            (ResourceElement::NotResource(excluded), ResourceElement::Resource(inner)) => {
                inner.iter().all(|granted| {
                    excluded
                        .iter()
                        .all(|exception| !granted.pattern().may_overlap(exception.pattern()))
                })
            }
            // Complement covers complement when the Deny's exceptions are within the Allow's.
            (
                ResourceElement::NotResource(deny_excluded),
                ResourceElement::NotResource(allow_excluded),
            ) => deny_excluded.iter().all(|exception| {
                allow_excluded
                    .iter()
                    .any(|allowed_out| exception.pattern().covered_by(allowed_out.pattern(), true))
            }),
            _ => false,
        }
    }
}

impl Statement {
    /// Whether the statement applies to the request: its action, resource and every condition
    /// match.
    pub fn applies_to(
        &self,
        lowercase_action: &str,
        resource: &str,
        context: &RequestContext,
    ) -> bool {
        self.actions.matches_lowercase(lowercase_action)
            && self.resources.matches(resource, context)
            && self
                .conditions
                .iter()
                .all(|condition| condition.holds(context))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyDocument;

    fn statement(json: &str) -> Statement {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":{json}}}"#);
        let document = PolicyDocument::parse(&text).expect("valid policy");
        document
            .statements
            .into_iter()
            .next()
            .expect("one statement")
    }

    #[test]
    fn every_action_forms() {
        let s =
            statement(r#"{"Effect":"Allow","Action":["*:*","*","iam:*","*:Get*"],"Resource":"*"}"#);
        let every: Vec<bool> = s
            .actions
            .patterns()
            .iter()
            .map(ActionPattern::matches_every_action)
            .collect();
        assert_eq!(every, [true, true, false, false]);
    }

    #[test]
    fn not_action_and_not_resource_mean_everything_else() {
        let s = statement(
            r#"{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}"#,
        );
        let ctx = RequestContext::new();
        assert!(s.applies_to("s3:getobject", "arn:aws:s3:::public/a", &ctx));
        assert!(!s.applies_to("iam:createuser", "arn:aws:s3:::public/a", &ctx));
        assert!(!s.applies_to("s3:getobject", "arn:aws:s3:::secret/a", &ctx));
    }

    #[test]
    fn resource_cover() {
        let allow = statement(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b"]}"#,
        );
        let deny_all = statement(r#"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#);
        let deny_a =
            statement(r#"{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::a/*"}"#);
        let deny_except_logs =
            statement(r#"{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::logs*"}"#);
        let deny_except_a =
            statement(r#"{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::a*"}"#);
        assert!(deny_all.resources.covers(&allow.resources));
        assert!(!deny_a.resources.covers(&allow.resources));
        assert!(deny_except_logs.resources.covers(&allow.resources));
        assert!(!deny_except_a.resources.covers(&allow.resources));

        let allow_not =
            statement(r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::a*"}"#);
        assert!(deny_except_a.resources.covers(&allow_not.resources));
        assert!(!deny_a.resources.covers(&allow_not.resources));
    }
}
