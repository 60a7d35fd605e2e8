//! The registry: every check ztaudit knows, in code order, and the codes of the checks it no
//! longer has. Adding a check adds one line to [`CHECKS`]; removing one moves its code and name
//! to [`RETIRED`], so that neither is ever given to another check.

use crate::automation::findings_without_automated_response;
use crate::check::{Check, CheckMeta};
use crate::data::{
    ebs_default_encryption_disabled, ebs_volume_unencrypted, kms_key_rotation_disabled,
    load_balancer_certificate_not_from_acm, load_balancer_http_not_redirected,
    load_balancer_outdated_tls_policy, rds_cluster_unencrypted, rds_instance_unencrypted,
    s3_account_public_access_block_off, s3_bucket_allows_plain_http,
    s3_bucket_public_access_block_off, s3_bucket_without_sse_kms,
};
use crate::governance::{
    account_outside_organization, guardduty_not_organization_wide, guardrail_scps_missing,
    security_hub_not_organization_wide, workloads_not_split_across_accounts,
};
use crate::identity::{
    access_key_not_rotated, access_key_unused, allow_with_not_action, console_user_without_mfa,
    ec2_instance_without_role, full_admin_policy, iam_user_instead_of_identity_center,
    ineffective_mfa_guard, policy_attached_to_user, privilege_escalation_path, role_trust_too_open,
    root_access_keys, root_without_hardware_mfa, root_without_mfa, secret_not_rotated,
    sensitive_actions_without_mfa, service_wide_wildcard, unused_service_access,
};
use crate::networks::{
    client_vpn_connection_logging_disabled, client_vpn_split_tunnel,
    client_vpn_weak_authentication, default_security_group_has_rules, environments_not_separated,
    instance_admin_port_open_to_internet, instance_not_managed_by_ssm,
    network_acl_admin_ports_open, rds_instance_reachable_from_internet,
    security_group_admits_whole_network, security_group_open_to_internet,
    vpc_instances_share_flat_group, vpc_mixes_environments, vpc_without_private_endpoints,
};
use crate::visibility::{
    cloudtrail_log_file_validation_disabled, cloudtrail_not_encrypted_with_kms,
    config_recorder_disabled, guardduty_disabled, region_not_covered_by_cloudtrail,
    security_hub_disabled, vpc_flow_logs_disabled,
};

