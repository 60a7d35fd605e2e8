//! IAM (a global service) and IAM Identity Center (regional): principals, policies, credentials.
//!
//! `GetAccountAuthorizationDetails` gives every user, group, role and managed policy with their
//! documents in one paginated call, so nothing is read per entity.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::types::{self, ReportStateType};
use aws_sdk_iam::Client;
use futures::future::join_all;
use percent_encoding::percent_decode_str;
use ztaudit_checks::snapshot::{
    AccessKeyStatus, Authorization, CredentialReportRow, Group, IamData, IdentityCenterInstance,
    InlinePolicy, ManagedPolicy, Role, User, VirtualMfaDevice,
};
use ztaudit_checks::{CallError, Collected, ErrorKind};

use super::calls::RegionCalls;
use super::unused_access::{self, UnusedAccessPlan};

const SERVICE: &str = "iam";

/// How often to ask for the credential report before giving up; AWS usually has it ready within
/// a few seconds.
const REPORT_POLLS: u32 = 20;

/// Everything IAM holds, and the opt-in unused access when `unused_access` plans it (read
/// once the authorization details name the principals).
pub async fn collect(
    client: &Client,
    calls: &RegionCalls,
    identity_center: Vec<(aws_sdk_ssoadmin::Client, RegionCalls)>,
    unused_access: Option<UnusedAccessPlan>,
) -> IamData {
    let principals_and_use = async {
        let authorization = authorization(client, calls).await;
        let unused = match unused_access {
            // Not asked for: the field stays "not collected", and ZT118 does not run.
            None => Collected::default(),
            Some(plan) => unused_access::collect(client, calls, &authorization, plan).await,
        };
        (authorization, unused)
    };
    let (
        (authorization, unused_access),
        credential_report,
        account_summary,
        virtual_mfa_devices,
        instances,
    ) = tokio::join!(
        principals_and_use,
        credential_report(client, calls),
        account_summary(client, calls),
        virtual_mfa_devices(client, calls),
        identity_center_instances(identity_center),
    );
    IamData {
        authorization,
        credential_report,
        account_summary,
        virtual_mfa_devices,
        identity_center_instances: instances,
        unused_access,
    }
}

async fn authorization(client: &Client, calls: &RegionCalls) -> Collected<Authorization> {
    calls
        .paginate(
            SERVICE,
            "GetAccountAuthorizationDetails",
            // Whole pages: each holds four lists.
            || {
                client
                    .get_account_authorization_details()
                    .max_items(1000)
                    .into_paginator()
                    .send()
            },
            |pages| {
                let mut details = Authorization::default();
                for page in &pages {
                    details
                        .users
                        .extend(page.user_detail_list().iter().map(user));
                    details
                        .groups
                        .extend(page.group_detail_list().iter().map(group));
                    details
                        .roles
                        .extend(page.role_detail_list().iter().map(role));
                    // AWS-managed policies nobody uses are noise; the rest are what principals
                    // hold, or what bounds them (a boundary is not counted as an attachment).
                    details.policies.extend(
                        page.policies()
                            .iter()
                            .filter(|detail| {
                                detail
                                    .permissions_boundary_usage_count()
                                    .unwrap_or_default()
                                    > 0
                                    || detail.attachment_count().unwrap_or_default() > 0
                                    || !detail
                                        .arn()
                                        .unwrap_or_default()
                                        .contains(AWS_MANAGED_POLICY)
                            })
                            .map(managed_policy),
                    );
                }
                details.users.sort();
                details.groups.sort();
                details.roles.sort();
                details.policies.sort();
                details
            },
        )
        .await
}

async fn credential_report(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<CredentialReportRow>> {
    let generated = calls
        .run(SERVICE, "GenerateCredentialReport", || async {
            // Not paginated: it reports the report's state, polled until complete.
            for attempt in 1..=REPORT_POLLS {
                let output = client.generate_credential_report().send().await?;
                if output.state() == Some(&ReportStateType::Complete) {
                    return Ok(true);
                }
                tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt.min(8)))).await;
            }
            Ok(false)
        })
        .await;
    match generated {
        Collected::Error(error) => return Collected::Error(error),
        Collected::Ok(false) => {
            return Collected::Error(report_error(
                ErrorKind::Timeout,
                "the credential report was not ready after polling GenerateCredentialReport",
            ))
        }
        Collected::Ok(true) => {}
    }
    let content = calls
        .run(SERVICE, "GetCredentialReport", || async {
            // Not paginated: the whole report is one document.
            let output = client.get_credential_report().send().await?;
            Ok(output
                .content()
                .map(|blob| blob.as_ref().to_vec())
                .unwrap_or_default())
        })
        .await;
    match content {
        Collected::Ok(csv) => parse_credential_report(&csv)
            .map_err(|message| report_error(ErrorKind::Other, &message))
            .into(),
        Collected::Error(error) => Collected::Error(error),
    }
}

