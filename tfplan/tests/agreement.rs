//! A plan that declares a resource and a snapshot of that resource as AWS reports it after
//! apply get the same verdict, for every check the plan covers: the plan is judged by the
//! very checks a live account is, through the mapping, and this pins that the mapping
//! reads each Terraform attribute as AWS applies it.
//!
//! Each case is a small plan (all values known, so no verdict is UNDECIDED) and the snapshot
//! `ztaudit collect` would write of the same resources once applied, with a passing and a
//! failing resource where the check has both.

use serde_json::{json, Value};
use ztaudit_checks::{evaluate, CheckConfig, Snapshot, Status, CHECKS};
use ztaudit_tfplan::{evaluate_plan, map_plan};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";

/// A plan of `resources` (type, name, planned values), all created, in [`ACCOUNT`] and
/// [`REGION`]. `expressions` gives the configuration of those that reference others.
fn plan(resources: &[(&str, &str, Value)], expressions: &[(&str, Value)]) -> String {
    let provider = "registry.terraform.io/hashicorp/aws";
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut declared = Vec::new();
    for (resource_type, name, values) in resources {
        let address = format!("{resource_type}.{name}");
        planned.push(
            json!({"address": address, "mode": "managed", "type": resource_type,
            "name": name, "provider_name": provider, "schema_version": 0, "values": values}),
        );
        changes.push(
            json!({"address": address, "mode": "managed", "type": resource_type,
            "name": name, "provider_name": provider,
            "change": {"actions": ["create"], "before": null, "after": values,
                "after_unknown": {}}}),
        );
        let configured = expressions
            .iter()
            .find(|(at, _)| *at == address)
            .map_or_else(|| json!({}), |(_, e)| e.clone());
        declared.push(
            json!({"address": address, "mode": "managed", "type": resource_type,
            "name": name, "provider_config_key": "aws", "expressions": configured}),
        );
    }
    json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "prior_state": {"values": {"root_module": {"resources": [{
            "address": "data.aws_caller_identity.current", "mode": "data",
            "type": "aws_caller_identity", "name": "current", "provider_name": provider,
            "values": {"account_id": ACCOUNT}}]}}},
        "configuration": {
            "provider_config": {"aws": {"name": "aws",
                "expressions": {"region": {"constant_value": REGION}}}},
            "root_module": {"resources": declared},
        },
    })
    .to_string()
}

/// A snapshot of [`ACCOUNT`] with `region` data in [`REGION`] and `global` data.
fn snapshot(region: Value, global: Value) -> Snapshot {
    serde_json::from_value(json!({
        "schema_version": ztaudit_checks::snapshot::SCHEMA_VERSION,
        "tool_version": "test",
        "account": ACCOUNT,
        "partition": "aws",
        "collection": {"started_at": "", "finished_at": "", "api_calls": 0},
        "regions": {REGION: region},
        "global": global,
    }))
    .expect("a snapshot")
}

/// The status of `check` on the plan's `address` and on the snapshot's resource whose id
/// ends with `id_end`: both must be `expected`.
fn agree(plan_text: &str, live: &Snapshot, cases: &[(&str, &str, &str, Status)]) {
    let config = CheckConfig::default();
    let mapped = map_plan(plan_text).expect("a plan");
    let planned = evaluate_plan(&mapped, CHECKS, &config);
    let collected = evaluate(CHECKS, live, &config);
    for (check, address, id_end, expected) in cases {
        let on_plan: Vec<Status> = planned
            .iter()
            .filter(|f| f.check_id == *check && f.resource == *address)
            .map(|f| f.status)
            .collect();
        let on_live: Vec<Status> = collected
            .iter()
            .filter(|f| f.check_id == *check && f.resource.ends_with(id_end))
            .map(|f| f.status)
            .collect();
        assert_eq!(on_plan, vec![*expected], "{check} on plan {address}");
        assert_eq!(on_live, vec![*expected], "{check} on snapshot {id_end}");
    }
}

