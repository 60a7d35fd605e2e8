//! S3: buckets joined with the settings AWS provider v4+ declares as resources of their own
//! (ZT503–ZT506).
//!
//! - `aws_s3_bucket`, with the provider v3 inline `server_side_encryption_configuration` and
//!   `policy` when configured; `aws_s3_bucket_server_side_encryption_configuration`,
//!   `aws_s3_bucket_public_access_block` and `aws_s3_bucket_policy` join the bucket named by
//!   their `bucket` (its planned name, or the `configuration` reference when the name is
//!   unknown). A setting for a bucket the plan does not declare stands for that bucket, whose
//!   other settings are not in the plan.
//! - What AWS does to a bucket created without a setting: default encryption SSE-S3 (since
//!   January 2023), all four Block Public Access switches on (since April 2023), no policy.
//!   For a bucket that exists already, a setting the plan does not declare is not known: it is
//!   "not declared in the plan", and what hangs on it is UNDECIDED.
//! - `aws_s3_account_public_access_block` is the account's Block Public Access.

use std::collections::BTreeMap;

use ztaudit_checks::findings::GLOBAL_REGION;
use ztaudit_checks::snapshot::{Bucket, EncryptionRule, PublicAccessBlock};
use ztaudit_checks::{CallError, Collected};

use crate::mapping::Mapping;
use crate::plan::{Action, Planned};
use crate::values::{Known, Node};

const SPLIT_TYPES: [&str; 3] = [
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_policy",
];

pub fn map(m: &mut Mapping<'_>) {
    if let Some(account) = m.of_type("aws_s3_account_public_access_block").next() {
        let block = switches(m, account, account.values);
        m.register_setting(account, GLOBAL_REGION, "s3", "ZT504");
        m.snapshot.global.s3.account_public_access_block = Collected::Ok(Some(block));
    }
    if !m.declares(&["aws_s3_bucket"]) && !m.declares(&SPLIT_TYPES) {
        return;
    }
    let mut buckets: BTreeMap<String, (&Planned<'_>, Bucket)> = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_s3_bucket").collect();
    for planned in declared {
        let name = planned
            .known_str("bucket")
            .unwrap_or(planned.address)
            .to_owned();
        let created = planned.action == Action::Create;
        let absent = |what: &str| -> Collected<Option<_>> {
            if created {
                Collected::Ok(None)
            } else {
                Collected::Error(not_declared(&name, what))
            }
        };
        let mut bucket = Bucket {
            name: name.clone(),
            region: Collected::Ok(planned.region.to_owned()),
            encryption: if created {
                Collected::Ok(Some(vec![sse_s3()]))
            } else {
                Collected::Error(not_declared(&name, "default encryption"))
            },
            public_access_block: if created {
                Collected::Ok(Some(all_on()))
            } else {
                Collected::Error(not_declared(&name, "Block Public Access"))
            },
            policy: absent("policy"),
        };
        if planned.configured("server_side_encryption_configuration") {
            let node = planned.values.get("server_side_encryption_configuration");
            bucket.encryption = Collected::Ok(Some(encryption(m, planned, node, true)));
        }
        if planned.configured("policy") {
            let policy = policy_text(m, planned, planned.values.get("policy"));
            bucket.policy = Collected::Ok(policy);
        }
        buckets.insert(planned.address.to_owned(), (planned, bucket));
    }

    for resource_type in SPLIT_TYPES {
        let settings: Vec<&Planned<'_>> = m.of_type(resource_type).collect();
        for setting in settings {
            let Some(key) = bucket_of(m, setting, &mut buckets) else {
                continue;
            };
            let Some((owner, _)) = buckets.get(&key) else {
                continue;
            };
            let owner = *owner;
            let value = match resource_type {
                "aws_s3_bucket_server_side_encryption_configuration" => {
                    Setting::Encryption(encryption(m, owner, setting.values, false))
                }
                "aws_s3_bucket_public_access_block" => {
                    Setting::Block(switches(m, owner, setting.values))
                }
                _ => Setting::Policy(policy_text(m, owner, setting.values.get("policy"))),
            };
            if let Some((_, bucket)) = buckets.get_mut(&key) {
                match value {
                    Setting::Encryption(rules) => bucket.encryption = Collected::Ok(Some(rules)),
                    Setting::Block(block) => {
                        bucket.public_access_block = Collected::Ok(Some(block))
                    }
                    Setting::Policy(policy) => bucket.policy = Collected::Ok(policy),
                }
            }
        }
    }

    let mut list = Vec::new();
    for (planned, bucket) in buckets.into_values() {
        m.register(planned, GLOBAL_REGION, &bucket);
        list.push(bucket);
    }
    list.sort_by(|a, b| a.name.cmp(&b.name));
    m.snapshot.global.s3.buckets = Collected::Ok(list);
}

enum Setting {
    Encryption(Vec<EncryptionRule>),
    Block(PublicAccessBlock),
    Policy(Option<String>),
}

fn not_declared(bucket: &str, what: &str) -> CallError {
    CallError::not_in_plan("s3", format!("the {what} of {bucket}"))
}

fn sse_s3() -> EncryptionRule {
    EncryptionRule {
        algorithm: "AES256".to_owned(),
        kms_key_id: None,
    }
}

fn all_on() -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    }
}

