//! Every file a run reads (snapshots, settings, saved reports) and writes, with errors that say
//! what is wrong and where. The parsers themselves take text and know nothing of files.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use ztaudit_checks::snapshot::SnapshotError;
use ztaudit_checks::Snapshot;
use ztaudit_settings::{Settings, SettingsError, SettingsErrors};

use crate::report::baseline::{PriorFinding, ReportError};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `path:line:column: …` when the error has a place, `path: …` otherwise.
    #[error("{}", snapshot_message(path, source))]
    Snapshot {
        path: PathBuf,
        source: SnapshotError,
    },
    /// Every mistake of the file, one a line: `path:line: …` when the mistake has a line.
    #[error("{}", settings_messages(path, source).join("\n"))]
    Settings {
        path: PathBuf,
        source: SettingsErrors,
    },
    #[error("{}: {source}", path.display())]
    Report { path: PathBuf, source: ReportError },
    #[error("{}: already exists; use --force to replace it, or another --output-dir", path.display())]
    Exists { path: PathBuf },
    #[error("{output}: refusing to write over {input}, an input of this run; name another output")]
    OutputIsInput { output: PathBuf, input: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl FileError {
    /// The error as lines to print: one per mistake of a settings file, one otherwise.
    pub fn messages(&self) -> Vec<String> {
        match self {
            FileError::Settings { path, source } => settings_messages(path, source),
            other => vec![other.to_string()],
        }
    }
}

fn settings_messages(path: &Path, errors: &SettingsErrors) -> Vec<String> {
    errors
        .iter()
        .map(|error: &SettingsError| match error.line {
            Some(_) => format!("{}:{error}", path.display()),
            None => format!("{}: {error}", path.display()),
        })
        .collect()
}

fn snapshot_message(path: &Path, error: &SnapshotError) -> String {
    match error {
        SnapshotError::Invalid { .. } => format!("{}:{error}", path.display()),
        _ => format!("{}: {error}", path.display()),
    }
}

fn read_text(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|source| FileError::Read {
        path: path.to_owned(),
        source,
    })
}

/// The text of an input file, `-` being standard input, with the name errors give it
/// (`<stdin>` for `-`); the error is one line naming the file.
pub fn read_input(path: &Path) -> Result<(String, String), String> {
    let label = if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    };
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|content| text = content)
    };
    read.map_err(|err| format!("cannot read {label}: {err}"))?;
    Ok((label, text))
}

/// Loads a snapshot written by `ztaudit collect` (or `scan` of any version up to this one's
/// schema).
pub fn load_snapshot(path: &Path) -> Result<Snapshot, FileError> {
    Snapshot::from_json(&read_text(path)?).map_err(|source| FileError::Snapshot {
        path: path.to_owned(),
        source,
    })
}

/// Reads and validates a settings file (`ztaudit.toml`).
pub fn load_settings(path: &Path) -> Result<Settings, FileError> {
    Settings::from_toml(&read_text(path)?).map_err(|source| FileError::Settings {
        path: path.to_owned(),
        source,
    })
}

/// Reads the findings of a saved JSON report (`--baseline`, `ztaudit diff`).
pub fn load_report(path: &Path) -> Result<Vec<PriorFinding>, FileError> {
    crate::report::baseline::parse(&read_text(path)?).map_err(|source| FileError::Report {
        path: path.to_owned(),
        source,
    })
}

/// The `*.json` files of a folder, in name order (`scan --snapshot DIR`).
pub fn json_files_in(folder: &Path) -> Result<Vec<PathBuf>, FileError> {
    let read_error = |source| FileError::Read {
        path: folder.to_owned(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == "json") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// Reads a shard's JSON report whole, for `ztaudit merge`.
pub fn load_shard_report(path: &Path) -> Result<crate::report::merge::ShardReport, FileError> {
    crate::report::merge::parse(&read_text(path)?).map_err(|source| FileError::Report {
        path: path.to_owned(),
        source,
    })
}

/// Creates `folder` (and its parents) for the snapshots of `collect --organization`.
pub fn create_folder(folder: &Path) -> Result<(), FileError> {
    std::fs::create_dir_all(folder).map_err(|source| FileError::Write {
        path: folder.to_owned(),
        source,
    })
}

/// Refuses to replace an existing file the user did not name (unless `force`).
pub fn refuse_existing(path: &Path, force: bool) -> Result<(), FileError> {
    if !force && path.exists() {
        return Err(FileError::Exists {
            path: path.to_owned(),
        });
    }
    Ok(())
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

/// Refuses an output that is one of the run's inputs (`--snapshot`, a baseline…): the report
/// would replace the very file it was made from.
pub fn refuse_input_as_output(output: &Path, input: &Path) -> Result<(), FileError> {
    let same = match (std::fs::canonicalize(output), std::fs::canonicalize(input)) {
        (Ok(output), Ok(input)) => output == input,
        _ => false,
    };
    if same {
        return Err(FileError::OutputIsInput {
            output: output.to_owned(),
            input: input.to_owned(),
        });
    }
    Ok(())
}
