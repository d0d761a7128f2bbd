//! Every string that came from an input, escaped for the sink it is written to. A capture can carry
//! anything in `creator.name`, a header value or a file name: ESC and BEL sequences that would drive
//! the user's terminal, characters XML 1.0 forbids, line breaks that would start a new workflow
//! command. Each sink gets its own rule:
//!
//! - text (stdout and stderr): control characters are shown as `\u{1b}` (Rust's notation); line feeds
//!   and tabs stay (messages have lines), carriage returns do not (they overwrite a line);
//! - XML: characters XML 1.0 does not allow (and CR) are shown the same way, as text, never as `&#x1b;`;
//! - JSON: serde_json escapes them already;
//! - GitHub workflow commands: `%`, CR and LF `%`-encoded, other controls shown as `\u{…}`.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw: C0 controls but LF and TAB, DEL, C1 controls, and the
/// bidirectional overrides that reorder what a terminal shows.
fn unsafe_in_text(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` must not stand raw in XML: not allowed by XML 1.0 (§2.2 `Char`), or a terminal trick
/// (a CR too: parsers turn it into a line feed, or a space in an attribute, so it is shown instead).
fn unsafe_in_xml(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        || unsafe_in_text(c)
}

fn shown(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

fn replace_where(s: &str, bad: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            shown(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// For a terminal or a text file: control characters as `\u{1b}`; LF and TAB kept.
pub fn text(s: &str) -> Cow<'_, str> {
    replace_where(s, unsafe_in_text)
}

/// For one line of text: like [`text`], and LF too.
pub fn line(s: &str) -> Cow<'_, str> {
    replace_where(s, |c| c == '\n' || c == '\t' || unsafe_in_text(c))
}

/// For XML content and attributes: markup characters as entities, characters XML 1.0 forbids (and
/// terminal controls) as `\u{1b}` text.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if unsafe_in_xml(c) => shown(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// For a GitHub workflow command's message: `%`, CR, LF `%`-encoded, other controls as `\u{…}`.
pub fn github_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if unsafe_in_text(c) || c == '\t' => shown(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// For a GitHub workflow command's property: as [`github_data`], and `:` and `,` too.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A writer that passes text through [`text`] on its way to `inner`, for renderers that write
/// straight to a stream. Bytes that are not UTF-8 are shown as U+FFFD.
pub struct TextWriter<'a> {
    inner: &'a mut dyn std::io::Write,
    /// The start of a character split between two writes.
    pending: Vec<u8>,
}

impl<'a> TextWriter<'a> {
    /// Escapes what is written before it reaches `inner`.
    pub fn new(inner: &'a mut dyn std::io::Write) -> Self {
        TextWriter { inner, pending: Vec::new() }
    }
}

impl std::io::Write for TextWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.inner.write_all(text(s).as_bytes())?;
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // Valid up to here by construction.
                    self.inner.write_all(text(std::str::from_utf8(good).unwrap_or_default()).as_bytes())?;
                    match e.error_len() {
                        None => {
                            self.pending = bad.to_vec();
                            break;
                        }
                        Some(n) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            rest = &bad[n..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_shows_controls_and_keeps_lines() {
        assert_eq!(text("a\x1b[31mb\x07\nc\td\r"), "a\\u{1b}[31mb\\u{7}\nc\td\\u{d}");
        assert!(matches!(text("plain é ✓"), Cow::Borrowed(_)));
        assert_eq!(text("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        assert_eq!(line("a\nb"), "a\\u{a}b");
    }

    #[test]
    fn xml_never_writes_a_forbidden_character_reference() {
        let x = xml("<a b=\"c\">&\x1b\x00\u{fffe}\r\n");
        assert_eq!(x, "&lt;a b=&quot;c&quot;&gt;&amp;\\u{1b}\\u{0}\\u{fffe}\\u{d}\n");
        assert!(!x.contains("&#"));
    }

    #[test]
    fn the_writer_escapes_across_split_characters() {
        use std::io::Write;
        let mut out = Vec::new();
        let mut w = TextWriter::new(&mut out);
        let s = "é\x1bx".as_bytes();
        w.write_all(&s[..1]).unwrap();
        w.write_all(&s[1..]).unwrap();
        drop(w);
        assert_eq!(String::from_utf8(out).unwrap(), "é\\u{1b}x");
    }

    #[test]
    fn github_encodes_breaks_and_shows_controls() {
        assert_eq!(github_data("50%\r\nx\x1b"), "50%25%0D%0Ax\\u{1b}");
        assert_eq!(github_property("a:b,c"), "a%3Ab%2Cc");
    }
}
