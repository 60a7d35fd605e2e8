//! ztaudit: audit an AWS account's Zero Trust posture.
//!
//! The data path is `collect → snapshot → checks → report`: [`collect`] reads the account with
//! the AWS SDK into a snapshot (`ztaudit_checks::Snapshot`), the checks crate turns the snapshot
//! into findings, and [`report`] renders them. [`cli`] is the command line as clap parses it;
//! [`plan`] validates it, with `ztaudit.toml` (the `ztaudit-settings` crate), into the one
//! [`plan::RunPlan`] a command starts from; [`commands`] holds one file per command. [`run`]
//! only dispatches.

pub mod catalog;
pub mod cli;
pub mod collect;
pub mod commands;
pub mod error;
pub mod exit;
pub mod files;
pub mod logging;
pub mod organization;
pub mod plan;
pub mod policy_files;
pub mod report;
pub mod selection;
pub mod stats;

use cli::{Cli, Command, PolicyCommand};
use error::AppError;
use exit::ExitCode;
use plan::{Request, RunPlan};

/// Runs the command of `cli` and says how the run ended.
pub fn run(cli: Cli) -> Result<ExitCode, AppError> {
    let planned = |request| RunPlan::build(request, cli.quiet);
    match cli.command {
        Command::Scan(args) => commands::scan::run(&planned(Request::Scan(args))?),
        Command::Collect(args) => commands::collect::run(&planned(Request::Collect(args))?),
        Command::Plan(args) => commands::plan::run(&planned(Request::TerraformPlan(args))?),
        Command::Policy(PolicyCommand::Lint(args)) => {
            commands::policy_lint::run(&planned(Request::PolicyLint(args))?)
        }
        Command::Diff(args) => commands::diff::run(&planned(Request::Diff(args))?),
        Command::Merge(args) => commands::merge::run(&planned(Request::Merge(args))?),
        Command::Checks(args) => commands::checks::run(args.format),
        Command::Explain { id } => commands::explain::run(&id),
        Command::Permissions => commands::permissions::run(),
        Command::Schema => commands::schema::run(),
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Man => commands::man::run(),
    }
}
