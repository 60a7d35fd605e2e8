"""Seeds a moto server with one running instance per network-path case of ZT304, and a
stopped one, for ztaudit's end-to-end tests.

Usage: python network_paths.py ENDPOINT_URL
Prints a JSON object: `expect` maps each instance to the verdict ZT304 must give it,
`not_reported` lists the instances it must not report, and `labels` maps every identifier and
address moto chose (at random) to a stable name, so that messages can be compared with a golden.

moto's default VPC has no internet route in its main table (AWS's has one), so everything here
is built in VPCs of its own.
"""
import ipaddress
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGION = "eu-west-1"
ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=ENDPOINT,
                   aws_access_key_id="testing", aws_secret_access_key="testing")
AMI = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
expect, labels, not_reported = {}, {}, []


def label(resource_id, name):
    labels[resource_id] = name
    return resource_id


def make_vpc(name, cidr):
    made = ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    vpc_id = label(made["VpcId"], f"vpc-{name}")
    ipv6 = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    igw = label(ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"], f"igw-{name}")
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                              {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    label(main["RouteTableId"], f"rtb-{name}-main")
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                             {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
    label(acl["NetworkAclId"], f"acl-{name}-default")
    # AWS gives the default ACL of a VPC with an IPv6 block rules 101 allowing ::/0 both ways;
    # moto 5.2.5 adds only the IPv4 rules 100.
    for egress in (False, True):
        ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=101, Protocol="-1",
                                     RuleAction="allow", Egress=egress, Ipv6CidrBlock="::/0")
    return vpc_id, ipv6, igw, main["RouteTableId"]


vpc, vpc_ipv6, igw, main_table = make_vpc("paths", "10.40.0.0/16")
# Another VPC whose main table does route to its own internet gateway: it must never be taken
# for the main table of the first VPC's subnets.
other_vpc, _, other_igw, other_main = make_vpc("other", "10.41.0.0/16")
ec2.create_route(RouteTableId=other_main, DestinationCidrBlock="0.0.0.0/0", GatewayId=other_igw)

subnet_count = 0


def subnet(name, table_routes=None, acl_entries=None):
    """A subnet of the first VPC; with `table_routes`, an explicit route table holding them
    (as (destination, target kwargs) pairs); with `acl_entries`, an explicit network ACL."""
    global subnet_count
    subnet_count += 1
    ipv6_block = str(list(ipaddress.ip_network(vpc_ipv6).subnets(new_prefix=64))[subnet_count])
    made = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{subnet_count}.0/24",
                             Ipv6CidrBlock=ipv6_block)["Subnet"]["SubnetId"]
    label(made, f"subnet-{name}")
    if table_routes is not None:
        table = label(ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"], f"rtb-{name}")
        for destination, target in table_routes:
            if destination.startswith("pl-"):
                key = "DestinationPrefixListId"
            elif ":" in destination:
                key = "DestinationIpv6CidrBlock"
            else:
                key = "DestinationCidrBlock"
            ec2.create_route(RouteTableId=table, **{key: destination}, **target)
        ec2.associate_route_table(RouteTableId=table, SubnetId=made)
    if acl_entries is not None:
        acl = label(ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"], f"acl-{name}")
        for entry in acl_entries:
            ec2.create_network_acl_entry(NetworkAclId=acl, **entry)
        association = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [made]}])[
            "NetworkAcls"][0]["Associations"]
        current = [a["NetworkAclAssociationId"] for a in association if a["SubnetId"] == made][0]
        ec2.replace_network_acl_association(AssociationId=current, NetworkAclId=acl)
    return made


