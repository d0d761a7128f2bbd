//! Cloud load balancers fronting an Ingress: AWS ALB (AWS Load Balancer Controller) and GKE
//! (ingress-gce BackendConfig). Neither has a CORS feature: preflights pass through to any
//! target, so they are never sticky (reference/ingress.md §3, §4).

use super::common::{cookie_date, Annotations, RouteCtx};
use super::yaml::Node;
use super::{
    ConfigFact, Fact, Fallback, IngressRoute, Manifests, Missing, PredictOptions, PredictedCookie, UserAgentCondition,
};
use crate::evidence::Location;

/// Annotation prefix of the AWS Load Balancer Controller.
pub const ALB_PREFIX: &str = "alb.ingress.kubernetes.io";
/// Placeholder for the opaque load-balancer cookie value.
pub const VALUE_PLACEHOLDER: &str = "<opaque>";

const ALB_ORDER_UNCONFIRMED: &str =
    "AWS documents the AWSALB/AWSALBCORS pair and their attributes; the attribute order of AWSALBCORS is not confirmed";

fn parse_string_map(s: &str) -> Vec<(&str, &str)> {
    s.split(',').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.trim(), v.trim())).collect()
}

fn preflight_pass_through(route: &mut IngressRoute, location: Location, lb: &str) {
    route.notes.push(ConfigFact {
        fact: Fact::PreflightNotSticky { backend_answers: true },
        location,
        message: format!("{lb} has no CORS feature: preflights go to the backend, carry no cookies and land on any target, so the backend must answer them without session state"),
    });
}

/// Fills an ALB-served route from `target-group-attributes` (the Service's wins over the Ingress's).
pub(crate) fn predict_alb(
    m: &Manifests,
    r: &RouteCtx<'_>,
    ann: &Annotations<'_>,
    opts: &PredictOptions,
    route: &mut IngressRoute,
) {
    if r.service_port.as_deref() == Some("use-annotation") {
        if let Some(service) = r.service.as_deref() {
            alb_action(r, ann, service, opts, route);
        }
        return;
    }
    let key = format!("{ALB_PREFIX}/target-group-attributes");
    let svc = r.service.as_deref().and_then(|s| m.find("Service", r.namespace, s));
    let sann = svc.map(|s| Annotations::of(m, s));
    let from_service = sann.as_ref().and_then(|a| a.get(&key).map(|x| (a.loc(x), x.value.clone())));
    let Some((loc, value)) = from_service.or_else(|| ann.get(&key).map(|x| (ann.loc(x), x.value.clone()))) else {
        return;
    };
    let attrs = parse_string_map(&value);
    let get = |k: &str| attrs.iter().rev().find(|(a, _)| *a == k).map(|(_, v)| *v);
    if get("stickiness.enabled") != Some("true") {
        return;
    }
    let target_type = sann
        .as_ref()
        .and_then(|a| a.get(&format!("{ALB_PREFIX}/target-type")).map(|x| x.value.clone()))
        .or_else(|| ann.get(&format!("{ALB_PREFIX}/target-type")).map(|x| x.value.clone()))
        .unwrap_or_else(|| "instance".to_owned());
    if target_type != "ip" {
        route.notes.push(ConfigFact {
            fact: Fact::AlbTargetTypeNotIp { key: format!("{ALB_PREFIX}/target-type") },
            location: loc.clone(),
            message: format!("target-type is `{target_type}`; the AWS Load Balancer Controller docs say `ip` mode is required for sticky sessions"),
        });
    }
    let date = |secs: i64| cookie_date(opts.issued_at.plus_secs(secs), false);
    let cookie = |name: &str, secs: i64, cross_site: bool, condition: Option<String>| {
        let user_agents = condition.as_ref().map(|_| UserAgentCondition::Chromium80Plus { matching: cross_site });
        let mut line = format!("{name}={VALUE_PLACEHOLDER}; Expires={}; Path=/", date(secs));
        if cross_site {
            line.push_str("; SameSite=None; Secure");
        }
        PredictedCookie {
            set_cookie_line: line,
            name: name.to_owned(),
            path: Some("/".to_owned()),
            domain: None,
            secure: cross_site,
            http_only: false,
            same_site: cross_site.then(|| "None".to_owned()),
            max_age: None,
            expires_after_secs: Some(secs),
            condition,
            user_agents,
            unconfirmed: cross_site.then(|| ALB_ORDER_UNCONFIRMED.to_owned()),
            source_locations: vec![loc.clone()],
        }
    };
    let duration = |k: &str, default: i64| -> i64 {
        get(k).and_then(|v| v.parse().ok()).filter(|d| (1..=604_800).contains(d)).unwrap_or(default)
    };
    if let Some(bad) = ["stickiness.lb_cookie.duration_seconds", "stickiness.app_cookie.duration_seconds"]
        .iter()
        .find_map(|k| get(k).filter(|v| !v.parse::<i64>().is_ok_and(|d| (1..=604_800).contains(&d))).map(|v| (k, v)))
    {
        route.notes.push(ConfigFact {
            fact: Fact::ValueFellBack { value: Fallback::AlbDuration },
            location: loc.clone(),
            message: format!("{} = {} is outside 1–604800 seconds; AWS rejects the target-group attribute (the prediction uses the default)", bad.0, bad.1),
        });
    }
    if get("stickiness.type") == Some("app_cookie") {
        // The app sets its own cookie; the ALB adds AWSALBAPP with a fixed 7-day expiry and
        // `SameSite=None; Secure` only for Chromium 80+ user agents.
        let secs = 7 * 86_400;
        route.affinity.push(cookie("AWSALBAPP", secs, true, Some("Chromium 80+ user agents".to_owned())));
        route.affinity.push(cookie("AWSALBAPP", secs, false, Some("other user agents".to_owned())));
    } else {
        let secs = duration("stickiness.lb_cookie.duration_seconds", 86_400);
        route.affinity.push(cookie("AWSALB", secs, false, None));
        route.affinity.push(cookie("AWSALBCORS", secs, true, None));
    }
    preflight_pass_through(route, loc, "the ALB");
}

