//! `ztaudit scan`: the snapshot of the plan's source (collected now, or read from a file),
//! evaluated, annotated, written and gated; or, for a scan of many accounts (an organization,
//! a list of accounts, several snapshots), each account's snapshot evaluated as soon as it is
//! read and dropped, and the findings of all reported together with their coverage.

use std::collections::{BTreeMap, HashMap};

use ztaudit_checks::evaluate;

use super::shared;
use crate::error::AppError;
use crate::exit::ExitCode;
use crate::organization::{self, AccountSink, AccountsScanned};
use crate::plan::{RunPlan, Source};
use crate::report::coverage::checks_digest;
use crate::report::Report;
use crate::stats::RunStats;

pub fn run(plan: &RunPlan) -> Result<ExitCode, AppError> {
    let checks = &plan.evaluation.checks;
    let config = &plan.evaluation.config;
    let mut stats = RunStats::default();
    let digest = || checks_digest(checks, config);
    let many = match &plan.source {
        Source::Aws(aws) => match &aws.scope {
            Some(scope) => Some(stats.time("scan accounts", || {
                organization::scan_accounts(
                    aws,
                    scope,
                    AccountSink::Evaluate { checks, config },
                    digest(),
                )
            })?),
            None => None,
        },
        Source::Snapshots(paths) => Some(stats.time("evaluate snapshots", || {
            organization::evaluate_snapshots(paths, checks, config, digest())
        })?),
        _ => None,
    };
    if let Some(scanned) = many {
        return deliver_accounts(plan, scanned, stats);
    }

    let snapshot = shared::snapshot(&plan.source, &mut stats)?;
    tracing::info!(
        "evaluating {} checks on account {} ({} regions)",
        checks.len(),
        snapshot.account,
        snapshot.regions.len()
    );
    let report = stats.time("evaluate", || {
        let findings = evaluate(checks, &snapshot, config);
        let mut report = Report::new(&snapshot, checks, findings);
        shared::annotate(
            &mut report,
            &plan.annotations,
            &snapshot.tags_by_resource_id(),
        );
        report
    });
    shared::deliver(&report, plan, &mut stats)
}

/// The report of a scan of many accounts, annotated, written and gated.
fn deliver_accounts(
    plan: &RunPlan,
    scanned: AccountsScanned,
    mut stats: RunStats,
) -> Result<ExitCode, AppError> {
    let AccountsScanned {
        scan,
        coverage,
        findings,
        tags,
        operations,
        ..
    } = scanned;
    let (Some(scan), Some(coverage)) = (scan, coverage) else {
        return Err(AppError::Unplanned(
            "the coverage of a scan of many accounts",
        ));
    };
    stats.record_operations(operations);
    stats.record_accounts(&coverage);
    let mut report = Report::for_accounts(scan, &plan.evaluation.checks, findings, coverage);
    let tags: HashMap<&str, &BTreeMap<String, String>> =
        tags.iter().map(|(id, tags)| (id.as_str(), tags)).collect();
    shared::annotate(&mut report, &plan.annotations, &tags);
    shared::deliver(&report, plan, &mut stats)
}
