//! After-apply posture (`ztaudit plan PLAN --against SNAPSHOT`): a plan laid over a snapshot of
//! the live account as AWS will apply it, then judged by every check, account-wide ones too
//! (the snapshot holds the whole account).
//!
//! - **Matching.** The plan is mapped as for `ztaudit plan`, in the live account when the plan
//!   does not name its own. A resource that exists (updated, replaced or unchanged) keeps its
//!   real id (`sg-…`, a bucket name, an ARN) from its `before` values, so it meets its live
//!   counterpart: the planned one replaces it field by field, and what the plan does not
//!   declare of it (a bucket setting with no resource in the plan) stays as it is live. Lists
//!   of named parts (a role's inline policies) are joined by name; a principal's attached
//!   policies are the live ones and the planned ones. A created resource is added, under its
//!   Terraform address while its id is unknown. A split setting whose parent the plan does not
//!   declare amends the live parent (`s3`, `network`).
//! - **Deletions.** A deleted resource leaves the snapshot. A deleted split setting leaves its
//!   live parent as AWS removes it: a bucket's default encryption back to SSE-S3, its own Block
//!   Public Access and its policy gone, a group's rule revoked. A deleted account- or
//!   region-wide setting (`aws_ebs_encryption_by_default`) is "not declared in the plan"
//!   after apply: what hangs on it is NOT_APPLICABLE or UNDECIDED, never a stale PASS.
//! - **Unknown values** stay three-valued: the best and the worst overlays are judged, and a
//!   verdict they disagree on is UNDECIDED ([`crate::verdict`]).
//! - **Regions.** A plan region the snapshot does not hold is added only for the resources the
//!   plan creates there (the rest of that region is not declared); resources the plan changes
//!   there are left out, their live state unknown. [`Overlay::notes`] says both.
//! - **Live errors stay.** Data the snapshot could not read (AccessDenied) stays unread: the
//!   plan's part of a list does not make the whole list known.
//!
//! - **Deleted policy attachments** detach the policy from the live principal.
//!
//! Not overlaid (as in `ztaudit plan`, which leaves them out): IAM inline policies and
//! attachments the plan adds to principals it does not declare.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use ztaudit_checks::snapshot::{EncryptionRule, Permission, SecurityGroup};
use ztaudit_checks::{evaluate, CallError, Check, CheckConfig, Collected, Finding, Snapshot};

use crate::plan::{Action, Plan, Planned};
use crate::{map_resources, verdict};

/// Why a plan cannot be laid over a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    #[error("the plan is for account {plan}, the snapshot is of account {snapshot}")]
    AccountMismatch { plan: String, snapshot: String },
    #[error("the overlaid snapshot does not read back: {0}")]
    Snapshot(serde_json::Error),
}

/// The account after apply, judged.
#[derive(Debug)]
pub struct Overlay {
    /// Every check's findings on the overlaid account: real ids for what exists live,
    /// Terraform addresses for what the plan creates with an id unknown until apply.
    pub findings: Vec<Finding>,
    /// The worst-case overlay: the account, partition, collection and regions a report of it
    /// names.
    pub snapshot: Snapshot,
    /// What the overlay could not lay over as it stands (regions the snapshot does not hold).
    pub notes: Vec<String>,
}

/// Split settings of a parent resource: deleting one amends the parent, not removes it.
const BUCKET_SETTINGS: [&str; 3] = [
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_policy",
];
const GROUP_RULES: [&str; 3] = [
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
];

/// Attachments of one managed policy to one principal: deleting one detaches it.
const POLICY_ATTACHMENTS: [&str; 3] = [
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
];

/// Types of global services: their provider region says nothing about where they live.
const GLOBAL_TYPE_PREFIXES: [&str; 2] = ["aws_iam_", "aws_s3_"];

/// Keys that name a list item, in the order they are tried: two items with the same one are
/// the same resource.
const IDENTITY_KEYS: [&str; 9] = [
    "arn",
    "id",
    "name",
    "user",
    "serial_number",
    "instance_id",
    "standards_arn",
    "allocation_id",
    "public_ip",
];

/// Lists that other resources add to, each entry managed on its own (a policy attachment):
/// the planned entries join the live ones.
const JOINED_LISTS: [&str; 1] = ["attached_policies"];

