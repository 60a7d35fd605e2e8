//! IAM: users, groups, roles and their trust policies, customer-managed policies, inline
//! policies and attachments (ZT101–ZT106, ZT115).
//!
//! - `aws_iam_policy` is a customer-managed policy; `aws_iam_role` (with its `inline_policy`
//!   blocks and `managed_policy_arns`), `aws_iam_user` and `aws_iam_group` are principals;
//!   `aws_iam_role_policy`, `aws_iam_user_policy` and `aws_iam_group_policy` are inline
//!   policies of the principal they name (by name, or by `configuration` reference);
//!   `aws_iam_*_policy_attachment` and `aws_iam_policy_attachment` attach managed policies.
//! - A document Terraform renders only at apply (a deferred `aws_iam_policy_document`, a
//!   `jsonencode` of an unknown) is unknown: at worst it allows everything, also through
//!   `NotAction`, and a trust policy lets anyone assume the role; at best it denies everything
//!   and the role is trusted by a service.
//! - A principal an inline policy or attachment names that the plan does not declare is left
//!   out: its other policies are not in the plan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;
use ztaudit_checks::findings::GLOBAL_REGION;
use ztaudit_checks::snapshot::{
    arn_account, Authorization, Group, InlinePolicy, ManagedPolicy, Role, User,
};
use ztaudit_checks::Collected;

use crate::mapping::Mapping;
use crate::plan::Planned;
use crate::values::{Case, Known, Node};

const TYPES: [&str; 11] = [
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_user",
    "aws_iam_group",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
];

/// The least secure policy an unknown document can be, for every identity check at once:
/// everything allowed (ZT101, ZT103), a service-wide wildcard (ZT104), `NotAction` (ZT105)
/// and the classic MFA guard that long-term keys slip past (ZT102).
pub const WORST_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","NotAction":"iam:PassRole","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
/// The most secure: nothing allowed.
pub const BEST_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
/// The least secure trust policy: anyone may assume the role.
pub const WORST_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
/// The most secure trust policy: a service of the account's own.
pub const BEST_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// A principal being built: its index in the authorization, by kind.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    User,
    Group,
    Role,
}

