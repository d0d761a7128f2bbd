//! Input adapters: turn captures and configs into evidence records, model inputs and predictions.

pub mod curl;
pub mod har;
pub(crate) mod har_lines;
pub mod ingress;

use std::io::Read;
use std::path::Path;

/// The largest `curl -i` output `crossjar headers` reads: header dumps are kilobytes; a dump with a
/// large body is better taken without it.
pub const MAX_CURL_BYTES: u64 = 64 << 20;
/// The largest baseline file read (one fingerprint a line: millions of findings).
pub const MAX_BASELINE_BYTES: u64 = 16 << 20;
/// The largest `crossjar.toml` read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Reads `path` (`-`: standard input) as text, at most `limit` bytes: more is an error that names
/// the limit, so `/dev/zero` or an endless pipe cannot take all memory. Bytes that are not UTF-8
/// become U+FFFD.
pub fn read_text_bounded(path: &Path, limit: u64, what: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("{}: cannot read ({e})", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{}: over {limit} bytes, the limit for {what}; stopped reading there", path.display()));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}
