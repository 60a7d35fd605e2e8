//! The command line, as clap parses it: raw values only. [`crate::plan::RunPlan::build`] turns
//! the arguments of a command, with `ztaudit.toml`, into the validated plan the command runs
//! from. clap's derives stay here: the report layer and the settings crate know nothing of clap.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ztaudit_settings::FailOn;

#[derive(Debug, Parser)]
#[command(
    name = "ztaudit",
    version,
    about = "Audit an AWS account's Zero Trust posture",
    after_help = "Exit codes: 0 no failing finding at or above --fail-on; 1 at least one; \
                  2 usage, configuration or input error; 3 scan incomplete (some results are ERROR) \
                  and nothing breached the threshold."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing on stderr but errors (no progress, no warnings).
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log what ztaudit does on stderr: -v info, -vv debug, -vvv every AWS call (ZTAUDIT_LOG
    /// takes a full tracing filter instead).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect from AWS (or read a saved snapshot), run the checks and report.
    Scan(Box<ScanArgs>),
    /// Collect from AWS and write the snapshot only.
    Collect(Box<CollectArgs>),
    /// Judge a Terraform plan (`terraform show -json PLANFILE`) with the checks a scan runs;
    /// same formats, suppressions, baselines, gate and exit codes as `scan`.
    Plan(Box<PlanArgs>),
    /// List every check: id, severity, pillar, title.
    Checks(ChecksArgs),
    /// Work with IAM policy documents kept in files.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print the IAM policy a scan needs: exactly the read-only actions ztaudit may call.
    Permissions,
    /// Explain one check: rationale, what passes and fails, remediation.
    Explain {
        /// Check id (`ZT301`) or name (`security-group-open-to-internet`).
        id: String,
    },
    /// Compare two JSON reports: what is new, resolved and changed. Exit 1 when something new
    /// is at or above --fail-on.
    Diff(DiffArgs),
    /// Combine the JSON reports of shards (`scan --shard K/N`) into one report, the score
    /// recomputed over every account. Exit 3 when an account of the selection is missing.
    Merge(MergeArgs),
    /// Print the JSON Schema of the JSON report.
    Schema,
    /// Print a shell completion script (e.g. `ztaudit completions bash > /etc/bash_completion.d/ztaudit`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `ztaudit man > ztaudit.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report.
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// `table`, `json` or `markdown`.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Exit 1 when a new failing finding is at or above this severity.
    #[arg(long, value_parser = fail_on_values(), default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Judge policy files (JSON, or Terraform JSON holding policies) with the identity checks;
    /// same formats and exit codes as `scan`.
    Lint(LintArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy files; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a failing finding is at or above this severity.
    #[arg(long, value_parser = fail_on_values(), default_value_t = FailOn::High)]
    pub fail_on: FailOn,
    /// An action to add to the sensitive-action catalogue (`service:Action`); repeat for several.
    #[arg(long = "sensitive-action", value_name = "ACTION")]
    pub sensitive_actions: Vec<String>,
    /// Width of the table in columns; 0 means no limit [default: the terminal's width; off a
    /// terminal, COLUMNS or 120]. Only the Finding column wraps.
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,
}

/// Where and how to reach AWS.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// Named profile from the AWS config files (default: the default credential chain).
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Region to scan; repeat for several (default: every region enabled for the account).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Most AWS calls in flight at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Seconds one attempt of an API call may take; the call with all its retries gets three
    /// times as long before it is recorded as timed out.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Attempts per API call, the first included: the SDK retries throttling and transient
    /// errors with adaptive backoff up to this many times.
    #[arg(long, env = "ZTAUDIT_MAX_ATTEMPTS", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: u32,
    /// Seconds the whole collection may take; past it the run stops with an error (exit 2)
    /// rather than hang.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub max_scan_time: u64,
    /// When done, print on stderr the calls made per operation (retries, throttling, failures,
    /// time) and the time of each phase.
    #[arg(long)]
    pub stats: bool,
}

/// The opt-in unused-access data (ZT118): off by default, because it costs calls per user and
/// role (see the README's "Unused access" section).
#[derive(Debug, Args, Default)]
pub struct UnusedAccessArgs {
    /// Collect when each user and role last used each service it is granted (IAM Access
    /// Analyzer's unused-access findings, or IAM's service last-accessed reports), and run
    /// ZT118 unused-service-access.
    #[arg(long)]
    pub unused_access: bool,
    /// Days without use after which a granted service is unused (1 to 400) [default: 90, or
    /// ztaudit.toml's unused_access.days].
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).try_map(ztaudit_settings::parse_unused_access_days))]
    pub unused_access_days: Option<u32>,
}

