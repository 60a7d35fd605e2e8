//! `ztaudit policy lint`: policy files judged by the identity checks, with scan's formats and
//! exit codes.

use predicates::prelude::*;
use serde_json::json;

use crate::support::{findings, snapshot_of, stdout_json, write_json, write_text, ztaudit};

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
            "1 sensitive action allowed without MFA",
        ));
    ztaudit()
        .args(["policy", "lint", "--sensitive-action", "not an action", "-"])
        .write_stdin(policy.to_string())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sensitive-action"));
}

/// ZT101 and ZT102 judge a policy file with `policy lint` and the same document as a
/// customer-managed policy in a scanned snapshot alike: same status and same words, only the
/// policy's name differs (the file, or `policy NAME`, in front and in ZT101's "via …"). The
/// documents are the corpus cases of keys AWS sets, inverted guards and resource types
/// (`fixtures/policies/`).
#[test]
fn policy_lint_and_scan_agree_on_mfa_verdicts() {
    let corpus = crate::support::workspace().join("fixtures/policies");
    let cases = [
        "guard-via-aws-service.json",
        "guard-via-aws-service-iam-only.json",
        "guard-principal-tag-exemption.json",
        "guard-forwarded-requests-only.json",
        "guard-inverted-mfa-true.json",
        "guard-bool-on-mfa-age.json",
        "deny-bool-if-exists-true.json",
        "resource-question-mark.json",
        "resource-bucket-and-objects.json",
        "resource-account-level-actions.json",
    ];
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut policies = Vec::new();
    let mut files = Vec::new();
    for case in cases {
        let text = std::fs::read_to_string(corpus.join(case)).expect("corpus document");
        let path = dir.path().join(case);
        std::fs::write(&path, &text).expect("writable");
        let name = case.trim_end_matches(".json");
        policies.push(json!({
            "name": name,
            "arn": format!("arn:aws:iam::123456789012:policy/{name}"),
            "aws_managed": false,
            "attachment_count": 0,
            "document": text,
        }));
        files.push(path);
    }
    let snapshot = snapshot_of(
        json!({}),
        json!({"iam": {"authorization": {"ok": {
            "users": [], "groups": [], "roles": [], "policies": policies
        }}}}),
    );
    let snapshot_path = write_json(dir.path(), "snapshot.json", &snapshot);

    let lint = ztaudit()
        .args(["policy", "lint", "--format", "json"])
        .args(&files)
        .output()
        .expect("lint");
    let scan = ztaudit()
        .args([
            "scan",
            "--checks",
            "ZT101,ZT102",
            "--format",
            "json",
            "--snapshot",
        ])
        .arg(&snapshot_path)
        .output()
        .expect("scan");
    let verdicts = |output: &std::process::Output, subject: &dyn Fn(&str) -> String| {
        let report = stdout_json(output);
        let mut found = std::collections::BTreeMap::new();
        for finding in report["findings"].as_array().expect("findings") {
            let check = finding["check_id"].as_str().unwrap_or_default().to_owned();
            if check != "ZT101" && check != "ZT102" {
                continue;
            }
            let resource = finding["resource"].as_str().unwrap_or_default();
            let case = cases
                .iter()
                .find(|case| {
                    resource.ends_with(case.trim_end_matches(".json")) || resource.ends_with(*case)
                })
                .unwrap_or_else(|| panic!("finding on an unknown resource {resource}"));
            let message = finding["message"].as_str().unwrap_or_default();
            let prefix = subject(case);
            let words = message
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{message:?} does not start with {prefix:?}"))
                // ZT101 names the granting statement's policy again ("via NAME statement 0").
                .replace(&prefix, "POLICY");
            found.insert(
                (check, (*case).to_owned()),
                (finding["status"].clone(), words),
            );
        }
        found
    };
    let by_file = verdicts(&lint, &|case| dir.path().join(case).display().to_string());
    let by_account = verdicts(&scan, &|case| {
        format!("policy {}", case.trim_end_matches(".json"))
    });
    assert_eq!(by_file.len(), cases.len() + 6, "{by_file:#?}");
    assert_eq!(by_file, by_account);
    let status = |check: &str, case: &str| by_file[&(check.to_owned(), case.to_owned())].0.clone();
    assert_eq!(status("ZT101", "guard-via-aws-service.json"), json!("PASS"));
    assert_eq!(status("ZT102", "guard-via-aws-service.json"), json!("PASS"));
    assert_eq!(
        status("ZT102", "guard-inverted-mfa-true.json"),
        json!("FAIL")
    );
    assert_eq!(
        status("ZT101", "resource-question-mark.json"),
        json!("PASS")
    );
    assert!(
        !by_file.contains_key(&(
            "ZT102".to_owned(),
            "deny-bool-if-exists-true.json".to_owned()
        )),
        "a Deny that also stops MFA requests is no MFA guard"
    );
}
