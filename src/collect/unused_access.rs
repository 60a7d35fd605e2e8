//! Unused access (opt-in, `--unused-access`): when each IAM user and role last used each
//! service it is granted, for ZT118.
//!
//! Two sources, the first preferred. Where the account has an ACTIVE unused-access analyzer
//! (`ACCOUNT_UNUSED_ACCESS` or `ORGANIZATION_UNUSED_ACCESS`) whose tracking period is no longer
//! than the limit, its active findings: `ListAnalyzers` in each scanned region, then
//! `ListFindingsV2` (pages) and one `GetFindingV2` per finding for the services. Otherwise
//! IAM's service last-accessed report of each principal: `GenerateServiceLastAccessedDetails`,
//! then `GetServiceLastAccessedDetails` polled until the job is done, as the credential report
//! is — two calls or more per principal, which is why a default scan leaves it out.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_accessanalyzer::types::{
    AnalyzerConfiguration, AnalyzerStatus, Criterion, FindingDetails, Type,
};
use aws_sdk_iam::types::JobStatusType;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use futures::future::join_all;
use ztaudit_checks::snapshot::{
    Authorization, PrincipalServiceUse, ServiceUse, UnusedAccess, UnusedAccessSource,
};
use ztaudit_checks::{CallError, Collected, ErrorKind};

use super::calls::RegionCalls;
use super::sorted;

const ANALYZER_SERVICE: &str = "access-analyzer";
const IAM_SERVICE: &str = "iam";

/// The finding types about a principal's services (not its keys or password, ZT111's).
const UNUSED_PERMISSION: &str = "UnusedPermission";
const UNUSED_ROLE: &str = "UnusedIAMRole";

/// How often to ask for a principal's last-accessed report before giving up; IAM usually has
/// it ready within seconds.
const REPORT_POLLS: u32 = 20;

/// What the collection of unused access needs besides IAM's client.
pub struct UnusedAccessPlan {
    /// The limit of ZT118: an analyzer that waits longer before calling access unused cannot
    /// serve.
    pub days: u32,
    pub account: String,
    /// An Access Analyzer client with the calls of each scanned region.
    pub analyzers: Vec<(aws_sdk_accessanalyzer::Client, RegionCalls)>,
}

/// The unused access of every user and role in `authorization`.
pub async fn collect(
    iam: &aws_sdk_iam::Client,
    calls: &RegionCalls,
    authorization: &Collected<Authorization>,
    plan: UnusedAccessPlan,
) -> Collected<UnusedAccess> {
    let authorization = match authorization {
        Collected::Ok(authorization) => authorization,
        Collected::Error(error) => return Collected::Error(error.clone()),
    };
    let principals: Vec<PrincipalServiceUse> = authorization
        .users
        .iter()
        .map(PrincipalServiceUse::of_user)
        .chain(authorization.roles.iter().map(PrincipalServiceUse::of_role))
        .collect();
    match usable_analyzer(&plan).await {
        Some((client, calls, analyzer)) => {
            from_analyzer(client, calls, &plan.account, analyzer, principals).await
        }
        None => Collected::Ok(UnusedAccess {
            source: UnusedAccessSource::ServiceLastAccessed,
            principals: sorted(
                join_all(
                    principals
                        .into_iter()
                        .map(|principal| last_accessed(iam, calls, principal)),
                )
                .await,
            ),
        }),
    }
}

/// An unused-access analyzer, as `ListAnalyzers` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Analyzer {
    arn: String,
    unused_access_age_days: u32,
}

