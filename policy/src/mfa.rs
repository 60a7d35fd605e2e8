//! Which sensitive actions an identity's policies allow when MFA is absent.
//!
//! ## The two ways MFA can be absent
//! "AWS global condition context keys" (`aws:MultiFactorAuthPresent`) describes them:
//! - **Long-term access keys** ([`MfaAbsence::LongTermAccessKeys`]): requests signed with an IAM
//!   user's access key carry *no* `aws:MultiFactorAuthPresent` key at all.
//! - **Temporary credentials obtained without MFA**
//!   ([`MfaAbsence::TemporaryCredentialsWithoutMfa`]): the key is present with the value
//!   `false` (e.g. `sts:GetSessionToken` or an assumed role without an MFA code).
//!
//! In both, `aws:MultiFactorAuthAge` is absent (it exists only when MFA was used). A policy
//! guard has to handle both: `"Bool": {"aws:MultiFactorAuthPresent": "false"}` in a Deny only
//! matches the second, which is what [`crate::lint::ineffective_mfa_guards`] reports.
//!
//! ## What is asked of each policy statement
//! The analysis is symbolic: it does not pick one request but asks whether *some* request an
//! attacker holding MFA-less credentials could make is allowed.
//! - Conditions on the MFA keys are decided exactly, with the condition evaluator, against a
//!   context that holds only what the absence mode fixes.
//! - Every other condition key (source IP, region, tags, VPC endpoint, time...) is treated as
//!   chosen by the requester: an Allow conditioned on them *can* apply (the attacker makes the
//!   request from the allowed network), and a Deny conditioned on them *can be avoided*. This
//!   over-approximates what is allowed — an Allow requiring region `us-east-1` next to a Deny for
//!   region `us-east-1` is reported although no request satisfies both — which for an audit
//!   errs on the side of a finding a person can dismiss rather than a gap nobody sees.
//! - Actions are concrete (each catalogue entry), so `Action`/`NotAction` are matched exactly,
//!   case-insensitively.
//! - Resources are not known, so an Allow on *any* resource counts ("can do it to something"),
//!   and a Deny blocks that Allow only when its resources *cover* everything the Allow grants
//!   (`Resource: "*"` covers all; `arn:aws:s3:::logs/*` does not cover `*`). Coverage is proven
//!   pattern by pattern; when it cannot be proven the Deny is taken not to block.
//! - Denies from every policy in the set apply to Allows from every policy in it, as IAM
//!   combines all the identity's policies ("Policy evaluation logic").

use std::sync::LazyLock;

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::context::RequestContext;
use crate::document::{Effect, PolicyDocument, Statement};
use crate::eval::StatementRef;

/// `aws:MultiFactorAuthPresent`, lowercased.
pub const MFA_PRESENT_KEY: &str = "aws:multifactorauthpresent";
/// `aws:MultiFactorAuthAge`, lowercased.
pub const MFA_AGE_KEY: &str = "aws:multifactorauthage";

/// Whether a (lowercased) condition key is one MFA decides.
pub fn is_mfa_key(lowercase_key: &str) -> bool {
    lowercase_key == MFA_PRESENT_KEY || lowercase_key == MFA_AGE_KEY
}

/// How a request can come without MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MfaAbsence {
    /// An IAM user's access key: `aws:MultiFactorAuthPresent` is not in the request.
    LongTermAccessKeys,
    /// Temporary credentials obtained without MFA: `aws:MultiFactorAuthPresent` is `false`.
    TemporaryCredentialsWithoutMfa,
}

impl MfaAbsence {
    pub const ALL: [MfaAbsence; 2] = [
        MfaAbsence::LongTermAccessKeys,
        MfaAbsence::TemporaryCredentialsWithoutMfa,
    ];

    /// The MFA keys a request carries in this mode (nothing else).
    pub fn context(self) -> RequestContext {
        self.shared_context().clone()
    }

    /// [`MfaAbsence::context`], built once.
    pub(crate) fn shared_context(self) -> &'static RequestContext {
        static CONTEXTS: LazyLock<[RequestContext; 2]> = LazyLock::new(|| {
            MfaAbsence::ALL.map(|absence| {
                let mut context = RequestContext::new();
                if absence == MfaAbsence::TemporaryCredentialsWithoutMfa {
                    context.insert("aws:MultiFactorAuthPresent", "false");
                }
                context
            })
        });
        &CONTEXTS[self as usize]
    }

    /// Stable kebab-case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            MfaAbsence::LongTermAccessKeys => "long-term-access-keys",
            MfaAbsence::TemporaryCredentialsWithoutMfa => "temporary-credentials-without-mfa",
        }
    }

    /// Words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            MfaAbsence::LongTermAccessKeys => {
                "long-term access keys (aws:MultiFactorAuthPresent absent)"
            }
            MfaAbsence::TemporaryCredentialsWithoutMfa => {
                "temporary credentials obtained without MFA (aws:MultiFactorAuthPresent = false)"
            }
        }
    }
}

