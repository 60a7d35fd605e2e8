//! The stable-toolchain stand-in for the `cargo fuzz` target (`fuzz/fuzz_targets/parse_policy.rs`):
//! arbitrary bytes, mutated corpus documents and generated JSON trees with IAM's element names
//! go through the parser, and whatever parses goes through every analysis. The only assertion is
//! the one a fuzzer makes — nothing panics — plus that errors always render a message.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use ztaudit_policy::lint::{ineffective_mfa_guards, lint};
use ztaudit_policy::mfa::{analyse, NamedPolicy};
use ztaudit_policy::{evaluate, Catalogue, PolicyDocument, Request};

/// Parses `text` and, if it is a policy, runs everything the checks would run on it.
fn exercise(text: &str) {
    match PolicyDocument::parse(text) {
        Ok(document) => {
            let _ = lint(&document);
            let _ = ineffective_mfa_guards(&document);
            let policies = [NamedPolicy {
                name: "fuzzed",
                document: &document,
            }];
            let _ = analyse(&policies, &Catalogue::builtin());
            for request in [
                Request::new("iam:CreateUser", "arn:aws:iam::111122223333:user/x"),
                Request::new("s3:GetObject", "arn:aws:s3:::b/k")
                    .with_context("aws:MultiFactorAuthPresent", "false")
                    .with_context("aws:SourceIp", "10.0.0.1")
                    .with_context("aws:username", "alice")
                    .with_context("aws:CurrentTime", "2025-01-01T00:00:00Z")
                    .with_context_values("aws:TagKeys", ["a", "b"]),
            ] {
                let _ = evaluate(&[&document], &request);
            }
            let _ = serde_json::to_string(&document);
        }
        Err(error) => {
            assert!(!error.to_string().is_empty());
            let _ = error.kind();
        }
    }
}

fn corpus_texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/policies");
    let mut texts: Vec<String> = fs::read_dir(&dir)
        .expect("corpus folder is readable")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".json"))
        .filter_map(|entry| fs::read_to_string(entry.path()).ok())
        .collect();
    texts.sort();
    texts
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Duplicate { at: usize, len: usize },
    Swap { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..20).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            any::<usize>(),
            prop_oneof![
                Just("{".to_owned()),
                Just("}".to_owned()),
                Just("[".to_owned()),
                Just("\"".to_owned()),
                Just(",".to_owned()),
                Just("%".to_owned()),
                Just("${".to_owned()),
                Just("\"Effect\":\"Deny\",".to_owned()),
                Just(
                    "\"Condition\":{\"ForAnyValue:StringLikeIfExists\":{\"k\":[1,true,\"*?\"]}},"
                        .to_owned()
                ),
                "\\PC{0,8}",
            ]
        )
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), 0usize..40).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap { a, b }),
    ]
}

/// Applies `mutation` at character positions (so the text stays valid UTF-8).
fn apply(text: &str, mutation: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let position = |at: usize| {
        if chars.is_empty() {
            0
        } else {
            at % (chars.len() + 1)
        }
    };
    let mut out = chars.clone();
    match mutation {
        Mutation::Delete { at, len } => {
            let start = position(*at);
            let end = (start + len).min(out.len());
            out.drain(start..end);
        }
        Mutation::Insert { at, text } => {
            let start = position(*at);
            out.splice(start..start, text.chars());
        }
        Mutation::Duplicate { at, len } => {
            let start = position(*at);
            let end = (start + len).min(chars.len());
            out.splice(end..end, chars[start..end].iter().copied());
        }
        Mutation::Swap { a, b } => {
            if !out.is_empty() {
                let (a, b) = (a % out.len(), b % out.len());
                out.swap(a, b);
            }
        }
    }
    out.into_iter().collect()
}

/// JSON built from IAM's vocabulary, so generated documents get past the first checks.
fn iam_json() -> impl Strategy<Value = serde_json::Value> {
    let names = prop_oneof![
        Just("Version"),
        Just("Statement"),
        Just("Sid"),
        Just("Effect"),
        Just("Action"),
        Just("NotAction"),
        Just("Resource"),
        Just("NotResource"),
        Just("Principal"),
        Just("NotPrincipal"),
        Just("Condition"),
        Just("AWS"),
        Just("Service"),
        Just("Bool"),
        Just("BoolIfExists"),
        Just("Null"),
        Just("ForAllValues:StringLike"),
        Just("NumericLessThan"),
        Just("DateGreaterThan"),
        Just("IpAddress"),
        Just("ArnLike"),
        Just("BinaryEquals"),
        Just("aws:MultiFactorAuthPresent"),
        Just("aws:SourceIp"),
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        prop_oneof![
            Just("Allow"),
            Just("Deny"),
            Just("2012-10-17"),
            Just("2008-10-17"),
            Just("*"),
            Just("iam:*"),
            Just("s3:Get?bject"),
            Just("arn:aws:s3:::b/${aws:username}/*"),
            Just("arn:aws:*:*:*:*"),
            Just("10.0.0.0/8"),
            Just("false"),
            Just("true"),
            Just("2024-01-01T00:00:00Z"),
            Just("aGVsbG8="),
        ]
        .prop_map(serde_json::Value::from),
        "\\PC{0,6}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec((names.clone(), inner), 0..6).prop_map(|members| {
                serde_json::Value::Object(
                    members
                        .into_iter()
                        .map(|(name, value)| (name.to_owned(), value))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,256}") {
        exercise(&text);
    }

    #[test]
    fn mutated_corpus_documents_never_panic(
        pick in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let corpus = corpus_texts();
        let mut text = corpus[pick % corpus.len()].clone();
        for mutation in &mutations {
            text = apply(&text, mutation);
        }
        exercise(&text);
    }

    #[test]
    fn generated_iam_shaped_json_never_panics(value in iam_json()) {
        exercise(&value.to_string());
        let wrapped = serde_json::json!({"Version": "2012-10-17", "Statement": [value]});
        exercise(&wrapped.to_string());
    }
}

#[test]
fn every_corpus_document_survives_the_analyses() {
    for text in corpus_texts() {
        exercise(&text);
    }
}

#[test]
fn hostile_shapes_are_errors_not_crashes() {
    exercise(&"[".repeat(200_000));
    exercise(&"{\"a\":".repeat(50_000));
    exercise(&format!(
        "{{\"Statement\":[{}]}}",
        "{\"Effect\":\"Allow\",\"Action\":\"*\"},"
            .repeat(2000)
            .trim_end_matches(',')
    ));
    let long_pattern = "*a".repeat(5_000);
    exercise(&format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"{long_pattern}","Resource":"{long_pattern}"}}}}"#
    ));
    exercise(&"%7B".repeat(10_000));
}