/// The first ACTIVE unused-access analyzer, in region order, whose period fits the limit. A
/// region whose listing failed (Access Analyzer denied, or not offered) is passed over: the
/// last-accessed reports serve instead.
async fn usable_analyzer(
    plan: &UnusedAccessPlan,
) -> Option<(&aws_sdk_accessanalyzer::Client, &RegionCalls, Analyzer)> {
    let listings = join_all(plan.analyzers.iter().map(|(client, calls)| async move {
        let listed = calls
            .paginate(
                ANALYZER_SERVICE,
                "ListAnalyzers",
                || client.list_analyzers().into_paginator().items().send(),
                |analyzers| {
                    analyzers
                        .iter()
                        .filter(|analyzer| {
                            matches!(
                                analyzer.r#type(),
                                Type::AccountUnusedAccess | Type::OrganizationUnusedAccess
                            ) && *analyzer.status() == AnalyzerStatus::Active
                        })
                        .map(|analyzer| Analyzer {
                            arn: analyzer.arn().to_owned(),
                            unused_access_age_days: unused_access_age(analyzer.configuration()),
                        })
                        .collect::<Vec<_>>()
                },
            )
            .await;
        (client, calls, listed)
    }))
    .await;
    for (client, calls, listed) in listings {
        let Collected::Ok(analyzers) = listed else {
            continue;
        };
        for analyzer in analyzers {
            if analyzer.unused_access_age_days <= plan.days {
                return Some((client, calls, analyzer));
            }
            tracing::info!(
                "analyzer {} calls access unused after {} days, more than the {} asked: reading service last-accessed reports instead",
                analyzer.arn,
                analyzer.unused_access_age_days,
                plan.days
            );
        }
    }
    None
}

/// The analyzer's `unusedAccessAge`; AWS's default (90 days) when it does not say.
fn unused_access_age(configuration: Option<&AnalyzerConfiguration>) -> u32 {
    const AWS_DEFAULT_AGE: u32 = 90;
    match configuration {
        Some(AnalyzerConfiguration::UnusedAccess(unused)) => unused
            .unused_access_age()
            .and_then(|age| u32::try_from(age).ok())
            .unwrap_or(AWS_DEFAULT_AGE),
        _ => AWS_DEFAULT_AGE,
    }
}

/// The analyzer's active findings on this account's principals, joined to the principals.
async fn from_analyzer(
    client: &aws_sdk_accessanalyzer::Client,
    calls: &RegionCalls,
    account: &str,
    analyzer: Analyzer,
    principals: Vec<PrincipalServiceUse>,
) -> Collected<UnusedAccess> {
    let findings = calls
        .list(
            ANALYZER_SERVICE,
            "ListFindingsV2",
            || {
                client
                    .list_findings_v2()
                    .analyzer_arn(&analyzer.arn)
                    .filter(
                        "findingType",
                        Criterion::builder()
                            .eq(UNUSED_PERMISSION)
                            .eq(UNUSED_ROLE)
                            .build(),
                    )
                    .filter("status", Criterion::builder().eq("ACTIVE").build())
                    .filter(
                        "resourceOwnerAccount",
                        Criterion::builder().eq(account).build(),
                    )
                    .into_paginator()
                    .items()
                    .send()
            },
            |finding| {
                (
                    finding.resource().unwrap_or_default().to_owned(),
                    finding.id().to_owned(),
                )
            },
        )
        .await;
    let findings = match findings {
        Collected::Ok(findings) => findings,
        Collected::Error(error) => return Collected::Error(error),
    };
    let details = join_all(findings.into_iter().map(|(principal, id)| {
        let analyzer_arn = analyzer.arn.as_str();
        async move {
            let details = calls
                .paginate(
                    ANALYZER_SERVICE,
                    "GetFindingV2",
                    || {
                        client
                            .get_finding_v2()
                            .analyzer_arn(analyzer_arn)
                            .id(&id)
                            .into_paginator()
                            .send()
                    },
                    |pages| {
                        pages
                            .iter()
                            .flat_map(|page| page.finding_details().iter().cloned())
                            .collect::<Vec<_>>()
                    },
                )
                .await;
            (principal, details)
        }
    }))
    .await;
    let mut by_principal: BTreeMap<String, Vec<Collected<Vec<FindingDetails>>>> = BTreeMap::new();
    for (principal, details) in details {
        by_principal.entry(principal).or_default().push(details);
    }
    let principals = principals
        .into_iter()
        .map(|mut principal| {
            let Some(findings) = by_principal.remove(&principal.arn) else {
                return principal;
            };
            let mut services = Vec::new();
            for details in findings {
                let details = match details {
                    Collected::Ok(details) => details,
                    Collected::Error(error) => {
                        principal.services = Collected::Error(error);
                        return principal;
                    }
                };
                for detail in details {
                    match detail {
                        FindingDetails::UnusedPermissionDetails(unused) => {
                            services.push(ServiceUse {
                                namespace: unused.service_namespace().to_owned(),
                                last_accessed: unused.last_accessed().and_then(rfc3339),
                            });
                        }
                        FindingDetails::UnusedIamRoleDetails(unused) => {
                            principal.role_unused = Some(unused.last_accessed().and_then(rfc3339));
                        }
                        _ => {}
                    }
                }
            }
            principal.services = Collected::Ok(sorted(services));
            principal
        })
        .collect();
    Collected::Ok(UnusedAccess {
        source: UnusedAccessSource::AccessAnalyzer {
            analyzer_arn: analyzer.arn,
            unused_access_age_days: analyzer.unused_access_age_days,
        },
        principals: sorted(principals),
    })
}

