use crate::declare_check;
use crate::visibility::shared::{evaluated_trails, is_owned_by};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that every CloudTrail trail of the account has log file validation enabled.
    ///
    /// ## Why is this bad?
    /// An intruder with write access to the log bucket can delete or rewrite the entries that
    /// show what they did. With validation on, CloudTrail delivers a signed digest file every
    /// hour, and `aws cloudtrail validate-logs` proves whether any log file was changed or
    /// removed: the audit log is verified, not trusted.
    ///
    /// ## How it is evaluated
    /// One result per trail of the account, judged once in its home region however many
    /// regions list it (`DescribeTrails` with shadow trails). Organization trails of another
    /// account (the organization's management account) are that account's to judge and are not
    /// reported here.
    /// - PASS: `LogFileValidationEnabled` is true.
    /// - FAIL: it is false.
    /// - ERROR: the trails of a region could not be read.
    ///
    /// ## References
    /// - AWS FSBP CloudTrail.4
    /// - CIS AWS Foundations Benchmark v3.0 3.2
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html>
    pub CloudtrailLogFileValidationDisabled {
        id: "ZT603",
        name: "cloudtrail-log-file-validation-disabled",
        title: "CloudTrail trail without log file validation",
        severity: Low,
        pillar: VisibilityAnalytics,
        status: Stable,
        since: "0.1.0",
        fsbp: ["CloudTrail.4"],
        cis: ["3.2"],
        remediation_cli: "aws cloudtrail update-trail --name TRAIL_NAME --enable-log-file-validation --region HOME_REGION",
        remediation_terraform: "resource \"aws_cloudtrail\" \"this\" {\n  # …\n  enable_log_file_validation = true\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        out.require("cloudtrail", region, &data.cloudtrail.trails);
    }
    for (region, trail) in evaluated_trails(snapshot).into_values() {
        if !is_owned_by(trail, &snapshot.account) {
            continue;
        }
        let resource = out.resource(region, trail);
        if trail.log_file_validation {
            out.pass(
                resource,
                format!("trail {} has log file validation enabled", trail.name),
            );
        } else {
            out.fail(
                resource,
                format!("trail {} has log file validation disabled", trail.name),
            );
        }
    }
}
