//! KMS: the keys of [`KmsRegion`] — `ListKeys`, `DescribeKey` for each, and
//! `GetKeyRotationStatus` for the keys automatic rotation applies to. KMS has no bulk form of
//! the per-key calls.

use aws_sdk_kms::Client;
use ztaudit_checks::snapshot::{KeyMetadata, KmsKey, KmsRegion};
use ztaudit_checks::Collected;

use super::calls::{get_each, RegionCalls};

const SERVICE: &str = "kms";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> KmsRegion {
    // (id, ARN), in id order.
    let listed = calls
        .list(
            SERVICE,
            "ListKeys",
            || {
                client
                    .list_keys()
                    .limit(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            |entry| {
                (
                    entry.key_id().unwrap_or_default().to_owned(),
                    entry.key_arn().unwrap_or_default().to_owned(),
                )
            },
        )
        .await;
    KmsRegion {
        keys: get_each(listed, |(id, arn)| key(client, calls, id, arn)).await,
    }
}

/// One key's metadata and, where automatic rotation applies to it, its rotation status.
async fn key(client: &Client, calls: &RegionCalls, id: String, arn: String) -> KmsKey {
    let metadata = calls
        .run(SERVICE, "DescribeKey", || async {
            let output = client.describe_key().key_id(&id).send().await?;
            let metadata = output.key_metadata();
            Ok(KeyMetadata {
                manager: metadata
                    .and_then(|m| m.key_manager())
                    .map(|m| m.as_str().to_owned())
                    .unwrap_or_default(),
                state: metadata
                    .and_then(|m| m.key_state())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                spec: metadata
                    .and_then(|m| m.key_spec())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                usage: metadata
                    .and_then(|m| m.key_usage())
                    .map(|u| u.as_str().to_owned())
                    .unwrap_or_default(),
                origin: metadata
                    .and_then(|m| m.origin())
                    .map(|o| o.as_str().to_owned())
                    .unwrap_or_default(),
            })
        })
        .await;
    let rotation_enabled = match &metadata {
        Collected::Ok(metadata) if metadata.rotation_applies() => Some(
            calls
                .run(SERVICE, "GetKeyRotationStatus", || async {
                    let output = client.get_key_rotation_status().key_id(&id).send().await?;
                    Ok(output.key_rotation_enabled())
                })
                .await,
        ),
        _ => None,
    };
    KmsKey {
        id,
        arn,
        metadata,
        rotation_enabled,
    }
}