/// One principal's service last-accessed report: the job started, polled until done, read to
/// its last page. A job that fails or is not done after the polls is the principal's ERROR.
async fn last_accessed(
    iam: &aws_sdk_iam::Client,
    calls: &RegionCalls,
    mut principal: PrincipalServiceUse,
) -> PrincipalServiceUse {
    let arn = principal.arn.clone();
    let job = calls
        .run(
            IAM_SERVICE,
            "GenerateServiceLastAccessedDetails",
            || async {
                let output = iam
                    .generate_service_last_accessed_details()
                    .arn(&arn)
                    .send()
                    .await?;
                Ok(output.job_id().map(str::to_owned))
            },
        )
        .await;
    let job_id = match job {
        Collected::Ok(Some(job_id)) => job_id,
        Collected::Ok(None) => {
            principal.services = Collected::Error(report_error(
                ErrorKind::Other,
                format!("GenerateServiceLastAccessedDetails gave no job id for {arn}"),
            ));
            return principal;
        }
        Collected::Error(error) => {
            principal.services = Collected::Error(error);
            return principal;
        }
    };
    principal.services = read_report(iam, calls, &arn, &job_id).await;
    principal
}

/// One page of a report, or the job's state when it has no pages yet.
enum ReportPage {
    Pending,
    Failed(String),
    Done {
        services: Vec<ServiceUse>,
        next: Option<String>,
    },
}

async fn read_report(
    iam: &aws_sdk_iam::Client,
    calls: &RegionCalls,
    arn: &str,
    job_id: &str,
) -> Collected<Vec<ServiceUse>> {
    let mut services = Vec::new();
    let mut marker: Option<String> = None;
    let mut polls = 0;
    loop {
        let page = calls
            .run(IAM_SERVICE, "GetServiceLastAccessedDetails", || {
                let marker = marker.clone();
                async move {
                    // Paged by hand: the SDK has no paginator for it, and the first answers
                    // are the job's state, not pages.
                    let output = iam
                        .get_service_last_accessed_details()
                        .job_id(job_id)
                        .set_marker(marker)
                        .max_items(1000)
                        .send()
                        .await?;
                    Ok(match output.job_status() {
                        JobStatusType::InProgress => ReportPage::Pending,
                        JobStatusType::Failed => ReportPage::Failed(
                            output
                                .error()
                                .map(|error| format!("{}: {}", error.code(), error.message()))
                                .unwrap_or_else(|| "no reason given".to_owned()),
                        ),
                        _ => ReportPage::Done {
                            services: output
                                .services_last_accessed()
                                .iter()
                                .map(|service| ServiceUse {
                                    namespace: service.service_namespace().to_owned(),
                                    last_accessed: service.last_authenticated().and_then(rfc3339),
                                })
                                .collect(),
                            next: output
                                .is_truncated()
                                .then(|| output.marker().map(str::to_owned))
                                .flatten(),
                        },
                    })
                }
            })
            .await;
        match page {
            Collected::Error(error) => return Collected::Error(error),
            Collected::Ok(ReportPage::Failed(reason)) => {
                return Collected::Error(report_error(
                    ErrorKind::Other,
                    format!("the service last-accessed job of {arn} failed ({reason})"),
                ))
            }
            Collected::Ok(ReportPage::Pending) => {
                polls += 1;
                if polls >= REPORT_POLLS {
                    return Collected::Error(report_error(
                        ErrorKind::Timeout,
                        format!(
                            "the service last-accessed report of {arn} was not ready after {REPORT_POLLS} polls"
                        ),
                    ));
                }
                tokio::time::sleep(poll_pause(polls)).await;
            }
            Collected::Ok(ReportPage::Done {
                services: page,
                next,
            }) => {
                services.extend(page);
                match next {
                    Some(next) => marker = Some(next),
                    None => return Collected::Ok(sorted(services)),
                }
            }
        }
    }
}

