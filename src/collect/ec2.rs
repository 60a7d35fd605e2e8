//! EC2 and VPC: the regional data of [`Ec2Region`], read with paginated Describe calls at the
//! largest page size each API allows (`DescribeAddresses` has no pages).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types;
use aws_sdk_ec2::Client;
use ztaudit_checks::snapshot::{
    AclEntry, Cidr, ClientVpnEndpoint, Ec2Region, ElasticIp, FlowLog, GatewayAttachment, Instance,
    InternetGateway, NatGateway, NetworkAcl, NetworkInterface, Permission, PrivateIp, Route,
    RouteTable, RouteTableAssociation, RouteTarget, SecurityGroup, Subnet,
    TransitGatewayAttachment, Volume, Vpc, VpcEndpoint, VpcPeering,
};
use ztaudit_checks::Collected;

use super::calls::{get_each, RegionCalls};
use super::sorted;

const SERVICE: &str = "ec2";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> Ec2Region {
    let (
        security_groups,
        mut network_interfaces,
        vpcs,
        network_acls,
        flow_logs,
        ebs_encryption_by_default,
        volumes,
        (instances, instance_addresses),
        vpc_endpoints,
        vpc_peering_connections,
        transit_gateway_attachments,
        client_vpn_endpoints,
        network,
    ) = tokio::join!(
        security_groups(client, calls),
        network_interfaces(client, calls),
        vpcs(client, calls),
        network_acls(client, calls),
        flow_logs(client, calls),
        ebs_encryption_by_default(client, calls),
        volumes(client, calls),
        instances(client, calls),
        vpc_endpoints(client, calls),
        vpc_peering_connections(client, calls),
        transit_gateway_attachments(client, calls),
        client_vpn_endpoints(client, calls),
        network_paths(client, calls),
    );
    let NetworkPaths {
        subnets,
        route_tables,
        internet_gateways,
        egress_only_internet_gateways,
        nat_gateways,
        addresses,
    } = network;
    add_instance_addresses(&mut network_interfaces, &instance_addresses);
    let prefix_list_entries =
        collect_prefix_lists(client, calls, &security_groups, &route_tables).await;
    Ec2Region {
        security_groups,
        prefix_list_entries,
        network_interfaces,
        vpcs,
        network_acls,
        flow_logs,
        ebs_encryption_by_default,
        volumes,
        instances,
        vpc_endpoints,
        vpc_peering_connections,
        transit_gateway_attachments,
        client_vpn_endpoints,
        subnets,
        route_tables,
        internet_gateways,
        egress_only_internet_gateways,
        nat_gateways,
        addresses,
    }
}

/// What the network-path model reads besides groups, interfaces and ACLs.
struct NetworkPaths {
    subnets: Collected<Vec<Subnet>>,
    route_tables: Collected<Vec<RouteTable>>,
    internet_gateways: Collected<Vec<InternetGateway>>,
    egress_only_internet_gateways: Collected<Vec<InternetGateway>>,
    nat_gateways: Collected<Vec<NatGateway>>,
    addresses: Collected<Vec<ElasticIp>>,
}

async fn network_paths(client: &Client, calls: &RegionCalls) -> NetworkPaths {
    let (
        subnets,
        route_tables,
        internet_gateways,
        egress_only_internet_gateways,
        nat_gateways,
        addresses,
    ) = tokio::join!(
        calls.list(
            SERVICE,
            "DescribeSubnets",
            || client
                .describe_subnets()
                .max_results(1000)
                .into_paginator()
                .items()
                .send(),
            subnet
        ),
        calls.list(
            SERVICE,
            "DescribeRouteTables",
            || client
                .describe_route_tables()
                .max_results(100)
                .into_paginator()
                .items()
                .send(),
            route_table
        ),
        calls.list(
            SERVICE,
            "DescribeInternetGateways",
            || client
                .describe_internet_gateways()
                .max_results(1000)
                .into_paginator()
                .items()
                .send(),
            internet_gateway
        ),
        calls.list(
            SERVICE,
            "DescribeEgressOnlyInternetGateways",
            || client
                .describe_egress_only_internet_gateways()
                .max_results(255)
                .into_paginator()
                .items()
                .send(),
            egress_only_internet_gateway
        ),
        calls.list(
            SERVICE,
            "DescribeNatGateways",
            || client
                .describe_nat_gateways()
                .max_results(1000)
                .into_paginator()
                .items()
                .send(),
            nat_gateway
        ),
        elastic_ips(client, calls),
    );
    NetworkPaths {
        subnets,
        route_tables,
        internet_gateways,
        egress_only_internet_gateways,
        nat_gateways,
        addresses,
    }
}

