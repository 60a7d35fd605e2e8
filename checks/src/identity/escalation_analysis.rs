//! Privilege-escalation analysis: for every user and role of an account, whether it can raise
//! its own privileges by a known method ([`escalation_methods`]), decided with the policy
//! engine against the concrete target each method needs. ZT117 reports it; the corpus
//! (`fixtures/escalation/`) and the benchmark call [`analyse`] directly.
//!
//! ## How one step is decided
//! A step is one request (`iam:CreateAccessKey` on `arn:aws:iam::1:user/admin`), evaluated as
//! AWS would: the principal's identity policies (inline and managed, its groups' included),
//! then its permissions boundary, then each level of service control policies, every one of
//! which must allow it ([`OpenDecision::and`]). The request carries what the scan knows of the
//! principal — `aws:username` (users), `aws:PrincipalArn`, `aws:PrincipalAccount`,
//! `aws:PrincipalType`, and `iam:PassedToService` on a `iam:PassRole` step — so policy
//! variables such as `${aws:username}` are substituted. Every other condition key (MFA, source
//! IP, tags…) is left open by [`evaluate_open`]: a step allowed only for some of its values
//! makes the path *conditional*, naming the keys; it is never silently allowed or denied.
//!
//! ## "More privileged"
//! Privileges are compared on a fixed list of *privileged actions*: the sensitive-action
//! catalogue (the same one ZT101 uses, with the user's additions) and every action a method
//! needs. For each principal the analysis records which of them its effective permissions
//! (identity ∧ boundary ∧ SCPs) allow on every resource (`*`) whatever the open keys, and
//! which it *lacks*: denied on `*` whatever the open keys, and named by no `Allow` of its
//! policies (or of its boundary), so denied on every resource. A method *gains* the actions
//! that the principal would then be allowed and now lacks:
//! - writing its own policy (`any-permission`): whatever its permissions boundary and the SCPs
//!   allow (everything when it has no boundary);
//! - becoming another principal (`target`): what that user or role is allowed, or what a group
//!   allows within the principal's own boundary;
//! - so a target is more privileged exactly when it holds some privileged action, without
//!   condition, that the principal lacks. A principal allowed every privileged action the
//!   SCPs leave to the account is an administrator: ZT103 and ZT101 speak about it, and it is
//!   not analysed here.
//!
//! Both sides are decided soundly: an action counts as gained only when the target surely has
//! it and the principal surely lacks it, so a reported gain is true. What this misses is
//! documented in ZT117: service actions allowed only on narrower resources than the method
//! names, and identity permission granted by a trust policy alone. Lambda functions are read
//! per region; where they could not be, a principal that may update a function's code gets
//! no PASS.

use std::collections::{BTreeSet, HashMap};

use ztaudit_policy::{
    evaluate_open, Catalogue, Effect, OpenDecision, PolicyDocument, Principal, PrincipalElement,
    PrincipalKind as TrustPrincipalKind, Request, RequestContext,
};

use super::escalation_methods::{escalation_methods, GainKind, TargetKind};
pub use super::escalation_methods::{EscalationMethod, PrincipalKind};
use crate::snapshot::{Authorization, Collected, InlinePolicy};

/// What the analysis reads besides the IAM data.
pub struct AnalysisInput<'a> {
    pub authorization: &'a Authorization,
    pub partition: &'a str,
    pub account: &'a str,
    /// The SCPs of each level from the organization root to the account; empty when none
    /// apply (no organization, the management account, or SCPs not enabled).
    pub scp_levels: &'a [Vec<PolicyDocument>],
    /// The sensitive-action catalogue; with the methods' actions, the privileged actions.
    pub catalogue: &'a Catalogue,
    /// The account's Lambda functions as `(function ARN, execution role ARN)`, every region.
    pub functions: &'a [(&'a str, &'a str)],
    /// Why the functions of some region could not be read, when they could not: a principal
    /// that may update a function's code then gets no PASS it cannot prove.
    pub functions_unread: Option<&'a str>,
}

/// The verdict on one user or role.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalOutcome<'a> {
    pub kind: PrincipalKind,
    pub name: &'a str,
    pub arn: &'a str,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Allowed every privileged action already (every one the SCPs leave to the account).
    Administrator,
    /// No method applies; `methods` were tried.
    NoPath { methods: usize },
    /// At least one path, definite ones first.
    Escalates(Vec<EscalationPath>),
    /// Its policies could not be read: why.
    Unevaluable(String),
}

