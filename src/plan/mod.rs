//! The run plan: everything one run of `scan`, `collect`, `policy lint` or `diff` needs, typed
//! and validated, built once from the command line and `ztaudit.toml` before anything is read
//! or collected. Commands (`crate::commands`) start from it and only read it.
//!
//! A plan says where the findings come from ([`Source`]), what is evaluated ([`Evaluation`]),
//! what annotates the findings ([`Annotations`]), when the run fails ([`Gate`]) and where it
//! is written ([`Outputs`]). [`RunPlan::build`] is the only way to make one: it reads the
//! settings file, turns the flags into a settings layer and lays it over the file's
//! (`Settings::over`, the one place where a flag and a key of the same setting meet), loads the
//! baseline, and checks every output before the first AWS call.
//!
//! What comes next is a small addition here, not a branch in a command: an organization scan
//! is more fields of [`AwsSource`] (and of `Settings`, for the same keys in the file); Terraform
//! plans and reports to merge are more [`Source`]s, evaluated, annotated, gated and written as
//! a scan's findings are.

pub mod accounts;
mod outputs;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ztaudit_checks::registry::CheckPattern;
use ztaudit_checks::{Check, CheckConfig, OptInData, Severity, CHECKS};
use ztaudit_policy::Catalogue;
use ztaudit_settings::{
    AccountSettings, FailOn, Settings, Suppression, UnusedAccessSettings, FILE_NAME,
};

use crate::cli::{
    AccountArgs, AwsArgs, CollectArgs, DiffArgs, EvaluationArgs, LintArgs, MergeArgs, PlanArgs,
    ReportArgs, ScanArgs, UnusedAccessArgs,
};
use crate::collect::CollectOptions;
use crate::error::AppError;
use crate::files;
use crate::report::baseline::PriorFinding;
use crate::report::Format;
use crate::selection;

pub use accounts::{AccountScope, ShardEnvironment};
pub use outputs::{Destination, Outputs, ReportDestinations, ReportOutput, WidthSources};

/// One run, validated.
pub struct RunPlan {
    pub source: Source,
    pub evaluation: Evaluation,
    pub annotations: Annotations,
    pub gate: Gate,
    pub outputs: Outputs,
    pub feedback: Feedback,
}

/// A command that starts from a plan, with its arguments as clap parsed them.
pub enum Request {
    Scan(Box<ScanArgs>),
    /// `ztaudit plan`: Terraform plans judged as a scan's snapshot is.
    TerraformPlan(Box<PlanArgs>),
    Collect(Box<CollectArgs>),
    PolicyLint(LintArgs),
    Diff(DiffArgs),
    Merge(MergeArgs),
}

/// Where a run's findings (or snapshot, or reports) come from.
#[derive(Debug)]
pub enum Source {
    /// Collected from AWS by this run.
    Aws(Box<AwsSource>),
    /// A snapshot saved by `ztaudit collect`; no AWS call is made.
    Snapshot(PathBuf),
    /// Several snapshots (one per account, as `collect --organization` writes them), each
    /// evaluated on its own and reported together; no AWS call is made.
    Snapshots(Vec<PathBuf>),
    /// IAM policy documents in files (`-` is standard input).
    PolicyFiles(Vec<PathBuf>),
    /// Two saved JSON reports, compared.
    Reports { old: PathBuf, new: PathBuf },
    /// The JSON reports of shards, merged.
    ShardReports(Vec<PathBuf>),
    /// Terraform plans (`terraform show -json`; `-` is standard input), mapped into snapshots.
    TerraformPlans(Vec<PathBuf>),
    /// One Terraform plan laid over a snapshot of the live account (`plan --against`): the
    /// account after apply, its findings compared with the snapshot's own.
    TerraformPlanAgainst { plan: PathBuf, snapshot: PathBuf },
}

/// How to collect from AWS.
#[derive(Debug)]
pub struct AwsSource {
    pub options: CollectOptions,
    /// The accounts beyond the caller's own (`--organization`, `--accounts`); `None` scans the
    /// caller's account alone.
    pub scope: Option<AccountScope>,
    /// How long the whole collection may take.
    pub max_scan_time: Duration,
}

