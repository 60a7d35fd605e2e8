//! The global condition keys, classified by who decides their value, and the symbolic requests
//! the MFA analyses reason about.
//!
//! "AWS global condition context keys" (IAM User Guide) describes, for each key, when AWS puts it
//! in the request context and with what value. That decides what a policy analysis may assume
//! about a request sent by someone holding MFA-less credentials:
//! - [`KeySource::Requester`]: the requester picks the value by how, where, when and on what
//!   they send the request (`aws:SourceIp`, `aws:RequestedRegion`, `aws:ResourceTag/...`,
//!   service-specific keys, and every key not listed here). Nothing is assumed: a condition on
//!   such a key may hold or not.
//! - [`KeySource::Aws`]: AWS sets the value from the request's provenance, the same for every
//!   direct call of an IAM principal: `aws:ViaAWSService` is `false` ("the principal makes the
//!   call directly"), `aws:PrincipalIsAWSService` is `false`, `aws:CalledVia*` and the
//!   service-principal keys (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalServiceName`,
//!   ...) are absent. The MFA keys belong here too: their presence and value follow from the
//!   credentials (see [`crate::mfa`]). These are decided exactly.
//! - [`KeySource::Principal`]: fixed by the identity and its session (`aws:PrincipalArn`,
//!   `aws:PrincipalTag/...`, `aws:TokenIssueTime`, `aws:SourceIdentity`, the EC2 instance
//!   credential keys, ...). The engine does not know the principal's values, so a condition on
//!   them may hold or not, except where the credentials decide presence: the role-session keys
//!   are absent from requests signed with an IAM user's long-term access keys.
//!
//! `policy/README.md` lists every key with its class and the documentation's words behind it.

use serde::Serialize;

use crate::condition::{Condition, OperatorKind};
use crate::context::RequestContext;
use crate::document::Statement;
use crate::mfa::MfaAbsence;

/// Who decides a condition key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeySource {
    /// The requester, by choosing how and what to request.
    Requester,
    /// AWS, from the request's provenance.
    Aws,
    /// The principal's identity and session, fixed before the request.
    Principal,
}

/// A request the symbolic analyses consider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Situation {
    /// A call the principal makes itself, with MFA-less credentials.
    Direct(MfaAbsence),
    /// A direct call right after an MFA sign-in (to tell MFA guards from other Denies).
    FreshMfa,
    /// A forward-access-session request: an AWS service acting for the principal after an
    /// MFA-less direct call ("Forward access sessions"). `aws:ViaAWSService` is `true`, the
    /// `aws:CalledVia*` keys name the services, and `aws:MultiFactorAuthPresent` is `false`:
    /// "the service re-uses the user's credentials to make another request ... AWS uses
    /// temporary credentials" (`aws:MultiFactorAuthPresent`).
    ViaAwsService,
}

/// What one key can be in a [`Situation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyState {
    Absent,
    /// Present with this value.
    Value(&'static str),
    /// Present with a value this analysis does not know (the requester's or the principal's).
    Unknown,
}

use KeyState::{Absent, Unknown, Value};

/// Present or absent, value unknown.
const ANYTHING: &[KeyState] = &[Unknown, Absent];
const UNKNOWN: &[KeyState] = &[Unknown];
const ABSENT: &[KeyState] = &[Absent];
const FALSE: &[KeyState] = &[Value("false")];
const TRUE: &[KeyState] = &[Value("true")];
const ABSENT_OR_FALSE: &[KeyState] = &[Absent, Value("false")];

/// Keys of the "Properties of a role session" section whose presence depends on how the session
/// was made: absent with an IAM user's long-term access keys, possibly present otherwise.
const ROLE_SESSION_KEYS: &[&str] = &[
    "aws:assumedroot",
    "aws:federatedprovider",
    "aws:tokenissuetime",
    "aws:signinsessionarn",
    "aws:chatbotsourcearn",
    "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4",
    "aws:sourceidentity",
    "ec2:roledelivery",
    "ec2:sourceinstancearn",
    "glue:roleassumedby",
    "glue:credentialissuingservice",
    "codebuild:buildarn",
    "codebuild:projectarn",
    "lambda:sourcefunctionarn",
    "ssm:sourceinstancearn",
    "identitystore:userid",
];

