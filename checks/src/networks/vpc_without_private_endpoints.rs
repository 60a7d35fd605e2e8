use std::collections::BTreeSet;

use crate::declare_check;
use crate::snapshot::VpcId;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Lists VPCs that run instances but have no VPC endpoint (PrivateLink interface endpoint,
    /// or gateway endpoint) for the AWS services almost every workload calls: S3, STS, SSM and
    /// KMS.
    ///
    /// ## Why is this bad?
    /// Without endpoints, calls to AWS leave through a NAT or internet gateway, so a VPC that
    /// could have no path to the internet needs one, and endpoint policies — which can limit
    /// what a stolen credential may reach from inside the VPC — cannot be used. It is reported
    /// as information: a VPC with no internet path may simply not need these services.
    ///
    /// ## How it is evaluated
    /// A VPC has workloads when a running or stopped instance is in it.
    /// - PASS: it has an available or pending endpoint for each of `s3`, `sts`, `ssm`, `kms`.
    /// - FAIL (info): some are missing; the message lists them.
    /// - ERROR: the region's instances or VPC endpoints could not be read.
    ///
    /// ## References
    /// - AWS PrivateLink Guide; AWS Security Reference Architecture, "Network"
    /// - CISA Zero Trust Maturity Model v2.0, Networks: network segmentation
    pub VpcWithoutPrivateEndpoints {
        id: "ZT309",
        name: "vpc-without-private-endpoints",
        title: "VPC with workloads lacks endpoints for core AWS services",
        severity: Info,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws ec2 create-vpc-endpoint --vpc-id VPC_ID --vpc-endpoint-type Gateway --service-name com.amazonaws.REGION.s3 --route-table-ids RTB_ID\nfor service in sts ssm kms; do\n  aws ec2 create-vpc-endpoint --vpc-id VPC_ID --vpc-endpoint-type Interface \\\n    --service-name com.amazonaws.REGION.$service --subnet-ids SUBNET_IDS --security-group-ids SG_ID --private-dns-enabled\ndone",
        remediation_terraform: "resource \"aws_vpc_endpoint\" \"sts\" {\n  vpc_id              = aws_vpc.app.id\n  service_name        = \"com.amazonaws.eu-west-1.sts\"\n  vpc_endpoint_type   = \"Interface\"\n  subnet_ids          = aws_subnet.private[*].id\n  security_group_ids  = [aws_security_group.endpoints.id]\n  private_dns_enabled = true\n}",
        run: evaluate,
    }
}

/// Services whose endpoint each VPC with workloads should have.
const CORE_SERVICES: [&str; 4] = ["s3", "sts", "ssm", "kms"];

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let ec2 = &data.ec2;
        let Some(instances) = out.require("ec2", region, &ec2.instances) else {
            continue;
        };
        let with_workloads: BTreeSet<&str> = instances
            .iter()
            .filter(|i| i.state == "running" || i.state == "stopped")
            .filter_map(|i| i.vpc_id.as_deref())
            .collect();
        if with_workloads.is_empty() {
            continue;
        }
        let Some(endpoints) = out.require("ec2", region, &ec2.vpc_endpoints) else {
            continue;
        };
        for vpc in with_workloads {
            let resource = out.resource(region, &VpcId(vpc));
            let present: BTreeSet<&str> = endpoints
                .iter()
                .filter(|e| e.vpc_id == vpc && (e.state == "available" || e.state == "pending"))
                .filter_map(|e| e.service_name.rsplit('.').next())
                .collect();
            let missing: Vec<&str> = CORE_SERVICES
                .iter()
                .copied()
                .filter(|service| !present.contains(service))
                .collect();
            if missing.is_empty() {
                out.pass(
                    resource,
                    format!("{vpc} has endpoints for {}", CORE_SERVICES.join(", ")),
                );
            } else {
                out.fail(
                    resource,
                    format!(
                        "{vpc} runs instances but has no VPC endpoint for {}",
                        missing.join(", ")
                    ),
                );
            }
        }
    }
}
