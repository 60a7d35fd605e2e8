//! Data pillar (`ZT5xx`): encryption at rest and in transit, with keys the account controls.

use crate::snapshot::{ClassicLoadBalancer, Listener, LoadBalancer};
use crate::{Findings, Resource, Snapshot};

pub mod ebs_default_encryption_disabled;
pub mod ebs_volume_unencrypted;
pub mod kms_key_rotation_disabled;
pub mod load_balancer_certificate_not_from_acm;
pub mod load_balancer_http_not_redirected;
pub mod load_balancer_outdated_tls_policy;
pub mod rds_cluster_unencrypted;
pub mod rds_instance_unencrypted;
pub mod s3_account_public_access_block_off;
pub mod s3_bucket_allows_plain_http;
pub mod s3_bucket_public_access_block_off;
pub mod s3_bucket_without_sse_kms;

/// An ELBv2 load balancer whose listeners could be read, with its resource.
pub(crate) struct ReadListeners<'s> {
    pub balancer: &'s LoadBalancer,
    pub listeners: &'s [Listener],
    pub resource: Resource,
}

/// Every ELBv2 load balancer that `keep` selects and whose listeners could be read. Pushes an
/// ERROR finding for each region whose load balancers, and each selected load balancer whose
/// listeners, could not be read.
pub(crate) fn load_balancers_with_listeners<'s>(
    snapshot: &'s Snapshot,
    out: &mut Findings,
    keep: impl Fn(&LoadBalancer) -> bool,
) -> Vec<ReadListeners<'s>> {
    let mut read = Vec::new();
    for (region, data) in &snapshot.regions {
        let Some(balancers) = out.require("elasticloadbalancing", region, &data.elb.load_balancers)
        else {
            continue;
        };
        for balancer in balancers.iter().filter(|balancer| keep(balancer)) {
            let resource = out.resource_with_arn(
                &balancer.arn,
                region,
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
            );
            match balancer.listeners.as_result() {
                Ok(listeners) => read.push(ReadListeners {
                    balancer,
                    listeners,
                    resource,
                }),
                Err(error) => out.error(resource, error),
            }
        }
    }
    read
}

/// Every classic load balancer, with its resource; an ERROR finding for each region whose
/// classic load balancers could not be read.
pub(crate) fn classic_load_balancers<'s>(
    snapshot: &'s Snapshot,
    out: &mut Findings,
) -> Vec<(&'s ClassicLoadBalancer, Resource)> {
    let mut read = Vec::new();
    for (region, data) in &snapshot.regions {
        let Some(balancers) = out.require(
            "elasticloadbalancing",
            region,
            &data.elb.classic_load_balancers,
        ) else {
            continue;
        };
        for balancer in balancers {
            let resource = out.arn_resource(
                "elasticloadbalancing",
                region,
                &format!("loadbalancer/{}", balancer.name),
                "AWS::ElasticLoadBalancing::LoadBalancer",
            );
            read.push((balancer, resource));
        }
    }
    read
}
