//! ztaudit's IAM policy language engine: parse policy documents, evaluate requests against
//! them, find sensitive actions allowed without MFA, and lint statements.
//!
//! It is a pure library — no AWS SDK, no async, no I/O — so that the checks that use it test in
//! seconds and its semantics can be pinned down by a corpus of documents
//! (`fixtures/policies/`, checked by `tests/corpus.rs`).
//!
//! # API
//! ```
//! use ztaudit_policy::{evaluate, lint, mfa, Catalogue, Decision, PolicyDocument, Request};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Parse: plain or URL-encoded JSON, as IAM's APIs return it.
//! let admin = PolicyDocument::parse(
//!     r#"{"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
//! )?;
//! let guard = PolicyDocument::parse(
//!     r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoMfaNoAccess","Effect":"Deny","NotAction":"iam:ListMFADevices",
//!         "Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
//! )?;
//!
//! // Evaluate one request (identity-based policy evaluation logic).
//! let request = Request::new("iam:CreateAccessKey", "arn:aws:iam::111122223333:user/alice")
//!     .with_context("aws:MultiFactorAuthPresent", "false");
//! assert!(matches!(evaluate(&[&admin, &guard], &request), Decision::ExplicitDeny { .. }));
//!
//! // MFA analysis: the `Bool` guard misses long-term access keys.
//! let policies = [
//!     mfa::NamedPolicy { name: "AdministratorAccess", document: &admin },
//!     mfa::NamedPolicy { name: "ForceMfa", document: &guard },
//! ];
//! let gaps = mfa::analyse(&policies, &Catalogue::builtin());
//! assert!(gaps.iter().any(|gap| gap.action == "iam:CreateAccessKey"
//!     && gap.modes == [mfa::MfaAbsence::LongTermAccessKeys]));
//!
//! // Lints.
//! assert_eq!(lint::lint(&admin)[0].kind, lint::LintKind::FullAdmin);
//! assert_eq!(lint::ineffective_mfa_guards(&guard).len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! | Call | Returns |
//! | --- | --- |
//! | [`PolicyDocument::parse`]`(&str)` | `Result<PolicyDocument, PolicyError>` |
//! | [`evaluate`]`(&[&PolicyDocument], &Request)` | [`Decision`] |
//! | [`mfa::analyse`]`(&[NamedPolicy], &Catalogue)` | `Vec<`[`mfa::MfaGap`]`>` |
//! | [`lint::lint`]`(&PolicyDocument)` | `Vec<`[`lint::Lint`]`>` |
//! | [`lint::ineffective_mfa_guards`]`(&PolicyDocument)` | `Vec<`[`lint::IneffectiveMfaGuard`]`>` |
//! | [`Catalogue::builtin`]`()`, [`Catalogue::with_additions`]`(names)` | [`Catalogue`] |
//! | [`scp::judge`]`(&[ScpLevel], action, resources, &[ScpPrincipal])` | `Vec<`[`scp::PrincipalVerdict`]`>` |
//!
//! # Semantics chosen where AWS is silent
//! Each is documented where it is implemented and summarised in `policy/README.md`: policy
//! variables (`pattern.rs` and [`condition`]), multivalued keys without a set
//! operator ([`condition`]), statements without `Resource` ([`document`]), and the symbolic
//! treatment of condition keys ([`global_keys`]: who sets each key) and resources
//! ([`resource_types`]: the Service Authorization Reference's resource types) in the MFA
//! analysis ([`mfa`]).

pub mod catalogue;
pub mod condition;
pub mod context;
pub mod document;
pub mod error;
pub mod eval;
pub mod global_keys;
mod json;
pub mod lint;
pub mod mfa;
mod parse;
mod pattern;
pub mod resource_types;
pub mod scp;

pub use catalogue::{Catalogue, CatalogueError, SensitiveAction};
pub use condition::{Condition, ConditionOperator, OperatorKind, SetQualifier};
pub use context::{ContextValue, RequestContext};
pub use document::{
    ActionElement, ActionPattern, Effect, PolicyDocument, PolicyVersion, Principal,
    PrincipalElement, PrincipalKind, ResourceElement, ResourcePattern, Statement,
};
pub use error::{Location, PolicyError};
pub use eval::{evaluate, Decision, Request, StatementRef};
pub use mfa::{MfaAbsence, MfaGap, MfaGrant, NamedPolicy};
