//! S3: the account's Block Public Access (s3control) and each bucket's location, default
//! encryption, Block Public Access and policy, for [`S3Global`]. S3 has no bulk form of the
//! per-bucket calls; each goes to the bucket's own region, bounded like every call.

use std::collections::BTreeMap;

use aws_config::{Region, SdkConfig};
use aws_sdk_s3 as s3;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3control as s3control;
use ztaudit_checks::snapshot::{Bucket, EncryptionRule, PublicAccessBlock, S3Global};
use ztaudit_checks::Collected;

use super::calls::{get_each, CallRecorder, RegionCalls};

const SERVICE: &str = "s3";

/// Answers S3 gives when a bucket simply has no such configuration: data, not failures.
const NO_ENCRYPTION: &str = "ServerSideEncryptionConfigurationNotFoundError";
const NO_POLICY: &str = "NoSuchBucketPolicy";
const NO_PUBLIC_ACCESS_BLOCK: &str = "NoSuchPublicAccessBlockConfiguration";

/// S3's and S3 Control's `PublicAccessBlockConfiguration` are two types with the same fields;
/// a switch AWS does not report is taken as off.
macro_rules! public_access_block {
    ($configuration:expr) => {
        PublicAccessBlock {
            block_public_acls: $configuration.block_public_acls().unwrap_or(false),
            ignore_public_acls: $configuration.ignore_public_acls().unwrap_or(false),
            block_public_policy: $configuration.block_public_policy().unwrap_or(false),
            restrict_public_buckets: $configuration.restrict_public_buckets().unwrap_or(false),
        }
    };
}

/// Sends S3 Control requests to a custom endpoint (an emulator on loopback) as it is: AWS's
/// endpoint rules put the account id in front of the host (`123456789012.127.0.0.1`), which
/// cannot resolve. Only used when `AWS_ENDPOINT_URL` is set.
#[derive(Debug)]
struct UnprefixedEndpoint(String);

impl s3control::config::endpoint::ResolveEndpoint for UnprefixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a s3control::config::endpoint::Params,
    ) -> s3control::config::endpoint::EndpointFuture<'a> {
        s3control::config::endpoint::EndpointFuture::ready(Ok(
            s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// S3 clients, one per region a bucket lives in.
struct Clients<'a> {
    sdk: &'a SdkConfig,
    recorder: &'a CallRecorder,
    by_region: std::sync::Mutex<BTreeMap<String, s3::Client>>,
}

impl Clients<'_> {
    fn get(&self, region: &str) -> s3::Client {
        let mut clients = self
            .by_region
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        clients
            .entry(region.to_owned())
            .or_insert_with(|| s3_client(self.sdk, region, self.recorder))
            .clone()
    }
}

/// An S3 client for `region`. With a custom endpoint (`AWS_ENDPOINT_URL`, an emulator on
/// loopback) buckets are addressed by path, since `bucket.127.0.0.1` cannot resolve.
pub fn s3_client(sdk: &SdkConfig, region: &str, recorder: &CallRecorder) -> s3::Client {
    s3::Client::from_conf(
        s3::config::Builder::from(sdk)
            .region(Region::new(region.to_owned()))
            .force_path_style(sdk.endpoint_url().is_some())
            .interceptor(recorder.clone())
            .build(),
    )
}

