//! `ztaudit policy lint`: the account checks that judge a policy document, applied to one
//! document from a file, so CI can reject a dangerous policy before it is deployed.
//!
//! The rules are the checks of [`CHECKS`] that declare `judge_policy`, each judging with its own
//! function, so a policy gets the same verdict in a file as in an account and a rule is
//! documented once, in its check.

use ztaudit_policy::PolicyDocument;

use crate::check::Check;
use crate::identity::shared::push_verdict;
use crate::{CheckConfig, Finding, Findings, Resource, CHECKS};

/// The resource type of a policy document judged on its own, outside any account.
const POLICY_DOCUMENT: &str = "AWS::IAM::PolicyDocument";

/// The checks `policy lint` applies, in code order.
pub fn lint_checks() -> Vec<&'static dyn Check> {
    CHECKS
        .iter()
        .copied()
        .filter(|check| check.judge_policy().is_some())
        .collect()
}

/// The findings of every lint rule on one document, named `name` (a file, or a file and the
/// JSON path of the document inside it).
pub fn lint_document(name: &str, document: &PolicyDocument, config: &CheckConfig) -> Vec<Finding> {
    let mut all = Vec::new();
    for check in CHECKS {
        let Some(judge) = check.judge_policy() else {
            continue;
        };
        let mut out = Findings::for_account(check.meta(), "", "aws");
        let resource = Resource {
            id: name.to_owned(),
            kind: POLICY_DOCUMENT,
            region: "-".to_owned(),
        };
        push_verdict(&mut out, resource, name, judge(name, document, config));
        all.extend(out.into_vec());
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules are taken from the registry; this pins which, so a check that loses its
    /// `judge_policy` (or gains one) is a visible decision.
    #[test]
    fn the_policy_checks_are_the_lint_rules() {
        let ids: Vec<&str> = lint_checks().iter().map(|check| check.meta().id).collect();
        assert_eq!(ids, ["ZT101", "ZT102", "ZT103", "ZT104", "ZT105"]);
    }

    #[test]
    fn each_rule_judges_a_document_with_its_check() {
        let document = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        )
        .expect("valid policy");
        let findings = lint_document("admin.json", &document, &CheckConfig::default());
        let full_admin: Vec<&Finding> = findings
            .iter()
            .filter(|finding| finding.check_id == "ZT103")
            .collect();
        assert_eq!(full_admin.len(), 1, "{findings:#?}");
        assert_eq!(full_admin[0].resource, "admin.json");
        assert_eq!(full_admin[0].resource_type, POLICY_DOCUMENT);
        assert!(
            full_admin[0]
                .message
                .starts_with("admin.json: statement 0 allows every action (*)"),
            "{}",
            full_admin[0].message
        );
    }
}
