//! EventBridge: the rules of the default event bus and their targets ([`EventsRegion`]), and
//! for each SSM Automation target whether its document exists (`ssm:DescribeDocument`, one
//! call per such target: they are few, and the document is named, not listed).
//!
//! EventBridge's SDK models no paginator for `ListRules` or `ListTargetsByRule` (the only
//! operations the collector reads without one), so [`all_pages`] follows their `NextToken`s.

use std::future::Future;

use aws_sdk_eventbridge::error::ProvideErrorMetadata;
use aws_sdk_eventbridge::operation::list_rules::ListRulesError;
use aws_sdk_eventbridge::operation::list_targets_by_rule::ListTargetsByRuleError;
use aws_sdk_eventbridge::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use futures::future::join_all;
use ztaudit_checks::snapshot::{EventRule, EventTarget, EventsRegion};
use ztaudit_checks::Collected;

use super::calls::{get_each, RegionCalls};

const SERVICE: &str = "events";

/// The largest page `ListRules` and `ListTargetsByRule` return.
const PAGE_SIZE: i32 = 100;

pub async fn collect_region(
    client: &Client,
    ssm: &aws_sdk_ssm::Client,
    calls: &RegionCalls,
) -> EventsRegion {
    let listed = calls
        .run(SERVICE, "ListRules", || async {
            // No SDK paginator (see above): `all_pages` follows the NextTokens.
            let mut rules =
                all_pages::<_, SdkError<ListRulesError, HttpResponse>, _>(|token| async move {
                    let output = client
                        .list_rules()
                        .limit(PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                        .await?;
                    let next = output.next_token().map(str::to_owned);
                    let rules = output
                        .rules()
                        .iter()
                        .map(|rule| EventRule {
                            name: rule.name().unwrap_or_default().to_owned(),
                            arn: rule.arn().unwrap_or_default().to_owned(),
                            state: rule
                                .state()
                                .map(|state| state.as_str().to_owned())
                                .unwrap_or_default(),
                            event_pattern: rule.event_pattern().map(str::to_owned),
                            managed_by: rule.managed_by().map(str::to_owned),
                            targets: Collected::default(),
                        })
                        .collect();
                    Ok((rules, next))
                })
                .await?;
            rules.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(rules)
        })
        .await;
    let rules = get_each(listed, |mut rule| async move {
        rule.targets = match targets(client, calls, &rule.name).await {
            Collected::Ok(targets) => Collected::Ok(
                join_all(
                    targets
                        .into_iter()
                        .map(|target| with_document(ssm, calls, target)),
                )
                .await,
            ),
            failed => failed,
        };
        rule
    })
    .await;
    EventsRegion { rules }
}

async fn targets(client: &Client, calls: &RegionCalls, rule: &str) -> Collected<Vec<EventTarget>> {
    calls
        .run(SERVICE, "ListTargetsByRule", || async {
            // No SDK paginator either.
            let mut targets = all_pages::<_, SdkError<ListTargetsByRuleError, HttpResponse>, _>(
                |token| async move {
                    let output = client
                        .list_targets_by_rule()
                        .rule(rule)
                        .limit(PAGE_SIZE)
                        .set_next_token(token)
                        .send()
                        .await?;
                    let next = output.next_token().map(str::to_owned);
                    let targets = output
                        .targets()
                        .iter()
                        .map(|target| EventTarget {
                            id: target.id().to_owned(),
                            arn: target.arn().to_owned(),
                            role_arn: target.role_arn().map(str::to_owned),
                            automation_assume_role: target.input().and_then(automation_assume_role),
                            automation_document: None,
                        })
                        .collect();
                    Ok((targets, next))
                },
            )
            .await?;
            targets.sort_by(|a, b| a.id.cmp(&b.id));
            Ok(targets)
        })
        .await
}

/// The `AutomationAssumeRole` parameter of an SSM Automation target's constant input
/// (`{"AutomationAssumeRole": ["arn:…"]}`; parameters are lists of strings), and nothing else
/// of it.
fn automation_assume_role(input: &str) -> Option<String> {
    let parameters: serde_json::Value = serde_json::from_str(input).ok()?;
    let value = parameters.get("AutomationAssumeRole")?;
    let role = match value {
        serde_json::Value::Array(values) => values.first()?.as_str()?,
        value => value.as_str()?,
    };
    Some(role.to_owned())
}

/// The SSM Automation document a target names, with its version when it names one:
/// `arn:…:ssm:REGION:ACCOUNT:automation-definition/NAME[:VERSION]`.
fn automation_document(arn: &str) -> Option<(&str, Option<&str>)> {
    let definition = arn.split_once(":automation-definition/")?.1;
    Some(match definition.split_once(':') {
        Some((name, "$DEFAULT" | "$LATEST" | "")) => (name, None),
        Some((name, version)) => (name, Some(version)),
        None => (definition, None),
    })
}

/// The error code SSM answers `DescribeDocument` for a document that does not exist.
const NO_SUCH_DOCUMENT: &str = "InvalidDocument";

/// Adds to an SSM Automation target whether its document exists.
async fn with_document(
    ssm: &aws_sdk_ssm::Client,
    calls: &RegionCalls,
    mut target: EventTarget,
) -> EventTarget {
    let Some((name, version)) = automation_document(&target.arn) else {
        return target;
    };
    let exists = calls
        .run("ssm", "DescribeDocument", || async {
            match ssm
                .describe_document()
                .name(name)
                .set_document_version(version.map(str::to_owned))
                .send()
                .await
            {
                Ok(_) => Ok(true),
                Err(error) if error.code() == Some(NO_SUCH_DOCUMENT) => Ok(false),
                Err(error) => Err(error),
            }
        })
        .await;
    target.automation_document = Some(exists);
    target
}

/// Reads page after page until a page has no `NextToken`.
async fn all_pages<T, E, Fut>(mut page: impl FnMut(Option<String>) -> Fut) -> Result<Vec<T>, E>
where
    Fut: Future<Output = Result<(Vec<T>, Option<String>), E>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let (batch, next) = page(token.take()).await?;
        items.extend(batch);
        match next {
            Some(next) if !next.is_empty() => token = Some(next),
            _ => return Ok(items),
        }
    }
}

