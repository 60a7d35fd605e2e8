use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds S3 buckets whose default encryption is not SSE-KMS (`aws:kms` or `aws:kms:dsse`).
    ///
    /// ## Why is this bad?
    /// Since January 2023 S3 encrypts every new object with SSE-S3, a key S3 owns and uses for
    /// any caller S3 authorizes. That is the baseline, not Zero Trust: with SSE-KMS every read
    /// also needs `kms:Decrypt` on a key the account controls, is logged in CloudTrail as a KMS
    /// call, and stops when the key policy or a grant says so — a second, independent check
    /// that a leaked bucket policy alone cannot pass.
    ///
    /// ## How it is evaluated
    /// - PASS: the bucket's default encryption rule uses `aws:kms` or `aws:kms:dsse`.
    /// - FAIL: it uses SSE-S3 (`AES256`), or the bucket has no default-encryption rule.
    /// - ERROR: the buckets, or this bucket's location or encryption, could not be read.
    ///
    /// ## References
    /// - AWS FSBP S3.17 (S3 general purpose buckets should be encrypted at rest with KMS keys)
    /// - CIS AWS Foundations Benchmark v3.0 2.1.1 (earlier versions)
    pub S3BucketWithoutSseKms {
        id: "ZT503",
        name: "s3-bucket-without-sse-kms",
        title: "S3 bucket default encryption is not SSE-KMS",
        severity: Medium,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["S3.17"],
        cis: [],
        remediation_cli: "aws s3api put-bucket-encryption --bucket BUCKET \\\n  --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KMS_KEY_ARN\"},\"BucketKeyEnabled\":true}]}'",
        remediation_terraform: "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"data\" {\n  bucket = aws_s3_bucket.data.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"\n      kms_master_key_id = aws_kms_key.s3.arn\n    }\n    bucket_key_enabled = true\n  }\n}",
        run: evaluate,
    }
}

const KMS_ALGORITHMS: [&str; 2] = ["aws:kms", "aws:kms:dsse"];

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(buckets) = out.require_global("s3", &snapshot.global.s3.buckets) else {
        return;
    };
    for bucket in buckets {
        let resource = out.resource(GLOBAL_REGION, bucket);
        let rules = match bucket.encryption.as_result() {
            Ok(rules) => rules,
            Err(error) => {
                out.error(resource, error);
                continue;
            }
        };
        let algorithms: Vec<&str> = rules
            .iter()
            .flatten()
            .map(|rule| rule.algorithm.as_str())
            .collect();
        if algorithms.iter().any(|a| KMS_ALGORITHMS.contains(a)) {
            out.pass(
                resource,
                format!(
                    "{} encrypts new objects with SSE-KMS by default",
                    bucket.name
                ),
            );
        } else if algorithms.is_empty() {
            out.fail(
                resource,
                format!(
                    "{} has no default-encryption rule (S3 applies SSE-S3, not a key the account controls)",
                    bucket.name
                ),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "{} encrypts by default with {} (SSE-S3), not a KMS key the account controls",
                    bucket.name,
                    algorithms.join(", ")
                ),
            );
        }
    }
}