/// Elastic IPs: `DescribeAddresses` answers every address of the region in one response.
async fn elastic_ips(client: &Client, calls: &RegionCalls) -> Collected<Vec<ElasticIp>> {
    calls
        .run(SERVICE, "DescribeAddresses", || async {
            let output = client.describe_addresses().send().await?;
            Ok(sorted(output.addresses().iter().map(elastic_ip).collect()))
        })
        .await
}

fn subnet(subnet: &types::Subnet) -> Subnet {
    Subnet {
        id: text(subnet.subnet_id()),
        vpc_id: text(subnet.vpc_id()),
        cidr_block: subnet.cidr_block().map(str::to_owned),
        ipv6_cidr_blocks: sorted(
            subnet
                .ipv6_cidr_block_association_set()
                .iter()
                .filter_map(|association| association.ipv6_cidr_block().map(str::to_owned))
                .collect(),
        ),
        map_public_ip_on_launch: subnet.map_public_ip_on_launch().unwrap_or(false),
    }
}

fn route_table(table: &types::RouteTable) -> RouteTable {
    RouteTable {
        id: text(table.route_table_id()),
        vpc_id: text(table.vpc_id()),
        associations: sorted(
            table
                .associations()
                .iter()
                .map(|association| RouteTableAssociation {
                    main: association.main().unwrap_or(false),
                    subnet_id: association.subnet_id().map(str::to_owned),
                    gateway_id: association.gateway_id().map(str::to_owned),
                    state: association
                        .association_state()
                        .and_then(|state| state.state())
                        .map(|state| state.as_str().to_owned()),
                })
                .collect(),
        ),
        routes: sorted(table.routes().iter().map(route).collect()),
    }
}

fn route(route: &types::Route) -> Route {
    // AWS fills exactly one target field; the gateway field is read last, since it also holds
    // `local`.
    let target = [
        (
            route.nat_gateway_id(),
            RouteTarget::NatGateway as fn(String) -> RouteTarget,
        ),
        (
            route.egress_only_internet_gateway_id(),
            RouteTarget::EgressOnlyInternetGateway,
        ),
        (route.transit_gateway_id(), RouteTarget::TransitGateway),
        (
            route.vpc_peering_connection_id(),
            RouteTarget::VpcPeeringConnection,
        ),
        (route.carrier_gateway_id(), RouteTarget::CarrierGateway),
        (route.local_gateway_id(), RouteTarget::LocalGateway),
        (route.core_network_arn(), RouteTarget::CoreNetwork),
        (route.instance_id(), RouteTarget::Instance),
        (route.network_interface_id(), RouteTarget::NetworkInterface),
        (route.gateway_id(), RouteTarget::Gateway),
    ]
    .into_iter()
    .find_map(|(id, kind)| id.map(|id| kind(id.to_owned())))
    .unwrap_or_else(|| RouteTarget::Other(String::new()));
    Route {
        destination_cidr: route.destination_cidr_block().map(Cidr::from),
        destination_ipv6_cidr: route.destination_ipv6_cidr_block().map(Cidr::from),
        destination_prefix_list_id: route.destination_prefix_list_id().map(str::to_owned),
        // Absent is not taken as active: such a route lets nothing in.
        state: text(route.state().map(|state| state.as_str())),
        target,
    }
}

fn gateway_attachments(attachments: &[types::InternetGatewayAttachment]) -> Vec<GatewayAttachment> {
    sorted(
        attachments
            .iter()
            .map(|attachment| GatewayAttachment {
                vpc_id: text(attachment.vpc_id()),
                state: text(attachment.state().map(|state| state.as_str())),
            })
            .collect(),
    )
}

fn internet_gateway(gateway: &types::InternetGateway) -> InternetGateway {
    InternetGateway {
        id: text(gateway.internet_gateway_id()),
        attachments: gateway_attachments(gateway.attachments()),
    }
}

fn egress_only_internet_gateway(gateway: &types::EgressOnlyInternetGateway) -> InternetGateway {
    InternetGateway {
        id: text(gateway.egress_only_internet_gateway_id()),
        attachments: gateway_attachments(gateway.attachments()),
    }
}

fn nat_gateway(gateway: &types::NatGateway) -> NatGateway {
    NatGateway {
        id: text(gateway.nat_gateway_id()),
        vpc_id: gateway.vpc_id().map(str::to_owned),
        subnet_id: gateway.subnet_id().map(str::to_owned),
        state: text(gateway.state().map(|state| state.as_str())),
        connectivity_type: gateway
            .connectivity_type()
            .map(|kind| kind.as_str().to_owned()),
    }
}

