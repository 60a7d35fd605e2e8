//! ZT118 unused-service-access is opt-in: a default scan neither runs it nor makes its calls;
//! `--unused-access` (or `[unused_access] enabled = true`, or `--checks ZT118`) does both.
//!
//! moto 5.2.5 serves neither IAM Access Analyzer nor `GenerateServiceLastAccessedDetails`, so
//! against moto the collection falls back from the first to the second and every principal's
//! report is an ERROR naming the operation: these tests prove the opt-in and the call counts
//! end to end, and the verdicts are proved on fixtures (the check's unit tests) and the
//! collectors with `aws-smithy-mocks` (`src/collect/unused_access.rs`).

use std::path::Path;

use serde_json::Value;

use crate::support::{demo_snapshot, run_json_scan, write_text, ztaudit, Moto, JSON_SCAN};

fn zt118(findings: &[Value]) -> Vec<&Value> {
    findings
        .iter()
        .filter(|f| f["check_id"] == "ZT118")
        .collect()
}

/// Calls of the collection by IAM action, from the snapshot `collect` wrote.
fn collected_calls(moto: &Moto, flags: &[&str]) -> serde_json::Map<String, Value> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("snapshot.json");
    moto.ztaudit()
        .args([
            "collect",
            "--region",
            "us-east-1",
            "--max-attempts",
            "1",
            "-o",
        ])
        .arg(&path)
        .args(flags)
        .output()
        .expect("ztaudit runs");
    let snapshot: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("the snapshot is written"))
            .expect("the snapshot is JSON");
    snapshot["collection"]["operations"]
        .as_object()
        .cloned()
        .expect("the snapshot records its operations")
}

#[test]
fn a_default_scan_does_not_run_zt118_and_unused_access_does() {
    let moto = Moto::start().seeded(&["unused_access_account.py"]);
    let scan = |flags: &[&str]| {
        run_json_scan(
            moto.ztaudit()
                .args(JSON_SCAN)
                .args(["--region", "us-east-1", "--max-attempts", "1"])
                .args(flags),
        )
    };

    let default = scan(&[]);
    assert!(
        zt118(default.findings()).is_empty(),
        "a default scan ran ZT118"
    );

    let opted_in = scan(&["--unused-access"]);
    let found = zt118(opted_in.findings());
    // 5 roles and 5 users; moto lacks the last-accessed report, so each is an ERROR naming it,
    // never a PASS.
    assert_eq!(found.len(), 10, "{found:#?}");
    for finding in &found {
        assert_eq!(finding["status"], "ERROR", "{finding}");
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("GenerateServiceLastAccessedDetails"),
            "{message}"
        );
    }

    let named = scan(&["--checks", "ZT118"]);
    assert_eq!(zt118(named.findings()).len(), 10);
    // A glob does not turn on calls per principal unasked.
    let glob = scan(&["--checks", "ZT11*"]);
    assert!(zt118(glob.findings()).is_empty());
}

/// The opt-in's cost, counted: the calls a collection adds with `--unused-access` are one
/// `ListAnalyzers` per region and one `GenerateServiceLastAccessedDetails` per principal (moto
/// fails each at once, so no `GetServiceLastAccessedDetails` poll follows here; on AWS each
/// principal takes one or more). Without the flag, none of them.
#[test]
fn unused_access_adds_calls_per_principal_and_none_by_default() {
    let moto = Moto::start().seeded(&["unused_access_account.py"]);
    let without = collected_calls(&moto, &[]);
    let with = collected_calls(&moto, &["--unused-access"]);
    let count = |calls: &serde_json::Map<String, Value>, action: &str| {
        calls.get(action).and_then(Value::as_u64).unwrap_or(0)
    };
    for action in [
        "access-analyzer:ListAnalyzers",
        "iam:GenerateServiceLastAccessedDetails",
        "iam:GetServiceLastAccessedDetails",
    ] {
        assert_eq!(
            count(&without, action),
            0,
            "a default collection called {action}"
        );
    }
    assert_eq!(count(&with, "access-analyzer:ListAnalyzers"), 1);
    assert_eq!(count(&with, "iam:GenerateServiceLastAccessedDetails"), 10);
    // Nothing else is added: the other operations are those of a default collection (their
    // counts may differ by the credential report's polls).
    let added: Vec<&String> = with
        .keys()
        .filter(|action| !without.contains_key(*action))
        .collect();
    assert_eq!(
        added,
        [
            "access-analyzer:ListAnalyzers",
            "iam:GenerateServiceLastAccessedDetails"
        ]
    );
}

#[test]
fn a_snapshot_without_the_data_gives_an_error_when_asked_and_nothing_otherwise() {
    let scan = |flags: &[&str]| {
        run_json_scan(
            ztaudit()
                .args(JSON_SCAN)
                .arg("--snapshot")
                .arg(demo_snapshot())
                .args(flags),
        )
    };
    assert!(zt118(scan(&[]).findings()).is_empty());
    let asked = scan(&["--unused-access", "--unused-access-days", "30"]);
    let found = zt118(asked.findings());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["status"], "ERROR");
    assert!(
        found[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("collect with --unused-access")),
        "{}",
        found[0]["message"]
    );

    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = write_text(
        dir.path(),
        "ztaudit.toml",
        "[unused_access]\nenabled = true\n",
    );
    let from_file = scan(&["--config", config.to_str().expect("a UTF-8 path")]);
    assert_eq!(zt118(from_file.findings()).len(), 1);
}

#[test]
fn bad_unused_access_values_are_one_line_errors_with_exit_2() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let junk = write_text(
        dir.path(),
        "ztaudit.toml",
        "[unused_access]\ndays = \"many\"\n",
    );
    let zero = write_text(dir.path(), "zero.toml", "[unused_access]\ndays = 0\n");
    let demo = demo_snapshot();
    let demo = demo.to_str().expect("a UTF-8 path");
    let cases: [(Vec<&str>, &str); 5] = [
        (
            vec!["--unused-access-days", "0"],
            "0 is not a number of days",
        ),
        (
            vec!["--unused-access-days", "401"],
            "401 is not a number of days",
        ),
        (vec!["--unused-access-days", "soon"], "--unused-access-days"),
        (
            vec!["--config", junk.to_str().expect("a UTF-8 path")],
            "ztaudit.toml:2: unused_access.days: invalid type",
        ),
        (
            vec!["--config", zero.to_str().expect("a UTF-8 path")],
            "zero.toml:2: unused_access.days: 0 is not a number of days",
        ),
    ];
    for (flags, says) in cases {
        let out = ztaudit()
            .args(JSON_SCAN)
            .args(["--snapshot", demo])
            .args(&flags)
            .output()
            .expect("ztaudit runs");
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.contains(says), "{flags:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{flags:?} wrote a report");
    }
    let out = ztaudit()
        .args(["collect", "--unused-access-days", "0", "-o"])
        .arg(Path::new(dir.path()).join("never.json"))
        .output()
        .expect("ztaudit runs");
    assert_eq!(out.status.code(), Some(2));
}