/// The key (address) of the bucket a split setting names: the one its `configuration`
/// reference resolves to, else the one of its planned name (of the setting's own module
/// instance first, when several declarations share the name), else a stand-in for a bucket
/// the plan does not declare.
fn bucket_of<'p>(
    m: &mut Mapping<'p>,
    setting: &'p Planned<'p>,
    buckets: &mut BTreeMap<String, (&'p Planned<'p>, Bucket)>,
) -> Option<String> {
    let referenced = m.referenced(setting, "bucket", &["aws_s3_bucket"]);
    if let [one] = referenced.as_slice() {
        return Some(one.address.to_owned());
    }
    if let Some(name) = setting.known_str("bucket") {
        let named: Vec<(&String, &Planned<'_>)> = buckets
            .iter()
            .filter(|(_, (_, b))| b.name == name)
            .map(|(key, (planned, _))| (key, *planned))
            .collect();
        let same_module = named.iter().find(|(_, p)| p.module == setting.module);
        if let Some((key, _)) = same_module.or(named.first()) {
            return Some((*key).clone());
        }
        let stand_in = Bucket {
            name: name.to_owned(),
            region: Collected::Ok(setting.region.to_owned()),
            encryption: Collected::Error(not_declared(name, "default encryption")),
            public_access_block: Collected::Error(not_declared(name, "Block Public Access")),
            policy: Collected::Error(not_declared(name, "policy")),
        };
        buckets.insert(setting.address.to_owned(), (setting, stand_in));
        return Some(setting.address.to_owned());
    }
    // Which bucket only apply decides: the setting is judged nowhere, and each candidate's
    // verdict on it is unknown.
    m.unknown(setting, "bucket");
    None
}

/// The four switches; an unknown one is off at worst, on at best.
fn switches(m: &mut Mapping<'_>, owner: &Planned<'_>, node: Node<'_>) -> PublicAccessBlock {
    let mut read = |field: &str| m.resolve_bool(owner, field, node.get(field), false, true, false);
    PublicAccessBlock {
        block_public_acls: read("block_public_acls"),
        ignore_public_acls: read("ignore_public_acls"),
        block_public_policy: read("block_public_policy"),
        restrict_public_buckets: read("restrict_public_buckets"),
    }
}

/// The default-encryption rules of an inline or split configuration (`rule`, each with one
/// `apply_server_side_encryption_by_default`). Unknown: SSE-KMS at best, SSE-S3 at worst (S3
/// never stores an object unencrypted).
fn encryption(
    m: &mut Mapping<'_>,
    owner: &Planned<'_>,
    node: Node<'_>,
    inline: bool,
) -> Vec<EncryptionRule> {
    let kms = || EncryptionRule {
        algorithm: "aws:kms".to_owned(),
        kms_key_id: None,
    };
    let unknown = |m: &mut Mapping<'_>| {
        m.unknown(owner, "server_side_encryption_configuration");
        vec![m.case.pick(kms(), sse_s3())]
    };
    // Inline (v3): a list of one configuration holding the rules; split: the rules.
    let rules_node = if inline {
        match node.items() {
            Known::Value(items) => match items.first() {
                Some(first) => first.get("rule"),
                None => return vec![sse_s3()],
            },
            Known::Unknown => return unknown(m),
        }
    } else {
        node.get("rule")
    };
    let Known::Value(rules) = rules_node.items() else {
        return unknown(m);
    };
    let mut out = Vec::new();
    for rule in rules {
        let Known::Value(defaults) = rule.get("apply_server_side_encryption_by_default").items()
        else {
            return unknown(m);
        };
        for default in defaults {
            match default.get("sse_algorithm").str() {
                Known::Value(Some(algorithm)) => out.push(EncryptionRule {
                    algorithm: algorithm.to_owned(),
                    kms_key_id: default
                        .get("kms_master_key_id")
                        .known_str()
                        .filter(|k| !k.is_empty())
                        .map(str::to_owned),
                }),
                Known::Value(None) => {}
                Known::Unknown => return unknown(m),
            }
        }
    }
    if out.is_empty() {
        // A configuration with no rule leaves S3's own default.
        out.push(sse_s3());
    }
    out
}

/// A policy document, or none; unknown is the worst policy a check could read: none at all
/// for ZT506 (no TLS-only deny), a deny of plain HTTP at best.
fn policy_text(m: &mut Mapping<'_>, owner: &Planned<'_>, node: Node<'_>) -> Option<String> {
    const TLS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let known = match node.str() {
        Known::Value(text) => Known::Value(text.filter(|t| !t.is_empty()).map(str::to_owned)),
        Known::Unknown => Known::Unknown,
    };
    m.resolve(owner, "policy", known, Some(TLS_ONLY.to_owned()), None)
}
