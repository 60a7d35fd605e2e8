//! `ztaudit permissions`: the IAM policy a scan needs, made from the read-only allow-list.

use super::shared::print;
use crate::collect::allow_list;
use crate::error::AppError;
use crate::exit::ExitCode;

pub fn run() -> Result<ExitCode, AppError> {
    let policy = allow_list::iam_policy();
    print(&format!(
        "{}\n",
        serde_json::to_string_pretty(&policy).unwrap_or_default()
    ))?;
    Ok(ExitCode::Success)
}
