//! Runs the `crossjar` binary as a user would, for integration tests.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

/// Runs the binary in `dir` without colours: (exit code, stdout, stderr).
pub fn crossjar_in<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crossjar"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary from the repository root (so paths in its output are relative and stable).
pub fn crossjar<S: AsRef<OsStr>>(args: &[S]) -> (i32, String, String) {
    crossjar_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}
