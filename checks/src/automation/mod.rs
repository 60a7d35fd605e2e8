//! Automation & Orchestration pillar (`ZT7xx`): threats answered by machines, not by whoever
//! happens to read an inbox.

pub mod findings_without_automated_response;
mod shared;
