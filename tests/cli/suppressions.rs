//! `ztaudit.toml` (defaults and suppressions), baselines, `ztaudit diff` and `--output-dir`,
//! with the exit codes CI relies on. All against the bundled demo snapshot: its critical
//! failures are ZT108 (root without MFA), six ZT301 security groups and one ZT304 instance;
//! two of its calls failed (exit 3 when nothing breaches the gate).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{
    demo_scan, demo_snapshot, findings, stdout_json, write_json, write_text, ztaudit,
};

/// Suppressions of every critical failure of the demo, expiring on `expires`.
fn mute_criticals(expires: &str) -> String {
    format!(
        r#"
[[suppress]]
check = "ZT108"
resource = "arn:aws:iam::*:root"
reason = "break-glass root, hardware MFA on order"
owner = "security"
expires = "{expires}"

[[suppress]]
check = "security-group-open-to-internet"
resource = "arn:aws:ec2:*:*:security-group/sg-*"
reason = "lab account"
expires = "{expires}"

[[suppress]]
check = "ZT304"
resource = "*"
region = "eu-west-1"
reason = "bastion being retired"
expires = "{expires}"
"#
    )
}

fn scan_with_config(config: &Path) -> std::process::Output {
    demo_scan("json")
        .arg("--config")
        .arg(config)
        .output()
        .expect("scan")
}

fn count(report: &Value, status: &str) -> usize {
    findings(report)
        .iter()
        .filter(|f| f["status"] == status)
        .count()
}

#[test]
fn muted_findings_stay_in_the_report_and_leave_the_gate() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = write_text(dir.path(), "ztaudit.toml", mute_criticals("2099-12-31"));
    let output = scan_with_config(&config);
    // Nothing critical is left failing; the two unreadable calls make it exit 3, not 0.
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let report = stdout_json(&output);
    assert_eq!(count(&report, "MUTED"), 8);
    assert_eq!(report["summary"]["muted"], 8);
    assert_eq!(report["summary"]["failed_by_severity"]["critical"], 0);
    let root = findings(&report)
        .iter()
        .find(|f| f["check_id"] == "ZT108")
        .expect("root finding");
    assert_eq!(root["status"], "MUTED");
    assert_eq!(
        root["muted_by"]["reason"],
        "break-glass root, hardware MFA on order"
    );
    assert_eq!(root["muted_by"]["owner"], "security");
    assert_eq!(root["muted_by"]["expires"], "2099-12-31");
    let states: Vec<&str> = report["suppressions"]
        .as_array()
        .expect("suppressions")
        .iter()
        .filter_map(|s| s["state"].as_str())
        .collect();
    assert_eq!(states, ["active", "active", "active"]);
    assert!(String::from_utf8_lossy(&output.stderr).is_empty());
}

#[test]
fn an_expired_suppression_mutes_nothing_and_warns() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = write_text(dir.path(), "ztaudit.toml", mute_criticals("2020-01-31"));
    let output = scan_with_config(&config);
    assert_eq!(output.status.code(), Some(1), "the criticals count again");
    let report = stdout_json(&output);
    assert_eq!(count(&report, "MUTED"), 0);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.matches("expired on 2020-01-31").count(),
        3,
        "{stderr}"
    );
    assert!(
        stderr.contains("ztaudit.toml:3: suppression of ZT108"),
        "{stderr}"
    );

    // --quiet keeps stderr for errors only.
    let quiet = ztaudit()
        .args(["--quiet", "scan", "--snapshot"])
        .arg(demo_snapshot())
        .arg("--config")
        .arg(&config)
        .output()
        .expect("scan");
    assert_eq!(quiet.status.code(), Some(1));
    assert!(quiet.stderr.is_empty());
}

#[test]
fn a_suppression_that_matches_nothing_is_stale() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = write_text(
        dir.path(),
        "ztaudit.toml",
        "[[suppress]]\ncheck = \"ZT301\"\nresource = \"arn:aws:ec2:*:*:security-group/sg-gone*\"\nreason = \"decommissioned\"\n",
    );
    let output = scan_with_config(&config);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    assert_eq!(report["suppressions"][0]["state"], "stale");
    assert_eq!(report["suppressions"][0]["muted"], 0);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("matched no finding"), "{stderr}");
}

