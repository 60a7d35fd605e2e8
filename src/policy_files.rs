//! Reading policy documents from files for `ztaudit policy lint`: a policy JSON file, or any
//! JSON that holds policies (Terraform's `jsonencode` output, `terraform show -json` plans),
//! where each document is named by its JSON path.

use std::path::Path;

use serde_json::Value;
use ztaudit_policy::PolicyDocument;

/// One policy document found in a file.
pub struct FoundPolicy {
    /// `FILE`, or `FILE:$.path.to.policy` when the file holds several.
    pub name: String,
    pub document: PolicyDocument,
}

/// Reads `path` (`-` is standard input) and returns its policy documents, or a one-line error
/// naming the file and, for invalid documents, what is wrong and where.
pub fn read_policies(path: &Path) -> Result<Vec<FoundPolicy>, String> {
    let (label, text) = crate::files::read_input(path)?;

    // A policy document itself (plain or URL-encoded): the engine's errors say where it is wrong.
    let looks_like_policy = |value: &Value| value.get("Statement").is_some();
    match serde_json::from_str::<Value>(&text) {
        Ok(value) if !looks_like_policy(&value) => {
            let mut found = Vec::new();
            collect_embedded(&value, "$", &label, &mut found)?;
            if found.is_empty() {
                return Err(format!(
                    "{label}: no IAM policy document found (no `Statement`)"
                ));
            }
            Ok(found)
        }
        _ => PolicyDocument::parse(&text)
            .map(|document| {
                vec![FoundPolicy {
                    name: label.clone(),
                    document,
                }]
            })
            .map_err(|err| format!("{label}: {err}")),
    }
}

/// Finds documents nested in other JSON: objects with a `Statement`, or strings holding one.
fn collect_embedded(
    value: &Value,
    path: &str,
    label: &str,
    found: &mut Vec<FoundPolicy>,
) -> Result<(), String> {
    let mut add = |text: &str, path: &str| -> Result<(), String> {
        let document =
            PolicyDocument::parse(text).map_err(|err| format!("{label}:{path}: {err}"))?;
        found.push(FoundPolicy {
            name: format!("{label}:{path}"),
            document,
        });
        Ok(())
    };
    match value {
        Value::Object(map) if map.contains_key("Statement") => add(&value.to_string(), path),
        Value::Object(map) => {
            for (key, child) in map {
                collect_embedded(child, &format!("{path}.{key}"), label, found)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_embedded(child, &format!("{path}[{index}]"), label, found)?;
            }
            Ok(())
        }
        Value::String(text) if text.contains("Statement") => {
            match serde_json::from_str::<Value>(text) {
                Ok(inner) if inner.get("Statement").is_some() => add(text, path),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}
