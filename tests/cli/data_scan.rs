//! End to end against moto server: the data-protection checks (ZT503–ZT512) and Secrets Manager
//! rotation (ZT116) give each seeded resource the verdict `tests/seed/data_account.py` intends,
//! PASS and FAIL, across two regions. S3 per-bucket calls go to each bucket's region.

use serde_json::Value;

use crate::support::{stdout_json, Moto};

const REGIONS: [&str; 4] = ["--region", "eu-west-1", "--region", "us-east-1"];

fn scan(moto: &Moto) -> Vec<Value> {
    let output = moto
        .ztaudit()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .args(["--checks", "ZT5*,ZT116", "--skip-checks", "ZT501,ZT502"])
        .args(REGIONS)
        .output()
        .expect("ztaudit runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    stdout_json(&output)["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The status of `check`'s one finding whose resource ends with `resource`.
fn verdict(findings: &[Value], check: &str, resource: &str) -> String {
    let matching: Vec<&Value> = findings
        .iter()
        .filter(|f| f["check_id"] == check)
        .filter(|f| f["resource"].as_str().is_some_and(|r| r.contains(resource)))
        .collect();
    assert_eq!(matching.len(), 1, "{check} on {resource}: {matching:#?}");
    matching[0]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// `expected` maps resources to their verdict per check.
fn expect_all(findings: &[Value], expected: &Value) {
    for (resource, value) in expected.as_object().expect("an object of verdicts") {
        for (check, status) in value.as_object().expect("verdicts per check") {
            assert_eq!(
                &verdict(findings, check, resource),
                status,
                "{check} on {resource}"
            );
        }
    }
}

#[test]
fn every_data_check_gives_each_seeded_resource_its_intended_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("data_account.py");
    let findings = scan(&moto);
    assert!(
        findings.iter().all(|f| f["status"] != "ERROR"),
        "{findings:#?}"
    );

    expect_all(&findings, &seeded["buckets"]);
    assert_eq!(verdict(&findings, "ZT504", ":account"), "FAIL");
    for (name, status) in seeded["rds"].as_object().expect("rds") {
        let check = if name.contains("cluster") {
            "ZT508"
        } else {
            "ZT507"
        };
        assert_eq!(
            &verdict(&findings, check, name),
            status,
            "{check} on {name}"
        );
    }
    for (key, status) in seeded["kms"].as_object().expect("kms") {
        assert_eq!(&verdict(&findings, "ZT509", key), status, "ZT509 on {key}");
    }
    for (name, status) in seeded["load_balancers"]
        .as_object()
        .expect("load balancers")
    {
        assert_eq!(
            &verdict(&findings, "ZT510", name),
            status,
            "ZT510 on {name}"
        );
        if !name.contains("classic") {
            assert_eq!(
                &verdict(&findings, "ZT511", name),
                status,
                "ZT511 on {name}"
            );
            assert_eq!(
                &verdict(&findings, "ZT512", name),
                status,
                "ZT512 on {name}"
            );
        }
    }
    for (name, status) in seeded["secrets"].as_object().expect("secrets") {
        assert_eq!(
            &verdict(&findings, "ZT116", name),
            status,
            "ZT116 on {name}"
        );
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
    let findings = scan(&moto);
    assert_eq!(verdict(&findings, "ZT504", ":account"), "PASS");
    assert_eq!(verdict(&findings, "ZT505", "zt-fail-bucket"), "PASS");
    let message = findings
        .iter()
        .find(|f| f["check_id"] == "ZT505" && f["resource"] == "arn:aws:s3:::zt-fail-bucket")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default();
    assert!(message.contains("covered by the account's"), "{message}");
}
