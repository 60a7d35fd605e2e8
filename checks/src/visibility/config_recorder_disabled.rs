use crate::declare_check;
use crate::snapshot::ConfigurationRecorder;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that AWS Config records every supported resource type in every scanned region,
    /// with a recorder that is recording and a delivery channel to deliver what it records.
    ///
    /// ## Why is this bad?
    /// AWS Config is the account's configuration history: what a security group, bucket
    /// policy or role looked like at any time, and who changed it. Continuous verification,
    /// incident investigation and Config rules all depend on it; a region it does not record
    /// — or resource types it skips — is a blind spot.
    ///
    /// ## How it is evaluated
    /// One result per scanned region, from `DescribeConfigurationRecorders`,
    /// `DescribeConfigurationRecorderStatus` and `DescribeDeliveryChannels`.
    /// - PASS: a recorder is recording, records all supported resource types (`allSupported`,
    ///   with no exclusions), and the region has a delivery channel.
    /// - FAIL: no recorder; a recorder that is stopped; one that records only some resource
    ///   types (the message says which it records or excludes); or no delivery channel.
    /// - ERROR: any of the three could not be read.
    ///
    /// ## References
    /// - AWS FSBP Config.1
    /// - CIS AWS Foundations Benchmark v3.0 3.3
    /// - <https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html>
    pub ConfigRecorderDisabled {
        id: "ZT607",
        name: "config-recorder-disabled",
        title: "AWS Config not recording all resources in the region",
        severity: Medium,
        pillar: VisibilityAnalytics,
        status: Stable,
        since: "0.1.0",
        fsbp: ["Config.1"],
        cis: ["3.3"],
        remediation_cli: "aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=ROLE_ARN --recording-group allSupported=true,includeGlobalResourceTypes=true --region REGION\naws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=BUCKET --region REGION\naws configservice start-configuration-recorder --configuration-recorder-name default --region REGION",
        remediation_terraform: "resource \"aws_config_configuration_recorder\" \"this\" {\n  name     = \"default\"\n  role_arn = aws_iam_service_linked_role.config.arn\n  recording_group {\n    all_supported                 = true\n    include_global_resource_types = true\n  }\n}\n\nresource \"aws_config_delivery_channel\" \"this\" {\n  name           = \"default\"\n  s3_bucket_name = aws_s3_bucket.config.id\n  depends_on     = [aws_config_configuration_recorder.this]\n}\n\nresource \"aws_config_configuration_recorder_status\" \"this\" {\n  name       = aws_config_configuration_recorder.this.name\n  is_enabled = true\n  depends_on = [aws_config_delivery_channel.this]\n}",
        run: evaluate,
    }
}

/// How many resource types a message names before it says "and N more".
const TYPES_SHOWN: usize = 5;

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let config = &data.config;
        let recorders = out.require("config", region, &config.recorders);
        let statuses = out.require("config", region, &config.recorder_statuses);
        let channels = out.require("config", region, &config.delivery_channels);
        let (Some(recorders), Some(statuses), Some(channels)) = (recorders, statuses, channels)
        else {
            continue;
        };
        let resource = out.account_resource("config", region);
        if recorders.is_empty() {
            out.fail(
                resource,
                format!("AWS Config has no configuration recorder in {region}"),
            );
            continue;
        }
        let mut problems = Vec::new();
        let mut complete = None;
        for recorder in recorders {
            let recording = statuses
                .iter()
                .any(|status| status.name == recorder.name && status.recording);
            let gap = recording_gap(recorder);
            if !recording {
                problems.push(format!("recorder {} is not recording", recorder.name));
            }
            if let Some(gap) = &gap {
                problems.push(format!("recorder {} {gap}", recorder.name));
            }
            if recording && gap.is_none() && complete.is_none() {
                complete = Some(recorder);
            }
        }
        match complete {
            Some(recorder) if !channels.is_empty() => out.pass(
                resource,
                format!(
                    "AWS Config recorder {} records all supported resource types in {region}, delivering to {}",
                    recorder.name,
                    channels
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Some(_) => out.fail(
                resource,
                format!("AWS Config in {region} records but has no delivery channel"),
            ),
            None => {
                if channels.is_empty() {
                    problems.push("there is no delivery channel".to_owned());
                }
                out.fail(
                    resource,
                    format!("AWS Config in {region}: {}", problems.join("; ")),
                );
            }
        }
    }
}

/// What a recorder does not record, when it does not record every supported type.
fn recording_gap(recorder: &ConfigurationRecorder) -> Option<String> {
    let strategy = recorder.recording_strategy.as_deref();
    let all = recorder.all_supported
        && strategy.is_none_or(|s| s == "ALL_SUPPORTED_RESOURCE_TYPES")
        && recorder.excluded_resource_types.is_empty();
    if all {
        return None;
    }
    if !recorder.excluded_resource_types.is_empty() {
        return Some(format!(
            "excludes {}",
            listed(&recorder.excluded_resource_types)
        ));
    }
    if recorder.resource_types.is_empty() {
        return Some("records no resource type".to_owned());
    }
    Some(format!("records only {}", listed(&recorder.resource_types)))
}

fn listed(types: &[String]) -> String {
    let shown: Vec<&str> = types.iter().take(TYPES_SHOWN).map(String::as_str).collect();
    match types.len().saturating_sub(TYPES_SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