#[test]
fn security_groups_and_network_acls() {
    let ssh = json!([{"protocol": "tcp", "from_port": 22, "to_port": 22,
        "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [],
        "security_groups": [], "self": false}]);
    let https = json!([{"protocol": "tcp", "from_port": 443, "to_port": 443,
        "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [],
        "security_groups": [], "self": false}]);
    let text = plan(
        &[
            (
                "aws_security_group",
                "admin",
                json!({"id": "sg-1", "name": "admin",
                "vpc_id": "vpc-1", "ingress": ssh, "egress": []}),
            ),
            (
                "aws_security_group",
                "web",
                json!({"id": "sg-2", "name": "web",
                "vpc_id": "vpc-1", "ingress": https, "egress": []}),
            ),
            (
                "aws_default_security_group",
                "default",
                json!({"id": "sg-3",
                "vpc_id": "vpc-1", "ingress": https, "egress": []}),
            ),
            (
                "aws_default_security_group",
                "quiet",
                json!({"id": "sg-4",
                "vpc_id": "vpc-2", "ingress": [], "egress": []}),
            ),
            (
                "aws_network_acl",
                "open",
                json!({"id": "acl-1", "vpc_id": "vpc-1",
                "subnet_ids": [], "egress": [], "ingress": [{"rule_no": 100, "action": "allow",
                "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"}]}),
            ),
            (
                "aws_network_acl",
                "closed",
                json!({"id": "acl-2", "vpc_id": "vpc-1",
                "subnet_ids": [], "egress": [], "ingress": [{"rule_no": 100, "action": "allow",
                "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_block": "0.0.0.0/0"}]}),
            ),
        ],
        &[],
    );
    let rule = |port: u16| {
        json!({"protocol": "tcp", "from_port": port, "to_port": port,
            "ipv4_ranges": ["0.0.0.0/0"]})
    };
    let acl = |id: &str, port: u16| {
        json!({"id": id, "vpc_id": "vpc-1", "is_default": false, "subnet_ids": [],
            "entries": [{"rule_number": 100, "egress": false, "protocol": "6", "allow": true,
                "cidr_block": "0.0.0.0/0", "from_port": port, "to_port": port}]})
    };
    let live = snapshot(
        json!({"ec2": {
            "security_groups": {"ok": [
                {"id": "sg-1", "name": "admin", "vpc_id": "vpc-1", "ingress": [rule(22)], "egress": []},
                {"id": "sg-2", "name": "web", "vpc_id": "vpc-1", "ingress": [rule(443)], "egress": []},
                {"id": "sg-3", "name": "default", "vpc_id": "vpc-1", "ingress": [rule(443)], "egress": []},
                {"id": "sg-4", "name": "default", "vpc_id": "vpc-2", "ingress": [], "egress": []},
            ]},
            "network_interfaces": {"ok": []},
            "network_acls": {"ok": [acl("acl-1", 22), acl("acl-2", 443)]},
        }}),
        json!({}),
    );
    agree(
        &text,
        &live,
        &[
            ("ZT301", "aws_security_group.admin", "/sg-1", Status::Fail),
            ("ZT301", "aws_security_group.web", "/sg-2", Status::Pass),
            (
                "ZT302",
                "aws_default_security_group.default",
                "/sg-3",
                Status::Fail,
            ),
            (
                "ZT302",
                "aws_default_security_group.quiet",
                "/sg-4",
                Status::Pass,
            ),
            ("ZT303", "aws_network_acl.open", "/acl-1", Status::Fail),
            ("ZT303", "aws_network_acl.closed", "/acl-2", Status::Pass),
        ],
    );
}

#[test]
fn iam_policies_and_trust_policies() {
    let admin =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let wildcard = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let not_action = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#;
    let guard = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
    let reader = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
    let partner = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}"#;
    let own = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
    let policy = |name: &str, document: &str| {
        (
            "aws_iam_policy",
            name.to_owned(),
            json!({"name": name, "path": "/", "policy": document,
                "arn": format!("arn:aws:iam::{ACCOUNT}:policy/{name}")}),
        )
    };
    let policies = [
        policy("admin", admin),
        policy("wildcard", wildcard),
        policy("not-action", not_action),
        policy("guard", guard),
        policy("reader", reader),
    ];
    let mut resources: Vec<(&str, &str, Value)> = policies
        .iter()
        .map(|(t, n, v)| (*t, n.as_str(), v.clone()))
        .collect();
    for (name, trust) in [("partner", partner), ("own", own)] {
        resources.push((
            "aws_iam_role",
            name,
            json!({"name": name, "path": "/", "assume_role_policy": trust,
                "arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}")}),
        ));
    }
    let text = plan(&resources, &[]);
    let managed: Vec<Value> = policies
        .iter()
        .map(|(_, name, values)| {
            json!({"name": name, "arn": values["arn"], "aws_managed": false,
                "attachment_count": 0, "document": values["policy"]})
        })
        .collect();
    let role = |name: &str, trust: &str| {
        json!({"name": name, "arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            "assume_role_policy": trust, "inline_policies": [], "attached_policies": [],
            "instance_profiles": []})
    };
    let live = snapshot(
        json!({}),
        json!({"iam": {"authorization": {"ok": {"users": [], "groups": [],
            "roles": [role("own", own), role("partner", partner)], "policies": managed}}}}),
    );
    agree(
        &text,
        &live,
        &[
            (
                "ZT101",
                "aws_iam_policy.admin",
                "policy/admin",
                Status::Fail,
            ),
            (
                "ZT101",
                "aws_iam_policy.reader",
                "policy/reader",
                Status::Pass,
            ),
            (
                "ZT102",
                "aws_iam_policy.guard",
                "policy/guard",
                Status::Fail,
            ),
            (
                "ZT103",
                "aws_iam_policy.admin",
                "policy/admin",
                Status::Fail,
            ),
            (
                "ZT103",
                "aws_iam_policy.reader",
                "policy/reader",
                Status::Pass,
            ),
            (
                "ZT104",
                "aws_iam_policy.wildcard",
                "policy/wildcard",
                Status::Fail,
            ),
            (
                "ZT104",
                "aws_iam_policy.reader",
                "policy/reader",
                Status::Pass,
            ),
            (
                "ZT105",
                "aws_iam_policy.not-action",
                "policy/not-action",
                Status::Fail,
            ),
            (
                "ZT105",
                "aws_iam_policy.reader",
                "policy/reader",
                Status::Pass,
            ),
            (
                "ZT115",
                "aws_iam_role.partner",
                "role/partner",
                Status::Fail,
            ),
            ("ZT115", "aws_iam_role.own", "role/own", Status::Pass),
        ],
    );
}

