use crate::declare_check;
use crate::networks::live_client_vpn_endpoints;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Finds Client VPN endpoints that do not log connections.
    ///
    /// ## Why is this bad?
    /// Connection logs record who connected, from where, when, and for how long. Without them
    /// a stolen identity using the VPN leaves no trace, and "assume breach" has nothing to
    /// investigate.
    ///
    /// ## How it is evaluated
    /// - PASS: connection logging is on.
    /// - FAIL: it is off.
    /// - ERROR: the region's Client VPN endpoints could not be read.
    /// Deleted endpoints are not reported.
    ///
    /// ## References
    /// - AWS Client VPN Administrator Guide, "Connection logging"
    pub ClientVpnConnectionLoggingDisabled {
        id: "ZT307",
        name: "client-vpn-connection-logging-disabled",
        title: "Client VPN endpoint does not log connections",
        severity: Medium,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws ec2 modify-client-vpn-endpoint --client-vpn-endpoint-id ENDPOINT_ID \\\n  --connection-log-options Enabled=true,CloudwatchLogGroup=client-vpn",
        remediation_terraform: "resource \"aws_ec2_client_vpn_endpoint\" \"corp\" {\n  # ...\n  connection_log_options {\n    enabled              = true\n    cloudwatch_log_group = aws_cloudwatch_log_group.vpn.name\n  }\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (endpoint, resource) in live_client_vpn_endpoints(snapshot, out) {
        if endpoint.connection_logging {
            out.pass(resource, format!("{} logs connections", endpoint.id));
        } else {
            out.fail(
                resource,
                format!("{} does not log connections", endpoint.id),
            );
        }
    }
}
