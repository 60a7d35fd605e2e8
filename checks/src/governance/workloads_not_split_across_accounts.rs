use std::collections::BTreeMap;

use super::shared::{account_resource, join_listing};
use crate::declare_check;
use crate::networks::{environment_of, fold_environment};
use crate::snapshot::{CallError, LevelKind};
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds an account that holds the workloads of more than one environment — production
    /// beside staging, say — as told by the environment tags of its VPCs and instances, the
    /// account's own tags in AWS Organizations, and the names of the OUs it sits in.
    ///
    /// ## Why is this bad?
    /// The account is AWS's strongest isolation boundary: IAM, quotas, keys, logs and blast
    /// radius all stop at it. Inside one account, whoever can deploy to test can usually reach
    /// production's roles, secrets and data, and an SCP cannot tell them apart. AWS's
    /// multi-account guidance puts each environment in accounts of its own.
    ///
    /// ## How it is evaluated
    /// The environments the account holds are gathered from:
    /// - the environment tag of every VPC and of every instance that is not terminated, in
    ///   every scanned region (keys `Environment` and `env` by default,
    ///   `--environment-tag-key` to change; `prod`, `prd` and `live` are production);
    /// - the account's tags in Organizations, under the same keys;
    /// - the names of the OUs on its path, when a whole name is an environment's (`Prod`,
    ///   `Production`, `Staging`, `Dev`, `Test`, `QA`, `UAT`, `Sandbox`, `Pre-Prod`…); names
    ///   such as `Workloads` say nothing.
    ///
    /// `NonProd` (or `non-prod`, `non-production`) names a class rather than an environment:
    /// it conflicts with production only.
    /// - FAIL: two environments, or production and `NonProd`; the message names each with
    ///   where it was seen, and says when production shares the account with non-production.
    /// - PASS: one environment only.
    /// - NOT_APPLICABLE: nothing names an environment.
    /// - ERROR: some of these could not be read and what was read names at most one
    ///   environment (the unread part might name another). In a single-account scan of a
    ///   member account, Organizations usually refuses the account's tags and OU path.
    ///
    /// ## References
    /// - AWS whitepaper "Organizing Your AWS Environment Using Multiple Accounts", "Production
    ///   starter organization" and "Workloads OU"
    /// - AWS Well-Architected Security Pillar SEC01-BP01 (separate workloads using accounts)
    /// - CISA Zero Trust Maturity Model v2.0, Networks: macro-segmentation
    pub WorkloadsNotSplitAcrossAccounts {
        id: "ZT801",
        name: "workloads-not-split-across-accounts",
        title: "Account holds workloads of more than one environment",
        severity: Medium,
        pillar: Governance,
        fsbp: [],
        cis: [],
        remediation_cli: "# Give the other environment an account of its own, in its OU, and move its workloads there:\naws organizations create-account --account-name workload-staging --email aws-staging@example.com\naws organizations move-account --account-id NEW_ACCOUNT_ID --source-parent-id ROOT_ID --destination-parent-id STAGING_OU_ID",
        remediation_terraform: "resource \"aws_organizations_account\" \"staging\" {\n  name      = \"workload-staging\"\n  email     = \"aws-staging@example.com\"\n  parent_id = aws_organizations_organizational_unit.staging.id\n  tags      = { Environment = \"staging\" }\n}",
        run: evaluate,
    }
}

/// The name given to the `NonProd` class.
const NON_PRODUCTION: &str = "non-production";

/// Whole OU names (as [`fold_environment`] reads them) that name an environment. OU names are
/// free text, so only these count: `Workloads` or `Team-A` name none.
const ENVIRONMENT_OU_NAMES: [&str; 13] = [
    "production",
    "development",
    "staging",
    "test",
    "testing",
    "qa",
    "uat",
    "sandbox",
    "preprod",
    "pre-prod",
    "nonprod",
    "non-prod",
    "non-production",
];

/// `nonprod`, `non-prod`… folded into [`NON_PRODUCTION`]; other names kept.
fn with_class(environment: String) -> String {
    match environment.as_str() {
        "nonprod" | "non-prod" | "non-production" | "nonproduction" => NON_PRODUCTION.to_owned(),
        _ => environment,
    }
}

fn evaluate(snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings) {
    let keys = &config.environment_tag_keys;
    // Environment → where it was seen (the first three places).
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut note = |environment: Option<String>, place: String| {
        if let Some(environment) = environment {
            let places = seen.entry(with_class(environment)).or_default();
            if places.len() < 3 {
                places.push(place);
            }
        }
    };
    let mut unread: Option<&CallError> = None;
    // What the organization says first: it is what names the account itself.
    match snapshot.global.organizations.organization.as_result() {
        Err(error) => {
            unread.get_or_insert(error);
        }
        Ok(None) => {}
        Ok(Some(organization)) => {
            match organization.tags.as_result() {
                Ok(tags) => note(environment_of(tags, keys), "the account's tags".to_owned()),
                Err(error) => {
                    unread.get_or_insert(error);
                }
            }
            match organization.levels.as_result() {
                Ok(levels) => {
                    for level in levels
                        .iter()
                        .filter(|l| l.kind == LevelKind::OrganizationalUnit)
                    {
                        let environment = fold_environment(&level.name)
                            .filter(|name| ENVIRONMENT_OU_NAMES.contains(&name.as_str()));
                        note(environment, format!("OU {}", level.name));
                    }
                }
                Err(error) => {
                    unread.get_or_insert(error);
                }
            }
        }
    }

    for (region, data) in &snapshot.regions {
        match data.ec2.vpcs.as_result() {
            Ok(vpcs) => {
                for vpc in vpcs {
                    note(
                        environment_of(&vpc.tags, keys),
                        format!("VPC {} in {region}", vpc.id),
                    );
                }
            }
            Err(error) => {
                unread.get_or_insert(error);
            }
        }
        match data.ec2.instances.as_result() {
            Ok(instances) => {
                for instance in instances
                    .iter()
                    .filter(|i| !matches!(i.state.as_str(), "terminated" | "shutting-down"))
                {
                    note(
                        environment_of(&instance.tags, keys),
                        format!("instance {} in {region}", instance.id),
                    );
                }
            }
            Err(error) => {
                unread.get_or_insert(error);
            }
        }
    }
    let resource = account_resource(out);
    let account = &snapshot.account;
    let described: Vec<String> = seen
        .iter()
        .map(|(environment, places)| format!("{environment} ({})", places.join(", ")))
        .collect();
    let specific = seen.keys().filter(|e| *e != NON_PRODUCTION).count();
    let production = seen.contains_key("production");
    if specific >= 2 || (production && seen.contains_key(NON_PRODUCTION)) {
        let shares = if production {
            ": production shares the account with non-production"
        } else {
            ""
        };
        out.fail(
            resource,
            format!(
                "account {account} holds workloads of {}{shares}",
                join_listing(&described, "and")
            ),
        );
    } else if let Some(error) = unread {
        out.error(resource, error);
    } else if !described.is_empty() {
        out.pass(
            resource,
            format!(
                "account {account} holds only {} workloads",
                join_listing(&described, "and")
            ),
        );
    } else {
        out.not_applicable(
            resource,
            format!(
                "nothing in account {account} names an environment: no VPC or instance has an environment tag ({}), and neither the account's tags nor its OUs name one",
                keys.join(", ")
            ),
        );
    }
}
