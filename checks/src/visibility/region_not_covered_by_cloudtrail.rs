use crate::declare_check;
use crate::snapshot::Collected;
use crate::visibility::shared::{evaluated_trails, management_coverage};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that every scanned region is covered by a multi-region CloudTrail trail that is
    /// logging and records all management events, read and write, from every event source.
    ///
    /// ## Why is this bad?
    /// CloudTrail's management events are the account's audit log: who changed a security
    /// group, created an access key, assumed a role. "Assume breach" is empty without them — an
    /// intruder's API calls leave no record, and a region nobody watches is where they go.
    /// A trail that excludes an event source (often `kms.amazonaws.com` to save cost) or only
    /// records writes leaves exactly the gap an intruder's reconnaissance falls into.
    ///
    /// ## How it is evaluated
    /// One result per scanned region. The trails are those `DescribeTrails` lists for the
    /// region, shadow trails included; a trail seen from several regions (same ARN) is judged
    /// once, with `GetTrailStatus` and `GetEventSelectors` read in its home region (or in the
    /// first scanned region when its home region is not scanned). An organization trail of the
    /// organization's management account counts for a member account.
    /// - PASS: a multi-region trail listed in the region is logging and its event selectors
    ///   record read and write management events with no event source excluded. Classic event
    ///   selectors (`ReadWriteType`, `IncludeManagementEvents`, `ExcludeManagementEventSources`)
    ///   and advanced event selectors (`eventCategory` = `Management`, optionally `readOnly`; a
    ///   filter on any other field, such as `eventSource` not-equals, records only some events)
    ///   are both understood, and read and write may come from two selectors.
    /// - FAIL: no multi-region trail is listed in the region, or none of them is logging and
    ///   records all management events; the message names each trail and what it lacks.
    /// - ERROR: the region's trails could not be read, or no trail passes and the status or
    ///   selectors of one that might could not be read.
    ///
    /// ## References
    /// - AWS FSBP CloudTrail.1
    /// - CIS AWS Foundations Benchmark v3.0 3.1
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html>
    pub RegionNotCoveredByCloudtrail {
        id: "ZT602",
        name: "region-not-covered-by-cloudtrail",
        title: "Region not covered by a logging multi-region CloudTrail trail",
        severity: High,
        pillar: VisibilityAnalytics,
        status: Stable,
        since: "0.1.0",
        fsbp: ["CloudTrail.1"],
        cis: ["3.1"],
        remediation_cli: "aws cloudtrail create-trail --name management-events --s3-bucket-name BUCKET --is-multi-region-trail --enable-log-file-validation --kms-key-id KMS_KEY_ARN\naws cloudtrail put-event-selectors --trail-name management-events --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'\naws cloudtrail start-logging --name management-events",
        remediation_terraform: "resource \"aws_cloudtrail\" \"management_events\" {\n  name                       = \"management-events\"\n  s3_bucket_name             = aws_s3_bucket.trail.id\n  is_multi_region_trail      = true\n  include_global_service_events = true\n  enable_log_file_validation = true\n  kms_key_id                 = aws_kms_key.trail.arn\n  enable_logging             = true\n\n  event_selector {\n    read_write_type           = \"All\"\n    include_management_events = true\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let evaluated = evaluated_trails(snapshot);
    for (region, data) in &snapshot.regions {
        let Some(trails) = out.require("cloudtrail", region, &data.cloudtrail.trails) else {
            continue;
        };
        let resource = out.account_resource("cloudtrail", region);
        let mut shortfalls = Vec::new();
        let mut unknown = Vec::new();
        let mut covering = None;
        for trail in trails.iter().filter(|trail| trail.multi_region) {
            let Some((_, judged)) = evaluated.get(trail.arn.as_str()) else {
                unknown.push(format!(
                    "the status of trail {} was not read (its home region {}'s trails could not be read)",
                    trail.name, trail.home_region
                ));
                continue;
            };
            let logging = match &judged.status {
                Some(Collected::Ok(status)) => Some(status.is_logging),
                Some(Collected::Error(error)) => {
                    unknown.push(format!("trail {}: {error}", trail.name));
                    None
                }
                None => {
                    unknown.push(format!("the status of trail {} was not read", trail.name));
                    None
                }
            };
            let coverage = match &judged.event_selectors {
                Some(Collected::Ok(selectors)) => Some(management_coverage(selectors)),
                Some(Collected::Error(error)) => {
                    unknown.push(format!("trail {}: {error}", trail.name));
                    None
                }
                None => {
                    unknown.push(format!(
                        "the event selectors of trail {} were not read",
                        trail.name
                    ));
                    None
                }
            };
            if logging == Some(false) {
                shortfalls.push(format!("{} is not logging", trail.name));
            }
            if let Some(coverage) = &coverage {
                if !coverage.is_complete() {
                    shortfalls.push(format!("{} {}", trail.name, coverage.shortfall()));
                }
            }
            if logging == Some(true) && coverage.is_some_and(|c| c.is_complete()) {
                covering = Some(trail);
                break;
            }
        }
        if let Some(trail) = covering {
            let kind = if trail.organization_trail {
                "organization trail"
            } else {
                "multi-region trail"
            };
            out.pass(
                resource,
                format!(
                    "{region} is covered by {kind} {} (home {}), logging all read and write management events",
                    trail.name, trail.home_region
                ),
            );
        } else if !unknown.is_empty() {
            out.unevaluable(resource, unknown.join("; "));
        } else if shortfalls.is_empty() {
            let single: Vec<&str> = trails
                .iter()
                .filter(|trail| !trail.multi_region)
                .map(|trail| trail.name.as_str())
                .collect();
            let message = if single.is_empty() {
                format!("no CloudTrail trail covers {region}")
            } else {
                format!(
                    "no multi-region CloudTrail trail covers {region} (only single-region: {})",
                    single.join(", ")
                )
            };
            out.fail(resource, message);
        } else {
            out.fail(
                resource,
                format!(
                    "no multi-region trail covering {region} logs all management events: {}",
                    shortfalls.join("; ")
                ),
            );
        }
    }
}
