//! The `service-wildcard` rule, documented for users as check ZT104 `service-wide-wildcard`.

use crate::document::{ActionElement, Effect, Statement};
use crate::eval::StatementRef;
use crate::lint::{describe_conditions, describe_resources, Lint, LintKind};

pub(super) fn check(statement: &Statement, lints: &mut Vec<Lint>) {
    if statement.effect != Effect::Allow {
        return;
    }
    let ActionElement::Action(patterns) = &statement.actions else {
        return;
    };
    for pattern in patterns {
        let Some(service) = service_of_wildcard(pattern.as_str()) else {
            continue;
        };
        let reference = StatementRef::of(statement);
        lints.push(Lint {
            kind: LintKind::ServiceWildcard,
            message: format!(
                "{reference} allows every {} action ({}){}{}",
                service.to_lowercase(),
                pattern.as_str(),
                describe_resources(statement),
                describe_conditions(statement)
            ),
            subject: pattern.as_str().to_owned(),
            statement: reference,
        });
    }
}

/// `Some("iam")` for `iam:*`; `None` for `iam:Get*`, `*:*` or `*`.
fn service_of_wildcard(action: &str) -> Option<&str> {
    let (service, rest) = action.split_once(':')?;
    let plain_service = !service.is_empty() && !service.contains(['*', '?']);
    (plain_service && !rest.is_empty() && rest.chars().all(|ch| ch == '*')).then_some(service)
}

#[cfg(test)]
mod tests {
    use super::service_of_wildcard;

    #[test]
    fn only_whole_service_wildcards() {
        assert_eq!(service_of_wildcard("iam:*"), Some("iam"));
        assert_eq!(service_of_wildcard("KMS:**"), Some("KMS"));
        assert_eq!(service_of_wildcard("iam:Get*"), None);
        assert_eq!(service_of_wildcard("*:*"), None);
        assert_eq!(service_of_wildcard("i?m:*"), None);
        assert_eq!(service_of_wildcard("*"), None);
    }
}
