//! Credentials never appear anywhere: a scan with canary credentials, then every output it can
//! write — each report format, the snapshot, `--stats`, and the logs at their most verbose — is
//! searched for any part of them.

use std::path::Path;

use crate::support::{Moto, EVERY_SERVICE_SEEDS, NEEDS_WHAT_MOTO_LACKS, TWO_REGIONS};

const ACCESS_KEY_ID: &str = "AKIACANARYCANARY7777";
const SECRET_ACCESS_KEY: &str = "canary/Secret+Key7777CANARYcanary7777CANARY";
const SESSION_TOKEN: &str = "CANARYsessionTOKEN7777canarySESSIONtoken7777";

/// Report formats `scan --format` accepts.
const FORMATS: [&str; 8] = [
    "table", "json", "sarif", "junit", "ocsf", "csv", "markdown", "html",
];

fn canary_scan(moto: &Moto, args: &[&str]) -> std::process::Output {
    moto.ztaudit()
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("ZTAUDIT_LOG", "trace")
        .args(args)
        .args(TWO_REGIONS)
        .arg("--stats")
        .output()
        .expect("ztaudit runs")
}

fn assert_no_canary(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for canary in [ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN] {
        assert!(!text.contains(canary), "{what} holds a credential");
    }
    // The secret's and token's distinctive middles, in case something quoted or cut them.
    for part in ["Secret+Key7777", "sessionTOKEN7777"] {
        assert!(!text.contains(part), "{what} holds part of a credential");
    }
}

#[test]
fn no_output_holds_the_credentials() {
    let moto = Moto::start().seeded(&EVERY_SERVICE_SEEDS);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut checked = 0;
    for format in FORMATS {
        let output = canary_scan(
            &moto,
            &[
                "scan",
                "--format",
                format,
                "--fail-on",
                "never",
                "--skip-checks",
                NEEDS_WHAT_MOTO_LACKS,
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{format}: {output:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("Retries"),
            "--stats printed"
        );
        assert!(output.stderr.len() > 10_000, "trace logs were written");
        assert_no_canary(&format!("the {format} report"), &output.stdout);
        assert_no_canary(&format!("the logs of the {format} scan"), &output.stderr);
        checked += 1;
    }
    let snapshot = dir.path().join("snapshot.json");
    let output = canary_scan(
        &moto,
        &["collect", "-o", snapshot.to_str().expect("UTF-8 path")],
    );
    assert_no_canary("the logs of collect", &output.stderr);
    assert_no_canary("the snapshot", &read(&snapshot));
    assert_eq!(checked, FORMATS.len());
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("the file was written")
}
