//! Exit codes: 0 nothing at or above --fail-on, 1 something, 2 usage or input error, 3 some
//! results are ERROR and nothing breached the threshold.

use serde_json::json;

use crate::support::{one_region_snapshot, write_json, ztaudit};

fn scan_with(ebs_default: serde_json::Value, fail_on: &str) -> Option<i32> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let snapshot = write_json(dir.path(), "s.json", &one_region_snapshot(ebs_default));
    ztaudit()
        .args([
            "scan",
            "--checks",
            "ZT501",
            "--fail-on",
            fail_on,
            "--snapshot",
        ])
        .arg(snapshot)
        .output()
        .expect("scan")
        .status
        .code()
}

fn access_denied() -> serde_json::Value {
    json!({"error": {
        "service": "ec2", "operation": "GetEbsEncryptionByDefault", "region": "eu-west-1",
        "kind": "access_denied", "code": "UnauthorizedOperation", "message": "not authorized"
    }})
}

#[test]
fn zero_when_nothing_fails() {
    assert_eq!(scan_with(json!({"ok": true}), "low"), Some(0));
}

#[test]
fn zero_when_failures_are_below_the_threshold() {
    // ZT501 is medium; the default gate is critical.
    assert_eq!(scan_with(json!({"ok": false}), "critical"), Some(0));
    assert_eq!(scan_with(json!({"ok": false}), "never"), Some(0));
}

#[test]
fn one_when_a_failure_reaches_the_threshold() {
    assert_eq!(scan_with(json!({"ok": false}), "medium"), Some(1));
    assert_eq!(scan_with(json!({"ok": false}), "low"), Some(1));
}

#[test]
fn three_when_a_call_failed_and_nothing_breached() {
    assert_eq!(scan_with(access_denied(), "critical"), Some(3));
}

#[test]
fn the_error_is_reported_not_passed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let snapshot = write_json(dir.path(), "s.json", &one_region_snapshot(access_denied()));
    // No width limit: the message is asserted whole, not as the table wraps it.
    ztaudit()
        .args(["scan", "--checks", "ZT501", "--width", "0", "--snapshot"])
        .arg(snapshot)
        .assert()
        .code(3)
        .stdout(predicates::str::contains(
            "ERROR · 1 could not be evaluated",
        ))
        .stdout(predicates::str::contains(
            "ec2:GetEbsEncryptionByDefault in eu-west-1 access denied (UnauthorizedOperation",
        ))
        .stdout(predicates::str::contains("0 PASS"));
}

#[test]
fn one_wins_over_three_when_the_gate_trips() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut snapshot = one_region_snapshot(json!({"ok": false}));
    snapshot["regions"]["us-east-1"] =
        json!({"ec2": {"ebs_encryption_by_default": access_denied()}});
    let path = write_json(dir.path(), "s.json", &snapshot);
    ztaudit()
        .args([
            "scan",
            "--checks",
            "ZT501",
            "--fail-on",
            "medium",
            "--snapshot",
        ])
        .arg(path)
        .assert()
        .code(1);
}
