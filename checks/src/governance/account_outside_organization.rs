use super::shared::account_resource;
use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds an account that belongs to no AWS Organization.
    ///
    /// ## Why is this bad?
    /// A standalone account has no guardrail above it: no service control policy limits what
    /// its administrators (or whoever steals their keys) can do, no organization trail records
    /// it, no delegated administrator runs GuardDuty or Security Hub for it, and nothing keeps
    /// production apart from everything else but the account's own IAM. Zero Trust governance
    /// starts with accounts as isolation boundaries, managed together.
    ///
    /// ## How it is evaluated
    /// From `organizations:DescribeOrganization`, which any account may call.
    /// - PASS: the account is the management account or a member of an organization; the
    ///   message names it (and says when it has only consolidated billing features, which
    ///   allow no SCPs: ZT803 reports that).
    /// - FAIL: AWS answers that the account is in no organization
    ///   (`AWSOrganizationsNotInUseException`).
    /// - ERROR: the call failed.
    ///
    /// ## References
    /// - AWS Organizations User Guide, "Best practices for member accounts"
    /// - AWS Security Reference Architecture, "Organizations and accounts"
    /// - CISA Zero Trust Maturity Model v2.0, Governance (cross-cutting capability)
    pub AccountOutsideOrganization {
        id: "ZT802",
        name: "account-outside-organization",
        title: "Account is not in an AWS Organization",
        severity: Medium,
        pillar: Governance,
        fsbp: [],
        cis: [],
        remediation_cli: "# From the organization's management account:\naws organizations invite-account-to-organization --target Id=ACCOUNT_ID,Type=ACCOUNT\n# then, in the invited account:\naws organizations accept-handshake --handshake-id HANDSHAKE_ID",
        remediation_terraform: "resource \"aws_organizations_account\" \"workload\" {\n  name      = \"workload-prod\"\n  email     = \"aws-workload-prod@example.com\"\n  parent_id = aws_organizations_organizational_unit.prod.id\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(membership) =
        out.require_global("organizations", &snapshot.global.organizations.organization)
    else {
        return;
    };
    let resource = account_resource(out);
    let account = &snapshot.account;
    let Some(organization) = membership else {
        out.fail(
            resource,
            format!("account {account} is in no AWS Organization: no service control policy, organization trail or delegated security administrator can govern it"),
        );
        return;
    };
    let role = if organization.is_management_account(account) {
        "the management account".to_owned()
    } else {
        format!(
            "a member (management account {})",
            organization.management_account_id
        )
    };
    let features = if organization.feature_set == "ALL" {
        String::new()
    } else {
        format!(
            ", which has only {} features and so no SCPs (see ZT803)",
            organization
                .feature_set
                .to_ascii_lowercase()
                .replace('_', " ")
        )
    };
    out.pass(
        resource,
        format!(
            "account {account} is {role} of organization {}{features}",
            organization.id
        ),
    );
}
