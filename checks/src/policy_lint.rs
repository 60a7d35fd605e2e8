//! `ztaudit policy lint`: the account checks that judge a policy document, applied to one
//! document from a file, so CI can reject a dangerous policy before it is deployed.
//!
//! Each rule is the account check's own `judge` function, so a policy gets the same verdict in
//! a file as in an account.

use ztaudit_policy::PolicyDocument;

use crate::check::Check;
use crate::identity::shared::PolicyJudge;
use crate::identity::{
    allow_with_not_action, full_admin_policy, ineffective_mfa_guard, sensitive_actions_without_mfa,
    service_wide_wildcard,
};
use crate::{CheckConfig, Finding, Findings, Resource};

/// The checks `policy lint` applies, in code order, with how each judges a document.
pub static LINT_RULES: &[(&dyn Check, PolicyJudge)] = &[
    (
        &sensitive_actions_without_mfa::SensitiveActionsWithoutMfa,
        sensitive_actions_without_mfa::judge,
    ),
    (
        &ineffective_mfa_guard::IneffectiveMfaGuard,
        ineffective_mfa_guard::judge,
    ),
    (
        &full_admin_policy::FullAdminPolicy,
        full_admin_policy::judge,
    ),
    (
        &service_wide_wildcard::ServiceWideWildcard,
        service_wide_wildcard::judge,
    ),
    (
        &allow_with_not_action::AllowWithNotAction,
        allow_with_not_action::judge,
    ),
];

/// The checks `policy lint` applies.
pub fn lint_checks() -> Vec<&'static dyn Check> {
    LINT_RULES.iter().map(|(check, _)| *check).collect()
}

/// The findings of every lint rule on one document, named `name` (a file, or a file and the
/// JSON path of the document inside it).
pub fn lint_document(name: &str, document: &PolicyDocument, config: &CheckConfig) -> Vec<Finding> {
    let mut all = Vec::new();
    for (check, judge) in LINT_RULES {
        let mut out = Findings::for_account(check.meta(), "", "aws");
        let resource = Resource {
            id: name.to_owned(),
            kind: "AWS::IAM::PolicyDocument",
            region: "-".to_owned(),
        };
        match judge(name, document, config) {
            Some(Ok(message)) => out.pass(resource, format!("{name} {message}")),
            Some(Err(message)) => out.fail(resource, format!("{name}: {message}")),
            None => {}
        }
        all.extend(out.into_vec());
    }
    all
}
