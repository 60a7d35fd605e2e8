//! S3: the account's Block Public Access settings and every bucket's encryption, Block Public
//! Access and policy. S3 is account-wide; each bucket's calls go to the bucket's own region.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Global {
    /// s3control `GetPublicAccessBlock` for the account; `None` when none is configured.
    #[serde(default)]
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    /// `ListBuckets`, with each bucket's own calls.
    #[serde(default)]
    pub buckets: Collected<Vec<Bucket>>,
}

impl S3Global {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![
            self.account_public_access_block.error(),
            self.buckets.error(),
        ];
        if let Collected::Ok(buckets) = &self.buckets {
            for bucket in buckets {
                errors.extend([
                    bucket.region.error(),
                    bucket.encryption.error(),
                    bucket.public_access_block.error(),
                    bucket.policy.error(),
                ]);
            }
        }
        errors.into_iter().flatten().collect()
    }
}

/// The four Block Public Access switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }

    /// The switches that are off, by their API names.
    pub fn switches_off(&self) -> Vec<&'static str> {
        [
            (self.block_public_acls, "BlockPublicAcls"),
            (self.ignore_public_acls, "IgnorePublicAcls"),
            (self.block_public_policy, "BlockPublicPolicy"),
            (self.restrict_public_buckets, "RestrictPublicBuckets"),
        ]
        .into_iter()
        .filter(|(on, _)| !on)
        .map(|(_, name)| name)
        .collect()
    }
}

/// Sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub name: String,
    /// `GetBucketLocation`: where the bucket's own calls were sent.
    #[serde(default)]
    pub region: Collected<String>,
    /// `GetBucketEncryption`; `None` when the bucket has no default-encryption configuration.
    #[serde(default)]
    pub encryption: Collected<Option<Vec<EncryptionRule>>>,
    /// `GetPublicAccessBlock`; `None` when the bucket has none of its own.
    #[serde(default)]
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    /// `GetBucketPolicy`, the policy document; `None` when the bucket has no policy.
    #[serde(default)]
    pub policy: Collected<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptionRule {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}
