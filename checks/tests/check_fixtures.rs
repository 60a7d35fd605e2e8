//! Every check, run alone on its fixture, against a reviewed snapshot of its findings.
//!
//! The list of checks tested is the registry: [`every_check_against_its_fixture`] takes each
//! check of [`CHECKS`] to its fixture, `fixtures/checks/<ID>-<name>.json`, a saved [`Snapshot`]
//! (or a list of them, for account-level checks whose one resource cannot both pass and fail in
//! one account) holding only the data that check reads, with passing and failing resources for
//! each rule in the check's documentation, named after their intended verdict where the model
//! has a name (security group names, VPC `Name` tags), and the failed calls the check must
//! answer with ERROR. Its findings are compared with `snapshots/<ID>-<name>.snap`, reviewed line
//! by line against the check's documentation when accepted. A check without a fixture or a
//! snapshot fails, named; every check is run, and all failures are reported together, so one
//! check's failure hides no other's (each mismatch leaves its `.snap.new` for
//! `cargo insta review`).
//!
//! Besides the snapshot, each check's fixture must produce a PASS and a FAIL, an ERROR exactly
//! when the fixture records a failed call, and no ERROR for data the fixture forgot: a fixture
//! broken into saying nothing cannot pass by matching a snapshot of nothing.
//!
//! Adding a check's test: its fixture, and the snapshot `cargo insta review` accepts.

use std::any::Any;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde::Serialize;
use ztaudit_checks::snapshot::SCHEMA_VERSION;
use ztaudit_checks::{
    evaluate, registry, CallError, Check, CheckConfig, ErrorKind, Finding, Snapshot, Status, CHECKS,
};

/// Runs every check of the registry on its fixture, compares its findings with its reviewed
/// snapshot, and fails once, naming every check that failed.
#[test]
fn every_check_against_its_fixture() {
    let mut failures = Vec::new();
    for check in CHECKS {
        let fixture = fixture_name(*check);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check_against_fixture(*check))) {
            failures.push(format!("{fixture}: {}", panic_message(panic.as_ref())));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed against their fixture:\n\n{}",
        failures.len(),
        CHECKS.len(),
        failures.join("\n\n")
    );
}

fn check_against_fixture(check: &'static dyn Check) {
    let fixture = fixture_name(check);
    let path = fixtures_dir().join(format!("{fixture}.json"));
    assert!(
        path.is_file(),
        "no fixture: add fixtures/checks/{fixture}.json (see this file's documentation)"
    );
    let findings = run_fixture(check, &path);
    insta::with_settings!({
        description => format!("fixtures/checks/{fixture}.json"),
        omit_expression => true,
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_yaml_snapshot!(fixture.as_str(), rows(&findings));
    });
}

/// `ZT301-security-group-open-to-internet`: the name of a check's fixture and snapshot.
fn fixture_name(check: &dyn Check) -> String {
    let meta = check.meta();
    format!("{}-{}", meta.id, meta.name)
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_else(|| "panicked".to_owned())
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/checks")
}

fn snapshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// The snapshots of a fixture file: one, or a JSON list of them.
fn read_fixture(path: &Path) -> Vec<Snapshot> {
    let text = fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let documents = match json {
        serde_json::Value::Array(documents) => documents,
        document => vec![document],
    };
    assert!(!documents.is_empty(), "{}: no snapshot", path.display());
    documents
        .into_iter()
        .enumerate()
        .map(|(at, document)| {
            serde_json::from_value(document)
                .unwrap_or_else(|err| panic!("{} (snapshot {at}): {err}", path.display()))
        })
        .collect()
}

