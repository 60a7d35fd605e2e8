//! `ztaudit explain ID`: one check's rationale, verdicts and remediation.

use ztaudit_checks::registry;

use super::shared::print;
use crate::catalog;
use crate::error::AppError;
use crate::exit::ExitCode;

pub fn run(id: &str) -> Result<ExitCode, AppError> {
    let check = registry::find(id)
        .ok_or_else(|| AppError::Usage(format!("unknown check `{id}` (see `ztaudit checks`)")))?;
    print(&catalog::explain(check.meta()))?;
    Ok(ExitCode::Success)
}
