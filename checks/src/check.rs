//! What a check is: its metadata (declared once, beside its logic, with [`declare_check!`]) and
//! the [`Check`] trait the runner calls.
//!
//! The metadata is the single source of `ztaudit checks`, `ztaudit explain ID`, the README's
//! check list and the compliance ids carried by every finding. A check that can judge a
//! standalone policy document says so in its declaration (`judge_policy`), which is how
//! `ztaudit policy lint` finds its rules in the same registry.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ztaudit_policy::PolicyDocument;

use crate::findings::FindingDetails;
use crate::{CheckConfig, Findings, Snapshot};

/// How bad a failing finding is. Ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first, the order reports list them in.
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::DESCENDING
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown severity `{s}` (critical, high, medium, low, info)"))
    }
}

/// The pillars of CISA's Zero Trust Maturity Model (v2), plus its three cross-cutting
/// capabilities. The digit is the hundreds of the check codes (`ZT3xx` are Networks checks).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Pillar {
    #[serde(rename = "Identity")]
    Identity,
    #[serde(rename = "Devices")]
    Devices,
    #[serde(rename = "Networks")]
    Networks,
    #[serde(rename = "Applications & Workloads")]
    ApplicationsWorkloads,
    #[serde(rename = "Data")]
    Data,
    #[serde(rename = "Visibility & Analytics")]
    VisibilityAnalytics,
    #[serde(rename = "Automation & Orchestration")]
    AutomationOrchestration,
    #[serde(rename = "Governance")]
    Governance,
}

impl Pillar {
    pub const ALL: [Pillar; 8] = [
        Pillar::Identity,
        Pillar::Devices,
        Pillar::Networks,
        Pillar::ApplicationsWorkloads,
        Pillar::Data,
        Pillar::VisibilityAnalytics,
        Pillar::AutomationOrchestration,
        Pillar::Governance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Pillar::Identity => "Identity",
            Pillar::Devices => "Devices",
            Pillar::Networks => "Networks",
            Pillar::ApplicationsWorkloads => "Applications & Workloads",
            Pillar::Data => "Data",
            Pillar::VisibilityAnalytics => "Visibility & Analytics",
            Pillar::AutomationOrchestration => "Automation & Orchestration",
            Pillar::Governance => "Governance",
        }
    }

    /// The hundreds digit of this pillar's check codes.
    pub fn code_digit(self) -> char {
        match self {
            Pillar::Identity => '1',
            Pillar::Devices => '2',
            Pillar::Networks => '3',
            Pillar::ApplicationsWorkloads => '4',
            Pillar::Data => '5',
            Pillar::VisibilityAnalytics => '6',
            Pillar::AutomationOrchestration => '7',
            Pillar::Governance => '8',
        }
    }
}

impl fmt::Display for Pillar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How settled a check is: what a user may rely on when they gate a build on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckStatus {
    /// Its verdicts change only to correct a mistake.
    Stable,
    /// New: its verdicts and messages may still change as it meets real accounts.
    Preview,
    /// Still runs, but is to be removed; its code then joins [`crate::registry::RETIRED`] and
    /// is never given to another check.
    Deprecated,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Stable => "stable",
            CheckStatus::Preview => "preview",
            CheckStatus::Deprecated => "deprecated",
        }
    }
}

impl fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How to fix a failing resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Remediation {
    /// An AWS CLI command (with placeholders in capitals).
    pub cli: &'static str,
    /// A Terraform snippet.
    pub terraform: &'static str,
}

/// Everything about a check except its logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CheckMeta {
    /// Stable code, never reused: `ZT` + pillar digit + two digits.
    pub id: &'static str,
    /// Kebab-case name of the bad state, e.g. `security-group-open-to-internet`.
    pub name: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub pillar: Pillar,
    /// Shown by `ztaudit checks` and `ztaudit explain`; not part of the JSON report.
    #[serde(skip)]
    pub status: CheckStatus,
    /// The ztaudit version the check first appeared in (`0.1.0`). Not part of the JSON report.
    #[serde(skip)]
    pub since: &'static str,
    /// The opt-in data the check needs, when it needs some: such a check is not in a default
    /// run, and runs (its data collected) only when asked for. Not part of the JSON report.
    #[serde(skip)]
    pub opt_in: Option<OptInData>,
    /// AWS Foundational Security Best Practices control ids.
    pub fsbp: &'static [&'static str],
    /// CIS AWS Foundations Benchmark v3.0 recommendation ids.
    pub cis: &'static [&'static str],
    /// The check's documentation: Markdown with the sections in [`DOC_SECTIONS`].
    pub docs: &'static str,
    pub remediation: Remediation,
}

/// Data a default collection leaves out because reading it multiplies the calls (per user and
/// role): a check that needs it is opt-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OptInData {
    /// `IamData::unused_access`, turned on by `--unused-access` or `[unused_access]`.
    UnusedAccess,
}

