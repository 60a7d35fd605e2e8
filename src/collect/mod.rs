//! Collect: read what the checks need from AWS into a [`Snapshot`].
//!
//! One module per AWS service turns SDK types into snapshot types (SDK types never reach a
//! check). Regions and their calls run concurrently, bounded by `--concurrency`; the SDK retries
//! throttled calls with adaptive backoff; a call that still fails is recorded in the snapshot
//! against its service, operation and region, and the collection goes on. Every call goes
//! through `calls.rs`: list operations through their SDK paginators, to the last page.

pub mod allow_list;
mod calls;
mod cloudtrail;
mod config;
mod ec2;
mod elb;
pub mod error;
mod events;
mod guardduty;
mod iam;
mod kms;
mod lambda;
pub mod organization_accounts;
pub mod organizations;
mod rds;
mod response_targets;
mod s3;
mod secretsmanager;
mod securityhub;
mod ssm;
mod unused_access;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::error::DisplayErrorContext;
use futures::future::join_all;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ztaudit_checks::snapshot::{CollectionInfo, GlobalData, RegionData, SCHEMA_VERSION};
use ztaudit_checks::Snapshot;

use calls::Calls;
pub use calls::{CallRecorder, OperationStats};

/// The region asked for account-wide calls when the profile names none.
const FALLBACK_HOME_REGION: &str = "us-east-1";

/// Opt-in statuses of regions the account can use.
const ENABLED_OPT_IN_STATUSES: [&str; 2] = ["opt-in-not-required", "opted-in"];

#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub profile: Option<String>,
    /// Regions to scan; empty means every region enabled for the account.
    pub regions: Vec<String>,
    pub concurrency: usize,
    /// Per-attempt timeout; one operation with its retries gets three times as long.
    pub call_timeout: Duration,
    /// Attempts per operation, the first included.
    pub max_attempts: u32,
    pub show_progress: bool,
    /// Opt-in: collect the unused-access data (ZT118) with this limit in days, which decides
    /// whether an Access Analyzer analyzer's findings can serve. `None`: not collected.
    pub unused_access_days: Option<u32>,
}

/// Failures that stop a collection before it can start. Anything later is recorded in the
/// snapshot instead.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("could not identify the account with sts:GetCallerIdentity (are credentials configured? try `aws sts get-caller-identity`): {0}")]
    Identity(String),
    #[error("could not list the account's regions with ec2:DescribeRegions: {0}; name the regions to scan with --region")]
    Regions(String),
    #[error("unknown region `{0}` (ec2:DescribeRegions does not list it)")]
    UnknownRegion(String),
    #[error("could not list the organization's accounts ({0}); an organization scan needs the management account's or a delegated administrator's credentials")]
    Directory(String),
}

/// The region account-wide calls go to: the configuration's, else [`FALLBACK_HOME_REGION`].
pub fn home_region(sdk: &SdkConfig) -> String {
    sdk.region()
        .map(|region| region.to_string())
        .unwrap_or_else(|| FALLBACK_HOME_REGION.to_owned())
}

/// Loads credentials and settings through aws-config's default chain (environment, profiles,
/// SSO, web identity, IMDS; `AWS_ENDPOINT_URL` included).
pub async fn load_sdk_config(options: &CollectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(options.max_attempts))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(options.call_timeout)
                .operation_timeout(options.call_timeout * 3)
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// Collects the account into a snapshot. `counter` records every operation invoked (and is
/// read again by `--stats`).
pub async fn collect(
    sdk: &SdkConfig,
    options: &CollectOptions,
    counter: &CallRecorder,
) -> Result<Snapshot, CollectError> {
    collect_account(sdk, options, counter, FromDirectory::default()).await
}

/// What an organization scan already has for an account before collecting it, from the
/// organization's directory ([`organization_accounts`]).
#[derive(Debug, Default)]
pub struct FromDirectory {
    /// The management (or delegated administrator) account's Organizations client, which sees
    /// what a member's own credentials are refused (see [`organizations`]).
    pub view: Option<aws_sdk_organizations::Client>,
    /// The account's tags, when the directory read them: the same `ListTagsForResource` is not
    /// made twice for one account.
    pub tags: Option<BTreeMap<String, String>>,
}

