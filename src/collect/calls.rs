//! The collector's plumbing: every AWS call goes through [`Calls::run`], which bounds concurrency,
//! counts the call, advances the progress bar and turns failure into a [`CallError`].

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::config_bag::ConfigBag;
use indicatif::ProgressBar;
use tokio::sync::Semaphore;
use ztaudit_checks::{CallError, Collected, ErrorKind};

use super::error::classify;

/// Counts operation invocations (each page is one) across every client it is attached to.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<AtomicU64>);

impl CallCounter {
    pub fn total(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "ztaudit::CallCounter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
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

    /// Runs one operation (all its pages, when `call` collects a paginator) and records its
    /// outcome. In a disabled region nothing is sent and the outcome is `RegionDisabled`.
    pub async fn run<T, E, R, Fut>(
        &self,
        service: &str,
        operation: &str,
        call: impl FnOnce() -> Fut,
    ) -> Collected<T>
    where
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
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
        let outcome = {
            // The semaphore is never closed, so acquiring can only fail if it were.
            let _permit = self.calls.limiter.acquire().await;
            call().await
        };
        self.calls.progress.inc(1);
        match outcome {
            Ok(value) => Collected::Ok(value),
            Err(error) => {
                let error = classify(service, operation, region, &error);
                tracing::warn!("{error}");
                Collected::Error(error)
            }
        }
    }
}
