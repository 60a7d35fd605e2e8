//! Systems Manager: the managed instances of [`SsmRegion`], from `DescribeInstanceInformation`.

use aws_sdk_ssm::types::InstanceInformation;
use aws_sdk_ssm::Client;
use ztaudit_checks::snapshot::{ManagedInstance, SsmRegion};

use super::calls::RegionCalls;

const SERVICE: &str = "ssm";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> SsmRegion {
    SsmRegion {
        managed_instances: calls
            .list(
                SERVICE,
                "DescribeInstanceInformation",
                || {
                    client
                        .describe_instance_information()
                        .max_results(50)
                        .into_paginator()
                        .items()
                        .send()
                },
                managed_instance,
            )
            .await,
    }
}

fn managed_instance(information: &InstanceInformation) -> ManagedInstance {
    ManagedInstance {
        instance_id: information.instance_id().unwrap_or_default().to_owned(),
        ping_status: information.ping_status().map(|s| s.as_str().to_owned()),
    }
}

/// moto 5.2.5 does not implement DescribeInstanceInformation, so the collector is tested with
/// `aws-smithy-mocks` responses shaped like AWS's: two pages, and an access denial.
#[cfg(test)]
mod tests {
    use aws_sdk_ssm::operation::describe_instance_information::DescribeInstanceInformationOutput;
    use aws_sdk_ssm::types::PingStatus;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use indicatif::ProgressBar;
    use ztaudit_checks::{Collected, ErrorKind};

    use super::*;
    use crate::collect::calls::Calls;

    fn information(id: &str, ping: PingStatus) -> InstanceInformation {
        InstanceInformation::builder()
            .instance_id(id)
            .ping_status(ping)
            .build()
    }

    #[tokio::test]
    async fn every_page_of_managed_instances_is_read() {
        let first = mock!(Client::describe_instance_information)
            .match_requests(|req| req.next_token().is_none())
            .then_output(|| {
                DescribeInstanceInformationOutput::builder()
                    .instance_information_list(information("i-b", PingStatus::ConnectionLost))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::describe_instance_information)
            .match_requests(|req| req.next_token() == Some("page-2"))
            .then_output(|| {
                DescribeInstanceInformationOutput::builder()
                    .instance_information_list(information("i-a", PingStatus::Online))
                    .build()
            });
        let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, [&first, &second]);
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls).await;

        let Collected::Ok(managed) = collected.managed_instances else {
            panic!("{:?}", collected.managed_instances);
        };
        let seen: Vec<(&str, Option<&str>)> = managed
            .iter()
            .map(|m| (m.instance_id.as_str(), m.ping_status.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [("i-a", Some("Online")), ("i-b", Some("ConnectionLost"))]
        );
    }

    #[tokio::test]
    async fn a_denied_call_is_recorded_not_taken_as_no_managed_instances() {
        let denied = mock!(Client::describe_instance_information).then_http_response(|| {
            let mut response = HttpResponse::new(
                StatusCode::try_from(400).expect("valid status"),
                SdkBody::from(
                    r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: ssm:DescribeInstanceInformation"}"#,
                ),
            );
            response
                .headers_mut()
                .insert("x-amzn-ErrorType", "AccessDeniedException");
            response
        });
        let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, [&denied]);
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls).await;

        let error = collected.managed_instances.error().expect("an error");
        assert_eq!(error.kind, ErrorKind::AccessDenied);
        assert_eq!(error.operation, "DescribeInstanceInformation");
    }
}
