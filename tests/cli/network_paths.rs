//! End to end against moto server: ZT304 traces the internet's path to every running instance
//! of `tests/seed/network_paths.py`, one per case of the network-path model (route-table
//! associations, gateways, NAT and egress-only routes, split and prefix-list routes, ACL order,
//! the final deny and return traffic, Elastic IPs, secondary addresses, IPv6, prefix lists,
//! trusted ranges), and says why in every verdict. The messages are compared with a golden,
//! with the identifiers and addresses moto chose at random replaced by the seed's names.

use serde_json::Value;

use crate::support::{stdout_json, Moto};

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

/// `text` with every identifier and address the seed named replaced by its name, longest first
/// so that no identifier is replaced inside a longer one.
fn with_labels(text: &str, labels: &serde_json::Map<String, Value>) -> String {
    let mut pairs: Vec<(&String, &str)> = labels
        .iter()
        .map(|(raw, name)| (raw, name.as_str().unwrap_or_default()))
        .collect();
    pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
    let mut text = text.to_owned();
    for (raw, name) in pairs {
        text = text.replace(raw.as_str(), name);
    }
    text
}

#[test]
fn every_path_case_gets_its_verdict_and_says_why() {
    let moto = Moto::start();
    let seeded = moto.seed("network_paths.py");
    let output = moto
        .ztaudit()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .args([
            "--checks",
            "ZT304",
            "--region",
            "eu-west-1",
            "--trust-cloudflare",
        ])
        .output()
        .expect("ztaudit runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout_json(&output);
    let labels = seeded["labels"].as_object().expect("labels");
    let expect = seeded["expect"].as_object().expect("expectations");
    let findings = findings(&report);

    let verdict_of = |instance: &str| {
        findings
            .iter()
            .find(|f| {
                f["resource"]
                    .as_str()
                    .is_some_and(|r| r.ends_with(&format!("instance/{instance}")))
            })
            .cloned()
    };
    for (instance, verdict) in expect {
        let found = verdict_of(instance)
            .unwrap_or_else(|| panic!("no ZT304 finding for {}", labels[instance]));
        assert_eq!(
            found["status"], *verdict,
            "{}: {}",
            labels[instance], found["message"]
        );
    }
    assert!(expect.len() >= 20, "only {} cases", expect.len());
    for stopped in seeded["not_reported"].as_array().expect("not reported") {
        let stopped = stopped.as_str().unwrap_or_default();
        assert!(
            verdict_of(stopped).is_none(),
            "{} is reported",
            labels[stopped]
        );
    }
    // moto's default VPCs hold no instance: every finding is one of the seeded cases.
    assert_eq!(findings.len(), expect.len(), "{findings:#?}");

    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| {
            let resource = f["resource"].as_str().unwrap_or_default();
            let instance = resource.rsplit('/').next().unwrap_or_default();
            format!(
                "{} {}\n  {}",
                f["status"].as_str().unwrap_or_default(),
                with_labels(instance, labels),
                with_labels(f["message"].as_str().unwrap_or_default(), labels)
            )
        })
        .collect();
    lines.sort();
    insta::assert_snapshot!("network_paths_zt304_messages", lines.join("\n"));
}