/// One way up: the method, its target, each request it makes, and what it gains.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationPath {
    pub method: &'static EscalationMethod,
    /// For messages: `user admin`, `policy dev-tools`, `role deploy`.
    pub target: String,
    /// `(action, resource)` of each step, in order.
    pub steps: Vec<(String, String)>,
    pub gain: Gain,
    /// Condition keys (lowercased) that decide whether a step, or the target's trust policy,
    /// allows it; empty when nothing is open.
    pub open_keys: BTreeSet<String>,
}

impl EscalationPath {
    /// Whether the path may hold but is not proven to.
    pub fn is_conditional(&self) -> bool {
        !self.open_keys.is_empty() || self.gain == Gain::OtherPolicyVersions
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Gain {
    /// Every privileged action.
    Administrator,
    /// These privileged actions, which the principal is denied now.
    Actions(Vec<String>),
    /// Whatever another version of the policy grants (not read).
    OtherPolicyVersions,
}

/// Analyses every user and role of the account, in snapshot order (users, then roles).
pub fn analyse<'a>(input: &AnalysisInput<'a>) -> Vec<PrincipalOutcome<'a>> {
    let methods = escalation_methods();
    let probes = Probes::new(input.catalogue, methods);
    let documents = parse_documents(input.authorization);
    let account = Account::prepare(input, &documents, &probes);
    let authorization = input.authorization;
    let names = authorization
        .users
        .iter()
        .map(|user| (PrincipalKind::User, &user.name, &user.arn))
        .chain(
            authorization
                .roles
                .iter()
                .map(|role| (PrincipalKind::Role, &role.name, &role.arn)),
        );
    names
        .enumerate()
        .map(|(index, (kind, name, arn))| PrincipalOutcome {
            kind,
            name,
            arn,
            verdict: account.verdict(index, methods, &probes),
        })
        .collect()
}

/// How many of the privileged actions `boundary` allows on every resource whatever the open
/// condition keys, and how many there are: what a permissions boundary leaves of an
/// administrator policy, for the messages of the policy checks.
pub fn privileged_actions_allowed_by(
    boundary: &PolicyDocument,
    catalogue: &Catalogue,
) -> (usize, usize) {
    let probes = Probes::new(catalogue, escalation_methods());
    let allowed = probe_set(&probes, |request| {
        evaluate_open(&[boundary], request, &[PASSED_TO_SERVICE])
    });
    (allowed.indices(probes.len()).count(), probes.len())
}

/// The privileged actions: lowercased (what requests are made with), sorted, unique, each
/// with its name as the catalogue or the method spells it (what messages show).
struct Probes {
    lowercase: Vec<String>,
    display: Vec<String>,
}

impl Probes {
    fn new(catalogue: &Catalogue, methods: &[EscalationMethod]) -> Probes {
        let mut actions: Vec<(String, String)> = catalogue
            .actions()
            .iter()
            .map(|action| action.name.as_str())
            .chain(
                methods
                    .iter()
                    .flat_map(|method| method.steps.iter().map(|step| step.action.as_str())),
            )
            .map(|name| (name.to_lowercase(), name.to_owned()))
            .collect();
        actions.sort();
        actions.dedup_by(|a, b| a.0 == b.0);
        let (lowercase, display) = actions.into_iter().unzip();
        Probes { lowercase, display }
    }

    fn len(&self) -> usize {
        self.lowercase.len()
    }
}

/// A set of privileged actions, by their index in the probe list.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ActionSet(Vec<u64>);

impl ActionSet {
    fn empty(len: usize) -> ActionSet {
        ActionSet(vec![0; len.div_ceil(64)])
    }

    fn full(len: usize) -> ActionSet {
        let mut set = ActionSet::empty(len);
        (0..len).for_each(|index| set.insert(index));
        set
    }

    fn insert(&mut self, index: usize) {
        self.0[index / 64] |= 1 << (index % 64);
    }

    fn contains(&self, index: usize) -> bool {
        self.0[index / 64] & (1 << (index % 64)) != 0
    }

    fn and(&self, other: &ActionSet) -> ActionSet {
        ActionSet(self.0.iter().zip(&other.0).map(|(a, b)| a & b).collect())
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }

    fn indices(&self, len: usize) -> impl Iterator<Item = usize> + '_ {
        (0..len).filter(|index| self.contains(*index))
    }
}

