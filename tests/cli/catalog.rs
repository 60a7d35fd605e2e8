//! `ztaudit checks`, `ztaudit explain`, and the README's check list, all from the registry.

use predicates::prelude::*;

use crate::support::{workspace, ztaudit};

#[test]
fn checks_lists_every_check() {
    let output = ztaudit()
        .args(["checks", "--format", "json"])
        .output()
        .expect("checks");
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let ids: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    let expected: Vec<&str> = ztaudit_checks::CHECKS.iter().map(|c| c.meta().id).collect();
    assert_eq!(ids, expected);

    ztaudit()
        .arg("checks")
        .assert()
        .success()
        .stdout(predicate::str::contains("ZT301").and(predicate::str::contains("Networks")));
}

#[test]
fn explain_shows_rationale_verdicts_and_remediation() {
    ztaudit()
        .args(["explain", "security-group-open-to-internet"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "ZT301 security-group-open-to-internet",
        ))
        .stdout(predicate::str::contains("## Why is this bad?"))
        .stdout(predicate::str::contains("## How it is evaluated"))
        .stdout(predicate::str::contains(
            "aws ec2 revoke-security-group-ingress",
        ))
        .stdout(predicate::str::contains(
            "resource \"aws_vpc_security_group_ingress_rule\"",
        ));
}

#[test]
fn explain_of_an_unknown_check_is_a_usage_error() {
    ztaudit()
        .args(["explain", "ZT000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown check `ZT000`"));
}

/// The README's check list is generated (`ztaudit checks --format markdown`); this fails when
/// it is stale.
#[test]
fn the_readme_check_list_is_up_to_date() {
    let generated = ztaudit()
        .args(["checks", "--format", "markdown"])
        .output()
        .expect("checks");
    let generated = String::from_utf8_lossy(&generated.stdout);
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let begin = "<!-- checks:begin -->\n";
    let end = "<!-- checks:end -->";
    let start = readme
        .find(begin)
        .expect("README has a checks:begin marker")
        + begin.len();
    let stop = readme.find(end).expect("README has a checks:end marker");
    assert_eq!(
        &readme[start..stop],
        generated,
        "README.md's check list is stale: regenerate it with `cargo run -- checks --format markdown`"
    );
}
