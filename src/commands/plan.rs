//! `ztaudit plan`: Terraform plans mapped into snapshots (`ztaudit-tfplan`), judged by the
//! plan's checks as a scan's snapshot is, then annotated, written and gated alike. A value
//! unknown until apply makes a verdict UNDECIDED, which the gate never counts.

use std::collections::HashMap;

use ztaudit_checks::Snapshot;
use ztaudit_tfplan::{evaluate_plan, map_plan, PLACEHOLDER_ACCOUNT};

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::plan::{RunPlan, Source};
use crate::report::Report;
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    let Source::TerraformPlans(paths) = &plan.source else {
        return Err(AppError::Unplanned("Terraform plans"));
    };
    let mut findings = Vec::new();
    let mut scanned: Option<Snapshot> = None;
    for path in paths {
        let (label, text) = crate::files::read_input(path).map_err(AppError::Usage)?;
        let mapped = map_plan(&text).map_err(|err| AppError::Usage(format!("{label}: {err}")))?;
        findings.extend(evaluate_plan(
            &mapped,
            &plan.evaluation.checks,
            &plan.evaluation.config,
        ));
        scanned = Some(match scanned {
            None => mapped.worst,
            Some(so_far) => scan_info_of_both(so_far, mapped.worst),
        });
    }
    let Some(snapshot) = scanned else {
        return Err(AppError::Unplanned("a Terraform plan"));
    };
    let mut report = Report::new(&snapshot, &plan.evaluation.checks, findings);
    shared::annotate(&mut report, &plan.annotations, &HashMap::new());
    shared::deliver(&report, plan, &mut RunStats::default())
}

/// What the report's scan information says of two plans judged together: every region of
/// either, and the account they share. Plans for different accounts are named by all their
/// accounts, comma-separated; a plan that does not say its account
/// ([`PLACEHOLDER_ACCOUNT`]) yields to one that does. Only the scan information is read from
/// the result: each finding keeps the account of its own plan.
fn scan_info_of_both(mut so_far: Snapshot, next: Snapshot) -> Snapshot {
    so_far.regions.extend(next.regions);
    let mut accounts: Vec<&str> = so_far
        .account
        .split(',')
        .chain([next.account.as_str()])
        .filter(|account| *account != PLACEHOLDER_ACCOUNT)
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    if !accounts.is_empty() {
        so_far.account = accounts.join(",");
    }
    so_far
}