pub async fn collect(
    sdk: &SdkConfig,
    home_region: &str,
    account: &str,
    calls: &RegionCalls,
    recorder: &CallRecorder,
) -> S3Global {
    let clients = Clients {
        sdk,
        recorder,
        by_region: Default::default(),
    };
    let home = clients.get(home_region);
    let mut control = s3control::config::Builder::from(sdk)
        .region(Region::new(home_region.to_owned()))
        .interceptor(recorder.clone());
    if let Some(url) = sdk.endpoint_url() {
        control = control.endpoint_resolver(UnprefixedEndpoint(url.to_owned()));
    }
    let control = s3control::Client::from_conf(control.build());
    let (account_public_access_block, listed) = tokio::join!(
        // Reported as `s3control:GetPublicAccessBlock`, apart from the buckets' own calls. Not
        // paginated: one setting per account.
        calls.run("s3control", "GetPublicAccessBlock", || async {
            match control
                .get_public_access_block()
                .account_id(account)
                .send()
                .await
            {
                Ok(output) => Ok(output
                    .public_access_block_configuration()
                    .map(|c| public_access_block!(c))),
                Err(err) if err.code() == Some(NO_PUBLIC_ACCESS_BLOCK) => Ok(None),
                Err(err) => Err(err),
            }
        }),
        // (name, region where ListBuckets names it), in name order.
        calls.list(
            SERVICE,
            "ListBuckets",
            || {
                home.list_buckets()
                    .max_buckets(10_000)
                    .into_paginator()
                    .items()
                    .send()
            },
            |listed| {
                (
                    listed.name().unwrap_or_default().to_owned(),
                    listed.bucket_region().map(str::to_owned),
                )
            },
        ),
    );
    let clients = &clients;
    let home = &home;
    let buckets = get_each(listed, |(name, listed_region)| {
        bucket(clients, home, calls, name, listed_region)
    })
    .await;
    S3Global {
        account_public_access_block,
        buckets,
    }
}

async fn bucket(
    clients: &Clients<'_>,
    home: &s3::Client,
    calls: &RegionCalls,
    name: String,
    listed_region: Option<String>,
) -> Bucket {
    // ListBuckets names the region on current S3; otherwise ask GetBucketLocation.
    let region = match listed_region {
        Some(region) if !region.is_empty() => Collected::Ok(region),
        _ => {
            calls
                .run(SERVICE, "GetBucketLocation", || async {
                    let output = home.get_bucket_location().bucket(&name).send().await?;
                    Ok(match output.location_constraint().map(|c| c.as_str()) {
                        None | Some("") => "us-east-1".to_owned(),
                        Some("EU") => "eu-west-1".to_owned(),
                        Some(region) => region.to_owned(),
                    })
                })
                .await
        }
    };
    let client = match &region {
        Collected::Ok(region) => clients.get(region),
        Collected::Error(error) => {
            return Bucket {
                name,
                encryption: Collected::Error(error.clone()),
                public_access_block: Collected::Error(error.clone()),
                policy: Collected::Error(error.clone()),
                region,
            }
        }
    };
    // None of the per-bucket reads is paginated: each answers one configuration.
    let (encryption, public_access_block, policy) = tokio::join!(
        calls.run(SERVICE, "GetBucketEncryption", || async {
            match client.get_bucket_encryption().bucket(&name).send().await {
                Ok(output) => Ok(output.server_side_encryption_configuration().map(|c| {
                    c.rules()
                        .iter()
                        .filter_map(|rule| rule.apply_server_side_encryption_by_default())
                        .map(|default| EncryptionRule {
                            algorithm: default.sse_algorithm().as_str().to_owned(),
                            kms_key_id: default.kms_master_key_id().map(str::to_owned),
                        })
                        .collect()
                })),
                Err(err) if err.code() == Some(NO_ENCRYPTION) => Ok(None),
                Err(err) => Err(err),
            }
        }),
        calls.run(SERVICE, "GetPublicAccessBlock", || async {
            match client.get_public_access_block().bucket(&name).send().await {
                Ok(output) => Ok(output
                    .public_access_block_configuration()
                    .map(|c| public_access_block!(c))),
                Err(err) if err.code() == Some(NO_PUBLIC_ACCESS_BLOCK) => Ok(None),
                Err(err) => Err(err),
            }
        }),
        calls.run(SERVICE, "GetBucketPolicy", || async {
            match client.get_bucket_policy().bucket(&name).send().await {
                Ok(output) => Ok(output.policy().map(str::to_owned)),
                Err(err) if err.code() == Some(NO_POLICY) => Ok(None),
                Err(err) => Err(err),
            }
        }),
    );
    Bucket {
        name,
        region,
        encryption,
        public_access_block,
        policy,
    }
}
