//! AWS Config: configuration recorders, whether they record, and delivery channels (ZT607).
//!
//! - `aws_config_configuration_recorder`: `name` defaults to `default`; its `recording_group`
//!   records all supported types unless `all_supported` is false (`resource_types`, or
//!   `exclusion_by_resource_types` with `recording_strategy`).
//! - `aws_config_configuration_recorder_status`: whether the recorder it names (`name`, known
//!   or referenced) records (`is_enabled`). AWS creates a recorder stopped: a recorder the
//!   plan creates without a status resource does not record.
//! - `aws_config_delivery_channel`: the region's delivery channel. AWS takes a channel only
//!   once the region has a recorder, so for recorders the plan creates, the channels it
//!   declares are all there are; for a recorder that exists already, the status and channels
//!   the plan does not declare are not in the plan, and ZT607 there is NOT_APPLICABLE.
//! - A region with no recorder in the plan: ZT607 there is NOT_APPLICABLE, never FAIL.
//! - Unknown: recording and `all_supported` are on at best, off at worst.

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::{ConfigurationRecorder, DeliveryChannel, RecorderStatus};
use ztaudit_checks::{CallError, Collected};

use crate::mapping::Mapping;
use crate::plan::{Action, Planned};
use crate::values::Known;

const RECORDER: &str = "aws_config_configuration_recorder";

/// What the plan declares of one region.
#[derive(Default)]
struct Region<'p> {
    recorders: Vec<(&'p Planned<'p>, ConfigurationRecorder)>,
    statuses: Vec<RecorderStatus>,
    channels: Vec<DeliveryChannel>,
}

pub fn map(m: &mut Mapping<'_>) {
    let mut regions: BTreeMap<String, Region<'_>> = BTreeMap::new();
    let recorders: Vec<&Planned<'_>> = m.of_type(RECORDER).collect();
    for planned in recorders {
        let recorder = recorder(m, planned);
        regions
            .entry(planned.region.to_owned())
            .or_default()
            .recorders
            .push((planned, recorder));
    }
    if regions.is_empty() {
        return;
    }
    let statuses: Vec<&Planned<'_>> = m
        .of_type("aws_config_configuration_recorder_status")
        .collect();
    for planned in statuses {
        let name = match planned.known_str("name") {
            Some(name) => Some(name.to_owned()),
            None => match m.referenced(planned, "name", &[RECORDER]).as_slice() {
                [one] => Some(recorder_name(one)),
                _ => None,
            },
        };
        let Some(name) = name else {
            // Which recorder only apply decides.
            m.unknown(planned, "name");
            continue;
        };
        let node = planned.values.get("is_enabled");
        let Some(region) = regions.get_mut(planned.region) else {
            continue;
        };
        // The verdict is the recorder's: an unknown switch is recorded on it.
        let owner = region
            .recorders
            .iter()
            .find(|(_, r)| r.name == name)
            .map_or(planned, |(p, _)| *p);
        let recording = m.resolve_bool(owner, "is_enabled", node, false, true, false);
        region.statuses.push(RecorderStatus {
            name,
            recording,
            last_status: None,
        });
    }
    let channels: Vec<&Planned<'_>> = m.of_type("aws_config_delivery_channel").collect();
    for planned in channels {
        if let Some(region) = regions.get_mut(planned.region) {
            region.channels.push(DeliveryChannel {
                name: planned.known_str("name").unwrap_or("default").to_owned(),
                s3_bucket_name: planned.known_str("s3_bucket_name").map(str::to_owned),
                sns_topic_arn: planned.known_str("sns_topic_arn").map(str::to_owned),
            });
        }
    }
    for (name, region) in regions {
        let created = region
            .recorders
            .iter()
            .all(|(planned, _)| planned.action == Action::Create);
        let not_declared = |what: &str| {
            CallError::not_in_plan(
                "config",
                format!("the {what} of the AWS Config recorders in {name}"),
            )
        };
        let mut recorders = Vec::new();
        for (planned, recorder) in region.recorders {
            m.register_setting(planned, &name, "config", "ZT607");
            recorders.push(recorder);
        }
        let data = &mut m.region(&name).config;
        data.recorders = Collected::Ok(recorders);
        if created {
            data.recorder_statuses = Collected::Ok(region.statuses);
            data.delivery_channels = Collected::Ok(region.channels);
        } else {
            data.recorder_statuses = if region.statuses.is_empty() {
                Collected::Error(not_declared("status"))
            } else {
                Collected::Ok(region.statuses)
            };
            data.delivery_channels = if region.channels.is_empty() {
                Collected::Error(not_declared("delivery channels"))
            } else {
                Collected::Ok(region.channels)
            };
        }
    }
}

fn recorder_name(planned: &Planned<'_>) -> String {
    planned.known_str("name").unwrap_or("default").to_owned()
}

fn recorder(m: &mut Mapping<'_>, planned: &Planned<'_>) -> ConfigurationRecorder {
    let mut recorder = ConfigurationRecorder {
        name: recorder_name(planned),
        all_supported: true,
        include_global_resource_types: false,
        recording_strategy: None,
        resource_types: Vec::new(),
        excluded_resource_types: Vec::new(),
    };
    let group = match planned.values.get("recording_group").items() {
        Known::Value(groups) => groups.into_iter().next(),
        Known::Unknown => {
            m.unknown(planned, "recording_group");
            recorder.all_supported = m.case.pick(true, false);
            return recorder;
        }
    };
    let Some(group) = group else {
        return recorder;
    };
    recorder.all_supported = m.resolve_bool(
        planned,
        "recording_group.all_supported",
        group.get("all_supported"),
        true,
        true,
        false,
    );
    recorder.include_global_resource_types = group
        .get("include_global_resource_types")
        .bool()
        .or(None)
        .unwrap_or(false);
    recorder.resource_types = group
        .get("resource_types")
        .known_strings()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if let Known::Value(exclusions) = group.get("exclusion_by_resource_types").items() {
        recorder.excluded_resource_types = exclusions
            .into_iter()
            .flat_map(|e| e.get("resource_types").known_strings())
            .map(str::to_owned)
            .collect();
    }
    if let Known::Value(strategies) = group.get("recording_strategy").items() {
        recorder.recording_strategy = strategies
            .into_iter()
            .find_map(|s| s.get("use_only").known_str())
            .map(str::to_owned);
    }
    recorder
}
