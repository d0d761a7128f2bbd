//! Where each HAR entry starts: the 1-based line of every `log.entries[i]` in the file, so outputs
//! that point at a place (SARIF, GitHub annotations) can point at the entry a finding names.
//!
//! A second, cheap pass over the bytes (strings, nesting and two keys; no values are parsed), run
//! only for those outputs and only on files (standard input cannot be read twice). Memory: one
//! number per entry.

use std::io::Read;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    /// The top-level object.
    Root,
    /// `log`.
    Log,
    /// `log.entries`.
    Entries,
    Other,
}

struct Frame {
    tag: Tag,
    object: bool,
    /// In an object: the next string is a key.
    expect_key: bool,
    /// In an object: the last key, when it is one this scan looks for.
    key: Option<&'static str>,
}

/// The line of each entry of `log.entries`, in order. A file that is not a HAR (or is cut short)
/// gives the entries seen before the problem; the reader's own errors are reported elsewhere.
pub fn har_entry_lines(mut reader: impl Read) -> std::io::Result<Vec<usize>> {
    let mut lines = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let (mut line, mut in_string, mut escape) = (1usize, false, false);
    // The string being read, kept only while it could still be `log` or `entries`.
    let mut string: Vec<u8> = Vec::with_capacity(8);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                line += 1;
            }
            if in_string {
                if escape {
                    escape = false;
                } else if b == b'\\' {
                    escape = true;
                } else if b == b'"' {
                    in_string = false;
                    if let Some(top) = stack.last_mut().filter(|f| f.object && f.expect_key) {
                        top.expect_key = false;
                        top.key = match (top.tag, string.as_slice()) {
                            (Tag::Root, b"log") => Some("log"),
                            (Tag::Log, b"entries") => Some("entries"),
                            _ => None,
                        };
                    }
                } else if string.len() < 8 {
                    string.push(b);
                }
                continue;
            }
            match b {
                b'"' => {
                    in_string = true;
                    string.clear();
                }
                b'{' | b'[' => {
                    let object = b == b'{';
                    let tag = match stack.last() {
                        None if object => Tag::Root,
                        Some(p) if p.tag == Tag::Root && object && p.key == Some("log") => Tag::Log,
                        Some(p) if p.tag == Tag::Log && !object && p.key == Some("entries") => Tag::Entries,
                        Some(p) if p.tag == Tag::Entries && object => {
                            lines.push(line);
                            Tag::Other
                        }
                        _ => Tag::Other,
                    };
                    stack.push(Frame { tag, object, expect_key: object, key: None });
                }
                b'}' | b']' => {
                    stack.pop();
                    if stack.is_empty() {
                        return Ok(lines);
                    }
                }
                b',' => {
                    if let Some(top) = stack.last_mut().filter(|f| f.object) {
                        top.expect_key = true;
                        top.key = None;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::har_entry_lines;

    fn lines(text: &str) -> Vec<usize> {
        har_entry_lines(text.as_bytes()).unwrap()
    }

    #[test]
    fn finds_each_entry_line_and_nothing_else() {
        let har = "{\n \"x\": {\"entries\": [{}]},\n \"log\": {\n  \"pages\": [{\"entries\": [{}]}],\n  \"entries\": [\n   {\"request\": {\"url\": \"a\\\"{[\"}},\n\n   {\"log\": {\"entries\": [{}]}}, {}\n  ]\n }\n}\n";
        assert_eq!(lines(har), vec![6, 8, 8]);
        assert_eq!(lines("{\"log\":{\"entries\":[]}}"), Vec::<usize>::new());
        assert_eq!(lines("not json"), Vec::<usize>::new());
        // Cut short: the entries seen so far.
        assert_eq!(lines("{\"log\":{\"entries\":[\n{},\n{"), vec![2, 3]);
    }

    #[test]
    fn agrees_with_the_fixtures() {
        let root = env!("CARGO_MANIFEST_DIR");
        let path = format!("{root}/fixtures/har/seed-a-default-credentials.har");
        let text = std::fs::read_to_string(&path).unwrap();
        let found = lines(&text);
        let har: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(found.len(), har["log"]["entries"].as_array().unwrap().len());
        // Each line holds the opening brace of an entry (pretty-printed: alone on its line).
        for l in &found {
            assert_eq!(text.lines().nth(l - 1).unwrap().trim(), "{", "line {l}");
        }
    }
}
