//! `crossjar.toml`: repository settings, found by walking up from the working directory.
//!
//! ```toml
//! [origins]
//! frontends = ["https://kontext.build"]       # the pages that call the APIs (crossjar ingress)
//!
//! [cookies]
//! cross_site = ["route"]                      # meant for cross-site use: always reported on
//!
//! [severity]
//! cookie-partitioned = "warning"              # error | warning | info | off
//!
//! [[ignore]]
//! rule = "capture-disagrees"
//! cookie = "_ga"                              # optional: cookie, host, file
//! reason = "analytics cookie, not ours"       # required
//!
//! [baseline]
//! file = ".crossjar-baseline"                 # findings known before; CI fails only on new ones
//! ```
//!
//! Why a hand-written reader: the subset is tables of strings and string arrays, and a full TOML crate would be
//! the largest dependency for the smallest feature. The reader accepts the TOML syntax of that subset
//! (tables, `key = "string"`, `key = ["a", "b"]` over several lines, comments). An unknown section or
//! key is an error naming its line (a typo'd `[severty]` silently ignored would leave every rule at its
//! default), as is anything it cannot read.

use std::path::{Path, PathBuf};

use crate::analysis::policy::{Ignore, Level, Policy};
use crate::analysis::rules::Severity;

/// The file name looked for.
pub const FILE_NAME: &str = "crossjar.toml";

/// Settings read from `crossjar.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The file they were read from.
    pub path: PathBuf,
    /// `[origins] frontends`: origins of the pages that call the APIs.
    pub frontends: Vec<String>,
    /// `[cookies] cross_site`: cookies meant for cross-site use (always in focus; never advised to be
    /// `Strict` or `Lax`).
    pub cross_site_cookies: Vec<String>,
    /// `[severity]` (`rule-id = "error" | "warning" | "info" | "off"`), `[[ignore]]` tables (`rule`,
    /// optional `cookie`, `host`, `file`, and a required `reason`), and `[baseline] file`.
    pub policy: Policy,
    /// `[baseline] file`, resolved against the config file's folder.
    pub baseline_file: Option<PathBuf>,
}

/// Why a configuration or baseline file could not be used: the file, the line when the problem is
/// in its text, and the I/O error when it could not be read.
#[derive(Debug)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line of the problem, when it is in the text.
    pub line: Option<usize>,
    /// What is wrong, in words that say what to change.
    pub message: String,
    source: Option<std::io::Error>,
}

impl ConfigError {
    fn at(path: &Path, line: usize, message: String) -> ConfigError {
        ConfigError { path: path.to_path_buf(), line: Some(line), message, source: None }
    }

    fn io(path: &Path, what: &str, e: std::io::Error) -> ConfigError {
        ConfigError { path: path.to_path_buf(), line: None, message: format!("{what}: {e}"), source: Some(e) }
    }
}

/// Reads a small text file with a size bound (a config or baseline is never large; `/dev/zero` must
/// not take the memory), keeping the I/O error as the source.
fn read_bounded(path: &Path, limit: u64, cannot: &str, what: &str) -> Result<String, ConfigError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| ConfigError::io(path, cannot, e))?;
    if bytes.len() as u64 > limit {
        return Err(ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("over {limit} bytes, the limit for {what}; stopped reading there"),
            source: None,
        });
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// For callers that report errors as text.
impl From<ConfigError> for String {
    fn from(e: ConfigError) -> String {
        e.to_string()
    }
}

/// The `[table]` sections read.
const SECTIONS: &[&str] = &["origins", "cookies", "severity", "baseline"];
/// The keys of an `[[ignore]]` table.
const IGNORE_KEYS: &[&str] = &["rule", "cookie", "host", "file", "reason"];

/// A value of the subset: a string or an array of strings.
enum Value {
    Str(String),
    Arr(Vec<String>),
}

/// Finds `crossjar.toml` in `start` or the nearest ancestor and reads it; `Ok(None)` when there is none.
pub fn discover(start: &Path) -> Result<Option<Config>, ConfigError> {
    for dir in start.ancestors() {
        let p = dir.join(FILE_NAME);
        if p.is_file() {
            return load(&p).map(Some);
        }
    }
    Ok(None)
}

/// Reads a given config file (and the baseline it names, if the file exists).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = read_bounded(path, crate::input::MAX_CONFIG_BYTES, "cannot read", "a config file")?;
    let mut cfg = parse(path, &text)?;
    if let Some(b) = &cfg.baseline_file {
        if b.is_file() {
            cfg.policy.baseline = read_baseline(b)?;
        }
    }
    Ok(cfg)
}

