//! The plan as `terraform show -json PLANFILE` (or `tofu show -json`) writes it: HashiCorp's
//! "JSON Output Format", `format_version` 0.x and 1.x.
//!
//! Only what the mapping needs is read: `planned_values` (the state after apply, every module
//! and every `count`/`for_each` instance), `resource_changes` (the action and, in
//! `after_unknown`, which values are known only after apply, and `before` for the real ids of
//! resources that already exist), `prior_state` (data sources read during planning) and
//! `configuration` (module sources, provider regions, and the references of values that are
//! unknown). [`Plan::resources`] joins them into one [`Planned`] per managed AWS resource that
//! will exist after apply: resources being deleted are left out.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use crate::values::Node;
use crate::PlanError;

/// The region of resources whose provider configuration gives no constant `region` (it comes
/// from the environment, a variable or a profile): the AWS SDK's own default.
pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Deserialize)]
struct RawPlan {
    #[serde(default)]
    format_version: Option<Value>,
    #[serde(default)]
    planned_values: Option<RawValues>,
    #[serde(default)]
    values: Option<Value>,
    #[serde(default)]
    resource_changes: Vec<RawChange>,
    #[serde(default)]
    prior_state: Option<RawState>,
    #[serde(default)]
    configuration: Value,
}

#[derive(Debug, Deserialize)]
struct RawState {
    #[serde(default)]
    values: Option<RawValues>,
}

#[derive(Debug, Deserialize)]
struct RawValues {
    root_module: RawModule,
}

#[derive(Debug, Deserialize)]
struct RawModule {
    #[serde(default)]
    resources: Vec<RawResource>,
    #[serde(default)]
    child_modules: Vec<RawModule>,
}

#[derive(Debug, Deserialize)]
struct RawResource {
    address: String,
    mode: String,
    #[serde(rename = "type")]
    resource_type: String,
    #[serde(default)]
    provider_name: String,
    #[serde(default)]
    values: Value,
}

#[derive(Debug, Deserialize)]
struct RawChange {
    address: String,
    #[serde(default)]
    module_address: Option<String>,
    mode: String,
    #[serde(default, rename = "type")]
    resource_type: String,
    #[serde(default)]
    provider_name: String,
    change: RawChangeBody,
}

#[derive(Debug, Deserialize)]
struct RawChangeBody {
    actions: Vec<String>,
    #[serde(default)]
    before: Value,
    #[serde(default)]
    after: Value,
    #[serde(default)]
    after_unknown: Value,
}

/// What apply does to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    /// Updated in place, replaced, or left as it is: the resource exists before apply.
    Keep,
}

/// One managed AWS resource as it will be after apply.
#[derive(Debug, Clone, Copy)]
pub struct Planned<'p> {
    /// `module.net.aws_security_group.web["a"]`.
    pub address: &'p str,
    /// `module.net` (`""` in the root module), with instance keys.
    pub module: &'p str,
    pub resource_type: &'p str,
    /// Its planned values, with what is unknown until apply.
    pub values: Node<'p>,
    /// Its values before apply, for a resource that exists (updates, replacements, no-ops).
    pub before: Option<&'p Value>,
    pub action: Action,
    /// Its `expressions` in `configuration`, where values unknown until apply show their
    /// references.
    pub expressions: Option<&'p Value>,
    /// The source of the module that declares it; `None` in the root module.
    pub module_source: Option<&'p str>,
    /// From the provider configuration's constant `region`, else [`DEFAULT_REGION`].
    pub region: &'p str,
}

