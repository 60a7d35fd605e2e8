//! Every check on a generated snapshot of about 100,000 resources, against the time it takes to
//! parse that snapshot from JSON: evaluation must stay under 1 s and under 3× the parse.
//!
//! The snapshot is the bundled demo account (`fixtures/snapshots/demo-account.json`) grown by
//! copying each of its resources, with unique ids, names and ARNs, and its regions under new
//! names, so every check runs on the real shapes it judges. Route tables, subnets, gateways and
//! ACLs grow with the instances and interfaces, and each copy references its own copies of them.
//!
//! Run: `cargo bench -p ztaudit-checks --bench evaluate`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{Map, Value};
use ztaudit_checks::{evaluate, CheckConfig, Snapshot, CHECKS};

const TARGET_RESOURCES: usize = 100_000;
const REGIONS: usize = 10;

/// Fields that name another resource of the same region (a subnet, a VPC, a group, a
/// gateway…), wherever they are nested: copy `n` of an interface must sit in copy `n` of its
/// subnet, behind copy `n` of its groups, for the network-path checks to trace what they trace
/// in the demo.
const REFERENCES: [&str; 12] = [
    "subnet_id",
    "vpc_id",
    "network_interface_id",
    "allocation_id",
    "security_group_ids",
    "subnet_ids",
    "security_group_refs",
    "gateway",
    "nat_gateway",
    "egress_only_internet_gateway",
    "transit_gateway",
    "vpc_peering_connection",
];

fn suffix(value: &mut Value, n: usize) {
    match value {
        Value::String(text) if text != "local" => text.push_str(&format!("-{n}")),
        Value::Array(items) => items.iter_mut().for_each(|item| suffix(item, n)),
        _ => {}
    }
}

/// Suffixes the references of copy `n`, at any depth.
fn suffix_references(value: &mut Value, n: usize) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if REFERENCES.contains(&key.as_str()) {
                    suffix(child, n);
                } else {
                    suffix_references(child, n);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| suffix_references(item, n)),
        _ => {}
    }
}

/// Gives list items of copy `n` unique identifying fields, and references to copy `n` of what
/// they name.
fn uniquify(item: &Value, n: usize) -> Value {
    let mut item = item.clone();
    if let Some(object) = item.as_object_mut() {
        for key in ["id", "name", "arn", "user", "instance_id"] {
            if let Some(Value::String(text)) = object.get_mut(key) {
                text.push_str(&format!("-{n}"));
            }
        }
    }
    suffix_references(&mut item, n);
    item
}

/// Multiplies every resource list by `factor`, counting items: lists under `{"ok": [...]}` and
/// lists inside an `{"ok": {...}}` object (IAM's users, roles…). Items are not grown inside, so
/// nested lists (a rule's targets) keep their size.
fn grow(value: &mut Value, factor: usize, inside_ok: bool, count: &mut usize) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                match child {
                    Value::Array(items) if key == "ok" || inside_ok => {
                        let originals = std::mem::take(items);
                        *items = (0..factor)
                            .flat_map(|n| originals.iter().map(move |item| uniquify(item, n)))
                            .collect();
                        *count += items.len();
                    }
                    _ => grow(child, factor, key == "ok", count),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                grow(item, factor, false, count);
            }
        }
        _ => {}
    }
}

/// The demo account, grown to about `TARGET_RESOURCES` list items in `REGIONS` regions.
fn generated_snapshot() -> (String, usize) {
    let demo = include_str!("../../fixtures/snapshots/demo-account.json");
    let template: Value = serde_json::from_str(demo).expect("the demo snapshot is JSON");
    let mut probe = template.clone();
    let mut per_copy = 0;
    grow(&mut probe, 1, false, &mut per_copy);
    let template_regions = template["regions"]
        .as_object()
        .map(Map::len)
        .unwrap_or(1)
        .max(1);
    // Regions are copied REGIONS / template_regions times; every list then grows by `factor`.
    let region_copies = REGIONS.div_ceil(template_regions);
    let factor = TARGET_RESOURCES.div_ceil((per_copy * region_copies).max(1));

    let mut regions = Map::new();
    for copy in 0..region_copies {
        for (name, data) in template["regions"].as_object().into_iter().flatten() {
            regions.insert(format!("{name}-copy{copy}"), data.clone());
        }
    }
    let mut base = template.clone();
    base["regions"] = Value::Object(regions);
    // The global (IAM) part is not copied with the regions: grow until the target is reached.
    let (mut snapshot, mut count, mut factor) = (Value::Null, 0, factor);
    while count < TARGET_RESOURCES {
        snapshot = base.clone();
        count = 0;
        grow(&mut snapshot, factor, false, &mut count);
        factor += 1;
    }
    (
        serde_json::to_string(&snapshot).expect("serializable"),
        count,
    )
}

fn bench(c: &mut Criterion) {
    let (json, resources) = generated_snapshot();
    let snapshot: Snapshot = serde_json::from_str(&json).expect("the generated snapshot loads");
    let config = CheckConfig::default();
    let findings = evaluate(CHECKS, &snapshot, &config).len();
    eprintln!(
        "generated snapshot: {resources} resources, {} regions, {} MB of JSON, {findings} findings",
        snapshot.regions.len(),
        json.len() / 1_000_000
    );

    // Where the time goes, check by check (one run each), slowest first.
    let mut per_check: Vec<(std::time::Duration, &str)> = CHECKS
        .iter()
        .map(|check| {
            let started = std::time::Instant::now();
            black_box(evaluate(&[*check], &snapshot, &config));
            (started.elapsed(), check.meta().id)
        })
        .collect();
    per_check.sort_by(|a, b| b.cmp(a));
    for (time, id) in per_check.iter().take(6) {
        eprintln!("  {id}: {} ms", time.as_millis());
    }

    let mut group = c.benchmark_group("snapshot-100k");
    group.sample_size(10);
    group.bench_function("parse JSON", |b| {
        b.iter(|| serde_json::from_str::<Snapshot>(black_box(&json)).expect("loads"))
    });
    group.bench_function("evaluate all checks", |b| {
        b.iter(|| evaluate(CHECKS, black_box(&snapshot), &config))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
