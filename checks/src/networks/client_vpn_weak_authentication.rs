use crate::declare_check;
use crate::networks::live_client_vpn_endpoints;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds Client VPN endpoints that authenticate users with neither mutual certificate
    /// authentication nor federated (SAML) single sign-on.
    ///
    /// ## Why is this bad?
    /// With Active Directory authentication alone, a password is the whole proof of identity:
    /// phished or sprayed, it opens a tunnel into the VPC. Federated authentication brings the
    /// identity provider's MFA and device posture; mutual authentication requires a client
    /// certificate the device must hold.
    ///
    /// ## How it is evaluated
    /// - PASS: the endpoint uses `certificate-authentication` or `federated-authentication`
    ///   (alone or with Active Directory).
    /// - FAIL: it uses Active Directory authentication only.
    /// - ERROR: the region's Client VPN endpoints could not be read.
    /// Deleted endpoints are not reported.
    ///
    /// ## References
    /// - AWS Client VPN User Guide, "Client authentication"
    /// - CISA Zero Trust Maturity Model v2.0, Identity: phishing-resistant MFA
    pub ClientVpnWeakAuthentication {
        id: "ZT306",
        name: "client-vpn-weak-authentication",
        title: "Client VPN endpoint without mutual or federated authentication",
        severity: High,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "# Authentication cannot be changed on an existing endpoint: create one with SAML (or mutual) authentication.\naws ec2 create-client-vpn-endpoint --client-cidr-block 10.100.0.0/22 \\\n  --server-certificate-arn SERVER_CERT_ARN \\\n  --authentication-options Type=federated-authentication,FederatedAuthentication={SAMLProviderArn=SAML_PROVIDER_ARN} \\\n  --connection-log-options Enabled=true,CloudwatchLogGroup=client-vpn",
        remediation_terraform: "resource \"aws_ec2_client_vpn_endpoint\" \"corp\" {\n  server_certificate_arn = aws_acm_certificate.vpn.arn\n  client_cidr_block      = \"10.100.0.0/22\"\n  authentication_options {\n    type              = \"federated-authentication\"\n    saml_provider_arn = aws_iam_saml_provider.idp.arn\n  }\n  connection_log_options {\n    enabled              = true\n    cloudwatch_log_group = aws_cloudwatch_log_group.vpn.name\n  }\n}",
        run: evaluate,
    }
}

const STRONG: [&str; 2] = ["certificate-authentication", "federated-authentication"];

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (endpoint, resource) in live_client_vpn_endpoints(snapshot, out) {
        if endpoint
            .authentication
            .iter()
            .any(|kind| STRONG.contains(&kind.as_str()))
        {
            out.pass(
                resource,
                format!(
                    "{} authenticates with {}",
                    endpoint.id,
                    endpoint.authentication.join(" + ")
                ),
            );
        } else {
            let used = if endpoint.authentication.is_empty() {
                "no reported method".to_owned()
            } else {
                endpoint.authentication.join(" + ")
            };
            out.fail(
                resource,
                format!(
                    "{} authenticates with {used} only: neither a client certificate nor federated sign-on",
                    endpoint.id
                ),
            );
        }
    }
}