impl<'p> Planned<'p> {
    /// A known string attribute (`id`, `name`), or its value before apply.
    pub fn known_str(&self, key: &str) -> Option<&'p str> {
        self.values
            .get(key)
            .known_str()
            .or_else(|| self.before.and_then(|before| before.get(key)?.as_str()))
    }

    /// Whether `key` is set in the configuration (a constant or an expression).
    pub fn configured(&self, key: &str) -> bool {
        self.expressions.is_some_and(|e| e.get(key).is_some())
    }

    /// The references of `key`'s expression in the configuration, as written
    /// (`aws_security_group.web.id`, `module.net.sg_id`).
    pub fn references(&self, key: &str) -> Vec<&'p str> {
        self.expressions
            .and_then(|e| e.get(key)?.get("references")?.as_array())
            .map(|refs| refs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

/// A parsed plan.
pub struct Plan {
    raw: RawPlan,
    regions: HashMap<String, String>,
}

impl Plan {
    /// Parses the JSON text of a plan. A file that is not JSON, not a plan, or of an
    /// unsupported `format_version` is an error.
    pub fn parse(text: &str) -> Result<Plan, PlanError> {
        // Straight into the plan's shape, in one pass: a plan of 10,000 resources read as a
        // `Value` first and converted takes twice the time. What is not of that shape is read
        // again as JSON, to say why (not JSON, no format_version, an unsupported one).
        let raw = match serde_json::from_str::<RawPlan>(text) {
            Ok(raw) => raw,
            Err(shape) => {
                let value: Value = serde_json::from_str(text).map_err(PlanError::Json)?;
                check_version(value.get("format_version"))?;
                return Err(PlanError::Json(shape));
            }
        };
        check_version(raw.format_version.as_ref())?;
        if raw.planned_values.is_none() {
            return Err(PlanError::NotAPlan(if raw.values.is_some() {
                "it is a state (`terraform show -json` without a plan file), not a plan"
            } else {
                "it has no planned_values"
            }));
        }
        let regions = provider_regions(&raw.configuration);
        Ok(Plan { raw, regions })
    }

    /// Every managed AWS resource that will exist after apply, in address order.
    pub fn resources(&self) -> Vec<Planned<'_>> {
        let changes: HashMap<&str, &RawChange> = self
            .raw
            .resource_changes
            .iter()
            .filter(|change| change.mode == "managed")
            .map(|change| (change.address.as_str(), change))
            .collect();
        let config = ConfigIndex::of(&self.raw.configuration);
        let mut planned = Vec::new();
        let Some(values) = &self.raw.planned_values else {
            return planned;
        };
        let mut stack = vec![&values.root_module];
        while let Some(module) = stack.pop() {
            stack.extend(module.child_modules.iter());
            for resource in &module.resources {
                if resource.mode != "managed" || !is_aws(&resource.provider_name) {
                    continue;
                }
                let change = changes.get(resource.address.as_str());
                let actions: Vec<&str> = change
                    .map(|c| c.change.actions.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                if actions == ["delete"] {
                    continue;
                }
                let module_address = change
                    .and_then(|c| c.module_address.as_deref())
                    .unwrap_or_else(|| module_of(&resource.address));
                let declared = config.resource(module_address, &resource.address);
                let values = match change {
                    Some(change) if !change.change.after.is_null() => {
                        Node::new(&change.change.after, &change.change.after_unknown)
                    }
                    _ => Node::new(&resource.values, &Value::Null),
                };
                let before = change
                    .map(|c| &c.change.before)
                    .filter(|before| !before.is_null());
                let region = self.region_for(values.get("region").known_str(), declared.as_ref());
                planned.push(Planned {
                    address: &resource.address,
                    module: module_address,
                    resource_type: &resource.resource_type,
                    values,
                    before,
                    action: if before.is_some() || actions.is_empty() {
                        Action::Keep
                    } else {
                        Action::Create
                    },
                    expressions: declared.and_then(|d| d.expressions),
                    module_source: declared.and_then(|d| d.module_source),
                    region,
                });
            }
        }
        planned.sort_by_key(|p| p.address);
        planned
    }

    /// Every managed AWS resource the plan deletes (and does not re-create), as it is before
    /// apply: its `before` values, in address order. What `--against` removes from the live
    /// account.
    pub fn deleted(&self) -> Vec<Planned<'_>> {
        let config = ConfigIndex::of(&self.raw.configuration);
        let mut deleted: Vec<Planned<'_>> = self
            .raw
            .resource_changes
            .iter()
            .filter(|change| {
                change.mode == "managed"
                    && change.change.actions == ["delete"]
                    && is_aws(&change.provider_name)
                    && change.change.before.is_object()
            })
            .map(|change| {
                let module = change
                    .module_address
                    .as_deref()
                    .unwrap_or_else(|| module_of(&change.address));
                let declared = config.resource(module, &change.address);
                let before = &change.change.before;
                let region = self.region_for(
                    before.get("region").and_then(Value::as_str),
                    declared.as_ref(),
                );
                Planned {
                    address: &change.address,
                    module,
                    resource_type: &change.resource_type,
                    values: Node::new(before, &Value::Null),
                    before: Some(before),
                    action: Action::Keep,
                    expressions: declared.and_then(|d| d.expressions),
                    module_source: declared.and_then(|d| d.module_source),
                    region,
                }
            })
            .collect();
        deleted.sort_by_key(|p| p.address);
        deleted
    }

    /// The real ids of the resources the plan deletes (and does not re-create): their `id`,
    /// `arn` and `bucket` before apply.
    pub fn deleted_ids(&self) -> std::collections::BTreeSet<String> {
        self.raw
            .resource_changes
            .iter()
            .filter(|change| change.mode == "managed" && change.change.actions == ["delete"])
            .flat_map(|change| {
                ["id", "arn", "bucket"]
                    .into_iter()
                    .filter_map(|key| change.change.before.get(key)?.as_str())
                    .map(str::to_owned)
            })
            .collect()
    }

    /// The region of a provider configuration (`aws`, `aws.west`, `net:aws`).
    /// A resource's region: its own `region` argument, else its provider's, else the default
    /// provider's, else [`DEFAULT_REGION`].
    fn region_for<'s>(&'s self, own: Option<&'s str>, declared: Option<&Declared<'_>>) -> &'s str {
        own.or_else(|| {
            declared
                .and_then(|d| d.provider_key)
                .and_then(|key| self.region_of(key))
        })
        .or_else(|| self.region_of("aws"))
        .unwrap_or(DEFAULT_REGION)
    }

    fn region_of(&self, key: &str) -> Option<&str> {
        self.regions
            .get(key)
            .or_else(|| self.regions.get(key.rsplit(':').next()?))
            .map(String::as_str)
    }

    /// The account the plan is for, when a data source read during planning says so
    /// (`data.aws_caller_identity`).
    pub fn account(&self) -> Option<&str> {
        let state = self.raw.prior_state.as_ref()?.values.as_ref()?;
        let mut stack = vec![&state.root_module];
        while let Some(module) = stack.pop() {
            stack.extend(module.child_modules.iter());
            for resource in &module.resources {
                if resource.mode == "data" && resource.resource_type == "aws_caller_identity" {
                    if let Some(account) = resource.values.get("account_id")?.as_str() {
                        return Some(account);
                    }
                }
            }
        }
        None
    }

    /// What a module output (`module.net.sg_id`, as seen from `module`) refers to: the
    /// addresses of the resources its expression references, with the module's prefix.
    pub fn module_output_references(&self, module: &str, reference: &str) -> Vec<String> {
        let mut parts = reference.split('.');
        let (Some("module"), Some(call), Some(output)) = (parts.next(), parts.next(), parts.next())
        else {
            return Vec::new();
        };
        let call_path = join_module(&strip_keys(module), &format!("module.{call}"));
        let Some(config) = config_module(&self.raw.configuration, &call_path) else {
            return Vec::new();
        };
        config
            .get("outputs")
            .and_then(|outputs| outputs.get(output)?.get("expression")?.get("references"))
            .and_then(Value::as_array)
            .map(|refs| {
                refs.iter()
                    .filter_map(Value::as_str)
                    .map(|r| join_module(&call_path, r))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A `format_version` ztaudit reads: 0.x or 1.x.
fn check_version(version: Option<&Value>) -> Result<(), PlanError> {
    let version = version
        .and_then(Value::as_str)
        .ok_or(PlanError::NotAPlan("it has no format_version"))?;
    let major = version.split('.').next().unwrap_or_default();
    if matches!(major, "0" | "1") {
        Ok(())
    } else {
        Err(PlanError::UnsupportedVersion(version.to_owned()))
    }
}

fn is_aws(provider_name: &str) -> bool {
    provider_name.is_empty() || provider_name == "aws" || provider_name.ends_with("/aws")
}

/// `module.a["x"].module.b.aws_s3_bucket.c[0]` → `module.a["x"].module.b`.
fn module_of(address: &str) -> &str {
    let mut end = 0;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_end = after.find('.').unwrap_or(after.len());
        let consumed = "module.".len() + name_end;
        end += consumed;
        rest = &rest[consumed..];
        match rest.strip_prefix('.') {
            Some(next) if next.starts_with("module.") => {
                end += 1;
                rest = next;
            }
            _ => break,
        }
    }
    &address[..end]
}

/// Drops instance keys: `module.a["x"].module.b[0]` → `module.a.module.b`.
pub fn strip_keys(address: &str) -> String {
    strip_keys_cow(address).into_owned()
}

/// [`strip_keys`], borrowing `address` when it has no keys (most addresses).
pub fn strip_keys_cow(address: &str) -> Cow<'_, str> {
    if !address.contains('[') {
        return Cow::Borrowed(address);
    }
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => in_string = !in_string,
            '[' if !in_string => depth += 1,
            ']' if !in_string => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// `module` + `.` + `address`, or `address` in the root module.
pub fn join_module(module: &str, address: &str) -> String {
    if module.is_empty() {
        address.to_owned()
    } else {
        format!("{module}.{address}")
    }
}

/// The configuration of a module call path (`module.a.module.b`), or the root module's.
fn config_module<'c>(configuration: &'c Value, path: &str) -> Option<&'c Value> {
    let mut module = configuration.get("root_module")?;
    for call in path
        .split('.')
        .filter(|part| !part.is_empty() && *part != "module")
    {
        module = module.get("module_calls")?.get(call)?.get("module")?;
    }
    Some(module)
}

