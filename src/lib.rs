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

use std::path::{Path, PathBuf};

use cli::{
    AwsArgs, ChecksArgs, Cli, CollectArgs, Command, DiffArgs, DiffFormat, FailOn, Format, LintArgs,
    ListFormat, PolicyCommand, ScanArgs,
};
use collect::{CallRecorder, CollectError, CollectOptions};
use exit::ExitCode;
use files::FileError;
use report::Report;
use selection::SelectionError;
use stats::RunStats;
use ztaudit_checks::settings::{Settings, FILE_NAME};

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
    let quiet = cli.quiet;
    match cli.command {
        Command::Scan(args) => scan(*args, quiet),
        Command::Collect(args) => collect_only(args, quiet),
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
        Command::Diff(args) => diff(args),
        Command::Schema => {
            print(&report::json_schema())?;
            Ok(ExitCode::Success)
        }
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut cli_command(), "ztaudit", &mut text);
            print(&String::from_utf8_lossy(&text))?;
            Ok(ExitCode::Success)
        }
        Command::Man => {
            let mut text = Vec::new();
            clap_mangen::Man::new(cli_command())
                .render(&mut text)
                .map_err(AppError::Stdout)?;
            print(&String::from_utf8_lossy(&text))?;
            Ok(ExitCode::Success)
        }
    }
}

fn cli_command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Where one rendering of the report goes.
enum Destination {
    Stdout,
    /// Named by `--output`: replaced atomically.
    Named(PathBuf),
    /// Chosen by `--output-dir`: must not exist unless `--force`.
    InFolder(PathBuf),
}

/// Decides, before any collection, where each format goes, and refuses what would fail or
/// clobber: several formats without a folder, an existing file without `--force`, an output
/// that is one of the run's inputs.
fn plan_outputs(args: &ScanArgs, inputs: &[&Path]) -> Result<Vec<(Format, Destination)>, AppError> {
    let mut formats = args.formats.clone();
    formats.sort();
    formats.dedup();
    let first_format = formats.first().copied().unwrap_or(Format::Table);
    let plan: Vec<(Format, Destination)> = match (&args.output, &args.output_dir) {
        (_, Some(dir)) => {
            if !dir.is_dir() {
                std::fs::create_dir_all(dir).map_err(|source| FileError::Write {
                    path: dir.clone(),
                    source,
                })?;
            }
            formats
                .into_iter()
                .map(|format| (format, Destination::InFolder(dir.join(format.file_name()))))
                .collect()
        }
        (_, None) if formats.len() > 1 => {
            return Err(AppError::Usage(
                "several formats need --output-dir (each is written to its own file)".to_owned(),
            ));
        }
        (Some(output), None) => vec![(first_format, Destination::Named(output.clone()))],
        (None, None) => vec![(first_format, Destination::Stdout)],
    };
    for (_, destination) in &plan {
        let path = match destination {
            Destination::Stdout => continue,
            Destination::Named(path) => path,
            Destination::InFolder(path) => {
                files::refuse_existing(path, args.force)?;
                path
            }
        };
        files::check_writable(path)?;
        for input in inputs {
            files::refuse_input_as_output(path, input)?;
        }
    }
    Ok(plan)
}

/// `--config FILE`, or `./ztaudit.toml` when it exists.
fn load_settings(config: Option<&Path>) -> Result<Option<(PathBuf, Settings)>, AppError> {
    let path = match config {
        Some(path) => path.to_owned(),
        None => {
            let default = PathBuf::from(FILE_NAME);
            if !default.is_file() {
                return Ok(None);
            }
            default
        }
    };
    let settings = files::load_settings(&path)?;
    tracing::info!(
        "settings from {} ({} suppressions)",
        path.display(),
        settings.suppressions.len()
    );
    Ok(Some((path, settings)))
}

/// `ztaudit diff OLD NEW`.
fn diff(args: DiffArgs) -> Result<ExitCode, AppError> {
    let old = report::baseline::load(&args.old)?;
    let new = report::baseline::load(&args.new)?;
    let diff = report::diff::Diff::between(
        &args.old.display().to_string(),
        &old,
        &args.new.display().to_string(),
        &new,
    );
    let text = match args.format {
        DiffFormat::Table => diff.render_table(),
        DiffFormat::Json => diff.render_json(),
        DiffFormat::Markdown => diff.render_markdown(),
    };
    print(&text)?;
    Ok(if diff.breaches(args.fail_on.threshold()) {
        ExitCode::Failures
    } else {
        ExitCode::Success
    })
}

/// A list given on the command line replaces the settings file's; `None` when neither has one.
fn flag_or_file<T: Clone>(flag: &[T], file: &Option<Vec<T>>) -> Option<Vec<T>> {
    if flag.is_empty() {
        file.clone()
    } else {
        Some(flag.to_vec())
    }
}

