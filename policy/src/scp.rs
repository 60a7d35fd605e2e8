//! Service control policies: whether a member account's principals can perform an action, as
//! AWS Organizations decides it.
//!
//! ## SCP semantics ("SCP evaluation", AWS Organizations User Guide)
//! - SCPs apply at every level between the organization root and the account: the root, each
//!   OU on the account's path, and the account itself.
//! - At one level, an action is permitted when some SCP attached there allows it and none
//!   denies it. The `FullAWSAccess` policy that Organizations attaches by default is an ordinary
//!   `Allow * on *` and is evaluated like any other.
//! - The account may perform the action only when every level permits it: the levels are
//!   evaluated separately, then intersected. A Deny at any level stops it, and so does a level
//!   where nothing allows it (an "allow list" level).
//! - SCPs never apply to the management account; that is the caller's concern.
//!
//! ## The question asked
//! [`judge`] asks, for each *principal* the caller describes, whether **some** request for the
//! action on **some** resource of the action gets through every level. Like the MFA analysis
//! ([`crate::mfa`]), it is symbolic:
//! - **Resources.** An Allow counts when its resources may overlap the action's resources (an
//!   ARN pattern such as `arn:aws:cloudtrail:*:111122223333:trail/*`, or `*`). A Deny blocks only
//!   when its resources *cover* all of them: a Deny limited to `trail/aws-controltower-*` leaves
//!   the account's other trails open.
//! - **Conditions on the principal** ([`is_principal_key`]: `aws:PrincipalArn`,
//!   `aws:PrincipalTag/…`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:userid`, …) are
//!   evaluated exactly, against the principal's context. So a Deny that exempts a break-glass
//!   role (`"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}`) still blocks
//!   every principal it does not name, and a Deny that applies only to some principals
//!   (`ArnLike` on `…:role/Developer*`) does not block the others.
//! - **Conditions on any other key** (region, source IP, MFA, tags, `aws:ViaAWSService`…) are
//!   chosen by the requester: an Allow conditioned on them can apply, and a Deny conditioned on
//!   them can be avoided. This over-approximates what gets through — two Denies conditioned on
//!   complementary regions are each taken as avoidable — which errs towards reporting a gap a
//!   person can dismiss rather than hiding one.
//!
//! Denies that match the action but do not block a principal are returned as [`WeakDeny`]s with
//! the reason, so a report can say why an SCP that looks like a guardrail is not one.

use serde::Serialize;

use crate::condition::Condition;
use crate::context::RequestContext;
use crate::document::{Effect, ResourceElement, ResourcePattern, Statement};
use crate::eval::StatementRef;
use crate::mfa::NamedPolicy;
use crate::pattern::{Pattern, Syntax};

/// One level of the path from the organization root to the account, with the SCPs attached to
/// it.
#[derive(Debug, Clone, Copy)]
pub struct ScpLevel<'a> {
    /// How messages name the level: `root r-ab12`, `OU Prod (ou-ab12-cdef3456)`, `account
    /// 111122223333`.
    pub name: &'a str,
    pub policies: &'a [NamedPolicy<'a>],
}

/// A principal of the account whose requests are judged, described by the condition keys its
/// requests carry (only the keys [`is_principal_key`] names are read from it).
#[derive(Debug, Clone, Copy)]
pub struct ScpPrincipal<'a> {
    /// For messages: `an IAM role`.
    pub name: &'a str,
    pub context: &'a RequestContext,
}

/// How the levels decide one principal's requests for the action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum ScpDecision {
    /// Some request gets through: allowed at every level and denied at none.
    Permitted,
    /// The first level (from the root) that stops every request denies it with this statement.
    Denied {
        level: usize,
        policy: String,
        statement: StatementRef,
    },
    /// The first level (from the root) that stops every request has no SCP that allows it.
    NotAllowed { level: usize },
}

/// Why a Deny that matches the action does not stop a principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum WeakDenyReason {
    /// Its conditions on the principal do not hold for this one (it exempts it, or applies only
    /// to others): the first such condition's key.
    DoesNotApplyToPrincipal { key: String },
    /// Its resources do not cover every resource of the action: the patterns it names.
    PartialResources { resources: Vec<String> },
    /// It is conditioned on a key the requester chooses.
    AvoidableCondition { key: String },
}

