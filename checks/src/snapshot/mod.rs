//! The snapshot: everything the collector read from one account, and every call that failed.
//!
//! A snapshot is the only input of the checks, and it is saved as JSON so that a scan can be
//! replayed offline (`ztaudit scan --snapshot`). Each piece of data that one API call (with its
//! pages) produced is a [`Collected`]: either the data, or the [`CallError`] that prevented reading
//! it. A field absent from a saved snapshot reads as "not collected", so a check can never mistake
//! missing data for an empty, compliant account.
//!
//! Every list is sorted by the collector, so two collections of the same account diff cleanly.

mod arn;
mod cloudtrail;
mod config;
mod ec2;
mod elb;
mod events;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod load;
mod organizations;
mod rds;
mod response_targets;
mod s3;
mod secrets;
mod securityhub;
mod ssm;
mod unused_access;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

pub use arn::*;
pub use cloudtrail::*;
pub use config::*;
pub use ec2::*;
pub use elb::*;
pub use events::*;
pub use guardduty::*;
pub use iam::*;
pub use kms::*;
pub use lambda::*;
pub use load::SnapshotError;
pub use organizations::*;
pub use rds::*;
pub use response_targets::*;
pub use s3::*;
pub use secrets::*;
pub use securityhub::*;
pub use ssm::*;
pub use unused_access::*;

/// Version of the snapshot's JSON layout. Raise it on any change an older ztaudit would misread.
pub const SCHEMA_VERSION: u32 = 1;

/// What one collection read from one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub schema_version: u32,
    /// Version of the ztaudit that collected it.
    pub tool_version: String,
    /// The 12-digit account id, from STS `GetCallerIdentity`.
    pub account: String,
    /// `aws`, `aws-cn`, `aws-us-gov`…, from the caller's ARN.
    pub partition: String,
    /// When the collection ran and how many API calls it made.
    pub collection: CollectionInfo,
    /// Per scanned region, the regional services' data. The keys are the scanned regions.
    pub regions: BTreeMap<String, RegionData>,
    /// Global services' data.
    #[serde(default)]
    pub global: GlobalData,
}

/// Data of global (not regional) services.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalData {
    #[serde(default)]
    pub iam: IamData,
    #[serde(default)]
    pub s3: S3Global,
    #[serde(default)]
    pub organizations: OrganizationsGlobal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionInfo {
    /// RFC 3339, UTC.
    pub started_at: String,
    /// RFC 3339, UTC.
    pub finished_at: String,
    /// Operations invoked (each page counts once; retries are not counted here).
    pub api_calls: u64,
    /// The same calls per operation, keyed `service:Operation` with the SDK's service name
    /// (`ec2:DescribeRegions`): the record of exactly what the collection asked AWS.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub operations: BTreeMap<String, u64>,
}

/// The regional data of one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionData {
    #[serde(default)]
    pub ec2: Ec2Region,
    #[serde(default)]
    pub cloudtrail: CloudTrailRegion,
    #[serde(default)]
    pub guardduty: GuardDutyRegion,
    #[serde(default)]
    pub securityhub: SecurityHubRegion,
    #[serde(default)]
    pub config: ConfigRegion,
    #[serde(default)]
    pub events: EventsRegion,
    #[serde(default)]
    pub rds: RdsRegion,
    #[serde(default)]
    pub kms: KmsRegion,
    #[serde(default)]
    pub elb: ElbRegion,
    #[serde(default)]
    pub ssm: SsmRegion,
    #[serde(default)]
    pub secretsmanager: SecretsRegion,
    #[serde(default)]
    pub lambda: LambdaRegion,
    #[serde(default)]
    pub stepfunctions: StepFunctionsRegion,
    #[serde(default)]
    pub sns: SnsRegion,
    #[serde(default)]
    pub sqs: SqsRegion,
}

impl RegionData {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = self.ec2.call_errors();
        errors.extend(self.cloudtrail.call_errors());
        errors.extend(self.guardduty.call_errors());
        errors.extend(self.securityhub.call_errors());
        errors.extend(self.config.call_errors());
        errors.extend(self.events.call_errors());
        errors.extend(self.rds.call_errors());
        errors.extend(self.kms.call_errors());
        errors.extend(self.elb.call_errors());
        errors.extend(self.ssm.call_errors());
        errors.extend(self.secretsmanager.call_errors());
        errors.extend(self.lambda.call_errors());
        errors.extend(self.stepfunctions.call_errors());
        errors.extend(self.sns.call_errors());
        errors.extend(self.sqs.call_errors());
        errors
    }
}

impl Snapshot {
    /// The tags of every resource whose tags were collected (VPCs and instances), by resource
    /// id: what a suppression's `tag` is matched against.
    pub fn tags_by_resource_id(&self) -> HashMap<&str, &BTreeMap<String, String>> {
        let mut tags = HashMap::new();
        for region in self.regions.values() {
            if let Ok(vpcs) = region.ec2.vpcs.as_result() {
                tags.extend(vpcs.iter().map(|vpc| (vpc.id.as_str(), &vpc.tags)));
            }
            if let Ok(instances) = region.ec2.instances.as_result() {
                tags.extend(instances.iter().map(|i| (i.id.as_str(), &i.tags)));
            }
        }
        tags
    }