/// One user or role with everything its requests are judged by.
struct Analysed<'a> {
    kind: PrincipalKind,
    name: &'a str,
    arn: &'a str,
    /// Its identity policies: its own, and (users) its groups'.
    identity: Vec<&'a PolicyDocument>,
    boundary: Option<&'a PolicyDocument>,
    /// Why it cannot be analysed, when it cannot.
    unreadable: Option<String>,
    context: RequestContext,
    /// Groups it belongs to (indices into [`Account::groups`]).
    groups: Vec<usize>,
    /// Customer-managed policies attached to it or its groups: (ARN, name).
    attached: Vec<(&'a str, &'a str)>,
    /// Roles only: the trust policy, and whether it has an instance profile.
    trust: Option<&'a PolicyDocument>,
    instance_profile: bool,
    privileges: Privileges,
}

/// A principal's privileged actions on `*`.
struct Privileges {
    /// Allowed by identity ∧ boundary ∧ SCPs, whatever the open keys.
    allowed: ActionSet,
    /// Denied by them whatever the open keys, and on no other resource either: no `Allow` of
    /// its policies (or of its boundary) names the action.
    denied: ActionSet,
    /// Allowed by the boundary and the SCPs alone: the most it could ever hold.
    ceiling: ActionSet,
    /// Allowed by the SCPs alone: what an administrator of the account holds.
    account_ceiling: ActionSet,
}

impl Privileges {
    fn none(len: usize) -> Privileges {
        Privileges {
            allowed: ActionSet::empty(len),
            denied: ActionSet::empty(len),
            ceiling: ActionSet::empty(len),
            account_ceiling: ActionSet::empty(len),
        }
    }

    /// Holding every privileged action the SCPs leave to the account: an administrator
    /// (with no SCP, every privileged action).
    fn is_administrator(&self) -> bool {
        self.allowed == self.account_ceiling
    }
}

struct AnalysedGroup<'a> {
    name: &'a str,
    arn: &'a str,
    /// Privileged actions its policies allow on `*` whatever the open keys (members' own
    /// boundaries and the SCPs still apply).
    allowed: ActionSet,
}

/// Parsed documents, owned here so that every principal can borrow them.
struct Documents {
    managed: HashMap<String, Result<PolicyDocument, String>>,
    /// Inline documents by owner ARN.
    inline: HashMap<String, Vec<Result<PolicyDocument, String>>>,
    trust: HashMap<String, Result<PolicyDocument, String>>,
}

struct Account<'a> {
    principals: Vec<Analysed<'a>>,
    groups: Vec<AnalysedGroup<'a>>,
    input: &'a AnalysisInput<'a>,
    /// Every privileged action: an administrator's set.
    everything: ActionSet,
}

/// Keys a role's request surely lacks.
const ROLE_ABSENT_KEYS: &[&str] = &["aws:username"];
const PASSED_TO_SERVICE: &str = "iam:passedtoservice";
const PASS_ROLE: &str = "iam:passrole";
const ASSUME_ROLE: &str = "sts:assumerole";
const UPDATE_FUNCTION_CODE: &str = "lambda:updatefunctioncode";

