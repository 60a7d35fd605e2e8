use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds EC2 instances (running or stopped) that have no instance profile, so no IAM role.
    ///
    /// ## Why is this bad?
    /// Software on an instance without a role that needs to call AWS gets long-term access keys
    /// copied onto the disk or baked into the image — standing secrets that outlive the instance.
    /// A role gives it short-lived credentials, rotated by AWS, scoped by policy, and it is what
    /// Session Manager needs to replace SSH.
    ///
    /// ## How it is evaluated
    /// - FAIL: `DescribeInstances` shows no `IamInstanceProfile` on the instance.
    /// - PASS: the instance has an instance profile.
    /// - ERROR: the instances of the region could not be read.
    ///
    /// ## References
    /// - AWS FSBP EC2.8 (IMDSv2) and SSM.1 rely on the instance's role
    /// - IAM User Guide, "Use an IAM role to grant permissions to applications running on Amazon EC2 instances"
    pub Ec2InstanceWithoutRole {
        id: "ZT114",
        name: "ec2-instance-without-role",
        title: "EC2 instance without an IAM role",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile Name=PROFILE_NAME",
        remediation_terraform: "resource \"aws_iam_instance_profile\" \"app\" {\n  name = \"app\"\n  role = aws_iam_role.app.name\n}\n\nresource \"aws_instance\" \"app\" {\n  # ...\n  iam_instance_profile = aws_iam_instance_profile.app.name\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(instances) = out.require("ec2", region, &data.ec2.instances) else {
            continue;
        };
        for instance in instances {
            let resource = out.resource(region, instance);
            match &instance.instance_profile_arn {
                Some(profile) => out.pass(
                    resource,
                    format!("{} ({}) has instance profile {profile}", instance.id, instance.state),
                ),
                None => out.fail(
                    resource,
                    format!(
                        "{} ({}) has no instance profile: anything on it that calls AWS needs long-term keys",
                        instance.id, instance.state
                    ),
                ),
            }
        }
    }
}
