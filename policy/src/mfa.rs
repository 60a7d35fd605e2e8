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
//! - Conditions are decided by who sets their key ([`crate::global_keys`]): keys AWS sets from
//!   the request's provenance (the MFA keys, `aws:ViaAWSService`, `aws:PrincipalIsAWSService`,
//!   `aws:CalledVia*`, the service-principal keys) exactly, with the condition evaluator;
//!   keys the requester chooses (source IP, region, tags, VPC endpoint, time...) and principal
//!   properties the engine does not know (`aws:PrincipalTag/...`) as open: an Allow conditioned
//!   on them *can* apply, a Deny conditioned on them *can be avoided*. That over-approximates
//!   what is allowed (an Allow requiring region `us-east-1` next to a Deny for region
//!   `us-east-1` is reported although no request satisfies both), which for an audit errs on
//!   the side of a finding a person can dismiss rather than a gap nobody sees. Role-session
//!   keys (`aws:TokenIssueTime`, `aws:SourceIdentity`, ...) are absent with long-term keys.
//! - Actions are concrete (each catalogue entry), so `Action`/`NotAction` are matched exactly,
//!   case-insensitively.
//! - Resources are not known. An Allow counts when its `Resource`/`NotResource` could match a
//!   resource of one of the action's resource types in the Service Authorization Reference
//!   ([`crate::resource_types`]): `arn:aws:s3:::logs/*` grants `s3:GetObject`, not
//!   `s3:DeleteBucket`. An action the table does not know may apply to any resource. A Deny
//!   blocks that Allow only when its resources *cover* everything the Allow names
//!   (`Resource: "*"` covers all; `arn:aws:s3:::logs/*` does not cover `*`). Coverage is proven
//!   pattern by pattern; when it cannot be proven the Deny is taken not to block.
//! - Denies from every policy in the set apply to Allows from every policy in it, as IAM
//!   combines all the identity's policies ("Policy evaluation logic").
//!
//! ## Requests an AWS service makes for the principal
//! A Deny that holds only for direct calls (it requires `aws:ViaAWSService` `false`, as AWS's
//! recommended MFA guard does) does not stop a forward-access-session request, where a service
//! acts for the principal after a direct call to it ("Forward access sessions"). Such a request
//! needs that first direct call to be allowed. So an action a Deny blocks only for direct calls
//! is still reported, as reachable through an AWS service ([`MfaGrant::through_aws_service`]),
//! when the identity may call, without MFA and without a Deny, some action outside IAM and STS
//! (IAM and STS answer from their own data and make no request to another service for the
//! caller), and an Allow applies to the forwarded request. Which service forwards to which is
//! not modelled: any such direct call is taken to open the path.

use std::sync::LazyLock;

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::context::RequestContext;
use crate::document::{
    ActionElement, ActionPattern, Effect, PolicyDocument, ResourceElement, Statement,
};
use crate::eval::StatementRef;
use crate::global_keys::{conditions_truth, Situation, Truth};
use crate::resource_types::{FormatAnswers, ResourceTypeTable};

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
    /// Of `modes`, those in which a Deny stops the direct call but not the same request made
    /// by an AWS service acting for the principal (see the module documentation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub through_aws_service: Vec<MfaAbsence>,
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

/// The requests the analysis judges, by index: direct calls in each [`MfaAbsence`] mode, then
/// a request an AWS service forwards for the principal.
const SITUATIONS: [Situation; 3] = [
    Situation::Direct(MfaAbsence::LongTermAccessKeys),
    Situation::Direct(MfaAbsence::TemporaryCredentialsWithoutMfa),
    Situation::ViaAwsService,
];
const FORWARDED: usize = 2;

/// One statement with what the analysis needs precomputed.
struct Analysed<'a> {
    policy: &'a str,
    statement: &'a Statement,
    /// Per [`SITUATIONS`]: an Allow *can* apply, a Deny *surely* applies.
    applies: [bool; 3],
    /// `Resource` includes `*`.
    every_resource: bool,
}