#[test]
fn s3_buckets_and_the_accounts_block_public_access() {
    let tls_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::kms-bucket","arn:aws:s3:::kms-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let text = plan(
        &[
            ("aws_s3_bucket", "kms", json!({"bucket": "kms-bucket"})),
            ("aws_s3_bucket", "plain", json!({"bucket": "plain-bucket"})),
            (
                "aws_s3_bucket_server_side_encryption_configuration",
                "kms",
                json!({
                "bucket": "kms-bucket", "rule": [{"apply_server_side_encryption_by_default":
                [{"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:eu-west-1:123456789012:key/k"}]}]}),
            ),
            (
                "aws_s3_bucket_public_access_block",
                "plain",
                json!({"bucket": "plain-bucket",
                "block_public_acls": false, "ignore_public_acls": false,
                "block_public_policy": false, "restrict_public_buckets": false}),
            ),
            (
                "aws_s3_bucket_policy",
                "kms",
                json!({"bucket": "kms-bucket", "policy": tls_only}),
            ),
            (
                "aws_s3_account_public_access_block",
                "this",
                json!({"block_public_acls": true,
                "ignore_public_acls": true, "block_public_policy": true,
                "restrict_public_buckets": false}),
            ),
        ],
        &[],
    );
    let on = json!({"block_public_acls": true, "ignore_public_acls": true,
        "block_public_policy": true, "restrict_public_buckets": true});
    let off = json!({"block_public_acls": false, "ignore_public_acls": false,
        "block_public_policy": false, "restrict_public_buckets": false});
    let live = snapshot(
        json!({}),
        json!({"s3": {
            "account_public_access_block": {"ok": {"block_public_acls": true,
                "ignore_public_acls": true, "block_public_policy": true,
                "restrict_public_buckets": false}},
            "buckets": {"ok": [
                {"name": "kms-bucket", "region": {"ok": REGION},
                 "encryption": {"ok": [{"algorithm": "aws:kms", "kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/k"}]},
                 "public_access_block": {"ok": on}, "policy": {"ok": tls_only}},
                {"name": "plain-bucket", "region": {"ok": REGION},
                 "encryption": {"ok": [{"algorithm": "AES256"}]},
                 "public_access_block": {"ok": off}, "policy": {"ok": null}},
            ]},
        }}),
    );
    agree(
        &text,
        &live,
        &[
            ("ZT503", "aws_s3_bucket.kms", ":::kms-bucket", Status::Pass),
            (
                "ZT503",
                "aws_s3_bucket.plain",
                ":::plain-bucket",
                Status::Fail,
            ),
            (
                "ZT504",
                "aws_s3_account_public_access_block.this",
                ":account",
                Status::Fail,
            ),
            ("ZT505", "aws_s3_bucket.kms", ":::kms-bucket", Status::Pass),
            (
                "ZT505",
                "aws_s3_bucket.plain",
                ":::plain-bucket",
                Status::Fail,
            ),
            ("ZT506", "aws_s3_bucket.kms", ":::kms-bucket", Status::Pass),
            (
                "ZT506",
                "aws_s3_bucket.plain",
                ":::plain-bucket",
                Status::Fail,
            ),
        ],
    );
}