#[test]
fn a_suppression_never_hides_an_error() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = write_text(
        dir.path(),
        "ztaudit.toml",
        "fail_on = \"never\"\n[[suppress]]\ncheck = \"ZT116\"\nresource = \"*\"\nreason = \"no secrets here\"\n",
    );
    let output = scan_with_config(&config);
    assert_eq!(
        output.status.code(),
        Some(3),
        "the scan is still incomplete"
    );
    let report = stdout_json(&output);
    assert_eq!(count(&report, "ERROR"), 2);
    assert_eq!(report["suppressions"][0]["state"], "active");
}

#[test]
fn settings_file_defaults_apply_and_flags_override_them() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // Found in the working directory without --config.
    write_text(
        dir.path(),
        "ztaudit.toml",
        "fail_on = \"never\"\nchecks = [\"ZT5*\"]\n",
    );
    let output = demo_scan("json")
        .current_dir(dir.path())
        .output()
        .expect("scan");
    assert_eq!(
        output.status.code(),
        Some(0),
        "fail_on never; no ZT5 check errs"
    );
    let report = stdout_json(&output);
    assert!(findings(&report).iter().all(|f| f["check_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("ZT5"))));
    // A flag wins over the file.
    ztaudit()
        .current_dir(dir.path())
        .args(["scan", "--fail-on", "medium", "--snapshot"])
        .arg(demo_snapshot())
        .assert()
        .code(1);
}

#[test]
fn a_bad_settings_file_is_a_one_line_error_with_its_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let cases = [
        ("fail_on = \"high\"\ncolour = \"red\"\n", ":2: unknown field `colour`"),
        (
            "[[suppress]]\ncheck = \"ZT301\"\nresource = \"*\"\nreason = \"x\"\nexpires = \"31/01/2027\"\n",
            ":5: suppress.expires",
        ),
        ("[[suppress]]\ncheck = \"ZT999\"\nresource = \"*\"\nreason = \"x\"\n", ":2: suppress.check: `ZT999` matches no check"),
        ("trusted_cidrs = [\"10.0.0.300/8\"]\n", ":1: trusted_cidrs"),
        ("this is not toml\n", ":1:"),
    ];
    for (text, expected) in cases {
        let config = write_text(dir.path(), "bad.toml", text);
        let output = scan_with_config(&config);
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("bad.toml{expected}")),
            "{text}: {stderr}"
        );
        assert!(output.stdout.is_empty());
    }
    // A missing --config is an error too, not a silent default.
    ztaudit()
        .args([
            "scan",
            "--config",
            "/nonexistent/ztaudit.toml",
            "--snapshot",
        ])
        .arg(demo_snapshot())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot read /nonexistent/ztaudit.toml",
        ));
}

#[test]
fn every_mistake_of_a_settings_file_is_reported_at_once_one_per_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = write_text(
        dir.path(),
        "bad.toml",
        "colour = \"red\"\nfail_on = \"sometimes\"\nadmin_ports = [22, 70000]\n\n[[suppress]]\ncheck = \"ZT999\"\nresource = \"*\"\n",
    );
    let output = scan_with_config(&config);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing scanned");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let expected = [
        ":1: unknown field `colour`",
        ":2: fail_on: `sometimes` is not one of",
        ":3: admin_ports: 70000 is not a TCP port",
        ":5: missing field `reason`",
        ":6: suppress.check: `ZT999` matches no check",
    ];
    assert_eq!(lines.len(), expected.len(), "{stderr}");
    for (line, expected) in lines.iter().zip(expected) {
        assert!(line.starts_with("ztaudit: error: "), "{line}");
        assert!(line.contains(&format!("bad.toml{expected}")), "{line}");
    }
}