/// Keys of the "Properties of the principal" section, and their tag family.
const PRINCIPAL_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgpaths",
    "aws:principalorgid",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
];

/// Keys present only when an AWS service principal calls (or forwards a resource's identity):
/// never in an IAM principal's request.
const SERVICE_PRINCIPAL_KEYS: &[&str] = &[
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// Keys naming the services in a chain of forwarded requests: absent from direct calls.
const CALLED_VIA_KEYS: &[&str] = &[
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:calledviaawsmcp",
];

/// Who decides the value of `lowercase_key`.
pub fn key_source(lowercase_key: &str) -> KeySource {
    if crate::mfa::is_mfa_key(lowercase_key)
        || SERVICE_PRINCIPAL_KEYS.contains(&lowercase_key)
        || CALLED_VIA_KEYS.contains(&lowercase_key)
        || matches!(
            lowercase_key,
            "aws:viaawsservice"
                | "aws:viaawsmcpservice"
                | "aws:principalisawsservice"
                | "aws:ismcpserviceaction"
        )
    {
        KeySource::Aws
    } else if PRINCIPAL_KEYS.contains(&lowercase_key)
        || ROLE_SESSION_KEYS.contains(&lowercase_key)
        || lowercase_key.starts_with("aws:principaltag/")
    {
        KeySource::Principal
    } else {
        KeySource::Requester
    }
}

/// The states `lowercase_key` can be in, in `situation`.
pub(crate) fn possible_states(lowercase_key: &str, situation: Situation) -> &'static [KeyState] {
    use Situation::{Direct, FreshMfa, ViaAwsService};
    let long_term = situation == Direct(MfaAbsence::LongTermAccessKeys);
    match lowercase_key {
        // The credentials decide: absent for long-term access keys, false for temporary
        // credentials without MFA and for forwarded requests, true after an MFA sign-in.
        "aws:multifactorauthpresent" => match situation {
            Direct(MfaAbsence::LongTermAccessKeys) => ABSENT,
            Direct(MfaAbsence::TemporaryCredentialsWithoutMfa) | ViaAwsService => FALSE,
            FreshMfa => TRUE,
        },
        // "included in the request context only if the principal ... was authenticated using
        // MFA"; right after the sign-in it is 0 seconds.
        "aws:multifactorauthage" => match situation {
            FreshMfa => &[Value("0")],
            _ => ABSENT,
        },
        "aws:viaawsservice" => match situation {
            ViaAwsService => TRUE,
            _ => FALSE,
        },
        // "The request context key also returns false when the principal makes the call
        // directly", while its availability names only MCP requests: either.
        "aws:viaawsmcpservice" => match situation {
            ViaAwsService => ANYTHING,
            _ => ABSENT_OR_FALSE,
        },
        // True only when the MCP service authorizes one of its own actions.
        "aws:ismcpserviceaction" => ABSENT_OR_FALSE,
        // "set to false if the service uses the credentials of an IAM principal".
        "aws:principalisawsservice" => FALSE,
        key if CALLED_VIA_KEYS.contains(&key) => match situation {
            ViaAwsService => ANYTHING,
            _ => ABSENT,
        },
        key if SERVICE_PRINCIPAL_KEYS.contains(&key) => ABSENT,
        key if ROLE_SESSION_KEYS.contains(&key) => {
            if long_term {
                ABSENT
            } else {
                ANYTHING
            }
        }
        // Present in every signed request; the value is the principal's.
        "aws:principalarn" | "aws:principalaccount" | "aws:principaltype" | "aws:userid" => UNKNOWN,
        // Long-term access keys belong to an IAM user, whose requests always carry it.
        "aws:username" if long_term => UNKNOWN,
        _ => ANYTHING,
    }
}

