//! GuardDuty: the detectors of [`GuardDutyRegion`], listed with `ListDetectors` and read with
//! `GetDetector`; and, in an organization, its delegated administrators
//! (`ListOrganizationAdminAccounts`, from the management account) and how the administrator
//! enrolls accounts (`DescribeOrganizationConfiguration` of the region's detector).

use std::collections::BTreeMap;

use aws_sdk_guardduty::Client;
use ztaudit_checks::snapshot::{
    Detector, GuardDutyOrganizationConfiguration, GuardDutyRegion, OrganizationAdminAccount,
};
use ztaudit_checks::Collected;

use super::calls::{get_each, RegionCalls};
use super::organizations::OrganizationRole;

const SERVICE: &str = "guardduty";

pub async fn collect_region(
    client: &Client,
    calls: &RegionCalls,
    role: OrganizationRole,
) -> GuardDutyRegion {
    let (detectors, organization_admin_accounts) = tokio::join!(
        detectors(client, calls),
        organization_admin_accounts(client, calls, role),
    );
    let organization_configuration = match &detectors {
        Collected::Error(error) => Collected::Error(error.clone()),
        Collected::Ok(detectors) => match detectors.keys().next() {
            Some(id) if role.asks_organization_configuration() => {
                organization_configuration(client, calls, id).await
            }
            _ => Collected::Ok(None),
        },
    };
    GuardDutyRegion {
        detectors,
        organization_admin_accounts,
        organization_configuration,
    }
}

