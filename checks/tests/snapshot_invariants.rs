//! What must hold of every saved snapshot the tests have — the demo account
//! (`fixtures/snapshots/demo-account.json`) and every check's fixture — beyond what one check's
//! own test sees:
//!
//! - [`Snapshot::call_errors`] counts every failed call. It is written by hand, field by field,
//!   and a field it forgets would make `ztaudit collect` exit 0 (complete) instead of 3. Every
//!   `Collected` field is serialised, absent ones as "not collected", so counting the
//!   `{"error": …}` objects of a snapshot's JSON counts them all. This is checked on every
//!   saved snapshot, and on a copy of each in which every piece of data failed: every innermost
//!   `{"ok": …}` is turned into an error, so that the per-bucket, per-key, per-trail… data
//!   fails too, beneath lists that were read.
//! - Checks agree on resource identity: a resource several checks report on has one type and
//!   one region in all of them, so its fingerprint and the suppressions that match it do not
//!   depend on which check speaks.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use ztaudit_checks::{evaluate, CheckConfig, Snapshot, CHECKS};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every saved snapshot, as JSON, named for messages: the demo account, then each fixture's
/// snapshots.
fn saved_snapshots() -> Vec<(String, Value)> {
    let read = |path: &Path| -> Value {
        let text =
            fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    };
    let demo = workspace().join("fixtures/snapshots/demo-account.json");
    let mut saved = vec![("demo-account".to_owned(), read(&demo))];
    let dir = workspace().join("fixtures/checks");
    let mut fixtures: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "no fixtures in {}", dir.display());
    for path in fixtures {
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default()
            .to_owned();
        match read(&path) {
            Value::Array(documents) => saved.extend(
                documents
                    .into_iter()
                    .enumerate()
                    .map(|(at, document)| (format!("{stem} (snapshot {at})"), document)),
            ),
            document => saved.push((stem, document)),
        }
    }
    saved
}

fn parse(name: &str, json: Value) -> Snapshot {
    serde_json::from_value(json).unwrap_or_else(|err| panic!("{name}: {err}"))
}

/// A serialised `Collected::Error`: `{"error": {"service", "operation", "kind", "message", …}}`.
fn is_failed_call(map: &Map<String, Value>) -> bool {
    map.len() == 1
        && map
            .get("error")
            .and_then(Value::as_object)
            .is_some_and(|error| {
                ["service", "operation", "kind", "message"]
                    .iter()
                    .all(|field| error.contains_key(*field))
            })
}

/// A serialised `Collected::Ok`.
fn is_read(map: &Map<String, Value>) -> bool {
    map.len() == 1 && map.contains_key("ok")
}

fn failed_calls(value: &Value) -> usize {
    match value {
        Value::Object(map) if is_failed_call(map) => 1,
        Value::Object(map) => map.values().map(failed_calls).sum(),
        Value::Array(items) => items.iter().map(failed_calls).sum(),
        _ => 0,
    }
}

/// Turns every innermost `{"ok": …}` of `value` into a failed call; one holding other pieces
/// of data is kept, so that those fail instead. Returns whether `value` holds any piece of data.
fn fail_innermost(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let read = is_read(map);
            let failed = is_failed_call(map);
            let mut inner = false;
            for child in map.values_mut() {
                inner |= fail_innermost(child);
            }
            if read && !inner {
                *value = json!({"error": {
                    "service": "test",
                    "operation": "Everything",
                    "region": null,
                    "kind": "access_denied",
                    "message": "every call failed"
                }});
            }
            read || failed || inner
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |held, item| fail_innermost(item) | held),
        _ => false,
    }
}

fn assert_every_failed_call_is_counted(name: &str, snapshot: &Snapshot) {
    let json = serde_json::to_value(snapshot).unwrap_or_else(|err| panic!("{name}: {err}"));
    assert_eq!(
        snapshot.call_errors().len(),
        failed_calls(&json),
        "{name}: Snapshot::call_errors misses a failed call that its JSON holds"
    );
}

#[test]
fn call_errors_counts_every_failed_call() {
    for (name, json) in saved_snapshots() {
        let snapshot = parse(&name, json.clone());
        assert_every_failed_call_is_counted(&name, &snapshot);

        let mut failed = json;
        fail_innermost(&mut failed);
        let name = format!("{name}, every call failed");
        let snapshot = parse(&name, failed);
        assert!(!snapshot.call_errors().is_empty(), "{name}: nothing failed");
        assert_every_failed_call_is_counted(&name, &snapshot);
    }
}

/// The transformation reaches data beneath lists that were read: a bucket's own settings, a
/// key's rotation, a trail's status.
#[test]
fn failing_everything_reaches_nested_data() {
    let mut value = json!({
        "buckets": {"ok": [{"name": "b", "region": {"ok": "eu-west-1"}, "policy": {"ok": null}}]},
        "enabled": {"ok": true},
        "tags": {"Name": "x"}
    });
    assert!(fail_innermost(&mut value));
    assert_eq!(failed_calls(&value), 3, "{value:#}");
    assert!(value["buckets"]["ok"][0]["region"]["error"].is_object());
    assert!(value["enabled"]["error"].is_object());
    assert_eq!(value["tags"], json!({"Name": "x"}));
}

#[test]
fn checks_agree_on_each_resources_type_and_region() {
    for (name, json) in saved_snapshots() {
        let snapshot = parse(&name, json);
        let findings = evaluate(CHECKS, &snapshot, &CheckConfig::default());
        let mut seen: BTreeMap<&str, (&str, &str, &str)> = BTreeMap::new();
        for finding in &findings {
            let this = (
                finding.resource_type.as_ref(),
                finding.region.as_str(),
                finding.check_id.as_ref(),
            );
            let first = *seen.entry(finding.resource.as_str()).or_insert(this);
            assert_eq!(
                (first.0, first.1),
                (this.0, this.1),
                "{name}: {} and {} name {} differently (type, region)",
                first.2,
                this.2,
                finding.resource
            );
        }
    }
}
