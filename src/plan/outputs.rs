//! Where a run writes, decided and checked when the plan is built: before anything is read or
//! collected, so a long scan never ends on an output it cannot write or must not replace.

use std::path::{Path, PathBuf};

use crate::error::AppError;
use crate::files::{self, FileError};
use crate::report::diff::DiffFormat;
use crate::report::Format;

/// What a run writes, and where.
#[derive(Debug)]
pub enum Outputs {
    /// Each rendering of the report with its destination (`scan`, `policy lint`).
    Report(Vec<ReportOutput>),
    /// The snapshot, replacing `FILE` atomically (`collect`).
    Snapshot(PathBuf),
    /// The comparison of two reports, on standard output (`diff`).
    Diff(DiffFormat),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOutput {
    pub format: Format,
    pub destination: Destination,
}

/// Where one rendering goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    /// Named by `--output`: replaced atomically.
    Named(PathBuf),
    /// Chosen by `--output-dir`: must not exist unless `--force`.
    InFolder(PathBuf),
}

/// What the command line asked of a report's outputs.
pub struct ReportDestinations<'a> {
    pub formats: &'a [Format],
    pub output: Option<&'a Path>,
    pub output_dir: Option<&'a Path>,
    pub force: bool,
}

impl Outputs {
    /// Decides where each format goes, and refuses what would fail or clobber: several formats
    /// without a folder, an existing file in the folder without `--force`, an output that is one
    /// of the run's `inputs`. The folder is made when missing.
    pub fn report(asked: ReportDestinations<'_>, inputs: &[&Path]) -> Result<Outputs, AppError> {
        let mut formats = asked.formats.to_vec();
        formats.sort();
        formats.dedup();
        let first_format = formats.first().copied().unwrap_or(Format::Table);
        let planned: Vec<ReportOutput> = match (asked.output, asked.output_dir) {
            (_, Some(dir)) => {
                if !dir.is_dir() {
                    std::fs::create_dir_all(dir).map_err(|source| FileError::Write {
                        path: dir.to_owned(),
                        source,
                    })?;
                }
                formats
                    .into_iter()
                    .map(|format| ReportOutput {
                        format,
                        destination: Destination::InFolder(dir.join(format.file_name())),
                    })
                    .collect()
            }
            (_, None) if formats.len() > 1 => {
                return Err(AppError::Usage(
                    "several formats need --output-dir (each is written to its own file)"
                        .to_owned(),
                ));
            }
            (output, None) => vec![ReportOutput {
                format: first_format,
                destination: output.map_or(Destination::Stdout, |path| {
                    Destination::Named(path.to_owned())
                }),
            }],
        };
        for output in &planned {
            output.destination.check(asked.force, inputs)?;
        }
        Ok(Outputs::Report(planned))
    }

    /// The snapshot `collect` writes to `path`, checked like a report's `--output`.
    pub fn snapshot(path: PathBuf, inputs: &[&Path]) -> Result<Outputs, AppError> {
        Destination::Named(path.clone()).check(false, inputs)?;
        Ok(Outputs::Snapshot(path))
    }
}

impl Destination {
    /// Refuses a destination that could not be written, or must not be: in a missing folder,
    /// a folder itself, an existing file `--output-dir` would replace without `force`, one of
    /// the run's `inputs`.
    fn check(&self, force: bool, inputs: &[&Path]) -> Result<(), FileError> {
        let path = match self {
            Destination::Stdout => return Ok(()),
            Destination::Named(path) => path,
            Destination::InFolder(path) => {
                files::refuse_existing(path, force)?;
                path
            }
        };
        files::check_writable(path)?;
        for input in inputs {
            files::refuse_input_as_output(path, input)?;
        }
        Ok(())
    }
}
