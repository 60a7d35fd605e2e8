//! ## What it does
//! Finds `Allow` statements written with `NotAction`.
//!
//! ## Why is this bad?
//! `Allow` + `NotAction` grants every action *except* the listed ones — in every service,
//! including services and actions AWS launches after the policy was written. It is almost
//! always broader than its author meant ("IAM JSON policy elements: NotAction" warns of exactly
//! this). `NotAction` is the right tool in a `Deny` (deny all but ...), not in an `Allow`.
//!
//! ## Example
//! ```json
//! {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
//! ```
//! This is administrator access minus IAM — it still includes `organizations:*`,
//! `kms:ScheduleKeyDeletion` and `cloudtrail:StopLogging`. List the allowed actions instead.
//!
//! ## References
//! - "IAM JSON policy elements: NotAction"

use crate::document::{ActionElement, Effect, Statement};
use crate::eval::StatementRef;
use crate::lint::{describe_conditions, describe_resources, join, Lint, LintKind};

pub(super) fn check(statement: &Statement, lints: &mut Vec<Lint>) {
    let (Effect::Allow, ActionElement::NotAction(excluded)) =
        (statement.effect, &statement.actions)
    else {
        return;
    };
    let subject = join(excluded.iter().map(|p| p.as_str()));
    let reference = StatementRef::of(statement);
    lints.push(Lint {
        kind: LintKind::AllowNotAction,
        message: format!(
            "{reference} allows every action except {subject}{}{}",
            describe_resources(statement),
            describe_conditions(statement)
        ),
        subject,
        statement: reference,
    });
}
