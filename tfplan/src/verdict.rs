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
    let joined = join(best, worst, &mapped.origins);
    attribute(joined, &mapped.origins)
}

type Key = (String, String, String);

fn key(finding: &Finding) -> Key {
    (
        finding.check_id.to_string(),
        finding.region.clone(),
        finding.resource.clone(),
    )
}

/// The worst case's findings, UNDECIDED where the best case disagrees.
fn join(best: Vec<Finding>, worst: Vec<Finding>, origins: &Origins) -> Vec<Finding> {
    let mut best_statuses: BTreeMap<Key, Vec<Status>> = BTreeMap::new();
    for finding in &best {
        best_statuses
            .entry(key(finding))
            .or_default()
            .push(finding.status);
    }
    let mut worst_statuses: BTreeMap<Key, Vec<Status>> = BTreeMap::new();
    for finding in &worst {
        worst_statuses
            .entry(key(finding))
            .or_default()
            .push(finding.status);
    }
    let mut joined = Vec::with_capacity(worst.len());
    for mut finding in worst {
        let key = key(&finding);
        let agreed = match (best_statuses.get(&key), worst_statuses.get(&key)) {
            (Some(best), Some(worst)) => sorted(best) == sorted(worst),
            _ => false,
        };
        if !agreed && finding.status != Status::Undecided {
            let best_status = best_statuses
                .get(&key)
                .and_then(|statuses| statuses.first())
                .map_or("no finding".to_owned(), |s| s.to_string());
            let unknowns = origins
                .of_finding(&finding.resource)
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
        joined.push(finding);
    }
    joined
}

fn sorted(statuses: &[Status]) -> Vec<Status> {
    let mut statuses = statuses.to_vec();
    statuses.sort();
    statuses
}

/// Rewrites the resource of findings on mapped resources to their Terraform address.
fn attribute(findings: Vec<Finding>, origins: &Origins) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|mut finding| {
            if let Some(origin) = origins.of_finding(&finding.resource) {
                finding.resource = origin.address.clone();
                finding.terraform = Some(TerraformOrigin {
                    resource_type: origin.resource_type.clone(),
                    module_source: origin.module_source.clone(),
                });
            }
            finding
        })
        .collect()
}