pub static CHECKS: &[&dyn Check] = &[
    &sensitive_actions_without_mfa::SensitiveActionsWithoutMfa,
    &ineffective_mfa_guard::IneffectiveMfaGuard,
    &full_admin_policy::FullAdminPolicy,
    &service_wide_wildcard::ServiceWideWildcard,
    &allow_with_not_action::AllowWithNotAction,
    &policy_attached_to_user::PolicyAttachedToUser,
    &console_user_without_mfa::ConsoleUserWithoutMfa,
    &root_without_mfa::RootWithoutMfa,
    &root_without_hardware_mfa::RootWithoutHardwareMfa,
    &root_access_keys::RootAccessKeys,
    &access_key_unused::AccessKeyUnused,
    &access_key_not_rotated::AccessKeyNotRotated,
    &iam_user_instead_of_identity_center::IamUserInsteadOfIdentityCenter,
    &ec2_instance_without_role::Ec2InstanceWithoutRole,
    &role_trust_too_open::RoleTrustTooOpen,
    &secret_not_rotated::SecretNotRotated,
    &privilege_escalation_path::PrivilegeEscalationPath,
    &unused_service_access::UnusedServiceAccess,
    &security_group_open_to_internet::SecurityGroupOpenToInternet,
    &default_security_group_has_rules::DefaultSecurityGroupHasRules,
    &network_acl_admin_ports_open::NetworkAclAdminPortsOpen,
    &instance_admin_port_open_to_internet::InstanceAdminPortOpenToInternet,
    &instance_not_managed_by_ssm::InstanceNotManagedBySsm,
    &client_vpn_weak_authentication::ClientVpnWeakAuthentication,
    &client_vpn_connection_logging_disabled::ClientVpnConnectionLoggingDisabled,
    &client_vpn_split_tunnel::ClientVpnSplitTunnel,
    &vpc_without_private_endpoints::VpcWithoutPrivateEndpoints,
    &environments_not_separated::EnvironmentsNotSeparated,
    &vpc_mixes_environments::VpcMixesEnvironments,
    &rds_instance_reachable_from_internet::RdsInstanceReachableFromInternet,
    &security_group_admits_whole_network::SecurityGroupAdmitsWholeNetwork,
    &vpc_instances_share_flat_group::VpcInstancesShareFlatGroup,
    &ebs_default_encryption_disabled::EbsDefaultEncryptionDisabled,
    &ebs_volume_unencrypted::EbsVolumeUnencrypted,
    &s3_bucket_without_sse_kms::S3BucketWithoutSseKms,
    &s3_account_public_access_block_off::S3AccountPublicAccessBlockOff,
    &s3_bucket_public_access_block_off::S3BucketPublicAccessBlockOff,
    &s3_bucket_allows_plain_http::S3BucketAllowsPlainHttp,
    &rds_instance_unencrypted::RdsInstanceUnencrypted,
    &rds_cluster_unencrypted::RdsClusterUnencrypted,
    &kms_key_rotation_disabled::KmsKeyRotationDisabled,
    &load_balancer_http_not_redirected::LoadBalancerHttpNotRedirected,
    &load_balancer_certificate_not_from_acm::LoadBalancerCertificateNotFromAcm,
    &load_balancer_outdated_tls_policy::LoadBalancerOutdatedTlsPolicy,
    &vpc_flow_logs_disabled::VpcFlowLogsDisabled,
    &region_not_covered_by_cloudtrail::RegionNotCoveredByCloudtrail,
    &cloudtrail_log_file_validation_disabled::CloudtrailLogFileValidationDisabled,
    &cloudtrail_not_encrypted_with_kms::CloudtrailNotEncryptedWithKms,
    &guardduty_disabled::GuarddutyDisabled,
    &security_hub_disabled::SecurityHubDisabled,
    &config_recorder_disabled::ConfigRecorderDisabled,
    &findings_without_automated_response::FindingsWithoutAutomatedResponse,
    &workloads_not_split_across_accounts::WorkloadsNotSplitAcrossAccounts,
    &account_outside_organization::AccountOutsideOrganization,
    &guardrail_scps_missing::GuardrailScpsMissing,
    &guardduty_not_organization_wide::GuarddutyNotOrganizationWide,
    &security_hub_not_organization_wide::SecurityHubNotOrganizationWide,
];

/// A check that was removed. Its code and name stay reserved: a report, baseline, suppression or
/// `--checks` pattern that names them must never come to mean a different check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetiredCheck {
    pub id: &'static str,
    pub name: &'static str,
    /// The first ztaudit version without it.
    pub retired_in: &'static str,
    /// Why it went, and what replaces it if anything does.
    pub reason: &'static str,
}

/// Every check ever removed, in code order. None yet.
pub static RETIRED: &[RetiredCheck] = &[];

/// The check with this id (`ZT301`) or name (`security-group-open-to-internet`), any case.
pub fn find(id_or_name: &str) -> Option<&'static dyn Check> {
    CHECKS.iter().copied().find(|check| {
        let meta = check.meta();
        meta.id.eq_ignore_ascii_case(id_or_name) || meta.name.eq_ignore_ascii_case(id_or_name)
    })
}

/// A glob over check ids and names (`ZT3*`, `iam-*`, `security-group-open-to-internet`),
/// matched without regard to case. Used by `--checks`, `--skip-checks` and `ztaudit.toml`.
#[derive(Debug, Clone)]
pub struct CheckPattern {
    text: String,
    matcher: globset::GlobMatcher,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("invalid check pattern `{pattern}`: {reason}")]
    Invalid { pattern: String, reason: String },
    /// A typo must not silently select (or mute) nothing.
    #[error("`{0}` matches no check (see `ztaudit checks`)")]
    NoMatch(String),
}

