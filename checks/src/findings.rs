//! Findings: one result per (check, resource), and the sink checks push them into.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{CheckMeta, Pillar, Severity};
use crate::snapshot::{Account, ArnScope, AwsResource, CallError, Collected, ErrorKind, Snapshot};

/// The verdict on one resource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Fail,
    Error,
    Pass,
    NotApplicable,
    /// A failing finding that a suppression in `ztaudit.toml` accepts. Only the report layer
    /// sets it, never a check; the gate does not count it.
    Muted,
    /// Not decidable before apply (`ztaudit plan`): the verdict hangs on a value Terraform
    /// knows only after apply, or on data the plan does not declare. Neither PASS nor FAIL;
    /// the gate does not count it, and the score counts it as ERROR is (not proven).
    Undecided,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
            Status::NotApplicable => "NOT_APPLICABLE",
            Status::Muted => "MUTED",
            Status::Undecided => "UNDECIDED",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compliance frameworks a check corresponds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Compliance {
    /// AWS Foundational Security Best Practices control ids.
    pub fsbp: Vec<Cow<'static, str>>,
    /// CIS AWS Foundations Benchmark v3.0 ids.
    pub cis: Vec<Cow<'static, str>>,
}

/// One check's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Borrowed from the check's metadata when a check makes the finding (no allocation per
    /// finding), owned when read back from a file.
    pub check_id: Cow<'static, str>,
    pub status: Status,
    pub severity: Severity,
    pub pillar: Pillar,
    /// ARN where AWS has one, otherwise the resource id.
    pub resource: String,
    /// CloudFormation-style type, e.g. `AWS::EC2::SecurityGroup`.
    pub resource_type: Cow<'static, str>,
    pub region: String,
    pub account: String,
    pub message: String,
    pub compliance: Compliance,
    /// The structured data behind the message, for checks that have some; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<FindingDetails>,
    /// Where the resource is declared, for findings on a Terraform plan (`ztaudit plan`):
    /// `resource` is then the Terraform address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<TerraformOrigin>,
}

/// What a finding is about, in full and structured, for the programs that read the JSON
/// report: a message may shorten a long list for people ("… and 77 more"), the details never
/// do. Each list is left out when empty; a check fills the ones that fit what it found, and a
/// new kind of detail is a new list here, so existing readers are never broken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingDetails {
    /// Actions the finding is about, each with a statement that allows it: one entry per
    /// (action, statement) pair, in the order of the message. ZT101: every sensitive action
    /// allowed without MFA and every statement that grants it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_actions: Vec<AllowedAction>,
}

/// An action and a policy statement that allows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AllowedAction {
    /// As the catalogue or the policy spells it, e.g. `iam:CreateUser`.
    pub action: String,
    /// The policy holding the statement, as messages name it: `policy NAME`, `inline policy
    /// NAME of user USER`, or the file `ztaudit policy lint` read.
    pub policy: String,
    /// The statement's position in the policy's `Statement` list, from 0.
    pub statement: usize,
    /// The statement's `Sid`, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// The Terraform declaration a finding on a plan is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TerraformOrigin {
    /// The Terraform resource type, e.g. `aws_security_group`.
    pub resource_type: String,
    /// The source of the module that declares it (`./modules/net`,
    /// `terraform-aws-modules/vpc/aws`), when the plan's `configuration` gives it; absent for
    /// the root module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_source: Option<String>,
}

/// The region findings of global services (IAM) are reported in.
pub const GLOBAL_REGION: &str = "global";

/// The resource a finding is about. Built by [`Findings::resource`] from a snapshot value, so
/// that every check names a resource the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: String,
    pub kind: &'static str,
    pub region: String,
}

/// Where a check pushes its findings. It stamps each one with the check's metadata and the
/// snapshot's account, so a check only says what it found.
pub struct Findings {
    meta: &'static CheckMeta,
    account: String,
    partition: String,
    findings: Vec<Finding>,
}

impl Findings {
    pub fn new(meta: &'static CheckMeta, snapshot: &Snapshot) -> Self {
        Self::for_account(meta, &snapshot.account, &snapshot.partition)
    }

    /// Findings not tied to a snapshot (`ztaudit policy lint`); `account` may be empty.
    pub fn for_account(meta: &'static CheckMeta, account: &str, partition: &str) -> Self {
        Findings {
            meta,
            account: account.to_owned(),
            partition: partition.to_owned(),
            findings: Vec::new(),
        }
    }

    pub fn pass(&mut self, resource: Resource, message: impl Into<String>) {
        self.push(Status::Pass, resource, message.into());
    }

    pub fn fail(&mut self, resource: Resource, message: impl Into<String>) {
        self.push(Status::Fail, resource, message.into());
    }

