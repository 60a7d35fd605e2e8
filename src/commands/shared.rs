//! What several commands do alike: read the snapshot a plan names (collecting it live when it
//! says so), annotate a report, write it where the plan says, gate it, and print.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};

use ztaudit_checks::Snapshot;

use crate::cli::Cli;
use crate::collect::{self, CallRecorder};
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::files;
use crate::plan::{Annotations, AwsSource, Destination, Outputs, RunPlan, Source};
use crate::report::{self, Report};
use crate::stats::RunStats;

/// The snapshot of the plan's source: collected now, or read from a file.
pub fn snapshot(source: &Source, stats: &mut RunStats) -> Result<Snapshot, AppError> {
    match source {
        Source::Aws(aws) => collect_live(aws, stats),
        Source::Snapshot(path) => Ok(stats.time("load snapshot", || files::load_snapshot(path))?),
        Source::Snapshots(_)
        | Source::PolicyFiles(_)
        | Source::Reports { .. }
        | Source::ShardReports(_)
        | Source::TerraformPlans(_)
        | Source::TerraformPlanAgainst { .. } => {
            Err(AppError::Unplanned("a snapshot to read or collect"))
        }
    }
}

fn collect_live(aws: &AwsSource, stats: &mut RunStats) -> Result<Snapshot, AppError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;
    // Credentials are resolved lazily, by the first call, so they are timed within "collect".
    let sdk = stats.time("load config", || {
        runtime.block_on(collect::load_sdk_config(&aws.options))
    });
    let recorder = CallRecorder::default();
    let snapshot = stats.time("collect", || {
        runtime.block_on(async {
            tokio::time::timeout(
                aws.max_scan_time,
                collect::collect(&sdk, &aws.options, &recorder),
            )
            .await
            .map_err(|_| AppError::ScanTimeout(aws.max_scan_time.as_secs()))
        })
    })??;
    stats.record_operations(recorder.operation_stats());
    Ok(snapshot)
}

/// Mutes what the suppressions match (as of today) and compares with the baseline. `tags`
/// are resource tags by id, for suppressions that match on tags.
pub fn annotate(
    report: &mut Report,
    annotations: &Annotations,
    tags: &HashMap<&str, &BTreeMap<String, String>>,
) {
    if let Some(suppressions) = &annotations.suppressions {
        let today = time::OffsetDateTime::now_utc().date();
        report.apply_suppressions(&suppressions.entries, tags, today);
    }
    if let Some(baseline) = &annotations.baseline {
        report.compare_with_baseline(&baseline.findings, &baseline.file.display().to_string());
    }
}

/// The end of every run that makes a report: warnings about suppressions, the report written
/// in each planned format, `--stats`, and the exit code of the gate.
pub fn deliver(
    report: &Report,
    plan: &RunPlan,
    stats: &mut RunStats,
) -> Result<ExitCode, AppError> {
    if let (Some(suppressions), false) = (&plan.annotations.suppressions, plan.feedback.quiet) {
        let file = suppressions.file.display().to_string();
        for outcome in &report.suppressions {
            if let Some(warning) = outcome.warning(&file) {
                eprintln!("ztaudit: warning: {warning}");
            }
        }
    }
    stats.time("report", || write_report(report, &plan.outputs))?;
    print_stats(plan, stats);
    Ok(ExitCode::of(report, &plan.gate))
}

/// `--stats`, when asked for.
pub fn print_stats(plan: &RunPlan, stats: &RunStats) {
    if plan.feedback.stats {
        eprint!("{}", stats.render());
    }
}

/// Renders the report in each planned format to its destination.
fn write_report(report: &Report, outputs: &Outputs) -> Result<(), AppError> {
    let Outputs::Report(outputs) = outputs else {
        return Err(AppError::Unplanned("outputs for a report"));
    };
    for output in outputs {
        let color = output.destination == Destination::Stdout
            && std::io::stdout().is_terminal()
            && !no_color();
        let layout = report::TableLayout {
            color,
            width: output.width,
        };
        let text = report::render(report, output.format, layout);
        match &output.destination {
            Destination::Stdout => print(&text)?,
            Destination::Named(path) | Destination::InFolder(path) => {
                files::write_atomically(path, text.as_bytes())?;
                tracing::info!("wrote {}", path.display());
            }
        }
    }
    Ok(())
}

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// The clap definition, for completions and the man page.
pub fn cli_command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Writes to standard output; a closed pipe (`ztaudit … | head`) is a quiet success.
pub fn print(text: &str) -> Result<(), AppError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(AppError::Stdout(err)),
        _ => Ok(()),
    }
}
