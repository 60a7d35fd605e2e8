//! Elastic Load Balancing: ELBv2 load balancers with their listeners, and classic load
//! balancers (whose listeners come with them), for [`ElbRegion`].

use aws_sdk_elasticloadbalancing as classic;
use aws_sdk_elasticloadbalancingv2 as elbv2;
use ztaudit_checks::snapshot::{
    ClassicListener, ClassicLoadBalancer, ElbRegion, Listener, ListenerAction, LoadBalancer,
};
use ztaudit_checks::Collected;

use super::calls::{get_each, RegionCalls};
use super::sorted;

const SERVICE: &str = "elasticloadbalancing";

pub async fn collect_region(
    v2: &elbv2::Client,
    classic: &classic::Client,
    calls: &RegionCalls,
) -> ElbRegion {
    let (load_balancers, classic_load_balancers) = tokio::join!(
        load_balancers(v2, calls),
        calls.list(
            SERVICE,
            "DescribeLoadBalancers",
            || {
                classic
                    .describe_load_balancers()
                    .page_size(400)
                    .into_paginator()
                    .items()
                    .send()
            },
            classic_load_balancer,
        ),
    );
    ElbRegion {
        load_balancers,
        classic_load_balancers,
    }
}

/// An ELBv2 load balancer as `DescribeLoadBalancers` lists it, before its listeners are read.
/// Ordered by ARN first, the order of the snapshot's list.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct ListedLoadBalancer {
    arn: String,
    name: String,
    kind: String,
    scheme: String,
}

async fn load_balancers(
    client: &elbv2::Client,
    calls: &RegionCalls,
) -> Collected<Vec<LoadBalancer>> {
    let listed = calls
        .list(
            SERVICE,
            "DescribeLoadBalancers",
            || {
                client
                    .describe_load_balancers()
                    .page_size(400)
                    .into_paginator()
                    .items()
                    .send()
            },
            |balancer| ListedLoadBalancer {
                arn: balancer.load_balancer_arn().unwrap_or_default().to_owned(),
                name: balancer.load_balancer_name().unwrap_or_default().to_owned(),
                kind: balancer
                    .r#type()
                    .map(|kind| kind.as_str().to_owned())
                    .unwrap_or_default(),
                scheme: balancer
                    .scheme()
                    .map(|scheme| scheme.as_str().to_owned())
                    .unwrap_or_default(),
            },
        )
        .await;
    get_each(listed, |balancer| async move {
        let listeners = calls
            .list(
                SERVICE,
                "DescribeListeners",
                || {
                    client
                        .describe_listeners()
                        .load_balancer_arn(&balancer.arn)
                        .page_size(400)
                        .into_paginator()
                        .items()
                        .send()
                },
                listener,
            )
            .await;
        LoadBalancer {
            arn: balancer.arn,
            name: balancer.name,
            kind: balancer.kind,
            scheme: balancer.scheme,
            listeners,
        }
    })
    .await
}

fn listener(listener: &elbv2::types::Listener) -> Listener {
    Listener {
        arn: listener.listener_arn().unwrap_or_default().to_owned(),
        port: listener.port().unwrap_or_default(),
        protocol: listener
            .protocol()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        ssl_policy: listener.ssl_policy().map(str::to_owned),
        certificate_arns: sorted(
            listener
                .certificates()
                .iter()
                .filter_map(|c| c.certificate_arn().map(str::to_owned))
                .collect(),
        ),
        default_actions: listener
            .default_actions()
            .iter()
            .map(|action| ListenerAction {
                kind: action
                    .r#type()
                    .map(|kind| kind.as_str().to_owned())
                    .unwrap_or_default(),
                redirect_protocol: action
                    .redirect_config()
                    .and_then(|redirect| redirect.protocol())
                    .map(str::to_owned),
            })
            .collect(),
    }
}

fn classic_load_balancer(
    balancer: &classic::types::LoadBalancerDescription,
) -> ClassicLoadBalancer {
    ClassicLoadBalancer {
        name: balancer.load_balancer_name().unwrap_or_default().to_owned(),
        scheme: balancer.scheme().unwrap_or_default().to_owned(),
        listeners: sorted(
            balancer
                .listener_descriptions()
                .iter()
                .filter_map(|description| description.listener())
                .map(|listener| ClassicListener {
                    protocol: listener.protocol().to_ascii_uppercase(),
                    port: listener.load_balancer_port(),
                    certificate_id: listener.ssl_certificate_id().map(str::to_owned),
                })
                .collect(),
        ),
    }
}
