//! The `allow-not-resource` rule, documented for users as check ZT105 `allow-with-not-action`.

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
