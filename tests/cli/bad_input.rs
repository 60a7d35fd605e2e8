//! Bad input: a one-line error saying what is wrong and where, exit code 2, never a panic, and
//! nothing the user gave is lost.

use predicates::prelude::*;
use serde_json::json;

use crate::support::{demo_snapshot, one_region_snapshot, write_json, write_text, ztaudit};

fn scan_snapshot_text(text: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write_text(dir.path(), "broken.json", text);
    ztaudit().args(["scan", "--snapshot"]).arg(&path).assert()
}

fn one_line_error() -> impl Predicate<str> {
    predicate::str::starts_with("ztaudit: error: ")
        .and(predicate::function(|s: &str| {
            s.trim_end().lines().count() == 1
        }))
        .and(predicate::str::contains("panicked").not())
}

#[test]
fn a_truncated_snapshot_names_file_line_and_column() {
    let demo = std::fs::read_to_string(demo_snapshot()).expect("demo snapshot");
    scan_snapshot_text(&demo[..demo.len() / 2])
        .code(2)
        .stderr(one_line_error())
        .stderr(
            predicate::str::is_match(r"broken\.json:\d+:\d+: not a valid snapshot").expect("regex"),
        );
}

#[test]
fn a_snapshot_from_a_newer_ztaudit_asks_for_an_upgrade() {
    let mut snapshot = one_region_snapshot(json!({"ok": true}));
    snapshot["schema_version"] = json!(99);
    scan_snapshot_text(&snapshot.to_string())
        .code(2)
        .stderr(one_line_error())
        .stderr(predicate::str::contains("schema_version 99 is newer"));
}

#[test]
fn a_json_file_that_is_not_a_snapshot() {
    scan_snapshot_text(r#"{"findings": []}"#)
        .code(2)
        .stderr(predicate::str::contains("not a ztaudit snapshot"));
}

#[test]
fn a_snapshot_with_a_wrongly_typed_field() {
    let mut snapshot = one_region_snapshot(json!({"ok": true}));
    snapshot["regions"]["eu-west-1"]["ec2"]["volumes"] = json!({"ok": "not a list"});
    scan_snapshot_text(&snapshot.to_string())
        .code(2)
        .stderr(one_line_error());
}

#[test]
fn a_missing_snapshot_file() {
    ztaudit()
        .args(["scan", "--snapshot", "/nonexistent/snapshot.json"])
        .assert()
        .code(2)
        .stderr(one_line_error())
        .stderr(predicate::str::contains(
            "cannot read /nonexistent/snapshot.json",
        ));
}

#[test]
fn an_unknown_check_id_is_an_error_not_a_silent_skip() {
    ztaudit()
        .args(["scan", "--checks", "ZT999", "--snapshot"])
        .arg(demo_snapshot())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`ZT999` matches no check"));
}

#[test]
fn an_invalid_region_name_fails_before_any_call() {
    // No endpoint and no credentials: the name is rejected before AWS would be asked.
    ztaudit()
        .args(["scan", "--region", "EU_WEST"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid region name `EU_WEST`"));
}

#[test]
fn an_output_in_a_missing_folder_fails_before_scanning() {
    ztaudit()
        .args([
            "scan",
            "--output",
            "/nonexistent/dir/report.json",
            "--snapshot",
        ])
        .arg(demo_snapshot())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("its folder does not exist"));
}

#[test]
fn snapshot_and_region_cannot_be_combined() {
    ztaudit()
        .args(["scan", "--region", "eu-west-1", "--snapshot"])
        .arg(demo_snapshot())
        .assert()
        .code(2);
}

#[test]
fn a_failed_scan_leaves_the_existing_output_untouched() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = write_text(dir.path(), "report.txt", "yesterday's report");
    let broken = write_json(dir.path(), "broken.json", &json!({"schema_version": 1}));
    ztaudit()
        .args(["scan", "--output"])
        .arg(&output)
        .arg("--snapshot")
        .arg(broken)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(&output).expect("still there"),
        "yesterday's report"
    );
}

#[test]
fn the_report_never_replaces_the_snapshot_it_was_made_from() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let snapshot = dir.path().join("account.json");
    std::fs::copy(demo_snapshot(), &snapshot).expect("copied");
    let before = std::fs::read(&snapshot).expect("readable");
    // The same file under another spelling is still the same file.
    let same_file = dir.path().join(".").join("account.json");
    ztaudit()
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(&snapshot)
        .arg("--output")
        .arg(&same_file)
        .assert()
        .code(2)
        .stderr(one_line_error())
        .stderr(predicate::str::contains("refusing to write over"));
    assert_eq!(std::fs::read(&snapshot).expect("readable"), before);
}

/// Hostile snapshots: binary garbage, an empty file, JSON nested far beyond any snapshot, a
/// folder instead of a file, and a wrong `schema_version` type. Each is a one-line error and
/// exit code 2, never a panic or a stack overflow.
#[test]
fn hostile_snapshots_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let deep = format!(
        "{{\"schema_version\": 1, \"x\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let cases: [(&str, Vec<u8>); 4] = [
        ("garbage.json", vec![0xff, 0xfe, 0x00, 0x9c, b'{', 0x80]),
        ("empty.json", Vec::new()),
        ("deep.json", deep.into_bytes()),
        ("version.json", br#"{"schema_version": "1"}"#.to_vec()),
    ];
    for (name, bytes) in cases {
        let path = write_text(dir.path(), name, bytes);
        ztaudit()
            .args(["scan", "--snapshot"])
            .arg(&path)
            .assert()
            .code(2)
            .stderr(one_line_error())
            .stderr(predicate::str::contains(name))
            .stderr(predicate::str::contains("panick").not());
    }
    ztaudit()
        .args(["scan", "--snapshot"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(one_line_error());
}