/// The checks to run, and the settings they read. No check runs for `collect` and `diff`.
pub struct Evaluation {
    pub checks: Vec<&'static dyn Check>,
    pub config: CheckConfig,
}

/// What annotates the findings once evaluated.
#[derive(Debug, Default)]
pub struct Annotations {
    /// The settings file's suppressions, when it has any.
    pub suppressions: Option<Suppressions>,
    /// `--baseline`.
    pub baseline: Option<Baseline>,
}

#[derive(Debug)]
pub struct Suppressions {
    /// The settings file they are written in, named in warnings.
    pub file: PathBuf,
    pub entries: Vec<Suppression>,
}

#[derive(Debug)]
pub struct Baseline {
    /// As named on the command line.
    pub file: PathBuf,
    pub findings: Vec<PriorFinding>,
}

impl Baseline {
    fn load(file: PathBuf) -> Result<Baseline, AppError> {
        let findings = files::load_report(&file)?;
        Ok(Baseline { file, findings })
    }
}

/// When the run fails (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    pub fail_on: FailOn,
    /// Only failing findings the baseline did not have count.
    pub only_new: bool,
}

impl Gate {
    pub fn threshold(&self) -> Option<Severity> {
        self.fail_on.threshold()
    }
}

/// What the run says on stderr besides errors.
#[derive(Debug, Clone, Copy)]
pub struct Feedback {
    /// Errors only: no progress, no warnings.
    pub quiet: bool,
    /// `--stats`: calls per operation and time per phase, when done.
    pub stats: bool,
}

impl RunPlan {
    /// The plan of `request`. `quiet` is the global `--quiet`.
    pub fn build(request: Request, quiet: bool) -> Result<RunPlan, AppError> {
        match request {
            Request::Scan(args) => scan_plan(*args, quiet),
            Request::TerraformPlan(args) => terraform_plan(*args, quiet),
            Request::Collect(args) => collect_plan(*args, quiet),
            Request::PolicyLint(args) => policy_lint_plan(args, quiet),
            Request::Diff(args) => Ok(diff_plan(args, quiet)),
            Request::Merge(args) => merge_plan(args, quiet),
        }
    }
}

impl Source {
    /// The files this source reads, which no output may replace.
    pub fn inputs(&self) -> Vec<&Path> {
        match self {
            Source::Aws(_) => Vec::new(),
            Source::Snapshot(path) => vec![path.as_path()],
            Source::Snapshots(paths) | Source::ShardReports(paths) => {
                paths.iter().map(PathBuf::as_path).collect()
            }
            Source::PolicyFiles(paths) | Source::TerraformPlans(paths) => paths
                .iter()
                .map(PathBuf::as_path)
                .filter(|path| *path != Path::new("-"))
                .collect(),
            Source::Reports { old, new } => vec![old.as_path(), new.as_path()],
            Source::TerraformPlanAgainst { plan, snapshot } => [plan, snapshot]
                .into_iter()
                .map(PathBuf::as_path)
                .filter(|path| *path != Path::new("-"))
                .collect(),
        }
    }
}

/// `ztaudit scan`: flags over `ztaudit.toml`, then the checks, the baseline and the outputs.
fn scan_plan(args: ScanArgs, quiet: bool) -> Result<RunPlan, AppError> {
    let mut flags = evaluation_flags(&args.evaluation)?;
    flags.accounts = account_flags(&args.accounts);
    flags.unused_access = unused_access_flags(&args.unused);
    let shard = args.accounts.shard.clone();
    let snapshots = args.snapshot.clone();
    let aws = &args.aws;
    // The accounts to scan come from the settings (flags over the file), so the source is
    // planned once they are merged.
    let source = move |settings: &Settings, checks: &[&'static dyn Check]| {
        let scope = accounts::scope(
            &settings.accounts,
            shard.as_deref(),
            &ShardEnvironment::of_this_process(),
        )?;
        let opt_in = OptInCollection::for_checks(checks, settings);
        snapshot_source(&snapshots)?.map(Ok).unwrap_or_else(|| {
            aws_source(aws, scope, opt_in, quiet).map(|aws| Source::Aws(Box::new(aws)))
        })
    };
    report_plan(
        ReportRequest {
            evaluation: &args.evaluation,
            flags,
            report: &args.report,
            stats: args.aws.stats,
        },
        source,
        quiet,
    )
}

