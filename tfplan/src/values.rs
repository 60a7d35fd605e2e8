//! Three-valued plan data: a planned value with what Terraform knows of it before apply.
//!
//! A [`Node`] walks a resource's `after` value and its `after_unknown` mirror side by side.
//! Reading one never turns "known only after apply" into absent, false or empty: every read
//! returns a [`Known`], and the mapper decides what the unknown becomes in each [`Case`].

use serde_json::Value;

static NULL: Value = Value::Null;
static UNKNOWN: Value = Value::Bool(true);

/// A value, or "known only after apply".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<T> {
    Value(T),
    Unknown,
}

impl<T> Known<T> {
    /// The value, or `unknown` in its place.
    pub fn or(self, unknown: T) -> T {
        match self {
            Known::Value(value) => value,
            Known::Unknown => unknown,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Known::Unknown)
    }
}

/// Which way every unknown value is read: the two snapshots a plan maps to. A check whose
/// verdict is the same in both is decided before apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Every unknown takes its most secure value.
    Best,
    /// Every unknown takes its least secure value.
    Worst,
}

impl Case {
    pub fn pick<T>(self, best: T, worst: T) -> T {
        match self {
            Case::Best => best,
            Case::Worst => worst,
        }
    }
}

/// A planned value and its unknown mark (`true`, or a mirror object/array of marks).
#[derive(Debug, Clone, Copy)]
pub struct Node<'p> {
    value: &'p Value,
    unknown: &'p Value,
}

impl<'p> Node<'p> {
    pub fn new(value: &'p Value, unknown: &'p Value) -> Self {
        Node { value, unknown }
    }

    /// A value known only after apply as a whole: a block Terraform computes at apply.
    pub fn unknown_value() -> Node<'p> {
        Node {
            value: &NULL,
            unknown: &UNKNOWN,
        }
    }

    /// A value known to be absent (null).
    pub fn absent() -> Node<'p> {
        Node {
            value: &NULL,
            unknown: &NULL,
        }
    }

    /// The attribute or block `key`.
    pub fn get(self, key: &str) -> Node<'p> {
        Node {
            value: self.value.get(key).unwrap_or(&NULL),
            unknown: match self.unknown {
                Value::Bool(true) => &UNKNOWN,
                marks => marks.get(key).unwrap_or(&NULL),
            },
        }
    }

    /// Whether the whole value is known only after apply.
    pub fn is_unknown(self) -> bool {
        self.unknown == &UNKNOWN
    }

    /// Whether any part of it is known only after apply.
    pub fn has_unknown(self) -> bool {
        fn any(marks: &Value) -> bool {
            match marks {
                Value::Bool(b) => *b,
                Value::Array(items) => items.iter().any(any),
                Value::Object(map) => map.values().any(any),
                _ => false,
            }
        }
        any(self.unknown)
    }

    pub fn str(self) -> Known<Option<&'p str>> {
        self.known(|v| v.as_str())
    }

    /// A string that is known and set.
    pub fn known_str(self) -> Option<&'p str> {
        self.str().or(None)
    }

    pub fn bool(self) -> Known<Option<bool>> {
        self.known(Value::as_bool)
    }

    pub fn i64(self) -> Known<Option<i64>> {
        self.known(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
    }

    /// The elements of a list or set (a block's instances); null is empty.
    pub fn items(self) -> Known<Vec<Node<'p>>> {
        if self.is_unknown() {
            return Known::Unknown;
        }
        let items = self.value.as_array().map(Vec::as_slice).unwrap_or_default();
        Known::Value(
            items
                .iter()
                .enumerate()
                .map(|(index, value)| Node {
                    value,
                    unknown: self.unknown.get(index).unwrap_or(&NULL),
                })
                .collect(),
        )
    }

    /// The strings of a list, each known or not.
    pub fn strings(self) -> Known<Vec<Known<&'p str>>> {
        match self.items() {
            Known::Unknown => Known::Unknown,
            Known::Value(items) => Known::Value(
                items
                    .into_iter()
                    .filter_map(|item| match item.str() {
                        Known::Unknown => Some(Known::Unknown),
                        Known::Value(text) => text.map(Known::Value),
                    })
                    .collect(),
            ),
        }
    }

    /// The known string entries of a map (`tags`); an unknown map, or unknown entries, are
    /// left out.
    pub fn known_string_map(self) -> Vec<(&'p str, &'p str)> {
        if self.is_unknown() {
            return Vec::new();
        }
        self.value
            .as_object()
            .map(|map| {
                map.iter()
                    .filter(|(key, _)| !self.get(key).is_unknown())
                    .filter_map(|(key, value)| Some((key.as_str(), value.as_str()?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The strings of a list that are known; the unknown ones (and an unknown list) are left
    /// out, for lists whose unknown members have no best or worst value to stand for them.
    pub fn known_strings(self) -> Vec<&'p str> {
        match self.strings() {
            Known::Value(items) => items
                .into_iter()
                .filter_map(|item| match item {
                    Known::Value(text) => Some(text),
                    Known::Unknown => None,
                })
                .collect(),
            Known::Unknown => Vec::new(),
        }
    }

    fn known<T>(self, read: impl FnOnce(&'p Value) -> Option<T>) -> Known<Option<T>> {
        if self.is_unknown() {
            Known::Unknown
        } else {
            Known::Value(read(self.value))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unknown_marks_follow_the_value() {
        let after = json!({"name": "web", "ingress": [{"cidr_blocks": ["10.0.0.0/8", null]}]});
        let unknown = json!({"id": true, "ingress": [{"cidr_blocks": [false, true]}]});
        let node = Node::new(&after, &unknown);
        assert_eq!(node.get("name").str(), Known::Value(Some("web")));
        assert_eq!(node.get("id").str(), Known::Unknown);
        assert_eq!(node.get("absent").str(), Known::Value(None));
        let Known::Value(rules) = node.get("ingress").items() else {
            panic!("known rules");
        };
        assert_eq!(
            rules[0].get("cidr_blocks").strings(),
            Known::Value(vec![Known::Value("10.0.0.0/8"), Known::Unknown])
        );
        assert!(node.has_unknown());
        let whole = json!(true);
        assert!(Node::new(&after, &whole).get("name").str().is_unknown());
    }
}
