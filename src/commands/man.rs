//! `ztaudit man`: the man page (roff), generated from the clap definition.

use super::shared::{cli_command, print};
use crate::error::AppError;
use crate::exit::ExitCode;

pub fn run() -> Result<ExitCode, AppError> {
    let mut text = Vec::new();
    clap_mangen::Man::new(cli_command())
        .render(&mut text)
        .map_err(AppError::Stdout)?;
    print(&String::from_utf8_lossy(&text))?;
    Ok(ExitCode::Success)
}
