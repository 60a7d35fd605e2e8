//! EBS: volumes, the block devices of instances, and each region's encryption by default
//! (ZT501, ZT502).
//!
//! - `aws_ebs_encryption_by_default` is the region's setting (`enabled` defaults to true);
//!   it is reported against the account in that region, as a live scan reports it.
//! - `aws_ebs_volume` is a volume; an `aws_instance`'s `root_block_device` (which every
//!   instance has, configured or not) and each `ebs_block_device` are volumes too, reported as
//!   `ADDRESS.root_block_device[0]` and `ADDRESS.ebs_block_device["DEVICE"]`.
//!   `aws_volume_attachment` says which instance a volume is attached to.
//! - Whether a volume is encrypted: `encrypted = true` is. Otherwise (false, unset or unknown)
//!   AWS encrypts it anyway when the region encrypts by default, since a region that does
//!   refuses unencrypted volumes; so the verdict hangs on the region's setting, known only
//!   where the plan declares it. Where it does not, the volume is encrypted at best and not
//!   at worst: UNDECIDED, naming the setting, never FAIL on a guess.

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::Volume;
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::{Known, Node};

const VOLUME_TYPES: [&str; 2] = ["aws_ebs_volume", "aws_instance"];

pub fn map(m: &mut Mapping<'_>) {
    let by_default = map_encryption_by_default(m);
    if !m.declares(&VOLUME_TYPES) {
        return;
    }
    let mut volumes: Vec<(Mapped<'_>, Volume)> = Vec::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_ebs_volume").collect();
    for planned in declared {
        let subject = Mapped {
            planned,
            part: None,
        };
        // Unset, with no snapshot to inherit from: AWS creates it unencrypted unless the
        // region encrypts by default.
        let flag = planned.values.get("encrypted");
        let flag = if flag.is_unknown()
            && !planned.configured("encrypted")
            && !planned.configured("snapshot_id")
        {
            Node::absent()
        } else {
            flag
        };
        let encrypted = encrypted(m, &subject, flag, &by_default);
        let volume = Volume {
            id: planned
                .known_str("id")
                .unwrap_or(planned.address)
                .to_owned(),
            encrypted,
            kms_key_id: planned.known_str("kms_key_id").map(str::to_owned),
            attached_to: Vec::new(),
        };
        volumes.push((subject, volume));
    }
    let instances: Vec<&Planned<'_>> = m.of_type("aws_instance").collect();
    for planned in instances {
        let instance_id = planned
            .known_str("id")
            .unwrap_or(planned.address)
            .to_owned();
        // Every instance has a root volume; an unconfigured block is computed at apply.
        let root = match planned.values.get("root_block_device").items() {
            Known::Value(blocks) => blocks.into_iter().next(),
            Known::Unknown => None,
        };
        let mut devices = vec![("root_block_device[0]".to_owned(), root)];
        if let Known::Value(blocks) = planned.values.get("ebs_block_device").items() {
            for (index, block) in blocks.into_iter().enumerate() {
                let part = match block.get("device_name").known_str() {
                    Some(device) => format!("ebs_block_device[\"{device}\"]"),
                    None => format!("ebs_block_device[{index}]"),
                };
                devices.push((part, Some(block)));
            }
        }
        for (part, block) in devices {
            let subject = Mapped {
                planned,
                part: Some(part.clone()),
            };
            let flag = block.map_or_else(Node::unknown_value, |b| b.get("encrypted"));
            let encrypted = encrypted(m, &subject, flag, &by_default);
            let volume = Volume {
                id: block
                    .and_then(|b| b.get("volume_id").known_str())
                    .map_or_else(|| format!("{}.{part}", planned.address), str::to_owned),
                encrypted,
                kms_key_id: block
                    .and_then(|b| b.get("kms_key_id").known_str())
                    .filter(|key| !key.is_empty())
                    .map(str::to_owned),
                attached_to: vec![instance_id.clone()],
            };
            volumes.push((subject, volume));
        }
    }
    attach(m, &mut volumes);

    let mut by_region: BTreeMap<String, Vec<Volume>> = BTreeMap::new();
    for (subject, volume) in volumes {
        let region = subject.planned.region.to_owned();
        match &subject.part {
            None => m.register(subject.planned, &region, &volume),
            Some(part) => m.register_part(subject.planned, part, &region, &volume),
        }
        by_region.entry(region).or_default().push(volume);
    }
    for (region, mut list) in by_region {
        list.sort_by(|a, b| a.id.cmp(&b.id));
        m.region(&region).ec2.volumes = Collected::Ok(list);
    }
}

/// A volume being mapped: the resource that declares it, and its part of that resource.
struct Mapped<'p> {
    planned: &'p Planned<'p>,
    part: Option<String>,
}