/// Every fixture file, as (file stem, path), in name order.
fn fixture_files() -> Vec<(String, PathBuf)> {
    let dir = fixtures_dir();
    let entries = fs::read_dir(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    let mut files: Vec<(String, PathBuf)> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter_map(|path| {
            let stem = path.file_stem()?.to_str()?.to_owned();
            Some((stem, path))
        })
        .collect();
    files.sort();
    files
}

/// Runs `check` alone on its fixture at `path`, and asserts that the fixture exercises it.
fn run_fixture(check: &'static dyn Check, path: &Path) -> Vec<Finding> {
    let snapshots = read_fixture(path);
    let findings: Vec<Finding> = snapshots
        .iter()
        .flat_map(|snapshot| evaluate(&[check], snapshot, &CheckConfig::default()))
        .collect();
    assert_fixture_exercises_check(&fixture_name(check), &snapshots, &findings);
    findings
}

fn assert_fixture_exercises_check(fixture: &str, snapshots: &[Snapshot], findings: &[Finding]) {
    let count = |status: Status| findings.iter().filter(|f| f.status == status).count();
    assert!(
        count(Status::Pass) > 0,
        "{fixture}: no PASS; the fixture needs a passing resource: {findings:#?}"
    );
    assert!(
        count(Status::Fail) > 0,
        "{fixture}: no FAIL; the fixture needs a failing resource: {findings:#?}"
    );
    let records_failed_call = snapshots
        .iter()
        .flat_map(Snapshot::call_errors)
        .any(|error| error.kind != ErrorKind::NotCollected);
    if records_failed_call {
        assert!(
            count(Status::Error) > 0,
            "{fixture}: it records a failed call, but the check reported no ERROR: {findings:#?}"
        );
    } else {
        assert_eq!(
            count(Status::Error),
            0,
            "{fixture}: ERROR without a failed call in the fixture: {findings:#?}"
        );
    }
    let not_collected = format!("could not evaluate: {}", CallError::not_collected());
    let missing: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.message == not_collected)
        .collect();
    assert!(
        missing.is_empty(),
        "{fixture}: lacks data the check reads: {missing:#?}"
    );
}

/// One finding as the snapshot shows it. Severity, pillar and compliance ids come from the
/// check's metadata, not from its logic, so they would only repeat on every line.
#[derive(Serialize)]
struct Row<'a> {
    status: Status,
    resource: &'a str,
    message: &'a str,
}

fn rows(findings: &[Finding]) -> Vec<Row<'_>> {
    findings
        .iter()
        .map(|finding| Row {
            status: finding.status,
            resource: &finding.resource,
            message: &finding.message,
        })
        .collect()
}