/// The context of a request made right after an MFA sign-in, to tell guards (which let it
/// through) from Denies that block everyone.
pub(crate) fn fresh_mfa_context() -> &'static RequestContext {
    static CONTEXT: LazyLock<RequestContext> = LazyLock::new(|| {
        let mut context = RequestContext::new();
        context.insert("aws:MultiFactorAuthPresent", "true");
        context.insert("aws:MultiFactorAuthAge", "0");
        context
    });
    &CONTEXT
}

/// Do all of the statement's conditions on MFA keys hold in `context`? (Other conditions are
/// not looked at.)
pub(crate) fn mfa_conditions_hold(statement: &Statement, context: &RequestContext) -> bool {
    statement
        .conditions
        .iter()
        .filter(|condition| is_mfa_key(condition.lowercase_key()))
        .all(|condition| condition.holds(context))
}

pub(crate) fn has_mfa_conditions(statement: &Statement) -> bool {
    statement
        .conditions
        .iter()
        .any(|condition| is_mfa_key(condition.lowercase_key()))
}

pub(crate) fn has_other_conditions(statement: &Statement) -> bool {
    statement
        .conditions
        .iter()
        .any(|condition| !is_mfa_key(condition.lowercase_key()))
}

/// A policy with the name (or ARN) findings should point back to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NamedPolicy<'a> {
    pub name: &'a str,
    pub document: &'a PolicyDocument,
}

/// One statement that grants a sensitive action without MFA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaGrant {
    /// The [`NamedPolicy::name`] of the policy holding the statement.
    pub policy: String,
    pub statement: StatementRef,
    /// The absence modes in which this statement's Allow takes effect.
    pub modes: Vec<MfaAbsence>,
}

/// A sensitive action allowed without MFA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaGap {
    /// The catalogue's spelling of the action.
    pub action: String,
    pub category: String,
    /// Union of the grants' modes.
    pub modes: Vec<MfaAbsence>,
    /// Every statement that grants it, in policy then statement order.
    pub grants: Vec<MfaGrant>,
}

/// One statement with what the analysis needs precomputed.
struct Analysed<'a> {
    policy: &'a str,
    statement: &'a Statement,
    /// Per [`MfaAbsence::ALL`]: the statement's MFA conditions hold.
    mfa_holds: [bool; 2],
}

