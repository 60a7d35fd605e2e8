//! Elastic Load Balancing: ELBv2 load balancers with their listeners, and classic load
//! balancers (whose listeners come with them), for [`ElbRegion`].

use aws_sdk_elasticloadbalancing as classic;
use aws_sdk_elasticloadbalancingv2 as elbv2;
use futures::future::join_all;
use ztaudit_checks::snapshot::{
    ClassicListener, ClassicLoadBalancer, ElbRegion, Listener, ListenerAction, LoadBalancer,
};
use ztaudit_checks::Collected;

use super::calls::RegionCalls;
use super::sorted;

const SERVICE: &str = "elasticloadbalancing";

pub async fn collect_region(
    v2: &elbv2::Client,
    classic: &classic::Client,
    calls: &RegionCalls,
) -> ElbRegion {
    let (load_balancers, classic_load_balancers) = tokio::join!(load_balancers(v2, calls), async {
        list_all!(
            calls,
            "DescribeLoadBalancers",
            classic.describe_load_balancers().page_size(400),
            classic_load_balancer
        )
    },);
    ElbRegion {
        load_balancers,
        classic_load_balancers,
    }
}

async fn load_balancers(
    client: &elbv2::Client,
    calls: &RegionCalls,
) -> Collected<Vec<LoadBalancer>> {
    let listed = calls
        .run(SERVICE, "DescribeLoadBalancers", || async {
            client
                .describe_load_balancers()
                .page_size(400)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await;
    let balancers = match listed {
        Collected::Ok(balancers) => balancers,
        Collected::Error(error) => return Collected::Error(error),
    };
    let mut balancers = join_all(balancers.iter().map(|balancer| async move {
        let arn = balancer.load_balancer_arn().unwrap_or_default().to_owned();
        let listeners = list_all!(
            calls,
            "DescribeListeners",
            client
                .describe_listeners()
                .load_balancer_arn(&arn)
                .page_size(400),
            listener
        );
        LoadBalancer {
            name: balancer.load_balancer_name().unwrap_or_default().to_owned(),
            kind: balancer
                .r#type()
                .map(|kind| kind.as_str().to_owned())
                .unwrap_or_default(),
            scheme: balancer
                .scheme()
                .map(|scheme| scheme.as_str().to_owned())
                .unwrap_or_default(),
            arn,
            listeners,
        }
    }))
    .await;
    balancers.sort_by(|a, b| a.arn.cmp(&b.arn));
    Collected::Ok(balancers)
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
