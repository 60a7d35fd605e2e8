//! Deciding one request against a set of identity-based policies.
//!
//! This is the identity-policy slice of "Policy evaluation logic": every request starts
//! implicitly denied; a matching `Deny` statement in any policy ends the evaluation with an
//! explicit deny, whatever allows it; otherwise one matching `Allow` suffices. Permissions
//! boundaries, SCPs, session policies and resource-based policies are other callers' concern —
//! evaluate each set with this function and combine the decisions as that page describes.

use serde::Serialize;

use crate::context::RequestContext;
use crate::document::{Effect, PolicyDocument, Statement};

/// A request: who asks is implicit (the policies are theirs), what they ask is here.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    /// `service:Action`, any case.
    pub action: String,
    /// The resource's ARN, or `*` for actions without resource-level permissions.
    pub resource: String,
    pub context: RequestContext,
}

impl Request {
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            context: RequestContext::new(),
        }
    }

    /// Adds a single-valued context key.
    pub fn with_context(mut self, key: &str, value: impl Into<String>) -> Request {
        self.context.insert(key, value);
        self
    }

    /// Adds a multivalued context key.
    pub fn with_context_values<I, S>(mut self, key: &str, values: I) -> Request
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.context.insert_multi(key, values);
        self
    }
}

/// A statement, named the way a person finds it: its index in the document and its `Sid`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StatementRef {
    pub index: usize,
    pub sid: Option<String>,
}

impl StatementRef {
    pub fn of(statement: &Statement) -> StatementRef {
        StatementRef {
            index: statement.index,
            sid: statement.sid.clone(),
        }
    }
}

impl std::fmt::Display for StatementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "statement {} (Sid {sid:?})", self.index),
            None => write!(f, "statement {}", self.index),
        }
    }
}

/// The outcome, with the statement that decided it. `policy` indexes the slice passed to
/// [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum Decision {
    Allow {
        policy: usize,
        statement: StatementRef,
    },
    ExplicitDeny {
        policy: usize,
        statement: StatementRef,
    },
    /// Nothing allowed the request.
    ImplicitDeny,
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }
}

/// Evaluates `request` against `policies`. The first matching `Deny` (in policy, then statement
/// order) is reported; failing that, the first matching `Allow`.
pub fn evaluate(policies: &[&PolicyDocument], request: &Request) -> Decision {
    let action = request.action.to_lowercase();
    let mut first_allow = None;
    for (policy_index, policy) in policies.iter().enumerate() {
        for statement in &policy.statements {
            if !statement.applies_to(&action, &request.resource, &request.context) {
                continue;
            }
            match statement.effect {
                Effect::Deny => {
                    return Decision::ExplicitDeny {
                        policy: policy_index,
                        statement: StatementRef::of(statement),
                    }
                }
                Effect::Allow => {
                    if first_allow.is_none() {
                        first_allow = Some(Decision::Allow {
                            policy: policy_index,
                            statement: StatementRef::of(statement),
                        });
                    }
                }
            }
        }
    }
    first_allow.unwrap_or(Decision::ImplicitDeny)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> PolicyDocument {
        PolicyDocument::parse(text).expect("valid policy")
    }

    #[test]
    fn implicit_deny_explicit_deny_and_allow() {
        let allow = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        );
        let deny = policy(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}}"#,
        );
        let get = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
        let delete = Request::new("S3:DeleteBucket", "arn:aws:s3:::b");
        let iam = Request::new("iam:CreateUser", "arn:aws:iam::1:user/x");
        assert!(evaluate(&[&allow, &deny], &get).is_allowed());
        assert_eq!(
            evaluate(&[&allow, &deny], &delete),
            Decision::ExplicitDeny {
                policy: 1,
                statement: StatementRef {
                    index: 0,
                    sid: Some("NoDelete".into())
                }
            }
        );
        assert_eq!(evaluate(&[&allow, &deny], &iam), Decision::ImplicitDeny);
        assert_eq!(evaluate(&[], &get), Decision::ImplicitDeny);
    }

    #[test]
    fn conditions_and_variables() {
        let own_user = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*AccessKey*",
                "Resource":"arn:aws:iam::*:user/${aws:username}",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#,
        );
        let request = Request::new("iam:CreateAccessKey", "arn:aws:iam::1:user/alice")
            .with_context("aws:username", "alice");
        assert_eq!(evaluate(&[&own_user], &request), Decision::ImplicitDeny);
        let with_mfa = request
            .clone()
            .with_context("aws:MultiFactorAuthPresent", "true");
        assert!(evaluate(&[&own_user], &with_mfa).is_allowed());
        let other_user = Request::new("iam:CreateAccessKey", "arn:aws:iam::1:user/bob")
            .with_context("aws:username", "alice")
            .with_context("aws:MultiFactorAuthPresent", "true");
        assert_eq!(evaluate(&[&own_user], &other_user), Decision::ImplicitDeny);
    }
}
