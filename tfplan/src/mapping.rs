//! What every family mapper shares: the snapshot being built for one [`Case`], the origins of
//! what it maps, how an unknown value is resolved (and recorded), and how a reference in the
//! configuration finds the resource it names in the same plan.

use std::collections::{BTreeSet, HashMap};

use ztaudit_checks::snapshot::{Account, ArnScope, AwsResource, RegionData};
use ztaudit_checks::Snapshot;

use crate::plan::{join_module, strip_keys, Plan, Planned, DEFAULT_REGION};
use crate::values::{Case, Known, Node};
use crate::{base_snapshot, partition_of, Origin, Origins};

/// The mapping of one plan in one case.
pub struct Mapping<'p> {
    pub case: Case,
    pub plan: &'p Plan,
    pub resources: &'p [Planned<'p>],
    pub snapshot: Snapshot,
    /// Whether the plan says which account it is applied in (`data.aws_caller_identity`).
    /// When it does not, the snapshot's account is [`crate::PLACEHOLDER_ACCOUNT`], and whether
    /// an account the plan names is the scanned one is itself unknown until apply: in the
    /// best case it is, in the worst case it is not.
    pub account_known: bool,
    /// The live account the plan is laid over (`ztaudit plan --against`), when it is: a
    /// setting whose parent the plan does not declare amends the live parent instead of
    /// standing for one whose other settings are unknown.
    pub live: Option<&'p Snapshot>,
    origins: Origins,
    by_address: HashMap<&'p str, usize>,
    /// Instances by address without instance keys (`aws_security_group.web`).
    by_base: HashMap<String, Vec<usize>>,
}

