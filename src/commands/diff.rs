//! `ztaudit diff OLD NEW`: what is new, resolved and changed between two saved reports; exit 1
//! when something new is at or above the gate.

use super::shared::print;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::files;
use crate::plan::{Outputs, RunPlan, Source};
use crate::report::diff::Diff;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    let Source::Reports { old, new } = &plan.source else {
        return Err(AppError::Unplanned("two reports to compare"));
    };
    let Outputs::Diff(format) = plan.outputs else {
        return Err(AppError::Unplanned("a format for the diff"));
    };
    let diff = Diff::between(
        &old.display().to_string(),
        &files::load_report(old)?,
        &new.display().to_string(),
        &files::load_report(new)?,
    );
    print(&diff.render(format))?;
    Ok(if diff.breaches(plan.gate.threshold()) {
        ExitCode::Failures
    } else {
        ExitCode::Success
    })
}