/// `ztaudit plan`: the plans are the source (with `--against`, one plan over a snapshot);
/// everything else is planned as for a scan, with the same settings.
fn terraform_plan(args: PlanArgs, quiet: bool) -> Result<RunPlan, AppError> {
    let source = terraform_source(args.plans, args.against)?;
    report_plan(
        ReportRequest {
            evaluation: &args.evaluation,
            flags: evaluation_flags(&args.evaluation)?,
            report: &args.report,
            stats: false,
        },
        |_: &Settings, _: &[&'static dyn Check]| Ok(source),
        quiet,
    )
}

/// The plans, or with `--against` the one plan and the live snapshot it is laid over. Several
/// plans are refused there: each would be planned against the state before the others, and
/// applying them in turn is not what Terraform does with them.
fn terraform_source(plans: Vec<PathBuf>, against: Option<PathBuf>) -> Result<Source, AppError> {
    let Some(snapshot) = against else {
        return Ok(Source::TerraformPlans(plans));
    };
    if snapshot == Path::new("-") {
        return Err(AppError::Usage(
            "--against reads a snapshot file (`ztaudit collect -o FILE`), not standard input"
                .to_owned(),
        ));
    }
    match <[PathBuf; 1]>::try_from(plans) {
        Ok([plan]) => Ok(Source::TerraformPlanAgainst { plan, snapshot }),
        Err(plans) => Err(AppError::Usage(format!(
            "--against takes one plan, not {}: lay each over the snapshot in its own run",
            plans.len()
        ))),
    }
}

/// What a command that writes a report asks for, besides its source.
struct ReportRequest<'a> {
    evaluation: &'a EvaluationArgs,
    /// The settings its flags give, laid over the file's.
    flags: Settings,
    report: &'a ReportArgs,
    stats: bool,
}

