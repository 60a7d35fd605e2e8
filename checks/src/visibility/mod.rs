//! Visibility & Analytics pillar (`ZT6xx`): what is recorded, so that a breach can be seen.

pub mod cloudtrail_log_file_validation_disabled;
pub mod cloudtrail_not_encrypted_with_kms;
pub mod config_recorder_disabled;
pub mod guardduty_disabled;
pub mod region_not_covered_by_cloudtrail;
pub mod security_hub_disabled;
mod shared;
pub mod vpc_flow_logs_disabled;
