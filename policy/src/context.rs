//! The request context: the condition keys a request carries and their values.
//!
//! IAM distinguishes single-valued keys (`aws:SourceIp`: at most one value) from multivalued ones
//! (`aws:TagKeys`: a set); the difference decides how conditions without `ForAnyValue:` /
//! `ForAllValues:` treat them, so the context keeps it. Key names are case-insensitive in IAM
//! ("IAM JSON policy elements: Condition"), so they are stored lowercased.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::pattern::VariableValues;

/// The value(s) of one context key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ContextValue {
    /// A single-valued key, such as `aws:MultiFactorAuthPresent`.
    Single(String),
    /// A multivalued key, such as `aws:TagKeys`. An empty set is treated as an absent key.
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice (one element for a single-valued key).
    pub fn as_slice(&self) -> &[String] {
        match self {
            ContextValue::Single(value) => std::slice::from_ref(value),
            ContextValue::Multi(values) => values,
        }
    }
}

/// Condition keys present in a request. Absent keys are simply not in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequestContext {
    values: BTreeMap<String, ContextValue>,
}

impl RequestContext {
    pub fn new() -> RequestContext {
        RequestContext::default()
    }

    /// Sets a single-valued key (name case-insensitive).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.values
            .insert(key.to_lowercase(), ContextValue::Single(value.into()));
    }

    /// Sets a multivalued key (name case-insensitive).
    pub fn insert_multi<I, S>(&mut self, key: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        self.values
            .insert(key.to_lowercase(), ContextValue::Multi(values));
    }

    /// The value(s) of `key` (name case-insensitive).
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.values.get(&key.to_lowercase())
    }

    /// The values of an already lowercased key; `None` when absent or an empty set.
    pub(crate) fn values_of(&self, lowercase_key: &str) -> Option<&[String]> {
        self.values
            .get(lowercase_key)
            .map(ContextValue::as_slice)
            .filter(|values| !values.is_empty())
    }

    /// Every key and its value(s), keys lowercased, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.values.iter().map(|(key, value)| (key.as_str(), value))
    }
}

/// Policy variables take the value of a single-valued key; IAM does not allow multivalued keys
/// as variables ("Single-valued vs. multivalued context keys"), so those have no value.
impl VariableValues for RequestContext {
    fn value_of(&self, lowercase_key: &str) -> Option<&str> {
        match self.values.get(lowercase_key) {
            Some(ContextValue::Single(value)) => Some(value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_are_case_insensitive() {
        let mut context = RequestContext::new();
        context.insert("aws:SourceIp", "10.0.0.1");
        assert_eq!(
            context.get("AWS:SOURCEIP"),
            Some(&ContextValue::Single("10.0.0.1".into()))
        );
        assert_eq!(context.value_of("aws:sourceip"), Some("10.0.0.1"));
    }

    #[test]
    fn an_empty_set_counts_as_absent_and_is_no_variable() {
        let mut context = RequestContext::new();
        context.insert_multi("aws:TagKeys", Vec::<String>::new());
        assert_eq!(context.values_of("aws:tagkeys"), None);
        context.insert_multi("aws:TagKeys", ["a", "b"]);
        assert_eq!(context.value_of("aws:tagkeys"), None);
    }
}
