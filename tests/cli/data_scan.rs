//! End to end against moto server: the data-protection checks (ZT503–ZT512) and Secrets Manager
//! rotation (ZT116) give each seeded resource the verdict `tests/seed/data_account.py` intends,
//! PASS and FAIL, across two regions. S3 per-bucket calls go to each bucket's region.

use serde_json::Value;

use crate::support::{assert_verdict, run_json_scan, Moto, On, JSON_SCAN, TWO_REGIONS};

/// The findings of the data checks and ZT116 in two regions; none may be an ERROR, so the scan
/// exits 0.
fn data_findings(moto: &Moto) -> Vec<Value> {
    let scan = run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(["--checks", "ZT5*,ZT116", "--skip-checks", "ZT501,ZT502"])
            .args(TWO_REGIONS),
    );
    assert_eq!(scan.code(), Some(0), "{:?}", scan.output);
    scan.findings().to_vec()
}

/// `expected` maps resources to their verdict per check.
fn expect_all(findings: &[Value], expected: &Value) {
    for (resource, value) in expected.as_object().expect("an object of verdicts") {
        for (check, status) in value.as_object().expect("verdicts per check") {
            assert_verdict(findings, check, On::ArnPart(resource), status);
        }
    }
}

#[test]
fn every_data_check_gives_each_seeded_resource_its_intended_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("data_account.py");
    let findings = data_findings(&moto);
    assert!(
        findings.iter().all(|f| f["status"] != "ERROR"),
        "{findings:#?}"
    );

    expect_all(&findings, &seeded["buckets"]);
    assert_verdict(&findings, "ZT504", On::ArnPart(":account"), "FAIL");
    for (name, status) in seeded["rds"].as_object().expect("rds") {
        let check = if name.contains("cluster") {
            "ZT508"
        } else {
            "ZT507"
        };
        assert_verdict(&findings, check, On::ArnPart(name), status);
    }
    for (key, status) in seeded["kms"].as_object().expect("kms") {
        assert_verdict(&findings, "ZT509", On::ArnPart(key), status);
    }
    for (name, status) in seeded["load_balancers"]
        .as_object()
        .expect("load balancers")
    {
        assert_verdict(&findings, "ZT510", On::ArnPart(name), status);
        if !name.contains("classic") {
            assert_verdict(&findings, "ZT511", On::ArnPart(name), status);
            assert_verdict(&findings, "ZT512", On::ArnPart(name), status);
        }
    }
    for (name, status) in seeded["secrets"].as_object().expect("secrets") {
        assert_verdict(&findings, "ZT116", On::ArnPart(name), status);
    }
    // The bucket in us-east-1 is reported in its own region.
    let us_bucket = findings
        .iter()
        .find(|f| f["check_id"] == "ZT503" && f["resource"] == "arn:aws:s3:::zt-fail-bucket")
        .expect("the us-east-1 bucket is judged");
    assert_eq!(us_bucket["region"], "us-east-1");
}

/// The account's Block Public Access fully on: ZT504 passes, and covers every bucket for ZT505.
#[test]
fn full_account_block_public_access_passes_and_covers_every_bucket() {
    let moto = Moto::start();
    let seeded = moto.seed_with_args("data_account.py", &["--account-bpa", "full"]);
    assert_eq!(seeded["ZT504"], "PASS");
    let findings = data_findings(&moto);
    assert_verdict(&findings, "ZT504", On::ArnPart(":account"), "PASS");
    assert_verdict(&findings, "ZT505", On::ArnPart("zt-fail-bucket"), "PASS");
    let message = findings
        .iter()
        .find(|f| f["check_id"] == "ZT505" && f["resource"] == "arn:aws:s3:::zt-fail-bucket")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default();
    assert!(message.contains("covered by the account's"), "{message}");
}
