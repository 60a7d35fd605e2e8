//! Parsing a saved snapshot, with errors that say what is wrong and where. Pure (no I/O), so the
//! fuzz target `fuzz/fuzz_targets/load_snapshot.rs` can feed it anything.

use serde::Deserialize;

use super::{Snapshot, SCHEMA_VERSION};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("{line}:{column}: not a valid snapshot: {message}")]
    Invalid {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a ztaudit snapshot (no schema_version)")]
    NotASnapshot,
    #[error("schema_version must be a whole number, not {0}")]
    BadVersion(String),
    #[error("snapshot schema_version {found} is newer than this ztaudit reads ({supported}); upgrade ztaudit")]
    TooNew { found: u64, supported: u32 },
}

impl Snapshot {
    /// Parses a snapshot written by `ztaudit collect` (or `scan`) of any version up to this
    /// one's schema.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        let invalid = |err: serde_json::Error| SnapshotError::Invalid {
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        };
        // Read the version first: a newer layout deserves "upgrade", not a field-level complaint.
        #[derive(Deserialize)]
        struct VersionProbe {
            schema_version: Option<serde_json::Value>,
        }
        let probe: VersionProbe = serde_json::from_str(text).map_err(invalid)?;
        let version = match probe.schema_version {
            None => return Err(SnapshotError::NotASnapshot),
            Some(value) => value
                .as_u64()
                .ok_or_else(|| SnapshotError::BadVersion(value.to_string()))?,
        };
        if version > u64::from(SCHEMA_VERSION) {
            return Err(SnapshotError::TooNew {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        serde_json::from_str(text).map_err(invalid)
    }
}
