//! Lambda: the functions of one region and their execution roles ([`LambdaRegion`]), from
//! `ListFunctions`, every page. The role is in the listing, so no per-function call is made.

use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_lambda::Client;
use ztaudit_checks::snapshot::{LambdaFunction, LambdaRegion};

use super::calls::RegionCalls;

const SERVICE: &str = "lambda";

/// The largest page `ListFunctions` returns.
const PAGE_SIZE: i32 = 50;

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> LambdaRegion {
    LambdaRegion {
        functions: calls
            .list(
                SERVICE,
                "ListFunctions",
                || {
                    client
                        .list_functions()
                        .max_items(PAGE_SIZE)
                        .into_paginator()
                        .items()
                        .send()
                },
                function,
            )
            .await,
    }
}

fn function(configuration: &FunctionConfiguration) -> LambdaFunction {
    LambdaFunction {
        name: configuration.function_name().unwrap_or_default().to_owned(),
        arn: configuration.function_arn().unwrap_or_default().to_owned(),
        role: configuration.role().unwrap_or_default().to_owned(),
    }
}
