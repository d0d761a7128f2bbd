//! A position-keeping YAML tree for Kubernetes manifests.
//!
//! Manifests are read into a small generic tree (not typed structs) because the same walk must
//! serve Ingress, Service, Traefik and Gateway API objects, and because every value a finding
//! points at needs its own `line:column`. Mapping entries are kept in source order *with*
//! duplicates, so duplicate annotation keys can be reported instead of silently merged.

use crate::evidence::{InputError, Location};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, Spanned};
use std::fmt;
use std::path::Path;

/// A YAML value as read, without position.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `~`, `null` or an empty value.
    Null,
    /// A YAML 1.2 boolean (`true`/`false`).
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
    /// A string (plain or quoted).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, duplicate keys kept.
    Map(Vec<(Node, Node)>),
}

/// A YAML value with the 1-based line and column where it starts (relative to its document chunk
/// until [`Node::shift`] fixes it up to the file).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Where the mapping key of this value is, when the value sits in a mapping: a finding about
    /// a whole block (`sessionPersistence:`) should point at its key, not at its first child.
    pub key_at: Option<(usize, usize)>,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            line: s.referenced.line() as usize,
            column: s.referenced.column() as usize,
            key_at: None,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or(Value::Str(v.to_string()), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            out.push(n);
        }
        Ok(Value::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some((k, mut v)) = map.next_entry::<Node, Node>()? {
            v.key_at = Some((k.line, k.column));
            out.push((k, v));
        }
        Ok(Value::Map(out))
    }
}

impl Node {
    /// The string, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar as text as Kubernetes would see it after JSON conversion (`true`, `80`), if it
    /// is a scalar.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Null => None,
            _ => None,
        }
    }

    /// The value of the first entry named `key` in a mapping (the last one if duplicated, which is
    /// what Kubernetes' JSON decoding keeps).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut cur = self;
        for k in keys {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    /// String at a path of keys.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys).and_then(Node::as_str)
    }

    /// Sequence items (empty if not a sequence).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(v) => v,
            _ => &[],
        }
    }

    /// Mapping entries (empty if not a mapping).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(v) => v,
            _ => &[],
        }
    }

    /// This node's place in `file`.
    pub fn location(&self, file: &Path) -> Location {
        Location { file: file.to_path_buf(), line: Some(self.line), column: Some(self.column), entry: None }
    }

    /// Where the field holding this value is written: its key when it has one, else the value.
    pub fn field_location(&self, file: &Path) -> Location {
        let (line, column) = self.key_at.unwrap_or((self.line, self.column));
        Location { file: file.to_path_buf(), line: Some(line), column: Some(column), entry: None }
    }

    fn shift(&mut self, lines: usize) {
        self.line += lines;
        if let Some((l, _)) = &mut self.key_at {
            *l += lines;
        }
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift(lines)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.shift(lines);
                v.shift(lines);
            }),
            _ => {}
        }
    }
}

/// One document of a file: its root node.
#[derive(Clone, Debug)]
pub struct Document {
    /// The root.
    pub root: Node,
}

/// Splits a YAML stream into document chunks at `---` / `...` marker lines, returning each chunk
/// with the 0-based line where it starts. Splitting ourselves (instead of one stream parse) means
/// a syntax error in one document does not hide the documents after it.
fn split_documents(text: &str) -> Vec<(usize, &str)> {
    let mut chunks = Vec::new();
    let mut start_byte = 0;
    let mut start_line = 0;
    let mut byte = 0;
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let is_marker =
            |m: &str| trimmed == m || (trimmed.starts_with(m) && trimmed[m.len()..].starts_with([' ', '\t']));
        if line_no > 0 && is_marker("---") {
            chunks.push((start_line, &text[start_byte..byte]));
            start_byte = byte;
            start_line = line_no;
        } else if is_marker("...") {
            chunks.push((start_line, &text[start_byte..byte]));
            // The `...` line ends the document; the next chunk starts after it.
            start_byte = byte + line.len();
            start_line = line_no + 1;
        }
        byte += line.len();
    }
    chunks.push((start_line, &text[start_byte..]));
    chunks
}

/// Alias replays allowed for one whole input (all its documents together): manifests barely use
/// aliases, and concatenated alias bombs must cost what one does.
const INPUT_ALIAS_BUDGET: usize = 100_000;

fn options(alias_budget: usize) -> serde_saphyr::Options {
    // Raised node/event counts so a `kind: List` of thousands of objects fits. Alias replays are
    // capped well below the library default: manifests barely use aliases, and an alias bomb
    // must end quickly with an error.
    let mut o = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: 20_000_000,
            max_events: 40_000_000,
            max_documents: 4,
        },
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
    };
    o.alias_limits.max_total_replayed_events = alias_budget;
    o
}