/// For the identity whose policies are `policies`, every catalogue action allowed without MFA,
/// in catalogue order, with the statements that allow it and in which absence mode(s).
pub fn analyse(policies: &[NamedPolicy<'_>], catalogue: &Catalogue) -> Vec<MfaGap> {
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    for policy in policies {
        for statement in &policy.document.statements {
            let truths =
                SITUATIONS.map(|situation| conditions_truth(statement, situation, |_| true));
            let applies = match statement.effect {
                Effect::Allow => truths.map(|truth| truth != Truth::No),
                // A Deny the requester can avoid by choosing another key value never blocks.
                Effect::Deny => truths.map(|truth| truth == Truth::Yes),
            };
            if !applies.contains(&true) {
                continue;
            }
            let analysed = Analysed {
                policy: policy.name,
                statement,
                applies,
                every_resource: matches!(statement.resources, ResourceElement::Resource(_))
                    && statement.resources.matches_every_resource(),
            };
            match statement.effect {
                Effect::Allow => allows.push(analysed),
                Effect::Deny => denies.push(analysed),
            }
        }
    }

    // Whether deny d covers allow a's resources, computed at most once per pair: the same
    // pair meets again for every catalogue action both match.
    let mut covers: Vec<Option<bool>> = vec![None; allows.len() * denies.len()];
    let mut deny_covers = |allow_index: usize, deny_index: usize| {
        *covers[allow_index * denies.len() + deny_index].get_or_insert_with(|| {
            denies[deny_index]
                .statement
                .resources
                .covers(&allows[allow_index].statement.resources)
        })
    };
    let forwarding_possible = [0, 1].map(|mode| {
        allows.iter().enumerate().any(|(allow_index, allow)| {
            allow.applies[mode]
                && may_start_forwarded_requests(
                    allow.statement,
                    denies
                        .iter()
                        .enumerate()
                        .filter(|(deny_index, deny)| {
                            deny.applies[mode] && deny_covers(allow_index, *deny_index)
                        })
                        .map(|(_, deny)| deny.statement),
                )
        })
    });

    let table = ResourceTypeTable::builtin();
    let mut format_answers = FormatAnswers::default();
    let mut gaps = Vec::new();
    let mut matching_denies = Vec::with_capacity(denies.len());
    for (sensitive, lowercase_action) in catalogue.entries() {
        let resource_types = table.action_lowercase(lowercase_action);
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
            // `Resource: "*"` matches every ARN and `*` itself: no type can rule it out.
            if !allow.statement.actions.matches_lowercase(lowercase_action)
                || !(allow.every_resource
                    || resource_types.is_none_or(|types| {
                        types.may_be_granted_with(&allow.statement.resources, &mut format_answers)
                    }))
            {
                continue;
            }
            let mut blocked = |situation: usize| {
                matching_denies.iter().any(|&deny_index| {
                    denies[deny_index].applies[situation] && deny_covers(allow_index, deny_index)
                })
            };
            let forwarded_allowed = allow.applies[FORWARDED] && !blocked(FORWARDED);
            let mut modes = Vec::new();
            let mut through_aws_service = Vec::new();
            for (mode_index, absence) in MfaAbsence::ALL.into_iter().enumerate() {
                let direct = allow.applies[mode_index] && !blocked(mode_index);
                let forwarded = !direct && forwarding_possible[mode_index] && forwarded_allowed;
                if direct || forwarded {
                    modes.push(absence);
                }
                if forwarded {
                    through_aws_service.push(absence);
                }
            }
            if !modes.is_empty() {
                grants.push(MfaGrant {
                    policy: allow.policy.to_owned(),
                    statement: StatementRef::of(allow.statement),
                    modes,
                    through_aws_service,
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

/// Could `allow` let the principal call directly, past every Deny in `blocking` (those that
/// apply to the call and cover the Allow's resources), an action outside IAM and STS, which an
/// AWS service might continue with forward-access-session requests? "No" only when proven
/// statement by statement: each granted action pattern is IAM's or STS's, or one Deny covers
/// it, or the only actions a `NotAction` Deny leaves are IAM's and STS's.
fn may_start_forwarded_requests<'a>(
    allow: &Statement,
    blocking: impl Iterator<Item = &'a Statement>,
) -> bool {
    let blocking: Vec<&Statement> = blocking.collect();
    let leaves_only_identity_actions = |deny: &Statement| match &deny.actions {
        ActionElement::Action(denied) => denied.iter().any(ActionPattern::matches_every_action),
        ActionElement::NotAction(exempt) => exempt.iter().all(is_identity_service_pattern),
    };
    match &allow.actions {
        ActionElement::Action(granted) => granted.iter().any(|pattern| {
            !is_identity_service_pattern(pattern)
                && !blocking.iter().any(|deny| match &deny.actions {
                    ActionElement::Action(denied) => denied
                        .iter()
                        .any(|d| pattern.pattern().covered_by(d.pattern(), false)),
                    ActionElement::NotAction(exempt) => exempt.iter().all(|e| {
                        is_identity_service_pattern(e)
                            || !pattern.pattern().may_overlap(e.pattern())
                    }),
                })
        }),
        ActionElement::NotAction(_) => !blocking
            .iter()
            .any(|deny| leaves_only_identity_actions(deny)),
    }
}

/// Whether an action pattern names only IAM or STS actions (`iam:*`, `sts:GetSessionToken`).
fn is_identity_service_pattern(pattern: &ActionPattern) -> bool {
    pattern
        .as_str()
        .split_once(':')
        .is_some_and(|(service, _)| {
            service.eq_ignore_ascii_case("iam") || service.eq_ignore_ascii_case("sts")
        })
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

    /// One policy named `p`.
    fn alone(document: &PolicyDocument) -> [NamedPolicy<'_>; 1] {
        [NamedPolicy {
            name: "p",
            document,
        }]
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
    fn statements_grant_only_the_resource_types_they_name() {
        let doc = document(
            r#"{"Effect":"Allow","Action":["s3:*","dynamodb:DeleteTable"],"Resource":"arn:aws:s3:::bucket/*"}"#,
        );
        let policies = alone(&doc);
        // Bucket actions act on buckets; an action the table does not know keeps "any
        // resource".
        assert_eq!(
            summary(
                &policies,
                &["s3:PutBucketPolicy", "s3:PutObject", "dynamodb:DeleteTable"]
            ),
            [
                ("s3:PutObject".to_owned(), BOTH.to_vec()),
                ("dynamodb:DeleteTable".to_owned(), BOTH.to_vec())
            ]
        );
    }

    #[test]
    fn a_guard_for_direct_calls_only_leaves_the_path_through_a_service() {
        let guard = |action: &str| {
            document(&format!(
                r#"{{"Effect":"Allow","Action":"*","Resource":"*"}},
                   {{"Effect":"Deny",{action},"Resource":"*","Condition":{{"BoolIfExists":{{"aws:MultiFactorAuthPresent":"false","aws:ViaAWSService":"false"}}}}}}"#
            ))
        };
        // Everything but IAM/STS self-service is denied: no direct call can start a
        // forwarded request.
        let closed = guard(r#""NotAction":["iam:ListMFADevices","sts:GetSessionToken"]"#);
        let policies = alone(&closed);
        assert!(summary(&policies, &["iam:CreateUser", "kms:DisableKey"]).is_empty());
        // Only IAM is denied: a direct call to another service can forward IAM calls.
        let open = guard(r#""Action":"iam:*""#);
        let policies = alone(&open);
        let gaps = analyse(&policies, &catalogue(&["iam:CreateUser", "kms:DisableKey"]));
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].grants[0].through_aws_service, BOTH);
        assert!(gaps[1].grants[0].through_aws_service.is_empty());
    }

    #[test]
    fn keys_aws_sets_are_decided_exactly() {
        let doc = document(
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:ViaAWSService":"true"}}},
               {"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"Null":{"aws:SourceArn":"false"}}},
               {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}"#,
        );
        let policies = alone(&doc);
        // kms: aws:SourceArn is never in an IAM principal's request; s3: the session key is
        // absent with long-term keys; iam: only forwarded requests, which need a direct call to
        // start them, and only temporary credentials may call S3 directly.
        assert_eq!(
            summary(
                &policies,
                &["iam:CreateUser", "kms:DisableKey", "s3:PutBucketPolicy"]
            ),
            [
                ("iam:CreateUser".to_owned(), vec![TEMPORARY]),
                ("s3:PutBucketPolicy".to_owned(), vec![TEMPORARY])
            ]
        );
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
