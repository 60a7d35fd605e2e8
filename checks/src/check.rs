//! What a check is: its metadata (declared once, beside its logic, with [`declare_check!`]) and
//! the [`Check`] trait the runner calls.
//!
//! The metadata is the single source of `ztaudit checks`, `ztaudit explain ID`, the README's
//! check list and the compliance ids carried by every finding.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// AWS Foundational Security Best Practices control ids.
    pub fsbp: &'static [&'static str],
    /// CIS AWS Foundations Benchmark v3.0 recommendation ids.
    pub cis: &'static [&'static str],
    /// The check's documentation: Markdown with the sections in [`DOC_SECTIONS`].
    pub docs: &'static str,
    pub remediation: Remediation,
}

/// Sections every check's documentation must have, in this order.
pub const DOC_SECTIONS: [&str; 4] = [
    "## What it does",
    "## Why is this bad?",
    "## How it is evaluated",
    "## References",
];

/// A check: a pure function of the snapshot that pushes findings.
///
/// A check must push an `ERROR` finding (with [`Findings::require`] that is one line) whenever
/// data it needs could not be collected: never a `PASS` and never nothing.
pub trait Check: Sync {
    fn meta(&self) -> &'static CheckMeta;
    fn run(&self, snapshot: &Snapshot, config: &CheckConfig, out: &mut Findings);
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
///         fsbp: ["EC2.2"],
///         cis: ["5.4"],
///         remediation_cli: "aws ec2 revoke-security-group-ingress …",
///         remediation_terraform: "resource \"aws_default_security_group\" …",
///         run: evaluate,
///     }
/// }
/// ```
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
            fsbp: [$($fsbp:literal),* $(,)?],
            cis: [$($cis:literal),* $(,)?],
            remediation_cli: $cli:literal,
            remediation_terraform: $terraform:literal,
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
        }
    };
}