/// The pause before poll `polls + 1`: growing, as the credential report's.
fn poll_pause(polls: u32) -> Duration {
    if cfg!(test) {
        Duration::from_millis(1)
    } else {
        Duration::from_millis(250 * u64::from(polls.min(8)))
    }
}

fn report_error(kind: ErrorKind, message: String) -> CallError {
    CallError {
        service: IAM_SERVICE.to_owned(),
        operation: "GetServiceLastAccessedDetails".to_owned(),
        region: None,
        kind,
        code: None,
        message,
    }
}

fn rfc3339(time: &DateTime) -> Option<String> {
    time.fmt(Format::DateTime).ok()
}

/// moto serves neither Access Analyzer nor the service last-accessed reports: both collectors
/// are shown here with `aws-smithy-mocks` responses shaped like AWS's.
#[cfg(test)]
mod tests {
    use aws_sdk_accessanalyzer::operation::get_finding_v2::GetFindingV2Output;
    use aws_sdk_accessanalyzer::operation::list_analyzers::ListAnalyzersOutput;
    use aws_sdk_accessanalyzer::operation::list_findings_v2::ListFindingsV2Output;
    use aws_sdk_accessanalyzer::types::{
        AnalyzerSummary, FindingStatus, FindingSummaryV2, FindingType, ResourceType,
        UnusedAccessConfiguration, UnusedIamRoleDetails, UnusedPermissionDetails,
    };
    use aws_sdk_iam::operation::generate_service_last_accessed_details::GenerateServiceLastAccessedDetailsOutput;
    use aws_sdk_iam::operation::get_service_last_accessed_details::GetServiceLastAccessedDetailsOutput;
    use aws_sdk_iam::types::{ErrorDetails, ServiceLastAccessed};
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use indicatif::ProgressBar;
    use ztaudit_checks::snapshot::{Role, User};

    use super::*;
    use crate::collect::calls::Calls;

    const ACCOUNT: &str = "123456789012";
    const ANALYZER: &str = "arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/unused";

    fn calls(region: Option<&str>) -> RegionCalls {
        Calls::new(4, ProgressBar::hidden()).in_region(region, true)
    }

