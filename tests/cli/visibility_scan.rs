//! Live scans of the Visibility & Analytics and Automation checks (ZT602–ZT607, ZT701) against
//! a moto-emulated account in three regions.
//!
//! moto 5.2.5 answers every operation these checks use but Security Hub's
//! `GetEnabledStandards` (its server answers an HTML 404); the tests below say where that
//! shows. The answers moto cannot give — Security Hub's "not subscribed" next to other
//! `InvalidAccessException`s, access denied, several pages — are shown with `aws-smithy-mocks`
//! in the collector modules (`src/collect/*.rs`).

use serde_json::Value;

use crate::support::{
    assert_verdicts, findings, findings_on, run_json_scan, ztaudit, Moto, On, JSON_SCAN,
    THREE_REGIONS,
};

const CHECKS: [&str; 2] = ["--checks", "ZT602,ZT603,ZT604,ZT605,ZT606,ZT607,ZT701"];

/// The report of a scan of the visibility and automation checks in three regions.
fn visibility_report(moto: &Moto) -> Value {
    run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(CHECKS)
            .args(THREE_REGIONS),
    )
    .report
}

/// The findings of `check` on `key`: a trail ARN, or a region for region-level checks.
fn on<'a>(report: &'a Value, check: &str, key: &str) -> Vec<&'a Value> {
    findings_on(findings(report), check, On::ArnOrRegion(key))
}

#[test]
fn every_seeded_trail_and_region_gets_its_expected_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("visibility_account.py");
    let report = visibility_report(&moto);

    let verified = assert_verdicts(findings(&report), &seeded["expect"], |key| {
        On::ArnOrRegion(key)
    });
    assert_eq!(verified, 19);
    assert_eq!(
        report["summary"]["error"], 0,
        "no check is left unevaluated"
    );

    // The multi-region trail is listed in all three regions but judged once, in its home region.
    let management = seeded["trails"]["management"].as_str().expect("trail ARN");
    for check in ["ZT603", "ZT604"] {
        let found = on(&report, check, management);
        assert_eq!(found.len(), 1, "{check}: {found:#?}");
        assert_eq!(found[0]["region"], "us-east-1");
    }
    let covered = &on(&report, "ZT602", "ap-southeast-2")[0]["message"];
    assert!(
        covered
            .as_str()
            .is_some_and(|m| m.contains("management-events (home us-east-1)")),
        "{covered}"
    );

    // moto has no GetEnabledStandards: the hub still passes, and the message says why no
    // standard is named instead of claiming there is none.
    let hub = &on(&report, "ZT606", "eu-west-1")[0]["message"];
    assert!(
        hub.as_str().is_some_and(
            |m| m.contains("standards could not be read: securityhub:GetEnabledStandards")
        ),
        "{hub}"
    );
    // A suspended detector and a recorder of two types are named as such.
    let suspended = &on(&report, "ZT605", "us-east-1")[0]["message"];
    assert!(
        suspended.as_str().is_some_and(|m| m.contains("suspended")),
        "{suspended}"
    );
    let partial = &on(&report, "ZT607", "us-east-1")[0]["message"];
    assert!(
        partial
            .as_str()
            .is_some_and(|m| m.contains("records only AWS::EC2::SecurityGroup, AWS::S3::Bucket")),
        "{partial}"
    );
    // The `$or` pattern with a prefix matches GuardDuty findings, and the function it invokes
    // exists with a role that may isolate an instance; the disabled rule does not count.
    let routed = &on(&report, "ZT701", "eu-west-1")[0]["message"];
    assert!(
        routed.as_str().is_some_and(|m| m.contains(
            "lambda isolate-instance, whose role isolate-instance can call ec2:ModifyInstanceAttribute"
        )),
        "{routed}"
    );
    let disabled = &on(&report, "ZT701", "us-east-1")[0]["message"];
    assert!(
        disabled.as_str().is_some_and(|m| m.contains("is disabled")),
        "{disabled}"
    );
}

#[test]
fn a_trail_that_stops_logging_and_skips_kms_uncovers_every_region() {
    let moto = Moto::start();
    moto.seed("visibility_account.py");
    let gaps = moto.seed("visibility_trail_gaps.py");
    let report = visibility_report(&moto);

    assert_eq!(
        assert_verdicts(findings(&report), &gaps["expect"], |key| On::ArnOrRegion(
            key
        )),
        3
    );
    let message = on(&report, "ZT602", "eu-west-1")[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("management-events is not logging"),
        "{message}"
    );
    assert!(
        message.contains("filters management events on eventSource"),
        "{message}"
    );
    assert_eq!(report["summary"]["error"], 0);
}

#[test]
fn a_collected_snapshot_replays_to_exactly_the_live_findings() {
    let moto = Moto::start();
    moto.seed("visibility_account.py");
    let dir = tempfile::tempdir().expect("temporary folder");
    let snapshot = dir.path().join("account.json");

    // moto's missing GetEnabledStandards is a failed call: the collection says it is incomplete.
    moto.ztaudit()
        .args(["collect", "-o"])
        .arg(&snapshot)
        .args(THREE_REGIONS)
        .assert()
        .code(3);
    let live = visibility_report(&moto);
    let replay = run_json_scan(
        ztaudit()
            .args(JSON_SCAN)
            .args(CHECKS)
            .arg("--snapshot")
            .arg(&snapshot),
    )
    .report;
    assert!(!findings(&live).is_empty());
    assert_eq!(findings(&live), findings(&replay));
}
