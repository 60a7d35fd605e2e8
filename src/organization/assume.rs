//! The credentials of a member account: `sts:AssumeRole` into the scan's role, through
//! `aws_config`'s [`AssumeRoleProvider`].
//!
//! The role is assumed once before the account's collection starts, so that a refusal is the
//! account's failure reason ("sts:AssumeRole of arn:… refused: AccessDenied …"), not a
//! puzzling error of the first call. Those first credentials are handed to the account's SDK
//! configuration, whose identity cache (a fresh lazy cache per account) keeps them until
//! shortly before they expire and then asks the provider again: a long run refreshes each
//! account's session by itself. Every assumption is recorded as `sts:AssumeRole` in the
//! account's [`CallRecorder`], since the provider's own STS client is not one ztaudit builds.

use std::sync::Mutex;
use std::time::Instant;

use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_config::SdkConfig;
use aws_credential_types::provider::{self, future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sdk_ec2::error::DisplayErrorContext;

use crate::collect::CallRecorder;
use crate::plan::accounts::RoleToAssume;

/// The action assumptions are recorded under.
const ASSUME_ROLE: &str = "sts:AssumeRole";

/// The SDK configuration of `account` reached through `role` from the caller's `caller`
/// configuration, or why the role could not be assumed.
pub async fn member_config(
    caller: &SdkConfig,
    role: &RoleToAssume,
    partition: &str,
    account: &str,
    recorder: &CallRecorder,
) -> Result<SdkConfig, String> {
    let arn = role.arn(partition, account);
    let mut builder = AssumeRoleProvider::builder(&arn)
        .session_name(&role.session_name)
        .configure(caller);
    if let Some(external_id) = &role.external_id {
        builder = builder.external_id(external_id);
    }
    let provider = RecordedAssumeRole {
        inner: builder.build().await,
        first: Mutex::new(None),
        recorder: recorder.clone(),
    };
    let credentials = provider.assume().await.map_err(|error| {
        format!(
            "sts:AssumeRole of {arn} failed: {}",
            DisplayErrorContext(&error)
        )
    })?;
    if let Ok(mut first) = provider.first.lock() {
        *first = Some(credentials);
    }
    Ok(caller
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .identity_cache(IdentityCache::lazy().build())
        .build())
}

/// The role's provider, recorded; it hands out the credentials of the assumption made before
/// the collection first, then assumes the role again at each refresh.
#[derive(Debug)]
struct RecordedAssumeRole {
    inner: AssumeRoleProvider,
    first: Mutex<Option<Credentials>>,
    recorder: CallRecorder,
}

impl RecordedAssumeRole {
    async fn assume(&self) -> provider::Result {
        let started = Instant::now();
        let outcome = self.inner.provide_credentials().await;
        self.recorder
            .record(ASSUME_ROLE, started.elapsed(), outcome.is_err());
        outcome
    }
}

impl ProvideCredentials for RecordedAssumeRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            let first = self.first.lock().ok().and_then(|mut first| first.take());
            match first {
                Some(credentials) => Ok(credentials),
                None => self.assume().await,
            }
        })
    }
}
