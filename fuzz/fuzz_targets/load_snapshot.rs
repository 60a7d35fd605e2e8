//! Fuzz target: any bytes through the snapshot loader, and whatever loads through every check.
//! Snapshots are user input (`scan --snapshot`) and hold data from accounts we do not control:
//! a crash, a panic, a timeout or an out-of-memory is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ztaudit_checks::{evaluate, CheckConfig, Snapshot, CHECKS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(snapshot) = Snapshot::from_json(text) else {
        return;
    };
    let _ = evaluate(CHECKS, &snapshot, &CheckConfig::default());
});
