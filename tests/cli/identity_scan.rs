//! Identity checks against a moto-emulated account: users, groups, roles, policies, login
//! profiles, access keys, MFA devices and instances.

use crate::support::{assert_verdicts, run_json_scan, Moto, On, JSON_SCAN};

#[test]
fn every_seeded_principal_gets_its_expected_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("identity_account.py");
    let scan = run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(["--region", "eu-west-1"])
            .args(["--checks", "ZT1*"]),
    );
    let (report, findings) = (&scan.report, scan.findings());

    let verified = assert_verdicts(findings, &seeded["expect"], |name| On::Named(name));
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
