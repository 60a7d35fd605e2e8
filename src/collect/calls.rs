//! The collector's plumbing: every AWS call goes through [`RegionCalls::run`], which bounds
//! concurrency, counts the call, advances the progress bar and turns failure into a
//! [`CallError`].
//!
//! On top of it, the two shapes most collections take, so that no collector writes them again:
//! a list operation read to its last page through its SDK paginator ([`RegionCalls::paginate`],
//! and [`RegionCalls::list`] for the usual convert-and-sort), and a listing followed by one read
//! per listed item, each with its own outcome ([`get_each`]).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use futures::future::join_all;
use indicatif::ProgressBar;
use tokio::sync::Semaphore;
use ztaudit_checks::{CallError, Collected, ErrorKind};

use super::allow_list;
use super::error::{classify, THROTTLING_CODES};
use super::sorted;

/// What the recorder saw of one operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationStats {
    /// Invocations (each page is one).
    pub calls: u64,
    /// Attempts beyond the first, made by the SDK's retry strategy.
    pub retries: u64,
    /// Attempts answered with a throttling error (429, 503, or a throttling error code).
    pub throttles: u64,
    /// Invocations answered with an error after their retries (expected answers such as
    /// "not subscribed" included).
    pub failures: u64,
    /// Wall time of the invocations, retries and backoff included, summed.
    pub time: Duration,
}

/// Records every operation the SDK clients it is attached to invoke, and refuses any operation
/// that is not on the read-only allow-list before it is sent. An interceptor, so that no call
/// escapes it. Feeds `collection.operations` in the snapshot and `--stats`; operations are keyed
/// by the IAM action they need (`ec2:DescribeRegions`).
#[derive(Debug, Clone, Default)]
pub struct CallRecorder(Arc<Mutex<BTreeMap<String, OperationStats>>>);

/// When the current invocation started, kept in the invocation's own config bag.
#[derive(Debug, Clone, Copy)]
struct StartedAt(Instant);

impl Storable for StartedAt {
    type Storer = StoreReplace<Self>;
}

