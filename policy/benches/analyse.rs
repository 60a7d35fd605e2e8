//! How long linting and MFA analysis take for an account-sized (and a large organisation-sized)
//! set of policies, and whether the cost grows linearly.
//!
//! Policies are generated deterministically (a fixed-seed xorshift), shaped like real ones:
//! 1–6 statements mixing Allow and Deny, catalogue actions, service wildcards, NotAction,
//! ARNs with wildcards and policy variables, and MFA / IP / region conditions. They are grouped
//! five to an identity, as attached policies are, and each identity is analysed against the
//! built-in catalogue. Parsing is measured separately.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-policy cargo bench -p ztaudit-policy`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ztaudit_policy::{lint, mfa, Catalogue, PolicyDocument};

const POLICIES_PER_IDENTITY: usize = 5;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "ec2:Describe*",
    "ec2:TerminateInstances",
    "iam:PassRole",
    "iam:*AccessKey*",
    "iam:Get*",
    "kms:Decrypt",
    "kms:*",
    "cloudtrail:StopLogging",
    "logs:*",
    "sts:AssumeRole",
    "rds:Delete*",
    "secretsmanager:GetSecretValue",
    "*",
    "dynamodb:Query",
    "lambda:InvokeFunction",
    "organizations:List*",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::reports-*/*",
    "arn:aws:s3:::logs",
    "arn:aws:iam::111122223333:user/${aws:username}",
    "arn:aws:iam::111122223333:role/app-*",
    "arn:aws:ec2:*:111122223333:instance/*",
    "arn:aws:kms:eu-west-1:111122223333:key/*",
    "arn:aws:rds:*:*:db:prod-??",
];

const CONDITIONS: &[&str] = &[
    "",
    "",
    "",
    r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
    r#","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#,
    r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#,
    r#","Condition":{"Null":{"aws:MultiFactorAuthPresent":"true"}}"#,
    r#","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}"#,
    r#","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
];

fn generate_policy(random: &mut XorShift, index: usize) -> String {
    let statement_count = 1 + random.below(6);
    let mut statements = Vec::with_capacity(statement_count);
    for number in 0..statement_count {
        let effect = if random.below(4) == 0 {
            "Deny"
        } else {
            "Allow"
        };
        let action_key = if random.below(10) == 0 {
            "NotAction"
        } else {
            "Action"
        };
        let actions: Vec<String> = (0..1 + random.below(4))
            .map(|_| format!("{:?}", random.pick(ACTIONS)))
            .collect();
        let resources: Vec<String> = (0..1 + random.below(3))
            .map(|_| format!("{:?}", random.pick(RESOURCES)))
            .collect();
        let condition = random.pick(CONDITIONS);
        statements.push(format!(
            r#"{{"Sid":"S{index}x{number}","Effect":"{effect}","{action_key}":[{}],"Resource":[{}]{condition}}}"#,
            actions.join(","),
            resources.join(",")
        ));
    }
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

fn generate(count: usize) -> (Vec<String>, Vec<String>) {
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let texts = (0..count)
        .map(|index| generate_policy(&mut random, index))
        .collect();
    let names = (0..count)
        .map(|index| format!("arn:aws:iam::111122223333:policy/generated-{index}"))
        .collect();
    (texts, names)
}

fn parse_all(texts: &[String]) -> Vec<PolicyDocument> {
    texts
        .iter()
        .map(|text| PolicyDocument::parse(text).expect("generated policies are valid"))
        .collect()
}

/// Everything the checks do with a set of policies: both lints per document, and the MFA
/// analysis per identity. Returns a count so the work cannot be optimised away.
fn lint_and_analyse(
    documents: &[PolicyDocument],
    names: &[String],
    catalogue: &Catalogue,
) -> usize {
    let mut findings = 0;
    for document in documents {
        findings += lint::lint(document).len();
        findings += lint::ineffective_mfa_guards(document).len();
    }
    for (group, group_names) in documents
        .chunks(POLICIES_PER_IDENTITY)
        .zip(names.chunks(POLICIES_PER_IDENTITY))
    {
        let policies: Vec<mfa::NamedPolicy<'_>> = group
            .iter()
            .zip(group_names)
            .map(|(document, name)| mfa::NamedPolicy { name, document })
            .collect();
        findings += mfa::analyse(&policies, catalogue).len();
    }
    findings
}

fn bench(criterion: &mut Criterion) {
    let catalogue = Catalogue::builtin();
    let mut group = criterion.benchmark_group("lint_and_mfa");
    group.sample_size(10);
    for count in [10_000, 20_000] {
        let (texts, names) = generate(count);
        let documents = parse_all(&texts);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(count),
            &documents,
            |b, documents| b.iter(|| black_box(lint_and_analyse(documents, &names, &catalogue))),
        );
    }
    group.finish();

    let mut group = criterion.benchmark_group("parse");
    group.sample_size(10);
    for count in [10_000, 20_000] {
        let (texts, _) = generate(count);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_with_input(BenchmarkId::from_parameter(count), &texts, |b, texts| {
            b.iter(|| black_box(parse_all(texts).len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
