//! Reading snapshots and writing outputs, with errors that say what is wrong and where.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use ztaudit_checks::snapshot::SCHEMA_VERSION;
use ztaudit_checks::Snapshot;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a valid snapshot: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: not a ztaudit snapshot (no schema_version)")]
    NotASnapshot { path: PathBuf },
    #[error("{path}: snapshot schema_version {found} is newer than this ztaudit reads ({supported}); upgrade ztaudit")]
    TooNew {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Loads a snapshot written by `ztaudit collect` (or `scan` of any version up to this one's
/// schema).
pub fn load_snapshot(path: &Path) -> Result<Snapshot, FileError> {
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |err: serde_json::Error| FileError::Invalid {
        path: path.to_owned(),
        line: err.line(),
        column: err.column(),
        message: err.to_string(),
    };
    // Read the version first: a newer layout deserves "upgrade", not a field-level complaint.
    #[derive(Deserialize)]
    struct VersionProbe {
        schema_version: Option<serde_json::Value>,
    }
    let probe: VersionProbe = serde_json::from_str(&text).map_err(invalid)?;
    match probe
        .schema_version
        .as_ref()
        .and_then(serde_json::Value::as_u64)
    {
        None => {
            return Err(FileError::NotASnapshot {
                path: path.to_owned(),
            })
        }
        Some(found) if found > u64::from(SCHEMA_VERSION) => {
            return Err(FileError::TooNew {
                path: path.to_owned(),
                found,
                supported: SCHEMA_VERSION,
            })
        }
        Some(_) => {}
    }
    serde_json::from_str(&text).map_err(invalid)
}

/// Writes `contents` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees half a file and a failed write leaves the old file as it was.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), FileError> {
    let write_error = |source: std::io::Error| FileError::Write {
        path: path.to_owned(),
        source,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(folder).map_err(write_error)?;
    temporary.write_all(contents).map_err(write_error)?;
    temporary.as_file().sync_all().map_err(write_error)?;
    temporary
        .persist(path)
        .map_err(|err| write_error(err.error))?;
    Ok(())
}

/// Fails early, before a long scan, when the output could not be written.
pub fn check_writable(path: &Path) -> Result<(), FileError> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let not_writable = |message: &str| FileError::Write {
        path: path.to_owned(),
        source: std::io::Error::other(message.to_owned()),
    };
    if path.is_dir() {
        return Err(not_writable("it is a directory"));
    }
    if !folder.is_dir() {
        return Err(not_writable("its folder does not exist"));
    }
    Ok(())
}
