//! tough-cookie's tables (`tough-cookie/parse.spec.json`, `matching.spec.json`): a library's opinions,
//! not browser truth. Parse rows go through [`parse_set_cookie`] and compare only the fields the row
//! lists (tough-cookie's partial match). Matching rows go through the model's `domain_match`,
//! `path_match` and `default_path`; rows about `null`/`undefined` inputs and tough-cookie internals
//! (`permuteDomain`, `canonicalDomain`) are skipped with the reason.

use super::common::{conformance_dir, read_json, Outcome, Suite};
use crossjar::model::cookie::{default_path, domain_match, path_match};
use crossjar::model::set_cookie::{parse_set_cookie, SameSiteAttr};
use serde_json::Value;

/// Runs both files, each with its own summary line.
pub fn run() {
    let Some(dir) = conformance_dir("tough-cookie") else { return };
    let mut parse = Suite::new("tough-cookie-parse");
    let mut matching = Suite::new("tough-cookie-matching");
    let p = dir.join("tough-cookie/parse.spec.json");
    match read_json(&p) {
        Ok(doc) => run_parse(&doc, &mut parse, &p.display().to_string()),
        Err(e) => parse.error(e),
    }
    let m = dir.join("tough-cookie/matching.spec.json");
    match read_json(&m) {
        Ok(doc) => run_matching(&doc, &mut matching, &m.display().to_string()),
        Err(e) => matching.error(e),
    }
    let r1 = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse.finish()));
    matching.finish();
    if let Err(p) = r1 {
        std::panic::resume_unwind(p);
    }
}

fn run_parse(doc: &Value, suite: &mut Suite, file: &str) {
    let Some(vectors) = doc.get("vectors").and_then(Value::as_array) else {
        suite.error(format!("{file}: no vectors"));
        return;
    };
    for (i, v) in vectors.iter().enumerate() {
        let id = v.get("id").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| format!("#{i}"));
        let Some(raw) = v.get("input").and_then(Value::as_str) else {
            suite.skip(&id, "input is JavaScript `undefined`, which a Rust &str cannot be");
            continue;
        };
        let input = expand_repeat(raw);
        let got = parse_set_cookie(&input);
        let (expected, actual) = match (v.get("expected"), &got) {
            (Some(Value::Null), Ok(c)) => ("(no cookie)".to_string(), format!("cookie {:?}={:?}", c.name, c.value)),
            (Some(Value::Null), Err(_)) => ("(no cookie)".to_string(), "(no cookie)".to_string()),
            (Some(Value::Object(want)), res) => {
                let mut exp = Vec::new();
                let mut act = Vec::new();
                for (field, wv) in want {
                    exp.push(format!("{field}={}", render(field, wv)));
                    act.push(format!(
                        "{field}={}",
                        res.as_ref().map(|c| field_of(c, field)).unwrap_or_else(|e| format!("(no cookie: {e:?})"))
                    ));
                }
                (exp.join(", "), act.join(", "))
            }
            _ => {
                suite.error(format!("{file}: vector {id}: `expected` is neither null nor an object"));
                continue;
            }
        };
        let mut shown = raw.to_string();
        if shown.len() > 120 {
            shown.truncate(120);
        }
        suite.record(Outcome { id, input: format!("{shown:?}"), expected, actual });
    }
}

/// `<REPEAT c>` stands for `c` repeated 65535 times (see the vector's `input_template_note`).
fn expand_repeat(s: &str) -> String {
    match (s.find("<REPEAT "), s.find('>')) {
        (Some(a), Some(b)) if b > a + 8 => {
            let c = &s[a + 8..b];
            format!("{}{}{}", &s[..a], c.repeat(65_535), &s[b + 1..])
        }
        _ => s.to_string(),
    }
}

