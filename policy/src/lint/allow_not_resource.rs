//! ## What it does
//! Finds `Allow` statements written with `NotResource`.
//!
//! ## Why is this bad?
//! `Allow` + `NotResource` grants the actions on every resource *except* the listed ones — in
//! every account, region and service the actions reach, including resources created later.
//! "IAM JSON policy elements: NotResource" recommends against it for exactly this reason: one
//! misspelt ARN in the exception list silently widens the grant to everything.
//!
//! ## Example
//! ```json
//! {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::payroll/*"}
//! ```
//! List the resources that are allowed instead.
//!
//! ## References
//! - "IAM JSON policy elements: NotResource"

use crate::document::{ActionElement, Effect, ResourceElement, Statement};
use crate::eval::StatementRef;
use crate::lint::{describe_conditions, join, Lint, LintKind};

pub(super) fn check(statement: &Statement, lints: &mut Vec<Lint>) {
    let (Effect::Allow, ResourceElement::NotResource(excluded)) =
        (statement.effect, &statement.resources)
    else {
        return;
    };
    let subject = join(excluded.iter().map(|p| p.as_str()));
    let listed = join(statement.actions.patterns().iter().map(|p| p.as_str()));
    let actions = match &statement.actions {
        ActionElement::Action(_) => listed,
        ActionElement::NotAction(_) => format!("every action except {listed}"),
    };
    let reference = StatementRef::of(statement);
    lints.push(Lint {
        kind: LintKind::AllowNotResource,
        message: format!(
            "{reference} allows {actions} on every resource except {subject}{}",
            describe_conditions(statement)
        ),
        subject,
        statement: reference,
    });
}
