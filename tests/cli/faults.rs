//! ztaudit under fire: moto never fails, so the loopback fault proxy (`fault_proxy.rs`) sits
//! between ztaudit and moto server and injects what AWS does on a bad day. The account is seeded
//! with every end-to-end seed, so every service ztaudit reads is in play.

use std::time::Duration;

use serde_json::Value;

use crate::fault_proxy::{Fault, FaultProxy, Rule, Schedule, Target};
use crate::support::{
    run_json_scan, JsonScan, Moto, EVERY_SERVICE_SEEDS, JSON_SCAN, NEEDS_WHAT_MOTO_LACKS,
    THREE_REGIONS,
};

/// A hang guard, far above any honest run: a scan that exceeds it has hung.
const HANG_GUARD: Duration = Duration::from_secs(240);

fn seeded_moto() -> Moto {
    Moto::start().seeded(&EVERY_SERVICE_SEEDS)
}

/// A JSON scan through `endpoint` (moto's own, or a fault proxy's) with the SDK's default six
/// attempts, under the hang guard.
fn scan_through(moto: &Moto, endpoint: &str, extra: &[&str]) -> JsonScan {
    run_json_scan(
        moto.ztaudit()
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("ZTAUDIT_MAX_ATTEMPTS", "6")
            .args(JSON_SCAN)
            .args(["--skip-checks", NEEDS_WHAT_MOTO_LACKS])
            .args(THREE_REGIONS)
            .args(extra)
            .timeout(HANG_GUARD),
    )
}

/// Findings of the checks whose id is (or is not, with `keep` false) in `ids`.
fn of_checks(findings: &[Value], ids: &[&str], keep: bool) -> Vec<Value> {
    findings
        .iter()
        .filter(|finding| ids.iter().any(|id| finding["check_id"] == *id) == keep)
        .cloned()
        .collect()
}

/// 20% of all requests, every service and operation, get a throttling error, a 500 or a closed
/// connection (never the same request more than three times running, so they stay transient):
/// the SDK's bounded, adaptive retries absorb them, and the findings are exactly the fault-free
/// run's.
#[test]
fn transient_faults_on_every_operation_leave_the_findings_unchanged() {
    let moto = seeded_moto();
    let clean = scan_through(&moto, &moto.endpoint, &[]);
    assert_eq!(clean.code(), Some(0), "{:?}", clean.output);

    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::Any,
            schedule: Schedule::Rate {
                percent: 20,
                seed: 2026,
            },
            faults: vec![Fault::Throttle, Fault::ServerError, Fault::Reset],
        }],
    );
    let faulty = scan_through(&moto, &proxy.endpoint, &["--stats"]);
    assert_eq!(
        faulty.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&faulty.output.stderr)
    );
    let (matched, injected) = (proxy.matched(0), proxy.injected(0));
    assert!(
        injected * 100 >= matched * 10 && injected >= 10,
        "the proxy faulted {injected} of {matched} requests"
    );
    assert_eq!(clean.findings(), faulty.findings());
    let stats = String::from_utf8_lossy(&faulty.output.stderr);
    assert!(
        stats.contains("Retries") && stats.contains("Throttled"),
        "--stats prints the retries: {stats}"
    );
}

/// CloudTrail (a JSON-protocol service) always answers DescribeTrails with AccessDenied: every
/// CloudTrail check reports ERROR naming the operation and the code, the other checks are
/// unaffected, and the exit code says the scan is incomplete (or 1 when the gate trips first).
#[test]
fn an_operation_that_always_fails_errors_only_the_checks_that_need_it() {
    let moto = seeded_moto();
    let cloudtrail_checks = ["ZT602", "ZT603", "ZT604"];
    let clean = scan_through(&moto, &moto.endpoint, &[]);
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::Operation("DescribeTrails"),
            schedule: Schedule::Always,
            faults: vec![Fault::AccessDenied],
        }],
    );
    let faulty = scan_through(&moto, &proxy.endpoint, &[]);
    assert_eq!(faulty.code(), Some(3), "an incomplete scan exits 3");
    assert!(
        proxy.injected(0) >= 3,
        "DescribeTrails was asked per region"
    );

    let (clean, faulty_findings) = (clean.findings(), faulty.findings());
    assert_eq!(
        of_checks(clean, &cloudtrail_checks, false),
        of_checks(faulty_findings, &cloudtrail_checks, false),
        "other checks are unaffected"
    );
    let errors = of_checks(faulty_findings, &cloudtrail_checks, true);
    assert!(!errors.is_empty());
    for error in &errors {
        assert_eq!(error["status"], "ERROR", "{error:#}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("cloudtrail:DescribeTrails") && message.contains("AccessDenied"),
            "{message}"
        );
    }

    let gated = moto
        .ztaudit()
        .env("AWS_ENDPOINT_URL", &proxy.endpoint)
        .args(["scan", "--format", "json", "--fail-on", "low"])
        .args(["--skip-checks", NEEDS_WHAT_MOTO_LACKS])
        .args(THREE_REGIONS)
        .timeout(HANG_GUARD)
        .output()
        .expect("ztaudit runs");
    assert_eq!(gated.status.code(), Some(1), "the gate trips before 3");
}

