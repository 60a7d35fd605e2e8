//! Ineffective MFA guards, documented for users as check ZT102 `ineffective-mfa-guard`.

use serde::Serialize;

use crate::condition::{Condition, OperatorKind};
use crate::document::{Effect, PolicyDocument, Statement};
use crate::eval::StatementRef;
use crate::global_keys::{
    conditions_truth, first_failing_condition, key_source, possible_states, KeySource, KeyState,
    Situation, Truth,
};
use crate::mfa::{is_mfa_key, MfaAbsence, MFA_AGE_KEY, MFA_PRESENT_KEY};

/// What is wrong with an MFA-conditioned Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuardProblem {
    /// A guard (it lets a fresh MFA sign-in through) that some MFA-less requests slip past.
    MissesMfaLessRequests,
    /// An inverted guard: its MFA conditions hold right after an MFA sign-in and for no
    /// MFA-less request, so it denies only requests that *have* MFA.
    DeniesOnlyMfaRequests,
}

/// A Deny meant to require MFA that lets some MFA-less requests through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IneffectiveMfaGuard {
    pub statement: StatementRef,
    pub problem: GuardProblem,
    /// The absence modes the Deny does not apply to.
    pub slips_past: Vec<MfaAbsence>,
    /// The condition that fails in those modes, as written (`Bool aws:MultiFactorAuthPresent`).
    pub condition: String,
    /// One lowercase sentence: the statement, the fact and why.
    pub message: String,
    /// What to write instead.
    pub fix: String,
}

/// A Deny proven to apply to every direct MFA-less request, in both absence modes, as far as
/// keys AWS sets are concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveMfaGuard {
    pub statement: StatementRef,
    /// Keys of its other conditions, which the requester or the principal decide, as written:
    /// the guard applies only to the requests that meet them. Empty for an unconditional guard.
    pub depends_on: Vec<String>,
    /// One lowercase sentence saying what was proven.
    pub message: String,
}

/// The MFA-conditioned Denies of one document, judged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MfaGuards {
    pub effective: Vec<EffectiveMfaGuard>,
    pub ineffective: Vec<IneffectiveMfaGuard>,
}

const RECOMMENDED: &str = "\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}";

fn is_mfa_condition(condition: &Condition) -> bool {
    is_mfa_key(condition.lowercase_key())
}

/// Every ineffective MFA guard in `document`, in statement order.
pub fn ineffective_mfa_guards(document: &PolicyDocument) -> Vec<IneffectiveMfaGuard> {
    mfa_guards(document).ineffective
}

/// Every MFA-conditioned Deny of `document` that is a guard or an inverted guard, judged, in
/// statement order. Denies with MFA conditions that also stop MFA-authenticated requests, and
/// MFA-less ones in some mode, are neither: they are left to the MFA analysis.
pub fn mfa_guards(document: &PolicyDocument) -> MfaGuards {
    let mut guards = MfaGuards::default();
    for statement in &document.statements {
        if statement.effect != Effect::Deny || !statement.conditions.iter().any(is_mfa_condition) {
            continue;
        }
        let after_mfa_sign_in =
            conditions_truth(statement, Situation::FreshMfa, is_mfa_condition) != Truth::No;
        if after_mfa_sign_in {
            if let Some(inverted) = inverted_guard(statement) {
                guards.ineffective.push(inverted);
            }
            continue;
        }
        judge_guard(document, statement, &mut guards);
    }
    guards
}

/// A Deny whose MFA conditions hold after an MFA sign-in: inverted when they hold for no
/// MFA-less request.
fn inverted_guard(statement: &Statement) -> Option<IneffectiveMfaGuard> {
    let mut failing = None;
    for absence in MfaAbsence::ALL {
        let situation = Situation::Direct(absence);
        if conditions_truth(statement, situation, is_mfa_condition) != Truth::No {
            return None;
        }
        failing =
            failing.or_else(|| first_failing_condition(statement, situation, is_mfa_condition));
    }
    let failing = failing?;
    let reference = StatementRef::of(statement);
    let condition = format!("{} {}", failing.operator, failing.key);
    Some(IneffectiveMfaGuard {
        message: format!(
            "{reference} denies only requests made with MFA: {condition} {:?} holds only when \
             MFA was used, so no request without MFA is denied, neither with {}",
            failing.values,
            describe_modes(&MfaAbsence::ALL, " nor with "),
        ),
        fix: format!(
            "to require MFA, deny with {RECOMMENDED} instead, which matches the requests that \
             lack MFA"
        ),
        problem: GuardProblem::DeniesOnlyMfaRequests,
        slips_past: MfaAbsence::ALL.to_vec(),
        condition,
        statement: reference,
    })
}

