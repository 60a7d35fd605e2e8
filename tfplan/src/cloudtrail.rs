//! CloudTrail: trails, whether they log, what they select, how their logs are kept
//! (ZT602–ZT604).
//!
//! - `aws_cloudtrail`: a trail of its provider's region (its home region), named `name`, ARN
//!   `arn:…:cloudtrail:REGION:ACCOUNT:trail/NAME` unless known. As AWS lists trails, a
//!   multi-region trail (`is_multi_region_trail`, false unless set) is listed in every region
//!   of the plan, judged once in its home region; a single-region trail only there.
//!   `enable_logging` (true unless set) is its status, `enable_log_file_validation` (false
//!   unless set) and `kms_key_id` as planned, `is_organization_trail` as planned.
//! - Event selectors: the `event_selector` blocks (`read_write_type`, `All` unless set;
//!   `include_management_events`, true unless set; `exclude_management_event_sources`) or the
//!   `advanced_event_selector` blocks with their `field_selector`s. A trail with neither
//!   records all management events, as AWS creates it.
//! - A region where the plan lists no trail: its trails are not declared in the plan, and the
//!   three checks there are NOT_APPLICABLE.
//! - **ZT602 on part of the account.** An account may have several trails and a plan declares
//!   some: a region covered by none of the plan's multi-region trails may be covered by a trail
//!   outside it. ZT602's account finding in a region is answered by the plan's multi-region
//!   trails listed there; a FAIL that no planned multi-region trail answers for (the plan has
//!   only single-region trails there) is NOT_APPLICABLE (see [`crate::verdict`]). A planned
//!   multi-region trail that is not logging or leaves management events out is the plan's
//!   defect: FAIL, as in a live account with no other trail.
//! - Unknown: `enable_logging`, `is_multi_region_trail` and `enable_log_file_validation` are
//!   on at best and off at worst; a `kms_key_id` known only after apply is the key it
//!   references when that is an `aws_kms_key` of the plan (whose ARN is never none), else a
//!   key at best and none at worst; an unknown selector block records all management events
//!   at best and none at worst.

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::{
    Account, AdvancedEventSelector, AdvancedFieldSelector, AwsResource, ClassicEventSelector,
    EventSelectors, Trail, TrailStatus,
};
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::{Known, Node};

pub fn map(m: &mut Mapping<'_>) {
    let declared: Vec<&Planned<'_>> = m.of_type("aws_cloudtrail").collect();
    if declared.is_empty() {
        return;
    }
    let regions: Vec<String> = m.snapshot.regions.keys().cloned().collect();
    let mut listed: BTreeMap<String, Vec<Trail>> = BTreeMap::new();
    for planned in declared {
        let home = planned.region.to_owned();
        let name = planned
            .known_str("name")
            .unwrap_or(planned.address)
            .to_owned();
        let arn = m.arn_of(planned, "cloudtrail", &home, &format!("trail/{name}"));
        let values = planned.values;
        let multi_region = m.resolve_bool(
            planned,
            "is_multi_region_trail",
            values.get("is_multi_region_trail"),
            false,
            true,
            false,
        );
        let logging = m.resolve_bool(
            planned,
            "enable_logging",
            values.get("enable_logging"),
            true,
            true,
            false,
        );
        let log_file_validation = m.resolve_bool(
            planned,
            "enable_log_file_validation",
            values.get("enable_log_file_validation"),
            false,
            true,
            false,
        );
        let kms_key_id = match values.get("kms_key_id").str() {
            Known::Value(key) => key.filter(|key| !key.is_empty()).map(str::to_owned),
            Known::Unknown => match m.referenced(planned, "kms_key_id", &["aws_kms_key"])[..] {
                // The ARN of a key the plan creates: known only after apply, but never none.
                [key] => Some(
                    key.known_str("arn")
                        .map_or_else(|| format!("{} (its ARN)", key.address), str::to_owned),
                ),
                _ => {
                    m.unknown(planned, "kms_key_id");
                    m.case.pick(Some("known after apply".to_owned()), None)
                }
            },
        };
        let selectors = selectors(m, planned);
        let trail = Trail {
            arn,
            name,
            home_region: home.clone(),
            multi_region,
            organization_trail: values
                .get("is_organization_trail")
                .bool()
                .or(None)
                .unwrap_or(false),
            log_file_validation,
            kms_key_id,
            s3_bucket_name: planned.known_str("s3_bucket_name").map(str::to_owned),
            status: None,
            event_selectors: None,
        };
        m.register(planned, &home, &trail);
        let shown_in: Vec<String> = if multi_region {
            regions.clone()
        } else {
            vec![home.clone()]
        };
        for region in shown_in {
            let mut copy = trail.clone();
            if region == home {
                copy.status = Some(Collected::Ok(TrailStatus {
                    is_logging: logging,
                }));
                copy.event_selectors = Some(Collected::Ok(selectors.clone()));
            }
            if multi_region {
                // ZT602's verdict on the region is this trail's to answer.
                let id = Account {
                    service: "cloudtrail",
                }
                .arn(m.scope(&region));
                m.register_id(planned, id);
            }
            listed.entry(region).or_default().push(copy);
        }
    }
    for (region, mut trails) in listed {
        trails.sort_by(|a, b| a.arn.cmp(&b.arn));
        m.region(&region).cloudtrail.trails = Collected::Ok(trails);
    }
}

