use ztaudit_policy::{
    Effect, PolicyDocument, Principal, PrincipalElement, PrincipalKind, Statement,
};

use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::arn_account;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds role trust policies that let anyone assume the role, or let other AWS accounts
    /// assume it without an external id or MFA.
    ///
    /// ## Why is this bad?
    /// A trust policy decides who may become the role. `"Principal": {"AWS": "*"}` with no
    /// condition lets every AWS account in the world try; trusting another account without
    /// `sts:ExternalId` exposes the role to the confused-deputy problem, and without MFA to any
    /// leaked key in that account. Zero Trust verifies who is on the other side.
    ///
    /// ## How it is evaluated
    /// - Each `Allow` statement of the trust policy that grants `sts:AssumeRole*` is read with the
    ///   policy engine.
    /// - FAIL: the principal is `*` (or `{"AWS": "*"}`, or `NotPrincipal`) and no condition
    ///   narrows it (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
    ///   `aws:SourceAccount`, `aws:SourceArn`, `sts:ExternalId`); or the principal is another
    ///   account (or a principal in one) and the statement has no `sts:ExternalId` and no MFA
    ///   condition.
    /// - PASS: every such statement trusts services, federation, this account, or is narrowed.
    /// - ERROR: the authorization details could not be read, or a trust policy could not be
    ///   parsed.
    ///
    /// ## References
    /// - IAM User Guide, "The confused deputy problem"
    /// - IAM User Guide, "Configuring MFA-protected API access"
    /// - AWS FSBP IAM policies guidance; CIS AWS Foundations Benchmark v3.0 1.20 (IAM Access Analyzer)
    pub RoleTrustTooOpen {
        id: "ZT115",
        name: "role-trust-too-open",
        title: "Role trust policy open to anyone or to other accounts without a guard",
        severity: High,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws iam update-assume-role-policy --role-name ROLE_NAME --policy-document file://trust.json\n# trust.json: {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::PARTNER_ACCOUNT_ID:root\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"EXTERNAL_ID\"}}}]}",
        remediation_terraform: "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"arn:aws:iam::111122223333:root\"]\n    }\n    condition {\n      test     = \"StringEquals\"\n      variable = \"sts:ExternalId\"\n      values   = [var.external_id]\n    }\n  }\n}",
        run: evaluate,
    }
}

/// Conditions that narrow a `*` principal to known callers.
const NARROWING_KEYS: [&str; 6] = [
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "sts:externalid",
];

/// Conditions that guard a cross-account trust.
const CROSS_ACCOUNT_GUARDS: [&str; 3] = [
    "sts:externalid",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
];

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(authorization) = out.require_global("iam", &snapshot.global.iam.authorization) else {
        return;
    };
    for role in &authorization.roles {
        let resource = out.resource(GLOBAL_REGION, role);
        let trust = match PolicyDocument::parse(&role.assume_role_policy) {
            Ok(trust) => trust,
            Err(error) => {
                out.unevaluable(
                    resource,
                    format!(
                        "the trust policy of role {} could not be parsed: {error}",
                        role.name
                    ),
                );
                continue;
            }
        };
        let problems: Vec<String> = trust
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && grants_assume_role(s))
            .filter_map(|s| problem(s, &snapshot.account))
            .collect();
        if problems.is_empty() {
            out.pass(
                resource,
                format!("role {}'s trust policy names who may assume it", role.name),
            );
        } else {
            out.fail(
                resource,
                format!("role {}: {}", role.name, problems.join("; ")),
            );
        }
    }
}

fn grants_assume_role(statement: &Statement) -> bool {
    [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
    ]
    .iter()
    .any(|action| statement.actions.matches(action))
}

fn has_condition(statement: &Statement, keys: &[&str]) -> bool {
    statement
        .conditions
        .iter()
        .any(|c| keys.contains(&c.lowercase_key()))
}

fn problem(statement: &Statement, own_account: &str) -> Option<String> {
    let at = statement.sid.as_deref().map_or_else(
        || format!("statement {}", statement.index),
        |sid| format!("statement {sid}"),
    );
    let aws_principals: Vec<&str> = match &statement.principal {
        Some(PrincipalElement::Principal(Principal::Anyone))
        | Some(PrincipalElement::NotPrincipal(_)) => vec!["*"],
        Some(PrincipalElement::Principal(Principal::Map(entries))) => entries
            .iter()
            .filter(|(kind, _)| *kind == PrincipalKind::Aws)
            .flat_map(|(_, values)| values.iter().map(String::as_str))
            .collect(),
        None => Vec::new(),
    };
    if aws_principals.contains(&"*") {
        return (!has_condition(statement, &NARROWING_KEYS))
            .then(|| format!("{at} lets any AWS principal assume the role"));
    }
    let foreign: Vec<&str> = aws_principals
        .into_iter()
        .filter(|principal| account_of(principal).is_some_and(|account| account != own_account))
        .collect();
    if foreign.is_empty() || has_condition(statement, &CROSS_ACCOUNT_GUARDS) {
        return None;
    }
    Some(format!(
        "{at} trusts {} without sts:ExternalId or MFA",
        foreign.join(", ")
    ))
}

/// The account of an AWS principal: a bare 12-digit id or the account field of an ARN.
fn account_of(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.chars().all(|c| c.is_ascii_digit()) {
        return Some(principal);
    }
    arn_account(principal)
}