impl<'a> Account<'a> {
    fn prepare(
        input: &'a AnalysisInput<'a>,
        documents: &'a Documents,
        probes: &Probes,
    ) -> Account<'a> {
        let authorization = input.authorization;
        let groups_by_name: HashMap<&str, usize> = authorization
            .groups
            .iter()
            .enumerate()
            .map(|(index, group)| (group.name.as_str(), index))
            .collect();
        let groups = authorization
            .groups
            .iter()
            .map(|group| {
                let identity = owned_documents(documents, &group.arn, &group.attached_policies)
                    .unwrap_or_default();
                AnalysedGroup {
                    name: &group.name,
                    arn: &group.arn,
                    allowed: probe_set(probes, |request| {
                        evaluate_open(&identity, request, &[PASSED_TO_SERVICE])
                    }),
                }
            })
            .collect();
        let mut principals = Vec::new();
        for user in &authorization.users {
            let member_of: Vec<usize> = user
                .groups
                .iter()
                .filter_map(|name| groups_by_name.get(name.as_str()).copied())
                .collect();
            let mut attached_arns: Vec<&str> =
                user.attached_policies.iter().map(String::as_str).collect();
            let mut identity = owned_documents(documents, &user.arn, &user.attached_policies);
            for &group in &member_of {
                let group = &authorization.groups[group];
                attached_arns.extend(group.attached_policies.iter().map(String::as_str));
                identity = identity.and_then(|mut docs| {
                    docs.extend(owned_documents(
                        documents,
                        &group.arn,
                        &group.attached_policies,
                    )?);
                    Ok(docs)
                });
            }
            let mut context = principal_context(input, &user.arn, "User");
            context.insert("aws:username", user.name.as_str());
            principals.push(Analysed::new(
                input,
                probes,
                PrincipalKind::User,
                (&user.name, &user.arn),
                identity,
                boundary(documents, &user.permissions_boundary),
                context,
                member_of,
                customer_managed(authorization, &attached_arns),
                None,
                false,
            ));
        }
        for role in &authorization.roles {
            let identity = owned_documents(documents, &role.arn, &role.attached_policies);
            let attached_arns: Vec<&str> =
                role.attached_policies.iter().map(String::as_str).collect();
            let trust = documents.trust.get(&role.arn).and_then(|t| t.as_ref().ok());
            principals.push(Analysed::new(
                input,
                probes,
                PrincipalKind::Role,
                (&role.name, &role.arn),
                identity,
                boundary(documents, &role.permissions_boundary),
                principal_context(input, &role.arn, "AssumedRole"),
                Vec::new(),
                customer_managed(authorization, &attached_arns),
                trust,
                !role.instance_profiles.is_empty(),
            ));
        }
        Account {
            principals,
            groups,
            input,
            everything: ActionSet::full(probes.len()),
        }
    }

    fn verdict(
        &self,
        index: usize,
        methods: &'static [EscalationMethod],
        probes: &Probes,
    ) -> Verdict {
        let principal = &self.principals[index];
        if let Some(reason) = &principal.unreadable {
            return Verdict::Unevaluable(reason.clone());
        }
        if principal.privileges.is_administrator() {
            return Verdict::Administrator;
        }
        let mut paths = Vec::new();
        for method in methods
            .iter()
            .filter(|method| method.principals.contains(&principal.kind))
        {
            if !method
                .steps
                .iter()
                .all(|step| principal.may_allow(&step.action.to_lowercase()))
            {
                continue;
            }
            let mut conditional = None;
            for target in self.targets(index, method) {
                let Some(path) = self.try_path(index, method, &target, probes) else {
                    continue;
                };
                if path.is_conditional() {
                    conditional.get_or_insert(path);
                } else {
                    paths.push(path);
                    conditional = None;
                    break;
                }
            }
            paths.extend(conditional);
        }
        if paths.is_empty() {
            if let Some(unread) = self.input.functions_unread {
                if self.may_update_some_function(principal) {
                    return Verdict::Unevaluable(format!(
                        "may update the code of Lambda functions that could not be read ({unread}), so a path through them is not ruled out"
                    ));
                }
            }
            let methods = methods
                .iter()
                .filter(|method| method.principals.contains(&principal.kind))
                .count();
            return Verdict::NoPath { methods };
        }
        paths.sort_by_key(EscalationPath::is_conditional);
        Verdict::Escalates(paths)
    }

    /// The concrete targets of `method` for principal `index`.
    fn targets(&self, index: usize, method: &EscalationMethod) -> Vec<Target<'a>> {
        let principal = &self.principals[index];
        let roles = || {
            self.principals
                .iter()
                .enumerate()
                .filter(move |(other, role)| {
                    *other != index
                        && role.kind == PrincipalKind::Role
                        && !is_service_linked(role.arn)
                })
                .map(|(other, _)| other)
        };
        match method.target {
            TargetKind::Itself => vec![Target::Principal(index)],
            TargetKind::OwnGroup => principal.groups.iter().map(|&g| Target::Group(g)).collect(),
            TargetKind::OtherGroup => (0..self.groups.len())
                .filter(|group| !principal.groups.contains(group))
                .map(Target::Group)
                .collect(),
            TargetKind::AttachedPolicy => principal
                .attached
                .iter()
                .map(|&(arn, name)| Target::Policy { arn, name })
                .collect(),
            TargetKind::OtherUser => self
                .principals
                .iter()
                .enumerate()
                .filter(|(other, user)| *other != index && user.kind == PrincipalKind::User)
                .map(|(other, _)| Target::Principal(other))
                .collect(),
            TargetKind::AnyRole | TargetKind::AssumableRole => {
                roles().map(Target::Principal).collect()
            }
            TargetKind::PassableRole => roles()
                .filter(|&role| !method.instance_profile || self.principals[role].instance_profile)
                .map(Target::Principal)
                .collect(),
            TargetKind::FunctionRole => self
                .input
                .functions
                .iter()
                .filter_map(|&(arn, role_arn)| {
                    let role = self
                        .principals
                        .iter()
                        .position(|p| p.kind == PrincipalKind::Role && p.arn == role_arn)?;
                    (role != index).then_some(Target::Function { arn, role })
                })
                .collect(),
        }
    }

    /// Whether `principal` is not denied `lambda:UpdateFunctionCode` on every function of the
    /// account: what matters when some functions could not be read.
    fn may_update_some_function(&self, principal: &Analysed<'_>) -> bool {
        let any_function = format!(
            "arn:{}:lambda:*:{}:function:*",
            self.input.partition, self.input.account
        );
        self.decide(principal, UPDATE_FUNCTION_CODE, &any_function, None) != OpenDecision::Denied
    }

    /// The path through `target`, when the principal is not denied a step and gains something.
    fn try_path(
        &self,
        index: usize,
        method: &'static EscalationMethod,
        target: &Target<'a>,
        probes: &Probes,
    ) -> Option<EscalationPath> {
        let principal = &self.principals[index];
        let gain = self.gain(index, method, target, probes)?;
        let mut open_keys = BTreeSet::new();
        match (method.target, target) {
            (TargetKind::AssumableRole, Target::Principal(role)) => {
                let trust = self.principals[*role].trust?;
                open_keys.extend(trust_admits(
                    trust,
                    &TrustedBy::Principal {
                        arn: principal.arn,
                        account: self.input.account,
                        partition: self.input.partition,
                    },
                )?);
            }
            (TargetKind::PassableRole, Target::Principal(role)) => {
                let service = method.passed_to_service.as_deref()?;
                let trust = self.principals[*role].trust?;
                open_keys.extend(trust_admits(trust, &TrustedBy::Service(service))?);
            }
            _ => {}
        }
        let target_arn = self.target_arn(target);
        let mut steps = Vec::with_capacity(method.steps.len());
        for step in &method.steps {
            let resource = step.resource_in(self.input.partition, self.input.account, target_arn);
            let action = step.action.to_lowercase();
            let passed_to = (action == PASS_ROLE)
                .then_some(method.passed_to_service.as_deref())
                .flatten();
            match self.decide(principal, &action, &resource, passed_to) {
                OpenDecision::Denied => return None,
                OpenDecision::Allowed { .. } => {}
                OpenDecision::Conditional { keys } => open_keys.extend(keys),
            }
            steps.push((step.action.clone(), resource));
        }
        Some(EscalationPath {
            method,
            target: self.target_label(target),
            steps,
            gain,
            open_keys,
        })
    }

    /// What the principal gains through `target`, or `None` when nothing.
    fn gain(
        &self,
        index: usize,
        method: &EscalationMethod,
        target: &Target,
        probes: &Probes,
    ) -> Option<Gain> {
        let principal = &self.principals[index];
        let after = match (method.gains, target) {
            (GainKind::PolicyVersions, _) => return Some(Gain::OtherPolicyVersions),
            (GainKind::AnyPermission, Target::Principal(role)) if *role != index => {
                self.principals[*role].privileges.ceiling.clone()
            }
            (GainKind::AnyPermission, _) => principal.privileges.ceiling.clone(),
            (GainKind::Target, Target::Principal(other)) => {
                self.principals[*other].privileges.allowed.clone()
            }
            (GainKind::Target, Target::Function { role, .. }) => {
                self.principals[*role].privileges.allowed.clone()
            }
            (GainKind::Target, Target::Group(group)) => self.groups[*group]
                .allowed
                .and(&principal.privileges.ceiling),
            (GainKind::Target, Target::Policy { .. }) => return None,
        };
        let gained = after.and(&principal.privileges.denied);
        if gained.is_empty() {
            return None;
        }
        if after == self.everything {
            return Some(Gain::Administrator);
        }
        Some(Gain::Actions(
            gained
                .indices(probes.len())
                .map(|i| probes.display[i].clone())
                .collect(),
        ))
    }

    fn target_arn(&self, target: &Target<'a>) -> &'a str {
        match target {
            Target::Principal(index) => self.principals[*index].arn,
            Target::Group(index) => self.groups[*index].arn,
            Target::Policy { arn, .. } => arn,
            Target::Function { arn, .. } => arn,
        }
    }

    fn target_label(&self, target: &Target) -> String {
        match target {
            Target::Principal(index) => {
                let other = &self.principals[*index];
                format!("{} {}", other.kind.as_str(), other.name)
            }
            Target::Group(index) => format!("group {}", self.groups[*index].name),
            Target::Policy { name, .. } => format!("policy {name}"),
            Target::Function { arn, role } => format!(
                "lambda function {} (role {})",
                arn.rsplit(':').next().unwrap_or(arn),
                self.principals[*role].name
            ),
        }
    }

    /// One request of `principal`, through identity policies, boundary and SCPs.
    fn decide(
        &self,
        principal: &Analysed<'_>,
        lowercase_action: &str,
        resource: &str,
        passed_to_service: Option<&str>,
    ) -> OpenDecision {
        let mut request = Request::new(lowercase_action, resource);
        request.context = principal.context.clone();
        if let Some(service) = passed_to_service {
            request.context.insert(PASSED_TO_SERVICE, service);
        }
        let absent = principal.absent_keys(lowercase_action);
        judge(
            Some(&principal.identity),
            principal.boundary,
            self.input.scp_levels,
            &request,
            &absent,
        )
    }
}