/// The demo's JSON report, written to `dir/name`, with `edit` applied to it.
fn saved_report(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let output = demo_scan("json").output().expect("scan");
    let mut report = stdout_json(&output);
    edit(&mut report);
    write_json(dir, name, &report)
}

/// Drops the findings of `check` from a report, as if they were not failing then.
fn without(check: &'static str) -> impl FnOnce(&mut Value) {
    move |report| {
        report["findings"]
            .as_array_mut()
            .expect("findings")
            .retain(|f| f["check_id"] != check)
    }
}

#[test]
fn a_baseline_marks_new_unchanged_and_resolved() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let same = saved_report(dir.path(), "same.json", |_| ());
    let scan = |baseline: &Path, extra: &[&str]| {
        demo_scan("json")
            .arg("--baseline")
            .arg(baseline)
            .args(extra)
            .output()
            .expect("scan")
    };

    // Nothing new: --fail-on-new does not trip (exit 3 for the two errors); the plain gate does.
    let output = scan(&same, &["--fail-on-new"]);
    assert_eq!(output.status.code(), Some(3));
    let report = stdout_json(&output);
    assert_eq!(report["baseline"]["new"], 0);
    assert_eq!(report["baseline"]["unchanged"], 58);
    assert_eq!(scan(&same, &[]).status.code(), Some(1));

    // The root finding was not in the baseline: it is new, and it is critical.
    let older = saved_report(dir.path(), "older.json", without("ZT108"));
    let output = scan(&older, &["--fail-on-new"]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    assert_eq!(report["baseline"]["new"], 1);
    let new: Vec<&str> = findings(&report)
        .iter()
        .filter(|f| f["baseline"] == "new")
        .filter_map(|f| f["check_id"].as_str())
        .collect();
    assert_eq!(new, ["ZT108"]);

    // A baseline failure that is gone now is resolved; reordering and rewording change nothing.
    let reordered = saved_report(dir.path(), "reordered.json", |report| {
        let findings = report["findings"].as_array_mut().expect("findings");
        findings.reverse();
        for finding in findings.iter_mut() {
            finding["message"] = Value::from("worded differently");
            finding
                .as_object_mut()
                .expect("finding")
                .remove("fingerprint");
        }
        findings.push(serde_json::json!({
            "check_id": "ZT301", "status": "FAIL", "severity": "critical",
            "resource": "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-deleted",
            "region": "eu-west-1", "account": "123456789012", "message": "open"
        }));
    });
    let report = stdout_json(&scan(&reordered, &["--fail-on-new"]));
    assert_eq!(report["baseline"]["new"], 0);
    let resolved = report["baseline"]["resolved"].as_array().expect("resolved");
    assert_eq!(resolved.len(), 1);
    assert!(resolved[0]["resource"]
        .as_str()
        .is_some_and(|r| r.ends_with("sg-deleted")));
}

#[test]
fn diff_reports_new_resolved_and_changed_with_its_exit_code() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let new = saved_report(dir.path(), "new.json", |_| ());
    let old = saved_report(dir.path(), "old.json", |report| {
        let findings = report["findings"].as_array_mut().expect("findings");
        findings.retain(|f| f["check_id"] != "ZT108");
        // A failure fixed since, and a pass that became ERROR since.
        findings.push(serde_json::json!({
            "check_id": "ZT301", "status": "FAIL", "severity": "critical",
            "resource": "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-fixed",
            "region": "eu-west-1", "account": "123456789012", "message": "open"
        }));
        for finding in findings.iter_mut() {
            if finding["check_id"] == "ZT116" && finding["status"] == "ERROR" {
                finding["status"] = Value::from("PASS");
            }
        }
    });
    let output = ztaudit()
        .args(["diff", "--format", "json"])
        .arg(&old)
        .arg(&new)
        .output()
        .expect("diff");
    assert_eq!(output.status.code(), Some(1), "a new critical finding");
    let diff = stdout_json(&output);
    let ids = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .expect(key)
            .iter()
            .filter_map(|f| f["check_id"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(ids("new_findings"), ["ZT108"]);
    assert_eq!(ids("resolved"), ["ZT301"]);
    let changed = diff["changed"].as_array().expect("changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["before"]["status"], "PASS");
    assert_eq!(changed[0]["after"]["status"], "ERROR");

    // The gate is --fail-on: ZT108 is critical, so "never" passes and "critical" trips.
    ztaudit()
        .args(["diff", "--fail-on", "never"])
        .arg(&old)
        .arg(&new)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("1 new, 1 resolved, 1 changed"));
    // The other way round, sg-fixed is the new (critical) failure and ZT108 the resolved one.
    ztaudit()
        .args(["diff", "--format", "markdown"])
        .arg(&new)
        .arg(&old)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("**1** new, **1** resolved"));

    // A file that is not a report is exit 2, with its place.
    let garbage = write_text(dir.path(), "garbage.json", "{\"findings\": 3}");
    ztaudit()
        .arg("diff")
        .arg(&garbage)
        .arg(&new)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("garbage.json: 1:"));
    let future = saved_report(dir.path(), "future.json", |report| {
        report["schema_version"] = Value::from(99)
    });
    ztaudit()
        .arg("diff")
        .arg(&future)
        .arg(&new)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("schema_version 99"));
}

