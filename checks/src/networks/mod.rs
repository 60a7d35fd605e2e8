//! Networks pillar (`ZT3xx`): what the internet can reach, how people and workloads get in, and
//! how environments are kept apart.

use std::collections::BTreeMap;

use crate::snapshot::ClientVpnEndpoint;
use crate::{Findings, Resource, Snapshot};

pub mod client_vpn_connection_logging_disabled;
pub mod client_vpn_split_tunnel;
pub mod client_vpn_weak_authentication;
pub mod default_security_group_has_rules;
pub mod environments_not_separated;
pub mod instance_admin_port_open_to_internet;
pub mod instance_not_managed_by_ssm;
pub mod network_acl_admin_ports_open;
pub(crate) mod path;
pub mod rds_instance_reachable_from_internet;
pub mod security_group_admits_whole_network;
pub mod security_group_open_to_internet;
pub(crate) mod shared;
pub mod vpc_instances_share_flat_group;
pub mod vpc_mixes_environments;
pub mod vpc_without_private_endpoints;

/// Every Client VPN endpoint that is not deleted, with its resource; an ERROR finding for each
/// region whose endpoints could not be read.
pub(crate) fn live_client_vpn_endpoints<'s>(
    snapshot: &'s Snapshot,
    out: &mut Findings,
) -> Vec<(&'s ClientVpnEndpoint, Resource)> {
    let mut live = Vec::new();
    for (region, data) in &snapshot.regions {
        let Some(endpoints) = out.require("ec2", region, &data.ec2.client_vpn_endpoints) else {
            continue;
        };
        for endpoint in endpoints.iter().filter(|e| e.status != "deleted") {
            let resource = out.resource(region, endpoint);
            live.push((endpoint, resource));
        }
    }
    live
}

/// The environment a resource's tags name, under any of `keys` (compared without regard to
/// case), with common spellings folded together: `prod`, `prd`, `live` → `production`; `dev` →
/// `development`; `stage`, `stg` → `staging`. Other values are kept, lower-cased.
pub(crate) fn environment_of(tags: &BTreeMap<String, String>, keys: &[String]) -> Option<String> {
    let value = tags.iter().find_map(|(key, value)| {
        keys.iter()
            .any(|wanted| wanted.eq_ignore_ascii_case(key))
            .then_some(value)
    })?;
    fold_environment(value)
}

/// An environment name as [`environment_of`] reads a tag value: trimmed, lower-cased, common
/// spellings folded together; `None` when blank.
pub(crate) fn fold_environment(value: &str) -> Option<String> {
    let value = value.trim().to_ascii_lowercase();
    let folded = match value.as_str() {
        "" => return None,
        "prod" | "prd" | "production" | "live" => "production",
        "dev" | "development" => "development",
        "stage" | "stg" | "staging" => "staging",
        other => other,
    };
    Some(folded.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_are_read_from_any_configured_key_and_folded() {
        let keys = vec!["Environment".to_owned(), "env".to_owned()];
        let tags = |key: &str, value: &str| BTreeMap::from([(key.to_owned(), value.to_owned())]);
        assert_eq!(
            environment_of(&tags("ENV", "Prod"), &keys).as_deref(),
            Some("production")
        );
        assert_eq!(
            environment_of(&tags("environment", "stg"), &keys).as_deref(),
            Some("staging")
        );
        assert_eq!(
            environment_of(&tags("env", "qa"), &keys).as_deref(),
            Some("qa")
        );
        assert_eq!(environment_of(&tags("Name", "prod"), &keys), None);
        assert_eq!(environment_of(&tags("env", " "), &keys), None);
    }
}