/// A key of a JSON object, matched case-insensitively (the ALB docs write both `Type` and `type`).
fn json_get<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    v.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

/// A route whose backend is `use-annotation`: the `actions.<service>` annotation decides. A redirect
/// or fixed response is answered by the ALB and sets no cookie; a forward with
/// `targetGroupStickinessConfig` writes the target-group stickiness cookies `AWSALBTG` and
/// `AWSALBTGCORS` (reference §3: the name AWSALBTG is reserved for it; its CORS twin is unconfirmed).
fn alb_action(r: &RouteCtx<'_>, ann: &Annotations<'_>, service: &str, opts: &PredictOptions, route: &mut IngressRoute) {
    let key = format!("{ALB_PREFIX}/actions.{service}");
    let Some(a) = ann.get(&key) else {
        route.notes.push(ConfigFact {
            fact: Fact::ReferenceMissing { missing: Missing::ActionAnnotation { key: key.clone() } },
            location: r.location.clone(),
            message: format!("the backend is `use-annotation` but `{key}` is not set; the action is not predicted"),
        });
        return;
    };
    let loc = ann.loc(a);
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.value) else {
        route.notes.push(ConfigFact {
            fact: Fact::ValueFellBack { value: Fallback::AlbActionNotJson },
            location: loc,
            message: format!("`{key}` is not JSON; the AWS Load Balancer Controller rejects the Ingress"),
        });
        return;
    };
    let kind = json_get(&v, "type").and_then(|t| t.as_str()).unwrap_or("").to_ascii_lowercase();
    if kind == "redirect" || kind == "fixed-response" {
        route.notes.push(ConfigFact {
            fact: Fact::AlbActionNoCookie,
            location: loc,
            message: format!("`{key}` is a {kind} action: the ALB answers itself, no target is reached and no stickiness cookie is set"),
        });
        return;
    }
    let stick = json_get(&v, "forwardConfig").and_then(|f| json_get(f, "targetGroupStickinessConfig"));
    let enabled = stick.and_then(|s| json_get(s, "enabled")).and_then(|e| e.as_bool()) == Some(true);
    if !enabled {
        return;
    }
    let Some(secs) = stick
        .and_then(|s| json_get(s, "durationSeconds"))
        .and_then(|d| d.as_i64())
        .filter(|d| (1..=604_800).contains(d))
    else {
        route.notes.push(ConfigFact {
            fact: Fact::ValueFellBack { value: Fallback::AlbActionDuration },
            location: loc,
            message: format!("`{key}`: targetGroupStickinessConfig is enabled without a durationSeconds between 1 and 604800; AWS rejects the listener rule, so no stickiness cookie is predicted"),
        });
        return;
    };
    let date = cookie_date(opts.issued_at.plus_secs(secs), false);
    for (name, cross_site) in [("AWSALBTG", false), ("AWSALBTGCORS", true)] {
        let mut line = format!("{name}={VALUE_PLACEHOLDER}; Expires={date}; Path=/");
        if cross_site {
            line.push_str("; SameSite=None; Secure");
        }
        route.affinity.push(PredictedCookie {
            set_cookie_line: line,
            name: name.to_owned(),
            path: Some("/".to_owned()),
            domain: None,
            secure: cross_site,
            http_only: false,
            same_site: cross_site.then(|| "None".to_owned()),
            max_age: None,
            expires_after_secs: Some(secs),
            condition: None,
            user_agents: None,
            unconfirmed: cross_site.then(|| {
                "the AWSALBTGCORS twin is inferred from AWSALBCORS; its exact form is not confirmed".to_owned()
            }),
            source_locations: vec![loc.clone()],
        });
    }
    preflight_pass_through(route, loc, "the ALB");
}