/// `plan` laid over `live`, judged by `checks`.
pub fn overlay(
    plan: &Plan,
    live: &Snapshot,
    checks: &[&dyn Check],
    config: &CheckConfig,
) -> Result<Overlay, OverlayError> {
    let account = match plan.account() {
        Some(account) if account != live.account => {
            return Err(OverlayError::AccountMismatch {
                plan: account.to_owned(),
                snapshot: live.account.clone(),
            })
        }
        Some(account) => account,
        None => live.account.as_str(),
    };
    let mut notes = Vec::new();
    let resources = in_scanned_regions(plan.resources(), live, &mut notes);
    let new_regions: BTreeSet<String> = resources
        .iter()
        .filter(|r| is_regional(r) && !live.regions.contains_key(r.region))
        .map(|r| r.region.to_owned())
        .collect();
    let mapped = map_resources(plan, &resources, Some(account), Some(live));

    let deleted = plan.deleted();
    let (rules, rest): (Vec<Planned<'_>>, Vec<Planned<'_>>) = deleted
        .into_iter()
        .partition(|r| GROUP_RULES.contains(&r.resource_type));
    let (settings, rest): (Vec<Planned<'_>>, Vec<Planned<'_>>) = rest
        .into_iter()
        .partition(|r| BUCKET_SETTINGS.contains(&r.resource_type));
    let (detachments, whole): (Vec<Planned<'_>>, Vec<Planned<'_>>) = rest
        .into_iter()
        .partition(|r| POLICY_ATTACHMENTS.contains(&r.resource_type));
    let removed_groups = map_resources(plan, &whole, Some(account), None).best;
    let removed = to_json(&removed_groups);
    let revoked = map_resources(plan, &rules, Some(account), None).best;

    let mut live_json = to_json(live);
    remove(&mut live_json, &removed);
    let overlaid = [&mapped.best, &mapped.worst].map(|planned| -> Result<Snapshot, _> {
        let mut after = live_json.clone();
        lay_over(&mut after, &to_json(planned), &new_regions);
        let mut snapshot: Snapshot = serde_json::from_value(after)?;
        revoke_rules(&mut snapshot, &revoked);
        reset_bucket_settings(&mut snapshot, &settings);
        detach_policies(&mut snapshot, &detachments);
        Ok(snapshot)
    });
    let [best, worst] = overlaid;
    let (mut best, mut worst) = (
        best.map_err(OverlayError::Snapshot)?,
        worst.map_err(OverlayError::Snapshot)?,
    );
    keep_groups_in_use(&mut best, live, &removed_groups);
    notes.extend(keep_groups_in_use(&mut worst, live, &removed_groups));

    let joined = verdict::join(
        evaluate(checks, &best, config),
        evaluate(checks, &worst, config),
        &mapped.origins,
    );
    Ok(Overlay {
        findings: verdict::attribute(joined, &mapped.origins, verdict::Addressed::WhenIdUnknown),
        snapshot: worst,
        notes,
    })
}

/// AWS refuses to delete a security group that a network interface or instance still uses
/// (`DependencyViolation`), and the apply stops there: a group the plan deletes that something
/// of the account after apply still names stays as it is live. Returns a note for each.
fn keep_groups_in_use(after: &mut Snapshot, live: &Snapshot, removed: &Snapshot) -> Vec<String> {
    let mut notes = Vec::new();
    for (region, deleted) in &removed.regions {
        let Collected::Ok(deleted) = &deleted.ec2.security_groups else {
            continue;
        };
        let (Some(after_region), Some(live_region)) =
            (after.regions.get_mut(region), live.regions.get(region))
        else {
            continue;
        };
        let Collected::Ok(live_groups) = &live_region.ec2.security_groups else {
            continue;
        };
        for group in deleted {
            let ec2 = &after_region.ec2;
            let interfaces = ec2
                .network_interfaces
                .as_result()
                .ok()
                .into_iter()
                .flatten();
            let instances = ec2.instances.as_result().ok().into_iter().flatten();
            let mut users: BTreeSet<&str> = interfaces
                .filter(|eni| eni.security_group_ids.contains(&group.id))
                .map(|eni| eni.id.as_str())
                .collect();
            users.extend(
                instances
                    .filter(|instance| instance.security_group_ids.contains(&group.id))
                    .map(|instance| instance.id.as_str()),
            );
            if users.is_empty() {
                continue;
            }
            let users: Vec<String> = users.into_iter().map(str::to_owned).collect();
            let Some(kept) = live_groups.iter().find(|live| live.id == group.id) else {
                continue;
            };
            if let Collected::Ok(groups) = &mut after_region.ec2.security_groups {
                if !groups.iter().any(|g| g.id == kept.id) {
                    groups.push(kept.clone());
                }
            }
            notes.push(format!(
                "the plan deletes security group {} in {region}, which {} still use: AWS refuses to delete a group in use (DependencyViolation), so it is judged as it is live",
                group.id,
                users.join(", ")
            ));
        }
    }
    notes
}

