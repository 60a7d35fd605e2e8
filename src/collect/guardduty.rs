//! GuardDuty: the detectors of [`GuardDutyRegion`], listed with `ListDetectors` and read with
//! `GetDetector`.

use aws_sdk_guardduty::Client;
use futures::future::join_all;
use ztaudit_checks::snapshot::{Detector, GuardDutyRegion};
use ztaudit_checks::Collected;

use super::calls::RegionCalls;

const SERVICE: &str = "guardduty";

pub async fn collect_region(client: &Client, calls: &RegionCalls) -> GuardDutyRegion {
    let listed = calls
        .run(SERVICE, "ListDetectors", || async {
            client
                .list_detectors()
                .max_results(50)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await;
    let ids = match listed {
        Collected::Ok(ids) => ids,
        Collected::Error(error) => {
            return GuardDutyRegion {
                detectors: Collected::Error(error),
            }
        }
    };
    let detectors = join_all(ids.into_iter().map(|id| async move {
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
    }))
    .await;
    GuardDutyRegion {
        detectors: Collected::Ok(detectors.into_iter().collect()),
    }
}