/// The alias-replay budget of each document of an input: the input's budget shared among the
/// documents that could use aliases (hold both `&` and `*`), so the total stays bounded however many
/// documents the input has.
fn alias_budget_per_document(chunks: &[(usize, &str)]) -> usize {
    let with_aliases = chunks.iter().filter(|(_, c)| c.contains('&') && c.contains('*')).count().max(1);
    (INPUT_ALIAS_BUDGET / with_aliases).max(64)
}

/// Where a document chunk holds an unrendered template expression: Helm's `{{ … }}` anywhere outside
/// a comment, or an `envsubst`-style `${VAR}` as the value of a field that names a host, namespace,
/// object or secret (elsewhere, e.g. in nginx snippets, `${…}` is ordinary text). Returns the 0-based
/// line within the chunk, the 1-based column and the expression.
fn template_at(chunk: &str) -> Option<(usize, usize, String, bool)> {
    const KEYS: &[&str] = &["host", "hosts", "namespace", "name", "fqdn", "hostname", "hostnames", "secretName"];
    // `${…}` only counts in the kinds that are read: a ConfigMap's script may well say `host: ${HOST}`.
    let read_kind = chunk
        .lines()
        .any(|l| l.strip_prefix("kind:").is_some_and(|k| super::KINDS.contains(&k.trim().trim_matches(['"', '\'']))));
    for (i, line) in chunk.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        // A Helm action opens and closes on one line (`{{ .Values.x }}`, `{{- end }}`).
        if let Some(c) = line.find("{{") {
            if let Some(e) = line[c + 2..].find("}}") {
                let end = c + 2 + e + 2;
                return Some((i, line[..c].chars().count() + 1, line[c..end].to_owned(), true));
            }
        }
        if let Some(c) = line.find("${").filter(|_| read_kind) {
            let item = trimmed.trim_start_matches("- ");
            let key = item.split_once(':').map(|(k, _)| k.trim());
            let value_is_var = item.trim_start_matches(['"', '\'']).starts_with("${");
            if key.is_some_and(|k| KEYS.contains(&k)) || value_is_var {
                let end = line[c..].find('}').map_or(line.len(), |e| c + e + 1);
                return Some((i, line[..c].chars().count() + 1, line[c..end].to_owned(), false));
            }
        }
    }
    None
}