#[test]
fn ebs_rds_and_kms() {
    let text = plan(
        &[
            (
                "aws_ebs_encryption_by_default",
                "this",
                json!({"enabled": false}),
            ),
            (
                "aws_ebs_volume",
                "sealed",
                json!({"id": "vol-1", "encrypted": true}),
            ),
            (
                "aws_ebs_volume",
                "open",
                json!({"id": "vol-2", "encrypted": false}),
            ),
            (
                "aws_db_instance",
                "sealed",
                json!({"identifier": "db-sealed",
                "engine": "postgres", "storage_encrypted": true, "publicly_accessible": false}),
            ),
            (
                "aws_db_instance",
                "open",
                json!({"identifier": "db-open", "engine": "mysql",
                "storage_encrypted": false, "publicly_accessible": false}),
            ),
            (
                "aws_rds_cluster",
                "sealed",
                json!({"cluster_identifier": "c-sealed",
                "engine": "aurora-postgresql", "storage_encrypted": true}),
            ),
            (
                "aws_rds_cluster",
                "open",
                json!({"cluster_identifier": "c-open",
                "engine": "aurora-mysql", "storage_encrypted": false}),
            ),
            (
                "aws_kms_key",
                "rotating",
                json!({"key_id": "k-1", "enable_key_rotation": true}),
            ),
            (
                "aws_kms_key",
                "static",
                json!({"key_id": "k-2", "enable_key_rotation": false}),
            ),
        ],
        &[],
    );
    let instance = |id: &str, encrypted: bool, engine: &str| {
        json!({"id": id, "arn": format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:{id}"),
            "engine": engine, "storage_encrypted": encrypted,
            "network": {"publicly_accessible": false, "port": 5432, "subnet_ids": [],
                "security_group_ids": []}})
    };
    let cluster = |id: &str, encrypted: bool| {
        json!({"id": id, "arn": format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{id}"),
            "engine": "aurora", "storage_encrypted": encrypted})
    };
    let key = |id: &str, rotating: bool| {
        json!({"id": id, "arn": format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
            "metadata": {"ok": {"manager": "CUSTOMER", "state": "Enabled",
                "spec": "SYMMETRIC_DEFAULT", "usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS"}},
            "rotation_enabled": {"ok": rotating}})
    };
    let live = snapshot(
        json!({
            "ec2": {"ebs_encryption_by_default": {"ok": false}, "volumes": {"ok": [
                {"id": "vol-1", "encrypted": true, "attached_to": []},
                {"id": "vol-2", "encrypted": false, "attached_to": []}]}},
            "rds": {"instances": {"ok": [instance("db-open", false, "mysql"),
                    instance("db-sealed", true, "postgres")]},
                "clusters": {"ok": [cluster("c-open", false), cluster("c-sealed", true)]}},
            "kms": {"keys": {"ok": [key("k-1", true), key("k-2", false)]}},
        }),
        json!({}),
    );
    agree(
        &text,
        &live,
        &[
            (
                "ZT501",
                "aws_ebs_encryption_by_default.this",
                "ec2:eu-west-1:123456789012:account",
                Status::Fail,
            ),
            ("ZT502", "aws_ebs_volume.sealed", "/vol-1", Status::Pass),
            ("ZT502", "aws_ebs_volume.open", "/vol-2", Status::Fail),
            (
                "ZT507",
                "aws_db_instance.sealed",
                ":db:db-sealed",
                Status::Pass,
            ),
            ("ZT507", "aws_db_instance.open", ":db:db-open", Status::Fail),
            (
                "ZT508",
                "aws_rds_cluster.sealed",
                ":cluster:c-sealed",
                Status::Pass,
            ),
            (
                "ZT508",
                "aws_rds_cluster.open",
                ":cluster:c-open",
                Status::Fail,
            ),
            ("ZT509", "aws_kms_key.rotating", "key/k-1", Status::Pass),
            ("ZT509", "aws_kms_key.static", "key/k-2", Status::Fail),
        ],
    );
}

