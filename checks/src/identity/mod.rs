//! Identity pillar (`ZT1xx`): who can act, with which credentials, and whether MFA stands in
//! the way.

pub mod access_key_not_rotated;
pub mod access_key_unused;
pub mod allow_with_not_action;
pub mod console_user_without_mfa;
pub mod ec2_instance_without_role;
pub mod escalation_analysis;
pub mod escalation_methods;
pub mod full_admin_policy;
pub mod iam_user_instead_of_identity_center;
pub mod ineffective_mfa_guard;
pub mod policy_attached_to_user;
pub mod privilege_escalation_path;
pub mod role_trust_too_open;
pub mod root_access_keys;
pub mod root_without_hardware_mfa;
pub mod root_without_mfa;
pub mod secret_not_rotated;
pub mod sensitive_actions_without_mfa;
pub mod service_wide_wildcard;
pub mod shared;
pub mod unused_service_access;