/// [`collect`], with the organization's view of the account read through `directory.view` when
/// given, and what the directory already read not read again. Everything else is read with
/// `sdk`'s credentials, the account's own.
pub async fn collect_account(
    sdk: &SdkConfig,
    options: &CollectOptions,
    counter: &CallRecorder,
    directory: FromDirectory,
) -> Result<Snapshot, CollectError> {
    let started_at = now_rfc3339();
    let home_region = home_region(sdk);

    let (account, partition) = caller_identity(sdk, &home_region, counter).await?;

    let regions = resolve_regions(sdk, counter, &home_region, &options.regions).await?;

    let progress = if options.show_progress {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} collecting {pos}/{len} calls {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let calls = Calls::new(options.concurrency, progress);

    // The organization comes first: whether the account is in one, and whether it is the
    // management account, decides which organization calls of other services are made.
    let organizations_client = directory
        .view
        .unwrap_or_else(|| organizations::client(sdk, &home_region, counter));
    let global_calls = calls.in_region(None, true);
    let described =
        organizations::describe_organization(&organizations_client, &global_calls).await;
    let role = organizations::OrganizationRole::of(&described, &account);

    let trail_homes = cloudtrail::TrailHomes::new(
        regions
            .iter()
            .filter(|(_, enabled)| *enabled)
            .map(|(region, _)| region.clone()),
    );
    let regional = regions.iter().map(|(region, enabled)| {
        let calls = calls.in_region(Some(region), *enabled);
        let clients = RegionClients::new(sdk, region, counter);
        let trail_homes = &trail_homes;
        let partition = partition.as_str();
        async move {
            let (
                (ec2, cloudtrail, guardduty, securityhub, config, events),
                (rds, kms, elb, ssm, secretsmanager),
                (lambda, stepfunctions, sns, sqs),
            ) = tokio::join!(
                async {
                    tokio::join!(
                        ec2::collect_region(&clients.ec2, &calls),
                        cloudtrail::collect_region(&clients.cloudtrail, &calls, trail_homes),
                        guardduty::collect_region(&clients.guardduty, &calls, role),
                        securityhub::collect_region(&clients.securityhub, &calls, role),
                        config::collect_region(&clients.config, &calls),
                        events::collect_region(&clients.events, &clients.ssm, &calls),
                    )
                },
                async {
                    tokio::join!(
                        rds::collect_region(&clients.rds, &calls),
                        kms::collect_region(&clients.kms, &calls),
                        elb::collect_region(&clients.elbv2, &clients.elb, &calls),
                        ssm::collect_region(&clients.ssm, &calls),
                        secretsmanager::collect_region(&clients.secretsmanager, &calls),
                    )
                },
                async {
                    tokio::join!(
                        lambda::collect_region(&clients.lambda, &calls),
                        response_targets::collect_state_machines(&clients.sfn, &calls),
                        response_targets::collect_topics(&clients.sns, &calls),
                        response_targets::collect_queues(&clients.sqs, &calls, partition),
                    )
                },
            );
            let data = RegionData {
                ec2,
                cloudtrail,
                guardduty,
                securityhub,
                config,
                events,
                rds,
                kms,
                elb,
                ssm,
                secretsmanager,
                lambda,
                stepfunctions,
                sns,
                sqs,
            };
            (region.clone(), data)
        }
    });
    let identity_center = regions
        .iter()
        .map(|(region, enabled)| {
            let client = aws_sdk_ssoadmin::Client::from_conf(
                aws_sdk_ssoadmin::config::Builder::from(sdk)
                    .region(Region::new(region.clone()))
                    .interceptor(counter.clone())
                    .build(),
            );
            (client, calls.in_region(Some(region), *enabled))
        })
        .collect();
    let iam_client = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(sdk)
            .region(Region::new(home_region.clone()))
            .interceptor(counter.clone())
            .build(),
    );
    let unused_access = options
        .unused_access_days
        .map(|days| unused_access::UnusedAccessPlan {
            days,
            account: account.clone(),
            analyzers: regions
                .iter()
                .map(|(region, enabled)| {
                    let client = aws_sdk_accessanalyzer::Client::from_conf(
                        aws_sdk_accessanalyzer::config::Builder::from(sdk)
                            .region(Region::new(region.clone()))
                            .interceptor(counter.clone())
                            .build(),
                    );
                    (client, calls.in_region(Some(region), *enabled))
                })
                .collect(),
        });
    let (regions, iam, s3, organizations) = tokio::join!(
        join_all(regional),
        iam::collect(&iam_client, &global_calls, identity_center, unused_access),
        s3::collect(sdk, &home_region, &account, &global_calls, counter),
        organizations::complete_view(
            &organizations_client,
            &account,
            described,
            directory.tags,
            &global_calls
        ),
    );
    let regions: BTreeMap<String, RegionData> = regions.into_iter().collect();
    calls.progress().finish_and_clear();

    Ok(Snapshot {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        account,
        partition,
        collection: CollectionInfo {
            started_at,
            finished_at: now_rfc3339(),
            api_calls: counter.total(),
            operations: counter
                .operation_stats()
                .into_iter()
                .map(|(action, stats)| (action, stats.calls))
                .collect(),
        },
        regions,
        global: GlobalData {
            iam,
            s3,
            organizations,
        },
    })
}

