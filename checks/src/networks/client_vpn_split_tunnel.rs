use crate::declare_check;
use crate::networks::live_client_vpn_endpoints;
use crate::{CheckConfig, Findings, Snapshot};

declare_check! {
    /// ## What it does
    /// Reports Client VPN endpoints with split tunnelling on.
    ///
    /// ## Why is this bad?
    /// With split tunnelling, only traffic for the VPC's routes enters the tunnel: the device's
    /// other traffic goes straight to the internet, outside the VPC's inspection, DNS filtering
    /// and flow logs, while the device also holds a tunnel into the VPC. Full tunnelling sends
    /// everything through controls the account sees. It is a trade-off, not a defect: teams
    /// whose devices already egress through a secure web gateway or ZTNA client may prefer
    /// split tunnelling and skip this check (`--skip-checks ZT308`).
    ///
    /// ## How it is evaluated
    /// - PASS: split tunnelling is off (full tunnel).
    /// - FAIL: it is on.
    /// - ERROR: the region's Client VPN endpoints could not be read.
    /// Deleted endpoints are not reported.
    ///
    /// ## References
    /// - AWS Client VPN Administrator Guide, "Split-tunnel on Client VPN endpoints"
    pub ClientVpnSplitTunnel {
        id: "ZT308",
        name: "client-vpn-split-tunnel",
        title: "Client VPN endpoint lets device traffic bypass the tunnel",
        severity: Low,
        pillar: Networks,
        status: Stable,
        since: "0.1.0",
        fsbp: [],
        cis: [],
        remediation_cli: "aws ec2 modify-client-vpn-endpoint --client-vpn-endpoint-id ENDPOINT_ID --no-split-tunnel",
        remediation_terraform: "resource \"aws_ec2_client_vpn_endpoint\" \"corp\" {\n  # ...\n  split_tunnel = false\n}",
        run: evaluate,
    }
}

fn evaluate(snapshot: &Snapshot, _config: &CheckConfig, out: &mut Findings) {
    for (endpoint, resource) in live_client_vpn_endpoints(snapshot, out) {
        if endpoint.split_tunnel {
            out.fail(
                resource,
                format!(
                    "{} has split tunnelling on: device traffic outside the VPC's routes bypasses the tunnel",
                    endpoint.id
                ),
            );
        } else {
            out.pass(
                resource,
                format!(
                    "{} sends all device traffic through the tunnel",
                    endpoint.id
                ),
            );
        }
    }
}
