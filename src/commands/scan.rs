//! `ztaudit scan`: the snapshot of the plan's source (collected now, or read from a file),
//! evaluated, annotated, written and gated.

use ztaudit_checks::evaluate;

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::plan::RunPlan;
use crate::report::Report;
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    let mut stats = RunStats::default();
    let snapshot = shared::snapshot(&plan.source, &mut stats)?;
    let checks = &plan.evaluation.checks;
    tracing::info!(
        "evaluating {} checks on account {} ({} regions)",
        checks.len(),
        snapshot.account,
        snapshot.regions.len()
    );
    let report = stats.time("evaluate", || {
        let findings = evaluate(checks, &snapshot, &plan.evaluation.config);
        let mut report = Report::new(&snapshot, checks, findings);
        shared::annotate(
            &mut report,
            &plan.annotations,
            &snapshot.tags_by_resource_id(),
        );
        report
    });
    shared::deliver(&report, plan, &mut stats)
}
