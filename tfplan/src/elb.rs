//! Load balancers and their listeners (ZT510–ZT512).
//!
//! - `aws_lb` / `aws_alb` (ELBv2: `load_balancer_type` defaults to `application`; `internal`
//!   to false, internet-facing) with the `aws_lb_listener` / `aws_alb_listener` resources
//!   that name it by `load_balancer_arn` (its ARN, or the `configuration` reference), and the
//!   extra certificates of `aws_lb_listener_certificate`. A listener of a load balancer the
//!   plan does not declare is left out: the load balancer's other listeners are not in it.
//! - A listener's `protocol` defaults to `HTTP` on an application load balancer and `TCP`
//!   otherwise. An unknown TLS policy is the newest at best and `ELBSecurityPolicy-2016-08`
//!   (TLS 1.0) at worst, an unknown certificate one of ACM at best and of IAM at worst, an
//!   unknown default action a redirect to HTTPS at best and a forward at worst.
//! - `aws_elb` is a classic load balancer with its `listener` blocks.

use std::collections::BTreeMap;

use ztaudit_checks::snapshot::{
    ClassicListener, ClassicLoadBalancer, Listener, ListenerAction, LoadBalancer,
};
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::{Known, Node};

const BALANCER_TYPES: [&str; 2] = ["aws_lb", "aws_alb"];
const LISTENER_TYPES: [&str; 2] = ["aws_lb_listener", "aws_alb_listener"];
/// The TLS policies an unknown one stands for.
const NEWEST_TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const OLDEST_TLS_POLICY: &str = "ELBSecurityPolicy-2016-08";

pub fn map(m: &mut Mapping<'_>) {
    if m.declares(&BALANCER_TYPES) {
        map_balancers(m);
    }
    if m.declares(&["aws_elb"]) {
        map_classic(m);
    }
}

