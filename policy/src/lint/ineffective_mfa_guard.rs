//! Ineffective MFA guards, documented for users as check ZT102 `ineffective-mfa-guard`.

use serde::Serialize;

use crate::condition::{Condition, OperatorKind};
use crate::document::{Effect, PolicyDocument, Statement};
use crate::eval::StatementRef;
use crate::mfa::{
    fresh_mfa_context, has_mfa_conditions, is_mfa_key, mfa_conditions_hold, MfaAbsence,
    MFA_AGE_KEY, MFA_PRESENT_KEY,
};

/// A Deny meant to require MFA that lets some MFA-less requests through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IneffectiveMfaGuard {
    pub statement: StatementRef,
    /// The absence modes the Deny does not apply to.
    pub slips_past: Vec<MfaAbsence>,
    /// The condition that fails in those modes, as written (`Bool aws:MultiFactorAuthPresent`).
    pub condition: String,
    /// One lowercase sentence: the statement, the fact and why.
    pub message: String,
    /// What to write instead.
    pub fix: String,
}

/// Every ineffective MFA guard in `document`, in statement order.
pub fn ineffective_mfa_guards(document: &PolicyDocument) -> Vec<IneffectiveMfaGuard> {
    let fresh = fresh_mfa_context();
    let absence_contexts = MfaAbsence::ALL.map(MfaAbsence::shared_context);
    let guards: Vec<&Statement> = document
        .statements
        .iter()
        .filter(|statement| {
            statement.effect == Effect::Deny
                && has_mfa_conditions(statement)
                && !mfa_conditions_hold(statement, fresh)
        })
        .collect();

    let mut found = Vec::new();
    for guard in &guards {
        let slips_past: Vec<MfaAbsence> = MfaAbsence::ALL
            .into_iter()
            .zip(absence_contexts)
            .filter(|(_, context)| !mfa_conditions_hold(guard, context))
            .filter(|(_, context)| {
                !document
                    .statements
                    .iter()
                    .any(|other| closes_gap(other, guard, context))
            })
            .map(|(absence, _)| absence)
            .collect();
        let Some(first_mode) = slips_past.first() else {
            continue;
        };
        let failing = guard
            .conditions
            .iter()
            .filter(|condition| is_mfa_key(condition.lowercase_key()))
            .find(|condition| !condition.holds(first_mode.shared_context()));
        let Some(failing) = failing else {
            continue;
        };
        let reference = StatementRef::of(guard);
        let modes = slips_past
            .iter()
            .map(|mode| mode.describe())
            .collect::<Vec<_>>()
            .join(" or ");
        let condition = format!("{} {}", failing.operator, failing.key);
        found.push(IneffectiveMfaGuard {
            message: format!(
                "{reference} denies requests without MFA but does not apply to {modes}: \
                 {condition} {:?} {}",
                failing.values,
                why_it_fails(failing, *first_mode)
            ),
            fix: fix_for(failing),
            condition,
            slips_past,
            statement: reference,
        });
    }
    found
}

/// Does `other` deny, in `context`, everything `guard` was meant to deny there?
fn closes_gap(
    other: &Statement,
    guard: &Statement,
    context: &crate::context::RequestContext,
) -> bool {
    other.effect == Effect::Deny
        && !std::ptr::eq(other, guard)
        && mfa_conditions_hold(other, context)
        && other
            .conditions
            .iter()
            .filter(|condition| !is_mfa_key(condition.lowercase_key()))
            .all(|condition| guard.conditions.contains(condition))
        && other.actions.covers(&guard.actions)
        && other.resources.covers(&guard.resources)
}

fn why_it_fails(condition: &Condition, mode: MfaAbsence) -> &'static str {
    let key_absent =
        mode == MfaAbsence::LongTermAccessKeys || condition.lowercase_key() == MFA_AGE_KEY;
    if condition.operator.kind == OperatorKind::Null {
        "only matches when the key is absent, but it is present (false) for temporary credentials obtained without MFA"
    } else if key_absent {
        "is false when the key is absent, as it is for long-term access keys and whenever MFA was not used"
    } else {
        "does not match the value false that temporary credentials without MFA carry"
    }
}

fn fix_for(condition: &Condition) -> String {
    let recommended = "\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}";
    if condition.lowercase_key() == MFA_AGE_KEY {
        return format!(
            "use {}IfExists on aws:MultiFactorAuthAge so an absent age also matches, or deny with {recommended}",
            condition.operator.kind.name()
        );
    }
    if condition.lowercase_key() == MFA_PRESENT_KEY && condition.operator.kind == OperatorKind::Null
    {
        return format!(
            "replace the Null check with {recommended}, which matches both an absent key (long-term access keys) and false (temporary credentials without MFA)"
        );
    }
    format!(
        "use {recommended}: it also matches when the key is absent, as it is for long-term access keys"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guards(statements: &str) -> Vec<IneffectiveMfaGuard> {
        let document = PolicyDocument::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
        .expect("valid policy");
        ineffective_mfa_guards(&document)
    }

    #[test]
    fn bool_false_misses_long_term_keys() {
        let found = guards(
            r#"{"Sid":"DenyNoMfa","Effect":"Deny","NotAction":"iam:ListMFADevices","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].slips_past, [MfaAbsence::LongTermAccessKeys]);
        assert_eq!(found[0].condition, "Bool aws:MultiFactorAuthPresent");
        assert!(found[0].fix.contains("BoolIfExists"), "{}", found[0].fix);
        assert!(found[0]
            .message
            .starts_with("statement 0 (Sid \"DenyNoMfa\") denies"));
    }

    #[test]
    fn null_true_misses_temporary_credentials() {
        let found = guards(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].slips_past,
            [MfaAbsence::TemporaryCredentialsWithoutMfa]
        );
        assert!(found[0].fix.contains("BoolIfExists"));
    }

    #[test]
    fn bool_if_exists_is_effective() {
        assert!(guards(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#
        )
        .is_empty());
    }

    #[test]
    fn bool_and_null_pair_close_each_other() {
        assert!(guards(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}},
               {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthPresent":"true"}}}"#
        )
        .is_empty());
        // A narrower companion does not close the broad guard's gap (the broad one still
        // closes the narrow one's).
        let found = guards(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}},
               {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].statement.index, 0);
        assert_eq!(found[0].slips_past, [MfaAbsence::LongTermAccessKeys]);
    }

    #[test]
    fn age_without_if_exists_misses_both() {
        let found = guards(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}}"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].slips_past, MfaAbsence::ALL);
        assert!(found[0].fix.contains("NumericGreaterThanIfExists"));
    }

    #[test]
    fn denies_that_are_not_mfa_guards_are_ignored() {
        assert!(guards(
            r#"{"Effect":"Deny","Action":"*","Resource":"*"},
               {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
               {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
               {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#
        )
        .is_empty());
    }
}
