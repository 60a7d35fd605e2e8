use super::shared::{judge_organization_wide, Enrollment, SecurityService};
use crate::declare_check;
use crate::snapshot::GuardDutyOrganizationConfiguration;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks, in every scanned region, that GuardDuty is run for the whole organization: a
    /// delegated administrator account manages it, and accounts that join the organization
    /// are enrolled automatically.
    ///
    /// ## Why is this bad?
    /// Detection that each account must remember to turn on has gaps: the account created
    /// last month, the region nobody uses. With a delegated administrator that auto-enables
    /// members, every account's findings land in the security team's account, and a member
    /// cannot quietly leave. Assume breach means no account is left out of the watch.
    ///
    /// ## How it is evaluated
    /// Only GuardDuty's delegated administrator can read the organization configuration
    /// (`guardduty:DescribeOrganizationConfiguration`), and only the management account can
    /// list the administrators (`guardduty:ListOrganizationAdminAccounts`); Organizations'
    /// registry (`organizations:ListDelegatedAdministrators`) tells anyone allowed to read it.
    /// So the verdict depends on whose view is scanned:
    /// - In the delegated administrator's view (its configuration is readable): PASS when
    ///   `AutoEnableOrganizationMembers` is `NEW` or `ALL`; FAIL when it is `NONE`, or the
    ///   member limit is reached. FAIL too when the administrator has no detector in the
    ///   region, since nobody is enrolled there.
    /// - In the management account's view: FAIL when GuardDuty lists no delegated
    ///   administrator in the region; NOT_APPLICABLE when another account is the
    ///   administrator (its view judges auto-enable).
    /// - In a member account's view: NOT_APPLICABLE when the organization's view names the
    ///   administrator (another account), or registers none (the management account's view
    ///   then fails it); ERROR when that view cannot be read — in a single-account scan of a
    ///   member, both calls are refused, and the reason is given.
    /// - NOT_APPLICABLE outside any organization (ZT802 reports that); FAIL in an
    ///   organization with only consolidated billing features, which allows no delegated
    ///   administrator.
    ///
    /// ## References
    /// - Amazon GuardDuty User Guide, "Managing GuardDuty accounts with AWS Organizations"
    /// - Amazon GuardDuty API Reference, `DescribeOrganizationConfiguration`
    ///   (`autoEnableOrganizationMembers`)
    /// - AWS Security Reference Architecture, "Security Tooling account"
    pub GuarddutyNotOrganizationWide {
        id: "ZT804",
        name: "guardduty-not-organization-wide",
        title: "GuardDuty is not managed organization-wide with auto-enable",
        severity: Medium,
        pillar: Governance,
        fsbp: [],
        cis: [],
        remediation_cli: "# From the management account, in each region:\naws guardduty enable-organization-admin-account --admin-account-id SECURITY_ACCOUNT_ID --region REGION\n# From the delegated administrator, in each region:\naws guardduty update-organization-configuration --detector-id DETECTOR_ID --auto-enable-organization-members ALL --region REGION",
        remediation_terraform: "resource \"aws_guardduty_organization_admin_account\" \"this\" {\n  admin_account_id = var.security_account_id\n}\n\nresource \"aws_guardduty_organization_configuration\" \"this\" {\n  detector_id                      = aws_guardduty_detector.admin.id\n  auto_enable_organization_members = \"ALL\"\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    judge_organization_wide(
        snapshot,
        out,
        &SecurityService {
            label: "GuardDuty",
            service: "guardduty",
            service_principal: "guardduty.amazonaws.com",
            not_enabled: "has no detector",
            admin_accounts: |data| &data.guardduty.organization_admin_accounts,
            configuration: |data| &data.guardduty.organization_configuration,
            judge,
        },
    );
}

fn judge(configuration: &GuardDutyOrganizationConfiguration) -> Enrollment {
    if configuration.member_account_limit_reached {
        return Enrollment::Manual(
            "the organization has reached GuardDuty's member limit, so accounts that join are not enrolled".to_owned(),
        );
    }
    match configuration.auto_enable_organization_members.as_str() {
        "ALL" => Enrollment::Automatic(
            "every account of the organization is enrolled (auto-enable ALL)".to_owned(),
        ),
        "NEW" => Enrollment::Automatic(
            "accounts that join the organization are enrolled (auto-enable NEW; ALL would also enroll the existing ones)".to_owned(),
        ),
        "NONE" => Enrollment::Manual(
            "accounts that join the organization are not enrolled (auto-enable NONE)".to_owned(),
        ),
        other => Enrollment::Unknown(format!(
            "its auto-enable setting `{other}` is not one GuardDuty documents"
        )),
    }
}