pub fn map(m: &mut Mapping<'_>) {
    if !m.declares(&TYPES) {
        return;
    }
    let mut auth = Authorization::default();
    let mut principals: Vec<(Kind, &Planned<'_>, usize)> = Vec::new();
    let partition = m.snapshot.partition.clone();
    let account = m.snapshot.account.clone();
    let arn = |planned: &Planned<'_>, service_path: &str| {
        principal_arn(&partition, &account, planned, service_path)
    };
    let name = |planned: &Planned<'_>| {
        planned
            .known_str("name")
            .unwrap_or(planned.address)
            .to_owned()
    };

    let policies: Vec<&Planned<'_>> = m.of_type("aws_iam_policy").collect();
    for planned in &policies {
        let document = document(m, planned, planned.values.get("policy"), "policy", false);
        let policy = ManagedPolicy {
            name: name(planned),
            arn: arn(planned, "policy"),
            aws_managed: false,
            attachment_count: 0,
            document,
        };
        m.register(planned, GLOBAL_REGION, &policy);
        auth.policies.push(policy);
    }
    for (kind, resource_type) in [
        (Kind::User, "aws_iam_user"),
        (Kind::Group, "aws_iam_group"),
        (Kind::Role, "aws_iam_role"),
    ] {
        let declared: Vec<&Planned<'_>> = m.of_type(resource_type).collect();
        for planned in declared {
            let index = match kind {
                Kind::User => {
                    let user = User {
                        name: name(planned),
                        arn: arn(planned, "user"),
                        inline_policies: Vec::new(),
                        attached_policies: Vec::new(),
                        groups: Vec::new(),
                        permissions_boundary: permissions_boundary(m, planned, &mut auth),
                    };
                    m.register(planned, GLOBAL_REGION, &user);
                    auth.users.push(user);
                    auth.users.len() - 1
                }
                Kind::Group => {
                    let group = Group {
                        name: name(planned),
                        arn: arn(planned, "group"),
                        inline_policies: Vec::new(),
                        attached_policies: Vec::new(),
                    };
                    m.register_id(planned, group.arn.clone());
                    auth.groups.push(group);
                    auth.groups.len() - 1
                }
                Kind::Role => {
                    let trust = document(
                        m,
                        planned,
                        planned.values.get("assume_role_policy"),
                        "assume_role_policy",
                        true,
                    );
                    let trust = trust_in_unknown_account(m, planned, trust);
                    let mut role = Role {
                        name: name(planned),
                        arn: arn(planned, "role"),
                        assume_role_policy: trust,
                        inline_policies: Vec::new(),
                        attached_policies: Vec::new(),
                        instance_profiles: Vec::new(),
                        permissions_boundary: permissions_boundary(m, planned, &mut auth),
                    };
                    if let Known::Value(blocks) = planned.values.get("inline_policy").items() {
                        for block in blocks {
                            let Some(policy_name) = block.get("name").known_str() else {
                                continue;
                            };
                            let label = format!("inline_policy {policy_name}");
                            let text = document(m, planned, block.get("policy"), &label, false);
                            role.inline_policies.push(InlinePolicy {
                                name: policy_name.to_owned(),
                                document: text,
                            });
                        }
                    }
                    role.attached_policies.extend(
                        planned
                            .values
                            .get("managed_policy_arns")
                            .known_strings()
                            .into_iter()
                            .map(str::to_owned),
                    );
                    m.register(planned, GLOBAL_REGION, &role);
                    auth.roles.push(role);
                    auth.roles.len() - 1
                }
            };
            principals.push((kind, planned, index));
        }
    }

    let index = Index::of(&principals, &auth);

    // Inline policies declared as resources of their own.
    for (kind, resource_type, key) in [
        (Kind::User, "aws_iam_user_policy", "user"),
        (Kind::Group, "aws_iam_group_policy", "group"),
        (Kind::Role, "aws_iam_role_policy", "role"),
    ] {
        let declared: Vec<&Planned<'_>> = m.of_type(resource_type).collect();
        for planned in declared {
            let Some(at) = principal(m, &index, kind, planned, key) else {
                continue;
            };
            let Some(&owner) = index.planned.get(&(kind, at)) else {
                continue;
            };
            let index = at;
            let policy_name = planned
                .known_str("name")
                .unwrap_or(planned.address)
                .to_owned();
            let label = format!("{}.policy", planned.address);
            let text = document(m, owner, planned.values.get("policy"), &label, false);
            let inline = InlinePolicy {
                name: policy_name,
                document: text,
            };
            let owner_arn = match kind {
                Kind::User => auth.users[index].arn.clone(),
                Kind::Group => auth.groups[index].arn.clone(),
                Kind::Role => auth.roles[index].arn.clone(),
            };
            // The inline policy's findings are reported against its own resource.
            m.register_id(planned, inline.id_within(&owner_arn));
            match kind {
                Kind::User => auth.users[index].inline_policies.push(inline),
                Kind::Group => auth.groups[index].inline_policies.push(inline),
                Kind::Role => auth.roles[index].inline_policies.push(inline),
            }
        }
    }
    for role in &auth.roles {
        register_inline_blocks(m, &index, role);
    }

    // Attachments.
    let mut attached: BTreeMap<String, i32> = BTreeMap::new();
    for (kind, resource_type, key) in [
        (Kind::User, "aws_iam_user_policy_attachment", "user"),
        (Kind::Group, "aws_iam_group_policy_attachment", "group"),
        (Kind::Role, "aws_iam_role_policy_attachment", "role"),
    ] {
        let declared: Vec<&Planned<'_>> = m.of_type(resource_type).collect();
        for planned in declared {
            let Some(policy_arn) = policy_arn(&index, m, planned) else {
                continue;
            };
            *attached.entry(policy_arn.clone()).or_default() += 1;
            if let Some(at) = principal(m, &index, kind, planned, key) {
                attach(&mut auth, kind, at, policy_arn);
            }
        }
    }
    let declared: Vec<&Planned<'_>> = m.of_type("aws_iam_policy_attachment").collect();
    for planned in declared {
        let Some(policy_arn) = policy_arn(&index, m, planned) else {
            continue;
        };
        for (kind, key) in [
            (Kind::User, "users"),
            (Kind::Group, "groups"),
            (Kind::Role, "roles"),
        ] {
            let names = planned.values.get(key).known_strings();
            for principal_name in names {
                *attached.entry(policy_arn.clone()).or_default() += 1;
                if let Some(at) = index.by_name(kind, principal_name) {
                    attach(&mut auth, kind, at, policy_arn.clone());
                }
            }
        }
    }
    stand_in_for_undeclared_policies(m, &principals, &mut auth);
    for policy in &mut auth.policies {
        policy.attachment_count = attached.get(&policy.arn).copied().unwrap_or(0);
    }
    // By name only, and stably: principals that share a name keep the order they were
    // registered in, which is how their findings find their addresses (`Origins::by_id`).
    auth.users.sort_by(|a, b| a.name.cmp(&b.name));
    auth.groups.sort_by(|a, b| a.name.cmp(&b.name));
    auth.roles.sort_by(|a, b| a.name.cmp(&b.name));
    auth.policies.sort_by(|a, b| a.name.cmp(&b.name));
    m.snapshot.global.iam.authorization = Collected::Ok(auth);
}

