//! Visibility & Analytics pillar (`ZT6xx`): what is recorded, so that a breach can be seen.

pub mod vpc_flow_logs_disabled;