/// A guard: effective, effective for the requests meeting its other conditions, or slipped past.
fn judge_guard(document: &PolicyDocument, guard: &Statement, guards: &mut MfaGuards) {
    let mut slips_past = Vec::new();
    let mut depends_on = Vec::new();
    for absence in MfaAbsence::ALL {
        let situation = Situation::Direct(absence);
        match conditions_truth(guard, situation, |_| true) {
            Truth::Yes => {}
            Truth::Maybe => {
                for condition in &guard.conditions {
                    let undecided =
                        conditions_truth(guard, situation, |other| std::ptr::eq(other, condition))
                            == Truth::Maybe;
                    if undecided && !depends_on.contains(&condition.key) {
                        depends_on.push(condition.key.clone());
                    }
                }
            }
            Truth::No => {
                let closed = document
                    .statements
                    .iter()
                    .any(|other| closes_gap(other, guard, situation));
                if !closed {
                    slips_past.push(absence);
                }
            }
        }
    }
    let reference = StatementRef::of(guard);
    let Some(first_mode) = slips_past.first().copied() else {
        let condition_words = if depends_on.is_empty() {
            String::new()
        } else {
            let keys: Vec<String> = depends_on
                .iter()
                .map(|key| match key_source(&key.to_lowercase()) {
                    KeySource::Principal => format!("{key} (a property of the principal)"),
                    KeySource::Requester | KeySource::Aws => {
                        format!("{key} (chosen by the requester)")
                    }
                })
                .collect();
            format!(" that meets its conditions on {}", keys.join(" and "))
        };
        guards.effective.push(EffectiveMfaGuard {
            message: format!(
                "{reference} denies every direct request without MFA{condition_words}, with {}",
                describe_modes(&MfaAbsence::ALL, " and with ")
            ),
            statement: reference,
            depends_on,
        });
        return;
    };
    let Some(failing) = first_failing_condition(guard, Situation::Direct(first_mode), |_| true)
    else {
        return;
    };
    let condition = format!("{} {}", failing.operator, failing.key);
    let fact = if slips_past.len() == MfaAbsence::ALL.len() {
        format!(
            "is meant to deny requests without MFA but applies to none of them, neither with {}",
            describe_modes(&slips_past, " nor with ")
        )
    } else {
        format!(
            "denies requests without MFA but does not apply to {}",
            describe_modes(&slips_past, " or ")
        )
    };
    guards.ineffective.push(IneffectiveMfaGuard {
        message: format!(
            "{reference} {fact}: {condition} {:?} {}",
            failing.values,
            why_it_fails(failing, first_mode)
        ),
        fix: fix_for(failing),
        problem: GuardProblem::MissesMfaLessRequests,
        condition,
        slips_past,
        statement: reference,
    });
}

fn describe_modes(modes: &[MfaAbsence], separator: &str) -> String {
    modes
        .iter()
        .map(|mode| mode.describe())
        .collect::<Vec<_>>()
        .join(separator)
}

/// Does `other` deny, in `situation`, everything `guard` was meant to deny there? Its
/// conditions other than the guard's own must hold for every such request.
fn closes_gap(other: &Statement, guard: &Statement, situation: Situation) -> bool {
    other.effect == Effect::Deny
        && !std::ptr::eq(other, guard)
        && conditions_truth(other, situation, |_| true) != Truth::No
        && conditions_truth(other, situation, |condition| {
            !guard.conditions.contains(condition)
        }) == Truth::Yes
        && other.actions.covers(&guard.actions)
        && other.resources.covers(&guard.resources)
}

