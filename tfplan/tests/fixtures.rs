//! Each hand-written plan of `fixtures/tfplans/` (HashiCorp's documented `terraform show -json`
//! format) mapped and judged by every check: its findings in an insta golden.

use std::path::Path;

use ztaudit_checks::{evaluate, CheckConfig, Status, CHECKS};
use ztaudit_tfplan::{evaluate_plan, map_plan, PlanError};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/tfplans")
        .join(name);
    std::fs::read_to_string(path).expect("fixture readable")
}

/// `STATUS CHECK RESOURCE [type, module]: message`, one a line, NOT_APPLICABLE left out.
fn rendered(name: &str) -> String {
    let mapped = map_plan(&fixture(name)).expect("a plan");
    evaluate_plan(&mapped, CHECKS, &CheckConfig::default())
        .iter()
        .filter(|f| f.status != Status::NotApplicable)
        .map(|f| {
            let origin = f.terraform.as_ref().map_or(String::new(), |t| {
                format!(
                    " [{}{}]",
                    t.resource_type,
                    t.module_source
                        .as_deref()
                        .map_or(String::new(), |s| format!(", {s}"))
                )
            });
            format!(
                "{} {} {} {}{origin}: {}",
                f.status, f.check_id, f.region, f.resource, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn security_groups() {
    insta::assert_snapshot!(rendered("security-groups.json"));
}

#[test]
fn the_guides_security_group() {
    insta::assert_snapshot!(rendered("guide-security-group.json"));
}

#[test]
fn s3_split_resources() {
    insta::assert_snapshot!(rendered("s3-split.json"));
}

#[test]
fn iam() {
    insta::assert_snapshot!(rendered("iam.json"));
}

#[test]
fn an_unsupported_format_version_is_one_line_error() {
    let error = map_plan(&fixture("unsupported-version.json")).expect_err("refused");
    assert!(matches!(error, PlanError::UnsupportedVersion(_)));
    assert_eq!(error.to_string().lines().count(), 1);
}

/// The two-snapshot reading is exact only for checks monotone in each unknown: the best case
/// must never judge a resource worse than the worst case does.
#[test]
fn the_best_case_is_never_worse_than_the_worst_case() {
    let rank = |status: Status| match status {
        Status::Pass | Status::NotApplicable => 0,
        Status::Undecided | Status::Error | Status::Muted => 1,
        Status::Fail => 2,
    };
    for name in ["security-groups.json", "s3-split.json", "iam.json"] {
        let mapped = map_plan(&fixture(name)).expect("a plan");
        let config = CheckConfig::default();
        let best = evaluate(CHECKS, &mapped.best, &config);
        let worst = evaluate(CHECKS, &mapped.worst, &config);
        for finding in &best {
            let twin = worst.iter().find(|w| {
                w.check_id == finding.check_id
                    && w.resource == finding.resource
                    && w.region == finding.region
            });
            if let Some(twin) = twin {
                assert!(
                    rank(finding.status) <= rank(twin.status),
                    "{name}: {} on {} is {} at best but {} at worst",
                    finding.check_id,
                    finding.resource,
                    finding.status,
                    twin.status
                );
            }
        }
    }
}