/// Kleene truth: decided, or depending on what the requester or the principal brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    Yes,
    No,
    Maybe,
}

impl Truth {
    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Maybe,
        }
    }

    fn from_bool(value: bool) -> Truth {
        if value {
            Truth::Yes
        } else {
            Truth::No
        }
    }
}

/// Whether a condition holds, given a key state.
pub(crate) fn condition_truth(condition: &Condition, state: KeyState) -> Truth {
    match state {
        Absent => Truth::from_bool(condition.holds(&RequestContext::new())),
        // `Null` only looks at presence.
        Unknown if condition.operator.kind == OperatorKind::Null => {
            let mut context = RequestContext::new();
            context.insert(condition.lowercase_key(), "");
            Truth::from_bool(condition.holds(&context))
        }
        Unknown => Truth::Maybe,
        // A policy variable takes another key's value, which this state does not fix.
        Value(_) if condition.has_variables() => Truth::Maybe,
        Value(value) => {
            let mut context = RequestContext::new();
            context.insert(condition.lowercase_key(), value);
            Truth::from_bool(condition.holds(&context))
        }
    }
}

/// Whether the statement's conditions that pass `selected` all hold in `situation`: `Yes`
/// when they hold whatever the requester and the principal bring, `No` when they cannot hold,
/// `Maybe` otherwise. Conditions on one key are decided together, state by state; conditions on
/// different keys independently (the requester's choices are free).
pub(crate) fn conditions_truth(
    statement: &Statement,
    situation: Situation,
    selected: impl Fn(&Condition) -> bool,
) -> Truth {
    let conditions: Vec<&Condition> = statement
        .conditions
        .iter()
        .filter(|condition| selected(condition))
        .collect();
    let mut truth = Truth::Yes;
    for (index, condition) in conditions.iter().enumerate() {
        let key = condition.lowercase_key();
        if conditions[..index]
            .iter()
            .any(|earlier| earlier.lowercase_key() == key)
        {
            continue;
        }
        let same_key: Vec<&Condition> = conditions[index..]
            .iter()
            .copied()
            .filter(|other| other.lowercase_key() == key)
            .collect();
        let mut any_state_holds = false;
        let mut every_state_holds = true;
        for state in possible_states(key, situation) {
            let in_state = same_key.iter().fold(Truth::Yes, |acc, condition| {
                acc.and(condition_truth(condition, *state))
            });
            any_state_holds |= in_state != Truth::No;
            every_state_holds &= in_state == Truth::Yes;
        }
        truth = truth.and(match (any_state_holds, every_state_holds) {
            (_, true) => Truth::Yes,
            (false, _) => Truth::No,
            _ => Truth::Maybe,
        });
        if truth == Truth::No {
            break;
        }
    }
    truth
}

