//! What the crate's own tests share.

use std::path::{Path, PathBuf};

/// Every `.har` file under `dir`, at any depth, sorted (none when `dir` is missing: the public
/// samples beside the project may be absent, so a caller asserts how many it needs).
pub(crate) fn har_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(list) = std::fs::read_dir(dir) else { return };
        for path in list.flatten().map(|e| e.path()) {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "har") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}
