use std::collections::BTreeMap;

use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds running instances that Systems Manager does not manage.
    ///
    /// ## Why is this bad?
    /// Session Manager replaces SSH bastions and open admin ports: every session is
    /// authenticated by IAM, authorized per instance, and logged, with no inbound port. It
    /// only works on instances whose SSM agent is registered and online — and Patch Manager
    /// and inventory need the same.
    ///
    /// ## How it is evaluated
    /// - PASS: the instance is a managed instance with ping status `Online`.
    /// - FAIL: it is not registered with Systems Manager, or its agent has lost contact (the
    ///   message gives the status).
    /// - ERROR: the instances or Systems Manager's managed instances could not be read.
    /// Instances that are not running are not reported.
    ///
    /// ## References
    /// - AWS FSBP SSM.1
    pub InstanceNotManagedBySsm {
        id: "ZT305",
        name: "instance-not-managed-by-ssm",
        title: "Running instance not managed by Systems Manager",
        severity: Medium,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: ["SSM.1"],
        cis: [],
        remediation_cli: "# Give the instance a role with AmazonSSMManagedInstanceCore (the agent ships with most AMIs):\naws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile Name=ssm-managed\n# or turn on Default Host Management for the region:\naws ssm update-service-setting --setting-id arn:aws:ssm:REGION:ACCOUNT_ID:servicesetting/ssm/managed-instance/default-ec2-instance-management-role --setting-value service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
        remediation_terraform: "resource \"aws_iam_role_policy_attachment\" \"ssm\" {\n  role       = aws_iam_role.instance.name\n  policy_arn = \"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore\"\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(instances) = out.require("ec2", region, &data.ec2.instances) else {
            continue;
        };
        let running: Vec<_> = instances.iter().filter(|i| i.state == "running").collect();
        if running.is_empty() {
            continue;
        }
        let Some(managed) = out.require("ssm", region, &data.ssm.managed_instances) else {
            continue;
        };
        let status: BTreeMap<&str, Option<&str>> = managed
            .iter()
            .map(|m| (m.instance_id.as_str(), m.ping_status.as_deref()))
            .collect();
        for instance in running {
            let resource = out.resource(region, instance);
            match status.get(instance.id.as_str()) {
                Some(Some("Online")) => out.pass(
                    resource,
                    format!("{} is managed by Systems Manager and online", instance.id),
                ),
                Some(ping) => out.fail(
                    resource,
                    format!(
                        "{} is registered with Systems Manager but its agent is {}",
                        instance.id,
                        ping.unwrap_or("of unknown status")
                    ),
                ),
                None => out.fail(
                    resource,
                    format!("{} is not managed by Systems Manager", instance.id),
                ),
            }
        }
    }
}
