//! The local web page's assets and the small, server-independent pieces of its HTTP answers. The page
//! is plain HTML, CSS and JavaScript embedded in the binary, so `crossjar serve` works offline and
//! nothing is fetched from anywhere but the crossjar process itself.

/// The page.
pub const INDEX_HTML: &str = include_str!("index.html");
/// The page's script (loaded as a file: the Content-Security-Policy forbids inline script).
pub const APP_JS: &str = include_str!("app.js");
/// The page's style sheet.
pub const APP_CSS: &str = include_str!("app.css");
/// The page's icon (served so the browser's automatic favicon request does not log a 404).
pub const FAVICON_SVG: &str = include_str!("favicon.svg");

/// The security headers every answer carries: the page may load only its own files, the browser must
/// not guess content types, and no URL of the page leaks to anywhere as a referrer.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("Content-Security-Policy", "default-src 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
];

/// The embedded file served at `path` with its content type, if `path` names one.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    match path {
        "/" | "/index.html" => Some(("text/html; charset=utf-8", INDEX_HTML)),
        "/app.js" => Some(("text/javascript; charset=utf-8", APP_JS)),
        "/app.css" => Some(("text/css; charset=utf-8", APP_CSS)),
        "/favicon.svg" | "/favicon.ico" => Some(("image/svg+xml", FAVICON_SVG)),
        _ => None,
    }
}

/// `{"error": message}`: the one error shape of the page's API, so the page shows every failure the
/// same way.
pub fn error_json(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}

/// The start of `{"error": message, "report": …}` (the report and a closing `}` follow, streamed):
/// an input that broke part-way, or a report cut at the size limit; the report covers what was read,
/// so the page can still show it.
pub fn error_with_report_start(message: &str) -> String {
    format!("{{\"error\": {}, \"report\": ", serde_json::Value::String(message.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_served_with_their_types() {
        assert_eq!(asset("/").map(|a| a.0), Some("text/html; charset=utf-8"));
        assert_eq!(asset("/app.js").map(|a| a.0), Some("text/javascript; charset=utf-8"));
        assert!(asset("/../Cargo.toml").is_none());
    }

    #[test]
    fn page_has_no_inline_script_and_no_external_resource() {
        // The CSP `default-src 'self'` would block both; catching them here names the culprit.
        let lower = INDEX_HTML.to_ascii_lowercase();
        for (i, _) in lower.match_indices("<script") {
            let tag_end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
            assert!(lower[i..tag_end].contains("src="), "inline script at byte {i}");
        }
        for asset in [INDEX_HTML, APP_JS, APP_CSS] {
            let lower = asset.to_ascii_lowercase();
            for external in ["src=\"http", "href=\"http", "@import", "fetch('http", "fetch(\"http", "//cdn"] {
                assert!(!lower.contains(external), "external resource `{external}` in an asset");
            }
            assert!(!asset.contains(" style=\""), "inline style attribute (blocked by the CSP)");
        }
        // The style sheet loads nothing: no fonts or images from anywhere.
        assert!(!APP_CSS.contains("url("), "the style sheet loads a resource");
    }

    #[test]
    fn error_bodies_are_json() {
        let v: serde_json::Value = serde_json::from_str(&error_json("a \"b\"\n")).unwrap();
        assert_eq!(v["error"], "a \"b\"\n");
        let whole = error_with_report_start("x\"") + "{\"n\": 1}}";
        let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(v["error"], "x\"");
        assert_eq!(v["report"]["n"], 1);
    }
}
