//! The privilege-escalation methods ZT117 looks for: data, not code
//! (`checks/data/escalation-methods.toml`), each with the steps it needs, the target it needs
//! them on, what it gains, and its source. The file's header documents every field.

use std::sync::LazyLock;

use serde::Deserialize;

const BUILTIN_TOML: &str = include_str!("../../data/escalation-methods.toml");

/// One known way for a principal to raise its own privileges.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationMethod {
    /// `create-policy-version`: stable, for the finding's details.
    pub id: String,
    /// `create a new default version of a policy attached to it`: for messages.
    pub title: String,
    /// Which principals the method applies to.
    pub principals: Vec<PrincipalKind>,
    pub target: TargetKind,
    pub gains: GainKind,
    /// Every request the method makes, in order.
    pub steps: Vec<MethodStep>,
    /// The service principal a passed role is handed to (`lambda.amazonaws.com`): the value of
    /// `iam:PassedToService` in the `iam:PassRole` step, and whom the role must trust.
    #[serde(default)]
    pub passed_to_service: Option<String>,
    /// The passed role must already have an instance profile (EC2).
    #[serde(default)]
    pub instance_profile: bool,
    /// Where the method is described.
    #[allow(dead_code)]
    // Documentation for readers of the data; kept so the file must cite it.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    User,
    Role,
}

/// What concrete resource the method needs (see the data file's header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    #[serde(rename = "self")]
    Itself,
    OwnGroup,
    AttachedPolicy,
    AssumableRole,
    OtherUser,
    OtherGroup,
    AnyRole,
    PassableRole,
    /// An existing Lambda function whose execution role is a role of the account.
    FunctionRole,
}

/// What the method gives the principal (see the data file's header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GainKind {
    AnyPermission,
    Target,
    PolicyVersions,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodStep {
    /// `iam:CreateAccessKey`.
    pub action: String,
    /// `target`, or an ARN template with `{partition}` and `{account}`.
    pub resource: String,
}

impl MethodStep {
    /// Whether the step acts on the method's target rather than on a resource it creates.
    pub fn on_target(&self) -> bool {
        self.resource == "target"
    }

    /// The step's resource in `account` of `partition`, given the target's ARN.
    pub fn resource_in(&self, partition: &str, account: &str, target_arn: &str) -> String {
        if self.on_target() {
            return target_arn.to_owned();
        }
        self.resource
            .replace("{partition}", partition)
            .replace("{account}", account)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    method: Vec<EscalationMethod>,
}

/// The bundled list, in file order.
pub fn escalation_methods() -> &'static [EscalationMethod] {
    static METHODS: LazyLock<Vec<EscalationMethod>> = LazyLock::new(|| {
        toml::from_str::<File>(BUILTIN_TOML)
            .map(|file| file.method)
            .expect("checks/data/escalation-methods.toml is valid (see its unit test)")
    });
    &METHODS
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_bundled_list_parses_and_every_entry_is_complete() {
        let methods = escalation_methods();
        assert!(methods.len() >= 20);
        let ids: BTreeSet<&str> = methods.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), methods.len(), "method ids are unique");
        for method in methods {
            assert!(!method.steps.is_empty(), "{}: no steps", method.id);
            assert!(
                !method.principals.is_empty(),
                "{}: no principals",
                method.id
            );
            assert!(
                method.source.contains("https://"),
                "{}: no source",
                method.id
            );
            assert!(
                method.steps.iter().any(MethodStep::on_target),
                "{}: no step acts on the target",
                method.id
            );
            let passes_role = method.steps.iter().any(|s| s.action == "iam:PassRole");
            assert_eq!(
                method.target == TargetKind::PassableRole,
                passes_role && method.passed_to_service.is_some(),
                "{}: a passable-role target passes the role to a named service",
                method.id
            );
            for step in &method.steps {
                assert!(step.action.contains(':'), "{}: {}", method.id, step.action);
            }
        }
    }

    /// The README's table of methods names every method of the data file, and no other.
    #[test]
    fn the_readme_lists_every_method() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
            .expect("the README is readable");
        let table = readme
            .split("<!-- escalation-methods:begin -->")
            .nth(1)
            .and_then(|rest| rest.split("<!-- escalation-methods:end -->").next())
            .expect("the README has the escalation-methods block");
        let listed: BTreeSet<&str> = table
            .lines()
            .filter_map(|line| line.split('|').nth(1))
            .flat_map(|cell| cell.split(','))
            .filter_map(|id| id.trim().strip_prefix('`')?.strip_suffix('`'))
            .collect();
        let ids: BTreeSet<&str> = escalation_methods().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(listed, ids);
    }

    #[test]
    fn templates_are_filled_and_the_target_is_substituted() {
        let step = MethodStep {
            action: "lambda:CreateFunction".into(),
            resource: "arn:{partition}:lambda:*:{account}:function:*".into(),
        };
        assert_eq!(
            step.resource_in("aws", "111122223333", "unused"),
            "arn:aws:lambda:*:111122223333:function:*"
        );
        let on_target = MethodStep {
            action: "iam:PassRole".into(),
            resource: "target".into(),
        };
        assert_eq!(on_target.resource_in("aws", "1", "arn:r"), "arn:r");
    }
}