#[test]
fn load_balancer_listeners() {
    let acm = "arn:aws:acm:eu-west-1:123456789012:certificate/c";
    let iam = "arn:aws:iam::123456789012:server-certificate/old";
    let listener = |lb: &str, port: u16, protocol: &str, extra: Value| {
        let mut values = json!({"port": port, "protocol": protocol,
            "load_balancer_arn": format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{lb}/1"),
            "default_action": [{"type": "forward"}]});
        if let (Some(values), Some(extra)) = (values.as_object_mut(), extra.as_object()) {
            values.extend(extra.clone());
        }
        values
    };
    let balancer = |name: &str| {
        json!({"name": name, "load_balancer_type": "application", "internal": false,
            "arn": format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{name}/1")})
    };
    let text = plan(
        &[
            ("aws_lb", "good", balancer("good")),
            ("aws_lb", "bad", balancer("bad")),
            (
                "aws_lb_listener",
                "good_http",
                listener(
                    "good",
                    80,
                    "HTTP",
                    json!({
                "default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS"}]}]}),
                ),
            ),
            (
                "aws_lb_listener",
                "good_https",
                listener(
                    "good",
                    443,
                    "HTTPS",
                    json!({
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificate_arn": acm}),
                ),
            ),
            (
                "aws_lb_listener",
                "bad_http",
                listener("bad", 80, "HTTP", json!({})),
            ),
            (
                "aws_lb_listener",
                "bad_https",
                listener(
                    "bad",
                    443,
                    "HTTPS",
                    json!({
                "ssl_policy": "ELBSecurityPolicy-2016-08", "certificate_arn": iam}),
                ),
            ),
        ],
        &[],
    );
    let live_listener = |port: u16, protocol: &str, extra: Value| {
        let mut value = json!({"arn": format!("listener-{port}"), "port": port,
            "protocol": protocol, "default_actions": [{"kind": "forward"}]});
        if let (Some(value), Some(extra)) = (value.as_object_mut(), extra.as_object()) {
            value.extend(extra.clone());
        }
        value
    };
    let live_balancer = |name: &str, listeners: Value| {
        json!({"arn": format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{name}/1"),
            "name": name, "kind": "application", "scheme": "internet-facing",
            "listeners": {"ok": listeners}})
    };
    let live = snapshot(
        json!({"elb": {"load_balancers": {"ok": [
            live_balancer("bad", json!([
                live_listener(80, "HTTP", json!({})),
                live_listener(443, "HTTPS", json!({"ssl_policy": "ELBSecurityPolicy-2016-08",
                    "certificate_arns": [iam]})),
            ])),
            live_balancer("good", json!([
                live_listener(80, "HTTP", json!({"default_actions": [
                    {"kind": "redirect", "redirect_protocol": "HTTPS"}]})),
                live_listener(443, "HTTPS", json!({
                    "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                    "certificate_arns": [acm]})),
            ])),
        ]}, "classic_load_balancers": {"ok": []}}}),
        json!({}),
    );
    agree(
        &text,
        &live,
        &[
            ("ZT510", "aws_lb.good", "app/good/1", Status::Pass),
            ("ZT510", "aws_lb.bad", "app/bad/1", Status::Fail),
            ("ZT511", "aws_lb.good", "app/good/1", Status::Pass),
            ("ZT511", "aws_lb.bad", "app/bad/1", Status::Fail),
            ("ZT512", "aws_lb.good", "app/good/1", Status::Pass),
            ("ZT512", "aws_lb.bad", "app/bad/1", Status::Fail),
        ],
    );
}

#[test]
fn guardduty_detectors() {
    let account = "guardduty:eu-west-1:123456789012:account";
    for (enable, status, expected) in [
        (true, "ENABLED", Status::Pass),
        (false, "DISABLED", Status::Fail),
    ] {
        let text = plan(
            &[(
                "aws_guardduty_detector",
                "main",
                json!({"id": "d-1", "enable": enable, "finding_publishing_frequency": "SIX_HOURS"}),
            )],
            &[],
        );
        let live = snapshot(
            json!({"guardduty": {"detectors": {"ok": {"d-1": {"ok": {
                "status": status, "finding_publishing_frequency": "SIX_HOURS"}}}}}}),
            json!({}),
        );
        agree(
            &text,
            &live,
            &[("ZT605", "aws_guardduty_detector.main", account, expected)],
        );
    }
}

#[test]
fn security_hub_accounts() {
    let text = plan(
        &[(
            "aws_securityhub_account",
            "main",
            json!({"id": ACCOUNT, "enable_default_standards": false}),
        )],
        &[],
    );
    let live = snapshot(
        json!({"securityhub": {"hub": {"ok": {
            "arn": format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default"),
            "enabled_standards": {"ok": []}}}}}),
        json!({}),
    );
    agree(
        &text,
        &live,
        &[(
            "ZT606",
            "aws_securityhub_account.main",
            "securityhub:eu-west-1:123456789012:account",
            Status::Pass,
        )],
    );
}

#[test]
fn config_recorders() {
    for (recording, expected) in [(true, Status::Pass), (false, Status::Fail)] {
        let text = plan(
            &[
                (
                    "aws_config_configuration_recorder",
                    "main",
                    json!({"name": "main", "recording_group": [{"all_supported": true,
                        "include_global_resource_types": true}]}),
                ),
                (
                    "aws_config_configuration_recorder_status",
                    "main",
                    json!({"name": "main", "is_enabled": recording}),
                ),
                (
                    "aws_config_delivery_channel",
                    "main",
                    json!({"name": "main", "s3_bucket_name": "config-logs"}),
                ),
            ],
            &[],
        );
        let live = snapshot(
            json!({"config": {
                "recorders": {"ok": [{"name": "main", "all_supported": true,
                    "include_global_resource_types": true}]},
                "recorder_statuses": {"ok": [{"name": "main", "recording": recording}]},
                "delivery_channels": {"ok": [{"name": "main", "s3_bucket_name": "config-logs"}]}}}),
            json!({}),
        );
        agree(
            &text,
            &live,
            &[(
                "ZT607",
                "aws_config_configuration_recorder.main",
                "config:eu-west-1:123456789012:account",
                expected,
            )],
        );
    }
}

#[test]
fn vpc_flow_logs() {
    let text = plan(
        &[
            (
                "aws_vpc",
                "logged",
                json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16"}),
            ),
            (
                "aws_flow_log",
                "logged",
                json!({"id": "fl-1", "vpc_id": "vpc-1", "traffic_type": "REJECT"}),
            ),
            (
                "aws_vpc",
                "unlogged",
                json!({"id": "vpc-2", "cidr_block": "10.1.0.0/16"}),
            ),
        ],
        &[],
    );
    let live = snapshot(
        json!({"ec2": {
            "vpcs": {"ok": [{"id": "vpc-1", "cidr_block": "10.0.0.0/16"},
                {"id": "vpc-2", "cidr_block": "10.1.0.0/16"}]},
            "flow_logs": {"ok": [{"id": "fl-1", "resource_id": "vpc-1",
                "traffic_type": "REJECT", "status": "ACTIVE"}]}}}),
        json!({}),
    );
    agree(
        &text,
        &live,
        &[
            ("ZT601", "aws_vpc.logged", "vpc/vpc-1", Status::Pass),
            ("ZT601", "aws_vpc.unlogged", "vpc/vpc-2", Status::Fail),
        ],
    );
}

/// The statuses of `check` on the plan's `address`.
fn on_plan(plan_text: &str, check: &str, address: &str) -> Vec<(Status, String)> {
    let mapped = map_plan(plan_text).expect("a plan");
    evaluate_plan(&mapped, CHECKS, &CheckConfig::default())
        .into_iter()
        .filter(|f| f.check_id == check && f.resource == address)
        .map(|f| (f.status, f.message))
        .collect()
}

/// The statuses of `check` on the snapshot's resources whose id ends with `id_end`.
fn on_live(live: &Snapshot, check: &str, id_end: &str) -> Vec<Status> {
    evaluate(CHECKS, live, &CheckConfig::default())
        .into_iter()
        .filter(|f| f.check_id == check && f.resource.ends_with(id_end))
        .map(|f| f.status)
        .collect()
}

fn trail_values(name: &str, multi_region: bool, validation: bool, kms: Option<&str>) -> Value {
    json!({"name": name, "arn": format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"),
        "s3_bucket_name": "trail-logs", "is_multi_region_trail": multi_region,
        "enable_logging": true, "enable_log_file_validation": validation, "kms_key_id": kms,
        "event_selector": [{"read_write_type": "All", "include_management_events": true,
            "exclude_management_event_sources": []}],
        "advanced_event_selector": []})
}

fn live_trail(
    name: &str,
    multi_region: bool,
    validation: bool,
    kms: Option<&str>,
    logging: bool,
) -> Value {
    let mut trail = json!({"arn": format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"),
        "name": name, "home_region": REGION, "multi_region": multi_region,
        "log_file_validation": validation, "s3_bucket_name": "trail-logs",
        "status": {"ok": {"is_logging": logging}},
        "event_selectors": {"ok": {"classic": [{"read_write_type": "All",
            "include_management_events": true}]}}});
    if let Some(key) = kms {
        trail["kms_key_id"] = json!(key);
    }
    trail
}

#[test]
fn cloudtrail_trails() {
    let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let text = plan(
        &[
            (
                "aws_cloudtrail",
                "main",
                trail_values("main", true, true, Some(key)),
            ),
            (
                "aws_cloudtrail",
                "local",
                trail_values("local", false, false, None),
            ),
        ],
        &[],
    );
    let live = snapshot(
        json!({"cloudtrail": {"trails": {"ok": [
            live_trail("local", false, false, None, true),
            live_trail("main", true, true, Some(key), true)]}}}),
        json!({}),
    );
    let account = "cloudtrail:eu-west-1:123456789012:account";
    agree(
        &text,
        &live,
        &[
            ("ZT602", "aws_cloudtrail.main", account, Status::Pass),
            ("ZT603", "aws_cloudtrail.main", "trail/main", Status::Pass),
            ("ZT603", "aws_cloudtrail.local", "trail/local", Status::Fail),
            ("ZT604", "aws_cloudtrail.main", "trail/main", Status::Pass),
            ("ZT604", "aws_cloudtrail.local", "trail/local", Status::Fail),
        ],
    );

    // A planned multi-region trail that does not log is the plan's defect: FAIL, as live.
    let mut stopped = trail_values("main", true, true, Some(key));
    stopped["enable_logging"] = json!(false);
    let text = plan(&[("aws_cloudtrail", "main", stopped)], &[]);
    let live = snapshot(
        json!({"cloudtrail": {"trails": {"ok": [live_trail("main", true, true, Some(key), false)]}}}),
        json!({}),
    );
    agree(
        &text,
        &live,
        &[("ZT602", "aws_cloudtrail.main", account, Status::Fail)],
    );
}

/// A plan holds only some of the account's trails: where it declares no multi-region trail,
/// a trail outside it may cover the region, so ZT602 is NOT_APPLICABLE on the plan, where a
/// live account with only that trail FAILs. No trail at all: NOT_APPLICABLE too.
#[test]
fn cloudtrail_region_coverage_is_not_failed_on_part_of_the_account() {
    let text = plan(
        &[(
            "aws_cloudtrail",
            "local",
            trail_values("local", false, true, None),
        )],
        &[],
    );
    let mapped = map_plan(&text).expect("a plan");
    let findings = evaluate_plan(&mapped, CHECKS, &CheckConfig::default());
    let coverage: Vec<_> = findings.iter().filter(|f| f.check_id == "ZT602").collect();
    assert_eq!(coverage.len(), 1, "{coverage:?}");
    assert_eq!(coverage[0].status, Status::NotApplicable, "{coverage:?}");
    assert!(
        coverage[0].message.contains("only single-region: local")
            && coverage[0].message.contains("outside it"),
        "{}",
        coverage[0].message
    );
    let live = snapshot(
        json!({"cloudtrail": {"trails": {"ok": [live_trail("local", false, true, None, true)]}}}),
        json!({}),
    );
    assert_eq!(
        on_live(&live, "ZT602", "cloudtrail:eu-west-1:123456789012:account"),
        [Status::Fail]
    );

    let text = plan(&[("aws_vpc", "main", json!({"id": "vpc-1"}))], &[]);
    let mapped = map_plan(&text).expect("a plan");
    for finding in evaluate_plan(&mapped, CHECKS, &CheckConfig::default())
        .iter()
        .filter(|f| ["ZT602", "ZT603", "ZT604", "ZT701"].contains(&&*f.check_id))
    {
        assert_eq!(finding.status, Status::NotApplicable, "{finding:?}");
    }
}

const GUARDDUTY_PATTERN: &str =
    r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}"#;

/// A rule routing GuardDuty findings to a function whose role has `policy` inline, as a plan
/// (the target and the function joined by reference) and as a snapshot.
fn responder(policy: &str) -> (String, Snapshot) {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/responder");
    let function_arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:respond");
    let rule_arn = format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/findings");
    let text = plan(
        &[
            (
                "aws_cloudwatch_event_rule",
                "findings",
                json!({"name": "findings", "arn": rule_arn, "event_pattern": GUARDDUTY_PATTERN,
                    "state": "ENABLED", "event_bus_name": "default"}),
            ),
            (
                "aws_cloudwatch_event_target",
                "respond",
                json!({"rule": "findings", "target_id": "respond", "event_bus_name": "default"}),
            ),
            (
                "aws_lambda_function",
                "respond",
                json!({"function_name": "respond"}),
            ),
            (
                "aws_iam_role",
                "responder",
                json!({"name": "responder", "path": "/", "assume_role_policy": trust,
                    "inline_policy": [{"name": "contain", "policy": policy}]}),
            ),
        ],
        &[
            (
                "aws_cloudwatch_event_target.respond",
                json!({"arn": {"references": ["aws_lambda_function.respond.arn",
                    "aws_lambda_function.respond"]}}),
            ),
            (
                "aws_lambda_function.respond",
                json!({"role": {"references": ["aws_iam_role.responder.arn",
                    "aws_iam_role.responder"]}}),
            ),
        ],
    );
    let live = snapshot(
        json!({
            "events": {"rules": {"ok": [{"name": "findings", "arn": rule_arn, "state": "ENABLED",
                "event_pattern": GUARDDUTY_PATTERN,
                "targets": {"ok": [{"id": "respond", "arn": function_arn}]}}]}},
            "lambda": {"functions": {"ok": [{"name": "respond", "arn": function_arn,
                "role": role_arn}]}}}),
        json!({"iam": {"authorization": {"ok": {"users": [], "groups": [], "policies": [],
            "roles": [{"name": "responder", "arn": role_arn, "assume_role_policy": trust,
                "inline_policies": [{"name": "contain", "document": policy}],
                "attached_policies": [], "instance_profiles": [],
                "permissions_boundary": {"ok": null}}]}}}}),
    );
    (text, live)
}

#[test]
fn eventbridge_rules_and_their_targets() {
    let account = "events:eu-west-1:123456789012:account";
    let contain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateAccessKey","Resource":"*"}]}"#;
    let logs_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}"#;
    for (policy, expected) in [(contain, Status::Pass), (logs_only, Status::Fail)] {
        let (text, live) = responder(policy);
        agree(
            &text,
            &live,
            &[(
                "ZT701",
                "aws_cloudwatch_event_rule.findings",
                account,
                expected,
            )],
        );
    }
}

/// A planned rule whose target is outside the plan is UNDECIDED, never a PASS on faith nor a
/// FAIL; a region where no planned rule routes findings is NOT_APPLICABLE.
#[test]
fn eventbridge_on_part_of_the_account() {
    let rule = |name: &str, pattern: Option<&str>| {
        (
            "aws_cloudwatch_event_rule",
            name.to_owned(),
            json!({"name": name, "event_pattern": pattern, "state": "ENABLED",
                "schedule_expression": pattern.map_or(Some("rate(1 day)"), |_| None)}),
        )
    };
    let target = |name: &str, rule: &str, arn: &str| {
        (
            "aws_cloudwatch_event_target",
            name.to_owned(),
            json!({"rule": rule, "arn": arn, "target_id": name}),
        )
    };
    for (outside, kind) in [
        (
            format!("arn:aws:sns:{REGION}:{ACCOUNT}:oncall"),
            "SNS topic",
        ),
        (
            format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:elsewhere"),
            "Lambda function",
        ),
    ] {
        let resources = [
            rule("findings", Some(GUARDDUTY_PATTERN)),
            target("out", "findings", &outside),
        ];
        let resources: Vec<(&str, &str, Value)> = resources
            .iter()
            .map(|(t, n, v)| (*t, n.as_str(), v.clone()))
            .collect();
        let found = on_plan(
            &plan(&resources, &[]),
            "ZT701",
            "aws_cloudwatch_event_rule.findings",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, Status::Undecided, "{found:?}");
        assert!(
            found[0].1.contains(kind) && found[0].1.contains(&outside),
            "{}",
            found[0].1
        );
    }

    let resources = [
        rule("nightly", None),
        target(
            "report",
            "nightly",
            &format!("arn:aws:sns:{REGION}:{ACCOUNT}:report"),
        ),
    ];
    let resources: Vec<(&str, &str, Value)> = resources
        .iter()
        .map(|(t, n, v)| (*t, n.as_str(), v.clone()))
        .collect();
    let mapped = map_plan(&plan(&resources, &[])).expect("a plan");
    let response: Vec<_> = evaluate_plan(&mapped, CHECKS, &CheckConfig::default())
        .into_iter()
        .filter(|f| f.check_id == "ZT701")
        .collect();
    assert_eq!(response.len(), 1, "{response:?}");
    assert_eq!(response[0].status, Status::NotApplicable, "{response:?}");
    assert!(
        response[0].message.contains("outside it"),
        "{}",
        response[0].message
    );
}

/// The environment checks read the planned VPCs' tags as a scan reads the live ones: a
/// staging VPC peered with production FAILs ZT310, a test VPC with no path PASSes, and the
/// account holding both FAILs ZT801. A peering to a VPC the plan does not declare (its
/// environment unknown) is UNDECIDED, never PASS.
#[test]
fn vpc_environment_tags() {
    let vpc = |id: &str, environment: &str| {
        json!({"id": id, "cidr_block": "10.0.0.0/16", "tags": {"Environment": environment},
            "tags_all": {"Environment": environment}})
    };
    let text = plan(
        &[
            ("aws_vpc", "production", vpc("vpc-1", "production")),
            ("aws_vpc", "staging", vpc("vpc-2", "staging")),
            ("aws_vpc", "test", vpc("vpc-3", "test")),
            (
                "aws_vpc_peering_connection",
                "staging",
                json!({"id": "pcx-1", "vpc_id": "vpc-2", "peer_vpc_id": "vpc-1", "auto_accept": true}),
            ),
        ],
        &[],
    );
    let live_vpc = |id: &str, environment: &str| json!({"id": id, "cidr_block": "10.0.0.0/16", "tags": {"Environment": environment}});
    let live = snapshot(
        json!({"ec2": {
            "vpcs": {"ok": [live_vpc("vpc-1", "production"), live_vpc("vpc-2", "staging"),
                live_vpc("vpc-3", "test")]},
            "vpc_peering_connections": {"ok": [{"id": "pcx-1", "requester_vpc_id": "vpc-2",
                "accepter_vpc_id": "vpc-1", "requester_region": REGION, "accepter_region": REGION,
                "status": "active"}]},
            "transit_gateway_attachments": {"ok": []},
            "instances": {"ok": []}}}),
        json!({"organizations": {"organization": {"ok": null}}}),
    );
    agree(
        &text,
        &live,
        &[
            ("ZT310", "aws_vpc.staging", "vpc/vpc-2", Status::Fail),
            ("ZT310", "aws_vpc.test", "vpc/vpc-3", Status::Pass),
        ],
    );
    let mapped = map_plan(&text).expect("a plan");
    let workloads: Vec<Status> = evaluate_plan(&mapped, CHECKS, &CheckConfig::default())
        .into_iter()
        .filter(|f| f.check_id == "ZT801")
        .map(|f| f.status)
        .collect();
    assert_eq!(workloads, [Status::Fail]);
    assert_eq!(on_live(&live, "ZT801", ":account"), [Status::Fail]);

    let text = plan(
        &[
            ("aws_vpc", "staging", vpc("vpc-2", "staging")),
            (
                "aws_vpc_peering_connection",
                "elsewhere",
                json!({"id": "pcx-2", "vpc_id": "vpc-2", "peer_vpc_id": "vpc-9", "auto_accept": true}),
            ),
        ],
        &[],
    );
    let found = on_plan(&text, "ZT310", "aws_vpc.staging");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Status::Undecided, "{found:?}");
    assert!(found[0].1.contains("vpc-9"), "{}", found[0].1);
}