/// Paging that moto never does (it answers in one page), with `aws-smithy-mocks`.
#[cfg(test)]
mod tests {
    use aws_sdk_eventbridge::operation::list_rules::ListRulesOutput;
    use aws_sdk_eventbridge::operation::list_targets_by_rule::ListTargetsByRuleOutput;
    use aws_sdk_eventbridge::types::{Rule, RuleState, Target};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use indicatif::ProgressBar;

    use super::*;
    use crate::collect::calls::Calls;

    fn rule(name: &str) -> Rule {
        Rule::builder()
            .name(name)
            .arn(format!("arn:aws:events:eu-west-1:123456789012:rule/{name}"))
            .state(RuleState::Enabled)
            .event_pattern(r#"{"source":["aws.guardduty"]}"#)
            .build()
    }

    fn target(id: &str) -> Target {
        Target::builder()
            .id(id)
            .arn(format!("arn:aws:sns:eu-west-1:123456789012:{id}"))
            .build()
            .expect("id and arn are set")
    }

    #[test]
    fn only_the_automation_role_is_kept_of_a_targets_input() {
        assert_eq!(
            automation_assume_role(
                r#"{"InstanceId":["i-1"],"AutomationAssumeRole":["arn:aws:iam::123456789012:role/responder"]}"#
            )
            .as_deref(),
            Some("arn:aws:iam::123456789012:role/responder")
        );
        assert_eq!(automation_assume_role(r#"{"InstanceId":["i-1"]}"#), None);
        assert_eq!(automation_assume_role("not json"), None);
    }

    #[test]
    fn automation_targets_name_their_document_and_version() {
        assert_eq!(
            automation_document(
                "arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWS-StopEC2Instance:$DEFAULT"
            ),
            Some(("AWS-StopEC2Instance", None))
        );
        assert_eq!(
            automation_document(
                "arn:aws:ssm:eu-west-1:123456789012:automation-definition/isolate:3"
            ),
            Some(("isolate", Some("3")))
        );
        assert_eq!(
            automation_document("arn:aws:sns:eu-west-1:123456789012:pager"),
            None
        );
    }

    /// moto's SSM has no AWS-owned Automation documents, so existence is shown here:
    /// `InvalidDocument` means absent, a document found means present.
    #[tokio::test]
    async fn an_automation_document_that_ssm_does_not_know_is_absent() {
        use aws_sdk_ssm::operation::describe_document::{
            DescribeDocumentError, DescribeDocumentOutput,
        };
        use aws_sdk_ssm::types::error::InvalidDocument;
        use aws_smithy_types::error::ErrorMetadata;

        let found = mock!(aws_sdk_ssm::Client::describe_document)
            .match_requests(|req| req.name() == Some("AWS-StopEC2Instance"))
            .then_output(|| DescribeDocumentOutput::builder().build());
        let gone = mock!(aws_sdk_ssm::Client::describe_document)
            .match_requests(|req| {
                req.name() == Some("isolate") && req.document_version() == Some("3")
            })
            .then_error(|| {
                DescribeDocumentError::InvalidDocument(
                    InvalidDocument::builder()
                        .meta(ErrorMetadata::builder().code("InvalidDocument").build())
                        .build(),
                )
            });
        let ssm = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, [&found, &gone]);
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);
        let target = |arn: &str| EventTarget {
            id: "respond".to_owned(),
            arn: arn.to_owned(),
            role_arn: None,
            automation_assume_role: None,
            automation_document: None,
        };

        let present = with_document(
            &ssm,
            &calls,
            target("arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWS-StopEC2Instance:$DEFAULT"),
        )
        .await;
        let absent = with_document(
            &ssm,
            &calls,
            target("arn:aws:ssm:eu-west-1:123456789012:automation-definition/isolate:3"),
        )
        .await;
        let other = with_document(
            &ssm,
            &calls,
            target("arn:aws:sns:eu-west-1:123456789012:pager"),
        )
        .await;

        assert_eq!(present.automation_document, Some(Collected::Ok(true)));
        assert_eq!(absent.automation_document, Some(Collected::Ok(false)));
        assert_eq!(other.automation_document, None, "no call for other targets");
        assert_eq!((found.num_calls(), gone.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn rules_and_targets_are_read_to_the_last_page() {
        let first = mock!(Client::list_rules)
            .match_requests(|req| req.next_token().is_none() && req.event_bus_name().is_none())
            .then_output(|| {
                ListRulesOutput::builder()
                    .rules(rule("b-rule"))
                    .next_token("r2")
                    .build()
            });
        let second = mock!(Client::list_rules)
            .match_requests(|req| req.next_token() == Some("r2"))
            .then_output(|| ListRulesOutput::builder().rules(rule("a-rule")).build());
        let targets_first = mock!(Client::list_targets_by_rule)
            .match_requests(|req| req.next_token().is_none())
            .then_output(|| {
                ListTargetsByRuleOutput::builder()
                    .targets(target("pager"))
                    .next_token("t2")
                    .build()
            });
        let targets_second = mock!(Client::list_targets_by_rule)
            .match_requests(|req| req.next_token() == Some("t2"))
            .then_output(|| {
                ListTargetsByRuleOutput::builder()
                    .targets(target("chat"))
                    .build()
            });
        let client = mock_client!(
            aws_sdk_eventbridge,
            RuleMode::MatchAny,
            [&first, &second, &targets_first, &targets_second]
        );
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let ssm = mock_client!(aws_sdk_ssm, []);
        let collected = collect_region(&client, &ssm, &calls).await;

        let Collected::Ok(rules) = collected.rules else {
            panic!("{:?}", collected.rules);
        };
        let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a-rule", "b-rule"]);
        for rule in &rules {
            let Collected::Ok(targets) = &rule.targets else {
                panic!("{:?}", rule.targets);
            };
            let ids: Vec<&str> = targets.iter().map(|t| t.id.as_str()).collect();
            assert_eq!(ids, ["chat", "pager"], "{}", rule.name);
        }
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
        assert_eq!(
            (targets_first.num_calls(), targets_second.num_calls()),
            (2, 2)
        );
    }
}
