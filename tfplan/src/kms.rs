//! KMS: customer-managed keys and their automatic rotation (ZT509).
//!
//! - `aws_kms_key`: a customer-managed key. `enable_key_rotation` defaults to false, as KMS
//!   creates keys; `is_enabled` defaults to true; `customer_master_key_spec` to
//!   `SYMMETRIC_DEFAULT` and `key_usage` to `ENCRYPT_DECRYPT`; a `custom_key_store_id` puts
//!   its key material in a custom key store (CloudHSM), where automatic rotation does not
//!   apply. `aws_kms_external_key` holds imported material (`EXTERNAL`), to which it does not
//!   apply either.
//! - Unknown: rotation is on at best and off at worst; a key whose enabled state is unknown
//!   is disabled at best (rotation does not apply) and enabled at worst.

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::{KeyMetadata, KmsKey};
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;

const TYPES: [&str; 2] = ["aws_kms_key", "aws_kms_external_key"];

pub fn map(m: &mut Mapping<'_>) {
    let mut by_region: BTreeMap<String, Vec<KmsKey>> = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = TYPES.iter().flat_map(|t| m.of_type(t)).collect();
    for planned in declared {
        let region = planned.region.to_owned();
        let id = planned
            .known_str("key_id")
            .or_else(|| planned.known_str("id"))
            .unwrap_or(planned.address)
            .to_owned();
        // Disabled is the secure reading: automatic rotation does not apply to it.
        let enabled = m.resolve_bool(
            planned,
            "is_enabled",
            planned.values.get("is_enabled"),
            true,
            false,
            true,
        );
        let origin = if planned.resource_type == "aws_kms_external_key" {
            "EXTERNAL"
        } else if planned.configured("custom_key_store_id") {
            "AWS_CLOUDHSM"
        } else {
            "AWS_KMS"
        };
        let metadata = KeyMetadata {
            manager: "CUSTOMER".to_owned(),
            state: if enabled { "Enabled" } else { "Disabled" }.to_owned(),
            spec: planned
                .known_str("customer_master_key_spec")
                .unwrap_or("SYMMETRIC_DEFAULT")
                .to_owned(),
            usage: planned
                .known_str("key_usage")
                .unwrap_or("ENCRYPT_DECRYPT")
                .to_owned(),
            origin: origin.to_owned(),
        };
        let rotation = metadata.rotation_applies().then(|| {
            let node = planned.values.get("enable_key_rotation");
            Collected::Ok(m.resolve_bool(planned, "enable_key_rotation", node, false, true, false))
        });
        let key = KmsKey {
            arn: m.arn_of(planned, "kms", &region, &format!("key/{id}")),
            id,
            metadata: Collected::Ok(metadata),
            rotation_enabled: rotation,
        };
        m.register(planned, &region, &key);
        by_region.entry(region).or_default().push(key);
    }
    for (region, mut keys) in by_region {
        keys.sort_by(|a, b| a.id.cmp(&b.id));
        m.region(&region).kms.keys = Collected::Ok(keys);
    }
}
