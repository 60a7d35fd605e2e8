//! EC2 and VPC: the regional data of [`Ec2Region`], read with paginated Describe calls at the
//! largest page size each API allows.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types;
use aws_sdk_ec2::Client;
use futures::future::join_all;
use ztaudit_checks::snapshot::{
    AclEntry, Ec2Region, FlowLog, NetworkAcl, NetworkInterface, Permission, SecurityGroup, Volume,
    Vpc,
};
use ztaudit_checks::Collected;

use super::calls::RegionCalls;

const SERVICE: &str = "ec2";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> Ec2Region {
    let (security_groups, network_interfaces, vpcs, network_acls, flow_logs, ebs_default, volumes) = tokio::join!(
        calls.run(SERVICE, "DescribeSecurityGroups", || async {
            let groups = client
                .describe_security_groups()
                .max_results(1000)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await?;
            Ok(sorted(groups.iter().map(security_group).collect()))
        }),
        calls.run(SERVICE, "DescribeNetworkInterfaces", || async {
            let interfaces = client
                .describe_network_interfaces()
                .max_results(1000)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await?;
            Ok(sorted(interfaces.iter().map(network_interface).collect()))
        }),
        calls.run(SERVICE, "DescribeVpcs", || async {
            let vpcs = client
                .describe_vpcs()
                .max_results(1000)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await?;
            Ok(sorted(vpcs.iter().map(vpc).collect()))
        }),
        calls.run(SERVICE, "DescribeNetworkAcls", || async {
            let acls = client
                .describe_network_acls()
                .max_results(1000)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await?;
            Ok(sorted(acls.iter().map(network_acl).collect()))
        }),
        calls.run(SERVICE, "DescribeFlowLogs", || async {
            let logs = client
                .describe_flow_logs()
                .max_results(1000)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await?;
            Ok(sorted(logs.iter().map(flow_log).collect()))
        }),
        calls.run(SERVICE, "GetEbsEncryptionByDefault", || async {
            let output = client.get_ebs_encryption_by_default().send().await?;
            // Absent means AWS did not say it is on: report it as off (a FAIL, never a PASS).
            Ok(output.ebs_encryption_by_default().unwrap_or(false))
        }),
        calls.run(SERVICE, "DescribeVolumes", || async {
            let volumes = client
                .describe_volumes()
                .max_results(500)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await?;
            Ok(sorted(volumes.iter().map(volume).collect()))
        }),
    );
    let prefix_list_entries = collect_prefix_lists(client, calls, &security_groups).await;
    Ec2Region {
        security_groups,
        prefix_list_entries,
        network_interfaces,
        vpcs,
        network_acls,
        flow_logs,
        ebs_encryption_by_default: ebs_default,
        volumes,
    }
}

/// Resolves the managed prefix lists that security group rules reference — only those, since a
/// region holds many AWS-managed lists no rule uses.
async fn collect_prefix_lists(
    client: &Client,
    calls: &RegionCalls,
    security_groups: &Collected<Vec<SecurityGroup>>,
) -> Collected<BTreeMap<String, Collected<Vec<String>>>> {
    let groups = match security_groups {
        Collected::Ok(groups) => groups,
        Collected::Error(error) => return Collected::Error(error.clone()),
    };
    let referenced: BTreeSet<&str> = groups
        .iter()
        .flat_map(|group| group.ingress.iter().chain(&group.egress))
        .flat_map(|permission| permission.prefix_list_ids.iter().map(String::as_str))
        .collect();
    let lookups = referenced.into_iter().map(|list_id| async move {
        let entries = calls
            .run(SERVICE, "GetManagedPrefixListEntries", || async {
                let entries = client
                    .get_managed_prefix_list_entries()
                    .prefix_list_id(list_id)
                    .max_results(100)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await?;
                let mut cidrs: Vec<String> = entries
                    .iter()
                    .filter_map(|entry| entry.cidr().map(str::to_owned))
                    .collect();
                cidrs.sort();
                Ok(cidrs)
            })
            .await;
        (list_id.to_owned(), entries)
    });
    Collected::Ok(join_all(lookups).await.into_iter().collect())
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
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
                .filter_map(|r| r.cidr_ip().map(str::to_owned))
                .collect(),
        ),
        ipv6_ranges: sorted(
            permission
                .ipv6_ranges()
                .iter()
                .filter_map(|r| r.cidr_ipv6().map(str::to_owned))
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
                    cidr_block: entry.cidr_block().map(str::to_owned),
                    ipv6_cidr_block: entry.ipv6_cidr_block().map(str::to_owned),
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
