//! Live scans of the automated-response check (ZT701) against moto: the guide's key-revoking
//! Lambda function (`tests/seed/lambda/revoke_keys.py`, zipped by the seed and created with
//! `lambda:CreateFunction`), wired to a GuardDuty finding rule. moto serves the function, its
//! role and the role's policies; the function never runs, since the check judges what its role
//! may call.

use crate::support::{
    assert_verdicts, findings, findings_on, run_json_scan, Moto, On, JSON_SCAN, THREE_REGIONS,
};

#[test]
fn the_guides_key_revoking_lambda_passes_only_when_its_role_may_deactivate_keys() {
    let moto = Moto::start();
    let seeded = moto.seed("response_account.py");
    let report = run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(["--checks", "ZT701"])
            .args(THREE_REGIONS)
            .args(["--region", "eu-central-1"]),
    )
    .report;

    assert_eq!(
        assert_verdicts(findings(&report), &seeded["expect"], |key| {
            On::ArnOrRegion(key)
        }),
        4
    );
    assert_eq!(report["summary"]["error"], 0, "every region is decided");
    let message = |region: &str| {
        findings_on(findings(&report), "ZT701", On::ArnOrRegion(region))[0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let allowed = message("eu-west-1");
    assert!(
        allowed.contains("lambda revoke-keys, whose role revoke-keys can call iam:UpdateAccessKey"),
        "{allowed}"
    );
    let logs_only = message("us-east-1");
    assert!(
        logs_only.contains(
            "rule guardduty-revoke-keys targets lambda revoke-keys, whose role \
             revoke-keys-logs-only cannot call iam:UpdateAccessKey"
        ),
        "{logs_only}"
    );
    let missing = message("ap-southeast-2");
    assert!(
        missing.contains("targets lambda revoke-keys, which does not exist"),
        "{missing}"
    );
    let queue = message("eu-central-1");
    assert!(
        queue.contains("arn:aws:sqs:eu-central-1:123456789012:findings"),
        "{queue}"
    );
}