/// The plan of a run that evaluates `source` and writes a report: the settings, the checks,
/// the baseline, the gate and the outputs.
fn report_plan(
    request: ReportRequest<'_>,
    source: impl FnOnce(&Settings, &[&'static dyn Check]) -> Result<Source, AppError>,
    quiet: bool,
) -> Result<RunPlan, AppError> {
    let file = settings_file(request.evaluation.config.as_deref())?;
    let (settings_path, file_settings) = file.unzip();
    let settings = request.flags.over(file_settings.unwrap_or_default());

    let include = settings.checks.as_deref().unwrap_or_default();
    let checks: Vec<&'static dyn Check> = selection::select(
        CHECKS,
        include,
        settings.skip_checks.as_deref().unwrap_or_default(),
    )?
    .into_iter()
    .filter(|check| opted_in(check, include, &settings))
    .collect();
    if checks.is_empty() {
        return Err(selection::SelectionError::Empty.into());
    }
    let config = settings.check_config();
    let baseline = request
        .evaluation
        .baseline
        .clone()
        .map(Baseline::load)
        .transpose()?;
    let source = source(&settings, &checks)?;

    let mut inputs = source.inputs();
    inputs.extend(baseline.as_ref().map(|baseline| baseline.file.as_path()));
    inputs.extend(settings_path.as_deref());
    let outputs = report_outputs(request.report, &inputs)?;

    let suppressions = settings_path
        .filter(|_| !settings.suppressions.is_empty())
        .map(|file| Suppressions {
            file,
            entries: settings.suppressions,
        });
    Ok(RunPlan {
        source,
        evaluation: Evaluation { checks, config },
        annotations: Annotations {
            suppressions,
            baseline,
        },
        gate: Gate {
            fail_on: settings.fail_on.unwrap_or(FailOn::Critical),
            only_new: request.evaluation.fail_on_new,
        },
        outputs,
        feedback: Feedback {
            quiet,
            stats: request.stats,
        },
    })
}

/// `ztaudit collect`: the collection and the file it is written to; nothing is evaluated.
fn collect_plan(args: CollectArgs, quiet: bool) -> Result<RunPlan, AppError> {
    let scope = accounts::scope(
        &account_flags(&args.accounts),
        args.accounts.shard.as_deref(),
        &ShardEnvironment::of_this_process(),
    )?;
    let many = scope.is_some();
    let opt_in = OptInCollection {
        unused_access_days: args.unused.unused_access.then(|| {
            args.unused
                .unused_access_days
                .unwrap_or(CheckConfig::DEFAULT_UNUSED_ACCESS_DAYS)
        }),
    };
    let source = Source::Aws(Box::new(aws_source(&args.aws, scope, opt_in, quiet)?));
    let outputs = if many {
        Outputs::snapshot_folder(args.output)?
    } else {
        Outputs::snapshot(args.output, &source.inputs())?
    };
    Ok(RunPlan {
        source,
        evaluation: nothing_evaluated(),
        annotations: Annotations::default(),
        gate: Gate {
            fail_on: FailOn::Never,
            only_new: false,
        },
        outputs,
        feedback: Feedback {
            quiet,
            stats: args.aws.stats,
        },
    })
}

/// `ztaudit policy lint`: the policy-document checks over files; it reads no settings file.
fn policy_lint_plan(args: LintArgs, quiet: bool) -> Result<RunPlan, AppError> {
    let settings = Settings {
        sensitive_actions: sensitive_actions_flag(&args.sensitive_actions)?,
        ..Settings::default()
    };
    let source = Source::PolicyFiles(args.files);
    let outputs = Outputs::report(
        ReportDestinations {
            formats: &[Format::from(args.format)],
            output: args.output.as_deref(),
            output_dir: None,
            force: false,
            width: WidthSources::of_this_process(args.width),
        },
        &source.inputs(),
    )?;
    Ok(RunPlan {
        source,
        evaluation: Evaluation {
            checks: ztaudit_checks::policy_lint::lint_checks(),
            config: settings.check_config(),
        },
        annotations: Annotations::default(),
        gate: Gate {
            fail_on: args.fail_on,
            only_new: false,
        },
        outputs,
        feedback: Feedback {
            quiet,
            stats: false,
        },
    })
}

/// `ztaudit diff OLD NEW`: gated on what is new in NEW.
fn diff_plan(args: DiffArgs, quiet: bool) -> RunPlan {
    RunPlan {
        source: Source::Reports {
            old: args.old,
            new: args.new,
        },
        evaluation: nothing_evaluated(),
        annotations: Annotations::default(),
        gate: Gate {
            fail_on: args.fail_on,
            only_new: true,
        },
        outputs: Outputs::Diff(args.format.into()),
        feedback: Feedback {
            quiet,
            stats: false,
        },
    }
}

/// `ztaudit merge REPORT…`: the shards' reports, written and gated as one scan's.
fn merge_plan(args: MergeArgs, quiet: bool) -> Result<RunPlan, AppError> {
    let source = Source::ShardReports(args.reports);
    let outputs = report_outputs(&args.report, &source.inputs())?;
    Ok(RunPlan {
        source,
        evaluation: nothing_evaluated(),
        annotations: Annotations::default(),
        gate: Gate {
            fail_on: args.fail_on,
            only_new: false,
        },
        outputs,
        feedback: Feedback {
            quiet,
            stats: false,
        },
    })
}

/// The outputs `ReportArgs` ask for, none of which may replace one of `inputs`.
fn report_outputs(args: &ReportArgs, inputs: &[&Path]) -> Result<Outputs, AppError> {
    let formats: Vec<Format> = args.formats.iter().copied().map(Format::from).collect();
    Outputs::report(
        ReportDestinations {
            formats: &formats,
            output: args.output.as_deref(),
            output_dir: args.output_dir.as_deref(),
            force: args.force,
            width: WidthSources::of_this_process(args.width),
        },
        inputs,
    )
}

/// `--snapshot`: one file as it always was; several, or a folder (its `*.json` files, in
/// name order), as one snapshot per account.
fn snapshot_source(paths: &[PathBuf]) -> Result<Option<Source>, AppError> {
    match paths {
        [] => Ok(None),
        [one] if !one.is_dir() => Ok(Some(Source::Snapshot(one.clone()))),
        many => {
            let mut files = Vec::new();
            for path in many {
                if path.is_dir() {
                    files.extend(files::json_files_in(path)?);
                } else {
                    files.push(path.clone());
                }
            }
            if files.is_empty() {
                return Err(AppError::Usage(format!(
                    "--snapshot {}: no .json snapshot in this folder",
                    many[0].display()
                )));
            }
            Ok(Some(Source::Snapshots(files)))
        }
    }
}

/// The settings `--organization`, `--accounts` and the rest give: a layer laid over the file's.
fn account_flags(args: &AccountArgs) -> AccountSettings {
    AccountSettings {
        organization: args.organization.then_some(true),
        accounts: given(&args.accounts),
        exclude_accounts: given(&args.exclude_accounts),
        ous: given(&args.ous),
        account_tags: given(&args.account_tags),
        role_name: args.role_name.clone(),
        role_path: args.role_path.clone(),
        role_session_name: args.role_session_name.clone(),
        external_id: args.external_id.clone(),
        account_concurrency: args.account_concurrency,
    }
}

fn nothing_evaluated() -> Evaluation {
    Evaluation {
        checks: Vec::new(),
        config: CheckConfig::default(),
    }
}

/// `--config FILE`, or `./ztaudit.toml` when it exists, read and validated.
fn settings_file(config: Option<&Path>) -> Result<Option<(PathBuf, Settings)>, AppError> {
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

/// The settings the evaluation flags of `scan` and `plan` give: a layer laid over the file's.
/// A repeatable flag given no time gives nothing, and the file (or the default) decides.
fn evaluation_flags(args: &EvaluationArgs) -> Result<Settings, AppError> {
    Ok(Settings {
        fail_on: args.fail_on,
        checks: check_patterns(&args.checks)?,
        skip_checks: check_patterns(&args.skip_checks)?,
        admin_ports: given(&args.admin_ports),
        trusted_cidrs: given(&args.trusted_cidrs),
        trust_cloudflare: args.trust_cloudflare.then_some(true),
        sensitive_actions: sensitive_actions_flag(&args.sensitive_actions)?,
        environment_tag_keys: given(&args.environment_tag_keys),
        ..Settings::default()
    })
}

/// `--unused-access` and `--unused-access-days`: a layer over `[unused_access]`.
fn unused_access_flags(args: &UnusedAccessArgs) -> UnusedAccessSettings {
    UnusedAccessSettings {
        enabled: args.unused_access.then_some(true),
        days: args.unused_access_days,
    }
}

/// Whether `check` runs: every check that is not opt-in does; an opt-in check only when its
/// data is turned on (`--unused-access`, `[unused_access] enabled`), or when `--checks` names
/// it by id or name (a glob such as `ZT1*` does not: it would add calls per principal
/// unasked).
fn opted_in(check: &&'static dyn Check, include: &[CheckPattern], settings: &Settings) -> bool {
    let meta = check.meta();
    let named = include.iter().any(|pattern| {
        pattern.as_str().eq_ignore_ascii_case(meta.id)
            || pattern.as_str().eq_ignore_ascii_case(meta.name)
    });
    match meta.opt_in {
        None => true,
        Some(OptInData::UnusedAccess) => named || settings.unused_access.is_enabled(),
    }
}

/// The opt-in data a collection reads, decided from the checks that will run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OptInCollection {
    /// The unused-access limit in days, when the unused-access data is collected.
    pub unused_access_days: Option<u32>,
}

impl OptInCollection {
    /// What `checks` need: the unused-access data when one of them reads it.
    fn for_checks(checks: &[&'static dyn Check], settings: &Settings) -> Self {
        let needs = |data: OptInData| checks.iter().any(|c| c.meta().opt_in == Some(data));
        OptInCollection {
            unused_access_days: needs(OptInData::UnusedAccess)
                .then(|| settings.check_config().unused_access_days),
        }
    }
}

/// `--checks`/`--skip-checks` as patterns, when given.
fn check_patterns(
    texts: &[String],
) -> Result<Option<Vec<ztaudit_checks::registry::CheckPattern>>, AppError> {
    Ok(given(texts)
        .map(|texts| selection::patterns(&texts))
        .transpose()
        .map_err(selection::SelectionError::from)?)
}

/// The values of a repeatable flag, when it was given at all.
fn given<T: Clone>(values: &[T]) -> Option<Vec<T>> {
    (!values.is_empty()).then(|| values.to_vec())
}

/// `--sensitive-action`: the built-in catalogue plus the actions given.
fn sensitive_actions_flag(additions: &[String]) -> Result<Option<Catalogue>, AppError> {
    given(additions)
        .map(|additions| {
            Catalogue::builtin()
                .with_additions(&additions)
                .map_err(|err| AppError::Usage(format!("--sensitive-action: {err}")))
        })
        .transpose()
}

/// The collection `AwsArgs` describe; region names are checked here, before any call.
fn aws_source(
    aws: &AwsArgs,
    scope: Option<AccountScope>,
    opt_in: OptInCollection,
    quiet: bool,
) -> Result<AwsSource, AppError> {
    for region in &aws.regions {
        validate_region_name(region)?;
    }
    Ok(AwsSource {
        options: CollectOptions {
            profile: aws.profile.clone(),
            regions: aws.regions.clone(),
            concurrency: usize::from(aws.concurrency),
            call_timeout: Duration::from_secs(aws.timeout),
            max_attempts: aws.max_attempts,
            show_progress: !quiet && std::io::stderr().is_terminal(),
            unused_access_days: opt_in.unused_access_days,
        },
        scope,
        max_scan_time: Duration::from_secs(aws.max_scan_time),
    })
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

#[cfg(test)]
mod tests {
    use clap::Parser;
    use ztaudit_checks::Check;

    use super::*;
    use crate::cli::{Cli, Command, PolicyCommand};
    use crate::files::FileError;

    const DEMO: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/snapshots/demo-account.json"
    );

    fn request(args: &[&str]) -> Request {
        let cli = Cli::try_parse_from(std::iter::once("ztaudit").chain(args.iter().copied()))
            .expect("valid arguments");
        match cli.command {
            Command::Scan(args) => Request::Scan(args),
            Command::Policy(PolicyCommand::Lint(args)) => Request::PolicyLint(args),
            other => panic!("not a planned command in these tests: {other:?}"),
        }
    }

    fn plan(args: &[&str]) -> Result<RunPlan, AppError> {
        RunPlan::build(request(args), true)
    }

    fn ids(checks: &[&dyn Check]) -> Vec<&'static str> {
        checks.iter().map(|check| check.meta().id).collect()
    }

    fn settings_file(text: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("ztaudit.toml");
        std::fs::write(&path, text).expect("written");
        (dir, path.display().to_string())
    }

    const FILE: &str = r#"
fail_on = "never"
checks = ["ZT5*"]
admin_ports = [5432]
trusted_cidrs = ["198.51.100.0/24"]

[[suppress]]
check = "ZT501"
resource = "*"
reason = "lab account"
"#;

    #[test]
    fn the_file_decides_what_no_flag_gives() {
        let (_dir, config) = settings_file(FILE);
        let plan = plan(&["scan", "--snapshot", DEMO, "--config", &config]).expect("a plan");
        assert_eq!(plan.gate.fail_on, FailOn::Never);
        assert!(ids(&plan.evaluation.checks)
            .iter()
            .all(|id| id.starts_with("ZT5")));
        assert_eq!(plan.evaluation.config.admin_ports, [5432]);
        assert_eq!(
            plan.evaluation.config.trusted_cidrs,
            ["198.51.100.0/24".parse::<ipnet::IpNet>().expect("a CIDR")]
        );
        let suppressions = plan
            .annotations
            .suppressions
            .expect("the file's suppressions");
        assert_eq!(suppressions.file.display().to_string(), config);
        assert_eq!(suppressions.entries.len(), 1);
        assert!(matches!(plan.source, Source::Snapshot(ref path) if path == Path::new(DEMO)));
    }

    #[test]
    fn a_flag_replaces_the_files_value() {
        let (_dir, config) = settings_file(FILE);
        let plan = plan(&[
            "scan",
            "--snapshot",
            DEMO,
            "--config",
            &config,
            "--fail-on",
            "medium",
            "--checks",
            "ZT301",
            "--admin-port",
            "2222",
            "--trust-cloudflare",
        ])
        .expect("a plan");
        assert_eq!(plan.gate.fail_on, FailOn::Medium);
        assert_eq!(ids(&plan.evaluation.checks), ["ZT301"]);
        assert_eq!(plan.evaluation.config.admin_ports, [2222]);
        // Not given as a flag, the file's range stays; Cloudflare's are added to it.
        let trusted = &plan.evaluation.config.trusted_cidrs;
        assert_eq!(trusted.len(), 1 + CheckConfig::cloudflare_ranges().len());
        assert_eq!(trusted[0].to_string(), "198.51.100.0/24");
    }

    #[test]
    fn without_fail_on_anywhere_the_gate_is_critical() {
        let (_dir, config) = settings_file("checks = [\"ZT3*\"]\n");
        let plan = plan(&["scan", "--snapshot", DEMO, "--config", &config]).expect("a plan");
        assert_eq!(plan.gate.fail_on, FailOn::Critical);
        assert!(plan.annotations.suppressions.is_none());
    }

    #[test]
    fn fail_on_takes_every_severity_and_never_as_written() {
        for (value, expected) in [("info", FailOn::Info), ("never", FailOn::Never)] {
            let plan = plan(&["scan", "--snapshot", DEMO, "--fail-on", value]).expect("a plan");
            assert_eq!(plan.gate.fail_on, expected);
        }
        assert!(Cli::try_parse_from(["ztaudit", "scan", "--fail-on", "sometimes"]).is_err());
    }

    #[test]
    fn outputs_are_planned_and_checked_before_anything_is_read() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let out = dir.path().join("out");
        let out = out.to_str().expect("a UTF-8 path");
        let plan = plan(&[
            "scan",
            "--snapshot",
            DEMO,
            "--format",
            "sarif,json,sarif",
            "--output-dir",
            out,
        ])
        .expect("a plan");
        let Outputs::Report(outputs) = &plan.outputs else {
            panic!("report outputs");
        };
        let planned: Vec<(Format, &Path)> = outputs
            .iter()
            .map(|output| match &output.destination {
                Destination::InFolder(path) => (output.format, path.as_path()),
                other => panic!("{other:?}"),
            })
            .collect();
        let folder = Path::new(out);
        assert_eq!(
            planned,
            [
                (Format::Json, folder.join("ztaudit.json").as_path()),
                (Format::Sarif, folder.join("ztaudit.sarif").as_path()),
            ]
        );

        // A linted file is an input: the report may not replace it.
        let policy = dir.path().join("policy.json");
        std::fs::write(&policy, "{}").expect("written");
        let policy = policy.to_str().expect("a UTF-8 path");
        let refused = RunPlan::build(request(&["policy", "lint", policy, "-o", policy]), true);
        assert!(matches!(
            refused,
            Err(AppError::File(FileError::OutputIsInput { .. }))
        ));
    }

    #[test]
    fn a_region_name_is_checked_before_any_call() {
        let refused = plan(&["scan", "--region", "EU_WEST"]);
        assert!(
            matches!(&refused, Err(AppError::Usage(message)) if message.contains("EU_WEST")),
            "{:?}",
            refused.err()
        );
    }
}
