//! `ztaudit plan`: Terraform plans (`fixtures/tfplans/`, written from HashiCorp's documented
//! `terraform show -json` format) judged by the binary as a user runs it: formats, standard
//! input, the gate and its exit codes, and bad input.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{
    demo_snapshot, findings, stdout_json, workspace, write_json, write_text, ztaudit,
};

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

// `--against`: `against-demo-account.json` is a plan for the demo account
// (`fixtures/snapshots/demo-account.json`) that opens a live group to the internet, encrypts a
// live bucket with KMS, deletes a group open to the internet, adds a rule of unknown sources to
// a live group, and creates a group open to RDP.

/// `ztaudit plan against-demo-account.json --against DEMO` with `args`.
fn against_demo(args: &[&str]) -> std::process::Output {
    plan_against_demo(&plan_fixture("against-demo-account.json"), args)
}

/// `ztaudit plan PLAN --against DEMO` with `args`.
fn plan_against_demo(plan: &std::path::Path, args: &[&str]) -> std::process::Output {
    ztaudit()
        .arg("plan")
        .arg(plan)
        .arg("--against")
        .arg(demo_snapshot())
        .args(args)
        .output()
        .expect("ztaudit runs")
}

fn finding_on<'a>(report: &'a Value, check: &str, resource: &str) -> &'a Value {
    let matching: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| {
            f["check_id"] == check
                && f["resource"]
                    .as_str()
                    .is_some_and(|r| r.ends_with(resource))
        })
        .collect();
    assert_eq!(matching.len(), 1, "{check} on {resource}: {matching:#?}");
    matching[0]
}

fn resolved<'a>(report: &'a Value, check: &str, resource: &str) -> Vec<&'a Value> {
    report["baseline"]["resolved"]
        .as_array()
        .expect("resolved findings")
        .iter()
        .filter(|f| {
            f["check_id"] == check
                && f["resource"]
                    .as_str()
                    .is_some_and(|r| r.ends_with(resource))
        })
        .collect()
}

#[test]
fn against_a_snapshot_the_plan_is_judged_on_the_account_after_apply() {
    let output = against_demo(&["--format", "json", "--fail-on", "never"]);
    // The demo snapshot holds two ERRORs of its own: the run is incomplete, not failing.
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let report = stdout_json(&output);

    // Opened to the internet on a live group: a FAIL the plan introduces, on its real id.
    let opened = finding_on(&report, "ZT301", "security-group/sg-0e29ba7c42f65eb33");
    assert_eq!(opened["status"], "FAIL");
    assert_eq!(opened["baseline"], "new");
    assert_eq!(opened["terraform"]["resource_type"], "aws_security_group");

    // A live bucket encrypted with KMS by a setting whose bucket is not in the plan.
    assert_eq!(
        finding_on(&report, "ZT503", ":::shop-assets")["status"],
        "PASS"
    );
    assert_eq!(resolved(&report, "ZT503", ":::shop-assets").len(), 1);
    // Its other settings stay as they are live: covered by the account's Block Public
    // Access, and no bucket policy refusing plain HTTP.
    assert_eq!(
        finding_on(&report, "ZT505", ":::shop-assets")["status"],
        "PASS"
    );
    assert_eq!(
        finding_on(&report, "ZT506", ":::shop-assets")["status"],
        "FAIL"
    );
    assert_eq!(
        finding_on(&report, "ZT506", ":::shop-assets")["baseline"],
        "unchanged"
    );

    // The group deleted is gone, and its FAIL resolved.
    assert!(findings(&report).iter().all(|f| !f["resource"]
        .as_str()
        .unwrap_or_default()
        .ends_with("sg-358b82d0984cd48c3")));
    assert_eq!(resolved(&report, "ZT301", "sg-358b82d0984cd48c3").len(), 1);

    // A rule whose sources are known only after apply, on a live group: UNDECIDED.
    let undecided = finding_on(&report, "ZT301", "security-group/sg-5a30e1a77cfabc02e");
    assert_eq!(undecided["status"], "UNDECIDED");
    assert!(
        undecided["message"]
            .as_str()
            .is_some_and(|m| m.contains("cidr_blocks")),
        "{undecided:#}"
    );

    // A created group, named by its address.
    let created = finding_on(&report, "ZT301", "aws_security_group.rdp_admin");
    assert_eq!(created["resource"], "aws_security_group.rdp_admin");
    assert_eq!(created["status"], "FAIL");
    assert_eq!(created["baseline"], "new");

    // Untouched live findings are unchanged, the account's own checks run.
    assert_eq!(
        finding_on(&report, "ZT301", "security-group/sg-4d20b2d7c7b8d4778")["baseline"],
        "unchanged"
    );
    assert_eq!(report["scan"]["account"], "123456789012");
    assert_eq!(report["baseline"]["new"], 2, "{:#}", report["baseline"]);
}