    fn app_role() -> Role {
        Role {
            name: "app".to_owned(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/app"),
            assume_role_policy: String::new(),
            inline_policies: Vec::new(),
            attached_policies: Vec::new(),
            instance_profiles: Vec::new(),
            permissions_boundary: Collected::Ok(None),
        }
    }

    fn authorization() -> Collected<Authorization> {
        Collected::Ok(Authorization {
            users: vec![User {
                name: "alice".to_owned(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/alice"),
                inline_policies: Vec::new(),
                attached_policies: Vec::new(),
                groups: Vec::new(),
                permissions_boundary: Collected::Ok(None),
            }],
            roles: vec![app_role()],
            ..Authorization::default()
        })
    }

    fn time(text: &str) -> DateTime {
        DateTime::from_str(text, Format::DateTime).expect("a date")
    }

    fn analyzers(age: i32) -> Rule {
        mock!(aws_sdk_accessanalyzer::Client::list_analyzers).then_output(move || {
            ListAnalyzersOutput::builder()
                .analyzers(
                    AnalyzerSummary::builder()
                        .arn("arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/external")
                        .name("external")
                        .r#type(Type::Account)
                        .created_at(time("2026-01-01T00:00:00Z"))
                        .status(AnalyzerStatus::Active)
                        .build()
                        .expect("an analyzer"),
                )
                .analyzers(
                    AnalyzerSummary::builder()
                        .arn(ANALYZER)
                        .name("unused")
                        .r#type(Type::AccountUnusedAccess)
                        .created_at(time("2026-01-01T00:00:00Z"))
                        .status(AnalyzerStatus::Active)
                        .configuration(AnalyzerConfiguration::UnusedAccess(
                            UnusedAccessConfiguration::builder()
                                .unused_access_age(age)
                                .build(),
                        ))
                        .build()
                        .expect("an analyzer"),
                )
                .build()
                .expect("a listing")
        })
    }

    /// `GetFindingV2`'s answer for the active finding `id` on a role of the account.
    fn finding(id: &str, details: Vec<FindingDetails>) -> GetFindingV2Output {
        GetFindingV2Output::builder()
            .id(id)
            .resource_owner_account(ACCOUNT)
            .resource_type(ResourceType::AwsIamRole)
            .status(FindingStatus::Active)
            .analyzed_at(time("2026-05-01T00:00:00Z"))
            .created_at(time("2026-05-01T00:00:00Z"))
            .updated_at(time("2026-05-01T00:00:00Z"))
            .set_finding_details(Some(details))
            .build()
            .expect("a finding")
    }

    fn summary(id: &str, resource: &str, finding_type: FindingType) -> FindingSummaryV2 {
        FindingSummaryV2::builder()
            .id(id)
            .resource(resource)
            .resource_type(ResourceType::AwsIamRole)
            .resource_owner_account(ACCOUNT)
            .status(FindingStatus::Active)
            .finding_type(finding_type)
            .analyzed_at(time("2026-05-01T00:00:00Z"))
            .created_at(time("2026-05-01T00:00:00Z"))
            .updated_at(time("2026-05-01T00:00:00Z"))
            .build()
            .expect("a finding summary")
    }

    fn plan(days: u32, client: aws_sdk_accessanalyzer::Client) -> UnusedAccessPlan {
        UnusedAccessPlan {
            days,
            account: ACCOUNT.to_owned(),
            analyzers: vec![(client, calls(Some("eu-west-1")))],
        }
    }

    /// An IAM client that must not be called.
    fn unused_iam() -> aws_sdk_iam::Client {
        let never = mock!(aws_sdk_iam::Client::generate_service_last_accessed_details)
            .then_output(|| GenerateServiceLastAccessedDetailsOutput::builder().build());
        mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&never])
    }

