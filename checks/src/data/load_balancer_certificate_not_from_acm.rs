use crate::data::shared::{classic_load_balancers, load_balancers_with_listeners};
use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds HTTPS and TLS listeners whose certificate is an IAM server certificate rather than
    /// one from AWS Certificate Manager.
    ///
    /// ## Why is this bad?
    /// ACM renews its certificates before they expire and never lets anyone export the private
    /// key of one it issued. An IAM server certificate is a private key someone generated,
    /// uploaded and must remember to replace; expired or leaked keys are how TLS quietly fails.
    ///
    /// ## How it is evaluated
    /// The default certificate of each HTTPS or TLS listener (ELBv2) and each HTTPS or SSL
    /// listener (classic) is judged by its ARN.
    /// - PASS: every such certificate is from ACM (`arn:…:acm:…`).
    /// - FAIL: some is an IAM server certificate (`arn:…:iam::…:server-certificate/…`).
    /// - ERROR: the region's load balancers, or one's listeners, could not be read.
    ///
    /// ## References
    /// - AWS FSBP ELB.2 (classic load balancers with SSL/HTTPS listeners should use ACM
    ///   certificates)
    pub LoadBalancerCertificateNotFromAcm {
        id: "ZT511",
        name: "load-balancer-certificate-not-from-acm",
        title: "Load balancer TLS certificate is not from ACM",
        severity: Low,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["ELB.2"],
        cis: [],
        remediation_cli: "aws acm request-certificate --domain-name example.com --validation-method DNS\naws elbv2 modify-listener --listener-arn LISTENER_ARN --certificates CertificateArn=ACM_CERTIFICATE_ARN",
        remediation_terraform: "resource \"aws_lb_listener\" \"https\" {\n  load_balancer_arn = aws_lb.app.arn\n  port              = 443\n  protocol          = \"HTTPS\"\n  ssl_policy        = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"\n  certificate_arn   = aws_acm_certificate.app.arn\n  default_action {\n    type             = \"forward\"\n    target_group_arn = aws_lb_target_group.app.arn\n  }\n}",
        run: evaluate,
    }
}

fn from_acm(certificate_arn: &str) -> bool {
    certificate_arn.split(':').nth(2) == Some("acm")
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for read in load_balancers_with_listeners(snapshot, out, |_| true) {
        let certificates: Vec<&str> = read
            .listeners
            .iter()
            .filter(|l| l.protocol == "HTTPS" || l.protocol == "TLS")
            .flat_map(|l| l.certificate_arns.iter().map(String::as_str))
            .collect();
        judge(out, read.resource, &read.balancer.name, &certificates);
    }
    for (balancer, resource) in classic_load_balancers(snapshot, out) {
        let certificates: Vec<&str> = balancer
            .listeners
            .iter()
            .filter_map(|l| l.certificate_id.as_deref())
            .collect();
        judge(out, resource, &balancer.name, &certificates);
    }
}

/// Load balancers without TLS listeners are not reported: they have no certificate to judge.
fn judge(out: &mut Findings, resource: crate::Resource, name: &str, certificates: &[&str]) {
    if certificates.is_empty() {
        return;
    }
    let foreign: Vec<&str> = certificates
        .iter()
        .copied()
        .filter(|arn| !from_acm(arn))
        .collect();
    if foreign.is_empty() {
        out.pass(resource, format!("{name} uses only ACM certificates"));
    } else {
        out.fail(
            resource,
            format!(
                "{name} uses certificates not from ACM: {}",
                foreign.join(", ")
            ),
        );
    }
}