/// What a method acts on.
enum Target<'a> {
    /// A user or a role (index into [`Account::principals`]).
    Principal(usize),
    Group(usize),
    Policy {
        arn: &'a str,
        name: &'a str,
    },
    /// A Lambda function and the role it runs with (index into [`Account::principals`]).
    Function {
        arn: &'a str,
        role: usize,
    },
}

impl<'a> Analysed<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        input: &AnalysisInput<'_>,
        probes: &Probes,
        kind: PrincipalKind,
        (name, arn): (&'a str, &'a str),
        identity: Result<Vec<&'a PolicyDocument>, String>,
        boundary: Result<Option<&'a PolicyDocument>, String>,
        context: RequestContext,
        groups: Vec<usize>,
        attached: Vec<(&'a str, &'a str)>,
        trust: Option<&'a PolicyDocument>,
        instance_profile: bool,
    ) -> Analysed<'a> {
        let (identity, boundary, unreadable) = match (identity, boundary) {
            (Ok(identity), Ok(boundary)) => (identity, boundary, None),
            (Err(reason), _) | (_, Err(reason)) => (Vec::new(), None, Some(reason)),
        };
        let mut analysed = Analysed {
            kind,
            name,
            arn,
            identity,
            boundary,
            unreadable,
            context,
            groups,
            attached,
            trust,
            instance_profile,
            privileges: Privileges::none(probes.len()),
        };
        if analysed.unreadable.is_none() {
            analysed.privileges = analysed.probe(input, probes);
        }
        analysed
    }

    /// Its privileged actions on `*`.
    fn probe(&self, input: &AnalysisInput<'_>, probes: &Probes) -> Privileges {
        let unlimited = self.boundary.is_none() && input.scp_levels.is_empty();
        let mut request = Request::new("", "*");
        request.context = self.context.clone();
        let mut privileges = Privileges::none(probes.len());
        for (index, action) in probes.lowercase.iter().enumerate() {
            request.action.clone_from(action);
            let absent = self.absent_keys(action);
            if input.scp_levels.is_empty()
                || judge(None, None, input.scp_levels, &request, &absent).is_allowed()
            {
                privileges.account_ceiling.insert(index);
            }
            let identity = evaluate_open(&self.identity, &request, &absent);
            let effective = if unlimited {
                privileges.ceiling.insert(index);
                identity
            } else {
                let limits = judge(None, self.boundary, input.scp_levels, &request, &absent);
                if limits.is_allowed() {
                    privileges.ceiling.insert(index);
                }
                identity.and(limits)
            };
            match effective {
                OpenDecision::Allowed { .. } => privileges.allowed.insert(index),
                // Denied on `*`, and on every other resource too unless both its policies and
                // its boundary name the action somewhere.
                OpenDecision::Denied
                    if !(allows_somewhere(&self.identity, action)
                        && self
                            .boundary
                            .is_none_or(|boundary| allows_somewhere(&[boundary], action))) =>
                {
                    privileges.denied.insert(index)
                }
                OpenDecision::Denied | OpenDecision::Conditional { .. } => {}
            }
        }
        privileges
    }

    /// Keys this principal's request for `lowercase_action` surely lacks.
    fn absent_keys(&self, lowercase_action: &str) -> Vec<&'static str> {
        let mut absent = match self.kind {
            PrincipalKind::User => Vec::new(),
            PrincipalKind::Role => ROLE_ABSENT_KEYS.to_vec(),
        };
        if lowercase_action != PASS_ROLE {
            absent.push(PASSED_TO_SERVICE);
        }
        absent
    }

    /// Whether some `Allow` of its identity policies names the action: a cheap filter before
    /// any target is tried (a method none of whose steps could be allowed is skipped).
    fn may_allow(&self, lowercase_action: &str) -> bool {
        allows_somewhere(&self.identity, lowercase_action)
    }
}

