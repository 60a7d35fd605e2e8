//! The catalogue of sensitive actions the MFA analysis asks about.
//!
//! It is data, not code (`checks/data/sensitive-actions.toml`), so that reviewing or extending
//! the list is a one-line change a security person can make without reading Rust, and users can
//! add their own actions from configuration ([`Catalogue::with_additions`]).
//!
//! Entries are concrete actions — no `*` or `?` — because the analysis asks "is exactly this
//! action allowed without MFA?", and a pattern has no single answer.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The built-in catalogue's source, compiled in.
const BUILTIN_TOML: &str = include_str!("../../checks/data/sensitive-actions.toml");

/// The category given to actions added with [`Catalogue::with_additions`].
pub const USER_CATEGORY: &str = "user-defined";

/// One sensitive action.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveAction {
    /// `service:Action` as AWS spells it, e.g. `iam:CreateAccessKey`.
    pub name: String,
    /// A short kebab-case group, e.g. `iam-credentials`.
    pub category: String,
}

/// A list of sensitive actions, unique without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    actions: Vec<SensitiveAction>,
    #[serde(skip)]
    lowercase_names: Vec<String>,
}

/// Why a catalogue could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("sensitive-action catalogue is not valid: {message}")]
    InvalidToml { message: String },
    #[error("sensitive action {action:?} is not valid: {reason}")]
    InvalidAction {
        action: String,
        reason: &'static str,
    },
    #[error("sensitive action {action:?} is listed twice")]
    DuplicateAction { action: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    action: Vec<SensitiveAction>,
}

impl Catalogue {
    /// The catalogue shipped in `checks/data/sensitive-actions.toml`.
    pub fn builtin() -> Catalogue {
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                // The file is compiled in and `builtin_catalogue_is_valid` parses it in every
                // test run, so this cannot fail in a tested build.
                Catalogue::from_toml(BUILTIN_TOML)
                    .expect("checks/data/sensitive-actions.toml is valid (see its unit test)")
            })
            .clone()
    }

    /// Reads a catalogue in the format of `sensitive-actions.toml`: `[[action]]` tables with
    /// `name` and `category`. Duplicates (any case) and malformed names are errors.
    pub fn from_toml(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile =
            toml::from_str(text).map_err(|error| CatalogueError::InvalidToml {
                message: error.to_string().trim_end().to_owned(),
            })?;
        let mut catalogue = Catalogue {
            actions: Vec::with_capacity(file.action.len()),
            lowercase_names: Vec::with_capacity(file.action.len()),
        };
        for action in file.action {
            validate_name(&action.name)?;
            if action.category.trim().is_empty() {
                return Err(CatalogueError::InvalidAction {
                    action: action.name,
                    reason: "category is empty",
                });
            }
            if catalogue.contains(&action.name) {
                return Err(CatalogueError::DuplicateAction {
                    action: action.name,
                });
            }
            catalogue.push(action);
        }
        Ok(catalogue)
    }

    /// This catalogue plus `additions` (action names, category [`USER_CATEGORY`]). An addition
    /// already in the catalogue is skipped, keeping its original category.
    pub fn with_additions<I, S>(mut self, additions: I) -> Result<Catalogue, CatalogueError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for addition in additions {
            let name = addition.as_ref().trim();
            validate_name(name)?;
            if !self.contains(name) {
                self.push(SensitiveAction {
                    name: name.to_owned(),
                    category: USER_CATEGORY.to_owned(),
                });
            }
        }
        Ok(self)
    }

    /// The actions, in catalogue order.
    pub fn actions(&self) -> &[SensitiveAction] {
        &self.actions
    }

    pub fn len(&self) -> usize {
        self.actions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Whether `action` is in the catalogue (any case).
    pub fn contains(&self, action: &str) -> bool {
        let lowercase = action.to_lowercase();
        self.lowercase_names.contains(&lowercase)
    }

    /// Each action with its lowercased name, for matching without re-lowercasing.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&SensitiveAction, &str)> {
        self.actions
            .iter()
            .zip(self.lowercase_names.iter().map(String::as_str))
    }

    fn push(&mut self, action: SensitiveAction) {
        self.lowercase_names.push(action.name.to_lowercase());
        self.actions.push(action);
    }
}

fn validate_name(name: &str) -> Result<(), CatalogueError> {
    let reason = if name.contains(['*', '?']) {
        Some("wildcards are not allowed: list concrete actions")
    } else if name.contains(char::is_whitespace) {
        Some("whitespace is not allowed")
    } else {
        match name.split_once(':') {
            Some((service, action))
                if !service.is_empty() && !action.is_empty() && !action.contains(':') =>
            {
                None
            }
            _ => Some("expected \"service:Action\""),
        }
    };
    match reason {
        Some(reason) => Err(CatalogueError::InvalidAction {
            action: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_is_valid() {
        let catalogue = Catalogue::from_toml(BUILTIN_TOML).expect("built-in catalogue parses");
        assert!(catalogue.len() >= 60, "only {} actions", catalogue.len());
        for required in [
            "iam:PassRole",
            "iam:CreateAccessKey",
            "kms:ScheduleKeyDeletion",
            "cloudtrail:StopLogging",
            "guardduty:DeleteDetector",
            "securityhub:DisableSecurityHub",
            "config:StopConfigurationRecorder",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateNetworkAclEntry",
            "s3:PutBucketPolicy",
            "s3:DeleteBucket",
            "s3:PutBucketPublicAccessBlock",
            "ec2:TerminateInstances",
            "rds:DeleteDBInstance",
            "rds:DeleteDBCluster",
            "organizations:LeaveOrganization",
            "secretsmanager:DeleteSecret",
        ] {
            assert!(catalogue.contains(required), "{required} missing");
        }
        assert_eq!(Catalogue::builtin(), catalogue);
    }

    #[test]
    fn additions_are_validated_and_deduplicated() {
        let catalogue =
            Catalogue::from_toml("[[action]]\nname = \"iam:PassRole\"\ncategory = \"iam-roles\"\n")
                .expect("valid");
        let extended = catalogue
            .with_additions(["IAM:passrole", "lambda:UpdateFunctionCode"])
            .expect("valid additions");
        assert_eq!(extended.len(), 2);
        assert_eq!(extended.actions()[0].category, "iam-roles");
        assert_eq!(extended.actions()[1].category, USER_CATEGORY);
        for bad in ["iam:*", "iam", ":x", "iam:Pass Role", "a:b:c"] {
            assert!(
                Catalogue::builtin().with_additions([bad]).is_err(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn malformed_files_are_refused() {
        let duplicate = "[[action]]\nname = \"a:B\"\ncategory = \"c\"\n[[action]]\nname = \"A:b\"\ncategory = \"c\"\n";
        assert!(matches!(
            Catalogue::from_toml(duplicate),
            Err(CatalogueError::DuplicateAction { .. })
        ));
        assert!(matches!(
            Catalogue::from_toml("[[action]]\nname = \"a:b\"\n"),
            Err(CatalogueError::InvalidToml { .. })
        ));
        assert!(matches!(
            Catalogue::from_toml("[[action]]\nname = \"a:b\"\ncategory = \"c\"\nsevere = true\n"),
            Err(CatalogueError::InvalidToml { .. })
        ));
    }
}