fn map_balancers(m: &mut Mapping<'_>) {
    let mut balancers: Vec<(&Planned<'_>, LoadBalancer, Vec<Listener>)> = Vec::new();
    let declared: Vec<&Planned<'_>> = BALANCER_TYPES.iter().flat_map(|t| m.of_type(t)).collect();
    for planned in declared {
        let region = planned.region;
        let name = planned
            .known_str("name")
            .unwrap_or(planned.address)
            .to_owned();
        let kind = planned
            .known_str("load_balancer_type")
            .unwrap_or("application")
            .to_owned();
        let internal = planned.values.get("internal");
        let internal = m.resolve_bool(planned, "internal", internal, false, true, false);
        let balancer = LoadBalancer {
            arn: m.arn_of(
                planned,
                "elasticloadbalancing",
                region,
                &format!("loadbalancer/{name}"),
            ),
            name,
            kind,
            scheme: if internal {
                "internal"
            } else {
                "internet-facing"
            }
            .to_owned(),
            listeners: Collected::Ok(Vec::new()),
        };
        balancers.push((planned, balancer, Vec::new()));
    }
    let declared: Vec<&Planned<'_>> = LISTENER_TYPES.iter().flat_map(|t| m.of_type(t)).collect();
    for listener in declared {
        let index = match listener.known_str("load_balancer_arn") {
            Some(arn) => balancers.iter().position(|(_, lb, _)| lb.arn == arn),
            None => match m
                .referenced(listener, "load_balancer_arn", &BALANCER_TYPES)
                .as_slice()
            {
                [one] => balancers
                    .iter()
                    .position(|(p, _, _)| p.address == one.address),
                _ => None,
            },
        };
        let Some(index) = index else {
            continue;
        };
        let (owner, balancer, _) = &balancers[index];
        let owner = *owner;
        let application = balancer.kind == "application";
        let made = map_listener(m, owner, listener, application);
        balancers[index].2.push(made);
    }
    add_listener_certificates(m, &mut balancers);

    let mut by_region: BTreeMap<String, Vec<LoadBalancer>> = BTreeMap::new();
    for (planned, mut balancer, mut listeners) in balancers {
        listeners.sort();
        balancer.listeners = Collected::Ok(listeners);
        let region = planned.region.to_owned();
        m.register(planned, &region, &balancer);
        by_region.entry(region).or_default().push(balancer);
    }
    for (region, mut list) in by_region {
        list.sort_by(|a, b| a.arn.cmp(&b.arn));
        m.region(&region).elb.load_balancers = Collected::Ok(list);
    }
}

/// One listener, in this case; what is unknown of it is recorded on the load balancer.
fn map_listener(
    m: &mut Mapping<'_>,
    owner: &Planned<'_>,
    listener: &Planned<'_>,
    application: bool,
) -> Listener {
    let label = |field: &str| format!("{}.{field}", listener.address);
    let values = listener.values;
    let protocol = match values.get("protocol").str() {
        Known::Value(Some(protocol)) => protocol.to_ascii_uppercase(),
        Known::Value(None) => if application { "HTTP" } else { "TCP" }.to_owned(),
        Known::Unknown => {
            m.unknown(owner, label("protocol"));
            m.case.pick("HTTPS", "HTTP").to_owned()
        }
    };
    let port = match values.get("port").i64() {
        Known::Value(port) => port.and_then(|p| i32::try_from(p).ok()).unwrap_or(0),
        Known::Unknown => 0,
    };
    let tls = protocol == "HTTPS" || protocol == "TLS";
    let ssl_policy = match values.get("ssl_policy").str() {
        Known::Value(policy) => policy.filter(|p| !p.is_empty()).map(str::to_owned),
        Known::Unknown if tls => {
            m.unknown(owner, label("ssl_policy"));
            Some(m.case.pick(NEWEST_TLS_POLICY, OLDEST_TLS_POLICY).to_owned())
        }
        Known::Unknown => None,
    };
    let mut certificate_arns = Vec::new();
    match values.get("certificate_arn").str() {
        Known::Value(Some(arn)) if !arn.is_empty() => certificate_arns.push(arn.to_owned()),
        Known::Value(_) => {}
        Known::Unknown => certificate_arns.push(certificate_of(m, owner, listener)),
    }
    let default_actions = match values.get("default_action").items() {
        Known::Value(actions) => actions
            .into_iter()
            .map(|action| listener_action(m, owner, &label("default_action"), action))
            .collect(),
        Known::Unknown => {
            m.unknown(owner, label("default_action"));
            vec![m.case.pick(redirect_to_https(), forward())]
        }
    };
    Listener {
        arn: listener
            .known_str("arn")
            .unwrap_or(listener.address)
            .to_owned(),
        port,
        protocol,
        ssl_policy,
        certificate_arns,
        default_actions,
    }
}

fn listener_action(
    m: &mut Mapping<'_>,
    owner: &Planned<'_>,
    label: &str,
    action: Node<'_>,
) -> ListenerAction {
    let kind = match action.get("type").str() {
        Known::Value(kind) => kind.unwrap_or("forward").to_owned(),
        Known::Unknown => {
            m.unknown(owner, label);
            return m.case.pick(redirect_to_https(), forward());
        }
    };
    let redirect_protocol = match action.get("redirect").items() {
        Known::Value(redirects) => match redirects.first().map(|r| r.get("protocol").str()) {
            Some(Known::Value(protocol)) => protocol.map(str::to_owned),
            Some(Known::Unknown) => {
                m.unknown(owner, label);
                Some(m.case.pick("HTTPS", "HTTP").to_owned())
            }
            None => None,
        },
        Known::Unknown => {
            m.unknown(owner, label);
            (kind == "redirect").then(|| m.case.pick("HTTPS", "HTTP").to_owned())
        }
    };
    ListenerAction {
        kind,
        // A redirect that names no protocol keeps the request's (`#{protocol}`).
        redirect_protocol,
    }
}

fn redirect_to_https() -> ListenerAction {
    ListenerAction {
        kind: "redirect".to_owned(),
        redirect_protocol: Some("HTTPS".to_owned()),
    }
}

fn forward() -> ListenerAction {
    ListenerAction {
        kind: "forward".to_owned(),
        redirect_protocol: None,
    }
}

/// The certificate of a listener whose `certificate_arn` is known only after apply: one of
/// ACM when it refers to an `aws_acm_certificate` of the plan, else unknown.
fn certificate_of(m: &mut Mapping<'_>, owner: &Planned<'_>, listener: &Planned<'_>) -> String {
    let issued = m.referenced(listener, "certificate_arn", &["aws_acm_certificate"]);
    if let Some(certificate) = issued.first() {
        let region = certificate.region;
        let (partition, account) = (&m.snapshot.partition, &m.snapshot.account);
        return format!(
            "arn:{partition}:acm:{region}:{account}:certificate/{}",
            certificate.address
        );
    }
    m.unknown(owner, format!("{}.certificate_arn", listener.address));
    unknown_certificate(m, listener.region)
}

/// A certificate known only after apply: of ACM at best, of IAM at worst.
fn unknown_certificate(m: &Mapping<'_>, region: &str) -> String {
    let (partition, account) = (&m.snapshot.partition, &m.snapshot.account);
    m.case.pick(
        format!("arn:{partition}:acm:{region}:{account}:certificate/known-after-apply"),
        format!("arn:{partition}:iam::{account}:server-certificate/known-after-apply"),
    )
}

/// `aws_lb_listener_certificate`: one more certificate of a listener.
fn add_listener_certificates(
    m: &mut Mapping<'_>,
    balancers: &mut [(&Planned<'_>, LoadBalancer, Vec<Listener>)],
) {
    let declared: Vec<&Planned<'_>> = m.of_type("aws_lb_listener_certificate").collect();
    for extra in declared {
        let listener_address = match extra.known_str("listener_arn") {
            Some(arn) => Some(arn.to_owned()),
            None => match m
                .referenced(extra, "listener_arn", &LISTENER_TYPES)
                .as_slice()
            {
                [one] => Some(one.known_str("arn").unwrap_or(one.address).to_owned()),
                _ => None,
            },
        };
        let Some(listener_arn) = listener_address else {
            continue;
        };
        let certificate = match extra.values.get("certificate_arn").str() {
            Known::Value(Some(arn)) => Some(arn.to_owned()),
            Known::Value(None) => None,
            Known::Unknown => Some(unknown_certificate(m, extra.region)),
        };
        for (owner, _, listeners) in balancers.iter_mut() {
            for listener in listeners.iter_mut().filter(|l| l.arn == listener_arn) {
                if certificate.is_some() && extra.values.get("certificate_arn").is_unknown() {
                    m.unknown(owner, format!("{}.certificate_arn", extra.address));
                }
                listener.certificate_arns.extend(certificate.clone());
            }
        }
    }
}

fn map_classic(m: &mut Mapping<'_>) {
    let mut by_region: BTreeMap<String, Vec<ClassicLoadBalancer>> = BTreeMap::new();
    let declared: Vec<&Planned<'_>> = m.of_type("aws_elb").collect();
    for planned in declared {
        let internal = planned.values.get("internal");
        let internal = m.resolve_bool(planned, "internal", internal, false, true, false);
        let mut listeners = Vec::new();
        match planned.values.get("listener").items() {
            Known::Value(blocks) => {
                for block in blocks {
                    let protocol = match block.get("lb_protocol").str() {
                        Known::Value(protocol) => protocol.unwrap_or("HTTP").to_ascii_uppercase(),
                        Known::Unknown => {
                            m.unknown(planned, "listener.lb_protocol");
                            m.case.pick("HTTPS", "HTTP").to_owned()
                        }
                    };
                    let certificate_id = match block.get("ssl_certificate_id").str() {
                        Known::Value(id) => id.filter(|id| !id.is_empty()).map(str::to_owned),
                        Known::Unknown => {
                            m.unknown(planned, "listener.ssl_certificate_id");
                            Some(unknown_certificate(m, planned.region))
                        }
                    };
                    listeners.push(ClassicListener {
                        protocol,
                        port: block
                            .get("lb_port")
                            .i64()
                            .or(None)
                            .and_then(|p| i32::try_from(p).ok())
                            .unwrap_or(0),
                        certificate_id,
                    });
                }
            }
            Known::Unknown => {
                m.unknown(planned, "listener");
                if m.case == crate::values::Case::Worst {
                    listeners.push(ClassicListener {
                        protocol: "HTTP".to_owned(),
                        port: 80,
                        certificate_id: None,
                    });
                }
            }
        }
        listeners.sort();
        let balancer = ClassicLoadBalancer {
            name: planned
                .known_str("name")
                .unwrap_or(planned.address)
                .to_owned(),
            scheme: if internal {
                "internal"
            } else {
                "internet-facing"
            }
            .to_owned(),
            listeners,
        };
        let region = planned.region.to_owned();
        m.register(planned, &region, &balancer);
        by_region.entry(region).or_default().push(balancer);
    }
    for (region, mut list) in by_region {
        list.sort_by(|a, b| a.name.cmp(&b.name));
        m.region(&region).elb.classic_load_balancers = Collected::Ok(list);
    }
}
