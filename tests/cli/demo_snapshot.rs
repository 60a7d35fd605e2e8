//! Golden reports of the bundled demo snapshot (`fixtures/snapshots/demo-account.json`): the
//! README's first look, and the exact table and JSON layouts.

use crate::support::{demo_scan, demo_snapshot, findings, stdout_json, write_text, ztaudit};

#[test]
fn demo_table_report() {
    let output = ztaudit()
        .args(["scan", "--snapshot"])
        .arg(demo_snapshot())
        .output()
        .expect("scan");
    assert_eq!(
        output.status.code(),
        Some(1),
        "the demo account has critical failures"
    );
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn demo_json_report() {
    let output = demo_scan("json").output().expect("scan");
    let report = stdout_json(&output);
    // The two failed calls of the demo are ERROR findings, never a PASS.
    let errors: Vec<(&str, &str)> = findings(&report)
        .iter()
        .filter(|f| f["status"] == "ERROR")
        .filter_map(|f| Some((f["check_id"].as_str()?, f["message"].as_str()?)))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].0, "ZT116");
    assert!(errors[0]
        .1
        .contains("secretsmanager:ListSecrets in ap-southeast-2"));
    assert_eq!(errors[1].0, "ZT601");
    assert!(errors[1].1.contains("ec2:DescribeFlowLogs"));
    insta::assert_json_snapshot!(report);
}

#[test]
fn the_report_written_to_a_file_matches_stdout() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = write_text(dir.path(), "report.json", "an older report");
    demo_scan("json")
        .args(["--fail-on", "never"])
        .arg("--output")
        .arg(&out)
        .assert()
        .code(3)
        .stdout("");
    let stdout = demo_scan("json").output().expect("scan");
    assert_eq!(std::fs::read(&out).expect("report written"), stdout.stdout);
    // The temporary file of the atomic write is gone.
    assert_eq!(std::fs::read_dir(dir.path()).expect("listable").count(), 1);
}

#[test]
fn check_selection_by_glob_and_skip() {
    let output = demo_scan("json")
        .args(["--checks", "ZT3*", "--skip-checks", "ZT302"])
        .output()
        .expect("scan");
    let report = stdout_json(&output);
    let mut ran: Vec<&str> = findings(&report)
        .iter()
        .filter_map(|f| f["check_id"].as_str())
        .collect();
    ran.dedup();
    assert_eq!(
        ran,
        [
            "ZT301", "ZT303", "ZT304", "ZT305", "ZT306", "ZT307", "ZT308", "ZT309", "ZT310",
            "ZT311", "ZT312", "ZT313", "ZT314"
        ]
    );
}
