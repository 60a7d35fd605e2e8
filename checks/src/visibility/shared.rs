//! What the CloudTrail checks share; no check lives here: finding the one copy of each trail
//! to judge, and reading its event selectors for management events.

use std::collections::BTreeMap;

use crate::snapshot::{arn_account, EventSelectors, Trail};
use crate::Snapshot;

/// The copy of each trail that carries its status and selectors, by trail ARN, with the region
/// it was read in. A multi-region trail is listed in every region under one ARN; this is how
/// it is judged once.
pub fn evaluated_trails(snapshot: &Snapshot) -> BTreeMap<&str, (&str, &Trail)> {
    let mut evaluated = BTreeMap::new();
    for (region, data) in &snapshot.regions {
        let Ok(trails) = data.cloudtrail.trails.as_result() else {
            continue;
        };
        for trail in trails.iter().filter(|trail| trail.is_evaluated_here()) {
            evaluated
                .entry(trail.arn.as_str())
                .or_insert((region.as_str(), trail));
        }
    }
    evaluated
}

/// Whether a trail belongs to the scanned account (an organization trail may belong to the
/// organization's management account, which alone can change it).
pub fn is_owned_by(trail: &Trail, account: &str) -> bool {
    arn_account(&trail.arn) == Some(account)
}

/// Which management events a trail's selectors record in full: every event source, read and
/// write. A selector that excludes an event source or filters on another field records only
/// some management events, and is named in `partial`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ManagementCoverage {
    pub read: bool,
    pub write: bool,
    /// Why selectors that record some management events do not record them all.
    pub partial: Vec<String>,
}

impl ManagementCoverage {
    pub fn is_complete(&self) -> bool {
        self.read && self.write
    }

    /// What is missing, for a failure message.
    pub fn shortfall(&self) -> String {
        let missing = match (self.read, self.write) {
            (true, true) => return String::new(),
            (true, false) => "records no write management events in full",
            (false, true) => "records no read management events in full",
            (false, false) => "records no management events in full",
        };
        if self.partial.is_empty() {
            missing.to_owned()
        } else {
            format!("{missing} ({})", self.partial.join("; "))
        }
    }
}

pub fn management_coverage(selectors: &EventSelectors) -> ManagementCoverage {
    let mut coverage = ManagementCoverage::default();
    for selector in &selectors.classic {
        if !selector.include_management_events.unwrap_or(true) {
            continue;
        }
        if !selector.exclude_management_event_sources.is_empty() {
            coverage.partial.push(format!(
                "excludes management events of {}",
                selector.exclude_management_event_sources.join(", ")
            ));
            continue;
        }
        let kind = selector.read_write_type.as_deref().unwrap_or("All");
        coverage.read |= kind == "All" || kind == "ReadOnly";
        coverage.write |= kind == "All" || kind == "WriteOnly";
    }
    for selector in &selectors.advanced {
        let name = selector.name.as_deref().unwrap_or("unnamed");
        let mut management = false;
        let (mut read, mut write) = (true, true);
        let mut restricted = Vec::new();
        for field in &selector.field_selectors {
            let only_equals = field.starts_with.is_empty()
                && field.ends_with.is_empty()
                && field.not_equals.is_empty()
                && field.not_starts_with.is_empty()
                && field.not_ends_with.is_empty();
            match field.field.as_str() {
                "eventCategory" if only_equals => {
                    management = field.equals.iter().any(|value| value == "Management");
                }
                "readOnly" if only_equals => {
                    read &= field.equals.iter().any(|value| value == "true");
                    write &= field.equals.iter().any(|value| value == "false");
                }
                other => restricted.push(other.to_owned()),
            }
        }
        if !management {
            continue;
        }
        if !restricted.is_empty() {
            coverage.partial.push(format!(
                "selector `{name}` filters management events on {}",
                restricted.join(", ")
            ));
            continue;
        }
        coverage.read |= read;
        coverage.write |= write;
    }
    coverage
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{AdvancedEventSelector, AdvancedFieldSelector, ClassicEventSelector};

    fn classic(kind: Option<&str>, management: Option<bool>, excluded: &[&str]) -> EventSelectors {
        EventSelectors {
            classic: vec![ClassicEventSelector {
                read_write_type: kind.map(str::to_owned),
                include_management_events: management,
                exclude_management_event_sources: excluded
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            }],
            advanced: vec![],
        }
    }

    fn field(name: &str, equals: &[&str]) -> AdvancedFieldSelector {
        AdvancedFieldSelector {
            field: name.to_owned(),
            equals: equals.iter().map(|s| (*s).to_owned()).collect(),
            starts_with: vec![],
            ends_with: vec![],
            not_equals: vec![],
            not_starts_with: vec![],
            not_ends_with: vec![],
        }
    }

    fn advanced(selectors: Vec<Vec<AdvancedFieldSelector>>) -> EventSelectors {
        EventSelectors {
            classic: vec![],
            advanced: selectors
                .into_iter()
                .map(|field_selectors| AdvancedEventSelector {
                    name: None,
                    field_selectors,
                })
                .collect(),
        }
    }

    #[test]
    fn classic_selectors_default_to_all_management_events() {
        assert!(management_coverage(&classic(None, None, &[])).is_complete());
        assert!(management_coverage(&classic(Some("All"), Some(true), &[])).is_complete());
        let write_only = management_coverage(&classic(Some("WriteOnly"), Some(true), &[]));
        assert_eq!((write_only.read, write_only.write), (false, true));
        assert!(!management_coverage(&classic(Some("All"), Some(false), &[])).is_complete());
        let kms = management_coverage(&classic(None, None, &["kms.amazonaws.com"]));
        assert!(!kms.is_complete());
        assert!(
            kms.shortfall().contains("kms.amazonaws.com"),
            "{}",
            kms.shortfall()
        );
    }

    #[test]
    fn read_and_write_may_come_from_two_selectors() {
        let mut both = classic(Some("ReadOnly"), None, &[]);
        both.classic
            .extend(classic(Some("WriteOnly"), None, &[]).classic);
        assert!(management_coverage(&both).is_complete());
    }

    #[test]
    fn advanced_selectors_are_read_field_by_field() {
        let all = advanced(vec![vec![field("eventCategory", &["Management"])]]);
        assert!(management_coverage(&all).is_complete());
        let read_only = advanced(vec![vec![
            field("eventCategory", &["Management"]),
            field("readOnly", &["true"]),
        ]]);
        assert_eq!(
            management_coverage(&read_only).shortfall(),
            "records no write management events in full"
        );
        let split = advanced(vec![
            vec![
                field("eventCategory", &["Management"]),
                field("readOnly", &["true"]),
            ],
            vec![
                field("eventCategory", &["Management"]),
                field("readOnly", &["false"]),
            ],
        ]);
        assert!(management_coverage(&split).is_complete());
        let mut excluding = field("eventSource", &[]);
        excluding.not_equals = vec!["kms.amazonaws.com".to_owned()];
        let filtered = advanced(vec![vec![
            field("eventCategory", &["Management"]),
            excluding,
        ]]);
        let coverage = management_coverage(&filtered);
        assert!(!coverage.is_complete());
        assert!(
            coverage.shortfall().contains("eventSource"),
            "{}",
            coverage.shortfall()
        );
        let data_only = advanced(vec![vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::S3::Object"]),
        ]]);
        assert_eq!(
            management_coverage(&data_only),
            ManagementCoverage::default()
        );
    }

    #[test]
    fn no_selectors_record_nothing() {
        assert!(!management_coverage(&EventSelectors::default()).is_complete());
    }
}