impl Mapped<'_> {
    fn unknown(&self, m: &mut Mapping<'_>, label: String) {
        match &self.part {
            None => m.unknown(self.planned, label),
            Some(part) => m.unknown_part(self.planned, part, label),
        }
    }
}

/// `aws_ebs_encryption_by_default` of each region that declares it.
fn map_encryption_by_default(m: &mut Mapping<'_>) -> BTreeMap<String, bool> {
    let mut by_default = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_ebs_encryption_by_default").collect();
    for planned in declared {
        let node = planned.values.get("enabled");
        let enabled = m.resolve_bool(planned, "enabled", node, true, true, false);
        let region = planned.region.to_owned();
        m.register_setting(planned, &region, "ec2", "ZT501");
        m.region(&region).ec2.ebs_encryption_by_default = Collected::Ok(enabled);
        by_default.insert(region, enabled);
    }
    by_default
}

/// Whether the volume will be encrypted, in this case (see the module's documentation).
fn encrypted(
    m: &mut Mapping<'_>,
    subject: &Mapped<'_>,
    flag: Node<'_>,
    by_default: &BTreeMap<String, bool>,
) -> bool {
    let region = subject.planned.region;
    let flag = flag.bool();
    if flag == Known::Value(Some(true)) {
        return true;
    }
    match by_default.get(region) {
        Some(true) => true,
        Some(false) if !flag.is_unknown() => false,
        Some(false) => {
            subject.unknown(m, "encrypted".to_owned());
            m.case.pick(true, false)
        }
        None => {
            let label = if flag.is_unknown() {
                format!("encrypted, and EBS encryption by default in {region} (not declared in the plan)")
            } else {
                format!("EBS encryption by default in {region} (not declared in the plan), which encrypts it anyway when on")
            };
            subject.unknown(m, label);
            m.case.pick(true, false)
        }
    }
}

/// `aws_volume_attachment`: the instance each volume is attached to, by id or reference.
fn attach(m: &mut Mapping<'_>, volumes: &mut [(Mapped<'_>, Volume)]) {
    let attachments: Vec<&Planned<'_>> = m.of_type("aws_volume_attachment").collect();
    for attachment in attachments {
        let volume = match attachment.known_str("volume_id") {
            Some(id) => volumes.iter().position(|(_, v)| v.id == id),
            None => match m
                .referenced(attachment, "volume_id", &["aws_ebs_volume"])
                .as_slice()
            {
                [one] => volumes
                    .iter()
                    .position(|(s, _)| s.part.is_none() && s.planned.address == one.address),
                _ => None,
            },
        };
        let instance = attachment
            .known_str("instance_id")
            .map(str::to_owned)
            .or_else(|| {
                match m
                    .referenced(attachment, "instance_id", &["aws_instance"])
                    .as_slice()
                {
                    [one] => Some(one.known_str("id").unwrap_or(one.address).to_owned()),
                    _ => None,
                }
            });
        if let (Some(index), Some(instance)) = (volume, instance) {
            let attached = &mut volumes[index].1.attached_to;
            if !attached.contains(&instance) {
                attached.push(instance);
            }
        }
    }
}