/// The ARN a planned role has, or will be given (what a Lambda function's `role` names).
pub(crate) fn role_arn(m: &Mapping<'_>, planned: &Planned<'_>) -> String {
    principal_arn(&m.snapshot.partition, &m.snapshot.account, planned, "role")
}

/// A planned principal's or policy's ARN: known, else
/// `arn:PARTITION:iam::ACCOUNT:{service_path}{path}{name}`.
fn principal_arn(
    partition: &str,
    account: &str,
    planned: &Planned<'_>,
    service_path: &str,
) -> String {
    planned
        .known_str("arn")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let path = planned.known_str("path").unwrap_or("/");
            let name = planned.known_str("name").unwrap_or(planned.address);
            format!("arn:{partition}:iam::{account}:{service_path}{path}{name}")
        })
}

/// The principals and policies, found by name, address and index in constant time: a plan of
/// thousands of principals joins each policy resource and attachment to its principal. Each
/// key finds the first principal that has it, as a search of the lists in order would.
struct Index<'p> {
    /// The planned principal of each kind and index in the authorization.
    planned: HashMap<(Kind, usize), &'p Planned<'p>>,
    by_address: HashMap<(Kind, &'p str), usize>,
    by_name: HashMap<(Kind, String), usize>,
    /// Roles by the name they will have (known, else their address).
    roles: HashMap<&'p str, &'p Planned<'p>>,
    policy_arns: HashMap<String, String>,
}

impl<'p> Index<'p> {
    fn of(principals: &[(Kind, &'p Planned<'p>, usize)], auth: &Authorization) -> Self {
        let mut index = Index {
            planned: HashMap::new(),
            by_address: HashMap::new(),
            by_name: HashMap::new(),
            roles: HashMap::new(),
            policy_arns: HashMap::new(),
        };
        for &(kind, planned, at) in principals {
            index.planned.entry((kind, at)).or_insert(planned);
            index
                .by_address
                .entry((kind, planned.address))
                .or_insert(at);
            if kind == Kind::Role {
                let role_name = planned.known_str("name").unwrap_or(planned.address);
                index.roles.entry(role_name).or_insert(planned);
            }
        }
        let names = [
            (
                Kind::User,
                auth.users.iter().map(|u| &u.name).collect::<Vec<_>>(),
            ),
            (Kind::Group, auth.groups.iter().map(|g| &g.name).collect()),
            (Kind::Role, auth.roles.iter().map(|r| &r.name).collect()),
        ];
        for (kind, list) in names {
            for (at, principal_name) in list.into_iter().enumerate() {
                index
                    .by_name
                    .entry((kind, principal_name.clone()))
                    .or_insert(at);
            }
        }
        for policy in &auth.policies {
            index
                .policy_arns
                .entry(policy.name.clone())
                .or_insert_with(|| policy.arn.clone());
        }
        index
    }

    fn by_name(&self, kind: Kind, principal_name: &str) -> Option<usize> {
        self.by_name
            .get(&(kind, principal_name.to_owned()))
            .copied()
    }
}

/// Inline policies declared as `inline_policy` blocks are reported against the role.
fn register_inline_blocks(m: &mut Mapping<'_>, index: &Index<'_>, role: &Role) {
    let Some(planned) = index.roles.get(role.name.as_str()) else {
        return;
    };
    for policy in &role.inline_policies {
        let id = policy.id_within(&role.arn);
        if !m.has_origin(&id) {
            m.register_id(planned, id);
        }
    }
}

