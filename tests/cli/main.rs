//! End-to-end tests: the real `ztaudit` binary against moto server on loopback, against the
//! bundled fixture snapshots, and against bad input. One test binary, as ripgrep does.

mod support;

mod access_scan;
mod bad_input;
mod canary;
mod catalog;
mod data_scan;
mod demo_snapshot;
mod escalation_scan;
mod exit_codes;
mod fault_proxy;
mod faults;
mod formats;
mod governance_scan;
mod identity_scan;
mod least_privilege;
mod moto_scan;
mod network_paths;
mod organization_scan;
mod policy_lint;
mod response_scan;
mod suppressions;
mod terraform_plan;
mod unused_access;
mod visibility_scan;