#[test]
fn output_dir_writes_each_format_and_never_clobbers_without_force() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("reports");
    let scan = |extra: &[&str]| {
        let mut cmd = demo_scan("json,sarif,junit,ocsf,csv,markdown,html,table");
        cmd.arg("--output-dir").arg(&out).args(extra);
        cmd
    };
    scan(&[]).assert().code(1).stdout("");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("folder made")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ztaudit.csv",
            "ztaudit.html",
            "ztaudit.json",
            "ztaudit.junit.xml",
            "ztaudit.md",
            "ztaudit.ocsf.json",
            "ztaudit.sarif",
            "ztaudit.txt"
        ]
    );
    // An existing file is refused before anything is scanned, and left as it was.
    for name in &names {
        std::fs::remove_file(out.join(name)).expect("removed");
    }
    write_text(&out, "ztaudit.sarif", "keep me");
    scan(&[]).assert().code(2).stderr(predicates::str::contains(
        "ztaudit.sarif: already exists; use --force",
    ));
    assert_eq!(
        std::fs::read_to_string(out.join("ztaudit.sarif")).expect("kept"),
        "keep me"
    );
    assert_eq!(
        std::fs::read_dir(&out).expect("listable").count(),
        1,
        "nothing written"
    );
    scan(&["--force"]).assert().code(1);
    assert!(std::fs::read_to_string(out.join("ztaudit.sarif"))
        .expect("replaced")
        .contains("\"version\": \"2.1.0\""));
    // Several formats to standard output cannot be told apart.
    demo_scan("json,sarif")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "several formats need --output-dir",
        ));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = ztaudit()
            .args(["completions", shell])
            .output()
            .expect("completions");
        assert!(output.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("fail-on-new"),
            "{shell} completes scan's flags"
        );
    }
    let man = ztaudit().arg("man").output().expect("man");
    assert!(man.status.success());
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        text.starts_with(".ie") || text.contains(".TH ztaudit"),
        "{text}"
    );
    ztaudit().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn verbose_logs_what_was_done_and_quiet_logs_nothing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("report.json");
    let verbose = ztaudit()
        .env_remove("ZTAUDIT_LOG")
        .args(["-v", "scan", "--format", "json", "--snapshot"])
        .arg(demo_snapshot())
        .arg("--output")
        .arg(&out)
        .output()
        .expect("scan");
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        stderr.contains("evaluating 56 checks on account 123456789012"),
        "{stderr}"
    );
    assert!(stderr.contains("wrote "), "{stderr}");
    let quiet = ztaudit()
        .env_remove("ZTAUDIT_LOG")
        .args(["scan", "--quiet", "--snapshot"])
        .arg(demo_snapshot())
        .output()
        .expect("scan");
    assert!(quiet.stderr.is_empty());
    assert!(
        !quiet.stdout.is_empty(),
        "--quiet silences stderr, not the report"
    );
}
