//! `crossjar sanitize IN.har -o OUT.har`: streamed from the input to the output, so memory is bounded
//! by the largest entry whatever the capture's size (standard input included).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::{error, SanitizeArgs, EXIT_INPUT, EXIT_OK};
use crate::sanitize::{sanitize_har, SanitizeOptions, SanitizeStats};

/// A salt nobody can guess, so short values cannot be recovered from their hashes by trying them.
fn random_salt() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes[..16].copy_from_slice(&(t ^ u128::from(std::process::id())).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file next to the output that becomes the output only when the whole capture was written (so a
/// broken input leaves no half file, and `-o` may name the input itself).
struct Pending {
    path: PathBuf,
    target: PathBuf,
}

impl Pending {
    fn create(target: &Path) -> std::io::Result<(Pending, File)> {
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let path = dir.join(format!(".{name}.crossjar-{}.tmp", std::process::id()));
        let file = OpenOptions::new().write(true).create_new(true).open(&path)?;
        Ok((Pending { path, target: target.to_path_buf() }, file))
    }

    fn commit(self) -> std::io::Result<()> {
        std::fs::rename(&self.path, &self.target)?;
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

pub(crate) fn run(args: &SanitizeArgs) -> i32 {
    let options = SanitizeOptions {
        keep_bodies: args.keep_bodies,
        keep_headers: args.keep_header.clone(),
        salt: args.salt.clone().unwrap_or_else(random_salt),
        max_entry_bytes: 0,
    };
    let input: Box<dyn Read> = if args.input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match File::open(&args.input) {
            Ok(f) => Box::new(f),
            Err(e) => {
                error(format_args!("{}: cannot read ({e})", args.input.display()));
                return EXIT_INPUT;
            }
        }
    };
    let to_file = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let result: Result<SanitizeStats, String> = match to_file {
        None => {
            let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            sanitize_har(input, &mut out, &options)
                .and_then(|s| out.flush().map(|()| s).map_err(|e| format!("cannot write the output ({e})")))
        }
        Some(path) => match Pending::create(path) {
            Err(e) => Err(format!("cannot write {} ({e})", path.display())),
            Ok((pending, file)) => {
                let mut out = BufWriter::with_capacity(64 * 1024, file);
                sanitize_har(input, &mut out, &options)
                    .and_then(|s| out.flush().map(|()| s).map_err(|e| format!("cannot write the output ({e})")))
                    .and_then(|s| {
                        drop(out);
                        pending.commit().map(|()| s).map_err(|e| format!("cannot write {} ({e})", path.display()))
                    })
            }
        },
    };
    match result {
        Ok(stats) => {
            if !args.quiet {
                eprintln!("crossjar: sanitized {} entries, {} values replaced", stats.entries, stats.replaced);
            }
            EXIT_OK
        }
        Err(e) => {
            error(format_args!("{}: {e}", args.input.display()));
            EXIT_INPUT
        }
    }
}
