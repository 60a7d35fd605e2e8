//! Lambda data of one region: the functions and the execution role each runs with.
//!
//! Read for the automated-response check (ZT701): a rule that targets a function answers
//! findings only if the function exists and its role may act.

use serde::{Deserialize, Serialize};

use super::{CallError, Collected};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaRegion {
    /// `ListFunctions`, every page (the `$LATEST` version of each function).
    #[serde(default)]
    pub functions: Collected<Vec<LambdaFunction>>,
}

impl LambdaRegion {
    pub fn call_errors(&self) -> Vec<&CallError> {
        self.functions.error().into_iter().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    pub name: String,
    /// The unqualified function ARN.
    pub arn: String,
    /// ARN of the execution role the function's code runs with.
    pub role: String,
}