/// Which accounts to scan beyond the caller's own, and how to reach them. Every value is
/// validated by the parser `ztaudit.toml` uses for the same key.
#[derive(Debug, Args, Default)]
pub struct AccountArgs {
    /// Scan every ACTIVE account of the organization (run with the management account's or a
    /// delegated administrator's credentials), each through --role-name.
    #[arg(long)]
    pub organization: bool,
    /// The role assumed in each account (`arn:PARTITION:iam::ACCOUNT:role/PATH/ROLE`).
    #[arg(long, value_name = "ROLE", value_parser = ztaudit_settings::accounts::parse_role_name)]
    pub role_name: Option<String>,
    /// The role's path, when it has one (`/security/`).
    #[arg(long, value_name = "PATH", value_parser = ztaudit_settings::accounts::parse_role_path)]
    pub role_path: Option<String>,
    /// The external id the role's trust policy asks for.
    #[arg(long, value_name = "ID", value_parser = ztaudit_settings::accounts::parse_external_id)]
    pub external_id: Option<String>,
    /// The session name of the assumed roles, as CloudTrail records it [default: ztaudit].
    #[arg(long, value_name = "NAME", value_parser = ztaudit_settings::accounts::parse_role_session_name)]
    pub role_session_name: Option<String>,
    /// Only these accounts (comma-separated or repeated); without --organization, a plain list
    /// of accounts reached through --role-name.
    #[arg(long, value_delimiter = ',', value_name = "ID", value_parser = ztaudit_settings::accounts::parse_account_id)]
    pub accounts: Vec<String>,
    /// Never these accounts.
    #[arg(long, value_delimiter = ',', value_name = "ID", value_parser = ztaudit_settings::accounts::parse_account_id)]
    pub exclude_accounts: Vec<String>,
    /// Only accounts in this OU or any OU below it (`ou-ab12-cd34ef56`, or a root `r-ab12`);
    /// repeat for several.
    #[arg(long = "ou", value_delimiter = ',', value_name = "OU", value_parser = ztaudit_settings::accounts::parse_ou_id)]
    pub ous: Vec<String>,
    /// Only accounts with this tag (`KEY=VALUE`); repeat to require several.
    #[arg(long = "account-tag", value_name = "KEY=VALUE")]
    pub account_tags: Vec<ztaudit_settings::AccountTag>,
    /// Accounts scanned at once, each with its own --concurrency [default: 4].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).try_map(ztaudit_settings::accounts::parse_account_concurrency))]
    pub account_concurrency: Option<u16>,
    /// Scan only shard K of N (0-based) of the selected accounts, dealt over their sorted ids
    /// [default: AWS_BATCH_JOB_ARRAY_INDEX/AWS_BATCH_JOB_ARRAY_SIZE, or JOB_COMPLETION_INDEX
    /// with N from this flag].
    #[arg(long, value_name = "K/N", allow_hyphen_values = true)]
    pub shard: Option<String>,
}

/// `--fail-on-new` needs what findings are compared with: the `comparison` group.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("comparison").args(["baseline"])))]
pub struct ScanArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub unused: UnusedAccessArgs,
    /// Evaluate snapshots saved by `ztaudit collect` (files, or a folder of `ACCOUNT.json`
    /// files written by `collect --organization`); no AWS call is made.
    #[arg(long, value_name = "FILE|DIR", num_args = 1.., conflicts_with_all = ["profile", "regions", "organization", "accounts"])]
    pub snapshot: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub evaluation: EvaluationArgs,
}

/// Where and how a report is written: every command that writes one takes these.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report formats, comma-separated or repeated; more than one needs --output-dir.
    #[arg(
        long = "format",
        value_enum,
        value_delimiter = ',',
        default_value = "table",
        value_name = "FORMAT"
    )]
    pub formats: Vec<Format>,
    /// Write the report to FILE (atomically; an existing FILE is replaced) instead of standard
    /// output.
    #[arg(long, short = 'o', value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,
    /// Width of the table in columns; 0 means no limit [default: the terminal's width; off a
    /// terminal, COLUMNS or 120]. Only the Finding column wraps.
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,
    /// Write each format to its own file in DIR (`ztaudit.json`, `ztaudit.sarif`, …); existing
    /// files are refused unless --force.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Replace existing files in --output-dir.
    #[arg(long, requires = "output_dir")]
    pub force: bool,
}

