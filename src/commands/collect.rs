//! `ztaudit collect`: the snapshot only, written to the planned file. Exit 3 when some calls
//! failed, so a CI job notices a snapshot with holes.

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::files;
use crate::plan::{Outputs, RunPlan};
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    let Outputs::Snapshot(output) = &plan.outputs else {
        return Err(AppError::Unplanned("a file for the snapshot"));
    };
    let mut stats = RunStats::default();
    let snapshot = shared::snapshot(&plan.source, &mut stats)?;
    stats.time("write snapshot", || {
        let mut text = serde_json::to_string_pretty(&snapshot).unwrap_or_default();
        text.push('\n');
        files::write_atomically(output, text.as_bytes())
    })?;
    shared::print_stats(plan, &stats);
    let errors = snapshot.call_errors().len();
    if !plan.feedback.quiet {
        eprintln!(
            "wrote {} ({} regions, {} API calls, {} failed)",
            output.display(),
            snapshot.regions.len(),
            snapshot.collection.api_calls,
            errors
        );
    }
    Ok(if errors > 0 {
        ExitCode::Incomplete
    } else {
        ExitCode::Success
    })
}