/// The principal of `kind` that `planned`'s `key` names: by its known name, else by the
/// configuration reference.
fn principal(
    m: &Mapping<'_>,
    index: &Index<'_>,
    kind: Kind,
    planned: &Planned<'_>,
    key: &str,
) -> Option<usize> {
    if let Some(principal_name) = planned.known_str(key) {
        return index.by_name(kind, principal_name);
    }
    let resource_type = match kind {
        Kind::User => "aws_iam_user",
        Kind::Group => "aws_iam_group",
        Kind::Role => "aws_iam_role",
    };
    match m.referenced(planned, key, &[resource_type]).as_slice() {
        [one] => index.by_address.get(&(kind, one.address)).copied(),
        _ => None,
    }
}

fn attach(auth: &mut Authorization, kind: Kind, index: usize, policy_arn: String) {
    let list = match kind {
        Kind::User => &mut auth.users[index].attached_policies,
        Kind::Group => &mut auth.groups[index].attached_policies,
        Kind::Role => &mut auth.roles[index].attached_policies,
    };
    if !list.contains(&policy_arn) {
        list.push(policy_arn);
        list.sort();
    }
}

/// The ARN an attachment attaches: known, or that of the `aws_iam_policy` it references.
fn policy_arn(index: &Index<'_>, m: &Mapping<'_>, planned: &Planned<'_>) -> Option<String> {
    if let Some(arn) = planned.known_str("policy_arn") {
        return Some(arn.to_owned());
    }
    let [policy] = m.referenced(planned, "policy_arn", &["aws_iam_policy"])[..] else {
        return None;
    };
    let name = policy.known_str("name").unwrap_or(policy.address);
    index.policy_arns.get(name).cloned()
}

/// A policy document: its text, or in this case's place of an unknown one, the best or worst
/// document (recorded as unknown on `owner`).
fn document(
    m: &mut Mapping<'_>,
    owner: &Planned<'_>,
    node: Node<'_>,
    label: &str,
    trust: bool,
) -> String {
    let (best, worst) = if trust {
        (BEST_TRUST, WORST_TRUST)
    } else {
        (BEST_POLICY, WORST_POLICY)
    };
    let known = match node.str() {
        Known::Value(text) => Known::Value(text.unwrap_or(best)),
        Known::Unknown => Known::Unknown,
    };
    m.resolve(owner, label, known, best, worst).to_owned()
}

/// A trust policy in a plan that does not say which account it is for: whether an account the
/// policy trusts is the role's own is unknown until apply. In the best case every account it
/// names is the role's own (the snapshot's placeholder); in the worst case, as written, none
/// is. A policy that names no account, or a plan whose account is known, is left as it is.
fn trust_in_unknown_account(m: &mut Mapping<'_>, owner: &Planned<'_>, trust: String) -> String {
    if m.account_known {
        return trust;
    }
    let Ok(mut document) = serde_json::from_str::<Value>(&trust) else {
        return trust;
    };
    let own = m.snapshot.account.clone();
    let mut named = false;
    let statements = match document.get_mut("Statement") {
        Some(Value::Array(statements)) => statements.iter_mut().collect(),
        Some(statement) => vec![statement],
        None => Vec::new(),
    };
    for statement in statements {
        let Some(aws) = statement
            .get_mut("Principal")
            .and_then(|p| p.get_mut("AWS"))
        else {
            continue;
        };
        let principals: Vec<&mut Value> = match aws {
            Value::Array(items) => items.iter_mut().collect(),
            single => vec![single],
        };
        for principal in principals {
            let Some(text) = principal.as_str() else {
                continue;
            };
            if let Some(rewritten) = with_account(text, &own) {
                named = true;
                if m.case == Case::Best {
                    *principal = Value::String(rewritten);
                }
            }
        }
    }
    if !named {
        return trust;
    }
    m.unknown(
        owner,
        "whether the accounts its trust policy names are its own (the plan has no data.aws_caller_identity)",
    );
    match m.case {
        Case::Best => serde_json::to_string(&document).unwrap_or(trust),
        Case::Worst => trust,
    }
}

/// `principal` (an account id or an ARN naming one) with the account replaced by `own`;
/// `None` when it names no account other than `own`.
fn with_account(principal: &str, own: &str) -> Option<String> {
    let is_account = |text: &str| text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit());
    if is_account(principal) {
        return (principal != own).then(|| own.to_owned());
    }
    let account = arn_account(principal).filter(|account| is_account(account))?;
    if account == own {
        return None;
    }
    let mut parts: Vec<&str> = principal.split(':').collect();
    parts[4] = own;
    Some(parts.join(":"))
}