fn report_error(kind: ErrorKind, message: &str) -> CallError {
    CallError {
        service: SERVICE.to_owned(),
        operation: "GetCredentialReport".to_owned(),
        region: None,
        kind,
        code: None,
        message: message.to_owned(),
    }
}

/// Parses the credential report's CSV by column name (AWS may add columns).
pub fn parse_credential_report(csv_text: &[u8]) -> Result<Vec<CredentialReportRow>, String> {
    let mut reader = csv::Reader::from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|err| format!("could not parse the credential report: {err}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required = |name: &str| {
        column(name).ok_or_else(|| format!("the credential report has no `{name}` column"))
    };
    let (user, arn) = (required("user")?, required("arn")?);
    let (password_enabled, mfa_active) = (required("password_enabled")?, required("mfa_active")?);
    let password_last_used = column("password_last_used");
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|err| format!("could not parse the credential report: {err}"))?;
        let field = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or_default();
        let access_keys = (1..=2u8)
            .filter_map(|slot| {
                let active = column(&format!("access_key_{slot}_active"))?;
                Some(AccessKeyStatus {
                    slot,
                    active: is_true(field(Some(active))),
                    last_rotated: date(field(column(&format!("access_key_{slot}_last_rotated")))),
                    last_used: date(field(column(&format!("access_key_{slot}_last_used_date")))),
                })
            })
            .collect();
        rows.push(CredentialReportRow {
            user: field(Some(user)).to_owned(),
            arn: field(Some(arn)).to_owned(),
            password_enabled: is_true(field(Some(password_enabled))),
            password_last_used: date(field(password_last_used)),
            mfa_active: is_true(field(Some(mfa_active))),
            access_keys,
        });
    }
    rows.sort();
    Ok(rows)
}

fn is_true(value: &str) -> bool {
    value.eq_ignore_ascii_case("true")
}

/// A report date, or `None` for `N/A`, `no_information`, `not_supported` and blanks.
fn date(value: &str) -> Option<String> {
    let value = value.trim();
    let is_date = value.len() >= 10 && value.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    is_date.then(|| value.to_owned())
}

async fn account_summary(client: &Client, calls: &RegionCalls) -> Collected<BTreeMap<String, i64>> {
    calls
        .run(SERVICE, "GetAccountSummary", || async {
            // Not paginated: one map of counts and quotas.
            let output = client.get_account_summary().send().await?;
            Ok(output
                .summary_map()
                .map(|map| {
                    map.iter()
                        .map(|(key, value)| (key.as_str().to_owned(), i64::from(*value)))
                        .collect()
                })
                .unwrap_or_default())
        })
        .await
}