/// The first condition (passing `selected`) that cannot hold in `situation`, if any.
pub(crate) fn first_failing_condition(
    statement: &Statement,
    situation: Situation,
    selected: impl Fn(&Condition) -> bool,
) -> Option<&Condition> {
    statement.conditions.iter().find(|condition| {
        selected(condition)
            && possible_states(condition.lowercase_key(), situation)
                .iter()
                .all(|state| condition_truth(condition, *state) == Truth::No)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyDocument;

    fn statement(condition: &str) -> Statement {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{condition}}}}}"#
        );
        PolicyDocument::parse(&text)
            .expect("valid policy")
            .statements
            .remove(0)
    }

    fn truth(condition: &str, situation: Situation) -> Truth {
        conditions_truth(&statement(condition), situation, |_| true)
    }

    const LONG_TERM: Situation = Situation::Direct(MfaAbsence::LongTermAccessKeys);
    const TEMPORARY: Situation = Situation::Direct(MfaAbsence::TemporaryCredentialsWithoutMfa);

    #[test]
    fn classes_follow_the_documentation() {
        for key in [
            "aws:sourceip",
            "aws:requestedregion",
            "aws:resourcetag/env",
            "s3:prefix",
        ] {
            assert_eq!(key_source(key), KeySource::Requester, "{key}");
        }
        for key in [
            "aws:viaawsservice",
            "aws:calledvia",
            "aws:principalisawsservice",
            "aws:sourcearn",
            "aws:multifactorauthpresent",
        ] {
            assert_eq!(key_source(key), KeySource::Aws, "{key}");
        }
        for key in [
            "aws:principalarn",
            "aws:principaltag/team",
            "aws:tokenissuetime",
            "ec2:sourceinstancearn",
        ] {
            assert_eq!(key_source(key), KeySource::Principal, "{key}");
        }
    }

    #[test]
    fn via_aws_service_is_false_on_direct_calls() {
        let guard = r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false","aws:ViaAWSService":"false"}}"#;
        assert_eq!(truth(guard, LONG_TERM), Truth::Yes);
        assert_eq!(truth(guard, TEMPORARY), Truth::Yes);
        assert_eq!(truth(guard, Situation::FreshMfa), Truth::No);
        assert_eq!(truth(guard, Situation::ViaAwsService), Truth::No);
        let only_forwarded = r#"{"Bool":{"aws:ViaAWSService":"true"}}"#;
        assert_eq!(truth(only_forwarded, LONG_TERM), Truth::No);
        assert_eq!(truth(only_forwarded, Situation::ViaAwsService), Truth::Yes);
    }

    #[test]
    fn requester_keys_are_undecided() {
        let region = r#"{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}"#;
        assert_eq!(truth(region, LONG_TERM), Truth::Maybe);
        let null_ip = r#"{"Null":{"aws:SourceIp":"false"}}"#;
        assert_eq!(truth(null_ip, TEMPORARY), Truth::Maybe);
    }

    #[test]
    fn role_session_keys_are_absent_with_long_term_keys() {
        let session = r#"{"Null":{"aws:TokenIssueTime":"false"}}"#;
        assert_eq!(truth(session, LONG_TERM), Truth::No);
        assert_eq!(truth(session, TEMPORARY), Truth::Maybe);
        let principal = r#"{"Null":{"aws:PrincipalArn":"true"}}"#;
        assert_eq!(truth(principal, LONG_TERM), Truth::No);
        let tag = r#"{"StringEquals":{"aws:PrincipalTag/team":"admins"}}"#;
        assert_eq!(truth(tag, LONG_TERM), Truth::Maybe);
    }

    #[test]
    fn service_principal_keys_are_absent_for_iam_principals() {
        let source = r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#;
        assert_eq!(truth(source, TEMPORARY), Truth::No);
        let not_source = r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#;
        assert_eq!(truth(not_source, TEMPORARY), Truth::Yes);
        let variable = r#"{"StringEquals":{"aws:PrincipalIsAWSService":"${aws:username}"}}"#;
        assert_eq!(truth(variable, TEMPORARY), Truth::Maybe);
    }

    #[test]
    fn conditions_on_one_key_are_decided_together() {
        // In the temporary-credentials state the key is `false`: both hold.
        let both = r#"{"Null":{"aws:MultiFactorAuthPresent":"false"},"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#;
        assert_eq!(truth(both, TEMPORARY), Truth::Yes);
        assert_eq!(truth(both, LONG_TERM), Truth::No);
        let failing = statement(
            r#"{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"Bool":{"aws:ViaAWSService":"true"}}"#,
        );
        assert_eq!(
            first_failing_condition(&failing, LONG_TERM, |_| true).map(|c| c.key.as_str()),
            Some("aws:ViaAWSService")
        );
    }
}