def acl_entry(rule, egress, allow, cidr="0.0.0.0/0", protocol="-1", ports=None):
    entry = {"RuleNumber": rule, "Egress": egress, "Protocol": protocol,
             "RuleAction": "allow" if allow else "deny"}
    entry["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
    if ports:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    return entry


def group(name, permissions):
    made = label(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"], f"sg-{name}")
    ec2.authorize_security_group_ingress(GroupId=made, IpPermissions=permissions)
    return made


def ssh_from(v4=(), v6=(), lists=()):
    permission = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}
    if v4:
        permission["IpRanges"] = [{"CidrIp": c} for c in v4]
    if v6:
        permission["Ipv6Ranges"] = [{"CidrIpv6": c} for c in v6]
    if lists:
        permission["PrefixListIds"] = [{"PrefixListId": p} for p in lists]
    return [permission]


def prefix_list(name, cidrs, family="IPv4"):
    made = ec2.create_managed_prefix_list(PrefixListName=name, MaxEntries=5, AddressFamily=family,
                                          Entries=[{"Cidr": c} for c in cidrs])["PrefixList"]["PrefixListId"]
    return label(made, f"pl-{name}")


def instance(name, subnet_id, groups, verdict, public=False, ipv6=0):
    interface = {"DeviceIndex": 0, "SubnetId": subnet_id, "Groups": groups, "AssociatePublicIpAddress": public}
    if ipv6:
        # moto 5.2.5 answers Ipv6AddressCount with a server error: the interface is made first
        # with addresses of its subnet named explicitly, then the instance is launched on it.
        block = ipaddress.ip_network(ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]
                                     ["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
        made = ec2.create_network_interface(
            SubnetId=subnet_id, Groups=groups,
            Ipv6Addresses=[{"Ipv6Address": str(block[0x10 + n])} for n in range(ipv6)])
        interface = {"DeviceIndex": 0, "NetworkInterfaceId": made["NetworkInterface"]["NetworkInterfaceId"]}
    made = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             NetworkInterfaces=[interface],
                             TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])
    instance_id = label(made["Instances"][0]["InstanceId"], f"i-{name}")
    if verdict:
        expect[instance_id] = verdict
    return instance_id


def interface_of(instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]


