//! Identity pillar (`ZT1xx`): who can act, with which credentials, and whether MFA stands in
//! the way.

pub mod access_key_not_rotated;
pub mod access_key_unused;
pub mod allow_not_action;
pub mod console_user_without_mfa;
pub mod ec2_instance_without_role;
pub mod full_admin_policy;
pub mod iam_user_instead_of_identity_center;
pub mod ineffective_mfa_guard;
pub mod policies;
pub mod policy_attached_to_user;
pub mod role_trust_too_open;
pub mod root_access_keys;
pub mod root_without_hardware_mfa;
pub mod root_without_mfa;
pub mod secret_not_rotated;
pub mod sensitive_actions_without_mfa;
pub mod service_wide_wildcard;

use std::collections::BTreeMap;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::snapshot::Snapshot;

/// Whole days from `earlier` to the start of the collection, which stands for "now" so that a
/// snapshot evaluates the same way whenever it is replayed.
pub(crate) fn days_before_collection(snapshot: &Snapshot, earlier: &str) -> Option<i64> {
    let now = OffsetDateTime::parse(&snapshot.collection.started_at, &Rfc3339).ok()?;
    let then = OffsetDateTime::parse(earlier, &Rfc3339).ok()?;
    Some((now - then).whole_days())
}

/// A key of `GetAccountSummary`; a missing key is an error, never a guess.
pub(crate) fn summary_value(summary: &BTreeMap<String, i64>, key: &str) -> Result<i64, String> {
    summary
        .get(key)
        .copied()
        .ok_or_else(|| format!("iam:GetAccountSummary did not report {key}"))
}

/// The ARN path of the root user: `arn:PARTITION:iam::ACCOUNT:root`.
pub(crate) const ROOT_PATH: &str = "root";
