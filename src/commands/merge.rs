//! `ztaudit merge REPORT…`: the JSON reports of shards combined into one report, written and
//! gated as a scan's; exit 3 when an account of the selection is in none of them.

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::files;
use crate::plan::{RunPlan, Source};
use crate::report::merge;
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    let Source::ShardReports(paths) = &plan.source else {
        return Err(AppError::Unplanned("the reports to merge"));
    };
    let mut reports = Vec::new();
    for path in paths {
        reports.push((path.display().to_string(), files::load_shard_report(path)?));
    }
    let report = merge::merge(reports).map_err(AppError::Usage)?;
    if let (Some(coverage), false) = (&report.coverage, plan.feedback.quiet) {
        let missing: Vec<&str> = coverage
            .accounts
            .iter()
            .filter(|a| a.status == crate::report::CoverageStatus::Missing)
            .map(|a| a.id.as_str())
            .collect();
        if !missing.is_empty() {
            eprintln!(
                "ztaudit: warning: the merged report is incomplete: {} account{} of the selection in no report ({})",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            );
        }
    }
    shared::deliver(&report, plan, &mut RunStats::default())
}
