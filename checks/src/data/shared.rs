//! What the data checks share; no check lives here: the load balancers whose listeners the TLS
//! checks judge.

use crate::snapshot::{ClassicLoadBalancer, Listener, LoadBalancer};
use crate::{Findings, Resource, Snapshot};

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
            let resource = out.resource(region, balancer);
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
            let resource = out.resource(region, balancer);
            read.push((balancer, resource));
        }
    }
    read
}
