//! Statement-level lints the checks build findings from.
//!
//! One rule per file. Each is documented once, for users, in the ztaudit check that reports it
//! (`ztaudit explain ZT102` … `ZT105`); its file says which. [`lint`] runs the four
//! permission-breadth rules;
//! [`ineffective_mfa_guards`] is separate because it answers a different question ("does this
//! Deny do what it was written for?") and has a richer result.
//!
//! Lints look at one document's text: they do not weigh conditions (a conditional `*` on `*` is
//! still reported, with the conditions noted in the message) and they do not combine policies —
//! that is the evaluator's and the MFA analysis' job.

mod allow_not_action;
mod allow_not_resource;
mod full_admin;
mod ineffective_mfa_guard;
mod service_wildcard;

use std::fmt;

use serde::Serialize;

use crate::document::{PolicyDocument, ResourceElement, Statement};
use crate::eval::StatementRef;

pub use ineffective_mfa_guard::{
    ineffective_mfa_guards, mfa_guards, EffectiveMfaGuard, GuardProblem, IneffectiveMfaGuard,
    MfaGuards,
};

/// Which rule a [`Lint`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LintKind {
    /// `Allow` of every action on every resource. See `full_admin.rs`.
    FullAdmin,
    /// `Allow` of `service:*`. See `service_wildcard.rs`.
    ServiceWildcard,
    /// `Allow` with `NotAction`. See `allow_not_action.rs`.
    AllowNotAction,
    /// `Allow` with `NotResource`. See `allow_not_resource.rs`.
    AllowNotResource,
}

impl LintKind {
    /// Every kind, in the order [`lint`] reports them within a statement.
    pub const ALL: [LintKind; 4] = [
        LintKind::FullAdmin,
        LintKind::ServiceWildcard,
        LintKind::AllowNotAction,
        LintKind::AllowNotResource,
    ];

    /// Stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            LintKind::FullAdmin => "full-admin",
            LintKind::ServiceWildcard => "service-wildcard",
            LintKind::AllowNotAction => "allow-not-action",
            LintKind::AllowNotResource => "allow-not-resource",
        }
    }
}

impl fmt::Display for LintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One lint result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lint {
    pub kind: LintKind,
    pub statement: StatementRef,
    /// What the rule matched on: the action pattern (`iam:*`), or the `NotAction` /
    /// `NotResource` list joined with `, `.
    pub subject: String,
    /// One lowercase sentence naming the statement and the fact.
    pub message: String,
}

/// Runs the permission-breadth rules over every statement, in statement order.
pub fn lint(document: &PolicyDocument) -> Vec<Lint> {
    let mut lints = Vec::new();
    for statement in &document.statements {
        let found_full_admin = full_admin::check(statement, &mut lints);
        if !found_full_admin {
            service_wildcard::check(statement, &mut lints);
        }
        allow_not_action::check(statement, &mut lints);
        allow_not_resource::check(statement, &mut lints);
    }
    lints
}

/// `" on arn:a, arn:b"`, `" on every resource"`, ... for messages.
fn describe_resources(statement: &Statement) -> String {
    match &statement.resources {
        ResourceElement::Resource(_) if statement.resources.matches_every_resource() => {
            " on every resource".to_owned()
        }
        ResourceElement::Resource(patterns) => {
            format!(" on {}", join(patterns.iter().map(|p| p.as_str())))
        }
        ResourceElement::NotResource(patterns) => format!(
            " on every resource except {}",
            join(patterns.iter().map(|p| p.as_str()))
        ),
        ResourceElement::Unspecified => String::new(),
    }
}

/// `" (only when <n> conditions hold)"` or nothing.
fn describe_conditions(statement: &Statement) -> String {
    match statement.conditions.len() {
        0 => String::new(),
        1 => " (when its condition holds)".to_owned(),
        n => format!(" (when its {n} conditions hold)"),
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(statements: &str) -> Vec<(LintKind, String)> {
        let document = PolicyDocument::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
        .expect("valid policy");
        lint(&document)
            .into_iter()
            .map(|lint| (lint.kind, lint.subject))
            .collect()
    }

    #[test]
    fn full_admin_is_not_also_a_service_wildcard() {
        assert_eq!(
            kinds(r#"{"Effect":"Allow","Action":["*:*","iam:*"],"Resource":"*"}"#),
            [(LintKind::FullAdmin, "*:*".to_owned())]
        );
    }

    #[test]
    fn each_rule() {
        assert_eq!(
            kinds(
                r#"{"Effect":"Allow","Action":["iam:*","KMS:*","s3:Get*"],"Resource":"arn:aws:s3:::b"},
                   {"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret"},
                   {"Effect":"Deny","Action":"*","Resource":"*"},
                   {"Effect":"Deny","NotAction":"iam:*","NotResource":"*"}"#
            ),
            [
                (LintKind::ServiceWildcard, "iam:*".to_owned()),
                (LintKind::ServiceWildcard, "KMS:*".to_owned()),
                (LintKind::AllowNotAction, "iam:*".to_owned()),
                (LintKind::AllowNotResource, "arn:aws:s3:::secret".to_owned()),
            ]
        );
    }

    #[test]
    fn messages_name_the_statement() {
        let document = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
        )
        .expect("valid policy");
        let lints = lint(&document);
        assert_eq!(
            lints[0].message,
            "statement 0 (Sid \"Admin\") allows every action (*) on every resource (when its condition holds)"
        );
    }
}