async fn virtual_mfa_devices(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<VirtualMfaDevice>> {
    calls
        .list(
            SERVICE,
            "ListVirtualMFADevices",
            || {
                client
                    .list_virtual_mfa_devices()
                    .max_items(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            |device| VirtualMfaDevice {
                serial_number: device.serial_number().to_owned(),
                user_arn: device.user().map(|user| user.arn().to_owned()),
            },
        )
        .await
}

/// Identity Center instances visible from any scanned region. A region whose call failed cannot
/// hide an instance found elsewhere; only when every region failed is the data an error.
async fn identity_center_instances(
    regions: Vec<(aws_sdk_ssoadmin::Client, RegionCalls)>,
) -> Collected<Vec<IdentityCenterInstance>> {
    let lookups = regions.iter().map(|(client, calls)| async move {
        let region = calls.region_name().unwrap_or_default();
        calls
            .paginate(
                "sso",
                "ListInstances",
                || {
                    client
                        .list_instances()
                        .max_results(100)
                        .into_paginator()
                        .items()
                        .send()
                },
                |instances| {
                    instances
                        .iter()
                        .filter_map(|instance| {
                            Some(IdentityCenterInstance {
                                arn: instance.instance_arn()?.to_owned(),
                                region: region.to_owned(),
                            })
                        })
                        .collect::<Vec<_>>()
                },
            )
            .await
    });
    let mut found = Vec::new();
    let mut first_error = None;
    let mut any_answer = false;
    for outcome in join_all(lookups).await {
        match outcome {
            Collected::Ok(instances) => {
                any_answer = true;
                found.extend(instances);
            }
            Collected::Error(error) if error.kind != ErrorKind::RegionDisabled => {
                first_error.get_or_insert(error);
            }
            Collected::Error(_) => {}
        }
    }
    match (any_answer, first_error) {
        (false, Some(error)) => Collected::Error(error),
        _ => {
            found.sort();
            found.dedup();
            Collected::Ok(found)
        }
    }
}

/// IAM returns documents URL-encoded (RFC 3986); the snapshot keeps them readable.
fn decode(document: &str) -> String {
    if document.trim_start().starts_with('{') {
        return document.to_owned();
    }
    percent_decode_str(document)
        .decode_utf8()
        .map(|text| text.into_owned())
        .unwrap_or_else(|_| document.to_owned())
}

fn inline(policies: &[types::PolicyDetail]) -> Vec<InlinePolicy> {
    let mut inline: Vec<InlinePolicy> = policies
        .iter()
        .map(|policy| InlinePolicy {
            name: policy.policy_name().unwrap_or_default().to_owned(),
            document: decode(policy.policy_document().unwrap_or_default()),
        })
        .collect();
    inline.sort();
    inline
}

fn attached(policies: &[types::AttachedPolicy]) -> Vec<String> {
    let mut arns: Vec<String> = policies
        .iter()
        .filter_map(|policy| policy.policy_arn().map(str::to_owned))
        .collect();
    arns.sort();
    arns
}

fn user(detail: &types::UserDetail) -> User {
    let mut groups = detail.group_list().to_vec();
    groups.sort();
    User {
        name: detail.user_name().unwrap_or_default().to_owned(),
        arn: detail.arn().unwrap_or_default().to_owned(),
        inline_policies: inline(detail.user_policy_list()),
        attached_policies: attached(detail.attached_managed_policies()),
        groups,
        permissions_boundary: boundary(detail.permissions_boundary()),
    }
}

fn group(detail: &types::GroupDetail) -> Group {
    Group {
        name: detail.group_name().unwrap_or_default().to_owned(),
        arn: detail.arn().unwrap_or_default().to_owned(),
        inline_policies: inline(detail.group_policy_list()),
        attached_policies: attached(detail.attached_managed_policies()),
    }
}

fn role(detail: &types::RoleDetail) -> Role {
    let mut instance_profiles: Vec<String> = detail
        .instance_profile_list()
        .iter()
        .map(|profile| profile.arn().to_owned())
        .collect();
    instance_profiles.sort();
    Role {
        name: detail.role_name().unwrap_or_default().to_owned(),
        arn: detail.arn().unwrap_or_default().to_owned(),
        assume_role_policy: decode(detail.assume_role_policy_document().unwrap_or_default()),
        inline_policies: inline(detail.role_policy_list()),
        attached_policies: attached(detail.attached_managed_policies()),
        instance_profiles,
        permissions_boundary: boundary(detail.permissions_boundary()),
    }
}

/// The boundary's policy ARN. `GetAccountAuthorizationDetails` includes `PermissionsBoundary`
/// whenever one is set, so its absence means there is none.
fn boundary(boundary: Option<&types::AttachedPermissionsBoundary>) -> Collected<Option<String>> {
    Collected::Ok(boundary.and_then(|b| b.permissions_boundary_arn().map(str::to_owned)))
}

/// What the ARN of an AWS-managed policy holds.
const AWS_MANAGED_POLICY: &str = ":iam::aws:policy/";

fn managed_policy(detail: &types::ManagedPolicyDetail) -> ManagedPolicy {
    let arn = detail.arn().unwrap_or_default().to_owned();
    let document = detail
        .policy_version_list()
        .iter()
        .find(|version| version.is_default_version())
        .and_then(|version| version.document())
        .map(decode)
        .unwrap_or_default();
    // The name is also the ARN's last segment; some emulators leave PolicyName out.
    let name = detail
        .policy_name()
        .filter(|name| !name.is_empty())
        .or_else(|| arn.rsplit('/').next())
        .unwrap_or_default()
        .to_owned();
    ManagedPolicy {
        name,
        aws_managed: arn.contains(AWS_MANAGED_POLICY),
        arn,
        attachment_count: detail.attachment_count().unwrap_or_default(),
        document,
    }
}

/// moto answers `GetAccountAuthorizationDetails` in one page whatever the page size, and the
/// credential report is always ready there: paging and polling are shown with
/// `aws-smithy-mocks` responses shaped like AWS's.
#[cfg(test)]
mod tests {
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::Blob;
    use indicatif::ProgressBar;

    use super::*;
    use crate::collect::calls::Calls;

    fn calls() -> RegionCalls {
        Calls::new(4, ProgressBar::hidden()).in_region(None, true)
    }

    fn user(name: &str) -> types::UserDetail {
        types::UserDetail::builder()
            .user_name(name)
            .arn(format!("arn:aws:iam::123456789012:user/{name}"))
            .build()
    }

    #[tokio::test]
    async fn authorization_details_are_read_to_the_last_page() {
        let first = mock!(Client::get_account_authorization_details)
            .match_requests(|req| req.marker().is_none())
            .then_output(|| {
                GetAccountAuthorizationDetailsOutput::builder()
                    .user_detail_list(user("zoe"))
                    .is_truncated(true)
                    .marker("page-2")
                    .build()
            });
        let second = mock!(Client::get_account_authorization_details)
            .match_requests(|req| req.marker() == Some("page-2"))
            .then_output(|| {
                GetAccountAuthorizationDetailsOutput::builder()
                    .user_detail_list(user("adam"))
                    .role_detail_list(
                        types::RoleDetail::builder()
                            .role_name("app")
                            .arn("arn:aws:iam::123456789012:role/app")
                            .assume_role_policy_document("%7B%22Statement%22%3A%5B%5D%7D")
                            .permissions_boundary(
                                types::AttachedPermissionsBoundary::builder()
                                    .permissions_boundary_type(
                                        types::PermissionsBoundaryAttachmentType::Policy,
                                    )
                                    .permissions_boundary_arn(
                                        "arn:aws:iam::123456789012:policy/boundary",
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .is_truncated(false)
                    .build()
            });
        let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&first, &second]);

        let Collected::Ok(details) = authorization(&client, &calls()).await else {
            panic!("paging failed");
        };
        let users: Vec<&str> = details.users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(users, ["adam", "zoe"]);
        assert_eq!(details.roles[0].assume_role_policy, r#"{"Statement":[]}"#);
        assert_eq!(
            details.roles[0].permissions_boundary,
            Collected::Ok(Some("arn:aws:iam::123456789012:policy/boundary".to_owned()))
        );
        assert_eq!(details.users[0].permissions_boundary, Collected::Ok(None));
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn the_credential_report_is_polled_until_ready() {
        let generate = mock!(Client::generate_credential_report)
            .sequence()
            .output(|| {
                GenerateCredentialReportOutput::builder()
                    .state(ReportStateType::Started)
                    .build()
            })
            .output(|| {
                GenerateCredentialReportOutput::builder()
                    .state(ReportStateType::Inprogress)
                    .build()
            })
            .output(|| {
                GenerateCredentialReportOutput::builder()
                    .state(ReportStateType::Complete)
                    .build()
            })
            .build();
        let get = mock!(Client::get_credential_report).then_output(|| {
            GetCredentialReportOutput::builder()
                .content(Blob::new(
                    "user,arn,password_enabled,mfa_active,access_key_1_active\nbob,arn:aws:iam::123456789012:user/bob,true,false,false\n",
                ))
                .build()
        });
        let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&generate, &get]);

        let Collected::Ok(rows) = credential_report(&client, &calls()).await else {
            panic!("the report was not read");
        };
        assert_eq!(rows.len(), 1);
        assert!(rows[0].password_enabled && !rows[0].mfa_active);
        assert_eq!(generate.num_calls(), 3);
    }

    #[tokio::test]
    async fn a_denied_report_is_an_error_naming_the_operation() {
        let denied = mock!(Client::generate_credential_report).then_http_response(|| {
            aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(403).expect("status"),
                aws_smithy_types::body::SdkBody::from(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                     <Message>User is not authorized to perform: iam:GenerateCredentialReport</Message>\
                     </Error><RequestId>mock</RequestId></ErrorResponse>",
                ),
            )
        });
        let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&denied]);

        let collected = credential_report(&client, &calls()).await;

        let error = collected.error().expect("an error, never an empty report");
        assert_eq!(error.kind, ErrorKind::AccessDenied);
        assert_eq!(error.operation, "GenerateCredentialReport");
    }

    #[test]
    fn credential_report_columns_are_read_by_name() {
        let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,false,true,2021-03-04T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2024-01-01T00:00:00+00:00,true,no_information,2024-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
        let rows = parse_credential_report(csv.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 2);
        let root = rows.iter().find(|r| r.is_root()).expect("root row");
        assert!(!root.password_enabled && !root.mfa_active);
        assert!(root.access_keys[0].active);
        assert_eq!(
            root.access_keys[0].last_rotated.as_deref(),
            Some("2021-03-04T00:00:00+00:00")
        );
        assert_eq!(root.access_keys[0].last_used, None);
        let alice = rows.iter().find(|r| r.user == "alice").expect("alice");
        assert!(alice.password_enabled && alice.mfa_active);
        assert_eq!(alice.password_last_used, None);
    }

    #[test]
    fn a_report_without_required_columns_is_an_error() {
        assert!(parse_credential_report(b"name,arn\nx,y\n").is_err());
    }

    #[test]
    fn documents_are_url_decoded_once() {
        assert_eq!(
            decode("%7B%22Version%22%3A%222012-10-17%22%7D"),
            r#"{"Version":"2012-10-17"}"#
        );
        assert_eq!(decode(r#"{"a":"100%"}"#), r#"{"a":"100%"}"#);
    }
}
