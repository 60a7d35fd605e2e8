//! Every check, run alone on its fixture, against a reviewed snapshot of its findings.
//!
//! A check's fixture is `fixtures/checks/<ID>-<name>.json`: a saved [`Snapshot`] (or a list of
//! them, for account-level checks whose one resource cannot both pass and fail in one account)
//! holding only the data that check reads, with passing and failing resources for each rule in the check's
//! documentation, named after their intended verdict where the model has a name (security group
//! names, VPC `Name` tags), and the failed calls the check must answer with ERROR. Its findings
//! are compared with `snapshots/<ID>-<name>.snap`, reviewed line by line against the check's
//! documentation when accepted.
//!
//! Besides the snapshot, each test asserts that the fixture produced a PASS and a FAIL, an ERROR
//! exactly when the fixture records a failed call, and no ERROR for data the fixture forgot: a
//! fixture broken into saying nothing cannot pass by matching a snapshot of nothing.
//!
//! Adding a check's test: one fixture, one `fixture_test!` line, one reviewed snapshot.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ztaudit_checks::snapshot::SCHEMA_VERSION;
use ztaudit_checks::{
    evaluate, registry, CallError, CheckConfig, ErrorKind, Finding, Snapshot, Status, CHECKS,
};

/// Runs one check on its fixture and compares its findings with the reviewed snapshot.
macro_rules! fixture_test {
    ($test:ident, $fixture:literal) => {
        #[test]
        fn $test() {
            let findings = run_fixture($fixture);
            insta::with_settings!({
                description => concat!("fixtures/checks/", $fixture, ".json"),
                omit_expression => true,
                prepend_module_to_snapshot => false,
            }, {
                insta::assert_yaml_snapshot!($fixture, rows(&findings));
            });
        }
    };
}

fixture_test!(zt101, "ZT101-sensitive-actions-without-mfa");
fixture_test!(zt102, "ZT102-ineffective-mfa-guard");
fixture_test!(zt103, "ZT103-full-admin-policy");
fixture_test!(zt104, "ZT104-service-wide-wildcard");
fixture_test!(zt105, "ZT105-allow-with-not-action");
fixture_test!(zt106, "ZT106-policy-attached-to-user");
fixture_test!(zt107, "ZT107-console-user-without-mfa");
fixture_test!(zt108, "ZT108-root-without-mfa");
fixture_test!(zt109, "ZT109-root-without-hardware-mfa");
fixture_test!(zt110, "ZT110-root-access-keys");
fixture_test!(zt111, "ZT111-access-key-unused");
fixture_test!(zt112, "ZT112-access-key-not-rotated");
fixture_test!(zt113, "ZT113-iam-user-instead-of-identity-center");
fixture_test!(zt114, "ZT114-ec2-instance-without-role");
fixture_test!(zt115, "ZT115-role-trust-too-open");
fixture_test!(zt116, "ZT116-secret-not-rotated");
fixture_test!(zt301, "ZT301-security-group-open-to-internet");
fixture_test!(zt302, "ZT302-default-security-group-has-rules");
fixture_test!(zt303, "ZT303-network-acl-admin-ports-open");
fixture_test!(zt304, "ZT304-instance-admin-port-open-to-internet");
fixture_test!(zt305, "ZT305-instance-not-managed-by-ssm");
fixture_test!(zt306, "ZT306-client-vpn-weak-authentication");
fixture_test!(zt307, "ZT307-client-vpn-connection-logging-disabled");
fixture_test!(zt308, "ZT308-client-vpn-split-tunnel");
fixture_test!(zt309, "ZT309-vpc-without-private-endpoints");
fixture_test!(zt310, "ZT310-environments-not-separated");
fixture_test!(zt311, "ZT311-vpc-mixes-environments");
fixture_test!(zt312, "ZT312-rds-instance-reachable-from-internet");
fixture_test!(zt313, "ZT313-security-group-admits-whole-network");
fixture_test!(zt314, "ZT314-vpc-instances-share-flat-group");
fixture_test!(zt501, "ZT501-ebs-default-encryption-disabled");
fixture_test!(zt502, "ZT502-ebs-volume-unencrypted");
fixture_test!(zt503, "ZT503-s3-bucket-without-sse-kms");
fixture_test!(zt504, "ZT504-s3-account-public-access-block-off");
fixture_test!(zt505, "ZT505-s3-bucket-public-access-block-off");
fixture_test!(zt506, "ZT506-s3-bucket-allows-plain-http");
fixture_test!(zt507, "ZT507-rds-instance-unencrypted");
fixture_test!(zt508, "ZT508-rds-cluster-unencrypted");
fixture_test!(zt509, "ZT509-kms-key-rotation-disabled");
fixture_test!(zt510, "ZT510-load-balancer-http-not-redirected");
fixture_test!(zt511, "ZT511-load-balancer-certificate-not-from-acm");
fixture_test!(zt512, "ZT512-load-balancer-outdated-tls-policy");
fixture_test!(zt601, "ZT601-vpc-flow-logs-disabled");
fixture_test!(zt602, "ZT602-region-not-covered-by-cloudtrail");
fixture_test!(zt603, "ZT603-cloudtrail-log-file-validation-disabled");
fixture_test!(zt604, "ZT604-cloudtrail-not-encrypted-with-kms");
fixture_test!(zt605, "ZT605-guardduty-disabled");
fixture_test!(zt606, "ZT606-security-hub-disabled");
fixture_test!(zt607, "ZT607-config-recorder-disabled");
fixture_test!(zt701, "ZT701-findings-without-automated-response");

