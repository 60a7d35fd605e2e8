//! Turning SDK errors into the snapshot's [`CallError`]s: classified once, here.

use aws_sdk_ec2::error::ProvideErrorMetadata;
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
pub fn classify<E, R>(
    service: &str,
    operation: &str,
    region: Option<&str>,
    error: &SdkError<E, R>,
) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
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
    let message = match (error, error.message()) {
        (SdkError::ServiceError(_), Some(message)) => message.to_owned(),
        // An answer that is no AWS error (an emulator's HTML 404, say): why it could not be
        // read, without the raw response and its headers (which hold the time).
        (SdkError::ServiceError(context), None) => DisplayErrorContext(context.err()).to_string(),
        // Likewise for an answer whose body could not be parsed (an emulator's 500 page).
        (SdkError::ResponseError(_), _) => match std::error::Error::source(error) {
            Some(source) => format!("unreadable answer: {source}"),
            None => "unreadable answer".to_owned(),
        },
        _ => DisplayErrorContext(error).to_string(),
    };
    CallError {
        service: service.to_owned(),
        operation: operation.to_owned(),
        region: region.map(str::to_owned),
        kind,
        code,
        message,
    }
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
}
