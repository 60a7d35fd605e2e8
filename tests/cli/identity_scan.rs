//! Identity checks against a moto-emulated account: users, groups, roles, policies, login
//! profiles, access keys, MFA devices and instances.

use serde_json::Value;

use crate::support::{stdout_json, Moto};

#[test]
fn every_seeded_principal_gets_its_expected_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("identity_account.py");
    let output = moto
        .ztaudit()
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--region",
            "eu-west-1",
        ])
        .args(["--checks", "ZT1*"])
        .output()
        .expect("ztaudit runs");
    let report = stdout_json(&output);
    let findings = report["findings"].as_array().expect("findings");

    let mut verified = 0;
    for (check, principals) in seeded["expect"].as_object().expect("expectations") {
        for (name, verdict) in principals.as_object().expect("name → verdict") {
            let found: Vec<&Value> = findings
                .iter()
                .filter(|f| f["check_id"] == *check)
                .filter(|f| {
                    f["resource"].as_str().is_some_and(|r| {
                        r.ends_with(&format!("/{name}")) || r.ends_with(&format!(":{name}"))
                    })
                })
                .collect();
            assert_eq!(found.len(), 1, "{check} on {name}: {found:?}");
            assert_eq!(
                found[0]["status"], *verdict,
                "{check} on {name}: {}",
                found[0]["message"]
            );
            verified += 1;
        }
    }
    assert!(verified >= 36, "only {verified} verdicts were checked");
    assert_eq!(report["summary"]["error"], 0, "{findings:#?}");

    // The Identity Center message names moto's instance.
    let alice = findings
        .iter()
        .find(|f| {
            f["check_id"] == "ZT113"
                && f["resource"]
                    .as_str()
                    .is_some_and(|r| r.ends_with("/alice"))
        })
        .expect("ZT113 on alice");
    let message = alice["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("a console password and 1 active access key")
            && message.contains("IAM Identity Center"),
        "{message}"
    );
}
