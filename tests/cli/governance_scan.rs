//! The governance checks (ZT801–ZT805) against an organization seeded in moto
//! (`tests/seed/organization.py`): the management account's own scan, member accounts scanned
//! with their own credentials (from `sts:AssumeRole`; moto keeps each account's state apart),
//! and members as an organization scan will see them — their own data, with the organization's
//! view of them read by the management account through `collect::organizations::read_view`.
//!
//! Where moto falls short it is said at the assertion: it lacks GuardDuty's
//! `DescribeOrganizationConfiguration` and Security Hub's `ListOrganizationAdminAccounts`
//! (both answered 404; their collectors are proved with `aws-smithy-mocks` in
//! `src/collect/guardduty.rs` and `src/collect/securityhub.rs`), answers a member's
//! organization calls with `AccountNotFoundException` (or an empty list) where AWS refuses them,
//! and refuses `securityhub.amazonaws.com` as a delegated administrator's principal.

use std::path::{Path, PathBuf};

use aws_config::BehaviorVersion;
use serde_json::Value;
use ztaudit::collect::organizations::read_view;
use ztaudit::collect::CallRecorder;

use crate::support::{
    assert_verdict, findings, run_json_scan, the_finding, write_json, Moto, On, JSON_SCAN,
};

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

/// Asserts the status of `check`'s one finding on the account in `region` (`global` for
/// account-wide checks), and that its message says each of `words`.
fn assert_verdict_saying(report: &Value, check: &str, region: &str, status: &str, words: &[&str]) {
    let findings = findings(report);
    assert_verdict(findings, check, On::IdOrRegion(region), status);
    let message = the_finding(findings, check, On::IdOrRegion(region))["message"]
        .as_str()
        .unwrap_or_default();
    for word in words {
        assert!(
            message.contains(word),
            "{check} in {region}: `{word}` not in: {message}"
        );
    }
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {value}"))
}

/// The binary with the credentials of member `name`, as the seed assumed them.
fn as_member(moto: &Moto, seeded: &Value, name: &str) -> assert_cmd::Command {
    let mut cmd = moto.ztaudit();
    cmd.env(
        "AWS_ACCESS_KEY_ID",
        str_at(seeded, &format!("/credentials/{name}/key")),
    )
    .env(
        "AWS_SECRET_ACCESS_KEY",
        str_at(seeded, &format!("/credentials/{name}/secret")),
    )
    .env(
        "AWS_SESSION_TOKEN",
        str_at(seeded, &format!("/credentials/{name}/token")),
    );
    cmd
}

fn scan(mut cmd: assert_cmd::Command, checks: &str) -> (Value, Option<i32>) {
    let scanned = run_json_scan(cmd.args(JSON_SCAN).args(["--checks", checks]).args(REGIONS));
    let code = scanned.code();
    (scanned.report, code)
}

#[test]
fn the_management_account_sees_its_own_organization() {
    let moto = Moto::start();
    let seeded = moto.seed("organization.py");
    let organization = str_at(&seeded, "/organization");
    let security = str_at(&seeded, "/accounts/security");

    let (report, _) = scan(moto.ztaudit(), "ZT8*");

    assert_verdict_saying(
        &report,
        "ZT802",
        "global",
        "PASS",
        &["is the management account of organization", organization],
    );
    assert_verdict_saying(
        &report,
        "ZT803",
        "global",
        "NOT_APPLICABLE",
        &["SCPs never apply"],
    );
    // GuardDuty is delegated to the security account in us-east-1 only.
    assert_verdict_saying(&report, "ZT804", "us-east-1", "NOT_APPLICABLE", &[security]);
    assert_verdict_saying(
        &report,
        "ZT804",
        "eu-west-1",
        "FAIL",
        &["no delegated administrator in eu-west-1"],
    );
    // moto lacks securityhub:ListOrganizationAdminAccounts (404) and cannot register Security
    // Hub's administrator in Organizations, so nothing says who administers Security Hub: never
    // a PASS, and the message names the call.
    for region in ["us-east-1", "eu-west-1"] {
        assert_verdict_saying(
            &report,
            "ZT805",
            region,
            "ERROR",
            &["securityhub:ListOrganizationAdminAccounts"],
        );
    }
    // Nothing in the management account names an environment.
    assert_verdict_saying(&report, "ZT801", "global", "NOT_APPLICABLE", &[]);
}

#[test]
fn a_member_scanned_with_its_own_credentials_cannot_see_its_guardrails() {
    let moto = Moto::start();
    let seeded = moto.seed("organization.py");

    let (report, code) = scan(as_member(&moto, &seeded, "prod"), "ZT8*");

    assert_verdict_saying(
        &report,
        "ZT802",
        "global",
        "PASS",
        &["a member (management account 123456789012)"],
    );
    // AWS refuses a member ListParents (AccessDeniedException); moto answers
    // AccountNotFoundException. Either way the guardrails are unknown: ERROR, naming the call.
    assert_verdict_saying(
        &report,
        "ZT803",
        "global",
        "ERROR",
        &["organizations:ListParents"],
    );
    // Its VPC is production, but its OUs and tags might name another environment.
    assert_verdict_saying(&report, "ZT801", "global", "ERROR", &["organizations:"]);
    assert_eq!(code, Some(3), "an incomplete scan");
}