/// Picks the BackendConfig name for a service port from `cloud.google.com/backend-config`
/// (`{"default": "x"}` or `{"ports": {"80": "x"}}`).
fn backend_config_name(json: &str, port: Option<&str>) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    if let (Some(p), Some(ports)) = (port, v.get("ports")) {
        if let Some(n) = ports.get(p).and_then(|x| x.as_str()) {
            return Some(n.to_owned());
        }
    }
    v.get("default").and_then(|x| x.as_str()).map(str::to_owned)
}

/// Fills a GKE-served route from the backend Service's BackendConfig `sessionAffinity`.
pub(crate) fn predict_gke(m: &Manifests, r: &RouteCtx<'_>, route: &mut IngressRoute) {
    let Some(svc) = r.service.as_deref().and_then(|s| m.find("Service", r.namespace, s)) else {
        return;
    };
    let sann = Annotations::of(m, svc);
    let Some(a) =
        sann.get("cloud.google.com/backend-config").or_else(|| sann.get("beta.cloud.google.com/backend-config"))
    else {
        return;
    };
    let aloc = sann.loc(a);
    let Some(name) = backend_config_name(&a.value, r.service_port.as_deref()) else {
        route.notes.push(ConfigFact {
            fact: Fact::ValueFellBack { value: Fallback::GkeBackendConfig },
            location: aloc,
            message: format!("`{}` is not JSON like {{\"default\": \"<BackendConfig>\"}}; GKE ignores it", a.key),
        });
        return;
    };
    let Some(bc) = m.find("BackendConfig", r.namespace, &name) else {
        route.notes.push(ConfigFact {
            fact: Fact::ReferenceMissing { missing: Missing::Object },
            location: aloc,
            message: format!(
                "BackendConfig `{}/{name}` is not in the input; its session affinity is not predicted",
                r.namespace
            ),
        });
        return;
    };
    let Some(sa) = bc.node.path(&["spec", "sessionAffinity"]) else { return };
    if sa.str_at(&["affinityType"]) != Some("GENERATED_COOKIE") {
        return;
    }
    let file = m.file(bc);
    let ttl =
        sa.get("affinityCookieTtlSec").and_then(Node::scalar_text).and_then(|t| t.parse::<i64>().ok()).unwrap_or(0);
    let mut line = format!("GCLB={VALUE_PLACEHOLDER}; Path=/");
    if ttl > 0 {
        line.push_str(&format!("; Max-Age={ttl}"));
    }
    route.affinity.push(PredictedCookie {
        set_cookie_line: line,
        name: "GCLB".to_owned(),
        path: Some("/".to_owned()),
        domain: None,
        secure: false,
        http_only: false,
        same_site: None,
        max_age: (ttl > 0).then_some(ttl),
        expires_after_secs: None,
        condition: None,
        user_agents: None,
        unconfirmed: Some("the GCLB cookie's exact attributes (Path=/, how the TTL is written, HttpOnly) are not confirmed in the reference; no SameSite or Secure can be configured".to_owned()),
        source_locations: vec![aloc, sa.location(file)],
    });
    preflight_pass_through(route, sa.location(file), "GKE Ingress");
}
