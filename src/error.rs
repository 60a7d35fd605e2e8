//! Errors that end a run with exit code 2, and how they are printed.

use crate::collect::CollectError;
use crate::files::FileError;
use crate::selection::SelectionError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Collect(#[from] CollectError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    #[error("the collection did not finish within {0} s (--max-scan-time); raise it, or scan fewer regions with --region")]
    ScanTimeout(u64),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// A command was given a plan built for another: a bug, reported rather than panicked on.
    #[error("internal error: the run was planned without {0}; please report this")]
    Unplanned(&'static str),
}

impl AppError {
    /// The error as lines to print, each one whole: a settings file reports every mistake it
    /// has, one a line.
    pub fn messages(&self) -> Vec<String> {
        match self {
            AppError::File(error) => error.messages(),
            other => vec![other.to_string()],
        }
    }
}