impl CheckPattern {
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        let text = pattern.trim();
        let matcher = globset::GlobBuilder::new(text)
            .case_insensitive(true)
            .build()
            .map_err(|err| PatternError::Invalid {
                pattern: text.to_owned(),
                reason: err.kind().to_string(),
            })?
            .compile_matcher();
        let pattern = CheckPattern {
            text: text.to_owned(),
            matcher,
        };
        if CHECKS.iter().any(|check| pattern.matches(check.meta())) {
            Ok(pattern)
        } else {
            Err(PatternError::NoMatch(text.to_owned()))
        }
    }

    pub fn matches(&self, meta: &CheckMeta) -> bool {
        self.matcher.is_match(meta.id) || self.matcher.is_match(meta.name)
    }

    /// Whether the check with id `check_id` (a finding's) is one this pattern names.
    pub fn matches_id(&self, check_id: &str) -> bool {
        self.matcher.is_match(check_id) || find(check_id).is_some_and(|c| self.matches(c.meta()))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use super::*;
    use crate::check::{CheckStatus, DOC_SECTIONS};
    use crate::snapshot::{CollectionInfo, RegionData, Snapshot, SCHEMA_VERSION};
    use crate::{evaluate, CheckConfig, Status};

    #[test]
    fn ids_and_names_are_unique_well_formed_and_sorted() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        let mut previous = "";
        for check in CHECKS {
            let meta = check.meta();
            assert!(ids.insert(meta.id), "duplicate id {}", meta.id);
            assert!(names.insert(meta.name), "duplicate name {}", meta.name);
            assert!(meta.id > previous, "{} is out of order", meta.id);
            previous = meta.id;
            let digits = meta.id.strip_prefix("ZT").expect("ids start with ZT");
            assert_eq!(digits.len(), 3, "{}", meta.id);
            assert!(digits.chars().all(|c| c.is_ascii_digit()), "{}", meta.id);
            assert_eq!(
                digits.chars().next(),
                Some(meta.pillar.code_digit()),
                "{}: the hundreds digit is the pillar",
                meta.id
            );
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                meta.name
            );
        }
    }

    /// `1.2.3` as numbers, so versions compare as versions.
    fn version(text: &str) -> (u64, u64, u64) {
        let parts: Vec<u64> = text
            .split('.')
            .map(|part| {
                part.parse()
                    .unwrap_or_else(|_| panic!("`{text}` is not a version"))
            })
            .collect();
        match parts[..] {
            [major, minor, patch] => (major, minor, patch),
            _ => panic!("`{text}` is not MAJOR.MINOR.PATCH"),
        }
    }

    #[test]
    fn every_check_appeared_in_a_version_up_to_this_one() {
        let current = version(env!("CARGO_PKG_VERSION"));
        for check in CHECKS {
            let meta = check.meta();
            assert!(
                version(meta.since) <= current,
                "{} claims to appear in {}, after this version ({current:?})",
                meta.id,
                meta.since
            );
        }
    }

    /// Ids or names of `checks` that one of `retired` once had.
    fn reused(checks: &[&dyn Check], retired: &[RetiredCheck]) -> Vec<String> {
        let mut reused = Vec::new();
        for check in checks {
            let meta = check.meta();
            for old in retired {
                if old.id.eq_ignore_ascii_case(meta.id) || old.name.eq_ignore_ascii_case(meta.name)
                {
                    reused.push(format!(
                        "{} {} reuses retired {} {} (retired in {}: {})",
                        meta.id, meta.name, old.id, old.name, old.retired_in, old.reason
                    ));
                }
            }
        }
        reused
    }

    #[test]
    fn no_retired_code_or_name_is_reused() {
        let reused = reused(CHECKS, RETIRED);
        assert!(reused.is_empty(), "{reused:#?}");
        let current = version(env!("CARGO_PKG_VERSION"));
        let mut previous = "";
        for old in RETIRED {
            assert!(old.id > previous, "RETIRED: {} is out of order", old.id);
            previous = old.id;
            assert!(version(old.retired_in) <= current, "{}", old.id);
            assert!(
                !old.reason.is_empty(),
                "{} is retired without a reason",
                old.id
            );
        }
    }

    /// The guard itself: a retired code or name given to a check is caught, in any case.
    #[test]
    fn reusing_a_retired_code_or_name_is_caught() {
        let retired = |id, name| RetiredCheck {
            id,
            name,
            retired_in: "0.2.0",
            reason: "test",
        };
        let by_id = reused(CHECKS, &[retired("zt301", "something-else")]);
        assert_eq!(by_id.len(), 1, "{by_id:?}");
        assert!(by_id[0].starts_with("ZT301 security-group-open-to-internet reuses retired zt301"));
        let by_name = reused(CHECKS, &[retired("ZT399", "Root-Access-Keys")]);
        assert_eq!(by_name.len(), 1, "{by_name:?}");
        assert!(by_name[0].starts_with("ZT110 root-access-keys reuses"));
        assert!(reused(CHECKS, &[retired("ZT399", "gone")]).is_empty());
    }

    /// Every code, name, status and first version, and every retired code: a check that
    /// disappears, is renamed or changes status shows in the review of this snapshot.
    #[test]
    fn the_codes() {
        let mut listed = String::new();
        for meta in CHECKS.iter().map(|check| check.meta()) {
            listed.push_str(&format!(
                "{} {} {} since {}\n",
                meta.id, meta.name, meta.status, meta.since
            ));
        }
        for old in RETIRED {
            listed.push_str(&format!(
                "{} {} retired in {}\n",
                old.id, old.name, old.retired_in
            ));
        }
        insta::assert_snapshot!("check_codes", listed);
    }

    #[test]
    fn check_status_names() {
        assert_eq!(
            [
                CheckStatus::Stable,
                CheckStatus::Preview,
                CheckStatus::Deprecated
            ]
            .map(CheckStatus::as_str),
            ["stable", "preview", "deprecated"]
        );
    }

    #[test]
    fn every_check_documents_every_section_and_a_remediation() {
        for check in CHECKS {
            let meta = check.meta();
            let mut at = 0;
            for section in DOC_SECTIONS {
                let found = meta.docs[at..].find(section);
                assert!(
                    found.is_some(),
                    "{} lacks `{section}` (or it is out of order)",
                    meta.id
                );
                at += found.unwrap_or(0);
            }
            assert!(
                meta.remediation.cli.contains("aws "),
                "{} lacks a CLI remediation",
                meta.id
            );
            assert!(
                (meta.remediation.terraform.contains("resource \"")
                    || meta.remediation.terraform.contains("data \"")),
                "{} lacks a Terraform remediation",
                meta.id
            );
        }
    }

    /// Principle 1, for every check at once: when nothing could be collected, each check
    /// reports ERROR — never PASS, never nothing.
    #[test]
    fn every_check_reports_error_when_its_input_failed() {
        let snapshot = Snapshot {
            schema_version: SCHEMA_VERSION,
            tool_version: "test".into(),
            account: "123456789012".into(),
            partition: "aws".into(),
            collection: CollectionInfo {
                operations: Default::default(),
                started_at: "2026-01-01T00:00:00Z".into(),
                finished_at: "2026-01-01T00:00:01Z".into(),
                api_calls: 0,
            },
            regions: BTreeMap::from([("eu-west-1".to_owned(), RegionData::default())]),
            global: Default::default(),
        };
        for check in CHECKS {
            let findings = evaluate(&[*check], &snapshot, &CheckConfig::default());
            let id = check.meta().id;
            assert!(
                !findings.is_empty(),
                "{id} said nothing about missing input"
            );
            assert!(
                findings.iter().all(|f| f.status == Status::Error),
                "{id} reported something other than ERROR on missing input: {findings:?}"
            );
        }
    }

    #[test]
    fn find_by_id_or_name() {
        assert_eq!(find("zt301").map(|c| c.meta().id), Some("ZT301"));
        assert_eq!(
            find("default-security-group-has-rules").map(|c| c.meta().id),
            Some("ZT302")
        );
        assert!(find("ZT999").is_none());
    }
}