/// Constant `region`s of the provider configurations, by key.
fn provider_regions(configuration: &Value) -> HashMap<String, String> {
    configuration
        .get("provider_config")
        .and_then(Value::as_object)
        .map(|providers| {
            providers
                .iter()
                .filter_map(|(key, provider)| {
                    let region = provider
                        .get("expressions")?
                        .get("region")?
                        .get("constant_value")?
                        .as_str()?;
                    Some((key.clone(), region.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A resource's declaration in `configuration`.
#[derive(Clone, Copy)]
struct Declared<'c> {
    expressions: Option<&'c Value>,
    provider_key: Option<&'c str>,
    module_source: Option<&'c str>,
}

/// The declarations of `configuration`, by module path without keys, then address.
struct ConfigIndex<'c> {
    declared: HashMap<String, HashMap<&'c str, Declared<'c>>>,
}

impl<'c> ConfigIndex<'c> {
    fn of(configuration: &'c Value) -> Self {
        let mut declared: HashMap<String, HashMap<&'c str, Declared<'c>>> = HashMap::new();
        let mut stack: Vec<(String, Option<&'c str>, &'c Value)> = configuration
            .get("root_module")
            .map(|root| (String::new(), None, root))
            .into_iter()
            .collect();
        while let Some((path, source, module)) = stack.pop() {
            let in_module = declared.entry(path.clone()).or_default();
            for resource in module
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(address) = resource.get("address").and_then(Value::as_str) else {
                    continue;
                };
                in_module.insert(
                    address,
                    Declared {
                        expressions: resource.get("expressions"),
                        provider_key: resource.get("provider_config_key").and_then(Value::as_str),
                        module_source: source,
                    },
                );
            }
            if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
                for (name, call) in calls {
                    if let Some(child) = call.get("module") {
                        stack.push((
                            join_module(&path, &format!("module.{name}")),
                            call.get("source").and_then(Value::as_str),
                            child,
                        ));
                    }
                }
            }
        }
        ConfigIndex { declared }
    }

    /// The declaration of the instance `address` in the module instance `module`.
    fn resource(&self, module: &str, address: &str) -> Option<Declared<'c>> {
        let local = address
            .strip_prefix(module)
            .map(|rest| rest.trim_start_matches('.'))
            .unwrap_or(address);
        self.declared
            .get(strip_keys_cow(module).as_ref())?
            .get(strip_keys_cow(local).as_ref())
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_addresses_are_split_off_resource_addresses() {
        assert_eq!(module_of("aws_s3_bucket.b"), "");
        assert_eq!(
            module_of("module.net[\"a\"].module.sub.aws_security_group.web[0]"),
            "module.net[\"a\"].module.sub"
        );
        assert_eq!(
            strip_keys("module.net[\"a.b[c]\"].aws_security_group.web[0]"),
            "module.net.aws_security_group.web"
        );
    }

    #[test]
    fn unsupported_versions_and_non_plans_are_refused() {
        assert!(matches!(
            Plan::parse(r#"{"format_version":"2.0","planned_values":{"root_module":{}}}"#),
            Err(PlanError::UnsupportedVersion(v)) if v == "2.0"
        ));
        assert!(matches!(
            Plan::parse(r#"{"format_version":"1.0","values":{}}"#),
            Err(PlanError::NotAPlan(_))
        ));
        assert!(matches!(Plan::parse("not json"), Err(PlanError::Json(_))));
        // Not of a plan's shape: the version is still what is said first.
        assert!(matches!(
            Plan::parse(r#"{"format_version":"2.0","planned_values":5}"#),
            Err(PlanError::UnsupportedVersion(v)) if v == "2.0"
        ));
        assert!(matches!(
            Plan::parse(r#"{"planned_values":5}"#),
            Err(PlanError::NotAPlan(_))
        ));
        assert!(matches!(
            Plan::parse(r#"{"format_version":"1.0","planned_values":5}"#),
            Err(PlanError::Json(_))
        ));
        assert!(
            Plan::parse(r#"{"format_version":"0.1","planned_values":{"root_module":{}}}"#).is_ok()
        );
    }
}