/// Sections every check's documentation must have, in this order.
pub const DOC_SECTIONS: [&str; 4] = [
    "## What it does",
    "## Why is this bad?",
    "## How it is evaluated",
    "## References",
];

/// A policy check's verdict on one document: `Some(Ok(why it passes))`, `Some(Err(why it
/// fails))`, or `None` when the check has nothing to say about it.
pub type PolicyVerdict = Option<Result<String, PolicyFailure>>;

/// Why a policy check fails a document: the message, and the structured data behind it when
/// the check has some. A plain message converts with `.into()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFailure {
    pub message: String,
    pub details: Option<FindingDetails>,
}

impl From<String> for PolicyFailure {
    fn from(message: String) -> Self {
        PolicyFailure {
            message,
            details: None,
        }
    }
}

/// How a policy check judges one document named `name` (a file, or a file and a JSON path);
/// the same function serves the account check and `ztaudit policy lint`.
pub type PolicyJudge =
    fn(name: &str, document: &PolicyDocument, config: &CheckConfig) -> PolicyVerdict;

/// A check: a pure function of the snapshot that pushes findings.
///
/// A check must push an `ERROR` finding (with [`Findings::require`] that is one line) whenever
/// data it needs could not be collected: never a `PASS` and never nothing.
pub trait Check: Sync {
    fn meta(&self) -> &'static CheckMeta;
    fn run(&self, snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings);

    /// How the check judges a standalone IAM policy document, when it can: the rules of
    /// `ztaudit policy lint` are the checks that answer `Some`. Declared with `judge_policy` in
    /// [`declare_check!`].
    fn judge_policy(&self) -> Option<PolicyJudge> {
        None
    }
}

/// Declares a check: a unit struct with its documentation (the doc comment), its metadata and
/// the function that evaluates it.
///
/// ```ignore
/// declare_check! {
///     /// ## What it does …
///     pub DefaultSecurityGroupHasRules {
///         id: "ZT302",
///         name: "default-security-group-has-rules",
///         title: "Default security group restricts all traffic",
///         severity: Medium,
///         pillar: Networks,
///         status: Stable,
///         since: "0.1.0",
///         fsbp: ["EC2.2"],
///         cis: ["5.4"],
///         remediation_cli: "aws ec2 revoke-security-group-ingress …",
///         remediation_terraform: "resource \"aws_default_security_group\" …",
///         run: evaluate,
///     }
/// }
/// ```
///
/// - `status` is a [`CheckStatus`] variant; `since` is the ztaudit version the check first
///   shipped in. Left out, they read `Stable` and `"0.1.0"`, which is true of every check of
///   the first release and of no check added later: a new check states both.
/// - `judge_policy: path`, optional and before `run`, names a [`PolicyJudge`]: the check then
///   also judges standalone policy documents, for `ztaudit policy lint`.
#[macro_export]
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $name:ident {
            id: $id:literal,
            name: $slug:literal,
            title: $title:literal,
            severity: $severity:ident,
            pillar: $pillar:ident,
            $(status: $status:ident,)?
            $(since: $since:literal,)?
            $(opt_in: $opt_in:ident,)?
            fsbp: [$($fsbp:literal),* $(,)?],
            cis: [$($cis:literal),* $(,)?],
            remediation_cli: $cli:literal,
            remediation_terraform: $terraform:literal,
            $(judge_policy: $judge:path,)?
            run: $run:path $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;

        impl $crate::check::Check for $name {
            fn meta(&self) -> &'static $crate::check::CheckMeta {
                static META: $crate::check::CheckMeta = $crate::check::CheckMeta {
                    id: $id,
                    name: $slug,
                    title: $title,
                    severity: $crate::check::Severity::$severity,
                    pillar: $crate::check::Pillar::$pillar,
                    status: $crate::__first_or!(
                        $($crate::check::CheckStatus::$status)?;
                        $crate::check::CheckStatus::Stable
                    ),
                    since: $crate::__first_or!($($since)?; "0.1.0"),
                    opt_in: $crate::__first_or!(
                        $(Some($crate::check::OptInData::$opt_in))?;
                        None
                    ),
                    fsbp: &[$($fsbp),*],
                    cis: &[$($cis),*],
                    docs: concat!($($doc, "\n"),*),
                    remediation: $crate::check::Remediation { cli: $cli, terraform: $terraform },
                };
                &META
            }

            fn run(
                &self,
                snapshot: &$crate::Snapshot,
                config: &$crate::CheckConfig,
                out: &mut $crate::Findings,
            ) {
                $run(snapshot, config, out)
            }

            $(
                fn judge_policy(&self) -> Option<$crate::check::PolicyJudge> {
                    Some($judge)
                }
            )?
        }
    };
}

/// `__first_or!(value; default)` is `value`, `__first_or!(; default)` is `default`: an optional
/// field of [`declare_check!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __first_or {
    ($value:expr; $default:expr) => {
        $value
    };
    (; $default:expr) => {
        $default
    };
}
