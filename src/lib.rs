//! ztaudit: audit an AWS account's Zero Trust posture.
//!
//! The data path is `collect → snapshot → checks → report`: [`collect`] reads the account with
//! the AWS SDK into a snapshot (`ztaudit_checks::Snapshot`), the checks crate turns the snapshot
//! into findings, and [`report`] renders them. [`run`] wires a parsed command line through it
//! and decides the exit code.

pub mod catalog;
pub mod cli;
pub mod collect;
pub mod exit;
pub mod files;
pub mod logging;
pub mod policy_files;
pub mod report;
pub mod selection;
pub mod stats;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use ztaudit_checks::{evaluate, registry, CheckConfig, Snapshot, CHECKS};

use cli::{
    AwsArgs, ChecksArgs, Cli, CollectArgs, Command, Format, LintArgs, ListFormat, PolicyCommand,
    ScanArgs,
};
use collect::{CallRecorder, CollectError, CollectOptions};
use exit::ExitCode;
use files::FileError;
use report::Report;
use selection::SelectionError;
use stats::RunStats;

/// Errors that end a run with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Collect(#[from] CollectError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    #[error("the collection did not finish within {0} s (--max-scan-time); raise it, or scan fewer regions with --region")]
    ScanTimeout(u64),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

pub fn run(cli: Cli) -> Result<ExitCode, AppError> {
    match cli.command {
        Command::Scan(args) => scan(args),
        Command::Collect(args) => collect_only(args),
        Command::Checks(ChecksArgs { format }) => {
            let text = match format {
                ListFormat::Table => catalog::list_table(CHECKS),
                ListFormat::Json => catalog::list_json(CHECKS),
                ListFormat::Markdown => catalog::list_markdown(CHECKS),
            };
            print(&text)?;
            Ok(ExitCode::Success)
        }
        Command::Policy(PolicyCommand::Lint(args)) => lint_policies(args),
        Command::Permissions => {
            let policy = collect::allow_list::iam_policy();
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&policy).unwrap_or_default()
            ))?;
            Ok(ExitCode::Success)
        }
        Command::Explain { id } => {
            let check = registry::find(&id).ok_or_else(|| {
                AppError::Usage(format!("unknown check `{id}` (see `ztaudit checks`)"))
            })?;
            print(&catalog::explain(check.meta()))?;
            Ok(ExitCode::Success)
        }
    }
}

fn scan(args: ScanArgs) -> Result<ExitCode, AppError> {
    // Validate everything the user gave before a long collection.
    let checks = selection::select(CHECKS, &args.checks, &args.skip_checks)?;
    let mut config = with_sensitive_actions(&args.sensitive_actions)?;
    if !args.admin_ports.is_empty() {
        config.admin_ports = args.admin_ports.clone();
    }
    config.trusted_cidrs = args.trusted_cidrs.clone();
    if args.trust_cloudflare {
        config
            .trusted_cidrs
            .extend(CheckConfig::cloudflare_ranges());
    }
    if !args.environment_tag_keys.is_empty() {
        config.environment_tag_keys = args.environment_tag_keys.clone();
    }
    if let Some(output) = &args.output {
        files::check_writable(output)?;
        if let Some(snapshot) = &args.snapshot {
            files::refuse_input_as_output(output, snapshot)?;
        }
    }
    let mut stats = RunStats::default();
    let snapshot = match &args.snapshot {
        Some(path) => stats.time("load snapshot", || files::load_snapshot(path))?,
        None => collect_live(&args.aws, &mut stats)?,
    };
    let report = stats.time("evaluate", || {
        let findings = evaluate(&checks, &snapshot, &config);
        Report::new(&snapshot, &checks, findings)
    });
    stats.time("report", || {
        emit(&report, args.format, args.output.as_deref())
    })?;
    if args.aws.stats {
        eprint!("{}", stats.render());
    }
    Ok(ExitCode::of(&report, args.fail_on.threshold()))
}