ssh_world = group("ssh-from-anywhere", ssh_from(["0.0.0.0/0"], ["::/0"]))
https_world = group("https-from-anywhere", [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
ssh_world_list = group("ssh-from-world-prefix-list", ssh_from(lists=[prefix_list("world", ["0.0.0.0/1", "128.0.0.0/1"])]))
# 173.245.48.0/20 is one of Cloudflare's ranges: trusted with --trust-cloudflare.
ssh_cloudflare = group("ssh-from-cloudflare", ssh_from(["173.245.48.0/20"]))

to_internet = [("0.0.0.0/0", {"GatewayId": igw}), ("::/0", {"GatewayId": igw})]
public = subnet("public", to_internet)
private = subnet("private")  # implicit: the VPC's main table, which has only the local route

# A NAT gateway (in the public subnet) and an egress-only gateway: neither lets a connection in.
eip_nat = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat = label(ec2.create_nat_gateway(SubnetId=public, AllocationId=eip_nat)["NatGateway"]["NatGatewayId"], "nat-paths")
eigw = label(ec2.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"][
    "EgressOnlyInternetGatewayId"], "eigw-paths")
nat_only = subnet("nat-only", [("0.0.0.0/0", {"NatGatewayId": nat})])
egress_only = subnet("egress-only", [("0.0.0.0/0", {"NatGatewayId": nat}),
                                     ("::/0", {"EgressOnlyInternetGatewayId": eigw})])
split = subnet("split-routes", [("0.0.0.0/1", {"GatewayId": igw}), ("128.0.0.0/1", {"GatewayId": igw})])
world_routes = prefix_list("world-routes", ["0.0.0.0/1", "128.0.0.0/1"])
prefix_route = subnet("prefix-list-route", [(world_routes, {"GatewayId": igw})])
# A route to the other VPC's gateway (AWS refuses it; moto does not): it lets nothing in here.
other_vpcs_gateway = subnet("other-vpcs-gateway", [("0.0.0.0/0", {"GatewayId": other_igw})])
# A gateway attached when the route was made, detached since.
detached_igw = label(ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"], "igw-was-attached")
ec2.attach_internet_gateway(InternetGatewayId=detached_igw, VpcId=vpc)
detached = subnet("detached-gateway", [("0.0.0.0/0", {"GatewayId": detached_igw})])
ec2.detach_internet_gateway(InternetGatewayId=detached_igw, VpcId=vpc)

allow_all_out = [acl_entry(100, True, True), acl_entry(101, True, True, "::/0")]
allow_all_in = [acl_entry(100, False, True), acl_entry(101, False, True, "::/0")]
acl_denies = subnet("acl-denies-admin-ports", to_internet, [
    acl_entry(90, False, False, protocol="6", ports=(22, 22)),
    acl_entry(91, False, False, protocol="6", ports=(3389, 3389))] + allow_all_in + allow_all_out)
acl_late_deny = subnet("acl-deny-after-allow", to_internet, [
    acl_entry(200, False, False, protocol="6", ports=(22, 22))] + allow_all_in + allow_all_out)
acl_nothing_in = subnet("acl-only-final-deny-inbound", to_internet, allow_all_out)
acl_no_reply = subnet("acl-no-reply", to_internet, allow_all_in + [
    acl_entry(100, True, True, protocol="6", ports=(443, 443))])
acl_reply_high = subnet("acl-reply-to-high-ports", to_internet, allow_all_in + [
    acl_entry(100, True, True, protocol="6", ports=(32768, 65535))])

instance("fail-public-ip", public, [ssh_world, https_world], "FAIL", public=True)
elastic = instance("fail-elastic-ip", public, [ssh_world], "FAIL")
ec2.associate_address(AllocationId=label(ec2.allocate_address(Domain="vpc")["AllocationId"], "eipalloc-fail-elastic-ip"),
                      InstanceId=elastic)
secondary = instance("fail-elastic-ip-on-secondary-address", public, [ssh_world], "FAIL")
secondary_eni = interface_of(secondary)
ec2.assign_private_ip_addresses(NetworkInterfaceId=secondary_eni["NetworkInterfaceId"], SecondaryPrivateIpAddressCount=1)
secondary_ip = [a for a in ec2.describe_network_interfaces(NetworkInterfaceIds=[secondary_eni["NetworkInterfaceId"]])[
    "NetworkInterfaces"][0]["PrivateIpAddresses"] if not a.get("Primary")][0]["PrivateIpAddress"]
ec2.associate_address(AllocationId=label(ec2.allocate_address(Domain="vpc")["AllocationId"], "eipalloc-secondary"),
                      NetworkInterfaceId=secondary_eni["NetworkInterfaceId"], PrivateIpAddress=secondary_ip)
instance("fail-ipv6-only", public, [ssh_world], "FAIL", ipv6=1)
instance("fail-split-routes", split, [ssh_world], "FAIL", public=True)
instance("fail-prefix-list-route", prefix_route, [ssh_world], "FAIL", public=True)
instance("fail-group-prefix-list", public, [ssh_world_list], "FAIL", public=True)
instance("fail-acl-deny-after-allow", acl_late_deny, [ssh_world], "FAIL", public=True)
instance("fail-acl-reply-to-high-ports", acl_reply_high, [ssh_world], "FAIL", public=True)
instance("pass-private-subnet-main-table", private, [ssh_world], "PASS", public=True)
instance("pass-nat-only", nat_only, [ssh_world], "PASS", public=True)
instance("pass-egress-only-ipv6", egress_only, [ssh_world], "PASS", ipv6=1)
instance("pass-other-vpcs-gateway", other_vpcs_gateway, [ssh_world], "PASS", public=True)
instance("pass-detached-gateway", detached, [ssh_world], "PASS", public=True)
instance("pass-acl-denies-admin-ports", acl_denies, [ssh_world], "PASS", public=True)
instance("pass-acl-only-final-deny-inbound", acl_nothing_in, [ssh_world], "PASS", public=True)
instance("pass-acl-no-reply", acl_no_reply, [ssh_world], "PASS", public=True)
instance("pass-no-public-address", public, [ssh_world], "PASS")
instance("pass-group-https-only", public, [https_world], "PASS", public=True)
instance("pass-group-trusted-range", public, [ssh_cloudflare], "PASS", public=True)
stopped = instance("stopped-public-ssh", public, [ssh_world], None, public=True)
ec2.stop_instances(InstanceIds=[stopped])
not_reported.append(stopped)

# Name what moto chose at random: interfaces, their public and IPv6 addresses, Elastic IPs.
for reservation in ec2.describe_instances()["Reservations"]:
    for made in reservation["Instances"]:
        name = labels.get(made["InstanceId"], "")[2:]
        for eni in made.get("NetworkInterfaces", []):
            label(eni["NetworkInterfaceId"], f"eni-{name}")
            # moto 5.2.5 reports launch-time public addresses here, not in the interface view.
            for address in eni.get("PrivateIpAddresses", []):
                public_ip = address.get("Association", {}).get("PublicIp")
                if public_ip and public_ip not in labels:
                    label(public_ip, f"<public ip of {name}>")
for eni in ec2.describe_network_interfaces()["NetworkInterfaces"]:
    if eni["NetworkInterfaceId"] not in labels:
        continue  # the NAT gateway's
    owner = labels[eni["NetworkInterfaceId"]][4:]
    for address in eni.get("PrivateIpAddresses", []):
        public_ip = address.get("Association", {}).get("PublicIp")
        if public_ip and public_ip not in labels:
            label(public_ip, f"<public ip of {owner}>")
    for address in eni.get("Ipv6Addresses", []):
        label(address["Ipv6Address"], f"<ipv6 of {owner}>")
for address in ec2.describe_addresses()["Addresses"]:
    if address["AllocationId"] not in labels:
        label(address["AllocationId"], "eipalloc-nat")
    label(address["PublicIp"], f"<elastic ip of {labels[address['AllocationId']][9:]}>")

json.dump({"expect": expect, "not_reported": not_reported, "labels": labels, "vpc": vpc}, sys.stdout,
          indent=1, sort_keys=True)
