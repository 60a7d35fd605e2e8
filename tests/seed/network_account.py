"""Seeds a moto server with a three-region account for ztaudit's end-to-end tests.

Usage: python network_account.py ENDPOINT_URL
Prints a JSON object naming every resource it made, and the verdict each check must give it.
Uses only write calls against the emulator; ztaudit itself stays read-only.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"]


def client(service, region):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


ec2 = client("ec2", "eu-west-1")
expect = {"ZT301": {}, "ZT302": {}, "ZT303": {}, "ZT501": {}, "ZT502": {}, "ZT601": {}}

vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]


def group(name, permissions, verdict):
    group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    # moto, like AWS, gives new groups an allow-all egress rule; ingress is what matters here.
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)
    expect["ZT301"][group_id] = verdict
    return group_id


def world_list(name, cidr):
    return ec2.create_managed_prefix_list(
        PrefixListName=name, MaxEntries=5, AddressFamily="IPv4", Entries=[{"Cidr": cidr}]
    )["PrefixList"]["PrefixListId"]


ssh_world = group(
    "ssh-world",
    [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    "FAIL",
)
group(
    "range-20-25-ipv6",
    [{"IpProtocol": "tcp", "FromPort": 20, "ToPort": 25, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
    "FAIL",
)
group(
    "rdp-split-halves",
    [
        {
            "IpProtocol": "tcp",
            "FromPort": 3389,
            "ToPort": 3389,
            "IpRanges": [{"CidrIp": "0.0.0.0/1"}, {"CidrIp": "128.0.0.0/1"}],
        }
    ],
    "FAIL",
)
group("all-traffic", [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], "FAIL")
group(
    "protocol-number-6",
    [{"IpProtocol": "6", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    "FAIL",
)
group(
    "udp-22-is-not-ssh",
    [{"IpProtocol": "udp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    "PASS",
)
group(
    "https-world",
    [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    "PASS",
)
group(
    "ssh-half-internet",
    [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/1"}]}],
    "PASS",
)
bastion_peer = group("ssh-from-group", [], "PASS")
ec2.authorize_security_group_ingress(
    GroupId=bastion_peer,
    IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": ssh_world}]}
    ],
)
group(
    "ssh-via-world-prefix-list",
    [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "PrefixListIds": [{"PrefixListId": world_list("everyone", "0.0.0.0/0")}],
        }
    ],
    "FAIL",
)
group(
    "ssh-via-corporate-prefix-list",
    [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "PrefixListIds": [{"PrefixListId": world_list("corporate", "10.0.0.0/8")}],
        }
    ],
    "PASS",
)
eni = ec2.create_network_interface(SubnetId=subnet, Groups=[ssh_world])["NetworkInterface"]
expect["attached"] = {ssh_world: eni["NetworkInterfaceId"]}

# The custom VPC's default group loses its rules (PASS); every default VPC's keeps them (FAIL).
for sg in ec2.describe_security_groups(
    Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
)["SecurityGroups"]:
    if sg["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=sg["GroupId"], IpPermissions=sg["IpPermissions"])
    if sg["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=sg["GroupId"], IpPermissions=sg["IpPermissionsEgress"])
    expect["ZT302"][sg["GroupId"]] = "PASS"

# A custom network ACL that only admits HTTPS (PASS); default ACLs admit everything (FAIL).
acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
ec2.create_network_acl_entry(
    NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
    CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443},
)
expect["ZT303"][acl] = "PASS"
# A block list before an allow-all does not make SSH private (FAIL).
blocklist_acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
ec2.create_network_acl_entry(
    NetworkAclId=blocklist_acl, RuleNumber=50, Protocol="-1", RuleAction="deny", Egress=False,
    CidrBlock="198.51.100.0/24",
)
ec2.create_network_acl_entry(
    NetworkAclId=blocklist_acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=False,
    CidrBlock="0.0.0.0/0",
)
expect["ZT303"][blocklist_acl] = "FAIL"

ec2.create_flow_logs(
    ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
    LogGroupName="vpc-flow-logs", DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs",
)
expect["ZT601"][vpc] = "PASS"

ec2.enable_ebs_encryption_by_default()
expect["ZT501"] = {"eu-west-1": "PASS", "us-east-1": "FAIL", "ap-southeast-2": "FAIL"}

encrypted = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=8, Encrypted=True)["VolumeId"]
expect["ZT502"][encrypted] = "PASS"
plain = client("ec2", "us-east-1").create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=False)["VolumeId"]
expect["ZT502"][plain] = "FAIL"

# Default VPCs, their default groups and ACLs, in every region.
for region in REGIONS:
    regional = client("ec2", region)
    for default_vpc in regional.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        expect["ZT601"][default_vpc["VpcId"]] = "FAIL"
        for sg in regional.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [default_vpc["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"]:
            expect["ZT302"][sg["GroupId"]] = "FAIL" if sg["IpPermissions"] or sg["IpPermissionsEgress"] else "PASS"
        for default_acl in regional.describe_network_acls(
            Filters=[{"Name": "vpc-id", "Values": [default_vpc["VpcId"]]}, {"Name": "default", "Values": ["true"]}]
        )["NetworkAcls"]:
            expect["ZT303"][default_acl["NetworkAclId"]] = "FAIL"

json.dump({"regions": REGIONS, "expect": expect}, sys.stdout, indent=1, sort_keys=True)
