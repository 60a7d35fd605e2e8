//! The bulk lists that tell whether an EventBridge target exists ([`StepFunctionsRegion`],
//! [`SnsRegion`], [`SqsRegion`]): one paginated list per service and region, whatever the
//! number of targets, rather than one read per target.

use ztaudit_checks::snapshot::{SnsRegion, SqsRegion, StepFunctionsRegion};

use super::calls::RegionCalls;

/// The largest pages the three list operations return.
const STATE_MACHINES_PAGE: i32 = 1000;
const QUEUES_PAGE: i32 = 1000;

pub async fn collect_state_machines(
    client: &aws_sdk_sfn::Client,
    calls: &RegionCalls,
) -> StepFunctionsRegion {
    StepFunctionsRegion {
        state_machines: calls
            .list(
                "states",
                "ListStateMachines",
                || {
                    client
                        .list_state_machines()
                        .max_results(STATE_MACHINES_PAGE)
                        .into_paginator()
                        .items()
                        .send()
                },
                |machine| machine.state_machine_arn().to_owned(),
            )
            .await,
    }
}

pub async fn collect_topics(client: &aws_sdk_sns::Client, calls: &RegionCalls) -> SnsRegion {
    SnsRegion {
        topics: calls
            .list(
                "sns",
                "ListTopics",
                || client.list_topics().into_paginator().items().send(),
                |topic| topic.topic_arn().unwrap_or_default().to_owned(),
            )
            .await,
    }
}

/// SQS pages `ListQueues` only when `MaxResults` is set (otherwise it returns at most 1,000
/// queues and no token), so it always is.
pub async fn collect_queues(
    client: &aws_sdk_sqs::Client,
    calls: &RegionCalls,
    partition: &str,
) -> SqsRegion {
    SqsRegion {
        queues: calls
            .list(
                "sqs",
                "ListQueues",
                || {
                    client
                        .list_queues()
                        .max_results(QUEUES_PAGE)
                        .into_paginator()
                        .items()
                        .send()
                },
                |url| queue_arn(url, partition, calls.region_name().unwrap_or_default()),
            )
            .await,
    }
}

/// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` → `arn:PARTITION:sqs:REGION:ACCOUNT:NAME`.
/// The region is the one listed in: a queue URL's host varies (legacy `REGION.queue.…`
/// hosts, emulators), its last two path segments do not.
fn queue_arn(url: &str, partition: &str, region: &str) -> String {
    let mut segments = url.trim_end_matches('/').rsplit('/');
    let name = segments.next().unwrap_or_default();
    let account = segments.next().unwrap_or_default();
    format!("arn:{partition}:sqs:{region}:{account}:{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_become_arns() {
        assert_eq!(
            queue_arn(
                "https://sqs.eu-west-1.amazonaws.com/123456789012/findings",
                "aws",
                "eu-west-1"
            ),
            "arn:aws:sqs:eu-west-1:123456789012:findings"
        );
        assert_eq!(
            queue_arn(
                "http://127.0.0.1:5000/123456789012/findings/",
                "aws",
                "eu-west-1"
            ),
            "arn:aws:sqs:eu-west-1:123456789012:findings"
        );
    }
}
