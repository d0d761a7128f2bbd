//! `crossjar.toml`: repository settings, found by walking up from the working directory.
//!
//! Today it holds only the frontend origins that call the APIs (`[origins] frontends = [...]`), used by
//! `crossjar ingress` when no `--from` is given. Issue #6 adds further sections here (per-rule severity
//! overrides, ignores with a required reason, a baseline file, cookies meant to be cross-site).
//!
//! Why a hand-written reader: the subset is one table with string arrays, and a full TOML crate would be
//! the largest dependency for the smallest feature. The reader accepts the TOML syntax of that subset
//! (tables, `key = "string"`, `key = ["a", "b"]` over several lines, comments) and ignores unknown
//! sections and keys so later sections never break older binaries; anything it cannot read in a section
//! it knows is an error naming the line.

use std::path::{Path, PathBuf};

/// The file name looked for.
pub const FILE_NAME: &str = "crossjar.toml";

/// Settings read from `crossjar.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The file they were read from.
    pub path: PathBuf,
    /// `[origins] frontends`: origins of the pages that call the APIs.
    pub frontends: Vec<String>,
}

/// Finds `crossjar.toml` in `start` or the nearest ancestor and reads it; `Ok(None)` when there is none.
pub fn discover(start: &Path) -> Result<Option<Config>, String> {
    for dir in start.ancestors() {
        let p = dir.join(FILE_NAME);
        if p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
            return parse(&p, &text).map(Some);
        }
    }
    Ok(None)
}

/// Parses the subset described in the module docs. Errors name `file:line`.
pub fn parse(path: &Path, text: &str) -> Result<Config, String> {
    let mut cfg = Config { path: path.to_path_buf(), ..Config::default() };
    let err = |line: usize, msg: &str| format!("{}:{line}: {msg}", path.display());
    let mut section = String::new();
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((n, raw)) = lines.next() {
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(name) = rest.strip_suffix(']') else {
                return Err(err(n, "a table header must end with `]`"));
            };
            section = name.trim().to_owned();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(err(n, "expected `key = value`"));
        };
        let (key, mut value) = (key.trim(), value.trim().to_owned());
        if section != "origins" || key != "frontends" {
            // Unknown here; later sections are read by later versions. Skip multi-line arrays whole.
            if value.starts_with('[') && !value.contains(']') {
                for (_, l) in lines.by_ref() {
                    if strip_comment(l).contains(']') {
                        break;
                    }
                }
            }
            continue;
        }
        if value.starts_with('[') {
            while !value.contains(']') {
                let Some((_, more)) = lines.next() else {
                    return Err(err(n, "the array is not closed with `]`"));
                };
                value.push(' ');
                value.push_str(strip_comment(more).trim());
            }
        }
        cfg.frontends = parse_string_array(&value).ok_or_else(|| {
            err(n, "`frontends` must be an array of quoted strings, e.g. `frontends = [\"https://app.example\"]`")
        })?;
    }
    Ok(cfg)
}

/// Drops a `#` comment that is not inside a quoted string.
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '#' if !in_str => return &line[..i],
            _ => {}
        }
    }
    line
}

fn parse_string_array(v: &str) -> Option<Vec<String>> {
    let inner = v.trim().strip_prefix('[')?.trim_end().strip_suffix(']')?;
    let mut out = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let end = rest[1..].find(quote)? + 1;
        out.push(rest[1..end].to_owned());
        rest = rest[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Config, String> {
        parse(Path::new("crossjar.toml"), text)
    }

    #[test]
    fn reads_frontends_in_one_or_several_lines() {
        let c = p("[origins]\nfrontends = [\"https://kontext.build\", 'https://b.example']  # ours\n").unwrap();
        assert_eq!(c.frontends, ["https://kontext.build", "https://b.example"]);
        let c = p("# top\n[origins]\nfrontends = [\n  \"https://a.example\", # first\n  \"https://c.example\",\n]\n")
            .unwrap();
        assert_eq!(c.frontends, ["https://a.example", "https://c.example"]);
    }

    #[test]
    fn ignores_other_sections_and_reports_broken_lines() {
        let c = p("[severity]\nx = [\n \"a\",\n]\n[origins]\nfrontends = [\"https://a.example\"]\n").unwrap();
        assert_eq!(c.frontends, ["https://a.example"]);
        assert_eq!(p("[other]\nfrontends = [\"x\"]\n").unwrap().frontends, Vec::<String>::new());
        let e = p("[origins]\nfrontends = https://a.example\n").unwrap_err();
        assert!(e.starts_with("crossjar.toml:2:"), "{e}");
        assert!(p("[origins\n").unwrap_err().contains(":1:"));
        assert!(p("[origins]\nfrontends = [\"a\"\n").unwrap_err().contains(":2:"));
    }
}
