//! GuardDuty: the detectors of [`GuardDutyRegion`], listed with `ListDetectors` and read with
//! `GetDetector`.

use aws_sdk_guardduty::Client;
use ztaudit_checks::snapshot::{Detector, GuardDutyRegion};

use super::calls::{get_each, RegionCalls};

const SERVICE: &str = "guardduty";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> GuardDutyRegion {
    let ids = calls
        .list(
            SERVICE,
            "ListDetectors",
            || {
                client
                    .list_detectors()
                    .max_results(50)
                    .into_paginator()
                    .items()
                    .send()
            },
            String::clone,
        )
        .await;
    let detectors = get_each(ids, |id| async move {
        let detector = calls
            .run(SERVICE, "GetDetector", || async {
                let output = client.get_detector().detector_id(&id).send().await?;
                Ok(Detector {
                    // Absent is not "ENABLED": the check cannot pass it.
                    status: output
                        .status()
                        .map(|status| status.as_str().to_owned())
                        .unwrap_or_default(),
                    finding_publishing_frequency: output
                        .finding_publishing_frequency()
                        .map(|frequency| frequency.as_str().to_owned()),
                })
            })
            .await;
        (id, detector)
    })
    .await;
    GuardDutyRegion { detectors }
}

/// A detector that cannot be read, which moto never answers, with an `aws-smithy-mocks`
/// response shaped like AWS's (restJson1 error with `x-amzn-ErrorType`).
#[cfg(test)]
mod tests {
    use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
    use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
    use aws_sdk_guardduty::types::DetectorStatus;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use indicatif::ProgressBar;
    use ztaudit_checks::{Collected, ErrorKind};

    use super::*;
    use crate::collect::calls::Calls;

    #[tokio::test]
    async fn each_detector_keeps_its_own_outcome() {
        let listed = mock!(Client::list_detectors).then_output(|| {
            ListDetectorsOutput::builder()
                .detector_ids("a1")
                .detector_ids("b2")
                .build()
        });
        let readable = mock!(Client::get_detector)
            .match_requests(|req| req.detector_id() == Some("a1"))
            .then_output(|| {
                GetDetectorOutput::builder()
                    .status(DetectorStatus::Disabled)
                    .build()
            });
        let denied = mock!(Client::get_detector)
            .match_requests(|req| req.detector_id() == Some("b2"))
            .then_http_response(|| {
                let mut response = HttpResponse::new(
                    StatusCode::try_from(403).expect("valid status"),
                    SdkBody::from(r#"{"message":"User is not authorized to perform: guardduty:GetDetector","__type":"AccessDeniedException"}"#),
                );
                response
                    .headers_mut()
                    .insert("x-amzn-ErrorType", "AccessDeniedException");
                response
            });
        let client = mock_client!(
            aws_sdk_guardduty,
            RuleMode::MatchAny,
            [&listed, &readable, &denied]
        );
        let calls = Calls::new(4, ProgressBar::hidden()).in_region(Some("eu-west-1"), true);

        let collected = collect_region(&client, &calls).await;

        let Collected::Ok(detectors) = collected.detectors else {
            panic!("{:?}", collected.detectors);
        };
        assert_eq!(
            detectors
                .get("a1")
                .map(|d| d.as_result().map(|d| d.status.as_str())),
            Some(Ok("DISABLED"))
        );
        assert_eq!(
            detectors.get("b2").and_then(|d| d.error()).map(|e| e.kind),
            Some(ErrorKind::AccessDenied)
        );
    }
}