fn scan(args: ScanArgs, quiet: bool) -> Result<ExitCode, AppError> {
    // Validate everything the user gave before a long collection. A flag given on the command
    // line replaces the settings file's value.
    let loaded = load_settings(args.config.as_deref())?;
    let no_settings = Settings::default();
    let settings = loaded
        .as_ref()
        .map_or(&no_settings, |(_, settings)| settings);
    let checks = selection::select(
        CHECKS,
        &flag_or_file(&args.checks, &settings.checks).unwrap_or_default(),
        &flag_or_file(&args.skip_checks, &settings.skip_checks).unwrap_or_default(),
    )?;
    let mut config = with_sensitive_actions(
        &flag_or_file(&args.sensitive_actions, &settings.sensitive_actions).unwrap_or_default(),
    )?;
    if let Some(ports) = flag_or_file(&args.admin_ports, &settings.admin_ports) {
        config.admin_ports = ports;
    }
    config.trusted_cidrs =
        flag_or_file(&args.trusted_cidrs, &settings.trusted_cidrs).unwrap_or_default();
    if args.trust_cloudflare || settings.trust_cloudflare == Some(true) {
        config
            .trusted_cidrs
            .extend(CheckConfig::cloudflare_ranges());
    }
    let tag_keys = flag_or_file(&args.environment_tag_keys, &settings.environment_tag_keys);
    if let Some(tag_keys) = tag_keys.filter(|keys| !keys.is_empty()) {
        config.environment_tag_keys = tag_keys;
    }
    let threshold = match args.fail_on {
        Some(fail_on) => fail_on.threshold(),
        None => settings
            .fail_on
            .unwrap_or_else(|| FailOn::Critical.threshold()),
    };
    let baseline = args
        .baseline
        .as_deref()
        .map(report::baseline::load)
        .transpose()?;
    let mut inputs: Vec<&Path> = Vec::new();
    inputs.extend(args.snapshot.as_deref());
    inputs.extend(args.baseline.as_deref());
    inputs.extend(loaded.as_ref().map(|(path, _)| path.as_path()));
    let outputs = plan_outputs(&args, &inputs)?;

    let mut stats = RunStats::default();
    let snapshot = match &args.snapshot {
        Some(path) => stats.time("load snapshot", || files::load_snapshot(path))?,
        None => collect_live(&args.aws, &mut stats, quiet)?,
    };
    tracing::info!(
        "evaluating {} checks on account {} ({} regions)",
        checks.len(),
        snapshot.account,
        snapshot.regions.len()
    );
    let report = stats.time("evaluate", || {
        let findings = evaluate(&checks, &snapshot, &config);
        let mut report = Report::new(&snapshot, &checks, findings);
        if !settings.suppressions.is_empty() {
            let today = time::OffsetDateTime::now_utc().date();
            report.apply_suppressions(
                &settings.suppressions,
                &snapshot.tags_by_resource_id(),
                today,
            );
        }
        if let (Some(baseline), Some(path)) = (&baseline, &args.baseline) {
            report.compare_with_baseline(baseline, &path.display().to_string());
        }
        report
    });
    if let (Some((path, _)), false) = (&loaded, quiet) {
        for outcome in &report.suppressions {
            if let Some(warning) = outcome.warning(&path.display().to_string()) {
                eprintln!("ztaudit: warning: {warning}");
            }
        }
    }
    stats.time("report", || emit_all(&report, &outputs))?;
    if args.aws.stats {
        eprint!("{}", stats.render());
    }
    Ok(ExitCode::of(&report, threshold, args.fail_on_new))
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
    let destination = match &args.output {
        Some(path) => Destination::Named(path.clone()),
        None => Destination::Stdout,
    };
    emit_all(&report, &[(args.format, destination)])?;
    Ok(if bad_input {
        ExitCode::Usage
    } else {
        ExitCode::of(&report, args.fail_on.threshold(), false)
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

/// Renders the report in each planned format to its destination.
fn emit_all(report: &Report, outputs: &[(Format, Destination)]) -> Result<(), AppError> {
    for (format, destination) in outputs {
        let color = matches!(destination, Destination::Stdout)
            && std::io::stdout().is_terminal()
            && !no_color();
        let text = report::render(report, *format, color);
        match destination {
            Destination::Stdout => print(&text)?,
            Destination::Named(path) | Destination::InFolder(path) => {
                files::write_atomically(path, text.as_bytes())?;
                tracing::info!("wrote {}", path.display());
            }
        }
    }
    Ok(())
}

fn collect_only(args: CollectArgs, quiet: bool) -> Result<ExitCode, AppError> {
    files::check_writable(&args.output)?;
    let mut stats = RunStats::default();
    let snapshot = collect_live(&args.aws, &mut stats, quiet)?;
    stats.time("write snapshot", || {
        let mut text = serde_json::to_string_pretty(&snapshot).unwrap_or_default();
        text.push('\n');
        files::write_atomically(&args.output, text.as_bytes())
    })?;
    if args.aws.stats {
        eprint!("{}", stats.render());
    }
    let errors = snapshot.call_errors().len();
    if !quiet {
        eprintln!(
            "wrote {} ({} regions, {} API calls, {} failed)",
            args.output.display(),
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

fn collect_live(aws: &AwsArgs, stats: &mut RunStats, quiet: bool) -> Result<Snapshot, AppError> {
    for region in &aws.regions {
        validate_region_name(region)?;
    }
    let options = CollectOptions {
        profile: aws.profile.clone(),
        regions: aws.regions.clone(),
        concurrency: usize::from(aws.concurrency),
        call_timeout: Duration::from_secs(aws.timeout),
        max_attempts: aws.max_attempts,
        show_progress: !quiet && std::io::stderr().is_terminal(),
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
    stats.record_operations(recorder.operation_stats());
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
