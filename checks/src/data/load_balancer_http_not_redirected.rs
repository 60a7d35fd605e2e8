use crate::data::shared::{classic_load_balancers, load_balancers_with_listeners};
use crate::declare_check;
use crate::snapshot::Listener;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds load balancers that serve plain HTTP: application load balancer HTTP listeners
    /// that do not redirect to HTTPS, and classic load balancer HTTP or TCP listeners.
    ///
    /// ## Why is this bad?
    /// Zero Trust encrypts every flow. A listener that answers HTTP serves sessions, cookies and
    /// data in clear text to anyone on the path; the fix is a listener that only redirects to
    /// HTTPS.
    ///
    /// ## How it is evaluated
    /// Network and gateway load balancers pass TCP, UDP and GENEVE through to their targets,
    /// which may terminate TLS themselves, so their listeners are not judged here.
    /// - PASS: every HTTP listener of an application load balancer has a default action that
    ///   redirects to `HTTPS`; a classic load balancer listens only on HTTPS or SSL.
    /// - FAIL: some listener serves HTTP (or, classic, TCP) in the clear; the message names them.
    /// - ERROR: the region's load balancers, or one's listeners, could not be read.
    ///
    /// ## References
    /// - AWS FSBP ELB.1 (ALB HTTP to HTTPS redirection), ELB.3 (classic HTTPS or TLS listeners)
    pub LoadBalancerHttpNotRedirected {
        id: "ZT510",
        name: "load-balancer-http-not-redirected",
        title: "Load balancer serves plain HTTP",
        severity: Medium,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["ELB.1", "ELB.3"],
        cis: [],
        remediation_cli: "aws elbv2 modify-listener --listener-arn HTTP_LISTENER_ARN \\\n  --default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
        remediation_terraform: "resource \"aws_lb_listener\" \"http\" {\n  load_balancer_arn = aws_lb.app.arn\n  port              = 80\n  protocol          = \"HTTP\"\n  default_action {\n    type = \"redirect\"\n    redirect {\n      port        = \"443\"\n      protocol    = \"HTTPS\"\n      status_code = \"HTTP_301\"\n    }\n  }\n}",
        run: evaluate,
    }
}

/// Whether an HTTP listener only sends its clients to HTTPS.
fn redirects_to_https(listener: &Listener) -> bool {
    !listener.default_actions.is_empty()
        && listener.default_actions.iter().all(|action| {
            action.kind == "redirect" && action.redirect_protocol.as_deref() == Some("HTTPS")
        })
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for read in load_balancers_with_listeners(snapshot, out, |lb| lb.kind == "application") {
        let name = &read.balancer.name;
        let plain: Vec<String> = read
            .listeners
            .iter()
            .filter(|l| l.protocol == "HTTP" && !redirects_to_https(l))
            .map(|l| format!("HTTP:{}", l.port))
            .collect();
        if plain.is_empty() {
            out.pass(
                read.resource,
                format!("{name} serves no plain HTTP (HTTP listeners redirect to HTTPS)"),
            );
        } else {
            out.fail(
                read.resource,
                format!(
                    "{name} serves plain HTTP on {} without redirecting to HTTPS",
                    plain.join(", ")
                ),
            );
        }
    }
    for (balancer, resource) in classic_load_balancers(snapshot, out) {
        let plain: Vec<String> = balancer
            .listeners
            .iter()
            .filter(|l| l.protocol == "HTTP" || l.protocol == "TCP")
            .map(|l| format!("{}:{}", l.protocol, l.port))
            .collect();
        if plain.is_empty() {
            out.pass(
                resource,
                format!(
                    "classic load balancer {} listens only on HTTPS or SSL",
                    balancer.name
                ),
            );
        } else {
            out.fail(
                resource,
                format!(
                    "classic load balancer {} serves unencrypted {}",
                    balancer.name,
                    plain.join(", ")
                ),
            );
        }
    }
}
