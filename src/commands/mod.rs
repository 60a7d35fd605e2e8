//! One file per command. The commands that read something (`scan`, `collect`, `policy lint`,
//! `diff`, `merge`) start from a [`crate::plan::RunPlan`] and only read it; the others print what the
//! binary knows (the registry, the IAM policy, the report's schema, completions, the man page).
//! What several commands do alike is in `shared.rs`.

pub mod checks;
pub mod collect;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod man;
pub mod merge;
pub mod permissions;
pub mod plan;
pub mod policy_lint;
pub mod scan;
pub mod schema;
mod shared;
