//! KMS data of one region: the keys, and rotation of the customer-managed ones.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsRegion {
    /// `ListKeys`, with `DescribeKey` for each.
    #[serde(default)]
    pub keys: Collected<Vec<KmsKey>>,
}

impl KmsRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![self.keys.error()];
        if let Collected::Ok(keys) = &self.keys {
            for key in keys {
                errors.push(key.metadata.error());
                if let Some(rotation) = &key.rotation_enabled {
                    errors.push(rotation.error());
                }
            }
        }
        errors.into_iter().flatten().collect()
    }
}

/// Sorted by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    /// `DescribeKey`.
    #[serde(default)]
    pub metadata: Collected<KeyMetadata>,
    /// `GetKeyRotationStatus`, asked only of enabled, customer-managed, symmetric encryption
    /// keys with key material from KMS — the only keys automatic rotation applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_enabled: Option<Collected<bool>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyMetadata {
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`…
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`…
    pub spec: String,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`…
    pub usage: String,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: String,
}

impl KeyMetadata {
    /// Whether KMS's automatic rotation applies to this key.
    pub fn rotation_applies(&self) -> bool {
        self.manager == "CUSTOMER"
            && self.state == "Enabled"
            && self.spec == "SYMMETRIC_DEFAULT"
            && self.origin == "AWS_KMS"
    }
}
