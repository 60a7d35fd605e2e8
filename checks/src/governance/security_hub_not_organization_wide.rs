use super::shared::{judge_organization_wide, Enrollment, SecurityService};
use crate::declare_check;
use crate::snapshot::SecurityHubOrganizationConfiguration;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks, in every scanned region, that Security Hub is run for the whole organization: a
    /// delegated administrator account manages it, and accounts that join the organization
    /// are enabled automatically.
    ///
    /// ## Why is this bad?
    /// Security Hub gathers every account's findings and control checks in one place. An
    /// account left out — created after the setup, or never invited — has no posture checks
    /// and sends nothing to the security team, which is where an attacker would want to be.
    ///
    /// ## How it is evaluated
    /// As ZT804 for GuardDuty: only Security Hub's delegated administrator can read the
    /// organization configuration (`securityhub:DescribeOrganizationConfiguration`), and only
    /// the management account can list the administrators
    /// (`securityhub:ListOrganizationAdminAccounts`); Organizations' registry
    /// (`organizations:ListDelegatedAdministrators`) tells anyone allowed to read it.
    /// - In the delegated administrator's view: PASS when `AutoEnable` is true (local
    ///   configuration); FAIL when it is false, or the member limit is reached. FAIL too when
    ///   Security Hub is not enabled in the administrator account in the region. ERROR under
    ///   central configuration (`ConfigurationType` `CENTRAL`): configuration policies decide
    ///   there, and ztaudit does not read them yet, so it cannot say.
    /// - In the management account's view: FAIL when Security Hub lists no delegated
    ///   administrator in the region; NOT_APPLICABLE when another account is the
    ///   administrator (its view judges auto-enable).
    /// - In a member account's view: NOT_APPLICABLE when the organization's view names the
    ///   administrator (another account), or registers none (the management account's view
    ///   then fails it); ERROR when that view cannot be read, with the reason.
    /// - NOT_APPLICABLE outside any organization (ZT802); FAIL in an organization with only
    ///   consolidated billing features.
    ///
    /// ## References
    /// - AWS Security Hub User Guide, "Managing administrator and member accounts" and
    ///   "Automatically enabling new organization accounts"
    /// - AWS Security Hub API Reference, `DescribeOrganizationConfiguration`
    /// - AWS Security Reference Architecture, "Security Tooling account"
    pub SecurityHubNotOrganizationWide {
        id: "ZT805",
        name: "security-hub-not-organization-wide",
        title: "Security Hub is not managed organization-wide with auto-enable",
        severity: Medium,
        pillar: Governance,
        fsbp: [],
        cis: [],
        remediation_cli: "# From the management account, in each region:\naws securityhub enable-organization-admin-account --admin-account-id SECURITY_ACCOUNT_ID --region REGION\n# From the delegated administrator, in each region:\naws securityhub update-organization-configuration --auto-enable --region REGION",
        remediation_terraform: "resource \"aws_securityhub_organization_admin_account\" \"this\" {\n  admin_account_id = var.security_account_id\n}\n\nresource \"aws_securityhub_organization_configuration\" \"this\" {\n  auto_enable = true\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    judge_organization_wide(
        snapshot,
        out,
        &SecurityService {
            label: "Security Hub",
            service: "securityhub",
            service_principal: "securityhub.amazonaws.com",
            not_enabled: "has not enabled Security Hub",
            admin_accounts: |data| &data.securityhub.organization_admin_accounts,
            configuration: |data| &data.securityhub.organization_configuration,
            judge,
        },
    );
}

fn judge(configuration: &SecurityHubOrganizationConfiguration) -> Enrollment {
    if configuration.configuration_type.as_deref() == Some("CENTRAL") {
        return Enrollment::Unknown(
            "it uses central configuration, where configuration policies decide which accounts are enabled, and ztaudit does not read them yet".to_owned(),
        );
    }
    if configuration.member_account_limit_reached {
        return Enrollment::Manual(
            "the organization has reached Security Hub's member limit, so accounts that join are not enabled".to_owned(),
        );
    }
    if !configuration.auto_enable {
        return Enrollment::Manual(
            "accounts that join the organization are not enabled (AutoEnable false)".to_owned(),
        );
    }
    let standards = match configuration.auto_enable_standards.as_deref() {
        Some("NONE") => ", without the default standards",
        _ => "",
    };
    Enrollment::Automatic(format!(
        "accounts that join the organization are enabled (AutoEnable true){standards}"
    ))
}
