//! Shared plumbing for the conformance harness: where the vectors live, the deviations file, and the
//! per-suite scorekeeping that prints one summary line and fails on undocumented failures.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// `../shared/conformance` next to the crate, or `None` (after printing one line) when absent.
pub fn conformance_dir(suite: &str) -> Option<PathBuf> {
    conformance_dir_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"), suite)
}

/// `<shared>/conformance` if it is a directory; otherwise prints one line saying so and returns `None`.
pub fn conformance_dir_in(shared: &Path, suite: &str) -> Option<PathBuf> {
    let dir = shared.join("conformance");
    if dir.is_dir() {
        Some(dir)
    } else {
        show(&format!("{suite}: skipped, {} not present", dir.display()));
        None
    }
}

/// Writes one line straight to stderr, past libtest's output capture, so the summary lines show in a
/// plain `cargo test` run and not only with `--nocapture` or on failure.
pub fn show(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Reads and parses one JSON file; the error names the file.
pub fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    // bsd-examples.json opens with a `//` licence header, which is not JSON.
    let body: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    serde_json::from_str(&body)
        .map_err(|e| format!("{}: invalid JSON at line {} column {}: {e}", path.display(), e.line(), e.column()))
}

/// One documented deviation: a vector whose published expectation is not what current browsers do.
#[derive(Clone, Debug, Default)]
pub struct Deviation {
    /// Suite name, as in the summary line.
    pub suite: String,
    /// Vector id within the suite.
    pub id: String,
    /// Why the published expectation does not hold for a current browser.
    pub reason: String,
    /// Spec section or public source backing the reason.
    pub source: String,
    /// What current browsers produce instead, in the suite's rendering; when present the harness
    /// asserts it, so a deviation documents a different answer, not "anything goes".
    pub expected: Option<String>,
}

/// Parses `tests/deviations/cookies.toml`.
///
/// Only the subset the file uses is accepted: `#` comments, `[[deviation]]` headers and
/// `key = "basic string"` lines (escapes `\"`, `\\`, `\n`, `\t`, `\uXXXX`). Anything else is an
/// error naming the line, so a typo cannot silently drop an entry.
pub fn parse_deviations(text: &str, file: &str) -> Result<Vec<Deviation>, String> {
    let mut out: Vec<Deviation> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let at = || format!("{file}:{}", n + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[deviation]]" {
            out.push(Deviation::default());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("{}: expected `key = \"value\"`", at()));
        };
        let value = parse_basic_string(value.trim()).map_err(|e| format!("{}: {e}", at()))?;
        let Some(cur) = out.last_mut() else {
            return Err(format!("{}: key outside a [[deviation]] table", at()));
        };
        match key.trim() {
            "suite" => cur.suite = value,
            "id" => cur.id = value,
            "reason" => cur.reason = value,
            "source" => cur.source = value,
            "expected" => cur.expected = Some(value),
            other => return Err(format!("{}: unknown key `{other}`", at())),
        }
    }
    for (i, d) in out.iter().enumerate() {
        if d.suite.is_empty() || d.id.is_empty() || d.reason.is_empty() || d.source.is_empty() {
            return Err(format!("{file}: deviation #{} lacks one of suite, id, reason, source", i + 1));
        }
    }
    Ok(out)
}

fn parse_basic_string(s: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(|| format!("value must be a double-quoted string, got `{s}`"))?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let cp = u32::from_str_radix(&hex, 16).map_err(|_| format!("bad \\u escape `{hex}`"))?;
                out.push(char::from_u32(cp).ok_or_else(|| format!("bad code point {hex}"))?);
            }
            other => return Err(format!("unsupported escape `\\{}`", other.map(String::from).unwrap_or_default())),
        }
    }
    Ok(out)
}

/// Loads the deviations of one suite (all entries are validated, whatever their suite).
pub fn load_deviations(suite: &str) -> Result<BTreeMap<String, Deviation>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/deviations/cookies.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut map = BTreeMap::new();
    for d in parse_deviations(&text, "tests/deviations/cookies.toml")? {
        if d.suite == suite {
            let id = d.id.clone();
            if map.insert(id.clone(), d).is_some() {
                return Err(format!("tests/deviations/cookies.toml: duplicate entry {suite}/{id}"));
            }
        }
    }
    Ok(map)
}

/// What one vector produced.
pub struct Outcome {
    /// Vector id.
    pub id: String,
    /// Human-readable input (Set-Cookie lines, URLs).
    pub input: String,
    /// The published expectation.
    pub expected: String,
    /// What the model produced.
    pub actual: String,
}

/// Scorekeeping for one suite.
pub struct Suite {
    name: String,
    deviations: BTreeMap<String, Deviation>,
    seen: BTreeSet<String>,
    run: usize,
    passed: usize,
    deviated: usize,
    skipped: Vec<(String, String)>,
    failures: Vec<String>,
}

impl Suite {
    /// A suite with its deviations loaded; a broken deviations file is itself a failure.
    pub fn new(name: &str) -> Suite {
        let mut failures = Vec::new();
        let deviations = load_deviations(name).unwrap_or_else(|e| {
            failures.push(e);
            BTreeMap::new()
        });
        Suite {
            name: name.to_string(),
            deviations,
            seen: BTreeSet::new(),
            run: 0,
            passed: 0,
            deviated: 0,
            skipped: Vec::new(),
            failures,
        }
    }