/// Throttling that never stops: the SDK gives up after exactly `--max-attempts` attempts (no
/// sleeping loop of ztaudit's own), and the identity checks report ERROR as throttled.
#[test]
fn throttling_that_never_stops_is_an_error_after_bounded_retries() {
    let moto = seeded_moto();
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::Operation("GetAccountAuthorizationDetails"),
            schedule: Schedule::Always,
            faults: vec![Fault::Throttle],
        }],
    );
    let output = scan_through(
        &moto,
        &proxy.endpoint,
        &["--checks", "ZT101,ZT103", "--max-attempts", "3"],
    );
    assert_eq!(output.code(), Some(3));
    assert_eq!(
        proxy.injected(0),
        3,
        "3 attempts of the one call, then no more"
    );
    let all = output.findings();
    assert!(!all.is_empty());
    for finding in all {
        assert_eq!(finding["status"], "ERROR", "{finding:#}");
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("iam:GetAccountAuthorizationDetails") && message.contains("thrott"),
            "{message}"
        );
    }
}

/// GuardDuty (REST) answers ListDetectors far slower than `--timeout`: the call is recorded as
/// timed out, the check reports ERROR, and the scan finishes.
#[test]
fn a_call_slower_than_the_timeout_is_an_error_not_a_hang() {
    let moto = seeded_moto();
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::Rest("GET", "/detector"),
            schedule: Schedule::Always,
            faults: vec![Fault::Delay(Duration::from_secs(30))],
        }],
    );
    let output = scan_through(
        &moto,
        &proxy.endpoint,
        &["--checks", "ZT605", "--timeout", "1"],
    );
    assert_eq!(output.code(), Some(3));
    let all = output.findings();
    assert_eq!(all.len(), 3, "one finding per region: {all:#?}");
    for finding in all {
        assert_eq!(finding["status"], "ERROR", "{finding:#}");
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("guardduty:ListDetectors") && message.contains("timed out"),
            "{message}"
        );
    }
}

/// Every DescribeSecurityGroups answer is cut in half: whatever the SDK makes of it, the
/// security-group checks never PASS on half an answer.
#[test]
fn a_truncated_answer_is_never_a_pass() {
    let moto = seeded_moto();
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::Operation("DescribeSecurityGroups"),
            schedule: Schedule::Always,
            faults: vec![Fault::Truncate],
        }],
    );
    let output = scan_through(&moto, &proxy.endpoint, &["--checks", "ZT301,ZT302"]);
    assert_eq!(output.code(), Some(3));
    let all = output.findings();
    assert_eq!(all.len(), 6, "two checks, three regions: {all:#?}");
    for finding in all {
        assert_eq!(finding["status"], "ERROR", "{finding:#}");
        assert!(finding["message"]
            .as_str()
            .unwrap_or_default()
            .contains("ec2:DescribeSecurityGroups"));
    }
}

/// The first three DescribeRegions requests fail three different ways: the call that decides
/// which regions to scan is retried like any other, and the scan covers every region.
#[test]
fn a_burst_of_failures_on_the_first_call_is_retried() {
    let moto = seeded_moto();
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::Operation("DescribeRegions"),
            schedule: Schedule::First(3),
            faults: vec![Fault::Reset, Fault::ServerError, Fault::Throttle],
        }],
    );
    let output = scan_through(&moto, &proxy.endpoint, &["--checks", "ZT501"]);
    assert_eq!(output.code(), Some(0), "{:?}", output.output);
    assert_eq!(proxy.injected(0), 3);
    let all = output.findings();
    assert_eq!(all.len(), 3, "one finding per region: {all:#?}");
}

/// Every answer is slow (but within the per-call timeout): the whole-scan deadline stops the run
/// with a clear error instead of letting it drag on.
#[test]
fn the_scan_deadline_stops_a_run_that_drags_on() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::Any,
            schedule: Schedule::Always,
            faults: vec![Fault::Delay(Duration::from_millis(1500))],
        }],
    );
    moto.ztaudit()
        .env("AWS_ENDPOINT_URL", &proxy.endpoint)
        .args(["scan", "--timeout", "10", "--max-scan-time", "2"])
        .args(THREE_REGIONS)
        .timeout(HANG_GUARD)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("did not finish within 2 s"));
}