/// A Deny statement that matches the action but does not stop the principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeakDeny {
    pub level: usize,
    pub policy: String,
    pub statement: StatementRef,
    #[serde(flatten)]
    pub reason: WeakDenyReason,
}

/// The verdict for one principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalVerdict {
    /// The [`ScpPrincipal::name`].
    pub principal: String,
    pub decision: ScpDecision,
    /// Denies that match the action but do not stop this principal, in level, policy and
    /// statement order.
    pub weak_denies: Vec<WeakDeny>,
}

/// Whether a (lowercased) condition key describes who makes the request rather than what the
/// request is: `aws:Principal…` (ARN, account, organization and its paths, tags, type, service
/// name), `aws:userid` and `aws:username`.
pub fn is_principal_key(lowercase_key: &str) -> bool {
    lowercase_key.starts_with("aws:principal")
        || lowercase_key == "aws:userid"
        || lowercase_key == "aws:username"
}

/// Judges `action` on `resources` (an ARN pattern, or `*` for actions without resource-level
/// permissions) for each principal, through `levels` in order from the root to the account.
pub fn judge(
    levels: &[ScpLevel<'_>],
    action: &str,
    resources: &str,
    principals: &[ScpPrincipal<'_>],
) -> Vec<PrincipalVerdict> {
    let action = action.to_lowercase();
    let target = ResourceElement::Resource(vec![ResourcePattern::new(Pattern::compile(
        resources,
        Syntax {
            wildcards: true,
            variables: false,
            lowercase: false,
        },
    ))]);
    principals
        .iter()
        .map(|principal| judge_principal(levels, &action, &target, principal))
        .collect()
}

fn judge_principal(
    levels: &[ScpLevel<'_>],
    lowercase_action: &str,
    target: &ResourceElement,
    principal: &ScpPrincipal<'_>,
) -> PrincipalVerdict {
    let mut decision = ScpDecision::Permitted;
    let mut weak_denies = Vec::new();
    for (level_index, level) in levels.iter().enumerate() {
        let mut allowed = false;
        let mut denied = None;
        for policy in level.policies {
            for statement in &policy.document.statements {
                if !statement.actions.matches_lowercase(lowercase_action) {
                    continue;
                }
                match statement.effect {
                    Effect::Allow => {
                        allowed |= overlaps(&statement.resources, target)
                            && failing_principal_condition(statement, principal.context).is_none();
                    }
                    Effect::Deny => match deny_weakness(statement, target, principal.context) {
                        None => {
                            denied
                                .get_or_insert_with(|| (policy.name, StatementRef::of(statement)));
                        }
                        Some(Weakness::Irrelevant) => {}
                        Some(Weakness::Weak(reason)) => weak_denies.push(WeakDeny {
                            level: level_index,
                            policy: policy.name.to_owned(),
                            statement: StatementRef::of(statement),
                            reason,
                        }),
                    },
                }
            }
        }
        if decision != ScpDecision::Permitted {
            continue;
        }
        if let Some((policy, statement)) = denied {
            decision = ScpDecision::Denied {
                level: level_index,
                policy: policy.to_owned(),
                statement,
            };
        } else if !allowed {
            decision = ScpDecision::NotAllowed { level: level_index };
        }
    }
    PrincipalVerdict {
        principal: principal.name.to_owned(),
        decision,
        weak_denies,
    }
}

enum Weakness {
    /// The Deny is about other resources altogether.
    Irrelevant,
    Weak(WeakDenyReason),
}

/// `None` when the Deny (whose action matches) stops every request of the principal.
fn deny_weakness(
    statement: &Statement,
    target: &ResourceElement,
    context: &RequestContext,
) -> Option<Weakness> {
    if !overlaps(&statement.resources, target) {
        return Some(Weakness::Irrelevant);
    }
    if let Some(condition) = failing_principal_condition(statement, context) {
        return Some(Weakness::Weak(WeakDenyReason::DoesNotApplyToPrincipal {
            key: condition.key.clone(),
        }));
    }
    if !statement.resources.covers(target) {
        let resources = match &statement.resources {
            ResourceElement::Resource(patterns) => patterns
                .iter()
                .map(|pattern| pattern.as_str().to_owned())
                .collect(),
            ResourceElement::NotResource(patterns) => patterns
                .iter()
                .map(|pattern| format!("all but {}", pattern.as_str()))
                .collect(),
            ResourceElement::Unspecified => Vec::new(),
        };
        return Some(Weakness::Weak(WeakDenyReason::PartialResources {
            resources,
        }));
    }
    if let Some(condition) = statement
        .conditions
        .iter()
        .find(|condition| !is_principal_key(condition.lowercase_key()))
    {
        return Some(Weakness::Weak(WeakDenyReason::AvoidableCondition {
            key: condition.key.clone(),
        }));
    }
    None
}

/// The first condition on a principal key that does not hold for `context`.
fn failing_principal_condition<'s>(
    statement: &'s Statement,
    context: &RequestContext,
) -> Option<&'s Condition> {
    statement
        .conditions
        .iter()
        .find(|condition| is_principal_key(condition.lowercase_key()) && !condition.holds(context))
}

/// Whether a statement's resources may include some of `target`'s.
fn overlaps(resources: &ResourceElement, target: &ResourceElement) -> bool {
    let ResourceElement::Resource(targets) = target else {
        return true;
    };
    targets.iter().any(|wanted| match resources {
        ResourceElement::Resource(patterns) => patterns
            .iter()
            .any(|pattern| pattern.pattern().may_overlap(wanted.pattern())),
        ResourceElement::NotResource(excluded) => !excluded
            .iter()
            .any(|pattern| wanted.pattern().covered_by(pattern.pattern(), true)),
        ResourceElement::Unspecified => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyDocument;

    const FULL_ACCESS: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    const TRAILS: &str = "arn:aws:cloudtrail:*:111122223333:trail/*";

    fn policy(text: &str) -> PolicyDocument {
        PolicyDocument::parse(text).expect("valid policy")
    }

    fn role_context() -> RequestContext {
        let mut context = RequestContext::new();
        context.insert(
            "aws:PrincipalArn",
            "arn:aws:iam::111122223333:role/ordinary",
        );
        context.insert("aws:PrincipalAccount", "111122223333");
        context.insert("aws:PrincipalType", "AssumedRole");
        context
    }

    /// Judges StopLogging for one role through levels given as lists of policy texts.
    fn stop_logging(levels: &[&[&str]]) -> PrincipalVerdict {
        let documents: Vec<Vec<PolicyDocument>> = levels
            .iter()
            .map(|texts| texts.iter().map(|text| policy(text)).collect())
            .collect();
        let names: Vec<Vec<String>> = documents
            .iter()
            .enumerate()
            .map(|(level, docs)| (0..docs.len()).map(|i| format!("p{level}{i}")).collect())
            .collect();
        let named: Vec<Vec<NamedPolicy<'_>>> = documents
            .iter()
            .zip(&names)
            .map(|(docs, names)| {
                docs.iter()
                    .zip(names)
                    .map(|(document, name)| NamedPolicy { name, document })
                    .collect()
            })
            .collect();
        let level_names: Vec<String> = (0..levels.len()).map(|i| format!("level {i}")).collect();
        let scp_levels: Vec<ScpLevel<'_>> = named
            .iter()
            .zip(&level_names)
            .map(|(policies, name)| ScpLevel { name, policies })
            .collect();
        let context = role_context();
        let principal = ScpPrincipal {
            name: "a role",
            context: &context,
        };
        judge(&scp_levels, "cloudtrail:StopLogging", TRAILS, &[principal])
            .pop()
            .expect("one verdict per principal")
    }

    #[test]
    fn full_access_everywhere_permits() {
        let verdict = stop_logging(&[&[FULL_ACCESS], &[FULL_ACCESS]]);
        assert_eq!(verdict.decision, ScpDecision::Permitted);
        assert!(verdict.weak_denies.is_empty());
    }

    #[test]
    fn a_deny_at_any_level_stops_it() {
        let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoStop","Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*"}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS], &[FULL_ACCESS, deny], &[FULL_ACCESS]]);
        assert_eq!(
            verdict.decision,
            ScpDecision::Denied {
                level: 1,
                policy: "p11".into(),
                statement: StatementRef {
                    index: 0,
                    sid: Some("NoStop".into())
                }
            }
        );
    }

    #[test]
    fn a_level_without_an_allow_stops_it_even_when_others_allow() {
        let allow_ec2 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS], &[allow_ec2], &[FULL_ACCESS]]);
        assert_eq!(verdict.decision, ScpDecision::NotAllowed { level: 1 });
        // No SCP at a level is no allow either.
        assert_eq!(
            stop_logging(&[&[FULL_ACCESS], &[]]).decision,
            ScpDecision::NotAllowed { level: 1 }
        );
    }

    #[test]
    fn an_allow_and_a_deny_at_one_level_is_a_deny() {
        let deny_all_trails = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:*","Resource":"arn:aws:cloudtrail:*:*:trail/*"}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS, deny_all_trails]]);
        assert!(matches!(
            verdict.decision,
            ScpDecision::Denied { level: 0, .. }
        ));
    }

    #[test]
    fn a_deny_that_exempts_a_break_glass_role_is_a_guardrail_for_others() {
        let exempting = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*",
            "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS, exempting]]);
        assert!(matches!(verdict.decision, ScpDecision::Denied { .. }));

        // One that exempts every role is not.
        let exempting_roles = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*",
            "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS, exempting_roles]]);
        assert_eq!(verdict.decision, ScpDecision::Permitted);
        assert_eq!(
            verdict.weak_denies[0].reason,
            WeakDenyReason::DoesNotApplyToPrincipal {
                key: "aws:PrincipalArn".into()
            }
        );
    }

    #[test]
    fn a_deny_for_some_principals_only_does_not_stop_the_others() {
        let developers_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*",
            "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Developer*"}}}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS, developers_only]]);
        assert_eq!(verdict.decision, ScpDecision::Permitted);
    }

    #[test]
    fn a_deny_conditioned_on_what_the_requester_chooses_is_avoidable() {
        let region = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","organizations:*"],"Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS, region]]);
        assert_eq!(verdict.decision, ScpDecision::Permitted);
        assert_eq!(
            verdict.weak_denies[0].reason,
            WeakDenyReason::AvoidableCondition {
                key: "aws:RequestedRegion".into()
            }
        );
    }

    #[test]
    fn a_deny_on_some_trails_leaves_the_others_open() {
        let control_tower = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail"],
            "Resource":["arn:aws:cloudtrail:*:*:trail/aws-controltower-*"]}]}"#;
        let verdict = stop_logging(&[&[FULL_ACCESS, control_tower]]);
        assert_eq!(verdict.decision, ScpDecision::Permitted);
        assert_eq!(
            verdict.weak_denies[0].reason,
            WeakDenyReason::PartialResources {
                resources: vec!["arn:aws:cloudtrail:*:*:trail/aws-controltower-*".into()]
            }
        );
        // A Deny on other resource types is not about trails at all.
        let buckets = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::logs/*"}]}"#;
        assert!(stop_logging(&[&[FULL_ACCESS, buckets]])
            .weak_denies
            .is_empty());
    }

    #[test]
    fn conditions_on_the_principal_of_an_allow_are_decided_and_others_taken_as_met() {
        let this_account_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:PrincipalAccount":"999999999999"}}}]}"#;
        assert_eq!(
            stop_logging(&[&[this_account_only]]).decision,
            ScpDecision::NotAllowed { level: 0 }
        );
        let in_region = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#;
        assert_eq!(
            stop_logging(&[&[in_region]]).decision,
            ScpDecision::Permitted
        );
    }

    #[test]
    fn principal_keys() {
        for key in [
            "aws:principalarn",
            "aws:principaltag/team",
            "aws:principalorgpaths",
            "aws:userid",
        ] {
            assert!(is_principal_key(key), "{key}");
        }
        for key in [
            "aws:requestedregion",
            "aws:multifactorauthpresent",
            "aws:sourceip",
        ] {
            assert!(!is_principal_key(key), "{key}");
        }
    }
}
