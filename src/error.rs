//! Errors that reach the user. Every input error names the file, the place in it (line,
//! feature, field) and the offending value, so that a one-paragraph message says what to fix.

use std::path::{Path, PathBuf};

/// Errors of the library. Input errors map to exit code 2, an infeasible plan to exit code 1.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file or the scenario is wrong; `place` is e.g. "line 7, column `lat`".
    #[error("{}{}: {message}", file.display(), place.as_ref().map(|p| format!(", {p}")).unwrap_or_default())]
    Input {
        file: PathBuf,
        place: Option<String>,
        message: String,
    },
    /// A file could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: PathBuf,
        // Not `#[source]`: the message says it, and `{:#}` would say it twice.
        source: std::io::Error,
    },
    /// An output could not be written.
    #[error("{}: cannot write: {source}", file.display())]
    Write {
        file: PathBuf,
        // Not `#[source]`, as for `Read`.
        source: std::io::Error,
    },
    /// A request that cannot be answered as asked (a missing parameter, an impossible p).
    #[error("{0}")]
    Usage(String),
    /// No plan satisfies the scenario's constraints.
    #[error("no feasible plan: {0}")]
    Infeasible(String),
}

impl Error {
    /// An input error at a place in a file.
    pub fn input(file: &Path, place: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Input {
            file: file.to_path_buf(),
            place: Some(place.into()),
            message: message.into(),
        }
    }

    /// An input error about a file as a whole.
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Error::Input {
            file: file.to_path_buf(),
            place: None,
            message: message.into(),
        }
    }

    /// The process exit code for this error: 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Read { .. } | Error::Usage(_) => 2,
            Error::Write { .. } | Error::Infeasible(_) => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
