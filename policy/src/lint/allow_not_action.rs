//! The `allow-not-action` rule, documented for users as check ZT105 `allow-with-not-action`.

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
