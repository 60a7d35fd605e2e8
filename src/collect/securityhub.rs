//! Security Hub: [`SecurityHubRegion`], from `DescribeHub` and, where the account is
//! subscribed, `GetEnabledStandards`; and, in an organization, its delegated administrators
//! (`ListOrganizationAdminAccounts`, from the management account) and how the administrator
//! enrolls accounts (`DescribeOrganizationConfiguration`, where Security Hub is enabled).

use aws_sdk_securityhub::error::ProvideErrorMetadata;
use aws_sdk_securityhub::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use ztaudit_checks::snapshot::{
    EnabledStandard, Hub, OrganizationAdminAccount, SecurityHubOrganizationConfiguration,
    SecurityHubRegion,
};
use ztaudit_checks::Collected;

use super::calls::RegionCalls;
use super::organizations::OrganizationRole;

const SERVICE: &str = "securityhub";

pub async fn collect_region(
    client: &Client,
    calls: &RegionCalls,
    role: OrganizationRole,
) -> SecurityHubRegion {
    let (hub, organization_admin_accounts) = tokio::join!(
        hub(client, calls),
        organization_admin_accounts(client, calls, role),
    );
    let organization_configuration = match &hub {
        Collected::Error(error) => Collected::Error(error.clone()),
        Collected::Ok(Some(_)) if role.asks_organization_configuration() => {
            organization_configuration(client, calls).await
        }
        Collected::Ok(_) => Collected::Ok(None),
    };
    SecurityHubRegion {
        hub,
        organization_admin_accounts,
        organization_configuration,
    }
}

async fn hub(client: &Client, calls: &RegionCalls) -> Collected<Option<Hub>> {
    let hub = calls
        .run(SERVICE, "DescribeHub", || async {
            // Not paginated: one hub per region.
            match client.describe_hub().send().await {
                Ok(output) => Ok(Some((
                    output.hub_arn().unwrap_or_default().to_owned(),
                    output.subscribed_at().map(str::to_owned),
                ))),
                Err(error) if is_not_subscribed(&error) => Ok(None),
                Err(error) => Err(error),
            }
        })
        .await;
    match hub {
        Collected::Ok(Some((arn, subscribed_at))) => Collected::Ok(Some(Hub {
            arn,
            subscribed_at,
            enabled_standards: enabled_standards(client, calls).await,
        })),
        Collected::Ok(None) => Collected::Ok(None),
        Collected::Error(error) => Collected::Error(error),
    }
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
                    .max_results(10)
                    .into_paginator()
                    .items()
                    .send()
            },
            |admin| OrganizationAdminAccount {
                account_id: admin.account_id().unwrap_or_default().to_owned(),
                status: admin
                    .status()
                    .map(|status| status.as_str().to_owned())
                    .unwrap_or_default(),
            },
        )
        .await
        .map(Some)
}

async fn organization_configuration(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Option<SecurityHubOrganizationConfiguration>> {
    calls
        .run(SERVICE, "DescribeOrganizationConfiguration", || async {
            let output = client.describe_organization_configuration().send().await?;
            Ok(Some(SecurityHubOrganizationConfiguration {
                auto_enable: output.auto_enable().unwrap_or(false),
                auto_enable_standards: output
                    .auto_enable_standards()
                    .map(|standards| standards.as_str().to_owned()),
                configuration_type: output
                    .organization_configuration()
                    .and_then(|configuration| configuration.configuration_type())
                    .map(|kind| kind.as_str().to_owned()),
                member_account_limit_reached: output
                    .member_account_limit_reached()
                    .unwrap_or(false),
            }))
        })
        .await
}

/// Security Hub's answer when the account has not enabled it in the region: data ("disabled"),
/// not a failure. Other `InvalidAccessException`s stay errors.
fn is_not_subscribed<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error.code() == Some("InvalidAccessException")
        && error
            .message()
            .is_some_and(|message| message.to_ascii_lowercase().contains("not subscribed"))
}