/// Reads a baseline file: one fingerprint per line; `#` starts a comment.
pub fn read_baseline(path: &Path) -> Result<Vec<String>, ConfigError> {
    let text = read_bounded(path, crate::input::MAX_BASELINE_BYTES, "cannot read the baseline", "a baseline")?;
    Ok(text
        .lines()
        .map(|l| strip_comment(l).trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect())
}

/// Parses the subset described in the module docs. Errors name `file:line`.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let mut cfg = Config { path: path.to_path_buf(), ..Config::default() };
    let err = |line: usize, msg: &str| ConfigError::at(path, line, msg.to_string());
    let mut section = String::new();
    let mut ignore: Option<(usize, Vec<(String, String)>)> = None;
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let finish_ignore = |cfg: &mut Config, ignore: Option<(usize, Vec<(String, String)>)>| -> Result<(), ConfigError> {
        let Some((n, kv)) = ignore else { return Ok(()) };
        let get = |k: &str| kv.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let rule = get("rule").ok_or_else(|| err(n, "an [[ignore]] needs `rule = \"rule-id\"`"))?;
        let rule = rule.parse::<crate::analysis::rules::RuleId>().map_err(|e| err(n, &format!("[[ignore]]: {e}")))?;
        let reason = get("reason")
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| err(n, "an [[ignore]] needs a `reason = \"...\"`: say why the finding does not apply"))?;
        cfg.policy.ignores.push(Ignore { rule, cookie: get("cookie"), host: get("host"), file: get("file"), reason });
        Ok(())
    };
    while let Some((n, raw)) = lines.next() {
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("[[") {
            let Some(name) = rest.strip_suffix("]]") else {
                return Err(err(n, "an array-of-tables header must end with `]]`"));
            };
            finish_ignore(&mut cfg, ignore.take())?;
            section = name.trim().to_owned();
            if section != "ignore" {
                return Err(err(n, &format!("unknown array of tables `[[{section}]]` (known: [[ignore]])")));
            }
            ignore = Some((n, Vec::new()));
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(name) = rest.strip_suffix(']') else {
                return Err(err(n, "a table header must end with `]`"));
            };
            finish_ignore(&mut cfg, ignore.take())?;
            section = name.trim().to_owned();
            if !SECTIONS.contains(&section.as_str()) {
                let hint = if section == "ignore" { " ([[ignore]] takes double brackets)" } else { "" };
                return Err(err(
                    n,
                    &format!("unknown section `[{section}]`{hint} (known: [origins], [cookies], [severity], [baseline], [[ignore]])"),
                ));
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(err(n, "expected `key = value`"));
        };
        let key = key.trim().trim_matches('"').to_owned();
        let mut value = value.trim().to_owned();
        if value.starts_with('[') {
            while !value.contains(']') {
                let Some((_, more)) = lines.next() else {
                    return Err(err(n, "the array is not closed with `]`"));
                };
                value.push(' ');
                value.push_str(strip_comment(more).trim());
            }
        }
        let parsed = if value.starts_with('[') {
            parse_string_array(&value).map(Value::Arr)
        } else {
            parse_string(&value).map(Value::Str)
        };
        let known = matches!(
            (section.as_str(), key.as_str()),
            ("origins", "frontends")
                | ("cookies", "cross_site")
                | ("severity", _)
                | ("ignore", _)
                | ("baseline", "file")
        );
        if !known {
            let place =
                if section.is_empty() { "at the top of the file".to_string() } else { format!("in [{section}]") };
            return Err(err(n, &format!("unknown key `{key}` {place}")));
        }
        if section == "ignore" && !IGNORE_KEYS.contains(&key.as_str()) {
            return Err(err(
                n,
                &format!("unknown key `{key}` in [[ignore]] (known: rule, cookie, host, file, reason)"),
            ));
        }
        let Some(value) = parsed else {
            return Err(err(n, &format!("`{key}`: expected a quoted string or an array of quoted strings")));
        };
        match (section.as_str(), key.as_str(), value) {
            ("origins", "frontends", Value::Arr(v)) => cfg.frontends = v,
            ("cookies", "cross_site", Value::Arr(v)) => cfg.cross_site_cookies = v,
            ("severity", rule_id, Value::Str(level)) => {
                let id = rule_id
                    .parse::<crate::analysis::rules::RuleId>()
                    .map_err(|e| err(n, &format!("[severity]: {e}")))?;
                let level = match level.as_str() {
                    "off" => Level::Off,
                    other => Level::At(Severity::parse(other).ok_or_else(|| {
                        err(n, &format!("[severity] {rule_id}: `{other}` is not error, warning, info or off"))
                    })?),
                };
                cfg.policy.levels.push((id, level));
            }
            ("ignore", k, Value::Str(v)) => {
                if let Some((_, kv)) = ignore.as_mut() {
                    kv.push((k.to_string(), v));
                }
            }
            ("baseline", "file", Value::Str(v)) => {
                cfg.baseline_file = Some(path.parent().unwrap_or(Path::new(".")).join(v));
            }
            (_, k, _) => return Err(err(n, &format!("`{k}` has the wrong type here"))),
        }
    }
    finish_ignore(&mut cfg, ignore.take())?;
    Ok(cfg)
}