/// The parts of the report `--against` decides: the comparison, and every finding on what the
/// plan declares or introduces.
fn against_golden(report: &Value) -> Value {
    let touched: Vec<Value> = findings(report)
        .iter()
        .filter(|f| !f["terraform"].is_null() || f["baseline"] == "new")
        .map(|f| {
            serde_json::json!({
                "check_id": f["check_id"],
                "status": f["status"],
                "resource": f["resource"],
                "baseline": f["baseline"],
                "terraform": f["terraform"],
                "message": f["message"],
            })
        })
        .collect();
    let resolved: Vec<Value> = report["baseline"]["resolved"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| serde_json::json!({"check_id": f["check_id"], "resource": f["resource"], "message": f["message"]}))
        .collect();
    serde_json::json!({
        "summary": report["summary"],
        "new": report["baseline"]["new"],
        "unchanged": report["baseline"]["unchanged"],
        "resolved": resolved,
        "findings_on_the_plan": touched,
    })
}

#[test]
fn against_demo_account_golden() {
    let report = stdout_json(&against_demo(&["--format", "json", "--fail-on", "never"]));
    insta::assert_json_snapshot!(against_golden(&report));
}

#[test]
fn against_gates_on_what_the_plan_introduces() {
    // The demo already fails on critical findings; --fail-on-new counts only the plan's.
    assert_eq!(against_demo(&["--fail-on", "high"]).status.code(), Some(1));
    assert_eq!(
        against_demo(&["--fail-on", "high", "--fail-on-new"])
            .status
            .code(),
        Some(1)
    );
    // Without the two groups it opens, the plan introduces no failure: the gate holds (exit 3
    // for the demo's own ERRORs), however many the live account has.
    let output = against_demo(&[
        "--fail-on",
        "low",
        "--fail-on-new",
        "--skip-checks",
        "ZT301,ZT304,ZT313",
        "--format",
        "json",
    ]);
    let report = stdout_json(&output);
    assert_eq!(report["baseline"]["new"], 0, "{:#}", report["baseline"]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
}

#[test]
fn against_reads_the_plan_from_standard_input() {
    let text = std::fs::read_to_string(plan_fixture("against-demo-account.json")).expect("fixture");
    let output = ztaudit()
        .args([
            "plan",
            "-",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--against",
        ])
        .arg(demo_snapshot())
        .write_stdin(text)
        .output()
        .expect("ztaudit runs");
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let report = stdout_json(&output);
    assert_eq!(report["baseline"]["new"], 2);
}

fn one_line_usage_error(command: &mut assert_cmd::Command, says: &str) {
    command
        .assert()
        .code(2)
        .stderr(predicate::str::contains(says))
        .stderr(predicate::str::contains("panicked").not())
        .stderr(predicate::function(|s: &str| {
            s.trim_end().lines().count() == 1
        }));
}

#[test]
fn against_bad_input_is_a_one_line_error() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let plan = plan_fixture("against-demo-account.json");
    let run = |args: &[&std::ffi::OsStr]| {
        let mut command = ztaudit();
        command.arg("plan").args(args);
        command
    };
    // A missing snapshot, a malformed one.
    let missing = dir.path().join("missing.json");
    one_line_usage_error(
        &mut run(&[plan.as_os_str(), "--against".as_ref(), missing.as_os_str()]),
        "missing.json",
    );
    let malformed = write_text(dir.path(), "live.json", r#"{"schema_version": 1, "acc"#);
    one_line_usage_error(
        &mut run(&[
            plan.as_os_str(),
            "--against".as_ref(),
            malformed.as_os_str(),
        ]),
        "live.json",
    );
    // Several plans; a snapshot from standard input.
    let demo = demo_snapshot();
    one_line_usage_error(
        &mut run(&[
            plan.as_os_str(),
            plan.as_os_str(),
            "--against".as_ref(),
            demo.as_os_str(),
        ]),
        "--against takes one plan",
    );
    one_line_usage_error(
        &mut run(&[plan.as_os_str(), "--against".as_ref(), "-".as_ref()]),
        "not standard input",
    );
    // A plan for another account.
    let mut other: Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).expect("fixture")).expect("JSON");
    other["prior_state"]["values"]["root_module"]["resources"][0]["values"]["account_id"] =
        Value::from("999999999999");
    let other = write_json(dir.path(), "other-account.json", &other);
    one_line_usage_error(
        &mut run(&[other.as_os_str(), "--against".as_ref(), demo.as_os_str()]),
        "the plan is for account 999999999999, the snapshot is of account 123456789012",
    );
    // --baseline and --against both say what is new: one at a time.
    ztaudit()
        .arg("plan")
        .arg(&plan)
        .arg("--against")
        .arg(&demo)
        .arg("--baseline")
        .arg(&demo)
        .assert()
        .code(2);
}

