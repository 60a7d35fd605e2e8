//! `ztaudit completions SHELL`: a completion script, generated from the clap definition.

use super::shared::{cli_command, print};
use crate::error::AppError;
use crate::exit::ExitCode;

pub fn run(shell: clap_complete::Shell) -> Result<ExitCode, AppError> {
    let mut text = Vec::new();
    clap_complete::generate(shell, &mut cli_command(), "ztaudit", &mut text);
    print(&String::from_utf8_lossy(&text))?;
    Ok(ExitCode::Success)
}
