//! CloudTrail: the trails of [`CloudTrailRegion`]. `DescribeTrails` (with shadow trails) in each
//! region; `GetTrailStatus` and `GetEventSelectors` once per trail, in the one region that
//! evaluates it, so a multi-region trail costs two calls however many regions list it.

use std::collections::BTreeSet;

use aws_sdk_cloudtrail::types;
use aws_sdk_cloudtrail::Client;
use ztaudit_checks::snapshot::{
    AdvancedEventSelector, AdvancedFieldSelector, ClassicEventSelector, CloudTrailRegion,
    EventSelectors, Trail, TrailStatus,
};
use ztaudit_checks::Collected;

use super::calls::{get_each, RegionCalls};

const SERVICE: &str = "cloudtrail";

/// Which region reads the status and selectors of a trail: its home region when that is
/// scanned (and enabled), otherwise the first scanned region, which lists it as a shadow trail.
#[derive(Debug, Clone)]
pub struct TrailHomes {
    scanned: BTreeSet<String>,
}

impl TrailHomes {
    /// `scanned`: the regions being scanned that the account has enabled.
    pub fn new(scanned: impl IntoIterator<Item = String>) -> Self {
        TrailHomes {
            scanned: scanned.into_iter().collect(),
        }
    }

    fn evaluates(&self, region: &str, home_region: &str) -> bool {
        if self.scanned.contains(home_region) {
            region == home_region
        } else {
            self.scanned.first().is_some_and(|first| first == region)
        }
    }
}

pub async fn collect_region(
    client: &Client,
    calls: &RegionCalls,
    homes: &TrailHomes,
) -> CloudTrailRegion {
    let listed = calls
        .run(SERVICE, "DescribeTrails", || async {
            // DescribeTrails has no pagination: one answer lists every trail.
            let output = client
                .describe_trails()
                .include_shadow_trails(true)
                .send()
                .await?;
            let mut trails: Vec<Trail> = output.trail_list().iter().map(trail).collect();
            trails.sort_by(|a, b| a.arn.cmp(&b.arn));
            Ok(trails)
        })
        .await;
    let region = calls.region_name().unwrap_or_default();
    let trails = get_each(listed, |mut trail| async move {
        if homes.evaluates(region, &trail.home_region) {
            let (status, selectors) = tokio::join!(
                trail_status(client, calls, &trail.arn),
                event_selectors(client, calls, &trail.arn),
            );
            trail.status = Some(status);
            trail.event_selectors = Some(selectors);
        }
        trail
    })
    .await;
    CloudTrailRegion { trails }
}

/// By ARN, which AWS requires for a shadow trail.
async fn trail_status(client: &Client, calls: &RegionCalls, arn: &str) -> Collected<TrailStatus> {
    calls
        .run(SERVICE, "GetTrailStatus", || async {
            // Not paginated, like the selectors below: one answer per trail.
            let output = client.get_trail_status().name(arn).send().await?;
            // Absent means AWS did not say it is logging: not logging (a FAIL, never a PASS).
            Ok(TrailStatus {
                is_logging: output.is_logging().unwrap_or(false),
            })
        })
        .await
}

async fn event_selectors(
    client: &Client,
    calls: &RegionCalls,
    arn: &str,
) -> Collected<EventSelectors> {
    calls
        .run(SERVICE, "GetEventSelectors", || async {
            let output = client.get_event_selectors().trail_name(arn).send().await?;
            Ok(EventSelectors {
                classic: output
                    .event_selectors()
                    .iter()
                    .map(classic_selector)
                    .collect(),
                advanced: output
                    .advanced_event_selectors()
                    .iter()
                    .map(advanced_selector)
                    .collect(),
            })
        })
        .await
}

fn trail(trail: &types::Trail) -> Trail {
    Trail {
        arn: trail.trail_arn().unwrap_or_default().to_owned(),
        name: trail.name().unwrap_or_default().to_owned(),
        home_region: trail.home_region().unwrap_or_default().to_owned(),
        multi_region: trail.is_multi_region_trail().unwrap_or(false),
        organization_trail: trail.is_organization_trail().unwrap_or(false),
        log_file_validation: trail.log_file_validation_enabled().unwrap_or(false),
        kms_key_id: trail
            .kms_key_id()
            .filter(|key| !key.is_empty())
            .map(str::to_owned),
        s3_bucket_name: trail.s3_bucket_name().map(str::to_owned),
        status: None,
        event_selectors: None,
    }
}

fn classic_selector(selector: &types::EventSelector) -> ClassicEventSelector {
    ClassicEventSelector {
        read_write_type: selector.read_write_type().map(|t| t.as_str().to_owned()),
        include_management_events: selector.include_management_events(),
        exclude_management_event_sources: selector.exclude_management_event_sources().to_vec(),
    }
}