#[test]
fn against_a_region_the_snapshot_lacks_adds_only_what_the_plan_creates_there() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut plan: Value = serde_json::from_str(
        &std::fs::read_to_string(plan_fixture("against-demo-account.json")).expect("fixture"),
    )
    .expect("JSON");
    plan["configuration"]["provider_config"]["aws"]["expressions"]["region"]["constant_value"] =
        Value::from("ca-central-1");
    let plan = write_json(dir.path(), "canada.json", &plan);
    let output = plan_against_demo(&plan, &["--format", "json", "--fail-on", "never"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("region ca-central-1 is not in the snapshot: the overlay adds it for the 2 resources the plan creates there"),
        "{stderr}"
    );
    assert!(
        stderr.contains("aws_security_group.bastion the plan changes there is left out"),
        "{stderr}"
    );
    let report = stdout_json(&output);
    let created = finding_on(&report, "ZT301", "aws_security_group.rdp_admin");
    assert_eq!(created["region"], "ca-central-1");
    assert_eq!(created["status"], "FAIL");
    // The live group the plan would change there is not touched in eu-west-1.
    assert_eq!(
        finding_on(&report, "ZT301", "security-group/sg-0e29ba7c42f65eb33")["status"],
        "PASS"
    );
}

/// AWS refuses to delete a security group still in use (`DependencyViolation`): a plan that
/// deletes one the demo's instances use leaves it, and its FAIL, as they are live, and says so.
#[test]
fn against_a_group_still_in_use_is_not_deleted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(plan_fixture("against-demo-account.json"))
        .expect("fixture")
        .replace("sg-358b82d0984cd48c3", "sg-562594a88b7466764");
    let plan = write_text(dir.path(), "in-use.json", &text);
    let output = plan_against_demo(&plan, &["--format", "json", "--fail-on", "never"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("deletes security group sg-562594a88b7466764 in eu-west-1, which")
            && stderr.contains("DependencyViolation"),
        "{stderr}"
    );
    let report = stdout_json(&output);
    let kept = finding_on(&report, "ZT301", "security-group/sg-562594a88b7466764");
    assert_eq!(kept["status"], "FAIL");
    assert_eq!(kept["baseline"], "unchanged");
    assert!(resolved(&report, "ZT301", "sg-562594a88b7466764").is_empty());
    // Nothing that uses it is left naming a group that is not there.
    assert_eq!(
        report["summary"]["error"], 2,
        "only the demo's own two ERRORs"
    );
}

/// A plan that deletes a policy attachment detaches the policy from the live principal: the
/// demo's dave then has no policy of its own, and ZT106's FAIL on him is resolved.
#[test]
fn against_a_deleted_attachment_detaches_the_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let before = serde_json::json!({
        "id": "dave-20240101000000000000000001",
        "user": "dave",
        "policy_arn": "arn:aws:iam::123456789012:policy/reader"
    });
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": []}},
        "resource_changes": [{
            "address": "aws_iam_user_policy_attachment.dave_reader",
            "mode": "managed",
            "type": "aws_iam_user_policy_attachment",
            "name": "dave_reader",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["delete"], "before": before, "after": null, "after_unknown": {}}
        }],
        "configuration": {"root_module": {}}
    });
    let plan = write_text(dir.path(), "detach.json", plan.to_string());
    let output = plan_against_demo(&plan, &["--format", "json", "--fail-on", "never"]);
    let report = stdout_json(&output);
    assert_eq!(finding_on(&report, "ZT106", ":user/dave")["status"], "PASS");
    assert_eq!(resolved(&report, "ZT106", ":user/dave").len(), 1);
}

/// ZT118 judges how permissions have been used, which no plan records: with unused access
/// turned on in the shared settings file, a plan reports it NOT_APPLICABLE, not ERROR (exit 0).
#[test]
fn unused_access_turned_on_in_the_settings_is_not_applicable_to_a_plan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write_text(
        dir.path(),
        "ztaudit.toml",
        "[unused_access]\nenabled = true\n",
    );
    let output = ztaudit()
        .arg("plan")
        .arg(plan_fixture("iam.json"))
        .arg("--config")
        .arg(&config)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .expect("ztaudit runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout_json(&output);
    let zt118: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["check_id"] == "ZT118")
        .collect();
    assert!(!zt118.is_empty(), "ZT118 runs when turned on");
    assert!(
        zt118.iter().all(|f| f["status"] == "NOT_APPLICABLE"),
        "{zt118:#?}"
    );
}
