//! Security Hub: [`SecurityHubRegion`], from `DescribeHub` and, where the account is
//! subscribed, `GetEnabledStandards`.

use aws_sdk_securityhub::error::ProvideErrorMetadata;
use aws_sdk_securityhub::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use ztaudit_checks::snapshot::{EnabledStandard, Hub, SecurityHubRegion};
use ztaudit_checks::Collected;

use super::calls::RegionCalls;

const SERVICE: &str = "securityhub";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> SecurityHubRegion {
    let hub = calls
        .run(SERVICE, "DescribeHub", || async {
            match client.describe_hub().send().await {
                Ok(output) => Ok(Some((
                    output.hub_arn().unwrap_or_default().to_owned(),
                    output.subscribed_at().map(str::to_owned),
                ))),
                Err(error) if is_not_subscribed(&error) => Ok(None),
                Err(error) => Err(error),
            }
        })
        .await;
    let hub = match hub {
        Collected::Ok(Some((arn, subscribed_at))) => Collected::Ok(Some(Hub {
            arn,
            subscribed_at,
            enabled_standards: enabled_standards(client, calls).await,
        })),
        Collected::Ok(None) => Collected::Ok(None),
        Collected::Error(error) => Collected::Error(error),
    };
    SecurityHubRegion { hub }
}

/// Security Hub's answer when the account has not enabled it in the region: data ("disabled"),
/// not a failure. Other `InvalidAccessException`s stay errors.
fn is_not_subscribed<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error.code() == Some("InvalidAccessException")
        && error
            .message()
            .is_some_and(|message| message.to_ascii_lowercase().contains("not subscribed"))
}

async fn enabled_standards(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<EnabledStandard>> {
    calls
        .run(SERVICE, "GetEnabledStandards", || async {
            let subscriptions = client
                .get_enabled_standards()
                .max_results(100)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await?;
            let mut standards: Vec<EnabledStandard> = subscriptions
                .iter()
                .map(|subscription| EnabledStandard {
                    standards_arn: subscription.standards_arn().unwrap_or_default().to_owned(),
                    status: subscription
                        .standards_status()
                        .map(|status| status.as_str().to_owned())
                        .unwrap_or_default(),
                })
                .collect();
            standards.sort();
            Ok(standards)
        })
        .await
}
