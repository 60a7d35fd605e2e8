//! Live scans of a moto-emulated account across three regions.

use serde_json::Value;

use crate::support::{
    assert_verdicts, findings, run_json_scan, the_finding, ztaudit, Moto, On, JSON_SCAN,
    NEEDS_WHAT_MOTO_LACKS, THREE_REGIONS,
};

#[test]
fn every_seeded_resource_gets_its_expected_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("network_account.py");
    let report = run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(["--skip-checks", NEEDS_WHAT_MOTO_LACKS])
            .args(THREE_REGIONS),
    )
    .report;

    let verified = assert_verdicts(findings(&report), &seeded["expect"], |id| {
        On::IdOrRegion(id)
    });
    assert!(verified >= 25, "only {verified} verdicts were checked");
    assert_eq!(
        report["summary"]["error"], 0,
        "no call fails against moto but those it lacks"
    );
    assert_eq!(report["scan"]["account"], "123456789012");
    assert_eq!(report["scan"]["regions"].as_array().map(Vec::len), Some(3));
    assert!(report["scan"]["api_calls"]
        .as_u64()
        .is_some_and(|n| n >= 23));

    // The group attached to a network interface is exposed now; the others are latent.
    let attached = seeded["expect"]["attached"]
        .as_object()
        .expect("attached groups");
    for (group, _) in attached {
        let message = the_finding(findings(&report), "ZT301", On::IdOrRegion(group))["message"]
            .as_str()
            .unwrap_or_default();
        assert!(!message.contains("latent"), "{message}");
    }
    let latent = findings(&report)
        .iter()
        .filter(|f| f["check_id"] == "ZT301" && f["status"] == "FAIL")
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("latent exposure"))
        })
        .count();
    assert_eq!(latent, 5, "five of the six exposed groups are unattached");

    // Every finding carries its compliance ids and pillar.
    let default_group = findings(&report)
        .iter()
        .find(|f| f["check_id"] == "ZT302")
        .expect("ZT302 ran");
    assert_eq!(default_group["compliance"]["fsbp"][0], "EC2.2");
    assert_eq!(default_group["pillar"], "Networks");
}

#[test]
fn a_collected_snapshot_replays_to_exactly_the_live_findings() {
    let moto = Moto::start();
    moto.seed("network_account.py");
    let dir = tempfile::tempdir().expect("temporary folder");
    let snapshot = dir.path().join("account.json");

    moto.ztaudit()
        .args(["collect", "-o"])
        .arg(&snapshot)
        .args(THREE_REGIONS)
        .assert()
        .code(3)
        .stderr(predicates::str::contains("6 failed"));
    // The 6 failed calls are the two operations moto lacks, in 3 regions.
    let collected: Value =
        serde_json::from_slice(&std::fs::read(&snapshot).expect("written")).expect("JSON");
    let errors = serde_json::to_string(&collected).expect("serializable");
    assert_eq!(
        errors.matches("\"error\"").count(),
        6,
        "only moto's gaps fail"
    );
    let live = run_json_scan(moto.ztaudit().args(JSON_SCAN).args(THREE_REGIONS)).report;
    // No AWS at all for the replay: no endpoint, no credentials.
    let replay = run_json_scan(ztaudit().args(JSON_SCAN).arg("--snapshot").arg(&snapshot)).report;

    assert!(!findings(&live).is_empty());
    assert_eq!(findings(&live), findings(&replay));
    assert_eq!(live["summary"], replay["summary"]);
}

#[test]
fn the_table_groups_failures_by_severity_and_the_gate_trips_on_critical() {
    let moto = Moto::start();
    moto.seed("network_account.py");
    let output = moto
        .ztaudit()
        .args(["scan", "--checks", "ZT301,ZT302,ZT303,ZT501,ZT502,ZT601"])
        .args(THREE_REGIONS)
        .output()
        .expect("scan");
    assert_eq!(
        output.status.code(),
        Some(1),
        "critical findings trip the default gate"
    );
    let table = String::from_utf8_lossy(&output.stdout);
    let critical = table
        .find("CRITICAL · 6 failing")
        .expect("critical section");
    let high = table.find("HIGH · 3 failing").expect("high section");
    let medium = table.find("MEDIUM ·").expect("medium section");
    assert!(critical < high && high < medium, "{table}");
    assert!(
        table.contains("Account 123456789012 (aws), 3 regions"),
        "{table}"
    );
    assert!(
        !table.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn every_enabled_region_is_scanned_when_none_is_named() {
    let moto = Moto::start();
    let report = run_json_scan(moto.ztaudit().args(JSON_SCAN).args(["--checks", "ZT501"])).report;
    let regions = report["scan"]["regions"].as_array().expect("regions");
    assert!(
        regions.len() >= 10,
        "DescribeRegions lists every enabled region: {regions:?}"
    );
    // One EBS-default result per region, none an error.
    assert_eq!(findings(&report).len(), regions.len());
    assert_eq!(report["summary"]["error"], 0);
}

#[test]
fn an_unknown_region_is_a_usage_error() {
    let moto = Moto::start();
    moto.ztaudit()
        .args(["scan", "--region", "mars-north-1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown region `mars-north-1`"));
}

#[test]
fn missing_credentials_are_a_clear_error_not_a_pass() {
    let moto = Moto::start();
    moto.ztaudit()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["scan", "--region", "eu-west-1", "--timeout", "5"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("sts:GetCallerIdentity"));
}

/// moto never fails a call, so a loopback proxy answers `DescribeFlowLogs` with AccessDenied:
/// the flow-log check reports ERROR in every region, naming the operation and the code, every
/// other check is unaffected, and the exit code says the scan is incomplete.
#[test]
fn a_denied_call_turns_its_check_into_error_and_leaves_the_others_alone() {
    let moto = Moto::start();
    moto.seed("network_account.py");
    let proxy = crate::fault_proxy::FaultProxy::deny(&moto.endpoint, "DescribeFlowLogs");
    let run = |endpoint: &str| {
        run_json_scan(
            moto.ztaudit()
                .env("AWS_ENDPOINT_URL", endpoint)
                .args(JSON_SCAN)
                .args(["--checks", "ZT301,ZT302,ZT303,ZT501,ZT502,ZT601"])
                .args(THREE_REGIONS),
        )
    };
    let clean = run(&moto.endpoint);
    let faulty = run(&proxy.endpoint);
    assert_eq!(clean.code(), Some(0));
    assert_eq!(faulty.code(), Some(3), "an incomplete scan exits 3");
    assert!(
        proxy.denied() >= 3,
        "DescribeFlowLogs was asked in each region"
    );

    let (clean, faulty) = (clean.report, faulty.report);
    let of = |report: &Value, flow_logs: bool| -> Vec<Value> {
        findings(report)
            .iter()
            .filter(|f| (f["check_id"] == "ZT601") == flow_logs)
            .cloned()
            .collect()
    };
    assert_eq!(
        of(&clean, false),
        of(&faulty, false),
        "other checks are unaffected"
    );
    let errors = of(&faulty, true);
    assert_eq!(
        errors.len(),
        3,
        "one ERROR per region, no PASS: {errors:#?}"
    );
    for error in &errors {
        assert_eq!(error["status"], "ERROR");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("ec2:DescribeFlowLogs")
                && message.contains("access denied (UnauthorizedOperation"),
            "{message}"
        );
    }
}