/// Checks not yet tested by `fixture_test!`. It may only shrink: a check added to the registry
/// without a fixture and a snapshot fails `every_check_has_a_fixture_and_a_snapshot`, and so
/// does an entry here whose snapshot has since been accepted.
const AWAITING_FIXTURE_TEST: &[&str] = &[];

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

/// Runs the check that `fixture` (`ZT301-security-group-open-to-internet`) is named after, alone,
/// on that fixture, and asserts that the fixture exercises it.
fn run_fixture(fixture: &str) -> Vec<Finding> {
    let (id, name) = fixture
        .split_once('-')
        .unwrap_or_else(|| panic!("fixture `{fixture}` is not named <ID>-<name>"));
    let check = registry::find(id).unwrap_or_else(|| panic!("no check {id}"));
    assert_eq!(
        check.meta().name,
        name,
        "the fixture of {id} is named after its check"
    );
    let snapshots = read_fixture(&fixtures_dir().join(format!("{fixture}.json")));
    let findings: Vec<Finding> = snapshots
        .iter()
        .flat_map(|snapshot| evaluate(&[check], snapshot, &CheckConfig::default()))
        .collect();
    assert_fixture_exercises_check(fixture, &snapshots, &findings);
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

#[test]
fn every_check_has_a_fixture_and_a_snapshot() {
    let mut problems = Vec::new();
    for check in CHECKS {
        let meta = check.meta();
        let stem = format!("{}-{}", meta.id, meta.name);
        let has_fixture = fixtures_dir().join(format!("{stem}.json")).is_file();
        let has_snapshot = snapshots_dir().join(format!("{stem}.snap")).is_file();
        if AWAITING_FIXTURE_TEST.contains(&meta.id) {
            if has_snapshot {
                problems.push(format!(
                    "{}: is tested now; remove it from AWAITING_FIXTURE_TEST",
                    meta.id
                ));
            }
            continue;
        }
        if !has_fixture {
            problems.push(format!("{stem}: no fixtures/checks/{stem}.json"));
        }
        if !has_snapshot {
            problems.push(format!(
                "{stem}: no checks/tests/snapshots/{stem}.snap; add `fixture_test!` for it"
            ));
        }
    }
    for id in AWAITING_FIXTURE_TEST {
        if registry::find(id).is_none() {
            problems.push(format!(
                "AWAITING_FIXTURE_TEST names {id}, which is not a check"
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
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
