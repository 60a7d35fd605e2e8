//! ## What it does
//! Finds `Allow` statements that grant every action (`*`, or `*:*`) on every resource.
//!
//! ## Why is this bad?
//! Whoever holds the policy is an administrator of the account: they can grant themselves or
//! anyone else anything, switch off logging and detection, and delete data. Zero Trust asks that
//! each identity hold only what its task needs ("Security best practices in IAM": apply
//! least-privilege permissions).
//!
//! ## Example
//! ```json
//! {"Effect": "Allow", "Action": "*", "Resource": "*"}
//! ```
//! Use: the AWS managed job-function policies, or a list of the actions the task needs.
//!
//! ## References
//! - "Security best practices in IAM" (grant least privilege)
//! - CIS AWS Foundations Benchmark v3.0 1.16 (no full `*:*` administrative privileges)
//! - AWS FSBP IAM.1

use crate::document::{ActionElement, ActionPattern, Effect, Statement};
use crate::eval::StatementRef;
use crate::lint::{describe_conditions, describe_resources, Lint, LintKind};

/// Pushes a lint when `statement` is a full-admin grant; returns whether it did.
pub(super) fn check(statement: &Statement, lints: &mut Vec<Lint>) -> bool {
    if statement.effect != Effect::Allow || !statement.resources.matches_every_resource() {
        return false;
    }
    let ActionElement::Action(patterns) = &statement.actions else {
        return false;
    };
    let Some(every) = patterns
        .iter()
        .find(|p| ActionPattern::matches_every_action(p))
    else {
        return false;
    };
    let reference = StatementRef::of(statement);
    lints.push(Lint {
        kind: LintKind::FullAdmin,
        message: format!(
            "{reference} allows every action ({}){}{}",
            every.as_str(),
            describe_resources(statement),
            describe_conditions(statement)
        ),
        subject: every.as_str().to_owned(),
        statement: reference,
    });
    true
}
