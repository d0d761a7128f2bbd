//! ingress-nginx: the sticky cookie (`sticky.lua` + lua-resty-cookie `bake()`) and the CORS
//! block of `nginx.tmpl`, predicted from `nginx.ingress.kubernetes.io/*` annotations.
//!
//! Version gates (reference/ingress.md §1.7, §1.9): annotation validation is on by default from
//! 1.12 (invalid values fall back to defaults); CORS matching/reflection from 1.0.5; `Domain`
//! from 1.4.0; `session-cookie-secure` from 1.0.1; SameSite from 0.29.

use super::common::{cookie_date, looks_like_regex, parse_go_bool, Annotation, Annotations, RouteCtx};
use super::{
    AllowOrigins, ConfigFact, ControllerVersion, CorsPolicy, Fact, Fallback, IngressRoute, OriginList, OriginMatch,
    OriginPattern, PredictOptions, PredictedCookie, Unsupported, UserAgentCondition,
};
use crate::evidence::Location;

/// The cookie name the controller passes when `session-cookie-name` is unset or invalid.
pub const DEFAULT_COOKIE_NAME: &str = "INGRESSCOOKIE";
/// The placeholder for the per-backend cookie value (`<upstream-key>|<md5>` in `sticky.lua`).
pub const VALUE_PLACEHOLDER: &str = "<upstream>|<hash>";
/// Default `cors-allow-methods`.
pub const DEFAULT_CORS_METHODS: &str = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
/// Default `cors-allow-headers` since v1.2.1.
pub const DEFAULT_CORS_HEADERS: &str =
    "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
const OLD_CORS_HEADERS: &str =
    "DNT,X-CustomHeader,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Authorization";
/// Default `cors-max-age`.
pub const DEFAULT_CORS_MAX_AGE: i64 = 1_728_000;

fn basic_chars(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.' | '_' | '~' | ':'))
}

fn url_chars(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/' | ':' | ',' | '?' | '&' | '='))
}

/// The `(^0|-?[1-9]\d*$)` validator of expires/max-age, read as an integer.
fn parse_seconds(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if s == "0" || (!digits.is_empty() && !digits.starts_with('0') && digits.chars().all(|c| c.is_ascii_digit())) {
        s.parse().ok()
    } else {
        None
    }
}

struct Ctx<'a, 'b> {
    ann: &'b Annotations<'a>,
    prefix: &'b str,
    validation: bool,
    version: ControllerVersion,
    notes: Vec<ConfigFact>,
}

impl<'a, 'b> Ctx<'a, 'b> {
    fn get(&self, name: &str) -> Option<&'b Annotation<'a>> {
        self.ann.get(&format!("{}/{name}", self.prefix))
    }

    fn full(&self, name: &str) -> String {
        format!("{}/{name}", self.prefix)
    }

    fn loc(&self, a: &Annotation<'_>) -> Location {
        self.ann.loc(a)
    }

    /// Records that an invalid value was replaced by the default (validation on) and returns
    /// whether the raw value should still be used (validation off).
    fn invalid(&mut self, a: &Annotation<'_>, expected: &str, fallback: &str) -> bool {
        let (message, keep) = if self.validation {
            (
                format!(
                    "`{}: \"{}\"` fails ingress-nginx's validator ({expected}); since v1.12 annotation validation is on, the value is ignored without an error and the default applies: {fallback}",
                    a.key, a.value
                ),
                false,
            )
        } else {
            (
                format!(
                    "`{}: \"{}\"` is not a valid value ({expected}); this version does not validate it and passes it through, but v1.12+ will ignore it and use the default ({fallback})",
                    a.key, a.value
                ),
                true,
            )
        };
        self.notes.push(ConfigFact {
            fact: Fact::ValueFellBack { value: Fallback::NginxAnnotation { expected: expected.to_owned() } },
            location: self.loc(a),
            message,
        });
        keep
    }

    fn bool(&mut self, name: &str, default: bool) -> (bool, Option<&'b Annotation<'a>>) {
        let Some(a) = self.get(name) else {
            return (default, None);
        };
        match parse_go_bool(a.value.trim()) {
            Some(b) => (b, Some(a)),
            None => {
                self.invalid(a, "true or false", &default.to_string());
                (default, Some(a))
            }
        }
    }
}