impl<'p> Mapping<'p> {
    pub fn new(
        plan: &'p Plan,
        resources: &'p [Planned<'p>],
        case: Case,
        account: Option<&str>,
        live: Option<&'p Snapshot>,
    ) -> Self {
        let mut regions: BTreeSet<String> = resources.iter().map(|r| r.region.to_owned()).collect();
        if regions.is_empty() {
            regions.insert(DEFAULT_REGION.to_owned());
        }
        let partition = regions.iter().next().map_or("aws", |r| partition_of(r));
        let snapshot = base_snapshot(
            account.unwrap_or(crate::PLACEHOLDER_ACCOUNT),
            partition,
            &regions,
        );
        let mut by_base: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, resource) in resources.iter().enumerate() {
            by_base
                .entry(strip_keys(resource.address))
                .or_default()
                .push(index);
        }
        Mapping {
            case,
            plan,
            resources,
            snapshot,
            account_known: account.is_some(),
            live,
            origins: Origins::default(),
            by_address: resources
                .iter()
                .enumerate()
                .map(|(index, resource)| (resource.address, index))
                .collect(),
            by_base,
        }
    }

    /// The planned resources of one Terraform type.
    pub fn of_type(&self, resource_type: &str) -> impl Iterator<Item = &'p Planned<'p>> + 'p {
        let resources = self.resources;
        let wanted = resource_type.to_owned();
        resources
            .iter()
            .filter(move |resource| resource.resource_type == wanted)
    }

    /// Whether the plan has any resource of these types.
    pub fn declares(&self, types: &[&str]) -> bool {
        self.resources
            .iter()
            .any(|resource| types.contains(&resource.resource_type))
    }

    /// The ARN scope of `region` in the snapshot's account.
    pub fn scope<'a>(&'a self, region: &'a str) -> ArnScope<'a> {
        ArnScope {
            partition: &self.snapshot.partition,
            account: &self.snapshot.account,
            region,
        }
    }

    /// `planned`'s ARN when the plan knows it, else the one AWS will give it:
    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
    pub fn arn_of(
        &self,
        planned: &Planned<'_>,
        service: &str,
        region: &str,
        resource: &str,
    ) -> String {
        planned.known_str("arn").map_or_else(
            || {
                format!(
                    "arn:{}:{service}:{region}:{}:{resource}",
                    self.snapshot.partition, self.snapshot.account
                )
            },
            str::to_owned,
        )
    }

    /// The data of `region`, which the snapshot has for every region of the plan.
    pub fn region(&mut self, region: &str) -> &mut RegionData {
        self.snapshot.regions.entry(region.to_owned()).or_default()
    }

    /// Registers `item`, listed in `region`, as the mapping of `planned`: its findings will be
    /// reported against `planned`'s address.
    pub fn register(&mut self, planned: &Planned<'_>, region: &str, item: &impl AwsResource) {
        let id = item.arn(self.scope(region));
        self.register_id(planned, id);
    }

    /// Registers `item`, a part of `planned` that AWS makes a resource of its own (an
    /// instance's `root_block_device` is a volume), under `planned`'s address followed by
    /// `part` (`aws_instance.web.root_block_device[0]`): two parts of one resource never share
    /// a finding resource.
    pub fn register_part(
        &mut self,
        planned: &Planned<'_>,
        part: &str,
        region: &str,
        item: &impl AwsResource,
    ) {
        let id = item.arn(self.scope(region));
        let address = format!("{}.{part}", planned.address);
        self.origin_at(planned, address.clone());
        self.origins.register(id, address);
    }

    /// Records that `label` of the part `part` of `owner` is known only after apply.
    pub fn unknown_part(&mut self, owner: &Planned<'_>, part: &str, label: impl Into<String>) {
        let address = format!("{}.{part}", owner.address);
        self.origin_at(owner, address).unknowns.insert(label.into());
    }

    /// Registers `planned` as the account-wide setting of `service` in `region` that the
    /// check `check` judges: that check's findings on the account are reported against it.
    pub fn register_setting(
        &mut self,
        planned: &Planned<'_>,
        region: &str,
        service: &str,
        check: &'static str,
    ) {
        let id = Account { service }.arn(self.scope(region));
        self.origin(planned)
            .only_checks
            .get_or_insert_with(BTreeSet::new)
            .insert(check);
        self.origins.register(id, planned.address.to_owned());
    }

    /// Registers a finding id that is not built from an [`AwsResource`] value.
    pub fn register_id(&mut self, planned: &Planned<'_>, id: String) {
        self.origin(planned);
        self.origins.register(id, planned.address.to_owned());
    }

    /// Whether a finding id is registered already.
    pub fn has_origin(&self, id: &str) -> bool {
        self.origins.by_id.contains_key(id)
    }

    fn origin(&mut self, planned: &Planned<'_>) -> &mut Origin {
        self.origin_at(planned, planned.address.to_owned())
    }

    /// The origin registered at `address`, declared by `planned`.
    fn origin_at(&mut self, planned: &Planned<'_>, address: String) -> &mut Origin {
        self.origins
            .by_address
            .entry(address.clone())
            .or_insert_with(|| Origin {
                address,
                resource_type: planned.resource_type.to_owned(),
                module_source: planned.module_source.map(str::to_owned),
                unknowns: BTreeSet::new(),
                only_checks: None,
            })
    }

    /// Records that `label` of the resource at `owner` is known only after apply.
    pub fn unknown(&mut self, owner: &Planned<'_>, label: impl Into<String>) {
        self.origin(owner).unknowns.insert(label.into());
    }

    /// `known`, or in its place the case's value, recording `label` as unknown on `owner`.
    pub fn resolve<T>(
        &mut self,
        owner: &Planned<'_>,
        label: &str,
        known: Known<T>,
        best: T,
        worst: T,
    ) -> T {
        match known {
            Known::Value(value) => value,
            Known::Unknown => {
                self.unknown(owner, label);
                self.case.pick(best, worst)
            }
        }
    }

    /// A boolean attribute, `default` when not set; unknown, `best` or `worst` by case
    /// (recording `label` as unknown on `owner`).
    pub fn resolve_bool(
        &mut self,
        owner: &Planned<'_>,
        label: &str,
        node: Node<'_>,
        default: bool,
        best: bool,
        worst: bool,
    ) -> bool {
        let known = match node.bool() {
            Known::Value(value) => Known::Value(value.unwrap_or(default)),
            Known::Unknown => Known::Unknown,
        };
        self.resolve(owner, label, known, best, worst)
    }

    /// The planned resources of one of `resource_types` that `from`'s `key` refers to in the
    /// configuration, through module outputs too: one for a plain reference, every instance
    /// for a reference to a resource with `count`/`for_each`, none when it cannot be resolved
    /// in the plan.
    pub fn referenced(
        &self,
        from: &Planned<'_>,
        key: &str,
        resource_types: &[&str],
    ) -> Vec<&'p Planned<'p>> {
        let mut pending: Vec<String> = from
            .references(key)
            .into_iter()
            .map(|reference| join_module(&strip_keys(from.module), reference))
            .collect();
        let mut seen = BTreeSet::new();
        let mut found: Vec<usize> = Vec::new();
        while let Some(reference) = pending.pop() {
            if !seen.insert(reference.clone()) {
                continue;
            }
            if let Some(outputs) = self.module_output(&reference) {
                pending.extend(outputs);
                continue;
            }
            if let Some(index) = self.resolve_reference(&reference, from.module) {
                found.extend(index);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|index| &self.resources[index])
            .filter(|resource| resource_types.contains(&resource.resource_type))
            .collect()
    }

    /// A reference `module.a.out` (or deeper) to a module output: what the output refers to.
    fn module_output(&self, reference: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = reference.split('.').collect();
        // The resource part of a reference is `TYPE.NAME`, after zero or more `module.X`.
        let modules = parts
            .chunks(2)
            .take_while(|c| c.first() == Some(&"module"))
            .count();
        let rest = &parts[modules * 2..];
        if modules == 0 || rest.len() != 1 {
            return None;
        }
        let module = parts[..(modules - 1) * 2].join(".");
        let call = parts[(modules - 1) * 2 + 1];
        Some(
            self.plan
                .module_output_references(&module, &format!("module.{call}.{}", rest[0])),
        )
    }

    /// The instances a resource reference (`aws_s3_bucket.b.id`, `aws_s3_bucket.b[0]`) names.
    fn resolve_reference(&self, reference: &str, from_module: &str) -> Option<Vec<usize>> {
        let mut candidate = reference;
        loop {
            // An instance address of the referring module instance, first.
            let in_instance = if from_module.is_empty() {
                candidate.to_owned()
            } else {
                let local = candidate
                    .strip_prefix(&strip_keys(from_module))
                    .unwrap_or(candidate);
                format!("{from_module}{local}")
            };
            if let Some(&index) = self
                .by_address
                .get(in_instance.as_str())
                .or_else(|| self.by_address.get(candidate))
            {
                return Some(vec![index]);
            }
            if let Some(indexes) = self.by_base.get(candidate) {
                return Some(indexes.clone());
            }
            candidate = &candidate[..candidate.rfind('.')?];
        }
    }

    /// The snapshot and the origins of what was mapped.
    pub fn finish(self) -> (Snapshot, Origins) {
        (self.snapshot, self.origins)
    }
}
