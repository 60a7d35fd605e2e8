//! End to end against moto server: the access-path checks give each seeded resource the verdict
//! `tests/seed/access_account.py` intends — instances reachable on admin ports (ZT304), VPC
//! endpoints (ZT309), environment separation (ZT310, ZT311) — and trusted ranges change what
//! counts as the internet. moto lacks ssm:DescribeInstanceInformation and
//! ec2:DescribeClientVpnEndpoints: ZT305–ZT308 are tested on fixtures and their collectors with
//! mocks (`src/collect/ssm.rs`, `src/collect/ec2.rs`); here they must report ERROR, never PASS.

use serde_json::Value;

use crate::support::{assert_verdict, run_json_scan, Moto, On, JSON_SCAN, MOTO_LACKS};

/// The findings of a JSON scan of eu-west-1 with `extra` flags.
fn eu_west_1_findings(moto: &Moto, extra: &[&str]) -> Vec<Value> {
    run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(["--region", "eu-west-1"])
            .args(extra),
    )
    .findings()
    .to_vec()
}

#[test]
fn every_access_check_gives_each_seeded_resource_its_intended_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("access_account.py");
    let findings = eu_west_1_findings(&moto, &["--checks", "ZT30[4-9],ZT31*"]);
    for check in ["ZT304", "ZT309", "ZT310", "ZT311"] {
        let expected = seeded[check].as_object().expect("verdicts");
        assert!(!expected.is_empty());
        for (resource, status) in expected {
            assert_verdict(&findings, check, On::ArnEnd(resource), status);
        }
    }
    let peering = seeded["peering"].as_str().unwrap_or_default();
    assert!(findings
        .iter()
        .any(|f| f["check_id"] == "ZT310"
            && f["message"].as_str().is_some_and(|m| m.contains(peering))));
    for check in ["ZT305", "ZT306", "ZT307", "ZT308"] {
        let of_check: Vec<&Value> = findings.iter().filter(|f| f["check_id"] == check).collect();
        assert!(!of_check.is_empty(), "{check} reports");
        assert!(
            of_check.iter().all(|f| f["status"] == "ERROR"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| MOTO_LACKS.iter().any(|op| m.contains(op)))),
            "{of_check:#?}"
        );
    }
}

/// A rule admitting SSH from 0.0.0.0/1 and 128.0.0.0/1 together is the whole internet. A
/// trusted corporate range set aside still leaves the internet admitted, by both halves; a
/// trusted range wider than a network one controls (either half) is refused before any call,
/// since it would make the internet itself trusted.
#[test]
fn trusted_ranges_are_not_the_internet_and_the_message_says_so() {
    let moto = Moto::start();
    moto.seed("access_account.py");
    moto.seed("split_ssh_group.py");
    let judged = |findings: &[Value]| -> (String, String) {
        let finding = findings
            .iter()
            .find(|f| {
                f["check_id"] == "ZT301"
                    && f["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("ssh-split-halves"))
            })
            .expect("the split group is judged");
        (
            finding["status"].as_str().unwrap_or_default().to_owned(),
            finding["message"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let (status, _) = judged(&eu_west_1_findings(&moto, &["--checks", "ZT301"]));
    assert_eq!(status, "FAIL");
    let (status, message) = judged(&eu_west_1_findings(
        &moto,
        &["--checks", "ZT301", "--trusted-cidr", "198.51.100.0/24"],
    ));
    assert_eq!(status, "FAIL", "{message}");
    assert!(message.contains("from 0.0.0.0/1"), "{message}");
    assert!(message.contains("from 128.0.0.0/1"), "{message}");
    moto.ztaudit()
        .args([
            "scan",
            "--region",
            "eu-west-1",
            "--trusted-cidr",
            "0.0.0.0/1",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`0.0.0.0/1` is too wide to trust",
        ));
}

#[test]
fn an_invalid_trusted_range_is_a_usage_error() {
    let moto = Moto::start();
    moto.ztaudit()
        .args([
            "scan",
            "--region",
            "eu-west-1",
            "--trusted-cidr",
            "10.1.2.3/8",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "host bits set; did you mean 10.0.0.0/8",
        ));
}