/// A snapshot left behind by a check that was renamed or removed would never be compared again.
#[test]
fn every_snapshot_is_named_after_a_check() {
    let dir = snapshots_dir();
    let entries = fs::read_dir(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    let names: Vec<String> = CHECKS.iter().map(|check| fixture_name(*check)).collect();
    let mut orphans = Vec::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
            .path();
        if path.extension().is_some_and(|ext| ext == "snap") {
            let stem = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .unwrap_or("");
            if !names.iter().any(|name| name == stem) {
                orphans.push(path.display().to_string());
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots of no registered check: {orphans:#?}"
    );
}

#[test]
fn every_fixture_is_named_after_a_check_and_round_trips() {
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixtures found");
    for (stem, path) in files {
        let check = registry::find(stem.split_once('-').map_or(stem.as_str(), |(id, _)| id));
        assert_eq!(
            check.map(|check| format!("{}-{}", check.meta().id, check.meta().name)),
            Some(stem.clone()),
            "{}: a fixture is named <ID>-<name> of a registered check",
            path.display()
        );
        for snapshot in read_fixture(&path) {
            assert_eq!(snapshot.schema_version, SCHEMA_VERSION, "{stem}");
            let json = serde_json::to_string(&snapshot)
                .unwrap_or_else(|err| panic!("{stem}: serializing: {err}"));
            let again: Snapshot = serde_json::from_str(&json)
                .unwrap_or_else(|err| panic!("{stem}: reading back: {err}"));
            assert_eq!(snapshot, again, "{stem} changed in a round trip");
        }
    }
}

/// A snapshot of one region, `eu-west-1`, whose EC2 data is `ec2` (JSON, as in a fixture).
fn one_region(ec2: serde_json::Value) -> Snapshot {
    let snapshot = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool_version": "0.1.0",
        "account": "123456789012",
        "partition": "aws",
        "collection": {
            "started_at": "2026-01-15T09:00:00Z",
            "finished_at": "2026-01-15T09:00:01Z",
            "api_calls": 2
        },
        "regions": { "eu-west-1": { "ec2": ec2 } }
    });
    serde_json::from_value(snapshot).unwrap_or_else(|err| panic!("test snapshot: {err}"))
}

fn run_check(id: &str, snapshot: &Snapshot) -> Vec<Finding> {
    let check = registry::find(id).unwrap_or_else(|| panic!("no check {id}"));
    evaluate(&[check], snapshot, &CheckConfig::default())
}

/// ZT601 passes a VPC when "a flow log on the VPC is active". A flow log whose status was not
/// recorded is not known to be active, just as one whose traffic type was not recorded is not
/// known to record rejects (which the check already fails); missing data must never read as
/// compliant.
#[test]
fn zt601_flow_log_without_status_is_not_known_to_be_active() {
    let snapshot = one_region(serde_json::json!({
        "vpcs": {"ok": [{"id": "vpc-0f6a7b8c9d0e10021"}]},
        "flow_logs": {"ok": [
            {"id": "fl-0a7b8c9d0e1f20021", "resource_id": "vpc-0f6a7b8c9d0e10021", "traffic_type": "ALL"}
        ]}
    }));
    let findings = run_check("ZT601", &snapshot);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_ne!(findings[0].status, Status::Pass, "{findings:#?}");
}

/// ZT303's verdict must depend on the addresses an ACL admits, not on how its allow entries are
/// split. Both ACLs below deny `0.0.0.0/1` first and so admit exactly `128.0.0.0/1` to every
/// port; one writes the allow as `0.0.0.0/0`, the other as two halves. Half the space is not
/// the internet (the check's documentation): both pass. The look-alikes must stay FAIL: the
/// same entries with the deny numbered after the allows (never reached first), and a block list
/// (a deny of one public /16 before the allow-all), which leaves everyone else in.
#[test]
fn zt303_verdict_does_not_depend_on_how_allows_are_split() {
    let entry = |rule: i32, allow: bool, cidr: &str| {
        serde_json::json!({
            "rule_number": rule, "egress": false, "protocol": "-1", "allow": allow, "cidr_block": cidr
        })
    };
    let snapshot = one_region(serde_json::json!({"network_acls": {"ok": [
        {"id": "acl-0d4e5f6a7b8c90021", "entries": [
            entry(50, false, "0.0.0.0/1"),
            entry(100, true, "0.0.0.0/0")
        ]},
        {"id": "acl-0d4e5f6a7b8c90022", "entries": [
            entry(50, false, "0.0.0.0/1"),
            entry(100, true, "0.0.0.0/1"),
            entry(110, true, "128.0.0.0/1")
        ]},
        {"id": "acl-0d4e5f6a7b8c90023", "entries": [
            entry(200, false, "0.0.0.0/1"),
            entry(100, true, "0.0.0.0/1"),
            entry(110, true, "128.0.0.0/1")
        ]},
        {"id": "acl-0d4e5f6a7b8c90024", "entries": [
            entry(50, false, "45.33.0.0/16"),
            entry(100, true, "0.0.0.0/0")
        ]}
    ]}}));
    let findings = run_check("ZT303", &snapshot);
    let verdicts: Vec<(&str, Status)> = findings
        .iter()
        .map(|f| (f.resource.rsplit('/').next().unwrap_or_default(), f.status))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("acl-0d4e5f6a7b8c90021", Status::Pass),
            ("acl-0d4e5f6a7b8c90022", Status::Pass),
            ("acl-0d4e5f6a7b8c90023", Status::Fail),
            ("acl-0d4e5f6a7b8c90024", Status::Fail),
        ],
        "{findings:#?}"
    );
}