    /// Every call error recorded anywhere in the snapshot.
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = self.global.iam.call_errors();
        errors.extend(self.global.s3.call_errors());
        errors.extend(self.global.organizations.call_errors());
        errors.extend(self.regions.values().flat_map(RegionData::call_errors));
        errors
    }
}

/// The outcome of reading one piece of data: the data, or why it could not be read.
///
/// Serialized as `{"ok": …}` or `{"error": {…}}`. Defaults to an error of kind
/// [`ErrorKind::NotCollected`], which is what a snapshot field that is absent means.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collected<T> {
    Ok(T),
    Error(CallError),
}

impl<T> Default for Collected<T> {
    fn default() -> Self {
        Collected::Error(CallError::not_collected())
    }
}

impl<T> Collected<T> {
    pub fn as_result(&self) -> Result<&T, &CallError> {
        match self {
            Collected::Ok(value) => Ok(value),
            Collected::Error(err) => Err(err),
        }
    }

    pub fn error(&self) -> Option<&CallError> {
        self.as_result().err()
    }

    /// Whether this is the "not collected" of data a collection did not read.
    pub fn is_not_collected(&self) -> bool {
        self.error()
            .is_some_and(|error| error.kind == ErrorKind::NotCollected)
    }

    /// The value, or the error. Used once per listing at the organization collector's edge,
    /// where the error becomes an account's failure reason: boxing it would buy nothing.
    #[allow(clippy::result_large_err)]
    pub fn into_result(self) -> Result<T, CallError> {
        match self {
            Collected::Ok(value) => Ok(value),
            Collected::Error(err) => Err(err),
        }
    }

    /// The value made from what was collected; an error stays the error.
    pub fn map<U>(self, make: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Collected::Ok(value) => Collected::Ok(make(value)),
            Collected::Error(err) => Collected::Error(err),
        }
    }
}

/// Every part collected, or the first part's error: a whole made of parts is known only when
/// each part is.
impl<T> FromIterator<Collected<T>> for Collected<Vec<T>> {
    fn from_iter<I: IntoIterator<Item = Collected<T>>>(parts: I) -> Self {
        let mut whole = Vec::new();
        for part in parts {
            match part {
                Collected::Ok(value) => whole.push(value),
                Collected::Error(err) => return Collected::Error(err),
            }
        }
        Collected::Ok(whole)
    }
}

impl<T> From<Result<T, CallError>> for Collected<T> {
    fn from(result: Result<T, CallError>) -> Self {
        match result {
            Ok(value) => Collected::Ok(value),
            Err(err) => Collected::Error(err),
        }
    }
}

/// Why an API call's data is missing. Recorded against the service, operation and region it
/// concerns, so that the ERROR findings it causes can say exactly what failed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallError {
    /// Service name as in IAM actions: `ec2`, `iam`, `s3`…
    pub service: String,
    /// API operation, e.g. `DescribeSecurityGroups`.
    pub operation: String,
    /// `None` for global services.
    pub region: Option<String>,
    pub kind: ErrorKind,
    /// The AWS error code when AWS answered one, e.g. `UnauthorizedOperation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    AccessDenied,
    /// Still throttled after the SDK's retries.
    Throttled,
    Timeout,
    /// An opt-in region that the account has not enabled.
    RegionDisabled,
    /// The endpoint could not be reached.
    Network,
    /// The snapshot holds no data for this field (an older or partial snapshot).
    NotCollected,
    /// A snapshot mapped from a Terraform plan (`ztaudit plan`): the plan does not declare
    /// this data. Account- and region-level checks on it are NOT_APPLICABLE; a resource whose
    /// verdict hangs on it is UNDECIDED. The message names the data (`the account's S3 Block
    /// Public Access`).
    NotInPlan,
    Other,
}

impl CallError {
    /// Data a Terraform plan does not declare; `what` names it for messages.
    pub fn not_in_plan(service: &str, what: impl Into<String>) -> Self {
        CallError {
            service: service.to_owned(),
            operation: String::new(),
            region: None,
            kind: ErrorKind::NotInPlan,
            code: None,
            message: what.into(),
        }
    }

    pub fn not_collected() -> Self {
        CallError {
            service: String::new(),
            operation: String::new(),
            region: None,
            kind: ErrorKind::NotCollected,
            code: None,
            message: "this data is not in the snapshot".to_owned(),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::AccessDenied => "access denied",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Timeout => "timed out",
            ErrorKind::RegionDisabled => "region not enabled",
            ErrorKind::Network => "network error",
            ErrorKind::NotCollected => "not collected",
            ErrorKind::NotInPlan => "not declared in the plan",
            ErrorKind::Other => "failed",
        })
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if matches!(self.kind, ErrorKind::NotCollected | ErrorKind::NotInPlan) {
            return f.write_str(&self.message);
        }
        write!(f, "{}:{}", self.service, self.operation)?;
        if let Some(region) = &self.region {
            write!(f, " in {region}")?;
        }
        write!(f, " {}", self.kind)?;
        match (&self.code, self.message.is_empty()) {
            (Some(code), true) => write!(f, " ({code})"),
            (Some(code), false) => write!(f, " ({code}: {})", self.message),
            (None, _) => write!(f, " ({})", self.message),
        }
    }
}