async fn enabled_standards(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<EnabledStandard>> {
    calls
        .list(
            SERVICE,
            "GetEnabledStandards",
            || {
                client
                    .get_enabled_standards()
                    .max_results(100)
                    .into_paginator()
                    .items()
                    .send()
            },
            |subscription| EnabledStandard {
                standards_arn: subscription.standards_arn().unwrap_or_default().to_owned(),
                status: subscription
                    .standards_status()
                    .map(|status| status.as_str().to_owned())
                    .unwrap_or_default(),
            },
        )
        .await
}

/// Security Hub's answers that moto cannot give (it has no `GetEnabledStandards` and no
/// `ListOrganizationAdminAccounts`, and answers every unsubscribed `DescribeHub` alike), with
/// `aws-smithy-mocks` responses shaped like AWS's documented ones: restJson1 errors with
/// `x-amzn-ErrorType` and a `Message`.
#[cfg(test)]
mod tests {
    use aws_sdk_securityhub::operation::describe_hub::DescribeHubOutput;
    use aws_sdk_securityhub::operation::describe_organization_configuration::DescribeOrganizationConfigurationOutput;
    use aws_sdk_securityhub::operation::get_enabled_standards::GetEnabledStandardsOutput;
    use aws_sdk_securityhub::operation::list_organization_admin_accounts::ListOrganizationAdminAccountsOutput;
    use aws_sdk_securityhub::types::{
        AdminAccount, AdminStatus, AutoEnableStandards, OrganizationConfiguration,
        OrganizationConfigurationConfigurationType, StandardsStatus, StandardsSubscription,
    };
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use indicatif::ProgressBar;
    use ztaudit_checks::ErrorKind;

    use super::*;
    use crate::collect::calls::Calls;

    fn calls() -> RegionCalls {
        Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true)
    }

    fn error(status: u16, code: &str, message: &str) -> HttpResponse {
        let body = format!(r#"{{"Code":"{code}","Message":"{message}"}}"#);
        let mut response = HttpResponse::new(
            StatusCode::try_from(status).expect("valid status"),
            SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("x-amzn-ErrorType", code.to_owned());
        response
    }

    fn subscription(arn: &str) -> StandardsSubscription {
        StandardsSubscription::builder()
            .standards_subscription_arn(format!("{arn}/subscription"))
            .standards_arn(arn)
            .standards_status(StandardsStatus::Ready)
            .build()
    }

    #[tokio::test]
    async fn not_subscribed_is_data_and_asks_no_standards() {
        let hub = mock!(Client::describe_hub).then_http_response(|| {
            error(
                401,
                "InvalidAccessException",
                "Account 123456789012 is not subscribed to AWS Security Hub",
            )
        });
        let standards = mock!(Client::get_enabled_standards)
            .then_output(|| GetEnabledStandardsOutput::builder().build());
        let client = mock_client!(aws_sdk_securityhub, RuleMode::MatchAny, [&hub, &standards]);

        let collected = collect_region(&client, &calls(), OrganizationRole::Outside).await;

        assert_eq!(collected.hub, Collected::Ok(None));
        assert_eq!(standards.num_calls(), 0);
    }

    #[tokio::test]
    async fn other_invalid_access_and_access_denied_stay_errors() {
        for (status, code, message, kind) in [
            (
                401,
                "InvalidAccessException",
                "The request was rejected because the hub ARN is invalid.",
                ErrorKind::Other,
            ),
            (
                403,
                "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/auditor/ci is not authorized to perform: securityhub:DescribeHub",
                ErrorKind::AccessDenied,
            ),
        ] {
            let hub = mock!(Client::describe_hub)
                .then_http_response(move || error(status, code, message));
            let client = mock_client!(aws_sdk_securityhub, RuleMode::MatchAny, [&hub]);

            let collected = collect_region(&client, &calls(), OrganizationRole::Outside).await;

            let Collected::Error(error) = collected.hub else {
                panic!("{code} must not read as data: {collected:?}");
            };
            assert_eq!(error.kind, kind);
            assert_eq!(error.code.as_deref(), Some(code));
            assert_eq!(error.operation, "DescribeHub");
        }
    }

    #[tokio::test]
    async fn enabled_standards_are_read_to_the_last_page() {
        let hub = mock!(Client::describe_hub).then_output(|| {
            DescribeHubOutput::builder()
                .hub_arn("arn:aws:securityhub:eu-west-1:123456789012:hub/default")
                .subscribed_at("2025-06-12T08:30:00.000Z")
                .build()
        });
        let first = mock!(Client::get_enabled_standards)
            .match_requests(|req| req.next_token().is_none())
            .then_output(|| {
                GetEnabledStandardsOutput::builder()
                    .standards_subscriptions(subscription(
                        "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
                    ))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::get_enabled_standards)
            .match_requests(|req| req.next_token() == Some("page-2"))
            .then_output(|| {
                GetEnabledStandardsOutput::builder()
                    .standards_subscriptions(subscription(
                        "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                    ))
                    .build()
            });
        let client = mock_client!(
            aws_sdk_securityhub,
            RuleMode::MatchAny,
            [&hub, &first, &second]
        );

        let collected = collect_region(&client, &calls(), OrganizationRole::Outside).await;

        let Collected::Ok(Some(hub)) = collected.hub else {
            panic!("the hub is enabled: {collected:?}");
        };
        let Collected::Ok(standards) = hub.enabled_standards else {
            panic!("paging failed: {:?}", hub.enabled_standards);
        };
        let names: Vec<&str> = standards.iter().map(EnabledStandard::short_name).collect();
        assert_eq!(
            names,
            [
                "aws-foundational-security-best-practices/v/1.0.0",
                "cis-aws-foundations-benchmark/v/3.0.0"
            ]
        );
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }

    fn enabled_hub() -> aws_smithy_mocks::Rule {
        mock!(Client::describe_hub).then_output(|| {
            DescribeHubOutput::builder()
                .hub_arn("arn:aws:securityhub:eu-west-1:111122223333:hub/default")
                .build()
        })
    }

    /// The management account (moto lacks `ListOrganizationAdminAccounts`: proved here) lists
    /// the administrators, and central configuration is read as such.
    #[tokio::test]
    async fn the_management_account_lists_administrators_and_reads_central_configuration() {
        let hub = enabled_hub();
        let standards = mock!(Client::get_enabled_standards)
            .then_output(|| GetEnabledStandardsOutput::builder().build());
        let admins = mock!(Client::list_organization_admin_accounts).then_output(|| {
            ListOrganizationAdminAccountsOutput::builder()
                .admin_accounts(
                    AdminAccount::builder()
                        .account_id("333344445555")
                        .status(AdminStatus::Enabled)
                        .build(),
                )
                .build()
        });
        let configuration = mock!(Client::describe_organization_configuration).then_output(|| {
            DescribeOrganizationConfigurationOutput::builder()
                .auto_enable(false)
                .auto_enable_standards(AutoEnableStandards::None)
                .member_account_limit_reached(false)
                .organization_configuration(
                    OrganizationConfiguration::builder()
                        .configuration_type(OrganizationConfigurationConfigurationType::Central)
                        .build(),
                )
                .build()
        });
        let client = mock_client!(
            aws_sdk_securityhub,
            RuleMode::MatchAny,
            [&hub, &standards, &admins, &configuration]
        );

        let collected = collect_region(&client, &calls(), OrganizationRole::Management).await;

        assert_eq!(
            collected.organization_admin_accounts,
            Collected::Ok(Some(vec![OrganizationAdminAccount {
                account_id: "333344445555".to_owned(),
                status: "ENABLED".to_owned(),
            }]))
        );
        assert_eq!(
            collected.organization_configuration,
            Collected::Ok(Some(SecurityHubOrganizationConfiguration {
                auto_enable: false,
                auto_enable_standards: Some("NONE".to_owned()),
                configuration_type: Some("CENTRAL".to_owned()),
                member_account_limit_reached: false,
            }))
        );
    }

    #[tokio::test]
    async fn without_security_hub_in_the_region_its_configuration_is_not_asked() {
        let hub = mock!(Client::describe_hub).then_http_response(|| {
            error(
                401,
                "InvalidAccessException",
                "Account 222233334444 is not subscribed to AWS Security Hub",
            )
        });
        let configuration = mock!(Client::describe_organization_configuration)
            .then_output(|| DescribeOrganizationConfigurationOutput::builder().build());
        let client = mock_client!(
            aws_sdk_securityhub,
            RuleMode::MatchAny,
            [&hub, &configuration]
        );

        let collected = collect_region(&client, &calls(), OrganizationRole::Member).await;

        assert_eq!(collected.organization_configuration, Collected::Ok(None));
        assert_eq!(collected.organization_admin_accounts, Collected::Ok(None));
        assert_eq!(configuration.num_calls(), 0);
    }
}
