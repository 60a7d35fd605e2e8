//! ztaudit's checks, and the data model they read.
//!
//! This crate is the pure middle of the pipeline `collect → snapshot → checks → report`:
//! it knows nothing of the AWS SDK, tokio or files. A [`Snapshot`] says what the collector read
//! from an account (and which calls failed); every [`Check`] is a function of a snapshot that
//! pushes [`Finding`]s; [`evaluate`] runs a selection of checks and returns their findings in a
//! stable order. Keeping it free of I/O lets check tests compile in seconds.
//!
//! Adding a check: its file under the pillar's folder, using [`declare_check!`]; its line in
//! [`registry::CHECKS`]; its fixture, `fixtures/checks/<ID>-<name>.json`; and the snapshot of
//! its findings that `cargo insta review` writes, `checks/tests/snapshots/<ID>-<name>.snap`.
//! The fixture test takes its list of checks from the registry. What checks share lives in a
//! file that says so (a pillar's `shared.rs` or `mod.rs`), never in a check's file; resource
//! ARNs and types come from [`snapshot::AwsResource`], through [`Findings::resource`].

pub mod check;
pub mod config;
pub mod findings;
pub mod net;
pub mod policy_lint;
pub mod registry;
pub mod snapshot;

mod automation;
mod data;
/// EventBridge event patterns, as ZT701 reads them (also for a plan's rules).
pub mod event_pattern;
mod governance;
mod identity;
mod networks;
mod visibility;

pub use check::{
    Check, CheckMeta, CheckStatus, OptInData, Pillar, PolicyFailure, PolicyJudge, PolicyVerdict,
    Remediation, Severity,
};
pub use config::CheckConfig;
pub use findings::{
    AllowedAction, Finding, FindingDetails, Findings, Resource, Status, TerraformOrigin,
};
/// The privilege-escalation analysis behind ZT117, for its corpus and benchmark.
pub use identity::escalation_analysis as escalation;
pub use registry::CHECKS;

use rayon::prelude::*;
pub use snapshot::{CallError, Collected, ErrorKind, Snapshot};

/// Runs `checks` against `snapshot` and returns every finding, sorted so that two runs over the
/// same snapshot produce byte-identical reports.
pub fn evaluate(checks: &[&dyn Check], snapshot: &Snapshot, config: &CheckConfig) -> Vec<Finding> {
    // Sorted check by check (ids are unique), which spares comparing check ids.
    let mut ordered: Vec<&dyn Check> = checks.to_vec();
    ordered.sort_by_key(|check| check.meta().id);
    // Checks are independent pure functions of the snapshot: they run on every core, and their
    // findings are joined in check order, so the result does not depend on the scheduling.
    let per_check: Vec<Vec<Finding>> = ordered
        .par_iter()
        .map(|check| {
            let mut out = Findings::new(check.meta(), snapshot);
            check.run(snapshot, config, &mut out);
            let mut findings = out.into_vec();
            findings.sort_by(|a, b| {
                (&a.region, &a.resource, a.status, &a.message).cmp(&(
                    &b.region,
                    &b.resource,
                    b.status,
                    &b.message,
                ))
            });
            findings
        })
        .collect();
    per_check.into_iter().flatten().collect()
}