/// Fills `route.affinity`, `route.cors` and `route.notes` for an ingress-nginx route.
pub(crate) fn predict(
    r: &RouteCtx<'_>,
    ann: &Annotations<'_>,
    version: ControllerVersion,
    opts: &PredictOptions,
    route: &mut IngressRoute,
) {
    let mut cx =
        Ctx { ann, prefix: &opts.nginx_prefix, validation: version.at_least(1, 12, 0), version, notes: Vec::new() };
    predict_affinity(&mut cx, r, opts, route);
    route.cors = predict_cors(&mut cx);
    if let (Some(_), Some(cors)) = (route.affinity.first(), &route.cors) {
        let a = cx.get("enable-cors").map(|a| cx.loc(a)).unwrap_or_else(|| r.location.clone());
        cx.notes.push(ConfigFact {
            fact: Fact::PreflightNotSticky { backend_answers: false },
            location: a,
            message: format!(
                "preflights carry no cookies: ingress-nginx answers OPTIONS from matching origins itself ({}), and OPTIONS from other origins reach any pod, so per-session state must not be needed to answer them",
                cors.preflight_status.map_or("no status".to_owned(), |s| s.to_string())
            ),
        });
    }
    route.notes.append(&mut cx.notes);
}

fn predict_affinity(cx: &mut Ctx<'_, '_>, r: &RouteCtx<'_>, opts: &PredictOptions, route: &mut IngressRoute) {
    let Some(aff) = cx.get("affinity") else {
        return;
    };
    let mut sources = vec![cx.loc(aff)];
    if aff.value != "cookie" {
        if cx.validation {
            cx.invalid(aff, "exactly `cookie`", "no session affinity");
        } else {
            cx.notes.push(ConfigFact {
                fact: Fact::ValueFellBack { value: Fallback::AffinityNotCookie { key: aff.key.to_owned() } },
                location: cx.loc(aff),
                message: format!(
                    "`{}: \"{}\"` turns nothing on: only the exact value `cookie` enables affinity",
                    aff.key, aff.value
                ),
            });
        }
        return;
    }
    let aff_loc = cx.loc(aff);

    // affinity-mode
    let mode_ann = cx.get("affinity-mode");
    let mut mode = "balanced";
    if let Some(a) = mode_ann {
        sources.push(cx.loc(a));
        match a.value.as_str() {
            "balanced" | "persistent" => mode = if a.value == "persistent" { "persistent" } else { "balanced" },
            _ => {
                cx.invalid(a, "`balanced` or `persistent`", "balanced");
            }
        }
    }
    if mode == "balanced" {
        cx.notes.push(ConfigFact {
            fact: Fact::AffinityModeBalanced { key: cx.full("affinity-mode") },
            location: mode_ann.map(|a| cx.loc(a)).unwrap_or_else(|| aff_loc.clone()),
            message: "affinity-mode is `balanced` (the default): when pods are added or removed, ingress-nginx rebalances and moves existing sessions to other pods".to_owned(),
        });
    }

    // name
    let mut name = DEFAULT_COOKIE_NAME.to_owned();
    if let Some(a) = cx.get("session-cookie-name") {
        sources.push(cx.loc(a));
        if basic_chars(&a.value) || cx.invalid(a, "made of letters, digits and `/-._~:`", DEFAULT_COOKIE_NAME) {
            name = a.value.clone();
        }
    }

    // path
    let mut path = r.path.clone();
    let mut path_set = false;
    if let Some(a) = cx.get("session-cookie-path") {
        sources.push(cx.loc(a));
        if url_chars(&a.value) || cx.invalid(a, "a URL path without `;` or spaces", "the Ingress path") {
            path = a.value.clone();
            path_set = true;
        }
    }
    let use_regex = cx.get("use-regex").is_some_and(|a| a.value == "true") || cx.get("rewrite-target").is_some();
    if !path_set && (use_regex || looks_like_regex(&r.path)) && looks_like_regex(&r.path) {
        cx.notes.push(ConfigFact {
            fact: Fact::RegexCookiePath { key: cx.full("session-cookie-path") },
            location: r.location.clone(),
            message: format!(
                "the sticky cookie gets `Path={}`, the regex as written; browsers compare Path literally, so the cookie is never sent back and every response sets a new one",
                r.path
            ),
        });
    }

    // domain (1.4.0+)
    let mut domain = None;
    if let Some(a) = cx.get("session-cookie-domain") {
        sources.push(cx.loc(a));
        if !cx.version.at_least(1, 4, 0) {
            cx.notes.push(ConfigFact {
                fact: Fact::NotImplemented { setting: Unsupported::NginxCookieDomain },
                location: cx.loc(a),
                message: format!("`{}` needs ingress-nginx 1.4.0; {} ignores it", a.key, cx.version),
            });
        } else if basic_chars(&a.value) || cx.invalid(a, "made of letters, digits and `/-._~:`", "no Domain") {
            domain = Some(a.value.clone());
        }
    }

    // samesite (0.29+)
    let mut same_site: Option<String> = None;
    let ss_ann = cx.get("session-cookie-samesite");
    if let Some(a) = ss_ann {
        sources.push(cx.loc(a));
        let lower = a.value.to_ascii_lowercase();
        let valid = matches!(lower.as_str(), "none" | "lax" | "strict");
        if !valid && !cx.invalid(a, "None, Lax or Strict", "no SameSite") {
            // dropped by validation
        } else if matches!(a.value.as_str(), "None" | "Lax" | "Strict") {
            same_site = Some(a.value.clone());
        } else {
            let fixed = match lower.as_str() {
                "none" => "None",
                "lax" => "Lax",
                "strict" => "Strict",
                _ => "None, Lax or Strict",
            };
            cx.notes.push(ConfigFact {
                fact: Fact::SameSiteCaseDropped { key: Some(a.key.to_owned()), canonical: fixed.to_owned() },
                location: cx.loc(a),
                message: format!(
                    "`{}: \"{}\"` passes validation but lua-resty-cookie only writes SameSite spelled exactly None, Lax or Strict; it silently drops the attribute, so the cookie has no SameSite (treated as Lax by Chrome)",
                    a.key, a.value
                ),
            });
        }
    }
    let (conditional, cond_ann) = cx.bool("session-cookie-conditional-samesite-none", false);
    if let Some(a) = cond_ann {
        sources.push(cx.loc(a));
    }

    // secure
    let (secure_ann_on, sec_ann) = cx.bool("session-cookie-secure", false);
    if let Some(a) = sec_ann {
        sources.push(cx.loc(a));
    }
    let secure_ann_on = secure_ann_on && cx.version.at_least(1, 0, 1);
    let secure = secure_ann_on || (r.tls && cx.version.at_least(0, 22, 0));
    if !secure {
        let none = same_site.as_deref() == Some("None");
        cx.notes.push(ConfigFact {
            fact: Fact::NoSecureTlsBeforeNginx { key: cx.full("session-cookie-secure"), same_site_none: none },
            location: sec_ann.or(ss_ann).map(|a| cx.loc(a)).unwrap_or_else(|| aff_loc.clone()),
            message: format!(
                "ingress-nginx adds Secure only when TLS ends at nginx itself ($https = on); {} so the cookie has no Secure{}",
                if r.tls { "this controller version does not," } else { "here it does not (no spec.tls for this host, or --tls-terminates-at lb)," },
                if none { " and browsers reject SameSite=None without Secure" } else { "" }
            ),
        });
    }

    // expires / max-age
    let mut seconds = |cx: &mut Ctx<'_, '_>, key: &str| -> Option<i64> {
        let a = cx.get(key)?;
        sources.push(cx.loc(a));
        match parse_seconds(a.value.trim()) {
            Some(n) => {
                if n <= 0 {
                    cx.notes.push(ConfigFact {
                        fact: Fact::CookieMaxAgeZero { key: Some(a.key.to_owned()) },
                        location: cx.loc(a),
                        message: format!(
                            "`{}: \"{}\"` makes the cookie expire as soon as it is set, so there is no affinity",
                            a.key, a.value
                        ),
                    });
                }
                Some(n)
            }
            None => {
                cx.invalid(a, "an integer number of seconds", "no attribute");
                None
            }
        }
    };
    let expires = seconds(cx, "session-cookie-expires");
    let max_age = seconds(cx, "session-cookie-max-age");
    if let Some(a) = cx.get("session-cookie-change-on-failure") {
        sources.push(cx.loc(a));
    }

    let build = |same_site: Option<&str>, condition: Option<String>| {
        let mut line = format!("{name}={VALUE_PLACEHOLDER}");
        if let Some(e) = expires {
            line.push_str(&format!("; Expires={}", cookie_date(opts.issued_at.plus_secs(e), true)));
        }
        if let Some(m) = max_age {
            line.push_str(&format!("; Max-Age={m}"));
        }
        if let Some(d) = &domain {
            line.push_str(&format!("; Domain={d}"));
        }
        line.push_str(&format!("; Path={path}"));
        if secure {
            line.push_str("; Secure");
        }
        line.push_str("; HttpOnly");
        if let Some(s) = same_site {
            line.push_str(&format!("; SameSite={s}"));
        }
        PredictedCookie {
            set_cookie_line: line,
            name: name.clone(),
            path: Some(path.clone()),
            domain: domain.clone(),
            secure,
            http_only: true,
            same_site: same_site.map(str::to_owned),
            max_age,
            expires_after_secs: expires,
            user_agents: condition
                .as_ref()
                .map(|_| UserAgentCondition::NginxSameSiteNoneIncompatible { matching: true }),
            condition,
            unconfirmed: None,
            source_locations: sources.clone(),
        }
    };
    route.affinity.push(build(same_site.as_deref(), None));
    if conditional && same_site.as_deref() == Some("None") {
        route.affinity[0].condition = Some("user agents not listed below".to_owned());
        route.affinity[0].user_agents = Some(UserAgentCondition::NginxSameSiteNoneIncompatible { matching: false });
        route.affinity.push(build(
            None,
            Some("user agents ingress-nginx treats as SameSite=None-incompatible: Chrome 40-69, iOS 12, macOS 10.14 Safari".to_owned()),
        ));
    }
}

