//! Privilege-escalation analysis (ZT117's) of a generated account of 2,000 users, 2,000 roles
//! and 5,000 customer-managed policies: it must take under 2 s.
//!
//! The account is generated deterministically with the shapes real accounts have: narrow
//! service policies, self-service IAM policies scoped to `${aws:username}`, MFA-conditioned
//! and Deny statements, 50 groups, permissions boundaries on one principal in ten, instance
//! profiles, trust policies for EC2, Lambda and the account, a few administrators, and one
//! policy in fifty that opens an escalation path (a policy version, access keys, a role pass,
//! a trust rewrite). Only the analysis is measured; the account is built once.
//!
//! Run: `cargo bench -p ztaudit-checks --bench escalation`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use ztaudit_checks::escalation::{analyse, AnalysisInput, Verdict};
use ztaudit_checks::snapshot::{Authorization, Collected, Group, ManagedPolicy, Role, User};
use ztaudit_policy::Catalogue;

const USERS: usize = 2_000;
const ROLES: usize = 2_000;
const POLICIES: usize = 5_000;
const GROUPS: usize = 50;
const ACCOUNT: &str = "111122223333";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// A small deterministic generator (64-bit LCG), so every run analyses the same account.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn policy_arn(index: usize) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/policy-{index}")
}

/// The statements of policy `index`: mostly narrow, some broad, one in fifty escalating.
fn statements(index: usize, random: &mut Lcg) -> serde_json::Value {
    let table = format!("arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/table-{index}");
    let bucket = format!("arn:aws:s3:::bucket-{index}");
    let own_user = format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}");
    match index % 50 {
        0 => {
            json!([{"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": policy_arn(index)}])
        }
        1 => {
            json!([{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}])
        }
        2 => json!([{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*",
                     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
        3 => json!([{"Effect": "Allow", "Action": ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
                     "Resource": format!("arn:aws:iam::{ACCOUNT}:role/role-{}", random.below(ROLES))}]),
        4..=9 => {
            json!([{"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys"], "Resource": own_user}])
        }
        10..=14 => json!([
            {"Effect": "Allow", "Action": "s3:*", "Resource": [bucket.clone(), format!("{bucket}/*")]},
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
        ]),
        15..=19 => {
            json!([{"Effect": "Allow", "Action": ["ec2:Describe*", "ec2:StartInstances", "ec2:StopInstances"], "Resource": "*",
                           "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}])
        }
        20..=24 => {
            json!([{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ScheduleKeyDeletion"], "Resource": format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/{index}")}])
        }
        25..=29 => {
            json!([{"Effect": "Allow", "Action": ["cloudtrail:LookupEvents", "guardduty:Get*", "guardduty:List*"], "Resource": "*"}])
        }
        _ => json!([
            {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], "Resource": table},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("{bucket}/*")}
        ]),
    }
}

fn document(statements: serde_json::Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn trust(index: usize) -> String {
    let principal = match index % 3 {
        0 => json!({"Service": "lambda.amazonaws.com"}),
        1 => json!({"Service": "ec2.amazonaws.com"}),
        _ => json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}),
    };
    document(json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
}

/// Two policies, one in a hundred principals an administrator, one in ten bounded.
fn attachments(random: &mut Lcg, index: usize) -> (Vec<String>, Collected<Option<String>>) {
    let mut attached = vec![
        policy_arn(random.below(POLICIES)),
        policy_arn(random.below(POLICIES)),
    ];
    if index % 100 == 7 {
        attached.push(ADMIN.to_owned());
    }
    attached.sort();
    attached.dedup();
    let boundary = (index % 10 == 3).then(|| policy_arn(25 + 50 * random.below(POLICIES / 50)));
    (attached, Collected::Ok(boundary))
}

fn account() -> Authorization {
    let mut random = Lcg(17);
    let mut policies: Vec<ManagedPolicy> = (0..POLICIES)
        .map(|index| ManagedPolicy {
            name: format!("policy-{index}"),
            arn: policy_arn(index),
            aws_managed: false,
            attachment_count: 1,
            document: document(statements(index, &mut random)),
        })
        .collect();
    policies.push(ManagedPolicy {
        name: "AdministratorAccess".into(),
        arn: ADMIN.into(),
        aws_managed: true,
        attachment_count: 40,
        document: document(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
    });
    let groups = (0..GROUPS)
        .map(|index| Group {
            name: format!("group-{index}"),
            arn: format!("arn:aws:iam::{ACCOUNT}:group/group-{index}"),
            inline_policies: Vec::new(),
            attached_policies: vec![policy_arn(random.below(POLICIES))],
        })
        .collect();
    let users = (0..USERS)
        .map(|index| {
            let (attached_policies, permissions_boundary) = attachments(&mut random, index);
            User {
                name: format!("user-{index}"),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/user-{index}"),
                inline_policies: Vec::new(),
                attached_policies,
                groups: vec![format!("group-{}", random.below(GROUPS))],
                permissions_boundary,
            }
        })
        .collect();
    let roles = (0..ROLES)
        .map(|index| {
            let (attached_policies, permissions_boundary) = attachments(&mut random, index);
            Role {
                name: format!("role-{index}"),
                arn: format!("arn:aws:iam::{ACCOUNT}:role/role-{index}"),
                assume_role_policy: trust(index),
                inline_policies: Vec::new(),
                attached_policies,
                instance_profiles: if index % 3 == 1 {
                    vec![format!(
                        "arn:aws:iam::{ACCOUNT}:instance-profile/role-{index}"
                    )]
                } else {
                    Vec::new()
                },
                permissions_boundary,
            }
        })
        .collect();
    Authorization {
        users,
        groups,
        roles,
        policies,
    }
}

fn escalation(c: &mut Criterion) {
    let authorization = account();
    let catalogue = Catalogue::builtin();
    let input = AnalysisInput {
        authorization: &authorization,
        partition: "aws",
        account: ACCOUNT,
        scp_levels: &[],
        catalogue: &catalogue,
        functions: &[],
        functions_unread: None,
    };
    let outcomes = analyse(&input);
    let escalating = outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Escalates(_)))
        .count();
    let administrators = outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Administrator)
        .count();
    eprintln!(
        "{} principals: {escalating} can escalate, {administrators} administrators",
        outcomes.len()
    );
    assert!(
        escalating > 0 && administrators > 0,
        "the account exercises the analysis"
    );
    let mut group = c.benchmark_group("escalation");
    group.sample_size(10);
    group.bench_function("2000 users, 2000 roles, 5000 policies", |b| {
        b.iter(|| analyse(black_box(&input)))
    });
    group.finish();
}

criterion_group!(benches, escalation);
criterion_main!(benches);