/// What is evaluated, with which settings, and when the run fails: `scan` and `plan` take
/// these, so a plan is judged with the settings a scan of the same account would use.
#[derive(Debug, Args)]
pub struct EvaluationArgs {
    /// Settings and suppressions (default: ./ztaudit.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A previous JSON report: failing findings are marked new or unchanged, and what it had
    /// failing that passes now is listed as resolved.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Gate only on failing findings the baseline (or, for `plan --against`, the live
    /// snapshot) did not have.
    #[arg(long, requires = "comparison")]
    pub fail_on_new: bool,
    /// Checks to run: ids or names, globs welcome (`ZT3*`), comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub checks: Vec<String>,
    /// Checks to skip: ids or names, globs welcome.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub skip_checks: Vec<String>,
    /// Exit 1 when a failing finding is at or above this severity [default: critical, or
    /// ztaudit.toml's fail_on]. UNDECIDED findings (of a plan) never count.
    #[arg(long, value_parser = fail_on_values())]
    pub fail_on: Option<FailOn>,
    /// TCP ports treated as administrative doors (default: 22 and 3389); repeat for several.
    #[arg(long = "admin-port", value_name = "PORT")]
    pub admin_ports: Vec<u16>,
    /// An action to add to the sensitive-action catalogue (`service:Action`); repeat for several.
    #[arg(long = "sensitive-action", value_name = "ACTION")]
    pub sensitive_actions: Vec<String>,
    /// A source range the "open to the internet" checks treat as trusted, not the internet (a
    /// corporate range); repeat for several.
    #[arg(long = "trusted-cidr", value_name = "CIDR", value_parser = ztaudit_settings::parse_cidr)]
    pub trusted_cidrs: Vec<ipnet::IpNet>,
    /// Trust Cloudflare's published ranges (traffic that arrives through Cloudflare Zero Trust).
    #[arg(long)]
    pub trust_cloudflare: bool,
    /// Tag key naming a VPC's or instance's environment (default: Environment and env); repeat
    /// for several.
    #[arg(long = "environment-tag-key", value_name = "KEY")]
    pub environment_tag_keys: Vec<String>,
}

/// `--baseline` and `--against` both give what findings are compared with: one at a time.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("comparison").args(["baseline", "against"])))]
pub struct PlanArgs {
    /// Plans as `terraform show -json PLANFILE` (or `tofu show -json`) writes them; `-` reads
    /// standard input.
    #[arg(required = true, value_name = "PLAN.json")]
    pub plans: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub evaluation: EvaluationArgs,
    /// The account after apply: the plan laid over this snapshot of the live account
    /// (`ztaudit collect -o`), every check run on it, and its findings marked introduced by
    /// the plan (new), unchanged or resolved against the snapshot's own. Takes one plan.
    #[arg(long, value_name = "SNAPSHOT.json")]
    pub against: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub unused: UnusedAccessArgs,
    /// Where to write the snapshot (atomically; an existing file is replaced); with several
    /// accounts, a folder that receives one `ACCOUNT.json` per account.
    #[arg(long, short = 'o', value_name = "FILE|DIR")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The JSON reports of the shards (`scan --shard K/N --format json`).
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Exit 1 when a failing finding is at or above this severity.
    #[arg(long, value_parser = fail_on_values(), default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// `table`, `json`, or `markdown` (the README's check list).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Markdown,
}

/// `--fail-on`: the values of [`FailOn`], the one type the flag and `ztaudit.toml` share.
fn fail_on_values() -> impl TypedValueParser<Value = FailOn> {
    PossibleValuesParser::new(FailOn::names()).try_map(|name| name.parse::<FailOn>())
}

/// `--format` of `scan` and `policy lint`: every way a report can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum Format {
    /// Tables for the terminal.
    Table,
    /// The native report (`ztaudit schema` is its JSON Schema).
    Json,
    /// SARIF 2.1.0, for GitHub and GitLab code scanning.
    Sarif,
    /// JUnit XML: a test suite per check, a test case per resource.
    Junit,
    /// OCSF Detection Finding (class 2004) records, as Security Lake takes them.
    Ocsf,
    /// One row per finding.
    Csv,
    /// A short summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
    Markdown,
    /// One self-contained page for auditors.
    Html,
}

impl From<Format> for crate::report::Format {
    fn from(format: Format) -> Self {
        use crate::report::Format as Report;
        match format {
            Format::Table => Report::Table,
            Format::Json => Report::Json,
            Format::Sarif => Report::Sarif,
            Format::Junit => Report::Junit,
            Format::Ocsf => Report::Ocsf,
            Format::Csv => Report::Csv,
            Format::Markdown => Report::Markdown,
            Format::Html => Report::Html,
        }
    }
}

impl From<DiffFormat> for crate::report::diff::DiffFormat {
    fn from(format: DiffFormat) -> Self {
        use crate::report::diff::DiffFormat as Diff;
        match format {
            DiffFormat::Table => Diff::Table,
            DiffFormat::Json => Diff::Json,
            DiffFormat::Markdown => Diff::Markdown,
        }
    }
}