/// `^([a-z]+://(\*\.)?[A-Za-z0-9\-.]*(:\d+)?|\*|null)?$`, with the scheme and `null` rules of
/// the given version.
fn origin_entry_valid(e: &str, version: ControllerVersion) -> bool {
    if e.is_empty() || e == "*" {
        return true;
    }
    if e == "null" {
        return version.at_least(1, 13, 0);
    }
    let Some((scheme, rest)) = e.split_once("://") else {
        return false;
    };
    let scheme_ok = if version.at_least(1, 12, 0) {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_lowercase())
    } else {
        scheme == "http" || scheme == "https"
    };
    let rest = rest.strip_prefix("*.").unwrap_or(rest);
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    scheme_ok
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn predict_cors(cx: &mut Ctx<'_, '_>) -> Option<CorsPolicy> {
    let cors_keys = [
        "cors-allow-origin",
        "cors-allow-credentials",
        "cors-allow-methods",
        "cors-allow-headers",
        "cors-expose-headers",
        "cors-max-age",
    ];
    let (enabled, en_ann) = cx.bool("enable-cors", false);
    if !enabled {
        if let Some(a) = cors_keys.iter().find_map(|k| cx.get(k)) {
            cx.notes.push(ConfigFact {
                fact: Fact::CorsWithoutEnableCors { key: cx.full("enable-cors") },
                location: cx.loc(a),
                message: format!(
                    "`{}` has no effect: CORS headers are only added when `{}` is \"true\"",
                    a.key,
                    cx.full("enable-cors")
                ),
            });
        }
        return None;
    }
    let mut sources: Vec<Location> = en_ann.map(|a| cx.loc(a)).into_iter().collect();
    let old = !cx.version.at_least(1, 0, 5);

    // origins
    let origin_ann = cx.get("cors-allow-origin");
    let mut origins = AllowOrigins::Any;
    if let Some(a) = origin_ann {
        sources.push(cx.loc(a));
        let raw = a.value.trim();
        let entries: Vec<&str> = raw.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
        for e in &entries {
            let stars = e.matches('*').count();
            if *e != "*" && (stars > 1 || (stars == 1 && !e.contains("://*."))) {
                cx.notes.push(ConfigFact {
                    fact: Fact::CorsWildcardTooDeep,
                    location: cx.loc(a),
                    message: format!(
                        "origin `{e}`: ingress-nginx accepts one `*` only as the first label (`https://*.example.com`, exactly one label deep); this entry is rejected"
                    ),
                });
            }
        }
        if old {
            // ≤1.0.4: one origin, regex `^(https?://[A-Za-z0-9\-\.]*(:[0-9]+)?|\*)?$`, literal ACAO.
            if entries.len() > 1 {
                cx.notes.push(ConfigFact {
                    fact: Fact::CommaSeparatedOrigins { written_in: OriginList::NginxSingleOrigin },
                    location: cx.loc(a),
                    message: format!("ingress-nginx {} takes a single origin; a comma-separated list is invalid and falls back to `*`", cx.version),
                });
                origins = AllowOrigins::Any;
            } else if raw.is_empty() || raw == "*" {
                origins = AllowOrigins::Any;
            } else if origin_entry_valid(raw, cx.version) && !raw.contains('*') {
                origins = AllowOrigins::List {
                    origins: vec![OriginPattern { pattern: raw.to_owned(), matching: OriginMatch::Exact }],
                };
            } else {
                cx.invalid(a, "one origin like https://app.example.com", "*");
            }
        } else if entries.is_empty() || entries.contains(&"*") {
            origins = AllowOrigins::Any;
        } else {
            let (good, bad): (Vec<&str>, Vec<&str>) = entries.iter().partition(|e| origin_entry_valid(e, cx.version));
            if !bad.is_empty() && cx.validation {
                cx.invalid(
                    a,
                    &format!(
                        "a comma-separated list of origins like https://app.example.com (`{}` is not)",
                        bad.join("`, `")
                    ),
                    "* (every origin, literally)",
                );
                origins = AllowOrigins::Any;
            } else {
                if !bad.is_empty() {
                    cx.notes.push(ConfigFact {
                        fact: Fact::ValueFellBack { value: Fallback::NginxOriginEntries },
                        location: cx.loc(a),
                        message: format!(
                            "origin entries `{}` do not match ingress-nginx's pattern and are skipped",
                            bad.join("`, `")
                        ),
                    });
                }
                origins = if good.is_empty() {
                    AllowOrigins::Nothing
                } else {
                    AllowOrigins::List {
                        origins: good
                            .iter()
                            .map(|e| OriginPattern {
                                pattern: (*e).to_owned(),
                                matching: if e.contains('*') {
                                    OriginMatch::OneLabelWildcard
                                } else {
                                    OriginMatch::ExactCaseInsensitive
                                },
                            })
                            .collect(),
                    }
                };
            }
        }
    }

    let (credentials, cred_ann) = cx.bool("cors-allow-credentials", true);
    if let Some(a) = cred_ann {
        sources.push(cx.loc(a));
    }
    let text =
        |cx: &mut Ctx<'_, '_>, key: &str, ok: fn(&str) -> bool, default: Option<&str>, sources: &mut Vec<Location>| {
            match cx.get(key) {
                Some(a) => {
                    sources.push(cx.loc(a));
                    if ok(&a.value) || cx.invalid(a, "a comma-separated list of names", default.unwrap_or("none")) {
                        Some(a.value.clone())
                    } else {
                        default.map(str::to_owned)
                    }
                }
                None => default.map(str::to_owned),
            }
        };
    let methods = text(
        cx,
        "cors-allow-methods",
        |v| v.chars().all(|c| c.is_ascii_alphabetic() || c == ',' || c.is_whitespace()),
        Some(DEFAULT_CORS_METHODS),
        &mut sources,
    );
    let default_headers = if cx.version.at_least(1, 2, 1) { DEFAULT_CORS_HEADERS } else { OLD_CORS_HEADERS };
    let headers_location = cx.get("cors-allow-headers").or(en_ann).map(|a| cx.loc(a));
    let headers = text(
        cx,
        "cors-allow-headers",
        |v| v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ',' | ' ')),
        Some(default_headers),
        &mut sources,
    );
    let expose = text(
        cx,
        "cors-expose-headers",
        |v| v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ',' | ' ' | '*')),
        None,
        &mut sources,
    )
    .filter(|s| !s.is_empty());
    let mut max_age = Some(DEFAULT_CORS_MAX_AGE);
    if let Some(a) = cx.get("cors-max-age") {
        sources.push(cx.loc(a));
        match a.value.trim().parse::<i64>() {
            Ok(n) => max_age = Some(n),
            Err(_) => {
                cx.invalid(a, "an integer number of seconds", "1728000");
            }
        }
    }

    if origins == AllowOrigins::Any && credentials {
        let loc = origin_ann.or(en_ann).map(|a| cx.loc(a)).unwrap_or_default();
        cx.notes.push(ConfigFact {
            fact: Fact::WildcardWithCredentials { written_in: OriginList::NginxAnnotation { key: cx.full("cors-allow-origin") } },
            location: loc,
            message: "ingress-nginx sends `Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true` (cors-allow-credentials defaults to true); browsers reject every credentialed response with a wildcard origin".to_owned(),
        });
    }
    if matches!(origins, AllowOrigins::List { .. }) && !old {
        cx.notes.push(ConfigFact {
            fact: Fact::NoVaryOrigin { written_in: OriginList::NginxAnnotation { key: cx.full("cors-allow-origin") } },
            location: origin_ann.map(|a| cx.loc(a)).unwrap_or_default(),
            message: "ingress-nginx reflects the matching origin but never adds `Vary: Origin`; a shared cache or CDN can serve one origin's answer to another".to_owned(),
        });
    }
    Some(CorsPolicy {
        allow_origins: origins,
        allow_credentials: credentials,
        allow_methods: methods,
        allow_headers: headers,
        expose_headers: expose,
        max_age,
        vary_origin: false,
        answers_preflight: true,
        preflight_status: Some(204),
        unmatched_preflight_forwarded: !old,
        source_locations: sources,
        origins_location: origin_ann.or(en_ann).map(|a| cx.loc(a)),
        headers_location,
    })
}
