//! `ztaudit schema`: the JSON Schema of the JSON report.

use super::shared::print;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::report;

pub fn run() -> Result<ExitCode, AppError> {
    print(&report::json_schema())?;
    Ok(ExitCode::Success)
}