/// The trail's event selectors as AWS will hold them.
fn selectors(m: &mut Mapping<'_>, planned: &Planned<'_>) -> EventSelectors {
    let everything = || EventSelectors {
        classic: vec![ClassicEventSelector {
            read_write_type: Some("All".to_owned()),
            include_management_events: Some(true),
            exclude_management_event_sources: Vec::new(),
        }],
        advanced: Vec::new(),
    };
    let classic = planned.values.get("event_selector").items();
    let advanced = planned.values.get("advanced_event_selector").items();
    let (Known::Value(classic), Known::Value(advanced)) = (classic, advanced) else {
        m.unknown(planned, "event_selector");
        return m.case.pick(everything(), EventSelectors::default());
    };
    if classic.is_empty() && advanced.is_empty() {
        return everything();
    }
    let mut selectors = EventSelectors::default();
    for block in classic {
        let read_write_type = match block.get("read_write_type").str() {
            Known::Value(kind) => kind.unwrap_or("All").to_owned(),
            Known::Unknown => {
                m.unknown(planned, "event_selector.read_write_type");
                m.case.pick("All", "ReadOnly").to_owned()
            }
        };
        let include = m.resolve_bool(
            planned,
            "event_selector.include_management_events",
            block.get("include_management_events"),
            true,
            true,
            false,
        );
        let excluded = match block.get("exclude_management_event_sources").strings() {
            Known::Value(sources) if !sources.iter().any(Known::is_unknown) => sources
                .into_iter()
                .map(|source| source.or("").to_owned())
                .collect(),
            Known::Value(_) | Known::Unknown => {
                m.unknown(planned, "event_selector.exclude_management_event_sources");
                m.case
                    .pick(Vec::new(), vec!["known after apply".to_owned()])
            }
        };
        selectors.classic.push(ClassicEventSelector {
            read_write_type: Some(read_write_type),
            include_management_events: Some(include),
            exclude_management_event_sources: excluded,
        });
    }
    for block in advanced {
        selectors
            .advanced
            .push(advanced_selector(m, planned, block));
    }
    selectors
}

fn advanced_selector(
    m: &mut Mapping<'_>,
    planned: &Planned<'_>,
    block: Node<'_>,
) -> AdvancedEventSelector {
    let fields = match block.get("field_selector").items() {
        Known::Value(fields) => fields,
        Known::Unknown => Vec::new(),
    };
    let mut selector = AdvancedEventSelector {
        name: block.get("name").known_str().map(str::to_owned),
        field_selectors: Vec::new(),
    };
    let mut unknown = block.get("field_selector").is_unknown();
    for field in fields {
        let list = |key: &str| -> (Vec<String>, bool) {
            match field.get(key).strings() {
                Known::Value(items) => (
                    items
                        .iter()
                        .filter_map(|item| match item {
                            Known::Value(text) => Some((*text).to_owned()),
                            Known::Unknown => None,
                        })
                        .collect(),
                    items.iter().any(Known::is_unknown),
                ),
                Known::Unknown => (Vec::new(), true),
            }
        };
        let Some(name) = field.get("field").known_str() else {
            unknown = true;
            continue;
        };
        let (equals, u1) = list("equals");
        let (starts_with, u2) = list("starts_with");
        let (ends_with, u3) = list("ends_with");
        let (not_equals, u4) = list("not_equals");
        let (not_starts_with, u5) = list("not_starts_with");
        let (not_ends_with, u6) = list("not_ends_with");
        unknown |= u1 || u2 || u3 || u4 || u5 || u6;
        selector.field_selectors.push(AdvancedFieldSelector {
            field: name.to_owned(),
            equals,
            starts_with,
            ends_with,
            not_equals,
            not_starts_with,
            not_ends_with,
        });
    }
    if unknown {
        // At best every management event, at worst a filter that records only some.
        m.unknown(planned, "advanced_event_selector");
        let management = |field: &str, equals: &[&str]| AdvancedFieldSelector {
            field: field.to_owned(),
            equals: equals.iter().map(|s| (*s).to_owned()).collect(),
            starts_with: Vec::new(),
            ends_with: Vec::new(),
            not_equals: Vec::new(),
            not_starts_with: Vec::new(),
            not_ends_with: Vec::new(),
        };
        selector.field_selectors = m.case.pick(
            vec![management("eventCategory", &["Management"])],
            vec![
                management("eventCategory", &["Management"]),
                management("eventSource", &["known after apply"]),
            ],
        );
    }
    selector
}