fn parse_string(v: &str) -> Option<String> {
    let v = v.trim();
    let quote = v.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    v.strip_prefix(quote)?.strip_suffix(quote).map(str::to_owned)
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
        parse(Path::new("crossjar.toml"), text).map_err(|e| e.to_string())
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
    fn unknown_sections_and_keys_and_broken_lines_are_errors_naming_the_line() {
        let e = p("[origins]\nfrontends = [\"https://a.example\"]\n[severty]\ncookie-partitioned = \"info\"\n")
            .unwrap_err();
        assert!(e.starts_with("crossjar.toml:3: unknown section `[severty]`"), "{e}");
        let e = p("[origins]\nfrontend = [\"https://a.example\"]\n").unwrap_err();
        assert!(e.starts_with("crossjar.toml:2: unknown key `frontend` in [origins]"), "{e}");
        let e = p("frontends = [\"x\"]\n").unwrap_err();
        assert!(e.starts_with("crossjar.toml:1: unknown key `frontends` at the top"), "{e}");
        let e = p("[[ignore]]\nrule = \"capture-disagrees\"\nreasn = \"typo\"\n").unwrap_err();
        assert!(e.starts_with("crossjar.toml:3: unknown key `reasn` in [[ignore]]"), "{e}");
        let e = p("[ignore]\nrule = \"capture-disagrees\"\n").unwrap_err();
        assert!(e.contains(":1:") && e.contains("double brackets"), "{e}");
        assert!(p("[[ignores]]\n").unwrap_err().contains(":1: unknown array of tables"));
        let e = p("[origins]\nfrontends = https://a.example\n").unwrap_err();
        assert!(e.starts_with("crossjar.toml:2:"), "{e}");
        assert!(p("[origins\n").unwrap_err().contains(":1:"));
        assert!(p("[origins]\nfrontends = [\"a\"\n").unwrap_err().contains(":2:"));
    }

    #[test]
    fn errors_are_typed_with_place_and_source() {
        let e = parse(Path::new("c.toml"), "[origins]\n[x]\n").unwrap_err();
        assert_eq!((e.line, e.path.as_path()), (Some(2), Path::new("c.toml")));
        assert!(std::error::Error::source(&e).is_none());
        let e = load(Path::new("/nonexistent-crossjar-dir/crossjar.toml")).unwrap_err();
        assert!(e.line.is_none() && std::error::Error::source(&e).is_some(), "{e}");
        assert!(e.to_string().starts_with("/nonexistent-crossjar-dir/crossjar.toml: cannot read: "), "{e}");
    }

    #[test]
    fn policy_sections() {
        let text = "[cookies]\ncross_site = [\"route\"]\n[severity]\ncookie-partitioned = \"warning\"\n\"capture-disagrees\" = \"off\"\n[[ignore]]\nrule = \"samesite-none-insecure\"\ncookie = \"legacy\"\nreason = \"Safari-only widget\"\n[baseline]\nfile = \"known.txt\"\n";
        let c = p(text).unwrap();
        assert_eq!(c.cross_site_cookies, ["route"]);
        assert_eq!(c.policy.levels.len(), 2);
        assert_eq!(c.policy.levels[1], (crate::analysis::rules::RuleId::CaptureDisagrees, Level::Off));
        assert_eq!(c.policy.ignores[0].cookie.as_deref(), Some("legacy"));
        assert_eq!(c.baseline_file.as_deref(), Some(Path::new("known.txt")));
        let e = p("[[ignore]]\nrule = \"samesite-none-insecure\"\n").unwrap_err();
        assert!(e.contains(":1:") && e.contains("reason"), "{e}");
        let e = p("[severity]\nno-such-rule = \"error\"\n").unwrap_err();
        assert!(e.contains(":2:") && e.contains("no-such-rule"), "{e}");
        let e = p("[severity]\ncookie-partitioned = \"info\"\ncookie-partition = \"off\"\n").unwrap_err();
        assert!(e.contains(":3:") && e.contains("did you mean `cookie-partitioned`"), "{e}");
        let e = p("[severity]\ncookie-partitioned = \"loud\"\n").unwrap_err();
        assert!(e.contains("loud"), "{e}");
    }
}
