//! Evaluating one request when some of its condition keys are not known.
//!
//! [`crate::evaluate`] decides a request whose context is complete. A scan knows who the
//! principal is (`aws:username`, `aws:PrincipalArn`, …) but not where, when or how a request
//! will be sent (`aws:SourceIp`, `aws:MultiFactorAuthPresent`, tags of the request…). Guessing
//! those would either invent or hide a permission, so [`evaluate_open`] leaves them open: a
//! statement whose action and resource match, and whose known conditions hold, *may* apply
//! when it also has a condition on an open key. The outcome is three-valued:
//!
//! - [`OpenDecision::Allowed`]: an `Allow` applies whatever the open keys are, and no `Deny`
//!   may apply;
//! - [`OpenDecision::Denied`]: a `Deny` applies whatever the open keys are, or no `Allow` may
//!   apply;
//! - [`OpenDecision::Conditional`]: anything else; the open keys that decide it are named.
//!
//! A key is known when the request's context holds it, or when the caller says it is absent
//! (`aws:username` for a role). A policy variable in a `Resource` or a condition value counts
//! as a condition on its key: `${aws:PrincipalTag/team}` with the tag unknown leaves the
//! statement open rather than matching nothing.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::document::{Effect, PolicyDocument, ResourceElement, Statement};
use crate::eval::{Request, StatementRef};

/// The outcome of a request whose context is partly open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum OpenDecision {
    /// Allowed whatever the open keys are, by this statement of `policies[policy]`.
    Allowed {
        policy: usize,
        statement: StatementRef,
    },
    /// Denied whatever the open keys are (explicitly or because nothing allows it).
    Denied,
    /// Allowed for some values of these (lowercased) keys, denied for others.
    Conditional { keys: BTreeSet<String> },
}

impl OpenDecision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, OpenDecision::Allowed { .. })
    }

    pub fn is_denied(&self) -> bool {
        matches!(self, OpenDecision::Denied)
    }

    /// Both decisions must allow, as a permissions boundary and the identity policies must
    /// (and each SCP level): a denial wins; otherwise an open side makes the whole open, its
    /// keys joined. The first side's deciding statement is kept.
    pub fn and(self, other: OpenDecision) -> OpenDecision {
        match (self, other) {
            (OpenDecision::Denied, _) | (_, OpenDecision::Denied) => OpenDecision::Denied,
            (allowed @ OpenDecision::Allowed { .. }, OpenDecision::Allowed { .. }) => allowed,
            (OpenDecision::Conditional { mut keys }, OpenDecision::Conditional { keys: more }) => {
                keys.extend(more);
                OpenDecision::Conditional { keys }
            }
            (OpenDecision::Conditional { keys }, _) | (_, OpenDecision::Conditional { keys }) => {
                OpenDecision::Conditional { keys }
            }
        }
    }
}

/// Whether one statement applies to the request.
enum Applies {
    Yes,
    No,
    /// It applies for some values of these keys.
    Maybe(BTreeSet<String>),
}

/// Evaluates `request` against `policies`, leaving open every condition key that is neither
/// in the request's context nor named in `absent` (lowercased keys known to be absent).
pub fn evaluate_open(
    policies: &[&PolicyDocument],
    request: &Request,
    absent: &[&str],
) -> OpenDecision {
    let action = request.action.to_lowercase();
    let is_open = |key: &str| request.context.get(key).is_none() && !absent.contains(&key);
    let mut allowed = None;
    let mut allow_keys: Option<BTreeSet<String>> = None;
    let mut deny_keys = BTreeSet::new();
    for (policy_index, policy) in policies.iter().enumerate() {
        for statement in &policy.statements {
            match applies(statement, &action, request, &is_open) {
                Applies::No => {}
                Applies::Yes => match statement.effect {
                    Effect::Deny => return OpenDecision::Denied,
                    Effect::Allow => {
                        allowed.get_or_insert_with(|| OpenDecision::Allowed {
                            policy: policy_index,
                            statement: StatementRef::of(statement),
                        });
                    }
                },
                Applies::Maybe(keys) => match statement.effect {
                    Effect::Deny => deny_keys.extend(keys),
                    Effect::Allow => allow_keys.get_or_insert_with(BTreeSet::new).extend(keys),
                },
            }
        }
    }
    match (allowed, allow_keys) {
        (Some(allowed), _) if deny_keys.is_empty() => allowed,
        (Some(_), _) => OpenDecision::Conditional { keys: deny_keys },
        (None, Some(mut keys)) => {
            keys.extend(deny_keys);
            OpenDecision::Conditional { keys }
        }
        (None, None) => OpenDecision::Denied,
    }
}