/// The allow-listed IAM action of the current invocation, once checked.
#[derive(Debug, Clone, Copy)]
struct Allowed(&'static str);

impl Storable for Allowed {
    type Storer = StoreReplace<Self>;
}

/// Set once the current invocation has made its first attempt.
#[derive(Debug, Clone, Copy)]
struct Attempted;

impl Storable for Attempted {
    type Storer = StoreReplace<Self>;
}

impl CallRecorder {
    /// Invocations in all.
    pub fn total(&self) -> u64 {
        self.operation_stats()
            .values()
            .map(|stats| stats.calls)
            .sum()
    }

    /// The statistics recorded so far (a copy), per IAM action in name order.
    pub fn operation_stats(&self) -> BTreeMap<String, OperationStats> {
        self.0.lock().map(|map| map.clone()).unwrap_or_default()
    }

    fn update(&self, cfg: &ConfigBag, change: impl FnOnce(&mut OperationStats)) {
        let Some(action) = cfg.load::<Allowed>() else {
            return;
        };
        if let Ok(mut map) = self.0.lock() {
            change(map.entry(action.0.to_owned()).or_default());
        }
    }
}

/// Whether an attempt was answered "slow down": status 429 or 503, or a 400 naming one of the
/// throttling error codes.
fn is_throttling(status: u16, body: Option<&[u8]>) -> bool {
    if status == 429 || status == 503 {
        return true;
    }
    status == 400
        && body.is_some_and(|body| {
            let text = String::from_utf8_lossy(body);
            THROTTLING_CODES.iter().any(|code| text.contains(code))
        })
}

impl Intercept for CallRecorder {
    fn name(&self) -> &'static str {
        "ztaudit::CallRecorder"
    }

    /// The first hook that sees the operation's metadata; a refusal here sends nothing.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|metadata| (metadata.service().to_owned(), metadata.name().to_owned()))
            .unwrap_or_default();
        let Some(action) = allow_list::iam_action(&service, &operation) else {
            return Err(format!(
                "ztaudit refused to call {service} {operation}: it is not on its read-only \
                 allow-list"
            )
            .into());
        };
        cfg.interceptor_state().store_put(Allowed(action));
        cfg.interceptor_state().store_put(StartedAt(Instant::now()));
        self.update(cfg, |stats| stats.calls += 1);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Every attempt after the invocation's first is a retry.
        if cfg.load::<Attempted>().is_some() {
            self.update(cfg, |stats| stats.retries += 1);
        } else {
            cfg.interceptor_state().store_put(Attempted);
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response() {
            if is_throttling(response.status().as_u16(), response.body().bytes()) {
                self.update(cfg, |stats| stats.throttles += 1);
            }
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let elapsed = cfg
            .load::<StartedAt>()
            .map(|started| started.0.elapsed())
            .unwrap_or_default();
        let failed = context
            .output_or_error()
            .is_some_and(|result| result.is_err());
        self.update(cfg, |stats| {
            stats.time += elapsed;
            if failed {
                stats.failures += 1;
            }
        });
        Ok(())
    }
}

/// Shared by every call of one collection.
#[derive(Clone)]
pub struct Calls {
    limiter: Arc<Semaphore>,
    progress: ProgressBar,
}

impl Calls {
    pub fn new(concurrency: usize, progress: ProgressBar) -> Self {
        Calls {
            limiter: Arc::new(Semaphore::new(concurrency.max(1))),
            progress,
        }
    }

    /// The calls of one region (or of a global service, with `region` `None`).
    pub fn in_region(&self, region: Option<&str>, enabled: bool) -> RegionCalls {
        RegionCalls {
            calls: self.clone(),
            region: region.map(str::to_owned),
            enabled,
        }
    }

    pub fn progress(&self) -> &ProgressBar {
        &self.progress
    }
}

pub struct RegionCalls {
    calls: Calls,
    region: Option<String>,
    enabled: bool,
}

impl RegionCalls {
    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Runs one operation and records its outcome. In a disabled region nothing is sent and the
    /// outcome is `RegionDisabled`. A paginated operation goes through
    /// [`paginate`](Self::paginate) instead, which reads it to the last page.
    pub async fn run<T, E, Fut>(
        &self,
        service: &str,
        operation: &str,
        call: impl FnOnce() -> Fut,
    ) -> Collected<T>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.calls.progress.inc_length(1);
        let region = self.region.as_deref();
        if !self.enabled {
            self.calls.progress.inc(1);
            return Collected::Error(CallError {
                service: service.to_owned(),
                operation: operation.to_owned(),
                region: region.map(str::to_owned),
                kind: ErrorKind::RegionDisabled,
                code: None,
                message: "the account has not enabled this opt-in region".to_owned(),
            });
        }
        let started = std::time::Instant::now();
        let outcome = {
            // The semaphore is never closed, so acquiring can only fail if it were.
            let _permit = self.calls.limiter.acquire().await;
            call().await
        };
        self.calls.progress.inc(1);
        match outcome {
            Ok(value) => {
                tracing::debug!(
                    "{service}:{operation} in {} took {} ms",
                    region.unwrap_or("the global endpoint"),
                    started.elapsed().as_millis()
                );
                Collected::Ok(value)
            }
            Err(error) => {
                let error = classify(service, operation, region, &error);
                tracing::warn!("{error}");
                Collected::Error(error)
            }
        }
    }

    /// Reads a paginated operation to its last page as one recorded [`run`](Self::run), then
    /// hands everything read to `finish`. `pages` makes the stream of the operation's SDK
    /// paginator: `.into_paginator().items().send()` for its items, `.into_paginator().send()`
    /// for whole pages (an operation whose pages hold several lists, or no item view).
    pub async fn paginate<T, E, Out>(
        &self,
        service: &str,
        operation: &str,
        pages: impl FnOnce() -> PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
        finish: impl FnOnce(Vec<T>) -> Out,
    ) -> Collected<Out>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.run(service, operation, || async move {
            pages().try_collect().await.map(finish)
        })
        .await
    }

    /// [`paginate`](Self::paginate) in the shape of most Describe and List calls: every item
    /// converted to its snapshot type, the list sorted.
    pub async fn list<T, E, Out: Ord>(
        &self,
        service: &str,
        operation: &str,
        pages: impl FnOnce() -> PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
        convert: impl FnMut(&T) -> Out,
    ) -> Collected<Vec<Out>>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.paginate(service, operation, pages, |items| {
            sorted(items.iter().map(convert).collect())
        })
        .await
    }
}

/// The list-then-get-each shape: when the listing was read, `get` reads each listed item, all of
/// them at once (their calls bounded like every call, by [`Calls`]), each keeping its own
/// outcome; the results come in the listing's order. When the listing failed, its error stands
/// for the whole, and nothing is read.
pub async fn get_each<Listed, Got, Gathered, Fut>(
    listed: Collected<Vec<Listed>>,
    get: impl FnMut(Listed) -> Fut,
) -> Collected<Gathered>
where
    Fut: Future<Output = Got>,
    Gathered: FromIterator<Got>,
{
    match listed {
        Collected::Ok(items) => Collected::Ok(
            join_all(items.into_iter().map(get))
                .await
                .into_iter()
                .collect(),
        ),
        Collected::Error(error) => Collected::Error(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_throttling_code_counts_whatever_the_protocol() {
        for code in THROTTLING_CODES {
            let query =
                format!("<Response><Errors><Error><Code>{code}</Code></Error></Errors></Response>");
            let json = format!(r#"{{"__type":"{code}","message":"slow down"}}"#);
            assert!(is_throttling(400, Some(query.as_bytes())), "{code}");
            assert!(is_throttling(400, Some(json.as_bytes())), "{code}");
        }
    }

    #[test]
    fn too_many_requests_and_unavailable_count_whatever_the_body() {
        assert!(is_throttling(429, None));
        assert!(is_throttling(503, Some(b"<html>busy</html>")));
    }

    #[test]
    fn other_answers_do_not_count() {
        let denied = br#"{"__type":"AccessDeniedException","message":"not authorized"}"#;
        assert!(!is_throttling(400, Some(denied)));
        assert!(!is_throttling(403, Some(denied)));
        assert!(!is_throttling(400, None));
        assert!(!is_throttling(200, Some(b"{}")));
    }
}
