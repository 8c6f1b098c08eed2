//! All-or-nothing output folders: files are written into a hidden staging folder beside the
//! target and the folder is swapped into place only when every file is complete. A run that
//! fails half-way leaves the previous output (or nothing) in place, never half a set of files.
//!
//! Replacing a folder deletes what was in it, so [`check_target`] refuses, before anything
//! moves, a target that is a file, a folder that is not an earlier output, or one that holds
//! the scenario or one of its inputs. Staging folders of runs that were killed are removed by
//! the next run into the same place.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A staging folder that becomes `target` on [`StagedDir::commit`] and is removed otherwise.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

/// The file every output folder holds; a folder with it is an earlier output, safe to replace.
pub const MARK: &str = "summary.json";

/// Refuses an output folder whose replacement would lose a user's files: an existing file
/// that is not a folder, a non-empty folder without [`MARK`], or a folder that is or holds one
/// of `inputs` (the scenario file and its input files). Nothing has moved when it refuses.
pub fn check_target(target: &Path, inputs: &[&Path]) -> Result<()> {
    let refuse = |why: String| Err(Error::Usage(format!("--out {}: {why}", target.display())));
    if target.exists() && !target.is_dir() {
        return refuse(
            "is an existing file, not a folder; the output folder would replace it: name a folder"
                .into(),
        );
    }
    let full = absolute(target);
    for input in inputs {
        if absolute(input).starts_with(&full) {
            return refuse(format!(
                "holds {}, an input of this run; the output folder is replaced as a whole, which would delete it: name another folder",
                input.display()
            ));
        }
    }
    if target.is_dir() && !target.join(MARK).is_file() {
        let empty = std::fs::read_dir(target)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return refuse(format!(
                "is a folder that is not an earlier carecover output (no {MARK}); the output folder is replaced as a whole, which would delete its files: name a new or empty folder"
            ));
        }
    }
    Ok(())
}

/// `path` made absolute and free of `.`/`..` as far as it exists (symbolic links resolved).
fn absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut base = PathBuf::new();
    for c in std::env::current_dir()
        .unwrap_or_default()
        .join(path)
        .components()
    {
        match c {
            Component::ParentDir => {
                base.pop();
            }
            Component::CurDir => {}
            other => base.push(other),
        }
    }
    // The longest existing ancestor, canonicalized, then the rest as written.
    let mut rest = Vec::new();
    let mut head = base.as_path();
    loop {
        if let Ok(c) = head.canonicalize() {
            return rest.iter().rev().fold(c, |p: PathBuf, r| p.join(r));
        }
        match (head.parent(), head.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                head = parent;
            }
            _ => return base,
        }
    }
}

/// Removes `.<name>.partial-<pid>` and `.<name>.old-<pid>` folders beside a target left by
/// runs that no longer run (killed mid-way).
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = [".partial-", ".old-"].iter().find_map(|tag| {
            file.strip_prefix(&format!(".{name}{tag}"))
                .and_then(|p| p.parse::<u32>().ok())
        });
        if let Some(pid) = pid
            && pid != std::process::id()
            && !running(pid, &e.path())
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether process `pid` (owner of the staging folder `dir`) may still be writing it: on Linux
/// by `/proc`, elsewhere while the folder is younger than a day.
fn running(pid: u32, dir: &Path) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        dir.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() < 86_400)
    }
}

impl StagedDir {
    /// Creates the staging folder `.<name>.partial-<pid>` next to `target`, first removing
    /// those of killed runs.
    pub fn new(target: &Path) -> Result<Self> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        remove_stale(&parent, &name);
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

    /// Writes one file into the staging folder through `fill`, buffered: for files too large
    /// to build in memory first.
    pub fn write_with(
        &self,
        name: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> Result<()> {
        use std::io::Write;
        let path = self.staging.join(name);
        let written = std::fs::File::create(&path).and_then(|file| {
            let mut w = std::io::BufWriter::new(file);
            fill(&mut w)?;
            w.flush()
        });
        written.map_err(|source| Error::Write { file: path, source })
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

    #[test]
    fn staging_folders_of_killed_runs_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        // A pid that cannot be running (above Linux's pid_max).
        let stale = tmp.path().join(".out.partial-4294967295");
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("sites.geojson"), "{}").unwrap();
        let other = tmp.path().join(".other.partial-4294967295");
        std::fs::create_dir(&other).unwrap();
        let d = StagedDir::new(&target).unwrap();
        d.write(MARK, b"{}").unwrap();
        d.commit().unwrap();
        if cfg!(target_os = "linux") {
            assert!(!stale.exists(), "the killed run's staging folder is gone");
        }
        assert!(other.exists(), "another target's folder is left alone");
    }

    #[test]
    fn targets_that_would_lose_files_are_refused_before_anything_moves() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("notes.txt");
        std::fs::write(&file, "mine").unwrap();
        let e = check_target(&file, &[]).unwrap_err().to_string();
        assert!(
            e.contains("notes.txt") && e.contains("existing file"),
            "{e}"
        );
        // The folder holding the scenario (also named with `..`).
        let county = tmp.path().join("county");
        std::fs::create_dir(&county).unwrap();
        let scenario = county.join("s.toml");
        std::fs::write(&scenario, "").unwrap();
        let e = check_target(&county.join("x/.."), &[&scenario])
            .unwrap_err()
            .to_string();
        assert!(e.contains("s.toml") && e.contains("input"), "{e}");
        assert!(
            check_target(tmp.path(), &[&scenario]).is_err(),
            "an ancestor too"
        );
        // A user's folder that is not an output.
        let docs = tmp.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("a.docx"), "x").unwrap();
        let e = check_target(&docs, &[&scenario]).unwrap_err().to_string();
        assert!(e.contains("not an earlier carecover output"), "{e}");
        // Allowed: new, empty, an earlier output, a folder beside the inputs.
        assert!(check_target(&tmp.path().join("new"), &[&scenario]).is_ok());
        std::fs::create_dir(tmp.path().join("empty")).unwrap();
        assert!(check_target(&tmp.path().join("empty"), &[&scenario]).is_ok());
        std::fs::write(docs.join(MARK), "{}").unwrap();
        assert!(check_target(&docs, &[&scenario]).is_ok());
        assert!(check_target(&county.join("out"), &[&scenario]).is_ok());
        assert!(std::fs::read_to_string(&file).unwrap() == "mine");
    }
}
