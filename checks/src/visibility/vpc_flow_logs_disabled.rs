use crate::declare_check;
use crate::snapshot::{FlowLog, Subnet, Vpc};
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
    /// - FAIL: no flow log on the VPC, only inactive ones, or only `ACCEPT` logs. Flow logs of
    ///   its subnets do not make it PASS (a subnet created later is not logged), but the
    ///   message says which subnets are logged and which are not.
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
        // Only for the wording of a FAIL: unread subnets change no verdict.
        let subnets = data.ec2.subnets.as_result().ok();
        for vpc in vpcs {
            let resource = out.resource(region, vpc);
            let logs: Vec<&FlowLog> = flow_logs
                .iter()
                .filter(|log| log.resource_id == vpc.id)
                .collect();
            if let Some(log) = logs.iter().find(|log| is_effective(log)) {
                out.pass(
                    resource,
                    format!("{} has active flow log {}", vpc.id, log.id),
                );
                continue;
            }
            let vpc_level = if logs.is_empty() {
                format!("{} has no VPC-level flow log", vpc.id)
            } else {
                let ids: Vec<&str> = logs.iter().map(|log| log.id.as_str()).collect();
                format!(
                    "{} has VPC-level flow logs ({}) but none is active and records rejected \
                     traffic",
                    vpc.id,
                    ids.join(", ")
                )
            };
            let subnet_level = subnets
                .map(|subnets| subnet_coverage(vpc, subnets, flow_logs))
                .unwrap_or_default();
            out.fail(resource, format!("{vpc_level}{subnet_level}"));
        }
    }
}

/// Active, and records rejected traffic (`ALL` or `REJECT`): what FSBP EC2.6 asks of a log.
fn is_effective(log: &FlowLog) -> bool {
    let active = log
        .status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"));
    let records_rejects = log
        .traffic_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("ALL") || t.eq_ignore_ascii_case("REJECT"));
    active && records_rejects
}

/// What the subnets of `vpc` log, said after the VPC level: `; subnet-level flow logs cover
/// subnet-a (by fl-1), not subnet-b`, or `; nor has any of its 3 subnets`.
fn subnet_coverage(vpc: &Vpc, subnets: &[Subnet], flow_logs: &[FlowLog]) -> String {
    let mut logged = Vec::new();
    let mut unlogged = Vec::new();
    for subnet in subnets.iter().filter(|subnet| subnet.vpc_id == vpc.id) {
        match flow_logs
            .iter()
            .find(|log| log.resource_id == subnet.id && is_effective(log))
        {
            Some(log) => logged.push(format!("{} (by {})", subnet.id, log.id)),
            None => unlogged.push(subnet.id.as_str()),
        }
    }
    match (logged.is_empty(), unlogged.len()) {
        (true, 0) => String::new(),
        (true, 1) => "; nor has its one subnet".to_owned(),
        (true, count) => format!("; nor has any of its {count} subnets"),
        (false, 0) => format!(
            "; subnet-level flow logs cover each of its subnets, {}, but FSBP EC2.6 asks \
             for one on the VPC, which also covers subnets created later",
            logged.join(", ")
        ),
        (false, _) => format!(
            "; subnet-level flow logs cover {}, not {}",
            logged.join(", "),
            unlogged.join(", ")
        ),
    }
}
