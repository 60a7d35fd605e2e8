use crate::data::shared::load_balancers_with_listeners;
use crate::declare_check;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds HTTPS and TLS listeners of ELBv2 load balancers whose security policy still
    /// accepts TLS 1.0 or 1.1.
    ///
    /// ## Why is this bad?
    /// TLS 1.0 and 1.1 are deprecated (RFC 8996): their cipher suites and handshakes have
    /// known weaknesses, and a client can be pushed down to them. Zero Trust assumes the
    /// network is hostile, so the encryption must hold against it.
    ///
    /// ## How it is evaluated
    /// AWS names its policies by the oldest protocol they accept. Policies with a minimum of
    /// TLS 1.2 — the `ELBSecurityPolicy-TLS13-1-2-*` and `-TLS13-1-3-*` families AWS recommends
    /// (and their FIPS and post-quantum variants), `ELBSecurityPolicy-TLS-1-2-*` and
    /// `ELBSecurityPolicy-FS-1-2-*` — pass; anything else (`ELBSecurityPolicy-2016-08`,
    /// `-TLS-1-1-2017-01`, `-FS-2018-06`, `-FS-1-1-2019-08`…) fails. Classic load balancers'
    /// policies are not read.
    /// - PASS: every HTTPS/TLS listener's policy has a minimum of TLS 1.2.
    /// - FAIL: some listener's policy accepts TLS 1.0 or 1.1; the message names it.
    /// - ERROR: the region's load balancers, or one's listeners, could not be read.
    ///
    /// ## References
    /// - AWS FSBP ELB.17 (listeners should use recommended security policies)
    pub LoadBalancerOutdatedTlsPolicy {
        id: "ZT512",
        name: "load-balancer-outdated-tls-policy",
        title: "Load balancer listener accepts TLS older than 1.2",
        severity: Medium,
        pillar: Data,
        status: Stable,
        since: "0.1.0",
        fsbp: ["ELB.17"],
        cis: [],
        remediation_cli: "aws elbv2 modify-listener --listener-arn LISTENER_ARN --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06",
        remediation_terraform: "resource \"aws_lb_listener\" \"https\" {\n  # ...\n  ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"\n}",
        run: evaluate,
    }
}

/// Name fragments of the policies whose minimum protocol is TLS 1.2 or later.
const MINIMUM_TLS_1_2: [&str; 4] = ["-TLS13-1-2-", "-TLS13-1-3-", "-TLS-1-2-", "-FS-1-2-"];

pub(crate) fn has_current_tls(policy: &str) -> bool {
    MINIMUM_TLS_1_2
        .iter()
        .any(|fragment| policy.contains(fragment))
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for read in load_balancers_with_listeners(snapshot, out, |_| true) {
        let tls: Vec<_> = read
            .listeners
            .iter()
            .filter(|l| l.protocol == "HTTPS" || l.protocol == "TLS")
            .collect();
        if tls.is_empty() {
            continue;
        }
        let outdated: Vec<String> = tls
            .iter()
            .filter(|l| !l.ssl_policy.as_deref().is_some_and(has_current_tls))
            .map(|l| {
                format!(
                    "{}:{} ({})",
                    l.protocol,
                    l.port,
                    l.ssl_policy.as_deref().unwrap_or("no policy reported")
                )
            })
            .collect();
        let name = &read.balancer.name;
        if outdated.is_empty() {
            out.pass(
                read.resource,
                format!("{name}'s TLS listeners require TLS 1.2 or later"),
            );
        } else {
            out.fail(
                read.resource,
                format!(
                    "{name} accepts TLS older than 1.2 on {}",
                    outdated.join(", ")
                ),
            );
        }
    }
}
