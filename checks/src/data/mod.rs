//! Data pillar (`ZT5xx`): encryption at rest and in transit, with keys the account controls.

pub mod ebs_default_encryption_disabled;
pub mod ebs_volume_unencrypted;
