//! A set of output files replaced together: each is written under a temporary name in its
//! final directory, and only when every one is complete (flushed and synced) are they renamed
//! over the old ones, one after the other. A run that fails or is interrupted before that
//! removes its temporary files and leaves the previous set as it was; SIGINT and SIGTERM are
//! held off while the renames run (see `main.rs`), so a reader finds the old set or the new
//! set. Two runs writing into the same directory at once are not supported.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// The files being written.
#[derive(Debug)]
pub struct OutputSet {
    files: Vec<Pending>,
    committed: bool,
}

#[derive(Debug)]
struct Pending {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

/// The temporary name of `name`, for this process: `.name.partial-PID`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.partial-{pid}")
}

impl OutputSet {
    /// Creates `dir` if needed and opens a temporary file for each of `names` in it. Temporary
    /// files left by an earlier run that was killed (whose process is gone) are removed.
    ///
    /// # Errors
    /// The I/O error of creating the directory or a file.
    pub fn create(dir: &Path, names: &[&str]) -> io::Result<OutputSet> {
        fs::create_dir_all(dir)?;
        remove_stale(dir, names);
        let pid = std::process::id();
        // Files are added to the set as they are opened, so that an error half-way removes
        // those already made (`Drop`).
        let mut set = OutputSet { files: Vec::with_capacity(names.len()), committed: false };
        for name in names {
            let temp = dir.join(temp_name(name, pid));
            let file = File::create(&temp)?;
            set.files.push(Pending {
                target: dir.join(name),
                temp,
                writer: Some(BufWriter::with_capacity(1 << 20, file)),
            });
        }
        Ok(set)
    }

    /// The writer of the `i`th file (in the order of `names`).
    ///
    /// # Errors
    /// An error if `i` is out of range or the set is already committed.
    pub fn writer(&mut self, i: usize) -> io::Result<&mut BufWriter<File>> {
        self.files.get_mut(i).and_then(|p| p.writer.as_mut()).ok_or_else(|| io::Error::other("no such output file"))
    }

    /// A second writer of the `i`th file, on its own handle, for a writer that must own its
    /// output (the Parquet writer). Only this writer may write to that file, and it must be
    /// flushed (closed) before [`OutputSet::commit`], which syncs and renames the file.
    ///
    /// # Errors
    /// An error if `i` is out of range, the set is already committed, or the handle cannot be
    /// duplicated.
    pub fn owned_writer(&mut self, i: usize) -> io::Result<BufWriter<File>> {
        let file = self.writer(i)?.get_ref().try_clone()?;
        Ok(BufWriter::with_capacity(1 << 20, file))
    }

    /// The final paths, in the order of `names`.
    pub fn targets(&self) -> Vec<&Path> {
        self.files.iter().map(|p| p.target.as_path()).collect()
    }

    /// Flushes and syncs every file, then renames each over its target.
    ///
    /// # Errors
    /// The first I/O error; the temporary files are then removed and no target is touched,
    /// unless the error happens during the renames themselves.
    pub fn commit(mut self) -> io::Result<()> {
        for p in &mut self.files {
            if let Some(w) = p.writer.take() {
                let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.sync_all()?;
            }
        }
        for p in &self.files {
            fs::rename(&p.temp, &p.target)?;
        }
        self.committed = true;
        if let Some(dir) = self.files.first().and_then(|p| p.target.parent()) {
            // Make the renames durable; not every file system can sync a directory.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

impl Drop for OutputSet {
    /// Removes the temporary files of a set that was not committed.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for p in &mut self.files {
            drop(p.writer.take());
            let _ = fs::remove_file(&p.temp);
        }
    }
}

/// Removes `.name.partial-PID` files of `names` in `dir` whose process no longer runs (where
/// `/proc` tells; elsewhere nothing is removed).
fn remove_stale(dir: &Path, names: &[&str]) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        for name in names {
            let prefix = format!(".{name}.partial-");
            let Some(pid) = file_name.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
            if !Path::new("/proc").join(pid.to_string()).exists() {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dkd-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_committed_set_replaces_the_old_one() {
        let dir = scratch("commit");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old a").unwrap();
        fs::write(dir.join("b.jsonl"), "old b").unwrap();
        let mut set = OutputSet::create(&dir, &["a.csv", "b.jsonl"]).unwrap();
        set.writer(0).unwrap().write_all(b"new a").unwrap();
        set.writer(1).unwrap().write_all(b"new b").unwrap();
        // Until the commit, readers see the old pair.
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        set.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(dir.join("b.jsonl")).unwrap(), "new b");
        assert_eq!(listing(&dir), vec!["a.csv", "b.jsonl"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_abandoned_set_leaves_the_old_one_and_no_temporary_file() {
        let dir = scratch("abandon");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old a").unwrap();
        let mut set = OutputSet::create(&dir, &["a.csv", "b.jsonl"]).unwrap();
        set.writer(0).unwrap().write_all(b"half").unwrap();
        drop(set);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        assert_eq!(listing(&dir), vec!["a.csv"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn partial_files_of_a_dead_process_are_removed() {
        let dir = scratch("stale");
        fs::create_dir_all(&dir).unwrap();
        // PID 4194304 is above Linux's largest (pid_max is at most 2^22).
        fs::write(dir.join(temp_name("a.csv", 4_194_304)), "left by a killed run").unwrap();
        fs::write(dir.join("unrelated.partial-1"), "not ours").unwrap();
        drop(OutputSet::create(&dir, &["a.csv"]).unwrap());
        assert_eq!(listing(&dir), vec!["unrelated.partial-1"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