    /// A FAIL finding with the structured data behind its message.
    pub fn fail_with_details(
        &mut self,
        resource: Resource,
        message: impl Into<String>,
        details: FindingDetails,
    ) {
        self.push(Status::Fail, resource, message.into());
        if let Some(finding) = self.findings.last_mut() {
            finding.details = Some(details);
        }
    }

    pub fn not_applicable(&mut self, resource: Resource, message: impl Into<String>) {
        self.push(Status::NotApplicable, resource, message.into());
    }

    /// An ERROR finding: the verdict on `resource` is unknown because `error` kept its data
    /// from being read. Data a Terraform plan does not declare ([`ErrorKind::NotInPlan`])
    /// makes the verdict on a resource of the plan not decidable before apply: UNDECIDED; on
    /// the account as a whole (an account-wide check), the plan has nothing to say about it:
    /// NOT_APPLICABLE.
    pub fn error(&mut self, resource: Resource, error: &CallError) {
        if resource.kind == Account::RESOURCE_TYPE {
            self.missing(resource, error);
        } else if error.kind == ErrorKind::NotInPlan {
            self.undecided(resource, format!("depends on {}", error.message));
        } else {
            self.unevaluable(resource, error);
        }
    }

    /// An UNDECIDED finding (`ztaudit plan`): `reason` says what the verdict hangs on.
    pub fn undecided(&mut self, resource: Resource, reason: impl fmt::Display) {
        self.push(
            Status::Undecided,
            resource,
            format!("not decidable before apply: {reason}"),
        );
    }

    /// The finding of an account- or region-level check whose data is missing: ERROR, or
    /// NOT_APPLICABLE when the data is not declared in a Terraform plan (the plan does not
    /// manage that subject, so it has nothing to say about it).
    fn missing(&mut self, resource: Resource, error: &CallError) {
        if error.kind == ErrorKind::NotInPlan {
            self.not_applicable(
                resource,
                format!("not declared in the plan ({})", error.message),
            );
        } else {
            self.unevaluable(resource, error);
        }
    }

    /// An ERROR finding for a reason other than a failed call (a policy the engine cannot
    /// parse, say).
    pub fn unevaluable(&mut self, resource: Resource, reason: impl fmt::Display) {
        self.push(
            Status::Error,
            resource,
            format!("could not evaluate: {reason}"),
        );
    }

    /// Returns the collected data, or pushes an ERROR finding for the whole region (against
    /// `arn:…:SERVICE:REGION:ACCOUNT:account`) and returns `None`.
    pub fn require<'d, T>(
        &mut self,
        service: &str,
        region: &str,
        data: &'d Collected<T>,
    ) -> Option<&'d T> {
        match data.as_result() {
            Ok(value) => Some(value),
            Err(error) => {
                let resource = self.account_resource(service, region);
                self.missing(resource, error);
                None
            }
        }
    }

    /// Like [`Findings::require`], for data of a global service: the ERROR finding is against
    /// `arn:PARTITION:SERVICE::ACCOUNT:account` in region `global`.
    pub fn require_global<'d, T>(
        &mut self,
        service: &str,
        data: &'d Collected<T>,
    ) -> Option<&'d T> {
        match data.as_result() {
            Ok(value) => Some(value),
            Err(error) => {
                let resource = self.resource(GLOBAL_REGION, &Account { service });
                self.missing(resource, error);
                None
            }
        }
    }

    /// The account's partition (`aws`, `aws-cn`…), for ARNs that name no account (S3 buckets).
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The resource `item` is, listed in `region` (`GLOBAL_REGION` for the account-wide lists
    /// of IAM and S3): its ARN, its type and the region its findings are reported in.
    pub fn resource(&self, region: &str, item: &impl AwsResource) -> Resource {
        Resource {
            id: item.arn(self.scope(region)),
            kind: item.resource_type(),
            region: item.finding_region(region).to_owned(),
        }
    }

    /// The account in one region, the resource of account- and region-level checks:
    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:account`.
    pub fn account_resource(&self, service: &str, region: &str) -> Resource {
        self.resource(region, &Account { service })
    }

    fn scope<'a>(&'a self, region: &'a str) -> ArnScope<'a> {
        ArnScope {
            partition: &self.partition,
            account: &self.account,
            region,
        }
    }

    fn push(&mut self, status: Status, resource: Resource, message: String) {
        self.findings.push(Finding {
            check_id: Cow::Borrowed(self.meta.id),
            status,
            severity: self.meta.severity,
            pillar: self.meta.pillar,
            resource: resource.id,
            resource_type: Cow::Borrowed(resource.kind),
            region: resource.region,
            account: self.account.clone(),
            message,
            compliance: Compliance {
                fsbp: self.meta.fsbp.iter().map(|s| Cow::Borrowed(*s)).collect(),
                cis: self.meta.cis.iter().map(|s| Cow::Borrowed(*s)).collect(),
            },
            details: None,
            terraform: None,
        });
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.findings
    }
}