fn to_json(snapshot: &Snapshot) -> Value {
    serde_json::to_value(snapshot).unwrap_or(Value::Null)
}

fn is_regional(resource: &Planned<'_>) -> bool {
    !GLOBAL_TYPE_PREFIXES
        .iter()
        .any(|prefix| resource.resource_type.starts_with(prefix))
}

/// The resources the overlay lays over: all but those the plan changes in a region the
/// snapshot does not hold, which are named in `notes`, as are the regions it adds.
fn in_scanned_regions<'p>(
    resources: Vec<Planned<'p>>,
    live: &Snapshot,
    notes: &mut Vec<String>,
) -> Vec<Planned<'p>> {
    let mut created: BTreeMap<&str, usize> = BTreeMap::new();
    let mut left_out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let kept = resources
        .into_iter()
        .filter(|resource| {
            if !is_regional(resource) || live.regions.contains_key(resource.region) {
                return true;
            }
            if resource.action == Action::Create {
                *created.entry(resource.region).or_default() += 1;
                true
            } else {
                left_out
                    .entry(resource.region)
                    .or_default()
                    .push(resource.address);
                false
            }
        })
        .collect();
    for (region, count) in created {
        notes.push(format!(
            "region {region} is not in the snapshot: the overlay adds it for the {count} \
             resource{} the plan creates there; its other data is not declared",
            if count == 1 { "" } else { "s" }
        ));
    }
    for (region, addresses) in left_out {
        notes.push(format!(
            "region {region} is not in the snapshot: {} the plan changes there {} left out, \
             their live state unknown",
            addresses.join(", "),
            if addresses.len() == 1 { "is" } else { "are" }
        ));
    }
    kept
}

/// Lays the planned snapshot `planned` over `live`: see the module's documentation. Regions
/// the live snapshot does not hold are added only when in `new_regions`.
fn lay_over(live: &mut Value, planned: &Value, new_regions: &BTreeSet<String>) {
    if let (Some(live_regions), Some(planned_regions)) = (
        live.get_mut("regions").and_then(Value::as_object_mut),
        planned.get("regions").and_then(Value::as_object),
    ) {
        for (region, data) in planned_regions {
            match live_regions.get_mut(region) {
                Some(live_data) => merge(live_data, data, ""),
                None if new_regions.contains(region) => {
                    live_regions.insert(region.clone(), data.clone());
                }
                None => {}
            }
        }
    }
    if let (Some(live_global), Some(planned_global)) =
        (live.get_mut("global"), planned.get("global"))
    {
        merge(live_global, planned_global, "");
    }
}

