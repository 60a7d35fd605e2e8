use crate::declare_check;
use crate::snapshot::Collected;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that GuardDuty has an enabled detector in every scanned region.
    ///
    /// ## Why is this bad?
    /// GuardDuty is the account's intrusion detection: it reads CloudTrail, VPC flow logs and
    /// DNS logs and reports credential exfiltration, crypto-mining, reconnaissance and calls
    /// from known-bad addresses. Zero Trust assumes breach; without a detector a breach in
    /// that region goes unnoticed. Regions the account does not use are where stolen keys are
    /// put to work.
    ///
    /// ## How it is evaluated
    /// One result per scanned region, from `ListDetectors` and `GetDetector`.
    /// - PASS: a detector's status is `ENABLED`.
    /// - FAIL: the region has no detector, or its detector is suspended (`DISABLED`).
    /// - ERROR: the detectors could not be listed, or no detector is known to be enabled and
    ///   one could not be read.
    ///
    /// ## References
    /// - AWS FSBP GuardDuty.1
    /// - <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html>
    pub GuarddutyDisabled {
        id: "ZT605",
        name: "guardduty-disabled",
        title: "GuardDuty not enabled in the region",
        severity: High,
        pillar: VisibilityAnalytics,
        status: Stable,
        since: "0.1.0",
        fsbp: ["GuardDuty.1"],
        cis: [],
        remediation_cli: "aws guardduty create-detector --enable --region REGION\n# or, for a suspended detector:\naws guardduty update-detector --detector-id DETECTOR_ID --enable --region REGION",
        remediation_terraform: "resource \"aws_guardduty_detector\" \"this\" {\n  enable = true\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(detectors) = out.require("guardduty", region, &data.guardduty.detectors) else {
            continue;
        };
        let resource = out.account_resource("guardduty", region);
        let enabled = detectors.iter().find(|(_, detector)| {
            matches!(detector, Collected::Ok(d) if d.status.eq_ignore_ascii_case("ENABLED"))
        });
        if let Some((id, _)) = enabled {
            out.pass(
                resource,
                format!("GuardDuty detector {id} is enabled in {region}"),
            );
            continue;
        }
        if let Some(error) = detectors.values().find_map(Collected::error) {
            out.error(resource, error);
            continue;
        }
        match detectors.iter().next() {
            None => out.fail(resource, format!("GuardDuty has no detector in {region}")),
            Some((id, detector)) => {
                let status = detector
                    .as_result()
                    .map(|d| d.status.as_str())
                    .unwrap_or_default();
                out.fail(
                    resource,
                    format!("GuardDuty detector {id} in {region} is suspended (status {status})"),
                );
            }
        }
    }
}
