//! The verdicts on a plan: the checks run on the best-case and the worst-case snapshots, and
//! joined. A (check, resource) with the same statuses in both keeps them, with the worst
//! case's messages; one whose statuses differ is UNDECIDED, naming what is known only after
//! apply. Findings are then reported against the Terraform address of what they judge.

use std::collections::BTreeMap;

use ztaudit_checks::{evaluate, Check, CheckConfig, Finding, Status, TerraformOrigin};

use crate::{MappedPlan, Origins};

/// Every finding of `checks` on the mapped plan.
pub fn evaluate_plan(
    mapped: &MappedPlan,
    checks: &[&dyn Check],
    config: &CheckConfig,
) -> Vec<Finding> {
    let best = evaluate(checks, &mapped.best, config);
    let worst = evaluate(checks, &mapped.worst, config);
    let mut joined = join(best, worst, &mapped.origins);
    for (occurrence, finding) in &mut joined {
        nothing_to_judge_before_apply(finding);
        no_pass_from_part_of_the_account(finding);
        no_fail_on_what_the_plan_does_not_declare(finding, &mapped.origins, *occurrence);
    }
    attribute(joined, &mapped.origins, Addressed::Always)
}

/// Checks that judge what only a live account has: the use of permissions over time (ZT118).
const JUDGES_ONLY_A_LIVE_ACCOUNT: &[&str] = &["ZT118"];

/// A finding of [`JUDGES_ONLY_A_LIVE_ACCOUNT`] on a plan is NOT_APPLICABLE, whatever the data
/// the plan lacks made of it: nothing in a plan says how a permission will be used.
fn nothing_to_judge_before_apply(finding: &mut Finding) {
    if JUDGES_ONLY_A_LIVE_ACCOUNT.contains(&&*finding.check_id) {
        finding.status = Status::NotApplicable;
        finding.message =
            "a plan holds no record of use: unused access is judged on the live account".to_owned();
    }
}

/// Checks whose PASS rests on the account's whole IAM: the escalation paths of ZT117 run
/// through every principal and policy, and a plan declares only some.
const PASS_NEEDS_THE_WHOLE_ACCOUNT: &[&str] = &["ZT117"];

/// A PASS that a plan cannot prove becomes NOT_APPLICABLE, saying why; a FAIL stays: the
/// path it names is in the plan.
fn no_pass_from_part_of_the_account(finding: &mut Finding) {
    if finding.status == Status::Pass && PASS_NEEDS_THE_WHOLE_ACCOUNT.contains(&&*finding.check_id)
    {
        finding.status = Status::NotApplicable;
        finding.message = format!(
            "{}, among the principals the plan declares; a plan holds only part of the \
             account's IAM, so paths through the rest are not ruled out",
            finding.message
        );
    }
}

/// Checks whose FAIL says a region lacks something of which an account may have several: a
/// trail that covers it (ZT602), a rule that routes findings to a response (ZT701). A plan
/// declares only some of the account's trails and rules, so such a FAIL holds on a plan only
/// where a resource of the plan answers for the verdict (a multi-region trail listed in the
/// region, a rule whose pattern matches findings): its defect is then in the plan.
const FAIL_NEEDS_A_PLANNED_SUBJECT: &[&str] = &["ZT602", "ZT701"];

/// A FAIL of [`FAIL_NEEDS_A_PLANNED_SUBJECT`] that no planned resource answers for becomes
/// NOT_APPLICABLE, saying why: what the plan lacks may be outside it.
fn no_fail_on_what_the_plan_does_not_declare(
    finding: &mut Finding,
    origins: &Origins,
    occurrence: usize,
) {
    if finding.status == Status::Fail
        && FAIL_NEEDS_A_PLANNED_SUBJECT.contains(&&*finding.check_id)
        && origins.of_finding(finding, occurrence).is_none()
    {
        finding.status = Status::NotApplicable;
        finding.message = format!(
            "{}, among the resources the plan declares; a plan holds only part of the \
             account, and what answers for this may be outside it",
            finding.message
        );
    }
}

/// A finding's (check, region, resource id) and its occurrence among the check's findings on
/// that id: the same key in both cases is the same verdict on the same resource.
type Key = (String, String, String, usize);

/// Each finding with its key, in the order the check reported them.
fn keyed(findings: Vec<Finding>) -> Vec<(Key, Finding)> {
    let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    findings
        .into_iter()
        .map(|finding| {
            let base = (
                finding.check_id.to_string(),
                finding.region.clone(),
                finding.resource.clone(),
            );
            let occurrence = seen.entry(base.clone()).or_default();
            let key = (base.0, base.1, base.2, *occurrence);
            *occurrence += 1;
            (key, finding)
        })
        .collect()
}

/// The worst case's findings, UNDECIDED where the best case disagrees, each with its
/// occurrence.
pub(crate) fn join(
    best: Vec<Finding>,
    worst: Vec<Finding>,
    origins: &Origins,
) -> Vec<(usize, Finding)> {
    let mut best_findings: BTreeMap<Key, Finding> = keyed(best).into_iter().collect();
    let mut joined = Vec::with_capacity(worst.len());
    for (key, mut finding) in keyed(worst) {
        let best_finding = best_findings.remove(&key);
        let best_status = best_finding.as_ref().map(|best| best.status);
        // A FAIL in both cases: the best case's message names only what fails whatever the
        // unknown values turn out to be, the worst case's may name what they might add.
        if let Some(best) = best_finding
            .filter(|best| best.status == Status::Fail && finding.status == Status::Fail)
        {
            finding.message = best.message;
            finding.details = best.details;
        }
        if best_status != Some(finding.status) && finding.status != Status::Undecided {
            let best_status = best_status.map_or("no finding".to_owned(), |s| s.to_string());
            let unknowns = origins
                .of_finding(&finding, key.3)
                .map(|origin| {
                    origin
                        .unknowns
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|list| !list.is_empty())
                .unwrap_or_else(|| "values of the plan".to_owned());
            finding.message = format!(
                "not decidable before apply: {best_status} or {} depending on {unknowns}, known only after apply; at worst: {}",
                finding.status, finding.message
            );
            finding.status = Status::Undecided;
        }
        joined.push((key.3, finding));
    }
    joined
}

/// Which findings on mapped resources are reported against their Terraform address.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Addressed {
    /// Every one (`ztaudit plan`: the plan is all there is).
    Always,
    /// Only those whose id is built from the address, an id unknown until apply (`--against`:
    /// a resource that exists keeps its real id, so it meets its live findings).
    WhenIdUnknown,
}

/// Rewrites the resource of findings on mapped resources to their Terraform address, as
/// `addressed` says, and records where each is declared.
pub(crate) fn attribute(
    findings: Vec<(usize, Finding)>,
    origins: &Origins,
    addressed: Addressed,
) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|(occurrence, mut finding)| {
            if let Some(origin) = origins.of_finding(&finding, occurrence) {
                if addressed == Addressed::Always
                    || finding.resource.contains(origin.address.as_str())
                {
                    finding.resource = origin.address.clone();
                }
                finding.terraform = Some(TerraformOrigin {
                    resource_type: origin.resource_type.clone(),
                    module_source: origin.module_source.clone(),
                });
            }
            finding
        })
        .collect()
}
