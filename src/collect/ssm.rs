//! Systems Manager: the managed instances of [`SsmRegion`], from `DescribeInstanceInformation`.

use aws_sdk_ssm::types::InstanceInformation;
use aws_sdk_ssm::Client;
use ztaudit_checks::snapshot::{ManagedInstance, SsmRegion};

use super::calls::RegionCalls;

const SERVICE: &str = "ssm";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> SsmRegion {
    SsmRegion {
        managed_instances: list_all!(
            calls,
            "DescribeInstanceInformation",
            client.describe_instance_information().max_results(50),
            managed_instance
        ),
    }
}

fn managed_instance(information: &InstanceInformation) -> ManagedInstance {
    ManagedInstance {
        instance_id: information.instance_id().unwrap_or_default().to_owned(),
        ping_status: information.ping_status().map(|s| s.as_str().to_owned()),
    }
}