    #[tokio::test]
    async fn analyzer_findings_are_read_to_the_last_page_with_their_services() {
        let listing = analyzers(90);
        let first = mock!(aws_sdk_accessanalyzer::Client::list_findings_v2)
            .match_requests(|req| {
                req.next_token().is_none()
                    && req.analyzer_arn() == Some(ANALYZER)
                    && req
                        .filter()
                        .and_then(|filter| filter.get("resourceOwnerAccount"))
                        .is_some_and(|criterion| criterion.eq() == [ACCOUNT])
            })
            .then_output(|| {
                ListFindingsV2Output::builder()
                    .findings(summary(
                        "f-1",
                        "arn:aws:iam::123456789012:role/app",
                        FindingType::UnusedPermission,
                    ))
                    .next_token("page-2")
                    .build()
                    .expect("a page")
            });
        let second = mock!(aws_sdk_accessanalyzer::Client::list_findings_v2)
            .match_requests(|req| req.next_token() == Some("page-2"))
            .then_output(|| {
                ListFindingsV2Output::builder()
                    .findings(summary(
                        "f-2",
                        "arn:aws:iam::123456789012:role/app",
                        FindingType::UnusedIamRole,
                    ))
                    .build()
                    .expect("a page")
            });
        let permission = mock!(aws_sdk_accessanalyzer::Client::get_finding_v2)
            .match_requests(|req| req.id() == Some("f-1"))
            .then_output(|| {
                finding(
                    "f-1",
                    vec![
                        FindingDetails::UnusedPermissionDetails(
                            UnusedPermissionDetails::builder()
                                .service_namespace("dynamodb")
                                .last_accessed(time("2026-01-02T03:04:05Z"))
                                .build()
                                .expect("details"),
                        ),
                        FindingDetails::UnusedPermissionDetails(
                            UnusedPermissionDetails::builder()
                                .service_namespace("ec2")
                                .build()
                                .expect("details"),
                        ),
                    ],
                )
            });
        let role = mock!(aws_sdk_accessanalyzer::Client::get_finding_v2)
            .match_requests(|req| req.id() == Some("f-2"))
            .then_output(|| {
                finding(
                    "f-2",
                    vec![FindingDetails::UnusedIamRoleDetails(
                        UnusedIamRoleDetails::builder().build(),
                    )],
                )
            });
        let client = mock_client!(
            aws_sdk_accessanalyzer,
            RuleMode::MatchAny,
            [&listing, &first, &second, &permission, &role]
        );

        let collected = collect(
            &unused_iam(),
            &calls(None),
            &authorization(),
            plan(90, client),
        )
        .await;

        let Collected::Ok(unused) = collected else {
            panic!("not collected: {collected:?}");
        };
        assert_eq!(
            unused.source,
            UnusedAccessSource::AccessAnalyzer {
                analyzer_arn: ANALYZER.to_owned(),
                unused_access_age_days: 90
            }
        );
        let names: Vec<&str> = unused.principals.iter().map(|p| p.name.as_str()).collect();
        // Sorted by ARN: `role/` before `user/`.
        assert_eq!(names, ["app", "alice"]);
        let app = &unused.principals[0];
        assert_eq!(
            app.services,
            Collected::Ok(vec![
                ServiceUse {
                    namespace: "dynamodb".to_owned(),
                    last_accessed: Some("2026-01-02T03:04:05Z".to_owned())
                },
                ServiceUse {
                    namespace: "ec2".to_owned(),
                    last_accessed: None
                },
            ])
        );
        assert_eq!(app.role_unused, Some(None));
        // No finding: every service used within the analyzer's period.
        assert_eq!(unused.principals[1].services, Collected::Ok(Vec::new()));
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
        assert_eq!((permission.num_calls(), role.num_calls()), (1, 1));
    }

    fn generate() -> Rule {
        mock!(aws_sdk_iam::Client::generate_service_last_accessed_details).then_output(|| {
            GenerateServiceLastAccessedDetailsOutput::builder()
                .job_id("job-1")
                .build()
        })
    }

    fn report(status: JobStatusType) -> GetServiceLastAccessedDetailsOutput {
        GetServiceLastAccessedDetailsOutput::builder()
            .job_status(status)
            .job_creation_date(time("2026-06-01T00:00:00Z"))
            .job_completion_date(time("2026-06-01T00:00:05Z"))
            .set_services_last_accessed(Some(Vec::new()))
            .build()
            .expect("a report")
    }

    fn service(namespace: &str, last: Option<&str>) -> ServiceLastAccessed {
        ServiceLastAccessed::builder()
            .service_name(namespace)
            .service_namespace(namespace)
            .set_last_authenticated(last.map(time))
            .build()
            .expect("a service")
    }