async fn detectors(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<BTreeMap<String, Collected<Detector>>> {
    let ids = calls
        .list(
            SERVICE,
            "ListDetectors",
            || {
                client
                    .list_detectors()
                    .max_results(50)
                    .into_paginator()
                    .items()
                    .send()
            },
            String::clone,
        )
        .await;
    get_each(ids, |id| async move {
        let detector = calls
            .run(SERVICE, "GetDetector", || async {
                let output = client.get_detector().detector_id(&id).send().await?;
                Ok(Detector {
                    // Absent is not "ENABLED": the check cannot pass it.
                    status: output
                        .status()
                        .map(|status| status.as_str().to_owned())
                        .unwrap_or_default(),
                    finding_publishing_frequency: output
                        .finding_publishing_frequency()
                        .map(|frequency| frequency.as_str().to_owned()),
                })
            })
            .await;
        (id, detector)
    })
    .await
}

/// Asked of the management account only (and when the role is unknown): `null` elsewhere.
async fn organization_admin_accounts(
    client: &Client,
    calls: &RegionCalls,
    role: OrganizationRole,
) -> Collected<Option<Vec<OrganizationAdminAccount>>> {
    if !role.asks_admin_accounts() {
        return Collected::Ok(None);
    }
    calls
        .list(
            SERVICE,
            "ListOrganizationAdminAccounts",
            || {
                client
                    .list_organization_admin_accounts()
                    .max_results(50)
                    .into_paginator()
                    .items()
                    .send()
            },
            |admin| OrganizationAdminAccount {
                account_id: admin.admin_account_id().unwrap_or_default().to_owned(),
                status: admin
                    .admin_status()
                    .map(|status| status.as_str().to_owned())
                    .unwrap_or_default(),
            },
        )
        .await
        .map(Some)
}

/// One call: the settings read are on every page (only the feature list is paged).
async fn organization_configuration(
    client: &Client,
    calls: &RegionCalls,
    detector_id: &str,
) -> Collected<Option<GuardDutyOrganizationConfiguration>> {
    calls
        .run(SERVICE, "DescribeOrganizationConfiguration", || async {
            let output = client
                .describe_organization_configuration()
                .detector_id(detector_id)
                .send()
                .await?;
            // The deprecated flag is read only where AWS gives no AutoEnableOrganizationMembers.
            #[allow(deprecated)]
            let auto_enable = match output.auto_enable_organization_members() {
                Some(members) => members.as_str(),
                // Only the deprecated flag: true meant "accounts that join". Neither is left
                // empty, which the check cannot judge.
                None => match output.auto_enable() {
                    Some(true) => "NEW",
                    Some(false) => "NONE",
                    None => "",
                },
            };
            Ok(Some(GuardDutyOrganizationConfiguration {
                auto_enable_organization_members: auto_enable.to_owned(),
                member_account_limit_reached: output
                    .member_account_limit_reached()
                    .unwrap_or(false),
            }))
        })
        .await
}

/// What moto never answers, with `aws-smithy-mocks` responses shaped like AWS's (restJson1
/// errors with `x-amzn-ErrorType`): a detector that cannot be read, and
/// `DescribeOrganizationConfiguration`, which moto 5.2.5 does not implement (it answers 404).
#[cfg(test)]
mod tests {
    use aws_sdk_guardduty::operation::describe_organization_configuration::DescribeOrganizationConfigurationOutput;
    use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
    use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
    use aws_sdk_guardduty::operation::list_organization_admin_accounts::ListOrganizationAdminAccountsOutput;
    use aws_sdk_guardduty::types::{AdminAccount, AdminStatus, AutoEnableMembers, DetectorStatus};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use indicatif::ProgressBar;
    use ztaudit_checks::{Collected, ErrorKind};

    use super::*;
    use crate::collect::calls::Calls;

    #[tokio::test]
    async fn each_detector_keeps_its_own_outcome() {
        let listed = mock!(Client::list_detectors).then_output(|| {
            ListDetectorsOutput::builder()
                .detector_ids("a1")
                .detector_ids("b2")
                .build()
        });
        let readable = mock!(Client::get_detector)
            .match_requests(|req| req.detector_id() == Some("a1"))
            .then_output(|| {
                GetDetectorOutput::builder()
                    .status(DetectorStatus::Disabled)
                    .build()
            });
        let denied = mock!(Client::get_detector)
            .match_requests(|req| req.detector_id() == Some("b2"))
            .then_http_response(|| {
                let mut response = HttpResponse::new(
                    StatusCode::try_from(403).expect("valid status"),
                    SdkBody::from(r#"{"message":"User is not authorized to perform: guardduty:GetDetector","__type":"AccessDeniedException"}"#),
                );
                response
                    .headers_mut()
                    .insert("x-amzn-ErrorType", "AccessDeniedException");
                response
            });
        let client = mock_client!(
            aws_sdk_guardduty,
            RuleMode::MatchAny,
            [&listed, &readable, &denied]
        );
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls, OrganizationRole::Outside).await;

        let Collected::Ok(detectors) = collected.detectors else {
            panic!("{:?}", collected.detectors);
        };
        assert_eq!(
            detectors
                .get("a1")
                .map(|d| d.as_result().map(|d| d.status.as_str())),
            Some(Ok("DISABLED"))
        );
        assert_eq!(
            detectors.get("b2").and_then(|d| d.error()).map(|e| e.kind),
            Some(ErrorKind::AccessDenied)
        );
    }

    fn one_enabled_detector() -> (aws_smithy_mocks::Rule, aws_smithy_mocks::Rule) {
        let listed = mock!(Client::list_detectors)
            .then_output(|| ListDetectorsOutput::builder().detector_ids("a1").build());
        let detector = mock!(Client::get_detector).then_output(|| {
            GetDetectorOutput::builder()
                .status(DetectorStatus::Enabled)
                .build()
        });
        (listed, detector)
    }

    /// The delegated administrator (a member account) reads how accounts are enrolled, and is
    /// not asked what only the management account may answer.
    #[tokio::test]
    async fn the_delegated_administrator_reads_how_accounts_are_enrolled() {
        let (listed, detector) = one_enabled_detector();
        let configuration = mock!(Client::describe_organization_configuration)
            .match_requests(|req| req.detector_id() == Some("a1"))
            .then_output(|| {
                DescribeOrganizationConfigurationOutput::builder()
                    .auto_enable_organization_members(AutoEnableMembers::All)
                    .member_account_limit_reached(false)
                    .build()
            });
        let admins = mock!(Client::list_organization_admin_accounts)
            .then_output(|| ListOrganizationAdminAccountsOutput::builder().build());
        let client = mock_client!(
            aws_sdk_guardduty,
            RuleMode::MatchAny,
            [&listed, &detector, &configuration, &admins]
        );
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls, OrganizationRole::Member).await;

        assert_eq!(
            collected.organization_configuration,
            Collected::Ok(Some(GuardDutyOrganizationConfiguration {
                auto_enable_organization_members: "ALL".to_owned(),
                member_account_limit_reached: false,
            }))
        );
        assert_eq!(collected.organization_admin_accounts, Collected::Ok(None));
        assert_eq!(admins.num_calls(), 0);
    }

    #[tokio::test]
    #[allow(deprecated)] // The answer of a GuardDuty that predates AutoEnableOrganizationMembers.
    async fn only_the_deprecated_auto_enable_flag_reads_as_new_accounts() {
        let (listed, detector) = one_enabled_detector();
        let configuration = mock!(Client::describe_organization_configuration).then_output(|| {
            DescribeOrganizationConfigurationOutput::builder()
                .auto_enable(true)
                .member_account_limit_reached(false)
                .build()
        });
        let client = mock_client!(
            aws_sdk_guardduty,
            RuleMode::MatchAny,
            [&listed, &detector, &configuration]
        );
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls, OrganizationRole::Member).await;

        let Collected::Ok(Some(configuration)) = collected.organization_configuration else {
            panic!("{:?}", collected.organization_configuration);
        };
        assert_eq!(configuration.auto_enable_organization_members, "NEW");
    }

    /// The management account lists the administrators to the last page; a member account
    /// that is not the administrator is refused its configuration, and that is recorded.
    #[tokio::test]
    async fn the_management_account_lists_administrators_and_its_refusal_is_recorded() {
        let (listed, detector) = one_enabled_detector();
        let first = mock!(Client::list_organization_admin_accounts)
            .match_requests(|req| req.next_token().is_none())
            .then_output(|| {
                ListOrganizationAdminAccountsOutput::builder()
                    .admin_accounts(
                        AdminAccount::builder()
                            .admin_account_id("333344445555")
                            .admin_status(AdminStatus::Enabled)
                            .build(),
                    )
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::list_organization_admin_accounts)
            .match_requests(|req| req.next_token() == Some("page-2"))
            .then_output(|| {
                ListOrganizationAdminAccountsOutput::builder()
                    .admin_accounts(
                        AdminAccount::builder()
                            .admin_account_id("444455556666")
                            .admin_status(AdminStatus::DisableInProgress)
                            .build(),
                    )
                    .build()
            });
        let refused = mock!(Client::describe_organization_configuration).then_http_response(|| {
            let mut response = HttpResponse::new(
                StatusCode::try_from(400).expect("valid status"),
                SdkBody::from(r#"{"message":"The request is rejected because the current account is not the GuardDuty administrator account.","__type":"BadRequestException"}"#),
            );
            response
                .headers_mut()
                .insert("x-amzn-ErrorType", "BadRequestException");
            response
        });
        let client = mock_client!(
            aws_sdk_guardduty,
            RuleMode::MatchAny,
            [&listed, &detector, &first, &second, &refused]
        );
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls, OrganizationRole::Management).await;

        let Collected::Ok(Some(admins)) = &collected.organization_admin_accounts else {
            panic!("{:?}", collected.organization_admin_accounts);
        };
        let summary: Vec<(&str, bool)> = admins
            .iter()
            .map(|admin| (admin.account_id.as_str(), admin.is_enabled()))
            .collect();
        assert_eq!(summary, [("333344445555", true), ("444455556666", false)]);
        let error = collected
            .organization_configuration
            .error()
            .expect("the refusal is recorded");
        assert_eq!(error.code.as_deref(), Some("BadRequestException"));
        assert_eq!(error.operation, "DescribeOrganizationConfiguration");
    }

    #[tokio::test]
    async fn outside_an_organization_no_organization_call_is_made() {
        let (listed, detector) = one_enabled_detector();
        let configuration = mock!(Client::describe_organization_configuration)
            .then_output(|| DescribeOrganizationConfigurationOutput::builder().build());
        let admins = mock!(Client::list_organization_admin_accounts)
            .then_output(|| ListOrganizationAdminAccountsOutput::builder().build());
        let client = mock_client!(
            aws_sdk_guardduty,
            RuleMode::MatchAny,
            [&listed, &detector, &configuration, &admins]
        );
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls, OrganizationRole::Outside).await;

        assert_eq!(collected.organization_configuration, Collected::Ok(None));
        assert_eq!(collected.organization_admin_accounts, Collected::Ok(None));
        assert_eq!((configuration.num_calls(), admins.num_calls()), (0, 0));
    }
}
