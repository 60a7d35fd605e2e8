use ztaudit_policy::{evaluate as evaluate_policy, Decision, PolicyDocument, Request};
use ztaudit_policy::{Effect, Principal, PrincipalElement, PrincipalKind};

use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Checks that every S3 bucket's policy refuses requests not made over TLS.
    ///
    /// ## Why is this bad?
    /// S3 still answers plain HTTP. Without a policy that refuses it, a misconfigured client or
    /// a downgrade sends credentials-signed requests and the data itself in clear text. Zero
    /// Trust encrypts every flow, inside the network too.
    ///
    /// ## How it is evaluated
    /// The bucket policy is parsed and evaluated by ztaudit's IAM policy engine, keeping only
    /// `Deny` statements whose `Principal` is everyone (`"*"` or `{"AWS": "*"}`) — a deny for
    /// one principal protects no one else.
    /// - PASS: those statements deny `s3:GetObject` and `s3:PutObject` on the bucket's objects
    ///   when `aws:SecureTransport` is `false` (the AWS-recommended `Deny s3:*` with
    ///   `Bool aws:SecureTransport false` does).
    /// - FAIL: they do not, or the bucket has no policy. A `s3:TlsVersion` condition alone does
    ///   not refuse plain HTTP, which has no TLS version.
    /// - ERROR: the buckets or this bucket's policy could not be read, or the policy does not
    ///   parse.
    ///
    /// ## References
    /// - AWS FSBP S3.5
    /// - CIS AWS Foundations Benchmark v3.0 2.1.1
    pub S3BucketAllowsPlainHttp {
        id: "ZT506",
        name: "s3-bucket-allows-plain-http",
        title: "S3 bucket policy does not refuse requests without TLS",
        severity: Medium,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["S3.5"],
        cis: ["2.1.1"],
        remediation_cli: "aws s3api put-bucket-policy --bucket BUCKET --policy '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyPlainHttp\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::BUCKET\",\"arn:aws:s3:::BUCKET/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}'\n# Merge with the bucket's existing statements: put-bucket-policy replaces the policy.",
        remediation_terraform: "data \"aws_iam_policy_document\" \"tls_only\" {\n  statement {\n    sid     = \"DenyPlainHttp\"\n    effect  = \"Deny\"\n    actions = [\"s3:*\"]\n    principals {\n      type        = \"*\"\n      identifiers = [\"*\"]\n    }\n    resources = [aws_s3_bucket.data.arn, \"${aws_s3_bucket.data.arn}/*\"]\n    condition {\n      test     = \"Bool\"\n      variable = \"aws:SecureTransport\"\n      values   = [\"false\"]\n    }\n  }\n}",
        run: evaluate,
    }
}

/// Whether a statement's `Principal` is everyone.
fn applies_to_everyone(principal: &Option<PrincipalElement>) -> bool {
    match principal {
        Some(PrincipalElement::Principal(Principal::Anyone)) => true,
        Some(PrincipalElement::Principal(Principal::Map(entries))) => entries
            .iter()
            .any(|(kind, ids)| *kind == PrincipalKind::Aws && ids.iter().any(|id| id == "*")),
        _ => false,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let Some(buckets) = out.require_global("s3", &snapshot.global.s3.buckets) else {
        return;
    };
    for bucket in buckets {
        let resource = out.resource(GLOBAL_REGION, bucket);
        let policy = match bucket.policy.as_result() {
            Ok(Some(policy)) => policy,
            Ok(None) => {
                out.fail(
                    resource,
                    format!(
                        "{} has no bucket policy, so nothing refuses plain HTTP",
                        bucket.name
                    ),
                );
                continue;
            }
            Err(error) => {
                out.error(resource, error);
                continue;
            }
        };
        let mut document = match PolicyDocument::parse(policy) {
            Ok(document) => document,
            Err(error) => {
                out.unevaluable(
                    resource,
                    format!("the bucket policy does not parse: {error}"),
                );
                continue;
            }
        };
        document.statements.retain(|statement| {
            statement.effect == Effect::Deny && applies_to_everyone(&statement.principal)
        });
        let object = format!("{}/any-object", bucket.arn_in(out.partition()));
        let refused = ["s3:GetObject", "s3:PutObject"].iter().all(|action| {
            let request =
                Request::new(*action, object.as_str()).with_context("aws:SecureTransport", "false");
            matches!(
                evaluate_policy(&[&document], &request),
                Decision::ExplicitDeny { .. }
            )
        });
        if refused {
            out.pass(
                resource,
                format!("{}'s policy refuses requests without TLS", bucket.name),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "{}'s policy does not refuse reads and writes without TLS (no Deny for everyone on aws:SecureTransport false)",
                    bucket.name
                ),
            );
        }
    }
}
