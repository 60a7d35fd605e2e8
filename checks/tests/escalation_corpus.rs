//! The privilege-escalation corpus: every case of `fixtures/escalation/` through the analysis
//! behind ZT117, against the verdict the case expects and justifies from the AWS
//! documentation. Every mismatch is reported, named, in one failure.
//!
//! A case is one JSON file: `description`, `justification` (the AWS page and the reason),
//! `principal` (the ARN judged), `expected` (`verdict`: `escalates`, `conditional`, `none`,
//! `administrator` or `unevaluable`; for the first two the exact `methods` found and, for a
//! conditional path, the open condition `keys`), `authorization` (the IAM data as the snapshot
//! holds it), and optionally `scps`: the SCP documents of each level from the root down.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use serde::Deserialize;
use ztaudit_checks::escalation::{analyse, AnalysisInput, Verdict};
use ztaudit_checks::snapshot::Authorization;
use ztaudit_policy::{Catalogue, PolicyDocument};

/// The issue asks for at least 25 cases.
const MINIMUM_CASES: usize = 25;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    justification: String,
    principal: String,
    expected: Expected,
    authorization: Authorization,
    #[serde(default)]
    scps: Vec<Vec<serde_json::Value>>,
    /// Lambda functions of the account, for the methods acting on an existing function.
    #[serde(default)]
    functions: Vec<CaseFunction>,
    /// Why some region's functions could not be read.
    #[serde(default)]
    functions_unread: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFunction {
    arn: String,
    role: String,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Expected {
    verdict: String,
    #[serde(default)]
    methods: BTreeSet<String>,
    #[serde(default)]
    keys: BTreeSet<String>,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/escalation")
}

#[test]
fn every_escalation_case_gets_its_expected_verdict() {
    let mut paths: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("fixtures/escalation exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= MINIMUM_CASES,
        "{} cases, at least {MINIMUM_CASES} wanted",
        paths.len()
    );
    let catalogue = Catalogue::builtin();
    let mut mismatches = Vec::new();
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let case: Case = serde_json::from_str(&fs::read_to_string(path).unwrap())
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert!(
            !case.description.is_empty()
                && (case.justification.contains("docs.aws.amazon.com")
                    || case.justification.contains("ZT117")),
            "{name}: every case says what it is and justifies its verdict"
        );
        let scp_levels: Vec<Vec<PolicyDocument>> = case
            .scps
            .iter()
            .map(|level| {
                level
                    .iter()
                    .map(|document| PolicyDocument::parse(&document.to_string()).unwrap())
                    .collect()
            })
            .collect();
        let functions: Vec<(&str, &str)> = case
            .functions
            .iter()
            .map(|f| (f.arn.as_str(), f.role.as_str()))
            .collect();
        let outcomes = analyse(&AnalysisInput {
            authorization: &case.authorization,
            partition: "aws",
            account: "111122223333",
            scp_levels: &scp_levels,
            catalogue: &catalogue,
            functions: &functions,
            functions_unread: case.functions_unread.as_deref(),
        });
        let Some(outcome) = outcomes.iter().find(|o| o.arn == case.principal) else {
            mismatches.push(format!("{name}: no principal {}", case.principal));
            continue;
        };
        let got = observed(&outcome.verdict);
        if got != case.expected {
            mismatches.push(format!(
                "{name} ({}):\n  expected {:?}\n  got      {:?}\n  verdict  {:?}",
                case.description, case.expected, got, outcome.verdict
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases disagree:\n{}",
        mismatches.len(),
        paths.len(),
        mismatches.join("\n")
    );
}

fn observed(verdict: &Verdict) -> Expected {
    let none = |verdict: &str| Expected {
        verdict: verdict.to_owned(),
        methods: BTreeSet::new(),
        keys: BTreeSet::new(),
    };
    match verdict {
        Verdict::Administrator => none("administrator"),
        Verdict::NoPath { .. } => none("none"),
        Verdict::Unevaluable(_) => none("unevaluable"),
        Verdict::Escalates(paths) => {
            let certain = paths.iter().any(|path| !path.is_conditional());
            Expected {
                verdict: if certain { "escalates" } else { "conditional" }.to_owned(),
                methods: paths.iter().map(|path| path.method.id.clone()).collect(),
                keys: paths
                    .iter()
                    .flat_map(|path| path.open_keys.iter().cloned())
                    .collect(),
            }
        }
    }
}
