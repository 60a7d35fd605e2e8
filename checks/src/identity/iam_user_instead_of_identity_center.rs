use crate::declare_check;
use crate::findings::GLOBAL_REGION;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds IAM users holding long-term credentials — a console password or an active access
    /// key — and says whether IAM Identity Center is already in use to replace them.
    ///
    /// ## Why is this bad?
    /// IAM users are identities managed outside the organisation's identity provider: they do
    /// not disappear when someone leaves, their passwords and keys do not expire by themselves,
    /// and every sign-in is not verified against the device and context the IdP knows. IAM
    /// Identity Center federates people from the IdP and gives them short-lived credentials.
    ///
    /// ## How it is evaluated
    /// - FAIL: the credential report shows a password or an active access key for the user. The
    ///   message names the Identity Center instance if one exists (`sso-admin:ListInstances` in
    ///   the scanned regions), or says Identity Center is available to enable.
    /// - PASS: the user has no long-term credential (a shell kept for its resources).
    /// - ERROR: the credential report could not be read. A failed `ListInstances` only makes the
    ///   message say that Identity Center's state is unknown.
    ///
    /// ## References
    /// - AWS Well-Architected, Security pillar SEC02-BP04 "Rely on a centralized identity provider"
    /// - AWS Prescriptive Guidance, "Zero Trust on AWS" (identity-centric access)
    pub IamUserInsteadOfIdentityCenter {
        id: "ZT113",
        name: "iam-user-instead-of-identity-center",
        title: "IAM user with long-term credentials instead of IAM Identity Center",
        severity: Medium,
        pillar: Identity,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: ["1.21"],
        remediation_cli: "aws sso-admin list-instances\naws identitystore create-user --identity-store-id STORE_ID --user-name USER_NAME --display-name NAME --name GivenName=G,FamilyName=F\n# assign permission sets, then remove the IAM user's password and keys:\naws iam delete-login-profile --user-name USER_NAME\naws iam delete-access-key --user-name USER_NAME --access-key-id KEY_ID",
        remediation_terraform: "resource \"aws_ssoadmin_permission_set\" \"developer\" {\n  name         = \"Developer\"\n  instance_arn = tolist(data.aws_ssoadmin_instances.this.arns)[0]\n}\n\nresource \"aws_ssoadmin_account_assignment\" \"alice\" {\n  instance_arn       = aws_ssoadmin_permission_set.developer.instance_arn\n  permission_set_arn = aws_ssoadmin_permission_set.developer.arn\n  principal_id       = data.aws_identitystore_user.alice.user_id\n  principal_type     = \"USER\"\n  target_id          = \"123456789012\"\n  target_type        = \"AWS_ACCOUNT\"\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    let iam = &snapshot.global.iam;
    let Some(report) = out.require_global("iam", &iam.credential_report) else {
        return;
    };
    let identity_center = match iam.identity_center_instances.as_result() {
        Ok(instances) => match instances.first() {
            Some(instance) => format!(
                "IAM Identity Center ({} in {}) is in use: federate this person through it",
                instance.arn, instance.region
            ),
            None => "IAM Identity Center is not enabled: enable it and federate people from the identity provider".to_owned(),
        },
        Err(error) => format!("IAM Identity Center's state is unknown ({error})"),
    };
    for row in report.iter().filter(|row| !row.is_root()) {
        let resource = out.resource(GLOBAL_REGION, row);
        let keys = row.access_keys.iter().filter(|key| key.active).count();
        let mut credentials = Vec::new();
        if row.password_enabled {
            credentials.push("a console password".to_owned());
        }
        if keys > 0 {
            credentials.push(format!(
                "{keys} active access key{}",
                if keys == 1 { "" } else { "s" }
            ));
        }
        if credentials.is_empty() {
            out.pass(
                resource,
                format!("{} has no long-term credentials", row.user),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "{} has {}; {identity_center}",
                    row.user,
                    credentials.join(" and ")
                ),
            );
        }
    }
}
