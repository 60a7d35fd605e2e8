//! `ztaudit collect`: the snapshot only, written to the planned file. Exit 3 when some calls
//! failed, so a CI job notices a snapshot with holes.

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::files;
use std::path::Path;

use crate::organization::{self, AccountSink};
use crate::plan::{AccountScope, AwsSource, Outputs, RunPlan, Source};
use crate::report::CoverageStatus;
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    if let (Source::Aws(aws), Outputs::SnapshotFolder(folder)) = (&plan.source, &plan.outputs) {
        if let Some(scope) = &aws.scope {
            return collect_accounts(plan, aws, scope, folder);
        }
    }
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

/// `collect --organization -o DIR`: one snapshot per account, `DIR/ACCOUNT.json`, each written
/// as soon as it is collected. Exit 3 when an account failed.
fn collect_accounts(
    plan: &RunPlan,
    aws: &AwsSource,
    scope: &AccountScope,
    folder: &Path,
) -> Result<ExitCode, AppError> {
    files::create_folder(folder)?;
    let mut stats = RunStats::default();
    let scanned = stats.time("collect accounts", || {
        organization::scan_accounts(aws, scope, AccountSink::Save(folder), String::new())
    })?;
    stats.record_operations(scanned.operations.clone());
    let Some(coverage) = &scanned.coverage else {
        return Err(AppError::Unplanned(
            "the coverage of a scan of many accounts",
        ));
    };
    stats.record_accounts(coverage);
    shared::print_stats(plan, &stats);
    let failed: Vec<String> = coverage
        .accounts
        .iter()
        .filter(|a| a.status == CoverageStatus::Failed)
        .map(|a| format!("{}: {}", a.id, a.reason.as_deref().unwrap_or_default()))
        .collect();
    if !plan.feedback.quiet {
        for failure in &failed {
            eprintln!("ztaudit: warning: account {failure}");
        }
        eprintln!(
            "wrote {} snapshots to {} ({} accounts failed)",
            scanned.written.len(),
            folder.display(),
            failed.len()
        );
    }
    Ok(if failed.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::Incomplete
    })
}
