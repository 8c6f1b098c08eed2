//! All-or-nothing output folders: files are written into a hidden staging folder beside the
//! target and the folder is swapped into place only when every file is complete. A run that
//! fails half-way leaves the previous output (or nothing) in place, never half a set of files.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A staging folder that becomes `target` on [`StagedDir::commit`] and is removed otherwise.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl StagedDir {
    /// Creates the staging folder `.<name>.partial-<pid>` next to `target`.
    pub fn new(target: &Path) -> Result<Self> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        let write_err = |source| Error::Write {
            file: staging.clone(),
            source,
        };
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(write_err)?;
        }
        std::fs::create_dir_all(&staging).map_err(write_err)?;
        Ok(Self {
            target: target.to_path_buf(),
            staging,
            committed: false,
        })
    }

    /// Writes one file into the staging folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.staging.join(name);
        std::fs::write(&path, bytes).map_err(|source| Error::Write { file: path, source })
    }

    /// Replaces `target` with the staged files.
    pub fn commit(mut self) -> Result<PathBuf> {
        let err = |file: &Path| {
            let file = file.to_path_buf();
            move |source| Error::Write { file, source }
        };
        let old = self.staging.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(err(&self.target))?;
        }
        std::fs::rename(&self.staging, &self.target).map_err(err(&self.target))?;
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old).map_err(err(&old))?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_folder_or_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let d = StagedDir::new(&target).unwrap();
        d.write("a.txt", b"1").unwrap();
        drop(d);
        assert!(!target.exists(), "an uncommitted folder leaves nothing");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        let d = StagedDir::new(&target).unwrap();
        d.write("a.txt", b"1").unwrap();
        d.commit().unwrap();
        let d = StagedDir::new(&target).unwrap();
        d.write("b.txt", b"2").unwrap();
        d.commit().unwrap();
        assert!(!target.join("a.txt").exists() && target.join("b.txt").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
