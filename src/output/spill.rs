//! Anonymous temporary files for output that is written before the document around it is known.
//!
//! std only: a file in [`std::env::temp_dir`] that is unlinked as soon as it is open (Unix), so nothing
//! is left behind even if the process is killed; where an open file cannot be removed it goes on drop.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Distinguishes the files of one process (with the pid and the clock, the name is unique).
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A write-then-read-once temporary file.
pub struct Spill {
    /// Declared before `_remove` so the file is closed before its path is removed (Windows refuses
    /// to remove an open file).
    file: BufWriter<File>,
    _remove: RemoveOnDrop,
}

/// A [`Spill`] being read back.
pub struct SpillReader {
    file: io::BufReader<File>,
    _remove: RemoveOnDrop,
}

impl io::Read for SpillReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

/// The path still to remove: `None` once it was unlinked right after opening.
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Spill {
    /// A new empty file in the system's temporary directory.
    pub fn new() -> io::Result<Self> {
        Self::new_in(&std::env::temp_dir())
    }

    /// A new empty file in `dir`; fails if `dir` is not writable.
    pub fn new_in(dir: &Path) -> io::Result<Self> {
        let (file, path) = create_unique(dir)?;
        // Unlinked now, the data lives as long as the handle; where that is refused, remove on drop.
        let pending = if cfg!(unix) && std::fs::remove_file(&path).is_ok() { None } else { Some(path) };
        Ok(Spill { file: BufWriter::with_capacity(64 * 1024, file), _remove: RemoveOnDrop(pending) })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.file
    }

    /// Everything written, to read back from the start (the file stays unlinked, or goes on drop).
    pub fn into_reader(mut self) -> io::Result<SpillReader> {
        self.file.seek(SeekFrom::Start(0))?;
        let Spill { file, _remove } = self;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        Ok(SpillReader { file: io::BufReader::with_capacity(64 * 1024, file), _remove })
    }

    /// Copies everything written so far to `out`.
    pub fn copy_to(&mut self, out: &mut impl Write) -> io::Result<u64> {
        // BufWriter's seek flushes first.
        self.file.seek(SeekFrom::Start(0))?;
        io::copy(self.file.get_mut(), out)
    }

    /// Whether the path is already gone (only the handle holds the data).
    #[cfg(test)]
    fn unlinked(&self) -> bool {
        self._remove.0.is_none()
    }
}

/// Creates a file that did not exist (`create_new`, so a planted file or symlink is never opened),
/// readable by the owner only: it may hold cookie values.
fn create_unique(dir: &Path) -> io::Result<(File, PathBuf)> {
    let mut last = None;
    for _ in 0..8 {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("crossjar-{}-{n}-{nanos}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file name left")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_was_written() {
        let mut spill = Spill::new().expect("temp dir writable");
        spill.writer().write_all(b"hello, ").expect("write");
        spill.writer().write_all(b"world").expect("write");
        let mut out = Vec::new();
        assert_eq!(spill.copy_to(&mut out).expect("copy"), 12);
        assert_eq!(out, b"hello, world");
    }

    #[cfg(unix)]
    #[test]
    fn path_is_gone_while_the_file_is_open() {
        let dir = std::env::temp_dir().join(format!("crossjar-spill-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let spill = Spill::new_in(&dir).expect("spill");
        assert!(spill.unlinked());
        let left = std::fs::read_dir(&dir).expect("read dir").count();
        drop(spill);
        let _ = std::fs::remove_dir(&dir);
        assert_eq!(left, 0);
    }

    #[test]
    fn unwritable_dir_is_an_error() {
        let dir = std::env::temp_dir().join(format!("crossjar-no-such-dir-{}", std::process::id()));
        assert!(Spill::new_in(&dir).is_err());
    }
}
