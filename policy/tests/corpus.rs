//! Checks every policy document in `fixtures/policies/` against the verdicts in
//! `fixtures/policies/expected.toml`: parse result (and where errors point), lints, ineffective
//! MFA guards, MFA analysis under both absence modes, and evaluation of listed requests — alone
//! and for identities made of several documents.
//!
//! All mismatches are collected and reported together, so one run shows every disagreement.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use ztaudit_policy::lint::{ineffective_mfa_guards, lint, mfa_guards};
use ztaudit_policy::mfa::{analyse, MfaAbsence, NamedPolicy};
use ztaudit_policy::{evaluate, Catalogue, Decision, PolicyDocument, Request};

/// AWS IAM documentation pages (and the two RFCs) a verdict's `rule` may cite, by title.
const KNOWN_SOURCES: &[&str] = &[
    "Policy evaluation logic",
    "IAM JSON policy elements: Condition operators",
    "IAM JSON policy elements: Condition",
    "IAM JSON policy elements: Action",
    "IAM JSON policy elements: NotAction",
    "IAM JSON policy elements: Resource",
    "IAM JSON policy elements: NotResource",
    "IAM JSON policy elements: Effect",
    "IAM JSON policy elements: Version",
    "IAM JSON policy elements: Principal",
    "IAM JSON policy elements: Statement",
    "IAM JSON policy language grammar",
    "IAM policy elements: Variables and tags",
    "Single-valued vs. multivalued context keys",
    "Conditions with multiple context keys or values",
    "AWS global condition context keys",
    "Forward access sessions",
    "Service Authorization Reference",
    "GetPolicyVersion",
    "RFC 8259",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    document: Vec<DocumentCase>,
    #[serde(default)]
    identity: Vec<IdentityCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentCase {
    file: String,
    parse: String,
    rule: String,
    error_statement: Option<usize>,
    error_sid: Option<String>,
    error_line: Option<usize>,
    error_path: Option<String>,
    url_encoded: Option<bool>,
    lints: Option<Vec<String>>,
    ineffective_mfa_guards: Option<Vec<GuardExpectation>>,
    /// Statement indices of the Denies proven to apply to every MFA-less direct request.
    effective_mfa_guards: Option<Vec<usize>>,
    mfa: Option<MfaExpectation>,
    #[serde(default)]
    request: Vec<RequestCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityCase {
    name: String,
    files: Vec<String>,
    mfa: Option<MfaExpectation>,
    #[serde(default)]
    request: Vec<RequestCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardExpectation {
    statement: usize,
    sid: Option<String>,
    slips_past: Vec<String>,
    /// `misses-mfa-less-requests` (the default) or `denies-only-mfa-requests`.
    problem: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MfaExpectation {
    long_term_access_keys: ActionSet,
    temporary_credentials_without_mfa: ActionSet,
    /// Actions that some mode reaches only through an AWS service acting for the principal
    /// (a Deny stops the direct call); none when absent.
    through_aws_service: Option<ActionSet>,
    rule: String,
}

/// Which catalogue actions: `"all"`, `"none"`, a list, or a table selecting by service.
#[derive(Deserialize)]
#[serde(untagged)]
enum ActionSet {
    Keyword(String),
    List(Vec<String>),
    Selection(Selection),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Selection {
    services: Option<Vec<String>>,
    all_except_services: Option<Vec<String>>,
    all_except: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestCase {
    action: String,
    resource: String,
    #[serde(default)]
    context: BTreeMap<String, ContextEntry>,
    decision: String,
    statement: Option<usize>,
    policy: Option<usize>,
    rule: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ContextEntry {
    Single(String),
    Multi(Vec<String>),
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/policies")
}

fn service_of(action: &str) -> String {
    action
        .split_once(':')
        .map(|(service, _)| service.to_lowercase())
        .unwrap_or_default()
}

fn resolve(
    set: &ActionSet,
    catalogue: &Catalogue,
    problems: &mut Vec<String>,
    at: &str,
) -> BTreeSet<String> {
    let all: Vec<String> = catalogue
        .actions()
        .iter()
        .map(|a| a.name.to_lowercase())
        .collect();
    let lowered = |names: &[String]| -> BTreeSet<String> {
        names.iter().map(|name| name.to_lowercase()).collect()
    };
    match set {
        ActionSet::Keyword(word) if word == "all" => all.into_iter().collect(),
        ActionSet::Keyword(word) if word == "none" => BTreeSet::new(),
        ActionSet::Keyword(word) => {
            problems.push(format!("{at}: unknown action set keyword {word:?}"));
            BTreeSet::new()
        }
        ActionSet::List(names) => {
            for name in names {
                if !catalogue.contains(name) {
                    problems.push(format!("{at}: {name} is not in the built-in catalogue"));
                }
            }
            lowered(names)
        }
        ActionSet::Selection(selection) => {
            let mut chosen: BTreeSet<String> = all.iter().cloned().collect();
            if let Some(services) = &selection.services {
                let services = lowered(services);
                chosen.retain(|action| services.contains(&service_of(action)));
            }
            if let Some(services) = &selection.all_except_services {
                let services = lowered(services);
                chosen.retain(|action| !services.contains(&service_of(action)));
            }
            if let Some(excluded) = &selection.all_except {
                let excluded = lowered(excluded);
                chosen.retain(|action| !excluded.contains(action));
            }
            chosen
        }
    }
}

fn check_rule(rule: &str, at: &str, problems: &mut Vec<String>) {
    let cites_known_source = KNOWN_SOURCES
        .iter()
        .any(|title| rule.contains(&format!("\"{title}\"")));
    if !cites_known_source {
        problems.push(format!(
            "{at}: rule {rule:?} cites none of the known documentation titles (in double quotes)"
        ));
    }
}

fn check_mfa(
    expectation: &MfaExpectation,
    policies: &[NamedPolicy<'_>],
    catalogue: &Catalogue,
    at: &str,
    problems: &mut Vec<String>,
) {
    check_rule(&expectation.rule, &format!("{at} mfa"), problems);
    let gaps = analyse(policies, catalogue);
    for (mode, set) in [
        (
            MfaAbsence::LongTermAccessKeys,
            &expectation.long_term_access_keys,
        ),
        (
            MfaAbsence::TemporaryCredentialsWithoutMfa,
            &expectation.temporary_credentials_without_mfa,
        ),
    ] {
        let expected = resolve(set, catalogue, problems, at);
        let actual: BTreeSet<String> = gaps
            .iter()
            .filter(|gap| gap.modes.contains(&mode))
            .map(|gap| gap.action.to_lowercase())
            .collect();
        if expected != actual {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let unexpected: Vec<_> = actual.difference(&expected).collect();
            problems.push(format!(
                "{at} mfa {}: expected but not found {missing:?}; found but not expected {unexpected:?}",
                mode.as_str()
            ));
        }
    }
    let expected_through = match &expectation.through_aws_service {
        Some(set) => resolve(set, catalogue, problems, at),
        None => BTreeSet::new(),
    };
    let actual_through: BTreeSet<String> = gaps
        .iter()
        .filter(|gap| {
            gap.modes.iter().any(|mode| {
                !gap.grants.iter().any(|grant| {
                    grant.modes.contains(mode) && !grant.through_aws_service.contains(mode)
                })
            })
        })
        .map(|gap| gap.action.to_lowercase())
        .collect();
    if expected_through != actual_through {
        problems.push(format!(
            "{at} mfa through an AWS service: expected {expected_through:?}, found {actual_through:?}"
        ));
    }
    // Every gap must name a grant, in a policy of the set, whose modes include the gap's.
    for gap in &gaps {
        for mode in &gap.modes {
            if !gap.grants.iter().any(|grant| grant.modes.contains(mode)) {
                problems.push(format!(
                    "{at}: gap {} has no grant for {mode:?}",
                    gap.action
                ));
            }
        }
        for grant in &gap.grants {
            if !policies.iter().any(|policy| policy.name == grant.policy) {
                problems.push(format!("{at}: grant names unknown policy {}", grant.policy));
            }
        }
    }
}

fn check_requests(
    requests: &[RequestCase],
    documents: &[&PolicyDocument],
    at: &str,
    problems: &mut Vec<String>,
) {
    for (index, case) in requests.iter().enumerate() {
        let at = format!(
            "{at} request {index} ({} on {})",
            case.action, case.resource
        );
        check_rule(&case.rule, &at, problems);
        let mut request = Request::new(&case.action, &case.resource);
        for (key, value) in &case.context {
            request = match value {
                ContextEntry::Single(value) => request.with_context(key, value.clone()),
                ContextEntry::Multi(values) => request.with_context_values(key, values.clone()),
            };
        }
        let decision = evaluate(documents, &request);
        let (name, policy, statement) = match &decision {
            Decision::Allow { policy, statement } => {
                ("allow", Some(*policy), Some(statement.index))
            }
            Decision::ExplicitDeny { policy, statement } => {
                ("explicit-deny", Some(*policy), Some(statement.index))
            }
            Decision::ImplicitDeny => ("implicit-deny", None, None),
        };
        if name != case.decision {
            problems.push(format!(
                "{at}: expected {}, got {decision:?}",
                case.decision
            ));
            continue;
        }
        if case.statement.is_some() && case.statement != statement {
            problems.push(format!(
                "{at}: expected statement {:?}, got {decision:?}",
                case.statement
            ));
        }
        if case.policy.is_some() && case.policy != policy {
            problems.push(format!(
                "{at}: expected policy {:?}, got {decision:?}",
                case.policy
            ));
        }
    }
}

fn check_document(
    case: &DocumentCase,
    text: &str,
    catalogue: &Catalogue,
    problems: &mut Vec<String>,
) -> Option<PolicyDocument> {
    let at = case.file.as_str();
    check_rule(&case.rule, at, problems);
    let parsed = PolicyDocument::parse(text);
    let document = match (&parsed, case.parse.as_str()) {
        (Ok(document), "ok") => document.clone(),
        (Ok(_), expected) => {
            problems.push(format!("{at}: expected error {expected}, parsed fine"));
            return None;
        }
        (Err(error), "ok") => {
            problems.push(format!("{at}: expected to parse, got: {error}"));
            return None;
        }
        (Err(error), expected) => {
            if error.kind() != expected {
                problems.push(format!(
                    "{at}: expected error {expected}, got {}: {error}",
                    error.kind()
                ));
            }
            let location = error.location();
            if case.error_statement.is_some()
                && location.and_then(|l| l.statement) != case.error_statement
            {
                problems.push(format!(
                    "{at}: expected error in statement {:?}: {error}",
                    case.error_statement
                ));
            }
            if case.error_sid.is_some() && location.and_then(|l| l.sid.clone()) != case.error_sid {
                problems.push(format!(
                    "{at}: expected error with Sid {:?}: {error}",
                    case.error_sid
                ));
            }
            if let Some(path) = &case.error_path {
                if location.map(|l| l.path.as_str()) != Some(path.as_str()) {
                    problems.push(format!("{at}: expected error at path {path}: {error}"));
                }
            }
            if let Some(line) = case.error_line {
                let actual = match error {
                    ztaudit_policy::PolicyError::InvalidJson { line, .. } => Some(*line),
                    _ => None,
                };
                if actual != Some(line) {
                    problems.push(format!("{at}: expected error on line {line}: {error}"));
                }
            }
            // The message must never be empty and must say where, when it can.
            if error.to_string().is_empty() {
                problems.push(format!("{at}: empty error message"));
            }
            return None;
        }
    };

    if let Some(url_encoded) = case.url_encoded {
        if document.was_url_encoded != url_encoded {
            problems.push(format!("{at}: expected was_url_encoded = {url_encoded}"));
        }
    }
    match &case.lints {
        Some(expected) => {
            let actual: Vec<&str> = lint(&document).iter().map(|l| l.kind.as_str()).collect();
            if actual != *expected {
                problems.push(format!("{at}: expected lints {expected:?}, got {actual:?}"));
            }
        }
        None => problems.push(format!("{at}: parsed documents must list their lints")),
    }
    match &case.ineffective_mfa_guards {
        Some(expected) => {
            let actual = ineffective_mfa_guards(&document);
            let summary = |statement: usize, sid: Option<&str>, modes: Vec<&str>, problem: &str| {
                format!("{statement}/{sid:?}/{modes:?}/{problem}")
            };
            let actual: Vec<String> = actual
                .iter()
                .map(|g| {
                    let problem = serde_json::to_value(g.problem)
                        .ok()
                        .and_then(|value| value.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    summary(
                        g.statement.index,
                        g.statement.sid.as_deref(),
                        g.slips_past.iter().map(|m| m.as_str()).collect(),
                        &problem,
                    )
                })
                .collect();
            let expected: Vec<String> = expected
                .iter()
                .map(|g| {
                    summary(
                        g.statement,
                        g.sid.as_deref().or_else(|| {
                            document
                                .statements
                                .get(g.statement)
                                .and_then(|s| s.sid.as_deref())
                        }),
                        g.slips_past.iter().map(String::as_str).collect(),
                        g.problem.as_deref().unwrap_or("misses-mfa-less-requests"),
                    )
                })
                .collect();
            if actual != expected {
                problems.push(format!(
                    "{at}: expected guards {expected:?}, got {actual:?}"
                ));
            }
        }
        None => problems.push(format!(
            "{at}: parsed documents must list their ineffective MFA guards"
        )),
    }
    if let Some(expected) = &case.effective_mfa_guards {
        let actual: Vec<usize> = mfa_guards(&document)
            .effective
            .iter()
            .map(|guard| guard.statement.index)
            .collect();
        if actual != *expected {
            problems.push(format!(
                "{at}: expected effective MFA guards {expected:?}, got {actual:?}"
            ));
        }
    }
    match &case.mfa {
        Some(expectation) => {
            let policies = [NamedPolicy {
                name: &case.file,
                document: &document,
            }];
            check_mfa(expectation, &policies, catalogue, at, problems);
        }
        None => problems.push(format!(
            "{at}: parsed documents must state their MFA analysis"
        )),
    }
    check_requests(&case.request, &[&document], at, problems);
    Some(document)
}

#[test]
fn every_corpus_document_meets_its_expected_verdicts() {
    let dir = corpus_dir();
    let manifest_text =
        fs::read_to_string(dir.join("expected.toml")).expect("expected.toml is readable");
    let manifest: Manifest = toml::from_str(&manifest_text).expect("expected.toml is well-formed");
    let catalogue = Catalogue::builtin();
    let mut problems = Vec::new();

    let on_disk: BTreeSet<String> = fs::read_dir(&dir)
        .expect("corpus folder is readable")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    let mut listed = BTreeSet::new();
    for case in &manifest.document {
        if !listed.insert(case.file.clone()) {
            problems.push(format!("{} is listed twice", case.file));
        }
    }
    for missing in on_disk.difference(&listed) {
        problems.push(format!("{missing} has no entry in expected.toml"));
    }
    for stray in listed.difference(&on_disk) {
        problems.push(format!("expected.toml lists {stray}, which does not exist"));
    }
    assert!(
        on_disk.len() >= 40,
        "the corpus should hold at least 40 documents"
    );

    let mut parsed: BTreeMap<String, PolicyDocument> = BTreeMap::new();
    for case in &manifest.document {
        let Ok(text) = fs::read_to_string(dir.join(&case.file)) else {
            continue;
        };
        if let Some(document) = check_document(case, &text, &catalogue, &mut problems) {
            parsed.insert(case.file.clone(), document);
        }
    }

    for identity in &manifest.identity {
        let at = format!("identity {:?}", identity.name);
        let documents: Vec<&PolicyDocument> = identity
            .files
            .iter()
            .filter_map(|file| {
                let found = parsed.get(file);
                if found.is_none() {
                    problems.push(format!("{at}: {file} is not a parsed corpus document"));
                }
                found
            })
            .collect();
        if let Some(expectation) = &identity.mfa {
            let policies: Vec<NamedPolicy<'_>> = identity
                .files
                .iter()
                .zip(&documents)
                .map(|(name, document)| NamedPolicy { name, document })
                .collect();
            check_mfa(expectation, &policies, &catalogue, &at, &mut problems);
        }
        check_requests(&identity.request, &documents, &at, &mut problems);
    }

    let verdicts: usize = manifest
        .document
        .iter()
        .map(|d| 1 + d.request.len() + usize::from(d.mfa.is_some()))
        .sum();
    println!(
        "corpus: {} documents, {} identities, {verdicts} document verdicts checked",
        manifest.document.len(),
        manifest.identity.len()
    );
    assert!(
        problems.is_empty(),
        "{} corpus problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
