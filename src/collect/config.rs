//! AWS Config: [`ConfigRegion`], from `DescribeConfigurationRecorders`,
//! `DescribeConfigurationRecorderStatus` and `DescribeDeliveryChannels` (none of them paginated:
//! a region holds one customer-managed recorder and one delivery channel).

use aws_sdk_config::types;
use aws_sdk_config::Client;
use ztaudit_checks::snapshot::{
    ConfigRegion, ConfigurationRecorder, DeliveryChannel, RecorderStatus,
};

use super::calls::RegionCalls;
use super::sorted;

const SERVICE: &str = "config";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> ConfigRegion {
    // None of the three is paginated (see above).
    let (recorders, recorder_statuses, delivery_channels) = tokio::join!(
        calls.run(SERVICE, "DescribeConfigurationRecorders", || async {
            let output = client.describe_configuration_recorders().send().await?;
            Ok(sorted(
                output
                    .configuration_recorders()
                    .iter()
                    .map(recorder)
                    .collect(),
            ))
        }),
        calls.run(SERVICE, "DescribeConfigurationRecorderStatus", || async {
            let output = client
                .describe_configuration_recorder_status()
                .send()
                .await?;
            Ok(sorted(
                output
                    .configuration_recorders_status()
                    .iter()
                    .map(|status| RecorderStatus {
                        name: status.name().unwrap_or_default().to_owned(),
                        recording: status.recording(),
                        last_status: status.last_status().map(|s| s.as_str().to_owned()),
                    })
                    .collect(),
            ))
        }),
        calls.run(SERVICE, "DescribeDeliveryChannels", || async {
            let output = client.describe_delivery_channels().send().await?;
            Ok(sorted(
                output
                    .delivery_channels()
                    .iter()
                    .map(|channel| DeliveryChannel {
                        name: channel.name().unwrap_or_default().to_owned(),
                        s3_bucket_name: channel.s3_bucket_name().map(str::to_owned),
                        sns_topic_arn: channel.sns_topic_arn().map(str::to_owned),
                    })
                    .collect(),
            ))
        }),
    );
    ConfigRegion {
        recorders,
        recorder_statuses,
        delivery_channels,
    }
}

fn recorder(recorder: &types::ConfigurationRecorder) -> ConfigurationRecorder {
    let group = recorder.recording_group();
    let type_names = |types: &[types::ResourceType]| {
        let mut names: Vec<String> = types.iter().map(|t| t.as_str().to_owned()).collect();
        names.sort();
        names
    };
    ConfigurationRecorder {
        name: recorder.name().unwrap_or_default().to_owned(),
        all_supported: group.is_some_and(|g| g.all_supported()),
        include_global_resource_types: group.is_some_and(|g| g.include_global_resource_types()),
        recording_strategy: group
            .and_then(|g| g.recording_strategy())
            .and_then(|s| s.use_only())
            .map(|s| s.as_str().to_owned()),
        resource_types: group
            .map(|g| type_names(g.resource_types()))
            .unwrap_or_default(),
        excluded_resource_types: group
            .and_then(|g| g.exclusion_by_resource_types())
            .map(|e| type_names(e.resource_types()))
            .unwrap_or_default(),
    }
}
