//! Governance pillar (`ZT8xx`): whether the account is governed as part of an organization —
//! workloads split across accounts, guardrail SCPs that member accounts cannot undo, and
//! security services run organization-wide by a delegated administrator.

pub mod account_outside_organization;
pub mod guardduty_not_organization_wide;
mod guardrail_actions;
pub mod guardrail_scps_missing;
pub mod security_hub_not_organization_wide;
mod shared;
pub mod workloads_not_split_across_accounts;
