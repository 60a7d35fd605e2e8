//! Where a run writes, decided and checked when the plan is built: before anything is read or
//! collected, so a long scan never ends on an output it cannot write or must not replace.

use std::io::IsTerminal;
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
    /// The columns the table may take; `None` is no limit. Only the table reads it.
    pub width: Option<u16>,
}

/// Where the width of a table comes from, read once at the edge: the plan gives the
/// renderer a number and the renderer never looks at the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidthSources {
    /// `--width N`; `Some(0)` means no limit.
    pub flag: Option<u16>,
    /// The width of the terminal standard output is, when it is one.
    pub terminal: Option<u16>,
    /// `COLUMNS`, as set.
    pub columns: Option<String>,
}

/// The width a table off a terminal wraps at when `COLUMNS` says nothing: a CI log is not a
/// terminal, and lines of several hundred characters are unreadable there.
pub const DEFAULT_WIDTH: u16 = 120;

/// The narrowest table worth drawing: the Check, Resource and Region columns keep their
/// width, and below this the Finding column has almost no room left.
pub const MIN_WIDTH: u16 = 40;

impl WidthSources {
    /// The flag, the terminal of standard output and `COLUMNS`, as this process sees them.
    pub fn of_this_process(flag: Option<u16>) -> WidthSources {
        let stdout = std::io::stdout();
        let terminal = stdout
            .is_terminal()
            .then(|| terminal_size::terminal_size_of(&stdout))
            .flatten()
            .map(|(terminal_size::Width(width), _)| width);
        WidthSources {
            flag,
            terminal,
            columns: std::env::var("COLUMNS").ok(),
        }
    }

    /// Refuses a `--width` too narrow for the table (0, no limit, is fine).
    pub fn validate(&self) -> Result<(), AppError> {
        match self.flag {
            Some(width) if width != 0 && width < MIN_WIDTH => Err(AppError::Usage(format!(
                "--width {width}: a table needs at least {MIN_WIDTH} columns (0 means no limit)"
            ))),
            _ => Ok(()),
        }
    }

    /// The width of a table written to `destination`: `--width` when given (0: no limit);
    /// on a terminal, its width; elsewhere (a CI log, a pipe, a file) `COLUMNS` when it is a
    /// number, else [`DEFAULT_WIDTH`].
    pub fn width_for(&self, destination: &Destination) -> Option<u16> {
        if let Some(flag) = self.flag {
            return (flag != 0).then_some(flag);
        }
        let terminal = match destination {
            Destination::Stdout => self.terminal,
            Destination::Named(_) | Destination::InFolder(_) => None,
        };
        let columns = || {
            self.columns
                .as_deref()
                .and_then(|text| text.trim().parse::<u16>().ok())
                .filter(|&columns| columns > 0)
        };
        Some(
            terminal
                .or_else(columns)
                .unwrap_or(DEFAULT_WIDTH)
                .max(MIN_WIDTH),
        )
    }
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
    pub width: WidthSources,
}

impl Outputs {
    /// Decides where each format goes, and refuses what would fail or clobber: several formats
    /// without a folder, an existing file in the folder without `--force`, an output that is one
    /// of the run's `inputs`. The folder is made when missing.
    pub fn report(asked: ReportDestinations<'_>, inputs: &[&Path]) -> Result<Outputs, AppError> {
        asked.width.validate()?;
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
                    .map(|format| {
                        let destination = Destination::InFolder(dir.join(format.file_name()));
                        ReportOutput {
                            format,
                            width: asked.width.width_for(&destination),
                            destination,
                        }
                    })
                    .collect()
            }
            (_, None) if formats.len() > 1 => {
                return Err(AppError::Usage(
                    "several formats need --output-dir (each is written to its own file)"
                        .to_owned(),
                ));
            }
            (output, None) => {
                let destination = output.map_or(Destination::Stdout, |path| {
                    Destination::Named(path.to_owned())
                });
                vec![ReportOutput {
                    format: first_format,
                    width: asked.width.width_for(&destination),
                    destination,
                }]
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(flag: Option<u16>, terminal: Option<u16>, columns: Option<&str>) -> WidthSources {
        WidthSources {
            flag,
            terminal,
            columns: columns.map(str::to_owned),
        }
    }

    const FILE: fn() -> Destination = || Destination::Named(PathBuf::from("report.txt"));

    #[test]
    fn a_terminal_gets_its_own_width() {
        let width = sources(None, Some(97), Some("200")).width_for(&Destination::Stdout);
        assert_eq!(width, Some(97));
    }

    #[test]
    fn off_a_terminal_columns_then_120() {
        for (columns, expected) in [
            (Some("90"), 90),
            (None, DEFAULT_WIDTH),
            (Some("wide"), DEFAULT_WIDTH),
            (Some("0"), DEFAULT_WIDTH),
            (Some("12"), MIN_WIDTH),
        ] {
            let plan = sources(None, None, columns);
            assert_eq!(
                plan.width_for(&Destination::Stdout),
                Some(expected),
                "{columns:?}"
            );
        }
        // A file is never the terminal, even when standard output is one.
        assert_eq!(
            sources(None, Some(97), None).width_for(&FILE()),
            Some(DEFAULT_WIDTH)
        );
    }

    #[test]
    fn the_flag_decides_and_zero_is_no_limit() {
        let given = sources(Some(150), Some(97), Some("90"));
        assert_eq!(given.width_for(&Destination::Stdout), Some(150));
        assert_eq!(given.width_for(&FILE()), Some(150));
        let unlimited = sources(Some(0), Some(97), Some("90"));
        assert_eq!(unlimited.width_for(&Destination::Stdout), None);
        assert!(unlimited.validate().is_ok());
        assert!(matches!(
            sources(Some(20), None, None).validate(),
            Err(AppError::Usage(message)) if message.contains("--width 20")
        ));
    }
}
