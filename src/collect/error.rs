//! Turning SDK errors into the snapshot's [`CallError`]s: classified once, here.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use ztaudit_checks::{CallError, ErrorKind};

/// Error codes meaning the caller lacks permission, across AWS's protocols.
const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
];

/// Error codes meaning "slow down": the SDK's own list, the one its retry strategy backs off on.
/// The one list both for counting throttled attempts (the call recorder) and for classifying a
/// call still throttled after its retries, so that the two cannot disagree.
pub(crate) const THROTTLING_CODES: &[&str] = aws_runtime::retries::classifiers::THROTTLING_ERRORS;

/// Error codes AWS answers in an opt-in region the account has not enabled.
/// (The collector checks regions with `DescribeRegions` first; this catches the rest.)
const REGION_DISABLED_CODES: &[&str] = &["OptInRequired"];

/// Classifies a failed call into a [`CallError`] naming the service, operation and region.
///
/// Its message is one clean line for the reader of a report: what AWS answered when it
/// answered an error (the code is kept apart, in [`CallError::code`]), otherwise what kind of
/// failure it was (an answer that could not be read, with its HTTP status; a request that could
/// not be sent, with the cause the operating system gave). The SDK's own rendering of the error
/// chain ("unhandled error: error parsing XML …") is for debug logs, never for the report.
pub fn classify<E>(
    service: &str,
    operation: &str,
    region: Option<&str>,
    error: &SdkError<E, HttpResponse>,
) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = error.code().map(str::to_owned);
    let kind = match error {
        SdkError::TimeoutError(_) => ErrorKind::Timeout,
        SdkError::DispatchFailure(failure) if failure.is_timeout() => ErrorKind::Timeout,
        SdkError::DispatchFailure(_) => ErrorKind::Network,
        SdkError::ServiceError(_) => match code.as_deref() {
            Some(code) if ACCESS_DENIED_CODES.contains(&code) => ErrorKind::AccessDenied,
            Some(code) if THROTTLING_CODES.contains(&code) => ErrorKind::Throttled,
            Some(code) if REGION_DISABLED_CODES.contains(&code) && region.is_some() => {
                ErrorKind::RegionDisabled
            }
            _ => ErrorKind::Other,
        },
        _ => ErrorKind::Other,
    };
    tracing::debug!(
        "{service}:{operation} failed: {}",
        DisplayErrorContext(error)
    );
    CallError {
        service: service.to_owned(),
        operation: operation.to_owned(),
        region: region.map(str::to_owned),
        kind,
        message: failure_message(error, code.is_some()),
        code,
    }
}

/// What went wrong, in one line and without the SDK's debug text.
fn failure_message<E>(error: &SdkError<E, HttpResponse>, has_code: bool) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match error {
        // AWS answered an error document: its message, which follows the code.
        SdkError::ServiceError(_) if has_code => error.message().map(one_line).unwrap_or_default(),
        // An answer that is no AWS error (an emulator's HTML 404, a proxy's 502 page).
        SdkError::ServiceError(context) => format!(
            "the response could not be read (HTTP {}, not an AWS error document)",
            context.raw().status().as_u16()
        ),
        // An answer whose body could not be parsed.
        SdkError::ResponseError(context) => format!(
            "the response could not be read (HTTP {}, its body does not parse)",
            context.raw().status().as_u16()
        ),
        SdkError::TimeoutError(_) => "no answer in time".to_owned(),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            "no answer in time".to_owned()
        }
        SdkError::DispatchFailure(_) => {
            format!("the request could not be sent ({})", root_cause(error))
        }
        SdkError::ConstructionFailure(_) => {
            format!("the request could not be built ({})", root_cause(error))
        }
        _ => root_cause(error),
    }
}

/// The innermost error of the chain, in one line: `Connection refused (os error 111)` rather
/// than every layer that wrapped it.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    one_line(&cause.to_string())
}