/// `ztaudit policy lint`: every readable document is judged and reported; unreadable or
/// invalid files are reported on stderr and make the exit code 2, as bad input does.
fn lint_policies(args: LintArgs) -> Result<ExitCode, AppError> {
    if let Some(output) = &args.output {
        files::check_writable(output)?;
    }
    let config = with_sensitive_actions(&args.sensitive_actions)?;
    let checks = ztaudit_checks::policy_lint::lint_checks();
    let mut findings = Vec::new();
    let mut names = Vec::new();
    let mut bad_input = false;
    for path in &args.files {
        match policy_files::read_policies(path) {
            Ok(found) => {
                for policy in found {
                    findings.extend(ztaudit_checks::policy_lint::lint_document(
                        &policy.name,
                        &policy.document,
                        &config,
                    ));
                    names.push(policy.name);
                }
            }
            Err(message) => {
                eprintln!("ztaudit: error: {message}");
                bad_input = true;
            }
        }
    }
    let report = Report::for_policies(&checks, findings, names);
    emit(&report, args.format, args.output.as_deref())?;
    Ok(if bad_input {
        ExitCode::Usage
    } else {
        ExitCode::of(&report, args.fail_on.threshold())
    })
}

/// The default check settings, with `additions` added to the sensitive-action catalogue.
fn with_sensitive_actions(additions: &[String]) -> Result<CheckConfig, AppError> {
    let mut config = CheckConfig::default();
    config.sensitive_actions = config
        .sensitive_actions
        .with_additions(additions)
        .map_err(|err| AppError::Usage(format!("--sensitive-action: {err}")))?;
    Ok(config)
}

/// Renders the report in `format` to `output`, or to standard output.
fn emit(report: &Report, format: Format, output: Option<&std::path::Path>) -> Result<(), AppError> {
    let text = match format {
        Format::Json => report::render_json(report),
        Format::Table => {
            let color = output.is_none() && std::io::stdout().is_terminal() && !no_color();
            report::render_table(report, color)
        }
    };
    match output {
        Some(path) => files::write_atomically(path, text.as_bytes())?,
        None => print(&text)?,
    }
    Ok(())
}

fn collect_only(args: CollectArgs) -> Result<ExitCode, AppError> {
    files::check_writable(&args.output)?;
    let mut stats = RunStats::default();
    let snapshot = collect_live(&args.aws, &mut stats)?;
    stats.time("write snapshot", || {
        let mut text = serde_json::to_string_pretty(&snapshot).unwrap_or_default();
        text.push('\n');
        files::write_atomically(&args.output, text.as_bytes())
    })?;
    if args.aws.stats {
        eprint!("{}", stats.render());
    }
    let errors = snapshot.call_errors().len();
    eprintln!(
        "wrote {} ({} regions, {} API calls, {} failed)",
        args.output.display(),
        snapshot.regions.len(),
        snapshot.collection.api_calls,
        errors
    );
    Ok(if errors > 0 {
        ExitCode::Incomplete
    } else {
        ExitCode::Success
    })
}

fn collect_live(aws: &AwsArgs, stats: &mut RunStats) -> Result<Snapshot, AppError> {
    for region in &aws.regions {
        validate_region_name(region)?;
    }
    let options = CollectOptions {
        profile: aws.profile.clone(),
        regions: aws.regions.clone(),
        concurrency: usize::from(aws.concurrency),
        call_timeout: Duration::from_secs(aws.timeout),
        max_attempts: aws.max_attempts,
        show_progress: std::io::stderr().is_terminal(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;
    // Credentials are resolved lazily, by the first call, so they are timed within "collect".
    let sdk = stats.time("load config", || {
        runtime.block_on(collect::load_sdk_config(&options))
    });
    let recorder = CallRecorder::default();
    let deadline = Duration::from_secs(aws.max_scan_time);
    let snapshot = stats.time("collect", || {
        runtime.block_on(async {
            tokio::time::timeout(deadline, collect::collect(&sdk, &options, &recorder))
                .await
                .map_err(|_| AppError::ScanTimeout(aws.max_scan_time))
        })
    })??;
    stats.record_operations(recorder.snapshot());
    Ok(snapshot)
}

/// Region names look like `eu-west-1` or `us-gov-west-1`; anything else is a typo, caught
/// before any call is made.
fn validate_region_name(region: &str) -> Result<(), AppError> {
    let parts: Vec<&str> = region.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
    if well_formed {
        Ok(())
    } else {
        Err(AppError::Usage(format!(
            "invalid region name `{region}` (expected e.g. eu-west-1)"
        )))
    }
}

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// Writes to standard output; a closed pipe (`ztaudit … | head`) is a quiet success.
fn print(text: &str) -> Result<(), AppError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(AppError::Stdout(err)),
        _ => Ok(()),
    }
}