fn applies(
    statement: &Statement,
    lowercase_action: &str,
    request: &Request,
    is_open: &dyn Fn(&str) -> bool,
) -> Applies {
    if !statement.actions.matches_lowercase(lowercase_action) {
        return Applies::No;
    }
    let mut open_keys = BTreeSet::new();
    if statement
        .resources
        .matches(&request.resource, &request.context)
    {
        // Matched with the variables it has: any open one could only make it match less,
        // except under `NotResource`, where it could make it match more.
        if let ResourceElement::NotResource(patterns) = &statement.resources {
            open_keys.extend(open_variables(
                patterns.iter().map(|p| p.pattern()),
                is_open,
            ));
        }
    } else {
        let keys = match &statement.resources {
            ResourceElement::Resource(patterns) => {
                open_variables(patterns.iter().map(|p| p.pattern()), is_open)
            }
            _ => BTreeSet::new(),
        };
        if keys.is_empty() {
            return Applies::No;
        }
        open_keys.extend(keys);
    }
    for condition in &statement.conditions {
        let mut keys: BTreeSet<String> = condition
            .variable_keys()
            .filter(|key| is_open(key))
            .map(str::to_owned)
            .collect();
        if is_open(condition.lowercase_key()) {
            keys.insert(condition.lowercase_key().to_owned());
        }
        if keys.is_empty() {
            if !condition.holds(&request.context) {
                return Applies::No;
            }
        } else {
            open_keys.extend(keys);
        }
    }
    if open_keys.is_empty() {
        Applies::Yes
    } else {
        Applies::Maybe(open_keys)
    }
}

fn open_variables<'p>(
    patterns: impl Iterator<Item = &'p crate::pattern::Pattern>,
    is_open: &dyn Fn(&str) -> bool,
) -> BTreeSet<String> {
    patterns
        .flat_map(|pattern| pattern.variable_keys())
        .filter(|key| is_open(key))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> PolicyDocument {
        PolicyDocument::parse(text).expect("valid policy")
    }

    fn keys(names: &[&str]) -> OpenDecision {
        OpenDecision::Conditional {
            keys: names.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn known_keys_decide_and_open_keys_are_named() {
        let own_keys = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:CreateAccessKey",
                "Resource":"arn:aws:iam::1:user/${aws:username}"}}"#,
        );
        let alice = Request::new("iam:CreateAccessKey", "arn:aws:iam::1:user/alice")
            .with_context("aws:username", "alice");
        let bob = Request::new("iam:CreateAccessKey", "arn:aws:iam::1:user/bob")
            .with_context("aws:username", "alice");
        assert!(evaluate_open(&[&own_keys], &alice, &[]).is_allowed());
        assert!(evaluate_open(&[&own_keys], &bob, &[]).is_denied());
        // A role has no aws:username: known absent, the variable matches nothing.
        let role = Request::new("iam:CreateAccessKey", "arn:aws:iam::1:user/bob");
        assert!(evaluate_open(&[&own_keys], &role, &["aws:username"]).is_denied());
        // Not known at all: open.
        assert_eq!(
            evaluate_open(&[&own_keys], &role, &[]),
            keys(&["aws:username"])
        );
    }

    #[test]
    fn an_open_deny_makes_an_allow_conditional_and_a_sure_deny_wins() {
        let admin = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        );
        let mfa_guard = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*",
                "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}}"#,
        );
        let deny_iam = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:*","Resource":"*"}}"#,
        );
        let request = Request::new("iam:AttachUserPolicy", "arn:aws:iam::1:user/alice");
        assert_eq!(
            evaluate_open(&[&admin, &mfa_guard], &request, &[]),
            keys(&["aws:multifactorauthpresent"])
        );
        assert!(evaluate_open(&[&admin, &mfa_guard, &deny_iam], &request, &[]).is_denied());
        let with_keys = request.with_context("aws:MultiFactorAuthPresent", "false");
        assert!(evaluate_open(&[&admin, &mfa_guard], &with_keys, &[]).is_denied());
    }

    #[test]
    fn an_open_allow_is_conditional_and_and_combines() {
        let from_office = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*",
                "Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}}"#,
        );
        let request = Request::new("iam:PutUserPolicy", "arn:aws:iam::1:user/alice");
        let open = evaluate_open(&[&from_office], &request, &[]);
        assert_eq!(open, keys(&["aws:sourceip"]));
        let allowed = OpenDecision::Allowed {
            policy: 0,
            statement: StatementRef {
                index: 0,
                sid: None,
            },
        };
        assert_eq!(allowed.clone().and(open.clone()), open);
        assert!(allowed.clone().and(OpenDecision::Denied).is_denied());
        assert!(allowed.clone().and(allowed).is_allowed());
    }
}
