use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::snapshot::Account;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that S3 Block Public Access is fully on for the whole account.
    ///
    /// ## Why is this bad?
    /// One bucket policy or ACL written in a hurry can publish data to the world. The
    /// account-level switches stop that for every bucket, present and future, whatever their
    /// own settings say — the least-privilege default for data that should never be
    /// anonymous.
    ///
    /// ## How it is evaluated
    /// - PASS: all four switches (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`,
    ///   `RestrictPublicBuckets`) are on for the account.
    /// - FAIL: any is off, or the account has no Block Public Access configuration.
    /// - ERROR: s3control `GetPublicAccessBlock` could not be read.
    ///
    /// ## References
    /// - AWS FSBP S3.1
    /// - CIS AWS Foundations Benchmark v3.0 2.1.4
    pub S3AccountPublicAccessBlockOff {
        id: "ZT504",
        name: "s3-account-public-access-block-off",
        title: "S3 Block Public Access is not fully on for the account",
        severity: High,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["S3.1"],
        cis: ["2.1.4"],
        remediation_cli: "aws s3control put-public-access-block --account-id ACCOUNT_ID \\\n  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        remediation_terraform: "resource \"aws_s3_account_public_access_block\" \"account\" {\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(block) = out.require_global("s3", &snapshot.global.s3.account_public_access_block)
    else {
        return;
    };
    let resource = out.resource(GLOBAL_REGION, &Account { service: "s3" });
    match block {
        Some(block) if block.all_on() => out.pass(
            resource,
            "S3 Block Public Access is fully on for the account",
        ),
        Some(block) => out.fail(
            resource,
            format!(
                "S3 Block Public Access for the account has {} off",
                block.switches_off().join(", ")
            ),
        ),
        None => out.fail(
            resource,
            "the account has no S3 Block Public Access configuration",
        ),
    }
}
