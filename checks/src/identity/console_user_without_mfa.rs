use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds IAM users who can sign in to the console with a password but have no MFA device.
    ///
    /// ## Why is this bad?
    /// A password alone is one phishing mail away from an attacker. Zero Trust verifies every
    /// human with a second, phishing-resistant factor before granting a session.
    ///
    /// ## How it is evaluated
    /// - FAIL: the credential report shows `password_enabled` and not `mfa_active`.
    /// - PASS: the user has a console password and MFA.
    /// - Users without a console password are not reported (see ZT111/ZT112 for their keys).
    /// - ERROR: the credential report could not be read.
    ///
    /// ## References
    /// - AWS FSBP IAM.5
    /// - CIS AWS Foundations Benchmark v3.0 1.10
    pub ConsoleUserWithoutMfa {
        id: "ZT107",
        name: "console-user-without-mfa",
        title: "Console user without MFA",
        severity: High,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.5"],
        cis: ["1.10"],
        remediation_cli: "aws iam create-virtual-mfa-device --virtual-mfa-device-name USER_NAME --outfile qr.png --bootstrap-method QRCodePNG\naws iam enable-mfa-device --user-name USER_NAME --serial-number MFA_ARN --authentication-code1 CODE1 --authentication-code2 CODE2",
        remediation_terraform: "resource \"aws_iam_virtual_mfa_device\" \"user\" {\n  virtual_mfa_device_name = \"alice\"\n}\n# then enable it for the user; better, move people to IAM Identity Center",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(report) = out.require_global("iam", &snapshot.global.iam.credential_report) else {
        return;
    };
    for row in report
        .iter()
        .filter(|row| !row.is_root() && row.password_enabled)
    {
        let resource = out.resource(GLOBAL_REGION, row);
        if row.mfa_active {
            out.pass(
                resource,
                format!("{} signs in to the console with MFA", row.user),
            );
        } else {
            out.fail(
                resource,
                format!("{} can sign in to the console without MFA", row.user),
            );
        }
    }
}
