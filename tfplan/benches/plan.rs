//! A generated plan of 10,000 resources parsed, mapped (best and worst case) and judged by
//! every check: the whole of `ztaudit plan` but reading the file and writing the report. The
//! target is under 1 s.
//!
//! The plan mixes the families the mapper joins: security groups with inline rules and a
//! separate `aws_security_group_rule` each, referenced through `configuration` (the id is
//! unknown until apply); buckets with split Block Public Access resources, found by
//! reference; IAM policies; EBS volumes; KMS keys; RDS instances. A tenth of the values are
//! unknown until apply, so both cases differ and the UNDECIDED join does real work.
//!
//! Run: `cargo bench -p ztaudit-tfplan --bench plan`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use ztaudit_checks::{CheckConfig, CHECKS};
use ztaudit_tfplan::{evaluate_plan, map_plan};

const RESOURCES: usize = 10_000;

/// One resource: its planned values, its change, its declaration.
struct Generated {
    planned: Value,
    change: Value,
    declared: Value,
}

fn resource(
    resource_type: &str,
    name: &str,
    after: Value,
    unknown: Value,
    expressions: Value,
) -> Generated {
    let address = format!("{resource_type}.{name}");
    Generated {
        planned: json!({"address": address, "mode": "managed", "type": resource_type,
            "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
            "schema_version": 0, "values": after}),
        change: json!({"address": address, "mode": "managed", "type": resource_type,
            "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": null, "after": after,
                "after_unknown": unknown}}),
        declared: json!({"address": address, "mode": "managed", "type": resource_type,
            "name": name, "provider_config_key": "aws", "expressions": expressions,
            "schema_version": 0}),
    }
}

fn reference(to: &str) -> Value {
    json!({"references": [format!("{to}.id"), to]})
}

/// The `n`th group of resources; each group is ten resources.
fn group(n: usize) -> Vec<Generated> {
    let unknown_cidr = n.is_multiple_of(10);
    let sg = format!("g{n}");
    let ingress = json!([{"protocol": "tcp", "from_port": 443, "to_port": 443,
        "cidr_blocks": [if unknown_cidr { Value::Null } else { json!("0.0.0.0/0") }],
        "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false,
        "description": ""}]);
    let ingress_unknown = if unknown_cidr {
        json!([{"cidr_blocks": [true]}])
    } else {
        json!([{}])
    };
    let bucket = format!("b{n}");
    vec![
        resource(
            "aws_security_group",
            &sg,
            json!({"name": format!("sg-{n}"), "ingress": ingress, "egress": []}),
            json!({"id": true, "arn": true, "vpc_id": true, "ingress": ingress_unknown}),
            json!({"ingress": {}}),
        ),
        resource(
            "aws_security_group_rule",
            &format!("r{n}"),
            json!({"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22,
                "cidr_blocks": ["10.0.0.0/8"]}),
            json!({"id": true, "security_group_id": true}),
            json!({"security_group_id": reference(&format!("aws_security_group.{sg}"))}),
        ),
        resource(
            "aws_s3_bucket",
            &bucket,
            json!({"bucket": format!("bench-bucket-{n}"), "force_destroy": false}),
            json!({"id": true, "arn": true}),
            json!({}),
        ),
        resource(
            "aws_s3_bucket_public_access_block",
            &bucket,
            json!({"block_public_acls": true, "ignore_public_acls": true,
                "block_public_policy": !n.is_multiple_of(3), "restrict_public_buckets": true}),
            json!({"id": true, "bucket": true}),
            json!({"bucket": reference(&format!("aws_s3_bucket.{bucket}"))}),
        ),
        resource(
            "aws_iam_policy",
            &format!("p{n}"),
            json!({"name": format!("policy-{n}"), "path": "/",
                "policy": format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bench-bucket-{n}/*"}}]}}"#)}),
            json!({"id": true, "arn": true}),
            json!({}),
        ),
        resource(
            "aws_ebs_volume",
            &format!("v{n}"),
            json!({"availability_zone": "eu-west-1a", "size": 10, "encrypted": n.is_multiple_of(2)}),
            json!({"id": true, "arn": true, "kms_key_id": true}),
            json!({"encrypted": {"constant_value": n.is_multiple_of(2)}}),
        ),
        resource(
            "aws_kms_key",
            &format!("k{n}"),
            json!({"enable_key_rotation": !n.is_multiple_of(4), "is_enabled": true}),
            json!({"id": true, "arn": true, "key_id": true}),
            json!({}),
        ),
        resource(
            "aws_db_instance",
            &format!("d{n}"),
            json!({"identifier": format!("db-{n}"), "engine": "postgres",
                "storage_encrypted": !n.is_multiple_of(5), "publicly_accessible": false}),
            json!({"id": true, "arn": true, "port": true}),
            json!({}),
        ),
        resource(
            "aws_network_acl",
            &format!("a{n}"),
            json!({"ingress": [{"rule_no": 100, "action": "allow", "protocol": "tcp",
                "from_port": 22, "to_port": 22, "cidr_block": "10.0.0.0/8"}], "egress": []}),
            json!({"id": true, "arn": true, "vpc_id": true}),
            json!({"ingress": {}}),
        ),
        resource(
            "aws_iam_role",
            &format!("role{n}"),
            json!({"name": format!("role-{n}"), "path": "/",
                "assume_role_policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#}),
            json!({"id": true, "arn": true}),
            json!({}),
        ),
    ]
}

fn generated_plan() -> String {
    let resources: Vec<Generated> = (0..RESOURCES / 10).flat_map(group).collect();
    assert_eq!(resources.len(), RESOURCES);
    let (mut planned, mut changes, mut declared) = (Vec::new(), Vec::new(), Vec::new());
    for generated in resources {
        planned.push(generated.planned);
        changes.push(generated.change);
        declared.push(generated.declared);
    }
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws",
                "expressions": {"region": {"constant_value": "eu-west-1"}}}},
            "root_module": {"resources": declared},
        },
    })
    .to_string()
}

fn bench(c: &mut Criterion) {
    let text = generated_plan();
    let config = CheckConfig::default();
    let findings = evaluate_plan(&map_plan(&text).expect("a plan"), CHECKS, &config);
    assert!(findings.len() > RESOURCES, "{} findings", findings.len());
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.bench_function("parse, map and judge 10,000 resources", |b| {
        b.iter(|| {
            let mapped = map_plan(black_box(&text)).expect("a plan");
            black_box(evaluate_plan(&mapped, CHECKS, &config))
        })
    });
    group.bench_function("parse and map 10,000 resources", |b| {
        b.iter(|| black_box(map_plan(black_box(&text)).expect("a plan")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
