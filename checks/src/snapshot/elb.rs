//! Elastic Load Balancing data of one region: ELBv2 (application, network, gateway) load
//! balancers with their listeners, and classic load balancers.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElbRegion {
    /// elbv2 `DescribeLoadBalancers`, with `DescribeListeners` for each.
    #[serde(default)]
    pub load_balancers: Collected<Vec<LoadBalancer>>,
    /// Classic `DescribeLoadBalancers` (listeners included).
    #[serde(default)]
    pub classic_load_balancers: Collected<Vec<ClassicLoadBalancer>>,
}

impl ElbRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![
            self.load_balancers.error(),
            self.classic_load_balancers.error(),
        ];
        if let Collected::Ok(balancers) = &self.load_balancers {
            errors.extend(balancers.iter().map(|lb| lb.listeners.error()));
        }
        errors.into_iter().flatten().collect()
    }
}

/// Sorted by ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `application`, `network` or `gateway`.
    pub kind: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    #[serde(default)]
    pub listeners: Collected<Vec<Listener>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    pub arn: String,
    pub port: i32,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificate_arns: Vec<String>,
    #[serde(default)]
    pub default_actions: Vec<ListenerAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`…
    pub kind: String,
    /// For a redirect, the protocol it sends to (`HTTPS`, or `#{protocol}` to keep it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_protocol: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassicLoadBalancer {
    pub name: String,
    pub scheme: String,
    #[serde(default)]
    pub listeners: Vec<ClassicListener>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassicListener {
    /// `HTTP`, `HTTPS`, `TCP` or `SSL`.
    pub protocol: String,
    pub port: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_id: Option<String>,
}