/// What an undeclared policy grants in [`Case::Best`]: nothing.
const GRANTS_NOTHING: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ztaudit:NothingGranted","Resource":"*"}]}"#;
/// What an undeclared policy grants in [`Case::Worst`]: everything.
const GRANTS_EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// Stands in for each managed policy a principal of the plan has attached (by
/// `managed_policy_arns` or an attachment) or set as its permissions boundary that the plan
/// does not declare: an AWS-managed policy such as `AmazonEKSClusterPolicy`, or one the
/// account already has. Its document is not in the plan, so it grants (or, as a boundary,
/// lets through) nothing in the best case and everything in the worst, and a
/// verdict on the principal that the policy could change is UNDECIDED, naming it; a verdict
/// it cannot change (a path through the declared policies alone) stands. Flagged AWS-managed,
/// so no check judges the stand-in itself as a policy of the account.
fn stand_in_for_undeclared_policies(
    m: &mut Mapping<'_>,
    principals: &[(Kind, &Planned<'_>, usize)],
    auth: &mut Authorization,
) {
    let declared: BTreeSet<String> = auth.policies.iter().map(|p| p.arn.clone()).collect();
    let mut undeclared = BTreeSet::new();
    for &(kind, planned, at) in principals {
        let (attached, boundary) = match kind {
            Kind::User => (
                &auth.users[at].attached_policies,
                &auth.users[at].permissions_boundary,
            ),
            Kind::Group => (&auth.groups[at].attached_policies, &Collected::Ok(None)),
            Kind::Role => (
                &auth.roles[at].attached_policies,
                &auth.roles[at].permissions_boundary,
            ),
        };
        let boundary = match boundary {
            Collected::Ok(Some(arn)) => Some(arn),
            _ => None,
        };
        let used = attached.iter().chain(boundary);
        for arn in used.filter(|arn| !declared.contains(*arn)) {
            m.unknown(
                planned,
                format!("the policy {arn} (not declared in the plan)"),
            );
            undeclared.insert(arn.clone());
        }
    }
    let document = match m.case {
        Case::Best => GRANTS_NOTHING,
        Case::Worst => GRANTS_EVERYTHING,
    };
    for arn in undeclared {
        auth.policies.push(ManagedPolicy {
            name: arn.rsplit('/').next().unwrap_or(&arn).to_owned(),
            arn,
            aws_managed: true,
            attachment_count: 0,
            document: document.to_owned(),
        });
    }
}

/// Stands in, in [`Case::Best`], for a permissions boundary known only after apply: it allows
/// nothing, the most a boundary can take away. AWS-managed by its ARN, so no check judges it
/// as a policy of the account.
const BOUNDARY_KNOWN_AFTER_APPLY: &str =
    "arn:aws:iam::aws:policy/ztaudit-boundary-known-after-apply";

/// The planned `permissions_boundary` of a user or role: its ARN, or none. Known only after
/// apply (the ARN of a policy the plan creates, say), it is none in the worst case and
/// [`BOUNDARY_KNOWN_AFTER_APPLY`] in the best, so a verdict the boundary could change is
/// UNDECIDED.
fn permissions_boundary(
    m: &mut Mapping<'_>,
    planned: &Planned<'_>,
    auth: &mut Authorization,
) -> Collected<Option<String>> {
    let known = match planned.values.get("permissions_boundary").str() {
        Known::Value(arn) => Known::Value(arn.filter(|arn| !arn.is_empty()).map(str::to_owned)),
        Known::Unknown => Known::Unknown,
    };
    let boundary = m.resolve(
        planned,
        "permissions_boundary",
        known,
        Some(BOUNDARY_KNOWN_AFTER_APPLY.to_owned()),
        None,
    );
    let stand_in = boundary.as_deref() == Some(BOUNDARY_KNOWN_AFTER_APPLY);
    if stand_in
        && !auth
            .policies
            .iter()
            .any(|p| p.arn == BOUNDARY_KNOWN_AFTER_APPLY)
    {
        auth.policies.push(ManagedPolicy {
            name: "ztaudit-boundary-known-after-apply".to_owned(),
            arn: BOUNDARY_KNOWN_AFTER_APPLY.to_owned(),
            aws_managed: true,
            attachment_count: 0,
            document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#
                .to_owned(),
        });
    }
    Collected::Ok(boundary)
}