fn render(field: &str, v: &Value) -> String {
    // tough-cookie keeps unknown attributes verbatim (`Foo=Bar`); the model records the names of the
    // attributes it ignored, so only names are compared.
    if let (Some(list), "extensions") = (v.as_array(), field) {
        let names: Vec<&str> =
            list.iter().filter_map(Value::as_str).map(|e| e.split('=').next().unwrap_or(e)).collect();
        return format!("{names:?}");
    }
    match v {
        Value::Null => "null".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The model's value of a tough-cookie field, in tough-cookie's rendering.
fn field_of(c: &crossjar::model::set_cookie::SetCookie, field: &str) -> String {
    match field {
        "key" => c.name.clone(),
        "value" => c.value.clone(),
        "expires" => c.expires.map(|t| t.to_rfc3339()).unwrap_or_else(|| "Infinity".into()),
        "maxAge" => c.max_age.map(|m| m.to_string()).unwrap_or_else(|| "null".into()),
        // An empty Domain= is recorded as Some("") and stores a host-only cookie, i.e. no domain.
        "domain" => c.domain.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| "null".into()),
        // A Path that is empty or relative is kept for explanations; storage uses the default path.
        "path" => c.path.clone().filter(|p| p.starts_with('/')).unwrap_or_else(|| "null".into()),
        "secure" => c.secure.to_string(),
        "httpOnly" => c.http_only.to_string(),
        "sameSite" => match &c.same_site {
            SameSiteAttr::Strict => "strict".into(),
            SameSiteAttr::Lax => "lax".into(),
            SameSiteAttr::None => "none".into(),
            _ => "null".into(),
        },
        "extensions" => {
            let unknown: Vec<&str> = c
                .ignored
                .iter()
                .filter(|a| a.why == crossjar::model::set_cookie::IgnoredWhy::UnknownAttribute)
                .map(|a| a.name.as_str())
                .collect();
            if unknown.is_empty() {
                "null".into()
            } else {
                format!("{unknown:?}")
            }
        }
        other => format!("(field {other} not modelled)"),
    }
}

fn run_matching(doc: &Value, suite: &mut Suite, file: &str) {
    let Some(files) = doc.get("files").and_then(Value::as_object) else {
        suite.error(format!("{file}: no `files`"));
        return;
    };
    for (spec, tables) in files {
        let func = spec.rsplit('/').next().unwrap_or(spec).trim_end_matches(".spec.ts").to_string();
        let Some(tables) = tables.as_array() else {
            suite.error(format!("{file}: {spec} is not a list of tables"));
            continue;
        };
        for (ti, t) in tables.iter().enumerate() {
            let describe = t.get("describe").and_then(Value::as_str).unwrap_or("");
            let rows = t.get("rows").and_then(Value::as_array).cloned().unwrap_or_default();
            for (ri, row) in rows.iter().enumerate() {
                let id = format!("{func}#{}.{}", ti + 1, ri + 1);
                let cells = row.as_array().cloned().unwrap_or_default();
                let str_at = |k: usize| cells.get(k).and_then(Value::as_str);
                match func.as_str() {
                    "domainMatch" | "pathMatch" => {
                        let (Some(a), Some(b), Some(want)) =
                            (str_at(0), str_at(1), cells.get(2).and_then(Value::as_bool))
                        else {
                            suite.skip(
                                &id,
                                "null/undefined inputs or result: tough-cookie API behaviour, not a matching rule",
                            );
                            continue;
                        };
                        let got = if func == "pathMatch" {
                            path_match(a, b)
                        } else if describe.contains("canonicalize=false") {
                            // Raw strings: exactly the model's domain-match on already-canonical input.
                            domain_match(a, b)
                        } else {
                            match canonical_domain_match(a, b) {
                                Some(m) => m,
                                None => {
                                    suite.skip(
                                        &id,
                                        "request host is rejected by the WHATWG URL host parser, so no browser request has it",
                                    );
                                    continue;
                                }
                            }
                        };
                        suite.record(Outcome {
                            id,
                            input: format!("{func}({a:?}, {b:?}) [{describe}]"),
                            expected: want.to_string(),
                            actual: got.to_string(),
                        });
                    }
                    "defaultPath" => {
                        let (Some(a), Some(want)) = (str_at(0), str_at(1)) else {
                            suite.skip(
                                &id,
                                "null/undefined inputs or result: tough-cookie API behaviour, not a matching rule",
                            );
                            continue;
                        };
                        suite.record(Outcome {
                            id,
                            input: format!("defaultPath({a:?}) [{describe}]"),
                            expected: want.to_string(),
                            actual: default_path(a).to_string(),
                        });
                    }
                    _ => suite.skip(
                        &id,
                        "tough-cookie internal helper (canonicalDomain/permuteDomain) with no model counterpart",
                    ),
                }
            }
        }
    }
}

/// Domain-match on canonical hosts, as the jar does it: both sides go through the URL host parser
/// (lower case, IDNA, IP literals) and a leading dot of the cookie domain is dropped, as the
/// Set-Cookie parser does.
fn canonical_domain_match(host: &str, domain: &str) -> Option<bool> {
    let canon = |h: &str| -> Option<String> {
        let bracketed = if h.contains(':') && !h.starts_with('[') { format!("[{h}]") } else { h.to_string() };
        url::Url::parse(&format!("http://{bracketed}/")).ok().and_then(|u| u.host_str().map(str::to_string))
    };
    let d = domain.strip_prefix('.').unwrap_or(domain);
    let d = canon(d).unwrap_or_else(|| d.to_ascii_lowercase());
    Some(domain_match(&canon(host)?, &d))
}