/// An organization scan reads each member's own data with the member's credentials, and its
/// organization view with the management account's: composed here from `ztaudit collect` and
/// `read_view`, then judged by `ztaudit scan --snapshot`.
#[test]
fn members_as_an_organization_scan_sees_them() {
    let moto = Moto::start();
    let seeded = moto.seed("organization.py");
    let dir = tempfile::tempdir().expect("temporary folder");
    let security = str_at(&seeded, "/accounts/security");

    let prod = scan_with_management_view(&moto, &seeded, "prod", dir.path());
    assert_verdict_saying(
        &prod,
        "ZT803",
        "global",
        "PASS",
        &["15 denied by SCP ProtectSecurityServices", "OU Prod"],
    );
    assert_verdict_saying(
        &prod,
        "ZT801",
        "global",
        "PASS",
        &["holds only production", "the account's tags", "OU Prod"],
    );
    assert_verdict_saying(&prod, "ZT804", "us-east-1", "NOT_APPLICABLE", &[security]);

    let dev = scan_with_management_view(&moto, &seeded, "dev", dir.path());
    assert_verdict_saying(
        &dev,
        "ZT803",
        "global",
        "FAIL",
        &[
            "an IAM role or user of account",
            "can stop or delete CloudTrail trails (cloudtrail:StopLogging",
            "disable GuardDuty",
            "and leave the organization (organizations:LeaveOrganization)",
            "no SCP denies them at root",
            "OU Workloads",
            "OU Dev",
            // The region lock at the root is avoidable, the deny of leaving exempts roles.
            "RegionLock",
            "is conditioned on aws:RequestedRegion, which the caller controls",
            "NoLeavingButRoles",
            "does not apply to an IAM role (condition on aws:PrincipalArn)",
        ],
    );
    assert_verdict_saying(
        &dev,
        "ZT801",
        "global",
        "FAIL",
        &[
            "development (the account's tags, OU Dev)",
            "production (VPC",
            "production shares the account with non-production",
        ],
    );
}

/// Security Hub's organization configuration, which moto implements: judged in the view of
/// the delegated administrator, with its own credentials.
#[test]
fn security_hub_auto_enable_is_judged_by_the_administrator_s_view() {
    let moto = Moto::start();
    let seeded = moto.seed("organization.py");
    let security = str_at(&seeded, "/accounts/security");

    let (report, _) = scan(as_member(&moto, &seeded, "security"), "ZT805");
    assert_verdict_saying(
        &report,
        "ZT805",
        "us-east-1",
        "PASS",
        &[
            "is Security Hub's delegated administrator in us-east-1",
            "AutoEnable true",
        ],
    );

    moto.seed_with_args(
        "organization.py",
        &["security-hub-auto-enable", security, "false"],
    );
    let (report, _) = scan(as_member(&moto, &seeded, "security"), "ZT805");
    assert_verdict_saying(
        &report,
        "ZT805",
        "us-east-1",
        "FAIL",
        &["accounts that join the organization are not enabled"],
    );
}

/// `ztaudit collect` of member `name` with its own credentials, its organization view replaced
/// by the management account's, then scanned.
fn scan_with_management_view(moto: &Moto, seeded: &Value, name: &str, dir: &Path) -> Value {
    let account = str_at(seeded, &format!("/accounts/{name}")).to_owned();
    let collected: PathBuf = dir.join(format!("{name}.json"));
    let output = as_member(moto, seeded, name)
        .args(["collect", "-o"])
        .arg(&collected)
        .args(REGIONS)
        .output()
        .expect("collect runs");
    assert_eq!(
        output.status.code(),
        Some(3),
        "a member's own organization calls fail: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut snapshot: Value =
        serde_json::from_slice(&std::fs::read(&collected).expect("snapshot written"))
            .expect("snapshot is JSON");
    assert_eq!(snapshot["account"], account.as_str());

    let view = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            let sdk = aws_config::defaults(BehaviorVersion::latest())
                .region("us-east-1")
                .endpoint_url(&moto.endpoint)
                .credentials_provider(aws_sdk_organizations::config::Credentials::new(
                    "testing", "testing", None, None, "moto",
                ))
                .load()
                .await;
            read_view(&sdk, "us-east-1", &account, &CallRecorder::default(), 4).await
        });
    assert!(
        view.call_errors().is_empty(),
        "the management account reads the whole view: {:?}",
        view.call_errors()
    );
    snapshot["global"]["organizations"] = serde_json::to_value(&view).expect("serializable");
    let patched = write_json(dir, &format!("{name}-organization-view.json"), &snapshot);
    let scanned = run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(["--checks", "ZT8*", "--snapshot"])
            .arg(&patched),
    );
    scanned.report
}