/// For the identity whose policies are `policies`, every catalogue action allowed without MFA,
/// in catalogue order, with the statements that allow it and in which absence mode(s).
pub fn analyse(policies: &[NamedPolicy<'_>], catalogue: &Catalogue) -> Vec<MfaGap> {
    let contexts = MfaAbsence::ALL.map(MfaAbsence::shared_context);
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    for policy in policies {
        for statement in &policy.document.statements {
            let analysed = Analysed {
                policy: policy.name,
                statement,
                mfa_holds: contexts.map(|context| mfa_conditions_hold(statement, context)),
            };
            if !analysed.mfa_holds.contains(&true) {
                continue;
            }
            match statement.effect {
                Effect::Allow => allows.push(analysed),
                // A Deny the requester can avoid by choosing another key value never blocks.
                Effect::Deny if !has_other_conditions(statement) => denies.push(analysed),
                Effect::Deny => {}
            }
        }
    }

    // Whether deny d covers allow a's resources, computed at most once per pair: the same
    // pair meets again for every catalogue action both match.
    let mut covers: Vec<Option<bool>> = vec![None; allows.len() * denies.len()];
    let mut gaps = Vec::new();
    let mut matching_denies = Vec::with_capacity(denies.len());
    for (sensitive, lowercase_action) in catalogue.entries() {
        matching_denies.clear();
        matching_denies.extend(
            denies
                .iter()
                .enumerate()
                .filter(|(_, deny)| deny.statement.actions.matches_lowercase(lowercase_action))
                .map(|(index, _)| index),
        );
        let mut grants = Vec::new();
        for (allow_index, allow) in allows.iter().enumerate() {
            if !allow.statement.actions.matches_lowercase(lowercase_action) {
                continue;
            }
            let mut modes = Vec::new();
            for (mode_index, absence) in MfaAbsence::ALL.into_iter().enumerate() {
                if !allow.mfa_holds[mode_index] {
                    continue;
                }
                let blocked = matching_denies.iter().any(|&deny_index| {
                    let deny = &denies[deny_index];
                    deny.mfa_holds[mode_index]
                        && *covers[allow_index * denies.len() + deny_index].get_or_insert_with(
                            || deny.statement.resources.covers(&allow.statement.resources),
                        )
                });
                if !blocked {
                    modes.push(absence);
                }
            }
            if !modes.is_empty() {
                grants.push(MfaGrant {
                    policy: allow.policy.to_owned(),
                    statement: StatementRef::of(allow.statement),
                    modes,
                });
            }
        }
        if grants.is_empty() {
            continue;
        }
        let mut modes: Vec<MfaAbsence> = grants
            .iter()
            .flat_map(|grant| grant.modes.iter().copied())
            .collect();
        modes.sort();
        modes.dedup();
        gaps.push(MfaGap {
            action: sensitive.name.clone(),
            category: sensitive.category.clone(),
            modes,
            grants,
        });
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(actions: &[&str]) -> Catalogue {
        let mut text = String::new();
        for action in actions {
            text.push_str(&format!(
                "[[action]]\nname = \"{action}\"\ncategory = \"test\"\n"
            ));
        }
        Catalogue::from_toml(&text).expect("valid catalogue")
    }

    fn document(statements: &str) -> PolicyDocument {
        PolicyDocument::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
        .expect("valid policy")
    }

    /// action -> modes, for compact assertions.
    fn summary(policies: &[NamedPolicy<'_>], actions: &[&str]) -> Vec<(String, Vec<MfaAbsence>)> {
        analyse(policies, &catalogue(actions))
            .into_iter()
            .map(|gap| (gap.action, gap.modes))
            .collect()
    }

    const BOTH: [MfaAbsence; 2] = MfaAbsence::ALL;
    const LONG_TERM: MfaAbsence = MfaAbsence::LongTermAccessKeys;
    const TEMPORARY: MfaAbsence = MfaAbsence::TemporaryCredentialsWithoutMfa;

    #[test]
    fn unconditional_allow_is_a_gap_in_both_modes() {
        let doc =
            document(r#"{"Sid":"Keys","Effect":"Allow","Action":"iam:*AccessKey","Resource":"*"}"#);
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        let gaps = analyse(
            &policies,
            &catalogue(&["iam:CreateAccessKey", "iam:PassRole"]),
        );
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].action, "iam:CreateAccessKey");
        assert_eq!(gaps[0].modes, BOTH);
        assert_eq!(gaps[0].grants[0].policy, "p");
        assert_eq!(gaps[0].grants[0].statement.sid.as_deref(), Some("Keys"));
    }

    #[test]
    fn allow_requiring_mfa_is_no_gap() {
        let doc = document(
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        );
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        assert!(summary(&policies, &["iam:PassRole"]).is_empty());
    }

    #[test]
    fn bool_deny_guard_misses_long_term_keys() {
        let doc = document(
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},
               {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#,
        );
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        assert_eq!(
            summary(&policies, &["iam:PassRole"]),
            [("iam:PassRole".to_owned(), vec![LONG_TERM])]
        );
    }

    #[test]
    fn null_deny_guard_misses_temporary_credentials() {
        let doc = document(
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},
               {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        );
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        assert_eq!(
            summary(&policies, &["iam:PassRole"]),
            [("iam:PassRole".to_owned(), vec![TEMPORARY])]
        );
    }

    #[test]
    fn bool_if_exists_guard_in_another_policy_blocks_both() {
        let allow = document(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        let guard = document(
            r#"{"Effect":"Deny","NotAction":["iam:ListMFADevices"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#,
        );
        let policies = [
            NamedPolicy {
                name: "admin",
                document: &allow,
            },
            NamedPolicy {
                name: "force-mfa",
                document: &guard,
            },
        ];
        assert!(summary(&policies, &["iam:PassRole"]).is_empty());
    }

    #[test]
    fn a_deny_on_other_keys_can_be_avoided_and_an_allow_on_them_can_apply() {
        let doc = document(
            r#"{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
               {"Effect":"Deny","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
        );
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        assert_eq!(
            summary(&policies, &["kms:DisableKey"]),
            [("kms:DisableKey".to_owned(), BOTH.to_vec())]
        );
    }

    #[test]
    fn a_deny_blocks_only_what_it_covers() {
        let doc = document(
            r#"{"Sid":"Buckets","Effect":"Allow","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"},
               {"Sid":"Scoped","Effect":"Allow","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::logs-*"},
               {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::logs-*"}"#,
        );
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        let gaps = analyse(&policies, &catalogue(&["s3:DeleteBucket"]));
        assert_eq!(gaps.len(), 1);
        let sids: Vec<_> = gaps[0]
            .grants
            .iter()
            .map(|g| g.statement.sid.clone())
            .collect();
        assert_eq!(sids, [Some("Buckets".to_owned())]);
    }

    #[test]
    fn mfa_age_is_absent_without_mfa() {
        let doc = document(
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}},
               {"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}}"#,
        );
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        let gaps = analyse(&policies, &catalogue(&["iam:PassRole", "iam:CreateUser"]));
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].action, "iam:PassRole");
        assert_eq!(gaps[0].grants[0].statement.index, 1);
    }

    #[test]
    fn not_action_allow_grants_everything_else() {
        let doc = document(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
        let policies = [NamedPolicy {
            name: "p",
            document: &doc,
        }];
        assert_eq!(
            summary(&policies, &["iam:PassRole", "kms:DisableKey"]),
            [("kms:DisableKey".to_owned(), BOTH.to_vec())]
        );
    }
}