/// The account and partition `sdk`'s credentials belong to (`sts:GetCallerIdentity`).
pub async fn caller_identity(
    sdk: &SdkConfig,
    home_region: &str,
    counter: &CallRecorder,
) -> Result<(String, String), CollectError> {
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(sdk)
            .region(Region::new(home_region.to_owned()))
            .interceptor(counter.clone())
            .build(),
    );
    let identity = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|err| CollectError::Identity(DisplayErrorContext(&err).to_string()))?;
    let account = identity.account().unwrap_or_default().to_owned();
    let partition = identity
        .arn()
        .and_then(|arn| arn.split(':').nth(1))
        .unwrap_or("aws")
        .to_owned();
    Ok((account, partition))
}

/// The clients of the regional services, for one region.
struct RegionClients {
    ec2: aws_sdk_ec2::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    guardduty: aws_sdk_guardduty::Client,
    securityhub: aws_sdk_securityhub::Client,
    config: aws_sdk_config::Client,
    events: aws_sdk_eventbridge::Client,
    rds: aws_sdk_rds::Client,
    kms: aws_sdk_kms::Client,
    elbv2: aws_sdk_elasticloadbalancingv2::Client,
    elb: aws_sdk_elasticloadbalancing::Client,
    ssm: aws_sdk_ssm::Client,
    secretsmanager: aws_sdk_secretsmanager::Client,
    lambda: aws_sdk_lambda::Client,
    sfn: aws_sdk_sfn::Client,
    sns: aws_sdk_sns::Client,
    sqs: aws_sdk_sqs::Client,
}

impl RegionClients {
    fn new(sdk: &SdkConfig, region: &str, counter: &CallRecorder) -> Self {
        macro_rules! client {
            ($sdk_crate:ident) => {
                $sdk_crate::Client::from_conf(
                    $sdk_crate::config::Builder::from(sdk)
                        .region(Region::new(region.to_owned()))
                        .interceptor(counter.clone())
                        .build(),
                )
            };
        }
        RegionClients {
            ec2: client!(aws_sdk_ec2),
            cloudtrail: client!(aws_sdk_cloudtrail),
            guardduty: client!(aws_sdk_guardduty),
            securityhub: client!(aws_sdk_securityhub),
            config: client!(aws_sdk_config),
            events: client!(aws_sdk_eventbridge),
            rds: client!(aws_sdk_rds),
            kms: client!(aws_sdk_kms),
            elbv2: client!(aws_sdk_elasticloadbalancingv2),
            elb: client!(aws_sdk_elasticloadbalancing),
            ssm: client!(aws_sdk_ssm),
            secretsmanager: client!(aws_sdk_secretsmanager),
            lambda: client!(aws_sdk_lambda),
            sfn: client!(aws_sdk_sfn),
            sns: client!(aws_sdk_sns),
            sqs: client!(aws_sdk_sqs),
        }
    }
}

/// The regions to scan, each with whether the account has it enabled. Asked for explicitly, a
/// region that is not enabled is still scanned — every call recorded as `region_disabled` — so
/// the report says so instead of passing over it.
async fn resolve_regions(
    sdk: &SdkConfig,
    counter: &CallRecorder,
    home_region: &str,
    requested: &[String],
) -> Result<Vec<(String, bool)>, CollectError> {
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(sdk)
            .region(Region::new(home_region.to_owned()))
            .interceptor(counter.clone())
            .build(),
    );
    let described = ec2.describe_regions().all_regions(true).send().await;
    let known: BTreeMap<String, bool> = match described {
        Ok(output) => output
            .regions()
            .iter()
            .filter_map(|region| {
                let name = region.region_name()?.to_owned();
                let enabled = region
                    .opt_in_status()
                    .is_none_or(|status| ENABLED_OPT_IN_STATUSES.contains(&status));
                Some((name, enabled))
            })
            .collect(),
        Err(err) if requested.is_empty() => {
            return Err(CollectError::Regions(DisplayErrorContext(&err).to_string()))
        }
        Err(err) => {
            tracing::warn!(
                "ec2:DescribeRegions failed, scanning the requested regions unchecked: {}",
                DisplayErrorContext(&err)
            );
            return Ok(requested
                .iter()
                .map(|region| (region.clone(), true))
                .collect());
        }
    };
    if requested.is_empty() {
        return Ok(known.into_iter().filter(|(_, enabled)| *enabled).collect());
    }
    let unique: BTreeSet<&String> = requested.iter().collect();
    unique
        .into_iter()
        .map(|region| match known.get(region) {
            Some(&enabled) => {
                if !enabled {
                    tracing::warn!("region {region} is not enabled for this account");
                }
                Ok((region.clone(), enabled))
            }
            None => Err(CollectError::UnknownRegion(region.clone())),
        })
        .collect()
}

/// `items`, sorted: every list in a snapshot is, so that two collections diff cleanly.
pub(crate) fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

pub(crate) fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    // Milliseconds are precision enough, and keep the timestamps short.
    now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .ok()
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_default()
}