/// Text with its line breaks and runs of spaces made single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<&str>>().join(" ")
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    use super::*;

    fn answered(status: u16, code: &str) -> SdkError<DescribeVolumesError, HttpResponse> {
        SdkError::service_error(
            DescribeVolumesError::generic(
                ErrorMetadata::builder()
                    .code(code)
                    .message("answered by a test")
                    .build(),
            ),
            HttpResponse::new(
                StatusCode::try_from(status).expect("valid status"),
                SdkBody::empty(),
            ),
        )
    }

    fn kind_of(error: &SdkError<DescribeVolumesError, HttpResponse>) -> ErrorKind {
        classify("ec2", "DescribeVolumes", Some("eu-west-1"), error).kind
    }

    #[test]
    fn every_throttling_code_is_classified_throttled() {
        for code in THROTTLING_CODES {
            assert_eq!(
                kind_of(&answered(400, code)),
                ErrorKind::Throttled,
                "{code}"
            );
        }
    }

    /// The codes either half of the collector knew before they shared one list: none is lost.
    #[test]
    fn the_throttling_codes_keep_every_code_known_before() {
        for code in [
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottled",
            "RequestThrottledException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
            "SlowDown",
            "PriorRequestNotComplete",
            "ProvisionedThroughputExceededException",
            "BandwidthLimitExceeded",
            "EC2ThrottledException",
        ] {
            assert!(THROTTLING_CODES.contains(&code), "{code}");
        }
    }

    #[test]
    fn denial_and_other_codes_are_not_throttling() {
        assert_eq!(
            kind_of(&answered(403, "UnauthorizedOperation")),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            kind_of(&answered(400, "InvalidParameterValue")),
            ErrorKind::Other
        );
    }

    /// What a report says of a failed call: `ec2:DescribeVolumes in eu-west-1 failed (…)`.
    fn reported(error: &SdkError<DescribeVolumesError, HttpResponse>) -> String {
        classify("ec2", "DescribeVolumes", Some("eu-west-1"), error).to_string()
    }

    /// The answers a real client gets, through `aws-smithy-mocks` (moto cannot be made to send
    /// them): the EC2 client parses each as it would parse AWS's.
    async fn answer_of(
        status: u16,
        body: &'static str,
    ) -> SdkError<DescribeVolumesError, HttpResponse> {
        use aws_smithy_mocks::{mock, mock_client, RuleMode};
        let rule = mock!(aws_sdk_ec2::Client::describe_volumes).then_http_response(move || {
            HttpResponse::new(
                StatusCode::try_from(status).expect("valid status"),
                SdkBody::from(body),
            )
        });
        let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&rule], |config| config
            .retry_config(aws_smithy_types::retry::RetryConfig::disabled()));
        client
            .describe_volumes()
            .send()
            .await
            .expect_err("a failed call")
    }

    #[tokio::test]
    async fn an_answer_that_is_no_aws_error_is_one_clean_line() {
        let error = answer_of(
            500,
            "<html><body><h1>500 Internal Server Error</h1>\n</body></html>",
        )
        .await;
        assert_eq!(
            reported(&error),
            "ec2:DescribeVolumes in eu-west-1 failed (the response could not be read \
             (HTTP 500, not an AWS error document))"
        );
    }

    #[tokio::test]
    async fn an_aws_error_shows_its_code_and_message() {
        let error = answer_of(
            400,
            "<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>Value (x) for \
             parameter volumeId is invalid.</Message></Error></Errors><RequestID>1</RequestID></Response>",
        )
        .await;
        assert_eq!(
            reported(&error),
            "ec2:DescribeVolumes in eu-west-1 failed (InvalidParameterValue: Value (x) for \
             parameter volumeId is invalid.)"
        );
    }

    #[test]
    fn a_connection_failure_names_its_cause_once() {
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let refused =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let error: SdkError<DescribeVolumesError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        assert_eq!(
            reported(&error),
            "ec2:DescribeVolumes in eu-west-1 network error (the request could not be sent \
             (connection refused))"
        );
    }
}
