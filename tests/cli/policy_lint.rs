//! `ztaudit policy lint`: policy files judged by the identity checks, with scan's formats and
//! exit codes.

use predicates::prelude::*;
use serde_json::json;

use crate::support::{findings, stdout_json, write_json, write_text, ztaudit};

fn statement(effect: &str, action: &str) -> serde_json::Value {
    json!({"Effect": effect, "Action": action, "Resource": "*"})
}

#[test]
fn a_full_admin_policy_fails_the_build() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let admin = write_json(
        dir.path(),
        "admin.json",
        &json!({"Version": "2012-10-17", "Statement": [statement("Allow", "*")]}),
    );
    let output = ztaudit()
        .args(["policy", "lint", "--format", "json"])
        .arg(&admin)
        .output()
        .expect("lint");
    assert_eq!(
        output.status.code(),
        Some(1),
        "high failures trip the default gate"
    );
    let report = stdout_json(&output);
    assert!(report.get("scan").is_none());
    assert_eq!(report["policy_documents"][0], admin.display().to_string());
    let status = |id: &str| {
        findings(&report)
            .iter()
            .find(|f| f["check_id"] == id)
            .map(|f| f["status"].clone())
    };
    assert_eq!(status("ZT103"), Some(json!("FAIL")));
    assert_eq!(status("ZT101"), Some(json!("FAIL")));
    assert_eq!(status("ZT105"), Some(json!("PASS")));
}

#[test]
fn a_read_only_policy_passes_and_reads_from_stdin() {
    let policy =
        json!({"Version": "2012-10-17", "Statement": [statement("Allow", "ec2:Describe*")]});
    ztaudit()
        .args(["policy", "lint", "-"])
        .write_stdin(policy.to_string())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No failing findings."))
        .stdout(predicate::str::contains("Linted 1 policy document"));
}

#[test]
fn a_bool_mfa_guard_is_flagged_with_its_fix() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let guarded = json!({"Version": "2012-10-17", "Statement": [
        statement("Allow", "*"),
        {"Effect": "Deny", "NotAction": "iam:ListMFADevices", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    ]});
    let path = write_json(dir.path(), "guarded.json", &guarded);
    ztaudit()
        .args(["policy", "lint", "--format", "json"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"check_id\": \"ZT102\""))
        .stdout(predicate::str::contains("BoolIfExists"));
}

#[test]
fn policies_inside_terraform_json_are_found_by_path() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let embedded =
        json!({"Version": "2012-10-17", "Statement": [statement("Allow", "kms:*")]}).to_string();
    let plan = json!({"planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_policy.keys", "values": {"name": "keys", "policy": embedded}}
    ]}}});
    let path = write_json(dir.path(), "plan.json", &plan);
    ztaudit()
        .args(["policy", "lint", "--format", "json"])
        .arg(&path)
        .assert()
        .stdout(predicate::str::contains(
            "plan.json:$.planned_values.root_module.resources[0].values.policy",
        ))
        .stdout(predicate::str::contains("every kms action (kms:*)"));
}

#[test]
fn an_invalid_file_is_reported_and_the_others_still_linted() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let broken = write_text(
        dir.path(),
        "broken.json",
        r#"{"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]}"#,
    );
    let fine = write_json(
        dir.path(),
        "fine.json",
        &json!({"Statement": statement("Allow", "s3:GetObject")}),
    );
    ztaudit()
        .args(["policy", "lint"])
        .arg(&broken)
        .arg(&fine)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.json").and(predicate::str::contains("Permit")))
        .stdout(predicate::str::contains("Linted 1 policy document"));
}

#[test]
fn the_catalogue_is_extended_from_the_command_line() {
    let policy = json!({"Version": "2012-10-17", "Statement": [statement("Allow", "lambda:InvokeFunction")]});
    ztaudit()
        .args(["policy", "lint", "-"])
        .write_stdin(policy.to_string())
        .assert()
        .code(0);
    ztaudit()
        .args([
            "policy",
            "lint",
            "--sensitive-action",
            "lambda:InvokeFunction",
            "-",
        ])
        .write_stdin(policy.to_string())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "1 sensitive action is allowed without MFA",
        ));
    ztaudit()
        .args(["policy", "lint", "--sensitive-action", "not an action", "-"])
        .write_stdin(policy.to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sensitive-action"));
}
