//! `ztaudit plan`: Terraform plans (`fixtures/tfplans/`, written from HashiCorp's documented
//! `terraform show -json` format) judged by the binary as a user runs it: formats, standard
//! input, the gate and its exit codes, and bad input.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{findings, stdout_json, workspace, write_text, ztaudit};

fn plan_fixture(name: &str) -> std::path::PathBuf {
    workspace().join("fixtures/tfplans").join(name)
}

/// `ztaudit plan PLAN --format json --fail-on never`: the report.
fn json_report(plans: &[&str]) -> Value {
    let mut command = ztaudit();
    command.arg("plan");
    for plan in plans {
        command.arg(plan_fixture(plan));
    }
    let output = command
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .expect("ztaudit runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    stdout_json(&output)
}

fn the_plan_finding<'a>(report: &'a Value, check: &str, address: &str) -> &'a Value {
    let matching: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["check_id"] == check && f["resource"] == address)
        .collect();
    assert_eq!(matching.len(), 1, "{check} on {address}: {matching:#?}");
    matching[0]
}

#[test]
fn the_guides_security_group_as_a_table() {
    let output = ztaudit()
        .arg("plan")
        .arg(plan_fixture("guide-security-group.json"))
        .args(["--width", "100", "--fail-on", "never"])
        .output()
        .expect("ztaudit runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn findings_name_the_terraform_address_type_and_module() {
    let report = json_report(&["security-groups.json"]);
    let finding = the_plan_finding(
        &report,
        "ZT301",
        r#"module.net.aws_security_group.app["b"]"#,
    );
    assert_eq!(finding["status"], "FAIL");
    assert_eq!(finding["terraform"]["resource_type"], "aws_security_group");
    assert_eq!(finding["terraform"]["module_source"], "./modules/net");
    let undecided = the_plan_finding(&report, "ZT301", "aws_security_group.from_var");
    assert_eq!(undecided["status"], "UNDECIDED");
    assert!(report["summary"]["undecided"].as_u64().unwrap_or(0) >= 1);
    // Nothing a plan does not declare is an ERROR.
    assert_eq!(report["summary"]["error"], 0);
}

#[test]
fn standard_input_is_read_for_a_dash() {
    let text = std::fs::read_to_string(plan_fixture("kms.json")).expect("fixture");
    let output = ztaudit()
        .args(["plan", "-", "--format", "json", "--fail-on", "never"])
        .write_stdin(text)
        .output()
        .expect("ztaudit runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout_json(&output);
    assert_eq!(
        the_plan_finding(&report, "ZT509", "aws_kms_key.static")["status"],
        "FAIL"
    );
}

#[test]
fn the_gate_fails_on_a_failing_finding_and_never_on_an_undecided_one() {
    // aws_security_group.admin opens SSH to the internet: ZT301 FAIL.
    ztaudit()
        .arg("plan")
        .arg(plan_fixture("security-groups.json"))
        .args(["--format", "json", "--fail-on", "high"])
        .assert()
        .code(1);
    // ZT508 on rds.json: one PASS and one UNDECIDED; with the gate at low, exit 0.
    let output = ztaudit()
        .arg("plan")
        .arg(plan_fixture("rds.json"))
        .args(["--checks", "ZT508", "--fail-on", "low", "--format", "json"])
        .output()
        .expect("ztaudit runs");
    let report = stdout_json(&output);
    assert_eq!(
        the_plan_finding(&report, "ZT508", "aws_rds_cluster.reports")["status"],
        "UNDECIDED"
    );
    assert_eq!(report["summary"]["fail"], 0);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn every_format_is_written_for_a_plan() {
    let dir = tempfile::tempdir().expect("temporary folder");
    ztaudit()
        .arg("plan")
        .arg(plan_fixture("security-groups.json"))
        .args([
            "--format",
            "json,sarif,junit,csv,markdown,html,ocsf",
            "--fail-on",
            "never",
        ])
        .arg("--output-dir")
        .arg(dir.path())
        .assert()
        .code(0);
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("ztaudit.sarif")).expect("sarif written"),
    )
    .expect("sarif is JSON");
    let locations: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .flat_map(|r| r["locations"].as_array().into_iter().flatten())
        .flat_map(|l| l["logicalLocations"].as_array().into_iter().flatten())
        .collect();
    assert!(
        locations
            .iter()
            .any(|l| l["fullyQualifiedName"] == "aws_security_group.admin"),
        "{locations:#?}"
    );
    let junit =
        std::fs::read_to_string(dir.path().join("ztaudit.junit.xml")).expect("junit written");
    assert!(junit.contains("aws_security_group.from_var"));
    assert!(junit.contains("<skipped"));
}

#[test]
fn several_plans_report_every_region() {
    let report = json_report(&["ebs-default-not-declared.json", "kms.json"]);
    let regions = report["scan"]["regions"].as_array().expect("regions");
    assert!(
        regions.contains(&Value::from("eu-central-1")),
        "{regions:?}"
    );
    assert!(regions.contains(&Value::from("eu-west-1")), "{regions:?}");
    // kms.json says its account; the other plan does not.
    assert_eq!(report["scan"]["account"], "111122223333");
}

#[test]
fn an_unsupported_format_version_is_a_one_line_error() {
    ztaudit()
        .arg("plan")
        .arg(plan_fixture("unsupported-version.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unsupported plan format_version"))
        .stderr(predicate::function(|s: &str| {
            s.trim_end().lines().count() == 1
        }));
}

#[test]
fn a_malformed_plan_is_a_one_line_error() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write_text(
        dir.path(),
        "tf.plan.json",
        r#"{"format_version": "1.2", "planned"#,
    );
    ztaudit()
        .arg("plan")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tf.plan.json"))
        .stderr(predicate::str::contains("panicked").not())
        .stderr(predicate::function(|s: &str| {
            s.trim_end().lines().count() == 1
        }));
    ztaudit()
        .arg("plan")
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
}

/// `plan` takes the evaluation settings `scan` takes, so a plan is judged as a scan of the
/// same account would be: the guide's group opens port 80, an administrative door only when
/// `--admin-port 80` says so.
#[test]
fn a_plan_is_judged_with_the_settings_a_scan_takes() {
    let judged = |extra: &[&str]| {
        let output = ztaudit()
            .arg("plan")
            .arg(plan_fixture("guide-security-group.json"))
            .args(["--format", "json", "--fail-on", "never"])
            .args(extra)
            .output()
            .expect("ztaudit runs");
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let report = stdout_json(&output);
        the_plan_finding(&report, "ZT301", "aws_security_group.web")["status"].clone()
    };
    assert_eq!(judged(&[]), "PASS");
    assert_eq!(judged(&["--admin-port", "80"]), "FAIL");
    // A trusted range narrower than the rule's source does not make it acceptable.
    assert_eq!(
        judged(&["--admin-port", "80", "--trusted-cidr", "198.51.100.0/24"]),
        "FAIL"
    );
}
