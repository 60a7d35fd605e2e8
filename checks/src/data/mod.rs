//! Data pillar (`ZT5xx`): encryption at rest and in transit, with keys the account controls.

pub mod ebs_default_encryption_disabled;
pub mod ebs_volume_unencrypted;
pub mod kms_key_rotation_disabled;
pub mod load_balancer_certificate_not_from_acm;
pub mod load_balancer_http_not_redirected;
pub mod load_balancer_outdated_tls_policy;
pub mod rds_cluster_unencrypted;
pub mod rds_instance_unencrypted;
pub mod s3_account_public_access_block_off;
pub mod s3_bucket_allows_plain_http;
pub mod s3_bucket_public_access_block_off;
pub mod s3_bucket_without_sse_kms;
mod shared;
