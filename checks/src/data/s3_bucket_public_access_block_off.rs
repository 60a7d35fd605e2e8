use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::PublicAccessBlock;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that every S3 bucket is covered by Block Public Access: its own four switches, or
    /// the account's.
    ///
    /// ## Why is this bad?
    /// A bucket that can be made public by a policy or an ACL is one change away from a leak.
    /// Block Public Access is the guard rail that refuses such a change outright.
    ///
    /// ## How it is evaluated
    /// S3 applies the most restrictive combination of the account's and the bucket's settings,
    /// switch by switch.
    /// - PASS: each switch is on for the bucket or for the account (the message says which).
    /// - FAIL: some switch is on for neither; the message names them.
    /// - ERROR: the buckets, this bucket's setting, or the account's setting could not be read
    ///   (and the bucket's own switches do not settle it).
    ///
    /// ## References
    /// - AWS FSBP S3.8
    /// - CIS AWS Foundations Benchmark v3.0 2.1.4
    pub S3BucketPublicAccessBlockOff {
        id: "ZT505",
        name: "s3-bucket-public-access-block-off",
        title: "S3 bucket is not covered by Block Public Access",
        severity: High,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["S3.8"],
        cis: ["2.1.4"],
        remediation_cli: "aws s3api put-public-access-block --bucket BUCKET \\\n  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        remediation_terraform: "resource \"aws_s3_bucket_public_access_block\" \"data\" {\n  bucket                  = aws_s3_bucket.data.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
        run: evaluate,
    }
}

/// The switches on for either setting.
fn combined(a: &PublicAccessBlock, b: &PublicAccessBlock) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: a.block_public_acls || b.block_public_acls,
        ignore_public_acls: a.ignore_public_acls || b.ignore_public_acls,
        block_public_policy: a.block_public_policy || b.block_public_policy,
        restrict_public_buckets: a.restrict_public_buckets || b.restrict_public_buckets,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let s3 = &snapshot.global.s3;
    let Some(buckets) = out.require_global("s3", &s3.buckets) else {
        return;
    };
    for bucket in buckets {
        let resource = out.resource(GLOBAL_REGION, bucket);
        let own = match bucket.public_access_block.as_result() {
            Ok(own) => own.unwrap_or_default(),
            Err(error) => {
                out.error(resource, error);
                continue;
            }
        };
        if own.all_on() {
            out.pass(
                resource,
                format!(
                    "{} has all four Block Public Access switches on",
                    bucket.name
                ),
            );
            continue;
        }
        let account = match s3.account_public_access_block.as_result() {
            Ok(account) => account.unwrap_or_default(),
            Err(error) => {
                out.error(resource, error);
                continue;
            }
        };
        let effective = combined(&own, &account);
        if effective.all_on() {
            out.pass(
                resource,
                format!(
                    "{} is covered by the account's Block Public Access ({} off on the bucket itself)",
                    bucket.name,
                    own.switches_off().join(", ")
                ),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "{} has {} off, on the bucket and for the account",
                    bucket.name,
                    effective.switches_off().join(", ")
                ),
            );
        }
    }
}
