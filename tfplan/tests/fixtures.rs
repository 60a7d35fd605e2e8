//! Each hand-written plan of `fixtures/tfplans/` (HashiCorp's documented `terraform show -json`
//! format) mapped and judged by every check: its findings in an insta golden.

use std::collections::BTreeMap;
use std::path::Path;

use ztaudit_checks::{evaluate, CheckConfig, Status, CHECKS};
use ztaudit_tfplan::{evaluate_plan, map_plan, PlanError};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/tfplans")
        .join(name);
    std::fs::read_to_string(path).expect("fixture readable")
}

/// `STATUS CHECK RESOURCE [type, module]: message`, one a line. NOT_APPLICABLE findings are
/// kept on the plan's resources (every resource a check covers gets a result) and left out on
/// the account as a whole, where they say only "not declared in the plan".
fn rendered(name: &str) -> String {
    let mapped = map_plan(&fixture(name)).expect("a plan");
    evaluate_plan(&mapped, CHECKS, &CheckConfig::default())
        .iter()
        .filter(|f| f.status != Status::NotApplicable || f.terraform.is_some())
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

/// Every plan fixture that maps.
const FIXTURES: [&str; 18] = [
    "security-groups.json",
    "guide-security-group.json",
    "s3-split.json",
    "iam.json",
    "ebs.json",
    "ebs-default-not-declared.json",
    "rds.json",
    "kms.json",
    "guardduty.json",
    "securityhub.json",
    "config.json",
    "flow-logs.json",
    "load-balancers.json",
    "modules-same-names.json",
    "cloudtrail.json",
    "eventbridge.json",
    "vpc-environments.json",
    "iam-undeclared-policies.json",
];

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
fn cloudtrail_trails() {
    insta::assert_snapshot!(rendered("cloudtrail.json"));
}

#[test]
fn eventbridge_rules_and_targets() {
    insta::assert_snapshot!(rendered("eventbridge.json"));
}

#[test]
fn vpc_environments() {
    insta::assert_snapshot!(rendered("vpc-environments.json"));
}

/// Policies a principal attaches (or sets as its boundary) that the plan does not declare:
/// AWS-managed ones and one the account already has. A verdict they could change is
/// UNDECIDED, naming them; a FAIL through the declared policies alone stands, and its
/// message names only those.
#[test]
fn iam_policies_the_plan_does_not_declare() {
    insta::assert_snapshot!(rendered("iam-undeclared-policies.json"));
}

#[test]
fn iam() {
    insta::assert_snapshot!(rendered("iam.json"));
}

#[test]
fn ebs_volumes_and_block_devices() {
    insta::assert_snapshot!(rendered("ebs.json"));
}

/// Without the region's encryption by default in the plan, an unencrypted volume's verdict
/// hangs on it: AWS encrypts every new volume of a region that encrypts by default.
#[test]
fn ebs_where_the_plan_does_not_declare_encryption_by_default() {
    insta::assert_snapshot!(rendered("ebs-default-not-declared.json"));
}

#[test]
fn rds_instances_and_clusters() {
    insta::assert_snapshot!(rendered("rds.json"));
}

#[test]
fn kms_keys() {
    insta::assert_snapshot!(rendered("kms.json"));
}

#[test]
fn guardduty_detectors() {
    insta::assert_snapshot!(rendered("guardduty.json"));
}

#[test]
fn security_hub_accounts() {
    insta::assert_snapshot!(rendered("securityhub.json"));
}

#[test]
fn config_recorders() {
    insta::assert_snapshot!(rendered("config.json"));
}

#[test]
fn vpc_flow_logs() {
    insta::assert_snapshot!(rendered("flow-logs.json"));
}

#[test]
fn load_balancer_listeners() {
    insta::assert_snapshot!(rendered("load-balancers.json"));
}

/// A trust policy naming another account is UNDECIDED in a plan that does not say its own
/// account (`iam.json`), and FAIL in the same plan once `data.aws_caller_identity` says it.
#[test]
fn a_role_trusting_another_account_fails_only_when_the_plans_account_is_known() {
    let verdict = |text: &str| {
        let mapped = map_plan(text).expect("a plan");
        evaluate_plan(&mapped, CHECKS, &CheckConfig::default())
            .into_iter()
            .find(|f| f.check_id == "ZT115" && f.resource == "aws_iam_role.partner")
            .map(|f| f.status)
    };
    let plan = fixture("iam.json");
    assert_eq!(verdict(&plan), Some(Status::Undecided));
    let mut known: serde_json::Value = serde_json::from_str(&plan).expect("json");
    known["prior_state"] = serde_json::json!({"values": {"root_module": {"resources": [{
        "address": "data.aws_caller_identity.current", "mode": "data",
        "type": "aws_caller_identity", "name": "current",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "values": {"account_id": "444455556666"}
    }]}}});
    assert_eq!(verdict(&known.to_string()), Some(Status::Fail));
    known["prior_state"]["values"]["root_module"]["resources"][0]["values"]["account_id"] =
        serde_json::json!("111122223333");
    assert_eq!(verdict(&known.to_string()), Some(Status::Pass));
}

/// Two module instances declare a bucket of the same name (which apply would refuse for the
/// second): each still gets its own findings, joined with its own module's settings.
#[test]
fn same_named_buckets_in_module_instances_keep_their_addresses() {
    insta::assert_snapshot!(rendered("modules-same-names.json"));
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
    for name in FIXTURES {
        let mapped = map_plan(&fixture(name)).expect("a plan");
        let config = CheckConfig::default();
        let by_key = |findings: Vec<ztaudit_checks::Finding>| {
            let mut keyed: BTreeMap<(String, String, String), Vec<Status>> = BTreeMap::new();
            for f in findings {
                keyed
                    .entry((f.check_id.to_string(), f.region.clone(), f.resource.clone()))
                    .or_default()
                    .push(f.status);
            }
            keyed
        };
        let best = by_key(evaluate(CHECKS, &mapped.best, &config));
        let worst = by_key(evaluate(CHECKS, &mapped.worst, &config));
        for (key, statuses) in &best {
            let Some(twins) = worst.get(key) else {
                continue;
            };
            for (at_best, at_worst) in statuses.iter().zip(twins) {
                assert!(
                    rank(*at_best) <= rank(*at_worst),
                    "{name}: {} on {} is {at_best} at best but {at_worst} at worst",
                    key.0,
                    key.2,
                );
            }
        }
    }
}