fn why_it_fails(condition: &Condition, mode: MfaAbsence) -> String {
    let key = condition.lowercase_key();
    if is_mfa_key(key) {
        let key_absent = mode == MfaAbsence::LongTermAccessKeys || key == MFA_AGE_KEY;
        let words = if condition.operator.kind == OperatorKind::Null {
            "only matches when the key is absent, but it is present (false) for temporary credentials obtained without MFA"
        } else if key_absent {
            "is false when the key is absent, as it is for long-term access keys and whenever MFA was not used"
        } else {
            "does not match the value false that temporary credentials without MFA carry"
        };
        return words.to_owned();
    }
    let states: Vec<String> = possible_states(key, Situation::Direct(mode))
        .iter()
        .map(|state| match state {
            KeyState::Absent => "absent".to_owned(),
            KeyState::Value(value) => (*value).to_owned(),
            KeyState::Unknown => "set".to_owned(),
        })
        .collect();
    match key_source(key) {
        KeySource::Aws => format!(
            "cannot hold for a direct request: AWS sets {} to {} on every call the principal makes itself",
            condition.key,
            states.join(" or ")
        ),
        KeySource::Principal | KeySource::Requester => format!(
            "cannot hold: {} is {} for {}",
            condition.key,
            states.join(" or "),
            mode.describe()
        ),
    }
}

fn fix_for(condition: &Condition) -> String {
    let key = condition.lowercase_key();
    if key == MFA_AGE_KEY && condition.operator.kind != OperatorKind::Bool {
        return format!(
            "use {}IfExists on aws:MultiFactorAuthAge so an absent age also matches, or deny with {RECOMMENDED}",
            condition.operator.kind.name()
        );
    }
    if key == MFA_PRESENT_KEY && condition.operator.kind == OperatorKind::Null {
        return format!(
            "replace the Null check with {RECOMMENDED}, which matches both an absent key (long-term access keys) and false (temporary credentials without MFA)"
        );
    }
    if !is_mfa_key(key) {
        return format!(
            "remove the {} {} condition, which direct requests never meet, and deny with {RECOMMENDED}",
            condition.operator, condition.key
        );
    }
    format!(
        "use {RECOMMENDED}: it also matches when the key is absent, as it is for long-term access keys"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guards(statements: &str) -> Vec<IneffectiveMfaGuard> {
        judged(statements).ineffective
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
               {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}"#
        )
        .is_empty());
    }

    fn judged(statements: &str) -> MfaGuards {
        let document = PolicyDocument::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
        .expect("valid policy");
        mfa_guards(&document)
    }

    #[test]
    fn a_deny_on_mfa_true_is_an_inverted_guard() {
        for condition in [
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
            r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
        ] {
            let found = guards(&format!(
                r#"{{"Sid":"Inverted","Effect":"Deny","Action":"*","Resource":"*","Condition":{condition}}}"#
            ));
            assert_eq!(found.len(), 1, "{condition}");
            assert_eq!(found[0].problem, GuardProblem::DeniesOnlyMfaRequests);
            assert_eq!(found[0].slips_past, MfaAbsence::ALL);
            assert!(
                found[0]
                    .message
                    .contains("denies only requests made with MFA"),
                "{}",
                found[0].message
            );
            assert!(found[0].fix.contains("BoolIfExists"));
        }
    }

    #[test]
    fn the_recommended_guard_with_via_aws_service_is_effective_for_direct_calls() {
        let report = judged(
            r#"{"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:ListMFADevices","sts:GetSessionToken"],"Resource":"*",
                "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false","aws:ViaAWSService":"false"}}}"#,
        );
        assert!(report.ineffective.is_empty(), "{report:?}");
        assert_eq!(report.effective.len(), 1);
        assert!(report.effective[0].depends_on.is_empty());
        assert!(
            report.effective[0]
                .message
                .contains("denies every direct request without MFA, with long-term"),
            "{}",
            report.effective[0].message
        );
    }

    #[test]
    fn a_guard_only_for_forwarded_requests_misses_direct_calls() {
        let found = guards(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"},"Bool":{"aws:ViaAWSService":"true"}}}"#,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].slips_past, MfaAbsence::ALL);
        assert_eq!(found[0].condition, "Bool aws:ViaAWSService");
        assert!(
            found[0]
                .message
                .contains("AWS sets aws:ViaAWSService to false"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn requester_chosen_conditions_scope_an_effective_guard() {
        let report = judged(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"},"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
        );
        assert!(report.ineffective.is_empty());
        assert_eq!(report.effective[0].depends_on, ["aws:RequestedRegion"]);
        assert!(report.effective[0]
            .message
            .contains("that meets its conditions on aws:RequestedRegion"));
    }
}
