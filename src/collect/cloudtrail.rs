//! CloudTrail: the trails of [`CloudTrailRegion`]. `DescribeTrails` (with shadow trails) in each
//! region; `GetTrailStatus` and `GetEventSelectors` once per trail, in the one region that
//! evaluates it, so a multi-region trail costs two calls however many regions list it.

use std::collections::BTreeSet;

use aws_sdk_cloudtrail::types;
use aws_sdk_cloudtrail::Client;
use futures::future::join_all;
use ztaudit_checks::snapshot::{
    AdvancedEventSelector, AdvancedFieldSelector, ClassicEventSelector, CloudTrailRegion,
    EventSelectors, Trail, TrailStatus,
};
use ztaudit_checks::Collected;

use super::calls::RegionCalls;

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
    let described = calls
        .run(SERVICE, "DescribeTrails", || async {
            // DescribeTrails has no pagination: one answer lists every trail.
            let output = client
                .describe_trails()
                .include_shadow_trails(true)
                .send()
                .await?;
            Ok(output.trail_list().iter().map(trail).collect::<Vec<_>>())
        })
        .await;
    let Collected::Ok(trails) = described else {
        return CloudTrailRegion { trails: described };
    };
    let region = calls.region_name().unwrap_or_default();
    let trails = join_all(trails.into_iter().map(|mut trail| async move {
        if homes.evaluates(region, &trail.home_region) {
            let (status, selectors) = tokio::join!(
                trail_status(client, calls, &trail.arn),
                event_selectors(client, calls, &trail.arn),
            );
            trail.status = Some(status);
            trail.event_selectors = Some(selectors);
        }
        trail
    }))
    .await;
    let mut trails = trails;
    trails.sort_by(|a, b| a.arn.cmp(&b.arn));
    CloudTrailRegion {
        trails: Collected::Ok(trails),
    }
}

/// By ARN, which AWS requires for a shadow trail.
async fn trail_status(client: &Client, calls: &RegionCalls, arn: &str) -> Collected<TrailStatus> {
    calls
        .run(SERVICE, "GetTrailStatus", || async {
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
