//! EC2 and VPC data of one region: security groups, network interfaces, VPCs, subnets, route
//! tables, gateways, Elastic IPs, network ACLs, flow logs, EBS volumes and the EBS encryption
//! default.

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
    /// `GetManagedPrefixListEntries` for each prefix list that a security group rule or a route
    /// references, keyed by prefix list id: the CIDRs it holds.
    #[serde(default)]
    pub prefix_list_entries: Collected<BTreeMap<String, Collected<Vec<Cidr>>>>,
    /// `DescribeNetworkInterfaces`: which security groups are in use, and each interface's
    /// subnet and addresses.
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
    /// `DescribeSubnets`.
    #[serde(default)]
    pub subnets: Collected<Vec<Subnet>>,
    /// `DescribeRouteTables`: every table with its associations and routes.
    #[serde(default)]
    pub route_tables: Collected<Vec<RouteTable>>,
    /// `DescribeInternetGateways`, with the VPCs they are attached to.
    #[serde(default)]
    pub internet_gateways: Collected<Vec<InternetGateway>>,
    /// `DescribeEgressOnlyInternetGateways` (IPv6 out, nothing in).
    #[serde(default)]
    pub egress_only_internet_gateways: Collected<Vec<InternetGateway>>,
    /// `DescribeNatGateways`.
    #[serde(default)]
    pub nat_gateways: Collected<Vec<NatGateway>>,
    /// `DescribeAddresses`: Elastic IPs and what they are associated with.
    #[serde(default)]
    pub addresses: Collected<Vec<ElasticIp>>,
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
            self.subnets.error(),
            self.route_tables.error(),
            self.internet_gateways.error(),
            self.egress_only_internet_gateways.error(),
            self.nat_gateways.error(),
            self.addresses.error(),
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
    /// The instance it is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Its private IPv4 addresses, primary first, each with the public IPv4 associated with it
    /// (an auto-assigned public IP or an Elastic IP).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_ips: Vec<PrivateIp>,
    /// Its IPv6 addresses: every one is globally routable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_addresses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateIp {
    pub address: String,
    #[serde(default)]
    pub primary: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_blocks: Vec<String>,
    /// Whether instances launched here get a public IPv4 address by default.
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub associations: Vec<RouteTableAssociation>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

impl RouteTable {
    /// Whether this is its VPC's main route table, the one of every subnet without an explicit
    /// association.
    pub fn is_main(&self) -> bool {
        self.associations.iter().any(|association| association.main)
    }
}

/// An association of a route table: with a subnet, with a gateway (edge association), or the
/// main-table marker.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTableAssociation {
    #[serde(default)]
    pub main: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    /// `associated`, `associating`, `disassociating`, `disassociated`, `failed`; absent
    /// (older snapshots, moto) is taken as associated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_cidr: Option<Cidr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_ipv6_cidr: Option<Cidr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_prefix_list_id: Option<String>,
    /// `active` or `blackhole` (its target is gone).
    pub state: String,
    pub target: RouteTarget,
}

/// Where a route sends traffic, as AWS names the target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteTarget {
    /// `GatewayId`: `local`, an internet gateway `igw-…`, a virtual private gateway `vgw-…`,
    /// or a gateway endpoint `vpce-…`.
    Gateway(String),
    NatGateway(String),
    EgressOnlyInternetGateway(String),
    TransitGateway(String),
    VpcPeeringConnection(String),
    NetworkInterface(String),
    Instance(String),
    CarrierGateway(String),
    LocalGateway(String),
    CoreNetwork(String),
    /// A target this version does not know.
    Other(String),
}

impl RouteTarget {
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Gateway(id)
            | RouteTarget::NatGateway(id)
            | RouteTarget::EgressOnlyInternetGateway(id)
            | RouteTarget::TransitGateway(id)
            | RouteTarget::VpcPeeringConnection(id)
            | RouteTarget::NetworkInterface(id)
            | RouteTarget::Instance(id)
            | RouteTarget::CarrierGateway(id)
            | RouteTarget::LocalGateway(id)
            | RouteTarget::CoreNetwork(id)
            | RouteTarget::Other(id) => id,
        }
    }
}

/// An internet gateway or an egress-only internet gateway.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetGateway {
    pub id: String,
    #[serde(default)]
    pub attachments: Vec<GatewayAttachment>,
}

impl InternetGateway {
    /// Whether the gateway is attached to `vpc_id` now. AWS reports an attached internet
    /// gateway's attachment as `available` (and an egress-only one's as `attached`).
    pub fn is_attached_to(&self, vpc_id: &str) -> bool {
        self.attachments.iter().any(|attachment| {
            attachment.vpc_id == vpc_id
                && matches!(attachment.state.as_str(), "available" | "attached")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayAttachment {
    pub vpc_id: String,
    /// `attaching`, `attached`/`available`, `detaching`, `detached`.
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// `pending`, `available`, `deleting`, `deleted`, `failed`.
    pub state: String,
    /// `public` or `private`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connectivity_type: Option<String>,
}

/// An Elastic IP address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElasticIp {
    pub public_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    /// The private address of the interface it is associated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
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