fn advanced_selector(selector: &types::AdvancedEventSelector) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: selector.name().map(str::to_owned),
        field_selectors: selector
            .field_selectors()
            .iter()
            .map(|field| AdvancedFieldSelector {
                field: field.field().to_owned(),
                equals: field.equals().to_vec(),
                starts_with: field.starts_with().to_vec(),
                ends_with: field.ends_with().to_vec(),
                not_equals: field.not_equals().to_vec(),
                not_starts_with: field.not_starts_with().to_vec(),
                not_ends_with: field.not_ends_with().to_vec(),
            })
            .collect(),
    }
}

/// Shadow trails and failed reads, with `aws-smithy-mocks` responses shaped like AWS's
/// (awsJson1_1 errors with `__type` and `message`).
#[cfg(test)]
mod tests {
    use aws_sdk_cloudtrail::operation::describe_trails::DescribeTrailsOutput;
    use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use indicatif::ProgressBar;
    use ztaudit_checks::ErrorKind;

    use super::*;
    use crate::collect::calls::Calls;

    const HOME: &str = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/eu-trail";
    const SHADOW: &str = "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events";

    fn calls() -> RegionCalls {
        Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true)
    }

    fn listed(arn: &str, home: &str, multi_region: bool) -> types::Trail {
        types::Trail::builder()
            .trail_arn(arn)
            .name(arn.rsplit('/').next().unwrap_or_default())
            .home_region(home)
            .is_multi_region_trail(multi_region)
            .log_file_validation_enabled(true)
            .build()
    }

    fn describe() -> aws_smithy_mocks::Rule {
        mock!(Client::describe_trails)
            .match_requests(|req| req.include_shadow_trails() == Some(true))
            .then_output(|| {
                DescribeTrailsOutput::builder()
                    .trail_list(listed(SHADOW, "us-east-1", true))
                    .trail_list(listed(HOME, "eu-west-1", false))
                    .build()
            })
    }

    #[tokio::test]
    async fn a_shadow_trail_is_left_to_its_home_region() {
        let describe = describe();
        let status = mock!(Client::get_trail_status)
            .match_requests(|req| req.name() == Some(HOME))
            .then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
        let selectors = mock!(Client::get_event_selectors)
            .match_requests(|req| req.trail_name() == Some(HOME))
            .then_output(|| {
                GetEventSelectorsOutput::builder()
                    .event_selectors(
                        types::EventSelector::builder()
                            .read_write_type(types::ReadWriteType::All)
                            .include_management_events(true)
                            .exclude_management_event_sources("kms.amazonaws.com")
                            .build(),
                    )
                    .build()
            });
        let client = mock_client!(
            aws_sdk_cloudtrail,
            RuleMode::MatchAny,
            [&describe, &status, &selectors]
        );
        // us-east-1 is scanned too: the shadow trail is judged there, not here.
        let homes = TrailHomes::new(["eu-west-1".to_owned(), "us-east-1".to_owned()]);

        let collected = collect_region(&client, &calls(), &homes).await;

        let Collected::Ok(trails) = collected.trails else {
            panic!("{:?}", collected.trails);
        };
        let home = trails.iter().find(|t| t.arn == HOME).expect("home trail");
        let shadow = trails
            .iter()
            .find(|t| t.arn == SHADOW)
            .expect("shadow trail");
        assert_eq!(
            home.status,
            Some(Collected::Ok(TrailStatus { is_logging: true }))
        );
        let Some(Collected::Ok(read)) = &home.event_selectors else {
            panic!("{:?}", home.event_selectors);
        };
        assert_eq!(
            read.classic[0].exclude_management_event_sources,
            ["kms.amazonaws.com"]
        );
        assert!(!shadow.is_evaluated_here());
        assert_eq!((status.num_calls(), selectors.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn a_trail_whose_home_is_not_scanned_is_judged_in_the_first_scanned_region() {
        let describe = describe();
        let status = mock!(Client::get_trail_status)
            .then_output(|| GetTrailStatusOutput::builder().is_logging(false).build());
        let selectors = mock!(Client::get_event_selectors).then_http_response(|| {
            HttpResponse::new(
                StatusCode::try_from(400).expect("valid status"),
                SdkBody::from(
                    r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: cloudtrail:GetEventSelectors"}"#,
                ),
            )
        });
        let client = mock_client!(
            aws_sdk_cloudtrail,
            RuleMode::MatchAny,
            [&describe, &status, &selectors]
        );
        let homes = TrailHomes::new(["eu-west-1".to_owned()]);

        let collected = collect_region(&client, &calls(), &homes).await;

        let Collected::Ok(trails) = collected.trails else {
            panic!("{:?}", collected.trails);
        };
        let shadow = trails
            .iter()
            .find(|t| t.arn == SHADOW)
            .expect("shadow trail");
        assert_eq!(
            shadow.status,
            Some(Collected::Ok(TrailStatus { is_logging: false }))
        );
        let Some(Collected::Error(denied)) = &shadow.event_selectors else {
            panic!(
                "a denied read must not look like data: {:?}",
                shadow.event_selectors
            );
        };
        assert_eq!(denied.kind, ErrorKind::AccessDenied);
        assert_eq!(denied.operation, "GetEventSelectors");
        assert_eq!(status.num_calls(), 2, "both trails are judged here");
    }
}
