use crate::declare_check;
use crate::identity::shared::days_before_collection;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds Secrets Manager secrets without automatic rotation, and secrets whose rotation
    /// has fallen behind its schedule.
    ///
    /// ## Why is this bad?
    /// A secret that never changes is a long-lived credential: every copy ever made of it — a
    /// log, a laptop, a former colleague — keeps working. Zero Trust prefers short-lived,
    /// generated credentials; where a secret must exist, rotation bounds how long a leak is
    /// worth anything.
    ///
    /// ## How it is evaluated
    /// - PASS: rotation is on and, when the schedule is in days and the secret has rotated, the
    ///   last rotation is within it (one day of grace).
    /// - FAIL: rotation is off, or the last rotation is older than the schedule allows.
    /// - ERROR: the region's secrets could not be read.
    ///
    /// ## References
    /// - AWS FSBP SecretsManager.1 (automatic rotation), SecretsManager.4 (rotated within a
    ///   specified number of days)
    pub SecretNotRotated {
        id: "ZT116",
        name: "secret-not-rotated",
        title: "Secrets Manager secret is not rotated",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: ["SecretsManager.1", "SecretsManager.4"],
        cis: [],
        remediation_cli: "aws secretsmanager rotate-secret --secret-id SECRET_ARN \\\n  --rotation-lambda-arn ROTATION_FUNCTION_ARN --rotation-rules AutomaticallyAfterDays=30",
        remediation_terraform: "resource \"aws_secretsmanager_secret_rotation\" \"app\" {\n  secret_id           = aws_secretsmanager_secret.app.id\n  rotation_lambda_arn = aws_lambda_function.rotate.arn\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (region, data) in &snapshot.regions {
        let Some(secrets) = out.require("secretsmanager", region, &data.secretsmanager.secrets)
        else {
            continue;
        };
        for secret in secrets {
            let resource = out.resource(region, secret);
            if !secret.rotation_enabled {
                out.fail(resource, format!("secret {} has rotation off", secret.name));
                continue;
            }
            let overdue = match (secret.rotation_days, secret.last_rotated.as_deref()) {
                (Some(schedule), Some(last)) => days_before_collection(snapshot, last)
                    .filter(|age| *age > schedule + 1)
                    .map(|age| (age, schedule)),
                _ => None,
            };
            match overdue {
                Some((age, schedule)) => out.fail(
                    resource,
                    format!(
                        "secret {} last rotated {age} days ago, behind its {schedule}-day schedule",
                        secret.name
                    ),
                ),
                None => out.pass(
                    resource,
                    match secret.rotation_days {
                        Some(days) => format!("secret {} rotates every {days} days", secret.name),
                        None => format!("secret {} rotates on a schedule", secret.name),
                    },
                ),
            }
        }
    }
}