    /// Records a loader problem (bad file, bad vector shape) as a failure.
    pub fn error(&mut self, msg: String) {
        self.failures.push(msg);
    }

    /// A vector that cannot be expressed against the model, with the reason.
    pub fn skip(&mut self, id: &str, reason: &str) {
        self.seen.insert(id.to_string());
        self.skipped.push((id.to_string(), reason.to_string()));
    }

    /// Scores one vector against its published expectation and, if listed, its deviation.
    pub fn record(&mut self, o: Outcome) {
        self.run += 1;
        if !self.seen.insert(o.id.clone()) {
            self.failures.push(format!("[{}] duplicate vector id (harness bug)", o.id));
        }
        let matches = o.actual == o.expected;
        match (self.deviations.get(&o.id), matches) {
            (None, true) => self.passed += 1,
            (None, false) => self.failures.push(format!(
                "[{}] input: {}\n    expected: {:?}\n    actual:   {:?}",
                o.id, o.input, o.expected, o.actual
            )),
            (Some(_), true) => self.failures.push(format!(
                "[{}] STALE deviation: the published expectation {:?} now passes; remove the entry from tests/deviations/cookies.toml",
                o.id, o.expected
            )),
            (Some(d), false) => {
                match &d.expected {
                    Some(alt) if *alt != o.actual => self.failures.push(format!(
                        "[{}] documented deviation, but the current-browser expectation is not met either\n    input: {}\n    published: {:?}\n    current:   {:?}\n    actual:    {:?}",
                        o.id, o.input, o.expected, alt, o.actual
                    )),
                    _ => self.deviated += 1,
                }
            }
        }
    }

    /// Prints the summary line and every failure; panics (fails the test) if anything failed.
    pub fn finish(mut self) {
        for id in self.deviations.keys() {
            if !self.seen.contains(id) {
                self.failures.push(format!("[{id}] deviation lists a vector id that does not exist in the suite"));
            }
        }
        let mut line = format!(
            "{}: {} run, {} passed, {} documented deviations, {} failed",
            self.name,
            self.run,
            self.passed,
            self.deviated,
            self.run - self.passed - self.deviated
        );
        if !self.skipped.is_empty() {
            let _ = write!(line, ", {} skipped", self.skipped.len());
        }
        show(&line);
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, r) in &self.skipped {
            *by_reason.entry(r.as_str()).or_default() += 1;
        }
        for (r, n) in by_reason {
            show(&format!("  {}: skipped {n}: {r}", self.name));
        }
        if !self.failures.is_empty() {
            let mut msg = format!("{} failure(s) in {}:\n", self.failures.len(), self.name);
            for f in &self.failures {
                msg.push_str(f);
                msg.push('\n');
            }
            println!("{msg}");
            panic!("{line}; {} undocumented failure(s), see above", self.failures.len());
        }
    }
}

/// Shortens long inputs (4 KiB cookies) for failure messages.
pub fn short(s: &str) -> String {
    const MAX: usize = 160;
    if s.chars().count() <= MAX {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(MAX).collect();
    format!("{head:?}... ({} chars)", s.chars().count())
}

impl Suite {
    /// A suite with the given deviations instead of the file's (for the harness's own tests).
    pub fn with_deviations(name: &str, devs: Vec<Deviation>) -> Suite {
        let mut s = Suite::new(name);
        s.failures.clear();
        s.deviations = devs.into_iter().map(|d| (d.id.clone(), d)).collect();
        s
    }

    /// `(run, passed, deviations, failures)` so far.
    pub fn tally(&self) -> (usize, usize, usize, usize) {
        (self.run, self.passed, self.deviated, self.failures.len())
    }
}

/// The harness checks itself: the deviations parser and the scoring rules (stale deviations fail,
/// a deviation's current expectation must hold).
pub fn self_checks() {
    assert!(conformance_dir_in(Path::new("/nonexistent/crossjar-shared"), "self").is_none());
    let text =
        "# c\n[[deviation]]\nsuite = \"s\"\nid = \"a\\\"b\"\nreason = \"r\"\nsource = \"x\"\nexpected = \"t\\u0041\"\n";
    let d = parse_deviations(text, "t").expect("parses");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].id, "a\"b");
    assert_eq!(d[0].expected.as_deref(), Some("tA"));
    assert!(parse_deviations("[[deviation]]\nsuite = s\n", "t").unwrap_err().contains("t:2"));
    assert!(parse_deviations("[[deviation]]\nsuite = \"s\"\n", "t").unwrap_err().contains("lacks"));
    assert!(parse_deviations("[[deviation]]\nfoo = \"s\"\n", "t").unwrap_err().contains("unknown key"));

    let dev = |id: &str, expected: Option<&str>| Deviation {
        suite: "self".into(),
        id: id.into(),
        reason: "r".into(),
        source: "s".into(),
        expected: expected.map(str::to_string),
    };
    let o = |id: &str, expected: &str, actual: &str| Outcome {
        id: id.into(),
        input: String::new(),
        expected: expected.into(),
        actual: actual.into(),
    };
    let mut s =
        Suite::with_deviations("self", vec![dev("stale", None), dev("dev", Some("new")), dev("wrong", Some("new"))]);
    s.record(o("ok", "a", "a"));
    s.record(o("bad", "a", "b"));
    s.record(o("stale", "a", "a"));
    s.record(o("dev", "old", "new"));
    s.record(o("wrong", "old", "other"));
    assert_eq!(s.tally(), (5, 1, 1, 3));
}