fn elastic_ip(address: &types::Address) -> ElasticIp {
    ElasticIp {
        public_ip: text(address.public_ip()),
        allocation_id: address.allocation_id().map(str::to_owned),
        network_interface_id: address.network_interface_id().map(str::to_owned),
        private_ip: address.private_ip_address().map(str::to_owned),
        instance_id: address.instance_id().map(str::to_owned),
    }
}

/// The public IPv4 address associated with each private address of an interface, as
/// `DescribeInstances` reports it, by (interface, private address).
type InstanceAddresses = BTreeMap<(String, String), String>;

/// The region's instances, and the public addresses their interfaces carry in this answer.
async fn instances(
    client: &Client,
    calls: &RegionCalls,
) -> (Collected<Vec<Instance>>, InstanceAddresses) {
    let listed = calls
        .paginate(
            SERVICE,
            "DescribeInstances",
            || {
                client
                    .describe_instances()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            // The items are reservations, each holding instances.
            |reservations| {
                let live = || {
                    reservations
                        .iter()
                        .flat_map(|reservation| reservation.instances())
                        .filter(|instance| {
                            instance.state().and_then(|state| state.name())
                                != Some(&types::InstanceStateName::Terminated)
                        })
                };
                let addresses: InstanceAddresses = live()
                    .flat_map(|instance| instance.network_interfaces())
                    .flat_map(|eni| {
                        eni.private_ip_addresses()
                            .iter()
                            .filter_map(move |private| {
                                Some((
                                    (
                                        eni.network_interface_id()?.to_owned(),
                                        private.private_ip_address()?.to_owned(),
                                    ),
                                    private.association()?.public_ip()?.to_owned(),
                                ))
                            })
                    })
                    .collect();
                (sorted(live().map(instance).collect()), addresses)
            },
        )
        .await;
    match listed {
        Collected::Ok((instances, addresses)) => (Collected::Ok(instances), addresses),
        Collected::Error(error) => (Collected::Error(error), InstanceAddresses::new()),
    }
}

/// `DescribeNetworkInterfaces` and `DescribeInstances` both report the public address of each
/// private address; one either reports is kept, so that an interface is never taken for
/// private because one answer left its address out (moto 5.2.5's `DescribeNetworkInterfaces`
/// does for the addresses EC2 assigns at launch).
fn add_instance_addresses(
    interfaces: &mut Collected<Vec<NetworkInterface>>,
    from_instances: &InstanceAddresses,
) {
    let Collected::Ok(interfaces) = interfaces else {
        return;
    };
    for interface in interfaces {
        for private in &mut interface.private_ips {
            if private.public_ip.is_none() {
                private.public_ip = from_instances
                    .get(&(interface.id.clone(), private.address.clone()))
                    .cloned();
            }
        }
    }
}

async fn security_groups(client: &Client, calls: &RegionCalls) -> Collected<Vec<SecurityGroup>> {
    calls
        .list(
            SERVICE,
            "DescribeSecurityGroups",
            || {
                client
                    .describe_security_groups()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            security_group,
        )
        .await
}

async fn network_interfaces(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<NetworkInterface>> {
    calls
        .list(
            SERVICE,
            "DescribeNetworkInterfaces",
            || {
                client
                    .describe_network_interfaces()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            network_interface,
        )
        .await
}

async fn vpcs(client: &Client, calls: &RegionCalls) -> Collected<Vec<Vpc>> {
    calls
        .list(
            SERVICE,
            "DescribeVpcs",
            || {
                client
                    .describe_vpcs()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            vpc,
        )
        .await
}

async fn network_acls(client: &Client, calls: &RegionCalls) -> Collected<Vec<NetworkAcl>> {
    calls
        .list(
            SERVICE,
            "DescribeNetworkAcls",
            || {
                client
                    .describe_network_acls()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            network_acl,
        )
        .await
}

async fn flow_logs(client: &Client, calls: &RegionCalls) -> Collected<Vec<FlowLog>> {
    calls
        .list(
            SERVICE,
            "DescribeFlowLogs",
            || {
                client
                    .describe_flow_logs()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            flow_log,
        )
        .await
}

async fn ebs_encryption_by_default(client: &Client, calls: &RegionCalls) -> Collected<bool> {
    calls
        .run(SERVICE, "GetEbsEncryptionByDefault", || async {
            // Not paginated: one setting per region.
            let output = client.get_ebs_encryption_by_default().send().await?;
            // Absent means AWS did not say it is on: report it as off (a FAIL, never a PASS).
            Ok(output.ebs_encryption_by_default().unwrap_or(false))
        })
        .await
}

async fn volumes(client: &Client, calls: &RegionCalls) -> Collected<Vec<Volume>> {
    calls
        .list(
            SERVICE,
            "DescribeVolumes",
            || {
                client
                    .describe_volumes()
                    .max_results(500)
                    .into_paginator()
                    .items()
                    .send()
            },
            volume,
        )
        .await
}

async fn vpc_endpoints(client: &Client, calls: &RegionCalls) -> Collected<Vec<VpcEndpoint>> {
    calls
        .list(
            SERVICE,
            "DescribeVpcEndpoints",
            || {
                client
                    .describe_vpc_endpoints()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            vpc_endpoint,
        )
        .await
}

async fn vpc_peering_connections(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<VpcPeering>> {
    calls
        .list(
            SERVICE,
            "DescribeVpcPeeringConnections",
            || {
                client
                    .describe_vpc_peering_connections()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            vpc_peering,
        )
        .await
}

async fn transit_gateway_attachments(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<TransitGatewayAttachment>> {
    calls
        .list(
            SERVICE,
            "DescribeTransitGatewayAttachments",
            || {
                client
                    .describe_transit_gateway_attachments()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            transit_gateway_attachment,
        )
        .await
}

/// Client VPN endpoints. moto does not implement this operation; the tests below use mocks.
async fn client_vpn_endpoints(
    client: &Client,
    calls: &RegionCalls,
) -> Collected<Vec<ClientVpnEndpoint>> {
    calls
        .list(
            SERVICE,
            "DescribeClientVpnEndpoints",
            || {
                client
                    .describe_client_vpn_endpoints()
                    .max_results(1000)
                    .into_paginator()
                    .items()
                    .send()
            },
            client_vpn_endpoint,
        )
        .await
}

/// Resolves the managed prefix lists that security group rules and routes reference — only
/// those, since a region holds many AWS-managed lists nothing uses.
async fn collect_prefix_lists(
    client: &Client,
    calls: &RegionCalls,
    security_groups: &Collected<Vec<SecurityGroup>>,
    route_tables: &Collected<Vec<RouteTable>>,
) -> Collected<BTreeMap<String, Collected<Vec<Cidr>>>> {
    let (groups, tables) = match (security_groups, route_tables) {
        (Collected::Error(error), Collected::Error(_)) => return Collected::Error(error.clone()),
        (groups, tables) => (groups.as_result().ok(), tables.as_result().ok()),
    };
    let from_groups = groups
        .into_iter()
        .flatten()
        .flat_map(|group| group.ingress.iter().chain(&group.egress))
        .flat_map(|permission| permission.prefix_list_ids.iter().map(String::as_str));
    let from_routes = tables
        .into_iter()
        .flatten()
        .flat_map(|table| &table.routes)
        .filter_map(|route| route.destination_prefix_list_id.as_deref());
    let referenced: BTreeSet<&str> = from_groups.chain(from_routes).collect();
    get_each(
        Collected::Ok(referenced.into_iter().collect()),
        |list_id| async move {
            let entries = calls
                .paginate(
                    SERVICE,
                    "GetManagedPrefixListEntries",
                    || {
                        client
                            .get_managed_prefix_list_entries()
                            .prefix_list_id(list_id)
                            .max_results(100)
                            .into_paginator()
                            .items()
                            .send()
                    },
                    |entries| {
                        sorted(
                            entries
                                .iter()
                                .filter_map(|entry| entry.cidr().map(Cidr::from))
                                .collect(),
                        )
                    },
                )
                .await;
            (list_id.to_owned(), entries)
        },
    )
    .await
}

fn vpc_endpoint(endpoint: &types::VpcEndpoint) -> VpcEndpoint {
    VpcEndpoint {
        id: text(endpoint.vpc_endpoint_id()),
        vpc_id: text(endpoint.vpc_id()),
        service_name: text(endpoint.service_name()),
        kind: text(endpoint.vpc_endpoint_type().map(|kind| kind.as_str())),
        state: text(endpoint.state().map(|state| state.as_str())).to_ascii_lowercase(),
    }
}

fn vpc_peering(peering: &types::VpcPeeringConnection) -> VpcPeering {
    VpcPeering {
        id: text(peering.vpc_peering_connection_id()),
        requester_vpc_id: text(peering.requester_vpc_info().and_then(|info| info.vpc_id())),
        accepter_vpc_id: text(peering.accepter_vpc_info().and_then(|info| info.vpc_id())),
        requester_region: peering
            .requester_vpc_info()
            .and_then(|info| info.region())
            .map(str::to_owned),
        accepter_region: peering
            .accepter_vpc_info()
            .and_then(|info| info.region())
            .map(str::to_owned),
        status: text(
            peering
                .status()
                .and_then(|status| status.code())
                .map(|code| code.as_str()),
        ),
    }
}

fn transit_gateway_attachment(
    attachment: &types::TransitGatewayAttachment,
) -> TransitGatewayAttachment {
    TransitGatewayAttachment {
        id: text(attachment.transit_gateway_attachment_id()),
        transit_gateway_id: text(attachment.transit_gateway_id()),
        resource_type: text(attachment.resource_type().map(|kind| kind.as_str())),
        resource_id: attachment.resource_id().map(str::to_owned),
        state: text(attachment.state().map(|state| state.as_str())),
        route_table_id: attachment
            .association()
            .and_then(|association| association.transit_gateway_route_table_id())
            .map(str::to_owned),
    }
}

fn client_vpn_endpoint(endpoint: &types::ClientVpnEndpoint) -> ClientVpnEndpoint {
    ClientVpnEndpoint {
        id: text(endpoint.client_vpn_endpoint_id()),
        status: text(
            endpoint
                .status()
                .and_then(|status| status.code())
                .map(|code| code.as_str()),
        ),
        authentication: sorted(
            endpoint
                .authentication_options()
                .iter()
                .filter_map(|option| option.r#type().map(|kind| kind.as_str().to_owned()))
                .collect(),
        ),
        connection_logging: endpoint
            .connection_log_options()
            .and_then(|options| options.enabled())
            .unwrap_or(false),
        // Absent is taken as on, so that a missing answer can never pass ZT308.
        split_tunnel: endpoint.split_tunnel().unwrap_or(true),
        vpc_id: endpoint.vpc_id().map(str::to_owned),
    }
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

fn security_group(group: &types::SecurityGroup) -> SecurityGroup {
    SecurityGroup {
        id: text(group.group_id()),
        name: text(group.group_name()),
        vpc_id: group.vpc_id().map(str::to_owned),
        ingress: sorted(group.ip_permissions().iter().map(permission).collect()),
        egress: sorted(
            group
                .ip_permissions_egress()
                .iter()
                .map(permission)
                .collect(),
        ),
    }
}

fn permission(permission: &types::IpPermission) -> Permission {
    Permission {
        protocol: text(permission.ip_protocol()),
        from_port: permission.from_port(),
        to_port: permission.to_port(),
        ipv4_ranges: sorted(
            permission
                .ip_ranges()
                .iter()
                .filter_map(|r| r.cidr_ip().map(Cidr::from))
                .collect(),
        ),
        ipv6_ranges: sorted(
            permission
                .ipv6_ranges()
                .iter()
                .filter_map(|r| r.cidr_ipv6().map(Cidr::from))
                .collect(),
        ),
        prefix_list_ids: sorted(
            permission
                .prefix_list_ids()
                .iter()
                .filter_map(|p| p.prefix_list_id().map(str::to_owned))
                .collect(),
        ),
        security_group_refs: sorted(
            permission
                .user_id_group_pairs()
                .iter()
                .filter_map(|pair| pair.group_id().map(str::to_owned))
                .collect(),
        ),
    }
}

fn network_interface(interface: &types::NetworkInterface) -> NetworkInterface {
    NetworkInterface {
        id: text(interface.network_interface_id()),
        security_group_ids: sorted(
            interface
                .groups()
                .iter()
                .filter_map(|g| g.group_id().map(str::to_owned))
                .collect(),
        ),
        instance_id: interface
            .attachment()
            .and_then(|attachment| attachment.instance_id())
            .map(str::to_owned),
        subnet_id: interface.subnet_id().map(str::to_owned),
        vpc_id: interface.vpc_id().map(str::to_owned),
        // Primary first, as AWS lists them.
        private_ips: interface
            .private_ip_addresses()
            .iter()
            .map(|private| PrivateIp {
                address: text(private.private_ip_address()),
                primary: private.primary().unwrap_or(false),
                public_ip: private
                    .association()
                    .and_then(|association| association.public_ip())
                    .map(str::to_owned),
            })
            .collect(),
        ipv6_addresses: sorted(
            interface
                .ipv6_addresses()
                .iter()
                .filter_map(|address| address.ipv6_address().map(str::to_owned))
                .collect(),
        ),
    }
}

fn vpc(vpc: &types::Vpc) -> Vpc {
    Vpc {
        id: text(vpc.vpc_id()),
        is_default: vpc.is_default().unwrap_or(false),
        cidr_block: vpc.cidr_block().map(str::to_owned),
        tags: vpc
            .tags()
            .iter()
            .filter_map(|tag| Some((tag.key()?.to_owned(), text(tag.value()))))
            .collect(),
    }
}

fn network_acl(acl: &types::NetworkAcl) -> NetworkAcl {
    NetworkAcl {
        id: text(acl.network_acl_id()),
        vpc_id: acl.vpc_id().map(str::to_owned),
        is_default: acl.is_default().unwrap_or(false),
        entries: sorted(
            acl.entries()
                .iter()
                .map(|entry| AclEntry {
                    rule_number: entry.rule_number().unwrap_or_default(),
                    egress: entry.egress().unwrap_or(false),
                    protocol: text(entry.protocol()),
                    allow: entry.rule_action() == Some(&types::RuleAction::Allow),
                    cidr_block: entry.cidr_block().map(Cidr::from),
                    ipv6_cidr_block: entry.ipv6_cidr_block().map(Cidr::from),
                    from_port: entry.port_range().and_then(|range| range.from()),
                    to_port: entry.port_range().and_then(|range| range.to()),
                })
                .collect(),
        ),
        subnet_ids: sorted(
            acl.associations()
                .iter()
                .filter_map(|a| a.subnet_id().map(str::to_owned))
                .collect(),
        ),
    }
}

fn flow_log(log: &types::FlowLog) -> FlowLog {
    FlowLog {
        id: text(log.flow_log_id()),
        resource_id: text(log.resource_id()),
        traffic_type: log.traffic_type().map(|t| t.as_str().to_owned()),
        status: log.flow_log_status().map(str::to_owned),
    }
}

fn instance(instance: &types::Instance) -> Instance {
    Instance {
        id: text(instance.instance_id()),
        state: instance
            .state()
            .and_then(|state| state.name())
            .map(|name| name.as_str().to_owned())
            .unwrap_or_default(),
        instance_profile_arn: instance
            .iam_instance_profile()
            .and_then(|profile| profile.arn())
            .map(str::to_owned),
        // The instance's groups and those of every network interface attached to it: a
        // secondary interface with its own groups is as reachable as the primary one.
        security_group_ids: sorted(
            instance
                .security_groups()
                .iter()
                .chain(
                    instance
                        .network_interfaces()
                        .iter()
                        .flat_map(|eni| eni.groups()),
                )
                .filter_map(|g| g.group_id().map(str::to_owned))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        ),
        vpc_id: instance.vpc_id().map(str::to_owned),
        subnet_id: instance.subnet_id().map(str::to_owned),
        public_ip: instance.public_ip_address().map(str::to_owned).or_else(|| {
            instance
                .network_interfaces()
                .iter()
                .find_map(|eni| eni.association()?.public_ip().map(str::to_owned))
        }),
        tags: instance
            .tags()
            .iter()
            .filter_map(|tag| Some((tag.key()?.to_owned(), text(tag.value()))))
            .collect(),
    }
}

fn volume(volume: &types::Volume) -> Volume {
    Volume {
        id: text(volume.volume_id()),
        encrypted: volume.encrypted().unwrap_or(false),
        kms_key_id: volume.kms_key_id().map(str::to_owned),
        attached_to: sorted(
            volume
                .attachments()
                .iter()
                .filter_map(|a| a.instance_id().map(str::to_owned))
                .collect(),
        ),
    }
}

/// Edge cases moto cannot produce (it answers these operations in one page whatever the page
/// size, and never fails them), shown with `aws-smithy-mocks` responses shaped like AWS's.
#[cfg(test)]
mod tests {
    use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
    use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use indicatif::ProgressBar;
    use ztaudit_checks::ErrorKind;

    use super::*;
    use crate::collect::calls::Calls;

    fn calls() -> RegionCalls {
        Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true)
    }

    fn ec2_error(status: u16, code: &str, message: &str) -> HttpResponse {
        let body = format!(
            "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>\
             <RequestID>4f1c3a2e-mock</RequestID></Response>"
        );
        HttpResponse::new(
            StatusCode::try_from(status).expect("valid status"),
            SdkBody::from(body),
        )
    }

    fn group(id: &str) -> types::SecurityGroup {
        types::SecurityGroup::builder()
            .group_id(id)
            .group_name(id)
            .build()
    }

    /// moto 5.2.5 does not implement DescribeClientVpnEndpoints: a mocked answer shaped like
    /// AWS's, and an endpoint that reports no split-tunnel setting (taken as on, never a PASS).
    #[tokio::test]
    async fn client_vpn_endpoints_keep_authentication_logging_and_tunnel() {
        use aws_sdk_ec2::operation::describe_client_vpn_endpoints::DescribeClientVpnEndpointsOutput;
        let endpoint = |id: &str, kind: types::ClientVpnAuthenticationType, split: Option<bool>| {
            types::ClientVpnEndpoint::builder()
                .client_vpn_endpoint_id(id)
                .status(
                    types::ClientVpnEndpointStatus::builder()
                        .code(types::ClientVpnEndpointStatusCode::Available)
                        .build(),
                )
                .authentication_options(
                    types::ClientVpnAuthentication::builder()
                        .r#type(kind)
                        .build(),
                )
                .connection_log_options(
                    types::ConnectionLogResponseOptions::builder()
                        .enabled(split.is_some())
                        .build(),
                )
                .set_split_tunnel(split)
                .build()
        };
        let listed = mock!(Client::describe_client_vpn_endpoints).then_output(move || {
            DescribeClientVpnEndpointsOutput::builder()
                .client_vpn_endpoints(endpoint(
                    "cvpn-endpoint-b",
                    types::ClientVpnAuthenticationType::DirectoryServiceAuthentication,
                    None,
                ))
                .client_vpn_endpoints(endpoint(
                    "cvpn-endpoint-a",
                    types::ClientVpnAuthenticationType::FederatedAuthentication,
                    Some(false),
                ))
                .build()
        });
        let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&listed]);

        let Collected::Ok(endpoints) = client_vpn_endpoints(&client, &calls()).await else {
            panic!("the endpoints are read");
        };
        let seen: Vec<(String, String, bool, bool)> = endpoints
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.authentication.join(","),
                    e.connection_logging,
                    e.split_tunnel,
                )
            })
            .collect();
        let expected = [
            ("cvpn-endpoint-a", "federated-authentication", true, false),
            (
                "cvpn-endpoint-b",
                "directory-service-authentication",
                false,
                true,
            ),
        ]
        .map(|(id, auth, logging, split)| (id.to_owned(), auth.to_owned(), logging, split));
        assert_eq!(seen, expected);
        assert!(endpoints.iter().all(|e| e.status == "available"));
    }

    /// moto fills only the target fields it models; every field AWS documents maps to its kind,
    /// and `local` stays a gateway.
    #[test]
    fn routes_keep_their_target_kind_and_state() {
        let base = || {
            types::Route::builder()
                .destination_cidr_block("0.0.0.0/0")
                .state(types::RouteState::Active)
        };
        let cases = [
            (
                base().gateway_id("igw-1").build(),
                RouteTarget::Gateway("igw-1".into()),
            ),
            (
                base().gateway_id("local").build(),
                RouteTarget::Gateway("local".into()),
            ),
            (
                base().nat_gateway_id("nat-1").build(),
                RouteTarget::NatGateway("nat-1".into()),
            ),
            (
                base().egress_only_internet_gateway_id("eigw-1").build(),
                RouteTarget::EgressOnlyInternetGateway("eigw-1".into()),
            ),
            (
                base().transit_gateway_id("tgw-1").build(),
                RouteTarget::TransitGateway("tgw-1".into()),
            ),
            (
                base().vpc_peering_connection_id("pcx-1").build(),
                RouteTarget::VpcPeeringConnection("pcx-1".into()),
            ),
            (
                base()
                    .network_interface_id("eni-1")
                    .instance_id("i-1")
                    .build(),
                RouteTarget::Instance("i-1".into()),
            ),
        ];
        for (aws, expected) in cases {
            let ours = route(&aws);
            assert_eq!(ours.target, expected);
            assert_eq!(ours.state, "active");
        }
        let blackhole = types::Route::builder()
            .destination_prefix_list_id("pl-1")
            .gateway_id("igw-gone")
            .state(types::RouteState::Blackhole)
            .build();
        let ours = route(&blackhole);
        assert_eq!(ours.state, "blackhole");
        assert_eq!(ours.destination_prefix_list_id.as_deref(), Some("pl-1"));
    }

    /// An interface's every private address keeps its own public association, primary first.
    #[test]
    fn interfaces_keep_subnet_private_addresses_and_ipv6() {
        let address = |ip: &str, primary: bool, public: Option<&str>| {
            let mut builder = types::NetworkInterfacePrivateIpAddress::builder()
                .private_ip_address(ip)
                .primary(primary);
            if let Some(public) = public {
                builder = builder.association(
                    types::NetworkInterfaceAssociation::builder()
                        .public_ip(public)
                        .build(),
                );
            }
            builder.build()
        };
        let aws = types::NetworkInterface::builder()
            .network_interface_id("eni-1")
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .private_ip_addresses(address("10.0.0.5", true, None))
            .private_ip_addresses(address("10.0.0.6", false, Some("54.0.0.6")))
            .ipv6_addresses(
                types::NetworkInterfaceIpv6Address::builder()
                    .ipv6_address("2600::6")
                    .build(),
            )
            .build();
        let ours = network_interface(&aws);
        assert_eq!(ours.subnet_id.as_deref(), Some("subnet-1"));
        assert_eq!(
            ours.private_ips,
            [
                PrivateIp {
                    address: "10.0.0.5".into(),
                    primary: true,
                    public_ip: None
                },
                PrivateIp {
                    address: "10.0.0.6".into(),
                    primary: false,
                    public_ip: Some("54.0.0.6".into())
                }
            ]
        );
        assert_eq!(ours.ipv6_addresses, ["2600::6"]);
    }

    #[tokio::test]
    async fn security_groups_are_read_to_the_last_page() {
        let first = mock!(Client::describe_security_groups)
            .match_requests(|req| req.next_token().is_none())
            .then_output(|| {
                DescribeSecurityGroupsOutput::builder()
                    .security_groups(group("sg-0000000000000000b"))
                    .next_token("page-2")
                    .build()
            });
        let second = mock!(Client::describe_security_groups)
            .match_requests(|req| req.next_token() == Some("page-2"))
            .then_output(|| {
                DescribeSecurityGroupsOutput::builder()
                    .security_groups(group("sg-0000000000000000a"))
                    .build()
            });
        let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&first, &second]);

        let collected = security_groups(&client, &calls()).await;

        let ids: Vec<String> = match collected {
            Collected::Ok(groups) => groups.into_iter().map(|g| g.id).collect(),
            Collected::Error(err) => panic!("paging failed: {err}"),
        };
        // Both pages, sorted for a deterministic snapshot.
        assert_eq!(ids, ["sg-0000000000000000a", "sg-0000000000000000b"]);
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn volumes_are_read_to_the_last_page() {
        let pages = mock!(Client::describe_volumes)
            .sequence()
            .output(|| {
                DescribeVolumesOutput::builder()
                    .volumes(
                        types::Volume::builder()
                            .volume_id("vol-1")
                            .encrypted(true)
                            .build(),
                    )
                    .next_token("t2")
                    .build()
            })
            .output(|| {
                DescribeVolumesOutput::builder()
                    .volumes(
                        types::Volume::builder()
                            .volume_id("vol-2")
                            .encrypted(false)
                            .build(),
                    )
                    .next_token("t3")
                    .build()
            })
            .output(|| {
                DescribeVolumesOutput::builder()
                    .volumes(
                        types::Volume::builder()
                            .volume_id("vol-3")
                            .encrypted(false)
                            .build(),
                    )
                    .build()
            })
            .build();
        let client = mock_client!(aws_sdk_ec2, RuleMode::Sequential, [&pages]);

        let collected = volumes(&client, &calls()).await;

        let Collected::Ok(volumes) = collected else {
            panic!("paging failed: {collected:?}");
        };
        assert_eq!(volumes.len(), 3);
        assert_eq!(pages.num_calls(), 3);
    }

    #[tokio::test]
    async fn access_denied_is_recorded_against_operation_and_region() {
        let denied = mock!(Client::describe_volumes).then_http_response(|| {
            ec2_error(
                403,
                "UnauthorizedOperation",
                "You are not authorized to perform this operation.",
            )
        });
        let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&denied]);

        let collected = volumes(&client, &calls()).await;

        let Collected::Error(error) = collected else {
            panic!("a denied call must not look like data: {collected:?}");
        };
        assert_eq!(error.kind, ErrorKind::AccessDenied);
        assert_eq!(error.code.as_deref(), Some("UnauthorizedOperation"));
        assert_eq!(error.operation, "DescribeVolumes");
        assert_eq!(error.region.as_deref(), Some("eu-west-1"));
        assert!(error
            .to_string()
            .contains("ec2:DescribeVolumes in eu-west-1 access denied"));
    }

    #[tokio::test]
    async fn throttling_that_outlasts_retries_is_recorded_as_throttled() {
        let throttled = mock!(Client::describe_security_groups).then_http_response(|| {
            ec2_error(503, "RequestLimitExceeded", "Request limit exceeded.")
        });
        let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&throttled]);

        let collected = security_groups(&client, &calls()).await;

        let Collected::Error(error) = collected else {
            panic!("a throttled call must not look like data: {collected:?}");
        };
        assert_eq!(error.kind, ErrorKind::Throttled);
        assert_eq!(error.code.as_deref(), Some("RequestLimitExceeded"));
    }

    #[tokio::test]
    async fn a_disabled_region_sends_nothing_and_says_why() {
        let never = mock!(Client::describe_volumes)
            .then_output(|| DescribeVolumesOutput::builder().build());
        let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&never]);
        let disabled = Calls::new(1, ProgressBar::hidden()).in_region(Some("me-south-1"), false);

        let collected = volumes(&client, &disabled).await;

        assert_eq!(
            collected.error().map(|e| e.kind),
            Some(ErrorKind::RegionDisabled)
        );
        assert_eq!(never.num_calls(), 0);
    }
}
