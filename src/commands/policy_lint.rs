//! `ztaudit policy lint`: the plan's policy-document checks over the documents of its files,
//! written and gated as a scan's report is. Unreadable or invalid files are reported on stderr
//! and make the exit code 2, as bad input does; every readable document is still judged.

use std::collections::HashMap;

use ztaudit_checks::policy_lint::lint_document;

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::plan::{RunPlan, Source};
use crate::policy_files;
use crate::report::Report;
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    let Source::PolicyFiles(paths) = &plan.source else {
        return Err(AppError::Unplanned("policy files"));
    };
    let mut findings = Vec::new();
    let mut names = Vec::new();
    let mut bad_input = false;
    for path in paths {
        match policy_files::read_policies(path) {
            Ok(found) => {
                for policy in found {
                    findings.extend(lint_document(
                        &policy.name,
                        &policy.document,
                        &plan.evaluation.config,
                    ));
                    names.push(policy.name);
                }
            }
            Err(message) => {
                eprintln!("ztaudit: error: {message}");
                bad_input = true;
            }
        }
    }
    let mut report = Report::for_policies(&plan.evaluation.checks, findings, names);
    shared::annotate(&mut report, &plan.annotations, &HashMap::new());
    let code = shared::deliver(&report, plan, &mut RunStats::default())?;
    Ok(if bad_input { ExitCode::Usage } else { code })
}
