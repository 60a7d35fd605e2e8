//! EC2 and VPC data of one region: security groups, network interfaces, VPCs, network ACLs,
//! flow logs, EBS volumes and the EBS encryption default.

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{CallError, Collected};
use crate::net::parse_cidr;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2Region {
    /// `DescribeSecurityGroups`.
    #[serde(default)]
    pub security_groups: Collected<Vec<SecurityGroup>>,
    /// `GetManagedPrefixListEntries` for each prefix list that a security group rule references,
    /// keyed by prefix list id: the CIDRs it holds.
    #[serde(default)]
    pub prefix_list_entries: Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
    /// `DescribeNetworkInterfaces`: which security groups are in use.
    #[serde(default)]
    pub network_interfaces: Collected<Vec<NetworkInterface>>,
    /// `DescribeVpcs`.
    #[serde(default)]
    pub vpcs: Collected<Vec<Vpc>>,
    /// `DescribeNetworkAcls`.
    #[serde(default)]
    pub network_acls: Collected<Vec<NetworkAcl>>,
    /// `DescribeFlowLogs`.
    #[serde(default)]
    pub flow_logs: Collected<Vec<FlowLog>>,
    /// `GetEbsEncryptionByDefault`.
    #[serde(default)]
    pub ebs_encryption_by_default: Collected<bool>,
    /// `DescribeVolumes`.
    #[serde(default)]
    pub volumes: Collected<Vec<Volume>>,
    /// `DescribeInstances`, every reservation, every state but terminated.
    #[serde(default)]
    pub instances: Collected<Vec<Instance>>,
    /// `DescribeVpcEndpoints`: interface and gateway endpoints (PrivateLink).
    #[serde(default)]
    pub vpc_endpoints: Collected<Vec<VpcEndpoint>>,
    /// `DescribeVpcPeeringConnections`.
    #[serde(default)]
    pub vpc_peering_connections: Collected<Vec<VpcPeering>>,
    /// `DescribeTransitGatewayAttachments`.
    #[serde(default)]
    pub transit_gateway_attachments: Collected<Vec<TransitGatewayAttachment>>,
    /// `DescribeClientVpnEndpoints`.
    #[serde(default)]
    pub client_vpn_endpoints: Collected<Vec<ClientVpnEndpoint>>,
}

impl Ec2Region {
    pub fn call_errors(&self) -> Vec<&CallError> {
        let mut errors = vec![
            self.security_groups.error(),
            self.prefix_list_entries.error(),
            self.network_interfaces.error(),
            self.vpcs.error(),
            self.network_acls.error(),
            self.flow_logs.error(),
            self.ebs_encryption_by_default.error(),
            self.volumes.error(),
            self.instances.error(),
            self.vpc_endpoints.error(),
            self.vpc_peering_connections.error(),
            self.transit_gateway_attachments.error(),
            self.client_vpn_endpoints.error(),
        ];
        if let Collected::Ok(lists) = &self.prefix_list_entries {
            errors.extend(lists.values().map(Collected::error));
        }
        errors.into_iter().flatten().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub ingress: Vec<Permission>,
    #[serde(default)]
    pub egress: Vec<Permission>,
}

/// One `IpPermission`: a protocol and port range, and the sources (or destinations) it allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// As AWS gives it: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a protocol number.
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv4_ranges: Vec<Cidr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_ranges: Vec<Cidr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_list_ids: Vec<String>,
    /// Other security groups allowed as source; never "the internet".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_group_refs: Vec<String>,
}

impl Permission {
    pub fn is_empty(&self) -> bool {
        self.ipv4_ranges.is_empty()
            && self.ipv6_ranges.is_empty()
            && self.prefix_list_ids.is_empty()
            && self.security_group_refs.is_empty()
    }
}

/// A CIDR of a rule, as AWS wrote it, parsed once when the snapshot is read: the checks that
/// compare address ranges (several of them, rule by rule) never parse text again. Saved as the
/// text. Text that is not a CIDR is kept and has no range, so it matches no address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cidr {
    text: String,
    net: Option<IpNet>,
}

impl Cidr {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The range, or `None` when the text is not a CIDR.
    pub fn net(&self) -> Option<IpNet> {
        self.net
    }
}

impl From<String> for Cidr {
    fn from(text: String) -> Self {
        let net = parse_cidr(&text);
        Cidr { text, net }
    }
}

impl From<&str> for Cidr {
    fn from(text: &str) -> Self {
        Cidr::from(text.to_owned())
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Cidr::from)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    pub id: String,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub id: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub entries: Vec<AclEntry>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclEntry {
    pub rule_number: i32,
    pub egress: bool,
    /// As AWS gives it: `-1` (all), `6` (tcp), `17` (udp)…
    pub protocol: String,
    pub allow: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<Cidr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<Cidr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowLog {
    pub id: String,
    /// The VPC, subnet or network interface it logs.
    pub resource_id: String,
    /// `ACCEPT`, `REJECT` or `ALL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_type: Option<String>,
    /// `ACTIVE` (the only status AWS reports); absent means unknown and is not taken as active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub id: String,
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Instances the volume is attached to.
    #[serde(default)]
    pub attached_to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub id: String,
    /// `pending`, `running`, `stopping`, `stopped`…
    pub state: String,
    /// The instance profile that gives it a role, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile_arn: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    /// `com.amazonaws.eu-west-1.s3`…
    pub service_name: String,
    /// `Interface`, `Gateway` or `GatewayLoadBalancer`.
    pub kind: String,
    /// `available`, `pending`, `deleted`…
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcPeering {
    pub id: String,
    pub requester_vpc_id: String,
    pub accepter_vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepter_region: Option<String>,
    /// `active`, `pending-acceptance`, `deleted`…
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayAttachment {
    pub id: String,
    pub transit_gateway_id: String,
    /// `vpc`, `vpn`, `peering`, `direct-connect-gateway`…
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `available`, `deleted`…
    pub state: String,
    /// The transit gateway route table the attachment is associated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_table_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientVpnEndpoint {
    pub id: String,
    /// `available`, `pending-associate`, `deleted`…
    pub status: String,
    /// `certificate-authentication` (mutual TLS), `federated-authentication` (SAML),
    /// `directory-service-authentication` (Active Directory).
    #[serde(default)]
    pub authentication: Vec<String>,
    pub connection_logging: bool,
    pub split_tunnel: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_are_parsed_on_load_and_saved_as_written() {
        let ranges: Vec<Cidr> =
            serde_json::from_str(r#"["0.0.0.0/0", "10.1.2.3/8", "2001:db8::/32", "not-a-cidr"]"#)
                .expect("strings load");
        let nets: Vec<Option<String>> = ranges
            .iter()
            .map(|cidr| cidr.net().map(|net| net.to_string()))
            .collect();
        assert_eq!(
            nets,
            [
                Some("0.0.0.0/0".to_owned()),
                Some("10.0.0.0/8".to_owned()),
                Some("2001:db8::/32".to_owned()),
                None
            ]
        );
        // The text is kept as AWS wrote it, host bits and all, and saved unchanged.
        assert_eq!(ranges[1].as_str(), "10.1.2.3/8");
        assert_eq!(
            serde_json::to_string(&ranges).expect("serializes"),
            r#"["0.0.0.0/0","10.1.2.3/8","2001:db8::/32","not-a-cidr"]"#
        );
        assert!(serde_json::from_str::<Cidr>("42").is_err());
    }
}