/// Whether some `Allow` statement of `documents` names the action, on whatever resource and
/// condition.
fn allows_somewhere(documents: &[&PolicyDocument], lowercase_action: &str) -> bool {
    documents.iter().any(|document| {
        document.statements.iter().any(|statement| {
            statement.effect == Effect::Allow && statement.actions.matches(lowercase_action)
        })
    })
}

/// Identity policies, then the boundary (when there is one), then each SCP level. Without
/// `identity`, the limits alone: what they allow (denied when there is no limit at all).
fn judge(
    identity: Option<&[&PolicyDocument]>,
    boundary: Option<&PolicyDocument>,
    scp_levels: &[Vec<PolicyDocument>],
    request: &Request,
    absent: &[&str],
) -> OpenDecision {
    let mut decision = match identity {
        None => None,
        Some(identity) => {
            let decision = evaluate_open(identity, request, absent);
            if decision.is_denied() {
                return decision;
            }
            Some(decision)
        }
    };
    let limits = boundary
        .map(|boundary| vec![boundary])
        .into_iter()
        .chain(scp_levels.iter().map(|level| level.iter().collect()));
    for limit in limits {
        let limit = evaluate_open(&limit, request, absent);
        decision = Some(match decision {
            Some(decision) => decision.and(limit),
            None => limit,
        });
        if decision.as_ref().is_some_and(OpenDecision::is_denied) {
            return OpenDecision::Denied;
        }
    }
    decision.unwrap_or(OpenDecision::Denied)
}

