//! Fuzz target: any bytes through the policy parser, and whatever parses through every
//! analysis the checks run. A crash, a panic, a timeout or an out-of-memory is a bug: the
//! engine reads documents from accounts we do not control.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ztaudit_policy::lint::{ineffective_mfa_guards, lint};
use ztaudit_policy::mfa::{analyse, NamedPolicy};
use ztaudit_policy::{evaluate, Catalogue, PolicyDocument, Request};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(document) = PolicyDocument::parse(text) else {
        return;
    };
    let _ = lint(&document);
    let _ = ineffective_mfa_guards(&document);
    let policies = [NamedPolicy {
        name: "fuzzed",
        document: &document,
    }];
    let _ = analyse(&policies, &Catalogue::builtin());
    let request = Request::new("iam:CreateUser", "arn:aws:iam::111122223333:user/alice")
        .with_context("aws:MultiFactorAuthPresent", "false")
        .with_context("aws:username", "alice")
        .with_context("aws:SourceIp", "10.0.0.1")
        .with_context_values("aws:TagKeys", ["env", "owner"]);
    let _ = evaluate(&[&document], &request);
});
