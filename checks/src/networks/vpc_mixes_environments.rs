use std::collections::{BTreeMap, BTreeSet};

use crate::declare_check;
use crate::networks::environment_of;
use crate::snapshot::VpcId;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds VPCs whose instances are tagged with more than one environment.
    ///
    /// ## Why is this bad?
    /// Inside one VPC, a test instance and a production instance are a security group rule
    /// apart, share routes, endpoints and DNS, and appear in the same flow logs. Environments
    /// belong in separate VPCs (or accounts), so a compromise of one stays there.
    ///
    /// ## How it is evaluated
    /// An instance's environment is its environment tag (keys `Environment` and `env` by
    /// default, `--environment-tag-key` to change; common spellings folded, `prod` =
    /// `production`). Untagged instances and terminated ones are not counted.
    /// - PASS: every tagged instance of the VPC names the same environment.
    /// - FAIL: they name several; the message lists them with an example instance each.
    /// - ERROR: the region's instances could not be read.
    ///
    /// ## References
    /// - AWS Well-Architected Security Pillar SEC05-BP01 (create network layers)
    /// - CISA Zero Trust Maturity Model v2.0, Networks: macro-segmentation
    pub VpcMixesEnvironments {
        id: "ZT311",
        name: "vpc-mixes-environments",
        title: "VPC holds workloads of several environments",
        severity: Medium,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "# Move each environment's workloads into a VPC (or account) of its own, e.g. relaunch from an AMI:\naws ec2 create-image --instance-id INSTANCE_ID --name staging-app\naws ec2 run-instances --image-id AMI_ID --subnet-id STAGING_SUBNET_ID ...",
        remediation_terraform: "resource \"aws_vpc\" \"staging\" {\n  cidr_block = \"10.20.0.0/16\"\n  tags       = { Environment = \"staging\" }\n}\n# and launch staging instances only into its subnets",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(instances) = out.require("ec2", region, &data.ec2.instances) else {
            continue;
        };
        // VPC → environment → an example instance.
        let mut by_vpc: BTreeMap<&str, BTreeMap<String, &str>> = BTreeMap::new();
        for instance in instances {
            let (Some(vpc), Some(environment)) = (
                instance.vpc_id.as_deref(),
                environment_of(&instance.tags, &config.environment_tag_keys),
            ) else {
                continue;
            };
            by_vpc
                .entry(vpc)
                .or_default()
                .entry(environment)
                .or_insert(instance.id.as_str());
        }
        for (vpc, environments) in by_vpc {
            let resource = out.resource(region, &VpcId(vpc));
            let names: BTreeSet<&str> = environments.keys().map(String::as_str).collect();
            if names.len() == 1 {
                out.pass(
                    resource,
                    format!(
                        "{vpc} holds only {} instances",
                        names.iter().next().copied().unwrap_or_default()
                    ),
                );
            } else {
                let listed: Vec<String> = environments
                    .iter()
                    .map(|(environment, example)| format!("{environment} (e.g. {example})"))
                    .collect();
                out.fail(
                    resource,
                    format!("{vpc} holds instances of {}", listed.join(", ")),
                );
            }
        }
    }
}
