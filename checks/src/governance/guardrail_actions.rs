//! The guardrail actions ZT803 requires SCPs to deny: data, not code
//! (`checks/data/guardrail-actions.toml`), each with the resources it acts on and its source.

use std::sync::LazyLock;

use serde::Deserialize;

const BUILTIN_TOML: &str = include_str!("../../data/guardrail-actions.toml");

/// One action no ordinary principal of a member account should be able to take.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GuardrailAction {
    /// `cloudtrail:StopLogging`.
    pub name: String,
    /// An ARN pattern with `{partition}` and `{account}`, or `*`.
    pub resources: String,
    /// `stop or delete CloudTrail trails`: what the action lets someone do.
    pub capability: String,
    /// Where the guardrail comes from.
    #[allow(dead_code)]
    // Documentation for readers of the data; kept so the file must cite it.
    pub source: String,
}

impl GuardrailAction {
    /// The resources of this action in `account` of `partition`.
    pub fn resources_in(&self, partition: &str, account: &str) -> String {
        self.resources
            .replace("{partition}", partition)
            .replace("{account}", account)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    action: Vec<GuardrailAction>,
}

/// The bundled list, in file order (which groups actions by capability).
pub(crate) fn guardrail_actions() -> &'static [GuardrailAction] {
    static ACTIONS: LazyLock<Vec<GuardrailAction>> = LazyLock::new(|| {
        toml::from_str::<File>(BUILTIN_TOML)
            .map(|file| file.action)
            .expect("checks/data/guardrail-actions.toml is valid (see its unit test)")
    });
    &ACTIONS
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_bundled_list_parses_and_every_entry_is_complete() {
        let actions = guardrail_actions();
        assert!(actions.len() >= 10);
        let mut names = BTreeSet::new();
        for action in actions {
            assert!(
                names.insert(&action.name),
                "{} is listed twice",
                action.name
            );
            let (service, operation) = action.name.split_once(':').expect("service:Action");
            assert!(
                !service.is_empty() && !operation.is_empty(),
                "{}",
                action.name
            );
            assert!(
                !action.name.contains('*') && !action.name.contains('?'),
                "{}: one concrete action, no wildcard",
                action.name
            );
            assert!(
                !action.source.trim().is_empty(),
                "{} cites no source",
                action.name
            );
            assert!(!action.capability.trim().is_empty(), "{}", action.name);
            let resources = action.resources_in("aws", "111122223333");
            assert!(
                resources == "*"
                    || resources.starts_with(&format!("arn:aws:{service}:*:111122223333:")),
                "{}: resources {resources} are not the action's service's, in the account",
                action.name
            );
        }
    }

    #[test]
    fn the_issue_s_actions_are_all_there() {
        let names: BTreeSet<&str> = guardrail_actions()
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        for wanted in [
            "cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail",
            "guardduty:DeleteDetector",
            "securityhub:DisableSecurityHub",
            "config:StopConfigurationRecorder",
            "config:DeleteConfigurationRecorder",
            "organizations:LeaveOrganization",
        ] {
            assert!(names.contains(wanted), "{wanted}");
        }
    }
}
