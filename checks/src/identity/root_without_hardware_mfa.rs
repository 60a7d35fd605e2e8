use super::shared::summary_value;
use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::RootUser;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that the root user's MFA is a hardware device (a FIDO security key or a hardware
    /// TOTP token), not a virtual authenticator app.
    ///
    /// ## Why is this bad?
    /// A virtual MFA lives on a phone that is also used for mail, chat and browsing, and its
    /// codes can be phished. The root user deserves a phishing-resistant, dedicated device kept
    /// under physical control.
    ///
    /// ## How it is evaluated
    /// - FAIL: root has no MFA, or `ListVirtualMFADevices` lists a device assigned to
    ///   `arn:aws:iam::ACCOUNT:root`.
    /// - PASS: root has MFA and none of it is virtual.
    /// - ERROR: the account summary or the virtual MFA devices could not be read.
    ///
    /// ## References
    /// - AWS FSBP IAM.6
    /// - CIS AWS Foundations Benchmark v3.0 1.6
    pub RootWithoutHardwareMfa {
        id: "ZT109",
        name: "root-without-hardware-mfa",
        title: "Root user MFA is not a hardware device",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["IAM.6"],
        cis: ["1.6"],
        remediation_cli: "# Signed in as root: remove the virtual device, then register a FIDO security key.\naws iam deactivate-mfa-device --user-name ROOT --serial-number arn:aws:iam::ACCOUNT_ID:mfa/root-account-mfa-device",
        remediation_terraform: "# Root MFA devices are not manageable by Terraform; detect virtual ones with AWS Config:\nresource \"aws_config_config_rule\" \"root_hardware_mfa\" {\n  name = \"root-account-hardware-mfa-enabled\"\n  source {\n    owner             = \"AWS\"\n    source_identifier = \"ROOT_ACCOUNT_HARDWARE_MFA_ENABLED\"\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let iam = &snapshot.global.iam;
    let Some(summary) = out.require_global("iam", &iam.account_summary) else {
        return;
    };
    let Some(devices) = out.require_global("iam", &iam.virtual_mfa_devices) else {
        return;
    };
    let resource = out.resource(GLOBAL_REGION, &RootUser);
    let mfa_enabled = match summary_value(summary, "AccountMFAEnabled") {
        Ok(value) => value == 1,
        Err(reason) => return out.unevaluable(resource, reason),
    };
    let root_virtual = devices.iter().find(|device| {
        device
            .user_arn
            .as_deref()
            .is_some_and(|arn| arn.ends_with(":root"))
    });
    match (mfa_enabled, root_virtual) {
        (false, _) => out.fail(resource, "the root user has no MFA device at all"),
        (true, Some(device)) => out.fail(
            resource,
            format!(
                "the root user's MFA is the virtual device {}",
                device.serial_number
            ),
        ),
        (true, None) => out.pass(resource, "the root user's MFA is a hardware device"),
    }
}
