//! `ztaudit checks`: every check of the registry, as a table, JSON or the README's Markdown.

use ztaudit_checks::CHECKS;

use super::shared::print;
use crate::catalog;
use crate::cli::ListFormat;
use crate::error::AppError;
use crate::exit::ExitCode;

pub fn run(format: ListFormat) -> Result<ExitCode, AppError> {
    let text = match format {
        ListFormat::Table => catalog::list_table(CHECKS),
        ListFormat::Json => catalog::list_json(CHECKS),
        ListFormat::Markdown => catalog::list_markdown(CHECKS),
    };
    print(&text)?;
    Ok(ExitCode::Success)
}