fn probe_set(probes: &Probes, decide: impl Fn(&Request) -> OpenDecision) -> ActionSet {
    let mut set = ActionSet::empty(probes.len());
    let mut request = Request::new("", "*");
    for (index, action) in probes.lowercase.iter().enumerate() {
        request.action.clone_from(action);
        if decide(&request).is_allowed() {
            set.insert(index);
        }
    }
    set
}

fn principal_context(input: &AnalysisInput<'_>, arn: &str, kind: &str) -> RequestContext {
    let mut context = RequestContext::new();
    context.insert("aws:PrincipalArn", arn);
    context.insert("aws:PrincipalAccount", input.account);
    context.insert("aws:PrincipalType", kind);
    context
}

fn parse_documents(authorization: &Authorization) -> Documents {
    let parse = |label: String, text: &str| {
        PolicyDocument::parse(text).map_err(|error| format!("{label} could not be parsed: {error}"))
    };
    let managed = authorization
        .policies
        .iter()
        .map(|policy| {
            (
                policy.arn.clone(),
                parse(format!("policy {}", policy.name), &policy.document),
            )
        })
        .collect();
    let inline_of = |kind: &str, name: &str, policies: &[InlinePolicy]| {
        policies
            .iter()
            .map(|policy| {
                parse(
                    format!("inline policy {} of {kind} {name}", policy.name),
                    &policy.document,
                )
            })
            .collect::<Vec<_>>()
    };
    let mut inline = HashMap::new();
    for user in &authorization.users {
        inline.insert(
            user.arn.clone(),
            inline_of("user", &user.name, &user.inline_policies),
        );
    }
    for group in &authorization.groups {
        inline.insert(
            group.arn.clone(),
            inline_of("group", &group.name, &group.inline_policies),
        );
    }
    let mut trust = HashMap::new();
    for role in &authorization.roles {
        inline.insert(
            role.arn.clone(),
            inline_of("role", &role.name, &role.inline_policies),
        );
        trust.insert(
            role.arn.clone(),
            parse(
                format!("the trust policy of role {}", role.name),
                &role.assume_role_policy,
            ),
        );
    }
    Documents {
        managed,
        inline,
        trust,
    }
}

