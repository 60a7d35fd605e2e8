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
