//! `ztaudit plan`: Terraform plans mapped into snapshots (`ztaudit-tfplan`), judged by the
//! plan's checks as a scan's snapshot is, then annotated, written and gated alike. A value
//! unknown until apply makes a verdict UNDECIDED, which the gate never counts.
//!
//! With `--against SNAPSHOT`, the plan is laid over the live account instead
//! (`ztaudit_tfplan::overlay`): every check runs on the account as it will be after apply, and
//! its findings are compared with the snapshot's own by the baseline's machinery, so that
//! "new" is what the plan introduces and "resolved" what it fixes (`--fail-on-new` gates on
//! the former).

use std::collections::HashMap;
use std::path::Path;

use ztaudit_checks::{evaluate, Snapshot};
use ztaudit_tfplan::{evaluate_plan, map_plan, overlay, Plan, PLACEHOLDER_ACCOUNT};

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::files;
use crate::plan::{RunPlan, Source};
use crate::report::baseline::PriorFinding;
use crate::report::Report;
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    if let Source::TerraformPlanAgainst {
        plan: plan_path,
        snapshot,
    } = &plan.source
    {
        return run_against(plan, plan_path, snapshot);
    }
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

/// `plan PLAN --against SNAPSHOT`: the account after apply, marked against the live one.
fn run_against(run: &RunPlan, plan_path: &Path, snapshot: &Path) -> Result<ExitCode, AppError> {
    let live = files::load_snapshot(snapshot)?;
    let (label, text) = files::read_input(plan_path).map_err(AppError::Usage)?;
    let plan = Plan::parse(&text).map_err(|err| AppError::Usage(format!("{label}: {err}")))?;
    let checks = &run.evaluation.checks;
    let config = &run.evaluation.config;
    let after = overlay::overlay(&plan, &live, checks, config).map_err(|err| {
        AppError::Usage(format!("{label} --against {}: {err}", snapshot.display()))
    })?;
    if !run.feedback.quiet {
        for note in &after.notes {
            eprintln!("ztaudit: note: {note}");
        }
    }

    let before = Report::new(&live, checks, evaluate(checks, &live, config));
    let live_findings: Vec<PriorFinding> = before.findings.iter().map(PriorFinding::of).collect();

    let mut report = Report::new(&after.snapshot, checks, after.findings);
    shared::annotate(
        &mut report,
        &run.annotations,
        &after.snapshot.tags_by_resource_id(),
    );
    report.compare_with_baseline(&live_findings, &snapshot.display().to_string());
    shared::deliver(&report, run, &mut RunStats::default())
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
