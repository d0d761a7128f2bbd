//! `crossjar headers`.

use std::io::Write;

use url::Url;

use super::{error, render_ci, Format, HeadersArgs, EXIT_INPUT};
use crate::analysis::headers::{analyse, findings, HeadersRequest};
use crate::input::curl;
use crate::model::cookie_date::parse_cookie_date;
use crate::model::http::{Header, Headers};
use crate::model::request::{CredentialsMode, RequestKind};
use crate::model::site::Origin;
use crate::model::time::Timestamp;
use crate::output::{diagnostic, json, text};

pub(crate) fn run(args: &HeadersArgs, out: &mut dyn Write) -> i32 {
    let browsers = match args.common.browsers() {
        Ok(b) => b,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let url = match Url::parse(&args.url) {
        Ok(u) => u,
        Err(e) => {
            error(format_args!("--url `{}` is not a URL ({e})", args.url));
            return EXIT_INPUT;
        }
    };
    let from = match args.from.as_deref().map(Origin::parse).transpose() {
        Ok(o) => o,
        Err(e) => {
            error(format_args!("--from: {e}"));
            return EXIT_INPUT;
        }
    };
    let Some(credentials) = CredentialsMode::parse(&args.credentials) else {
        error(format_args!("--credentials `{}`: use omit, same-origin or include", args.credentials));
        return EXIT_INPUT;
    };
    let Some(kind) = RequestKind::parse(&args.kind).filter(|k| *k != RequestKind::Preflight) else {
        error(format_args!("--kind `{}`: use fetch, xhr, navigation, iframe, subresource or websocket", args.kind));
        return EXIT_INPUT;
    };
    let mut headers = Vec::new();
    for h in &args.request_headers {
        match h.split_once(':') {
            Some((n, v)) if !n.trim().is_empty() => headers.push(Header::new(n.trim(), v.trim())),
            _ => {
                error(format_args!("--request-header `{h}`: write it as `Name: value`"));
                return EXIT_INPUT;
            }
        }
    }
    let textin = match crate::input::read_text_bounded(
        &args.file,
        crate::input::MAX_CURL_BYTES,
        "`curl -i` output (save only the headers: curl -sS -D - -o /dev/null URL)",
    ) {
        Ok(t) => t,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let parsed = curl::parse(&textin);
    let responses: Vec<(u16, Headers, Option<String>)> = curl::exchange_responses(&parsed.responses)
        .into_iter()
        .map(|r| (r.status, r.headers.clone(), r.request.as_ref().map(|q| q.method.clone())))
        .collect();
    let input = args.file.display().to_string();
    let mut code = 0;
    for e in &parsed.errors {
        error(format_args!("{input}:{}:{}: {}", e.line, e.column, e.message));
        code = EXIT_INPUT;
    }
    if responses.is_empty() {
        error(format_args!("{input}: no HTTP response found (expected a status line such as `HTTP/2 200`)"));
        return EXIT_INPUT;
    }
    let request = HeadersRequest {
        url,
        from,
        method: args.method.to_ascii_uppercase(),
        headers: Headers(headers),
        credentials,
        kind,
    };
    // The response's own `Date` judges expiry; without one, a fixed instant keeps verdicts reproducible.
    let now = responses
        .last()
        .and_then(|r| r.1.get("date"))
        .and_then(parse_cookie_date)
        .unwrap_or(Timestamp::from_unix_secs(1_780_000_000));
    let report = analyse(&input, request, responses, &browsers, now);
    let (_, policy) = match super::policy::load(&args.common) {
        Ok(p) => p,
        Err(e) => {
            error(e);
            return EXIT_INPUT;
        }
    };
    let mut found = findings(&report);
    super::policy::apply_findings(&policy, &input, &mut found);
    if let Some(path) = &args.common.write_baseline {
        return match super::policy::write_baseline(path, &diagnostic::from_findings(&input, &found)) {
            Ok(()) => 0,
            Err(e) => {
                error(e);
                EXIT_INPUT
            }
        };
    }
    let rendered = match args.common.format {
        Format::Text => text::headers_report(&report, args.common.show_values),
        Format::Json => json::headers_report(&report, &found) + "\n",
        ci => {
            render_ci(ci, std::slice::from_ref(&input), &diagnostic::from_findings(&input, &found)).unwrap_or_default()
        }
    };
    let _ = out.write_all(rendered.as_bytes());
    code.max(args.common.fail_on.exit_code(found.iter().map(|f| f.severity).max()))
}
