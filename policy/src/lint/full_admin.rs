//! The `full-admin` rule, documented for users as check ZT103 `full-admin-policy`.

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
