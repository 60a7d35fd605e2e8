//! Secrets Manager: the secrets of [`SecretsRegion`] and their rotation, from `ListSecrets`.

use aws_sdk_secretsmanager::types::SecretListEntry;
use aws_sdk_secretsmanager::Client;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ztaudit_checks::snapshot::{Secret, SecretsRegion};

use super::calls::RegionCalls;
use super::sorted;

const SERVICE: &str = "secretsmanager";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> SecretsRegion {
    let secrets = calls
        .paginate(
            SERVICE,
            "ListSecrets",
            // Whole pages: the ListSecrets paginator has no item view.
            || {
                client
                    .list_secrets()
                    .max_results(100)
                    .into_paginator()
                    .send()
            },
            |pages| {
                sorted(
                    pages
                        .iter()
                        .flat_map(|page| page.secret_list())
                        .map(secret)
                        .collect(),
                )
            },
        )
        .await;
    SecretsRegion { secrets }
}

fn secret(entry: &SecretListEntry) -> Secret {
    Secret {
        arn: entry.arn().unwrap_or_default().to_owned(),
        name: entry.name().unwrap_or_default().to_owned(),
        rotation_enabled: entry.rotation_enabled().unwrap_or(false),
        rotation_days: entry
            .rotation_rules()
            .and_then(|rules| rules.automatically_after_days()),
        last_rotated: entry.last_rotated_date().and_then(|date| {
            OffsetDateTime::from_unix_timestamp(date.secs())
                .ok()?
                .format(&Rfc3339)
                .ok()
        }),
        owning_service: entry.owning_service().map(str::to_owned),
    }
}
