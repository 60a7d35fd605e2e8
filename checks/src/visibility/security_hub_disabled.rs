use crate::declare_check;
use crate::snapshot::Collected;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that AWS Security Hub is enabled in every scanned region, and names the
    /// security standards enabled there.
    ///
    /// ## Why is this bad?
    /// Security Hub gathers the findings of GuardDuty, Inspector, Macie, IAM Access Analyzer
    /// and its own continuous control checks into one place per region, where they can be
    /// triaged and routed to automated response. Without it every signal has to be watched
    /// separately, and the posture of the region is not continuously verified.
    ///
    /// ## How it is evaluated
    /// One result per scanned region, from `DescribeHub` and `GetEnabledStandards`.
    /// - PASS: `DescribeHub` answers with the hub; the message lists the standards that
    ///   `GetEnabledStandards` reports (or says why they could not be read, which does not
    ///   change the verdict).
    /// - FAIL: `DescribeHub` answers that the account is not subscribed to Security Hub
    ///   (`InvalidAccessException`) in the region.
    /// - ERROR: `DescribeHub` failed for any other reason (access denied, throttled…).
    ///
    /// ## References
    /// - CIS AWS Foundations Benchmark v3.0 4.16
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html>
    pub SecurityHubDisabled {
        id: "ZT606",
        name: "security-hub-disabled",
        title: "Security Hub not enabled in the region",
        severity: Medium,
        pillar: VisibilityAnalytics,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: ["4.16"],
        remediation_cli: "aws securityhub enable-security-hub --enable-default-standards --region REGION",
        remediation_terraform: "resource \"aws_securityhub_account\" \"this\" {\n  enable_default_standards = true\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(hub) = out.require("securityhub", region, &data.securityhub.hub) else {
            continue;
        };
        let resource = out.account_resource("securityhub", region);
        let Some(hub) = hub else {
            out.fail(resource, format!("Security Hub is not enabled in {region}"));
            continue;
        };
        let standards = match &hub.enabled_standards {
            Collected::Ok(standards) if standards.is_empty() => "no standard enabled".to_owned(),
            Collected::Ok(standards) => {
                let names: Vec<String> = standards
                    .iter()
                    .map(|standard| {
                        if standard.status.eq_ignore_ascii_case("READY") {
                            standard.short_name().to_owned()
                        } else {
                            format!("{} ({})", standard.short_name(), standard.status)
                        }
                    })
                    .collect();
                format!("standards: {}", names.join(", "))
            }
            Collected::Error(error) => format!("standards could not be read: {error}"),
        };
        out.pass(
            resource,
            format!("Security Hub is enabled in {region}; {standards}"),
        );
    }
}
