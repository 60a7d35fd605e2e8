//! ZT117 against a moto-emulated account: escalation paths through a policy version, access
//! keys, a group, a passed role and a role's own policies, each beside a look-alike that
//! cannot escalate (scoped to itself, MFA, `iam:PassedToService`, a permissions boundary read
//! back from `GetAccountAuthorizationDetails`).

use crate::support::{assert_verdicts, run_json_scan, the_finding, Moto, On, JSON_SCAN};

#[test]
fn every_seeded_escalation_gets_its_verdict() {
    let moto = Moto::start();
    let seeded = moto.seed("escalation_account.py");
    let scan = run_json_scan(
        moto.ztaudit()
            .args(JSON_SCAN)
            .args(["--region", "eu-west-1"])
            .args(["--checks", "ZT117"]),
    );
    let findings = scan.findings();
    let verified = assert_verdicts(findings, &seeded["expect"], |name| On::ArnEnd(name));
    assert!(verified >= 11, "only {verified} verdicts were checked");
    assert_eq!(scan.report["summary"]["error"], 0, "{findings:#?}");

    let message = |name: &str| {
        the_finding(findings, "ZT117", On::ArnEnd(name))["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let keys = message("user/creates-keys-for-admin");
    assert!(
        keys.contains("can raise its own privileges")
            && keys.contains("iam:CreateAccessKey on user admin")
            && keys.contains("gains administrator rights"),
        "{keys}"
    );
    let with_mfa = message("user/rewrites-own-policy-with-mfa");
    assert!(
        with_mfa.contains("may raise its own privileges")
            && with_mfa.contains("aws:multifactorauthpresent"),
        "{with_mfa}"
    );
    let lambda = message("user/passes-role-to-lambda");
    assert!(
        lambda.contains("iam:PassRole on role lambda-admin"),
        "{lambda}"
    );
    let bounded = message("role/attaches-to-itself-bounded");
    assert!(bounded.contains("no path to more privileges"), "{bounded}");
}