    #[tokio::test]
    async fn a_longer_analyzer_period_falls_back_to_polled_last_accessed_reports() {
        let listing = analyzers(180);
        let analyzer = mock_client!(aws_sdk_accessanalyzer, RuleMode::MatchAny, [&listing]);
        let generate = generate();
        let polled = mock!(aws_sdk_iam::Client::get_service_last_accessed_details)
            .sequence()
            .output(|| report(JobStatusType::InProgress))
            .output(|| {
                let mut page = report(JobStatusType::Completed);
                page.services_last_accessed = vec![service("s3", Some("2026-05-30T00:00:00Z"))];
                page.is_truncated = true;
                page.marker = Some("more".to_owned());
                page
            })
            .output(|| {
                let mut page = report(JobStatusType::Completed);
                page.services_last_accessed = vec![service("kms", None)];
                page
            })
            .repeatedly()
            .build();
        let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&generate, &polled]);

        let mut only_alice = authorization();
        if let Collected::Ok(authorization) = &mut only_alice {
            authorization.roles.clear();
        }
        let collected = collect(&iam, &calls(None), &only_alice, plan(90, analyzer)).await;

        let Collected::Ok(unused) = collected else {
            panic!("not collected: {collected:?}");
        };
        assert_eq!(unused.source, UnusedAccessSource::ServiceLastAccessed);
        assert_eq!(
            unused.principals[0].services,
            Collected::Ok(vec![
                ServiceUse {
                    namespace: "kms".to_owned(),
                    last_accessed: None
                },
                ServiceUse {
                    namespace: "s3".to_owned(),
                    last_accessed: Some("2026-05-30T00:00:00Z".to_owned())
                },
            ])
        );
        assert_eq!((generate.num_calls(), polled.num_calls()), (1, 3));
    }

    #[tokio::test]
    async fn a_failed_job_is_the_principals_error() {
        let generate = generate();
        let failed =
            mock!(aws_sdk_iam::Client::get_service_last_accessed_details).then_output(|| {
                let mut page = report(JobStatusType::Failed);
                page.error = Some(
                    ErrorDetails::builder()
                        .code("InternalFailure")
                        .message("the job could not run")
                        .build()
                        .expect("details"),
                );
                page
            });
        let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&generate, &failed]);
        let principal = PrincipalServiceUse::of_role(&app_role());

        let read = last_accessed(&iam, &calls(None), principal).await;

        let error = read
            .services
            .error()
            .expect("an error, never an empty report");
        assert_eq!(error.kind, ErrorKind::Other);
        assert!(
            error
                .message
                .contains("failed (InternalFailure: the job could not run)"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_job_never_done_times_out_as_the_principals_error() {
        let generate = generate();
        let pending = mock!(aws_sdk_iam::Client::get_service_last_accessed_details)
            .then_output(|| report(JobStatusType::InProgress));
        let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&generate, &pending]);
        let principal = PrincipalServiceUse::of_role(&app_role());

        let read = last_accessed(&iam, &calls(None), principal).await;

        let error = read
            .services
            .error()
            .expect("an error, never an empty report");
        assert_eq!(error.kind, ErrorKind::Timeout);
        assert_eq!(pending.num_calls(), REPORT_POLLS as usize);
    }

    #[tokio::test]
    async fn a_denied_analyzer_listing_falls_back_and_a_denied_report_is_an_error() {
        let denied_listing = mock!(aws_sdk_accessanalyzer::Client::list_analyzers)
            .then_error(|| {
                aws_sdk_accessanalyzer::operation::list_analyzers::ListAnalyzersError::AccessDeniedException(
                    aws_sdk_accessanalyzer::types::error::AccessDeniedException::builder()
                        .message("not authorized")
                        .build()
                        .expect("an error"),
                )
            });
        let analyzer = mock_client!(
            aws_sdk_accessanalyzer,
            RuleMode::MatchAny,
            [&denied_listing]
        );
        let denied = mock!(aws_sdk_iam::Client::generate_service_last_accessed_details)
            .then_http_response(|| {
                aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(
                    aws_smithy_runtime_api::http::StatusCode::try_from(403).expect("status"),
                    aws_smithy_types::body::SdkBody::from(
                        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                         <Message>not authorized</Message></Error><RequestId>mock</RequestId></ErrorResponse>",
                    ),
                )
            });
        let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&denied]);

        let collected = collect(&iam, &calls(None), &authorization(), plan(90, analyzer)).await;

        let Collected::Ok(unused) = collected else {
            panic!("not collected: {collected:?}");
        };
        assert_eq!(unused.source, UnusedAccessSource::ServiceLastAccessed);
        for principal in &unused.principals {
            let error = principal.services.error().expect("an error per principal");
            assert_eq!(error.kind, ErrorKind::AccessDenied);
            assert_eq!(error.operation, "GenerateServiceLastAccessedDetails");
        }
    }
}