/// The inline documents of `owner` and the managed ones it has attached.
fn owned_documents<'d>(
    documents: &'d Documents,
    owner: &str,
    attached: &[String],
) -> Result<Vec<&'d PolicyDocument>, String> {
    let mut owned = Vec::new();
    for document in documents.inline.get(owner).into_iter().flatten() {
        owned.push(document.as_ref().map_err(Clone::clone)?);
    }
    for arn in attached {
        owned.push(managed(documents, arn)?);
    }
    Ok(owned)
}

fn managed<'d>(documents: &'d Documents, arn: &str) -> Result<&'d PolicyDocument, String> {
    match documents.managed.get(arn) {
        Some(document) => document.as_ref().map_err(Clone::clone),
        None => Err(format!("the managed policy {arn} is not in the snapshot")),
    }
}

fn boundary<'d>(
    documents: &'d Documents,
    boundary: &Collected<Option<String>>,
) -> Result<Option<&'d PolicyDocument>, String> {
    match boundary {
        Collected::Ok(None) => Ok(None),
        Collected::Ok(Some(arn)) => managed(documents, arn).map(Some),
        Collected::Error(error) => Err(format!("its permissions boundary is unknown: {error}")),
    }
}

/// `(ARN, name)` of the customer-managed policies among `arns`, unique, in order.
fn customer_managed<'a>(
    authorization: &'a Authorization,
    arns: &[&str],
) -> Vec<(&'a str, &'a str)> {
    let mut found: Vec<(&str, &str)> = authorization
        .policies
        .iter()
        .filter(|policy| !policy.aws_managed && arns.contains(&policy.arn.as_str()))
        .map(|policy| (policy.arn.as_str(), policy.name.as_str()))
        .collect();
    found.dedup();
    found
}

/// IAM refuses to change a service-linked role's policies or trust, and only its service may
/// use it.
fn is_service_linked(arn: &str) -> bool {
    arn.contains(":role/aws-service-role/")
}

/// Who asks to assume a role.
enum TrustedBy<'a> {
    Principal {
        arn: &'a str,
        account: &'a str,
        partition: &'a str,
    },
    Service(&'a str),
}

/// Whether the trust policy lets `who` call `sts:AssumeRole`: `None` when it surely does not,
/// otherwise the condition keys it depends on (empty: it surely does). Conditions of a trust
/// statement are all taken as open: they speak of the session being created (MFA, external
/// id, source identity), which the scan cannot know.
fn trust_admits(trust: &PolicyDocument, who: &TrustedBy<'_>) -> Option<BTreeSet<String>> {
    let mut allow_keys: Option<BTreeSet<String>> = None;
    let mut deny_keys = BTreeSet::new();
    for statement in &trust.statements {
        if !statement.actions.matches(ASSUME_ROLE) || !names(statement.principal.as_ref(), who) {
            continue;
        }
        let keys: BTreeSet<String> = statement
            .conditions
            .iter()
            .map(|condition| condition.lowercase_key().to_owned())
            .collect();
        match statement.effect {
            Effect::Deny if keys.is_empty() => return None,
            Effect::Deny => deny_keys.extend(keys),
            Effect::Allow => match &mut allow_keys {
                // A statement without conditions settles it.
                Some(known) if keys.is_empty() => known.clear(),
                Some(known) if !known.is_empty() => known.extend(keys),
                Some(_) => {}
                None => allow_keys = Some(keys),
            },
        }
    }
    let mut keys = allow_keys?;
    keys.extend(deny_keys);
    Some(keys)
}

/// Whether a trust statement's `Principal` names `who` (or `NotPrincipal` leaves it in).
fn names(element: Option<&PrincipalElement>, who: &TrustedBy<'_>) -> bool {
    let (principal, negated) = match element {
        Some(PrincipalElement::Principal(principal)) => (principal, false),
        Some(PrincipalElement::NotPrincipal(principal)) => (principal, true),
        None => return false,
    };
    let named = match principal {
        Principal::Anyone => true,
        Principal::Map(entries) => entries.iter().any(|(kind, values)| match (kind, who) {
            (
                TrustPrincipalKind::Aws,
                TrustedBy::Principal {
                    arn,
                    account,
                    partition,
                },
            ) => values.iter().any(|value| {
                value == "*"
                    || value == arn
                    || value == account
                    || *value == format!("arn:{partition}:iam::{account}:root")
            }),
            (TrustPrincipalKind::Service, TrustedBy::Service(service)) => {
                values.iter().any(|value| value == service)
            }
            _ => false,
        }),
    };
    named != negated
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
        }
    }
}
