//! Names of session-affinity (sticky-session) cookies that load balancers and ingresses set.
//!
//! These are what the HAR report focuses on by default: when one of them is not stored or not sent,
//! requests land on another backend and sessions are "not found".

/// Whether `name` is a known session-affinity cookie, and which product sets it.
pub fn affinity_cookie(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let exact: &[(&str, &str)] = &[
        ("route", "ingress-nginx (Lua balancer fallback name) / Apache mod_proxy_balancer"),
        ("ingresscookie", "ingress-nginx (default session-cookie-name)"),
        ("gclb", "Google Cloud Load Balancing (GKE BackendConfig)"),
        ("serverid", "HAProxy"),
        ("x-contour-session-affinity", "Contour"),
        ("sticky", "nginx sticky module"),
        ("srv_id", "HAProxy"),
        ("__cf_bm", "Cloudflare bot management (not affinity, but load-balancer bound)"),
        ("__cflb", "Cloudflare Load Balancing"),
        ("arraffinity", "Azure App Service ARR affinity"),
        ("arraffinitysamesite", "Azure App Service ARR affinity"),
        ("bigipserver", "F5 BIG-IP"),
    ];
    if let Some((_, who)) = exact.iter().find(|(n, _)| *n == lower) {
        return Some(who);
    }
    if lower.starts_with("awsalb") {
        return Some("AWS Application Load Balancer (AWSALB / AWSALBCORS / AWSALBAPP / AWSALBTG)");
    }
    if lower.starts_with("awselb") {
        return Some("AWS Classic Load Balancer (AWSELB)");
    }
    if lower.starts_with("applicationgatewayaffinity") {
        return Some("Azure Application Gateway");
    }
    if lower.starts_with("bigipserver") {
        return Some("F5 BIG-IP");
    }
    if lower.starts_with("istio") || lower == "session-affinity" {
        return Some("Istio / Envoy consistent-hash cookie");
    }
    // Traefik's default sticky cookie name is `_` followed by a hash of the service name (16 hex
    // digits in v2, v3 keeps the scheme).
    let b = lower.as_bytes();
    if b.len() == 17 && b[0] == b'_' && b[1..].iter().all(u8::is_ascii_hexdigit) {
        return Some("Traefik (hashed default sticky cookie name)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::affinity_cookie;

    #[test]
    fn known_affinity_names() {
        for n in ["route", "INGRESSCOOKIE", "AWSALB", "AWSALBCORS", "GCLB", "SERVERID", "_5e9ae4c03b86f2a1"] {
            assert!(affinity_cookie(n).is_some(), "{n}");
        }
        for n in ["session", "_ga", "_5e9ae4c03b86f2a", "csrftoken"] {
            assert!(affinity_cookie(n).is_none(), "{n}");
        }
    }
}
