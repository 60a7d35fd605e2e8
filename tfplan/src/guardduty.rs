//! GuardDuty: the detector of each region (ZT605).
//!
//! - `aws_guardduty_detector`: the region's detector. `enable` defaults to true; false
//!   suspends it (status `DISABLED`). `finding_publishing_frequency` is kept as planned.
//! - A region of the plan with no detector in it: whether GuardDuty runs there is not
//!   declared in the plan (it may be enabled outside Terraform), so ZT605 there is
//!   NOT_APPLICABLE, never FAIL.
//! - Unknown `enable`: enabled at best, suspended at worst.

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::Detector;
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;

pub fn map(m: &mut Mapping<'_>) {
    let mut by_region: BTreeMap<String, BTreeMap<String, Collected<Detector>>> = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_guardduty_detector").collect();
    for planned in declared {
        let region = planned.region.to_owned();
        let id = planned
            .known_str("id")
            .unwrap_or(planned.address)
            .to_owned();
        let node = planned.values.get("enable");
        let enabled = m.resolve_bool(planned, "enable", node, true, true, false);
        let detector = Detector {
            status: if enabled { "ENABLED" } else { "DISABLED" }.to_owned(),
            finding_publishing_frequency: planned
                .known_str("finding_publishing_frequency")
                .map(str::to_owned),
        };
        m.register_setting(planned, &region, "guardduty", "ZT605");
        by_region
            .entry(region)
            .or_default()
            .insert(id, Collected::Ok(detector));
    }
    for (region, detectors) in by_region {
        m.region(&region).guardduty.detectors = Collected::Ok(detectors);
    }
}