/// Merges the planned value into the live one; `key` is the field it is the value of.
fn merge(live: &mut Value, planned: &Value, key: &str) {
    if collected_error(planned).is_some() {
        // Not declared in the plan (or not mapped): the live value stands.
        return;
    }
    if collected_error(live).is_some() && planned.get("ok").is_some() {
        // Unread live: the plan's part does not make the whole known.
        return;
    }
    match (live, planned) {
        (Value::Object(live), Value::Object(planned)) => {
            for (field, value) in planned {
                match live.get_mut(field) {
                    Some(current) => merge(current, value, field),
                    None => {
                        live.insert(field.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(live), Value::Array(planned)) if JOINED_LISTS.contains(&key) => {
            for item in planned {
                if !live.contains(item) {
                    live.push(item.clone());
                }
            }
        }
        // A planned list with nothing of its own adds nothing to named live items.
        (Value::Array(live), Value::Array(planned)) if identified(live) && identified(planned) => {
            for item in planned {
                let same = live
                    .iter_mut()
                    .find(|current| identity(current) == identity(item));
                match same {
                    Some(current) => merge(current, item, ""),
                    None => live.push(item.clone()),
                }
            }
        }
        (live, planned) => *live = planned.clone(),
    }
}

/// Removes from `live` what the snapshot of the deleted resources, `deleted`, holds: list
/// items by identity; a deleted setting becomes "not declared in the plan".
fn remove(live: &mut Value, deleted: &Value) {
    if let (Some(live_regions), Some(deleted_regions)) = (
        live.get_mut("regions").and_then(Value::as_object_mut),
        deleted.get("regions").and_then(Value::as_object),
    ) {
        for (region, data) in deleted_regions {
            if let Some(live_data) = live_regions.get_mut(region) {
                remove_in(live_data, data, &format!("in {region}"));
            }
        }
    }
    if let (Some(live_global), Some(deleted_global)) =
        (live.get_mut("global"), deleted.get("global"))
    {
        remove_in(live_global, deleted_global, "");
    }
}

fn remove_in(live: &mut Value, deleted: &Value, path: &str) {
    if collected_error(deleted).is_some() || collected_error(live).is_some() {
        return;
    }
    match (live, deleted) {
        (Value::Object(live), Value::Object(deleted)) => {
            if let Some(gone) = deleted.get("ok") {
                let Some(current) = live.get_mut("ok") else {
                    return;
                };
                match gone {
                    Value::Array(_) => remove_in(current, gone, path),
                    // Principals and policies, listed together: removed one by one.
                    Value::Object(parts) if parts.values().all(Value::is_array) => {
                        remove_in(current, gone, path)
                    }
                    _ => {
                        let what = format!("a setting the plan deletes {path}");
                        let error = CallError::not_in_plan("", what.trim_end());
                        live.remove("ok");
                        live.insert(
                            "error".to_owned(),
                            serde_json::to_value(error).unwrap_or(Value::Null),
                        );
                    }
                }
                return;
            }
            for (field, value) in deleted {
                if let Some(current) = live.get_mut(field) {
                    remove_in(current, value, path);
                }
            }
        }
        (Value::Array(live), Value::Array(deleted)) => {
            let gone: Vec<Option<(&str, &str)>> = deleted
                .iter()
                .map(identity)
                .filter(Option::is_some)
                .collect();
            live.retain(|item| {
                let id = identity(item);
                id.is_none() || !gone.contains(&id)
            });
        }
        _ => {}
    }
}

/// The error of a `Collected` value (`{"error": …}`), when it is one.
fn collected_error(value: &Value) -> Option<&Map<String, Value>> {
    let map = value.as_object()?;
    (map.len() == 1).then(|| map.get("error")?.as_object())?
}

/// Whether every item of a list has an identity.
fn identified(items: &[Value]) -> bool {
    items.iter().all(|item| identity(item).is_some())
}

/// The key and value that name a list item.
fn identity(item: &Value) -> Option<(&str, &str)> {
    IDENTITY_KEYS
        .iter()
        .find_map(|key| Some((*key, item.get(*key)?.as_str()?)))
}

/// Revokes from the live groups the rules the plan deletes (`revoked` holds each rule on a
/// stand-in of its group, with no other rule).
fn revoke_rules(snapshot: &mut Snapshot, revoked: &Snapshot) {
    for (region, data) in &revoked.regions {
        let Ok(gone) = data.ec2.security_groups.as_result() else {
            continue;
        };
        let Some(Collected::Ok(groups)) = snapshot
            .regions
            .get_mut(region)
            .map(|data| &mut data.ec2.security_groups)
        else {
            continue;
        };
        for deleted in gone {
            if let Some(group) = groups.iter_mut().find(|group| group.id == deleted.id) {
                revoke(group, deleted);
            }
        }
    }
}

/// What AWS leaves of `group` once the rules of `deleted` are revoked: each source of a
/// revoked rule leaves the permission of the same protocol and ports.
fn revoke(group: &mut SecurityGroup, deleted: &SecurityGroup) {
    for (rules, gone) in [
        (&mut group.ingress, &deleted.ingress),
        (&mut group.egress, &deleted.egress),
    ] {
        for revoked in gone {
            for rule in rules.iter_mut().filter(|rule| same_ports(rule, revoked)) {
                drop_all(&mut rule.ipv4_ranges, &revoked.ipv4_ranges);
                drop_all(&mut rule.ipv6_ranges, &revoked.ipv6_ranges);
                drop_all(&mut rule.prefix_list_ids, &revoked.prefix_list_ids);
                drop_all(&mut rule.security_group_refs, &revoked.security_group_refs);
            }
        }
        rules.retain(|rule| !no_source(rule));
    }
}

fn same_ports(a: &Permission, b: &Permission) -> bool {
    (&a.protocol, a.from_port, a.to_port) == (&b.protocol, b.from_port, b.to_port)
}

fn drop_all<T: PartialEq>(list: &mut Vec<T>, gone: &[T]) {
    list.retain(|item| !gone.contains(item));
}

fn no_source(rule: &Permission) -> bool {
    let Permission {
        ipv4_ranges,
        ipv6_ranges,
        prefix_list_ids,
        security_group_refs,
        ..
    } = rule;
    ipv4_ranges.is_empty()
        && ipv6_ranges.is_empty()
        && prefix_list_ids.is_empty()
        && security_group_refs.is_empty()
}

/// Detaches from the live principals the managed policies whose attachments the plan
/// deletes (`role`, `user` or `group` and `policy_arn` of their `before` values). A principal
/// the plan does not declare keeps the rest of what it has live.
fn detach_policies(snapshot: &mut Snapshot, detachments: &[Planned<'_>]) {
    let Collected::Ok(authorization) = &mut snapshot.global.iam.authorization else {
        return;
    };
    for detachment in detachments {
        let Some(policy_arn) = detachment.known_str("policy_arn") else {
            continue;
        };
        let attached = match detachment.resource_type {
            "aws_iam_role_policy_attachment" => detachment.known_str("role").and_then(|name| {
                authorization
                    .roles
                    .iter_mut()
                    .find(|role| role.name == name)
                    .map(|role| &mut role.attached_policies)
            }),
            "aws_iam_user_policy_attachment" => detachment.known_str("user").and_then(|name| {
                authorization
                    .users
                    .iter_mut()
                    .find(|user| user.name == name)
                    .map(|user| &mut user.attached_policies)
            }),
            _ => detachment.known_str("group").and_then(|name| {
                authorization
                    .groups
                    .iter_mut()
                    .find(|group| group.name == name)
                    .map(|group| &mut group.attached_policies)
            }),
        };
        if let Some(attached) = attached {
            attached.retain(|arn| arn != policy_arn);
        }
        if let Some(policy) = authorization
            .policies
            .iter_mut()
            .find(|policy| policy.arn == policy_arn)
        {
            policy.attachment_count = (policy.attachment_count - 1).max(0);
        }
    }
}

/// What AWS leaves of a bucket once a split setting is deleted: default encryption SSE-S3,
/// no Block Public Access of its own, no policy.
fn reset_bucket_settings(snapshot: &mut Snapshot, settings: &[Planned<'_>]) {
    let Collected::Ok(buckets) = &mut snapshot.global.s3.buckets else {
        return;
    };
    for setting in settings {
        let Some(name) = setting.known_str("bucket") else {
            continue;
        };
        let Some(bucket) = buckets.iter_mut().find(|bucket| bucket.name == name) else {
            continue;
        };
        match setting.resource_type {
            "aws_s3_bucket_server_side_encryption_configuration" => {
                bucket.encryption = Collected::Ok(Some(vec![EncryptionRule {
                    algorithm: "AES256".to_owned(),
                    kms_key_id: None,
                }]));
            }
            "aws_s3_bucket_public_access_block" => bucket.public_access_block = Collected::Ok(None),
            _ => bucket.policy = Collected::Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use ztaudit_checks::snapshot::Cidr;
    use ztaudit_checks::ErrorKind;

    use super::*;

    /// Whether `error` is the kind a deleted setting leaves.
    fn is_not_in_plan(error: &Map<String, Value>) -> bool {
        error.get("kind") == serde_json::to_value(ErrorKind::NotInPlan).ok().as_ref()
    }

    #[test]
    fn planned_items_replace_live_ones_by_identity_and_keep_what_the_plan_does_not_declare() {
        let mut live = json!({"ok": [
            {"name": "a", "encryption": {"ok": null}, "policy": {"ok": "P"}},
            {"name": "b", "encryption": {"ok": null}, "policy": {"ok": null}}
        ]});
        let planned = json!({"ok": [
            {"name": "a", "encryption": {"ok": [{"algorithm": "aws:kms"}]},
             "policy": {"error": {"kind": "not_in_plan"}}},
            {"name": "c", "encryption": {"ok": null}, "policy": {"ok": null}}
        ]});
        merge(&mut live, &planned, "");
        assert_eq!(
            live,
            json!({"ok": [
                {"name": "a", "encryption": {"ok": [{"algorithm": "aws:kms"}]}, "policy": {"ok": "P"}},
                {"name": "b", "encryption": {"ok": null}, "policy": {"ok": null}},
                {"name": "c", "encryption": {"ok": null}, "policy": {"ok": null}}
            ]})
        );
    }

    #[test]
    fn an_unread_live_list_stays_unread() {
        let unread = json!({"error": {"kind": "access_denied"}});
        let mut live = unread.clone();
        merge(&mut live, &json!({"ok": [{"id": "sg-1"}]}), "");
        assert_eq!(live, unread);
    }

    #[test]
    fn attached_policies_join_and_rules_are_replaced() {
        let mut live = json!({"attached_policies": ["A"], "ingress": [{"protocol": "tcp"}]});
        merge(
            &mut live,
            &json!({"attached_policies": ["B"], "ingress": [{"protocol": "udp"}]}),
            "",
        );
        assert_eq!(
            live,
            json!({"attached_policies": ["A", "B"], "ingress": [{"protocol": "udp"}]})
        );
    }

    #[test]
    fn deletions_remove_items_and_turn_settings_not_declared() {
        let mut live = json!({"regions": {"eu-west-1": {"ec2": {
            "security_groups": {"ok": [{"id": "sg-1"}, {"id": "sg-2"}]},
            "ebs_encryption_by_default": {"ok": true}
        }}}, "global": {}});
        let deleted = json!({"regions": {"eu-west-1": {"ec2": {
            "security_groups": {"ok": [{"id": "sg-2"}]},
            "ebs_encryption_by_default": {"ok": true}
        }}}, "global": {}});
        remove(&mut live, &deleted);
        let ec2 = &live["regions"]["eu-west-1"]["ec2"];
        assert_eq!(ec2["security_groups"], json!({"ok": [{"id": "sg-1"}]}));
        let error = collected_error(&ec2["ebs_encryption_by_default"]).expect("an error");
        assert!(is_not_in_plan(error));
    }

    #[test]
    fn a_revoked_rule_leaves_the_other_sources_of_its_permission() {
        let cidr = |text: &str| -> Cidr { serde_json::from_value(json!(text)).expect("a CIDR") };
        let ssh = |sources: &[&str]| Permission {
            protocol: "tcp".to_owned(),
            from_port: Some(22),
            to_port: Some(22),
            ipv4_ranges: sources.iter().map(|s| cidr(s)).collect(),
            ipv6_ranges: Vec::new(),
            prefix_list_ids: Vec::new(),
            security_group_refs: Vec::new(),
        };
        let group = |ingress| SecurityGroup {
            id: "sg-1".to_owned(),
            name: "g".to_owned(),
            vpc_id: None,
            ingress,
            egress: Vec::new(),
        };
        let mut live = group(vec![ssh(&["0.0.0.0/0", "10.0.0.0/8"])]);
        revoke(&mut live, &group(vec![ssh(&["0.0.0.0/0"])]));
        assert_eq!(live.ingress, [ssh(&["10.0.0.0/8"])]);
        revoke(&mut live, &group(vec![ssh(&["10.0.0.0/8"])]));
        assert!(live.ingress.is_empty());
    }
}
