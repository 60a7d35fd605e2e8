//! Security Hub: whether the account is subscribed in each region (ZT606), and its standards.
//!
//! - `aws_securityhub_account`: Security Hub enabled in its region. With
//!   `enable_default_standards` (true unless set) Security Hub enables the standards it
//!   designates as default: AWS Foundational Security Best Practices v1.0.0 and CIS AWS
//!   Foundations Benchmark v1.2.0.
//! - `aws_securityhub_standards_subscription`: a standard (`standards_arn`) enabled in its
//!   region, listed with the hub of that region.
//! - A region of the plan with no `aws_securityhub_account`: whether Security Hub runs there
//!   is not declared in the plan, so ZT606 there is NOT_APPLICABLE, never FAIL.
//! - An unknown `enable_default_standards` or `standards_arn` leaves that standard out of the
//!   list (the list is only reported, never judged).

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::{EnabledStandard, Hub};
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::Known;

pub fn map(m: &mut Mapping<'_>) {
    let mut standards: BTreeMap<&str, Vec<EnabledStandard>> = BTreeMap::new();
    let subscriptions: Vec<&Planned<'_>> = m
        .of_type("aws_securityhub_standards_subscription")
        .collect();
    for planned in subscriptions {
        if let Some(arn) = planned.known_str("standards_arn") {
            standards
                .entry(planned.region)
                .or_default()
                .push(ready(arn.to_owned()));
        }
    }
    let accounts: Vec<&Planned<'_>> = m.of_type("aws_securityhub_account").collect();
    for planned in accounts {
        let region = planned.region;
        let mut enabled = standards.get(region).cloned().unwrap_or_default();
        let defaults = match planned.values.get("enable_default_standards").bool() {
            Known::Value(set) => set.unwrap_or(true),
            Known::Unknown => {
                m.unknown(planned, "enable_default_standards");
                false
            }
        };
        if defaults {
            let partition = m.snapshot.partition.clone();
            enabled.push(ready(format!(
                "arn:{partition}:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"
            )));
            enabled.push(ready(format!(
                "arn:{partition}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
            )));
        }
        enabled.sort_by(|a, b| a.standards_arn.cmp(&b.standards_arn));
        enabled.dedup();
        let arn = m.arn_of(planned, "securityhub", region, "hub/default");
        m.register_setting(planned, region, "securityhub", "ZT606");
        m.region(region).securityhub.hub = Collected::Ok(Some(Hub {
            arn,
            subscribed_at: None,
            enabled_standards: Collected::Ok(enabled),
        }));
    }
}

fn ready(standards_arn: String) -> EnabledStandard {
    EnabledStandard {
        standards_arn,
        status: "READY".to_owned(),
    }
}
