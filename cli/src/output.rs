//! A set of output files replaced together: each is written under a temporary name in its
//! final directory, and only when every one is complete (flushed and synced) are they renamed
//! over the old ones, one after the other. A run that fails or is interrupted before that
//! removes its temporary files and leaves the previous set as it was; SIGINT and SIGTERM are
//! held off while the renames run (see `main.rs`: a second signal, which ends the process, waits
//! for [`renames_finished`]), so a reader finds the old set or the new set. Each old file is kept
//! under a second name (a hard link) until every rename has succeeded: a rename that fails (a
//! target that has become a directory, a full disk) puts the earlier ones back, so the set is
//! replaced whole or not at all. Two runs writing into the same directory at once are not
//! supported.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Held while an output set's renames (and any putting back) run.
static RENAMING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Waits until no output set is being renamed into place, and keeps the next from starting:
/// what a second signal takes before it ends the process, so that no set is left half replaced.
pub fn renames_finished() -> std::sync::MutexGuard<'static, ()> {
    RENAMING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

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

/// The name the old `name` is kept under while the set is replaced: `.name.previous-PID`.
fn kept_name(name: &str, pid: u32) -> String {
    format!(".{name}.previous-{pid}")
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

    /// Flushes and syncs every file, keeps each old target under a second name, then renames
    /// each new file over its target; the kept ones are removed once every rename succeeded.
    ///
    /// # Errors
    /// The first I/O error. The temporary files are then removed and every target is as it
    /// was: a target that is not a file is found before any rename, and a rename that fails
    /// puts back the targets renamed before it.
    pub fn commit(mut self) -> io::Result<()> {
        for p in &mut self.files {
            if let Some(w) = p.writer.take() {
                let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.sync_all()?;
            }
        }
        let pid = std::process::id();
        let _renaming = renames_finished();
        let mut kept: Vec<Option<PathBuf>> = Vec::with_capacity(self.files.len());
        let remove_kept = |kept: &[Option<PathBuf>]| {
            for k in kept.iter().flatten() {
                let _ = fs::remove_file(k);
            }
        };
        for p in &self.files {
            match keep_old(&p.target, pid) {
                Ok(k) => kept.push(k),
                Err(e) => {
                    remove_kept(&kept);
                    return Err(e);
                }
            }
        }
        for (i, p) in self.files.iter().enumerate() {
            if let Err(e) = fs::rename(&p.temp, &p.target) {
                // Put back what was replaced before this one.
                for (q, old) in self.files[..i].iter().zip(&kept) {
                    let _ = match old {
                        Some(old) => fs::rename(old, &q.target),
                        None => fs::remove_file(&q.target),
                    };
                }
                remove_kept(&kept);
                return Err(io::Error::new(e.kind(), format!("{}: {e}", p.target.display())));
            }
        }
        remove_kept(&kept);
        self.committed = true;
        if let Some(dir) = self.files.first().and_then(|p| p.target.parent()) {
            // Make the renames durable; not every file system can sync a directory.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

/// Keeps the file at `target`, if there is one, under its kept name (a hard link; a copy where
/// the file system has no links) and returns that name.
///
/// # Errors
/// A target that exists but is not a file, or the error of keeping it.
fn keep_old(target: &Path, pid: u32) -> io::Result<Option<PathBuf>> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
        // A file, or a link (replaced by the new file, as a rename does).
        Ok(meta) if !meta.is_file() && !meta.file_type().is_symlink() => {
            Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} exists and is not a file", target.display())))
        }
        Ok(_) => {
            let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let kept = target.with_file_name(kept_name(&name, pid));
            let _ = fs::remove_file(&kept);
            fs::hard_link(target, &kept).or_else(|_| fs::copy(target, &kept).map(|_| ()))?;
            Ok(Some(kept))
        }
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
            for prefix in [format!(".{name}.partial-"), format!(".{name}.previous-")] {
                let Some(pid) = file_name.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
                if !Path::new("/proc").join(pid.to_string()).exists() {
                    let _ = fs::remove_file(entry.path());
                }
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
    fn a_set_whose_later_target_cannot_be_replaced_keeps_every_old_file() {
        let dir = scratch("half");
        fs::create_dir_all(dir.join("b.jsonl")).unwrap(); // a target that is a directory
        fs::write(dir.join("a.csv"), "old a").unwrap();
        let mut set = OutputSet::create(&dir, &["a.csv", "b.jsonl", "c.json"]).unwrap();
        for i in 0..3 {
            set.writer(i).unwrap().write_all(b"new").unwrap();
        }
        let e = set.commit().unwrap_err();
        assert!(e.to_string().contains("is not a file"), "{e}");
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        assert_eq!(listing(&dir), vec!["a.csv", "b.jsonl"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_rename_that_fails_puts_back_the_files_renamed_before_it() {
        let dir = scratch("rollback");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old a").unwrap();
        let mut set = OutputSet::create(&dir, &["a.csv", "new.csv", "b.jsonl"]).unwrap();
        for i in 0..3 {
            set.writer(i).unwrap().write_all(b"new").unwrap();
        }
        // The third file's temporary file disappears before the renames (as a full disk or
        // another process could make a rename fail): the first two are put back.
        fs::remove_file(dir.join(temp_name("b.jsonl", std::process::id()))).unwrap();
        assert!(set.commit().is_err());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        assert_eq!(listing(&dir), vec!["a.csv"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_set_is_renamed_while_the_renames_are_held_by_a_second_signal() {
        let dir = scratch("held");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old a").unwrap();
        let mut set = OutputSet::create(&dir, &["a.csv"]).unwrap();
        set.writer(0).unwrap().write_all(b"new a").unwrap();
        // What the signal thread takes before it ends the process.
        let held = renames_finished();
        let commit = std::thread::spawn(move || set.commit());
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old a");
        drop(held);
        commit.join().unwrap().unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new a");
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