/// Reads every document of `text`; documents that fail come back as [`InputError`]s naming
/// `file:line:column`, the others are returned. Documents holding unrendered templates are not
/// analysed (a guessed host or namespace would give confident wrong verdicts): one error per file
/// says where the first one is and how to render them.
pub fn read_documents(file: &Path, text: &str) -> (Vec<Document>, Vec<InputError>) {
    let mut chunks = split_documents(text);
    let mut template: Option<(usize, usize, String, bool)> = None;
    let mut skipped = 0usize;
    chunks.retain(|&(first_line, chunk)| match template_at(chunk) {
        Some((l, c, expr, helm)) => {
            skipped += 1;
            if template.is_none() {
                template = Some((first_line + l + 1, c, expr, helm));
            }
            false
        }
        None => true,
    });
    let mut template_error = template.map(|(line, column, expr, helm)| {
        let how = if helm {
            "render it first: `helm template RELEASE CHART > rendered.yaml`, then run crossjar on rendered.yaml"
        } else {
            "render it first: `envsubst < FILE > rendered.yaml`, then run crossjar on rendered.yaml"
        };
        InputError {
            location: Location { file: file.to_path_buf(), line: Some(line), column: Some(column), entry: None },
            message: format!(
                "unrendered template `{expr}`: {how}; {skipped} document(s) with template expressions skipped, no host or namespace guessed"
            ),
        }
    });
    // Many documents (a cluster dump, a Helm render): parse them on every core, in order. Documents
    // are independent, so the result is the same as one pass.
    let budget = alias_budget_per_document(&chunks);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if threads < 2 || chunks.len() < 64 {
        let (docs, mut errors) = read_chunks(file, &chunks, budget);
        errors.extend(template_error.take());
        return (docs, collapse(errors));
    }
    let per = chunks.len().div_ceil(threads);
    let parts: Vec<(Vec<Document>, Vec<InputError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            chunks.chunks(per).map(|part| scope.spawn(move || read_chunks(file, part, budget))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (d, e) in parts {
        docs.extend(d);
        errors.extend(e);
    }
    errors.extend(template_error);
    (docs, collapse(errors))
}

/// Broken documents named one by one, up to this many per input; the rest are counted in one line.
const ERRORS_NAMED_PER_INPUT: usize = 10;

/// Keeps the first [`ERRORS_NAMED_PER_INPUT`] errors of an input and sums up the rest in one error
/// (at the first one left out), so thousands of broken documents cost one line each only up to a
/// point.
fn collapse(mut errors: Vec<InputError>) -> Vec<InputError> {
    if errors.len() <= ERRORS_NAMED_PER_INPUT + 1 {
        return errors;
    }
    let rest = errors.split_off(ERRORS_NAMED_PER_INPUT);
    let first = &rest[0];
    errors.push(InputError {
        location: first.location.clone(),
        message: format!(
            "{} more documents skipped (from here on; the first: {})",
            rest.len(),
            first.message.trim_start_matches("YAML document skipped: ")
        ),
    });
    errors
}

fn read_chunks(file: &Path, chunks: &[(usize, &str)], alias_budget: usize) -> (Vec<Document>, Vec<InputError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for &(first_line, chunk) in chunks {
        if chunk.trim().is_empty() {
            continue;
        }
        match serde_saphyr::from_str_with_options::<Option<Node>>(chunk, options(alias_budget)) {
            Ok(Some(mut root)) => {
                root.shift(first_line);
                docs.push(Document { root });
            }
            Ok(None) => {}
            Err(e) => {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line() as usize + first_line, l.column() as usize))
                    .unwrap_or((first_line + 1, 1));
                let msg = e.without_snippet().to_string();
                let msg = msg.lines().next().unwrap_or("invalid YAML");
                // The library's own position is relative to the document chunk; ours is not.
                let msg = msg.rfind(" at line ").map_or(msg, |i| &msg[..i]).to_owned();
                errors.push(InputError {
                    location: Location {
                        file: file.to_path_buf(),
                        line: Some(line),
                        column: Some(column),
                        entry: None,
                    },
                    message: format!("YAML document skipped: {msg}"),
                });
            }
        }
    }
    (docs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_document_markers_keeping_line_numbers() {
        let text = "a: 1\n---\nb: 2\n--- # c\nc: 3\n...\nd: 4\n---not-a-marker: 5\n";
        let chunks = split_documents(text);
        let starts: Vec<usize> = chunks.iter().map(|(l, _)| *l).collect();
        assert_eq!(starts, [0, 1, 3, 6]);
        assert!(chunks[3].1.contains("---not-a-marker"));
    }

    #[test]
    fn positions_are_file_lines_and_keys_are_remembered() {
        let text = "x: 1\n---\nmetadata:\n  annotations:\n    k: \"v\"\n";
        let (docs, errs) = read_documents(Path::new("f.yaml"), text);
        assert!(errs.is_empty());
        let v = docs[1].root.path(&["metadata", "annotations", "k"]).unwrap();
        assert_eq!((v.line, v.column), (5, 8));
        let ann = docs[1].root.path(&["metadata", "annotations"]).unwrap();
        assert_eq!(ann.key_at, Some((4, 3)));
    }

    #[test]
    fn templates_are_recognised_not_guessed() {
        let helm = "kind: Ingress\nmetadata:\n  namespace: {{ .Release.Namespace }}\n---\nkind: Service\nmetadata: {name: s}\n";
        let (docs, errs) = read_documents(Path::new("t.yaml"), helm);
        assert_eq!(docs.len(), 1, "the rendered document is still read");
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].location.line, errs[0].location.column), (Some(3), Some(14)));
        assert!(errs[0].message.contains("helm template"), "{}", errs[0].message);
        let env = "kind: Ingress\nspec:\n  rules:\n    - host: ${HOST}\n";
        let (docs, errs) = read_documents(Path::new("t.yaml"), env);
        assert!(docs.is_empty());
        assert!(errs[0].message.contains("envsubst") && errs[0].message.contains("`${HOST}`"), "{}", errs[0].message);
        // `${…}` in a snippet is nginx text, not a template; comments are ignored.
        let snippet =
            "# {{ not a template }}\nmetadata:\n  annotations:\n    x/configuration-snippet: |\n      set $a ${b};\n";
        let (docs, errs) = read_documents(Path::new("t.yaml"), snippet);
        assert_eq!((docs.len(), errs.len()), (1, 0), "{errs:?}");
        let script = "kind: ConfigMap\ndata:\n  run.sh: |\n    host: ${HOST}\n";
        let (docs, errs) = read_documents(Path::new("t.yaml"), script);
        assert_eq!((docs.len(), errs.len()), (1, 0), "a ConfigMap script is not a template: {errs:?}");
    }

    #[test]
    fn duplicate_keys_are_kept_in_order_and_last_wins_on_lookup() {
        let (docs, _) = read_documents(Path::new("f"), "a: 1\na: 2\n");
        assert_eq!(docs[0].root.entries().len(), 2);
        assert_eq!(docs[0].root.get("a").unwrap().value, Value::Int(2));
    }
}
