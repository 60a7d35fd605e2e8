use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that every VPC has an active flow log that records rejected traffic (`REJECT` or
    /// `ALL`).
    ///
    /// ## Why is this bad?
    /// "Assume breach" means being able to reconstruct who talked to whom. Without flow logs
    /// there is no record of the connections an intruder made or tried, and no data for anomaly
    /// detection such as GuardDuty's.
    ///
    /// ## How it is evaluated
    /// - PASS: a flow log on the VPC is active and its traffic type is `ALL` or `REJECT`.
    /// - FAIL: no flow log on the VPC, only inactive ones, or only `ACCEPT` logs.
    /// - ERROR: the VPCs or the flow logs of the region could not be read.
    ///
    /// ## References
    /// - AWS FSBP EC2.6
    /// - CIS AWS Foundations Benchmark v3.0 3.7
    pub VpcFlowLogsDisabled {
        id: "ZT601",
        name: "vpc-flow-logs-disabled",
        title: "VPC without flow logs",
        severity: Medium,
        pillar: VisibilityAnalytics,
        status: Stable,
        since: "0.1.0",
        fsbp: ["EC2.6"],
        cis: ["3.7"],
        remediation_cli: "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type ALL --log-destination-type cloud-watch-logs --log-group-name vpc-flow-logs --deliver-logs-permission-arn ROLE_ARN",
        remediation_terraform: "resource \"aws_flow_log\" \"vpc\" {\n  vpc_id          = aws_vpc.main.id\n  traffic_type    = \"ALL\"\n  log_destination = aws_cloudwatch_log_group.flow.arn\n  iam_role_arn    = aws_iam_role.flow.arn\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(vpcs) = out.require("ec2", region, &data.ec2.vpcs) else {
            continue;
        };
        let Some(flow_logs) = out.require("ec2", region, &data.ec2.flow_logs) else {
            continue;
        };
        for vpc in vpcs {
            let resource = out.resource(region, vpc);
            let logs: Vec<_> = flow_logs
                .iter()
                .filter(|log| log.resource_id == vpc.id)
                .collect();
            let is_active = |status: &Option<String>| {
                status
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"))
            };
            let records_rejects = |kind: &Option<String>| {
                kind.as_deref().is_some_and(|t| {
                    t.eq_ignore_ascii_case("ALL") || t.eq_ignore_ascii_case("REJECT")
                })
            };
            if let Some(log) = logs
                .iter()
                .find(|log| is_active(&log.status) && records_rejects(&log.traffic_type))
            {
                out.pass(
                    resource,
                    format!("{} has active flow log {}", vpc.id, log.id),
                );
            } else if logs.is_empty() {
                out.fail(resource, format!("{} has no flow log", vpc.id));
            } else {
                let ids: Vec<&str> = logs.iter().map(|log| log.id.as_str()).collect();
                out.fail(
                    resource,
                    format!(
                        "{} has flow logs ({}) but none is active and records rejected traffic",
                        vpc.id,
                        ids.join(", ")
                    ),
                );
            }
        }
    }
}
