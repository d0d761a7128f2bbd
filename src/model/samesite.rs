//! The same-site context of a request or response, as Chromium's `ComputeSameSiteContextForRequest`
//! / `…ForResponse` compute it (RFC 6265bis §5.2), once with and once without the scheme, so a verdict
//! can say when only the scheme made the difference (Chrome's `Schemeful…` reasons).

use super::request::RequestContext;
use super::site::{Origin, Site};

/// How same-site a request is, from the cookie's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SameSiteContext {
    /// Same-site: every SameSite cookie may be sent or set.
    Strict,
    /// A cross-site-initiated top-level navigation with a safe method: `Lax` cookies go, `Strict` do not.
    LaxSafe,
    /// A cross-site-initiated top-level navigation with an unsafe method (POST): only `None` cookies
    /// go, and Chrome's "Lax allowing unsafe" young unspecified cookies.
    LaxUnsafe,
    /// Cross-site: only `SameSite=None` cookies.
    CrossSite,
}

/// The context computed with and without the scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextPair {
    /// Schemeful (Chrome): `http://a.example` and `https://a.example` are cross-site.
    pub schemeful: SameSiteContext,
    /// Schemeless (Firefox, Safari).
    pub schemeless: SameSiteContext,
    /// The (schemeful) context had the redirect chain counted, as RFC 6265bis says; when it admits
    /// less than `schemeful`, Chrome warns `WarnCrossSiteRedirectDowngradeChangesInclusion`.
    pub chain_aware: SameSiteContext,
    /// The schemeless context with the redirect chain counted (Firefox).
    pub chain_aware_schemeless: SameSiteContext,
}

impl ContextPair {
    /// The context a profile uses.
    pub fn for_profile(&self, schemeful: bool) -> SameSiteContext {
        if schemeful {
            self.schemeful
        } else {
            self.schemeless
        }
    }

    /// The context a profile uses, counting the redirect chain when the profile does (Firefox,
    /// recorded: a cross-site hop makes a same-site navigation Lax and a subresource cross-site).
    pub fn for_profile_with_chain(&self, schemeful: bool, chain: bool) -> SameSiteContext {
        match (chain, schemeful) {
            (false, s) => self.for_profile(s),
            (true, true) => self.chain_aware,
            (true, false) => self.chain_aware_schemeless,
        }
    }
}

fn site_of(o: &Origin) -> Site {
    o.site()
}

/// The sites a same-site decision compares, computed once per request (each needs an origin and a
/// public-suffix lookup) and shared by the four views of [`ContextPair`].
struct Sites {
    url: Site,
    /// The site for cookies; `None` for a top-level navigation, which does not use it.
    for_cookies: Option<Site>,
    initiator: Option<Site>,
    chain: Vec<Site>,
}

impl Sites {
    fn of(ctx: &RequestContext) -> Self {
        let url = Site::of_url(&ctx.url);
        let for_cookies = (!ctx.is_top_level_navigation())
            .then(|| ctx.site_for_cookies_if_not_url().map_or_else(|| url.clone(), site_of));
        Sites {
            url,
            for_cookies,
            initiator: ctx.initiator.as_ref().map(site_of),
            chain: ctx.redirect_chain.iter().map(Site::of_url).collect(),
        }
    }
}

fn compute(
    ctx: &RequestContext,
    sites: &Sites,
    schemeful: bool,
    for_response: bool,
    with_chain: bool,
) -> SameSiteContext {
    let url_site = &sites.url;
    let chain_sites: &[Site] = if with_chain { &sites.chain } else { &[] };
    let initiator_same = sites.initiator.as_ref().is_none_or(|i| i.same_site(url_site, schemeful));
    let Some(sfc) = &sites.for_cookies else {
        // A top-level navigation.
        if for_response {
            // Any top-level navigation may set Lax and Strict cookies (RFC 6265bis §5.7 step 18;
            // Chromium ComputeSameSiteContextForResponse).
            return SameSiteContext::Strict;
        }
        let chain_same = chain_sites.iter().all(|s| s.same_site(url_site, schemeful));
        if initiator_same && chain_same {
            return SameSiteContext::Strict;
        }
        return if ctx.is_safe_method() { SameSiteContext::LaxSafe } else { SameSiteContext::LaxUnsafe };
    };
    if !sfc.same_site(url_site, schemeful) || !chain_sites.iter().all(|s| sfc.same_site(s, schemeful)) {
        return SameSiteContext::CrossSite;
    }
    if initiator_same {
        SameSiteContext::Strict
    } else {
        SameSiteContext::CrossSite
    }
}

fn pair(ctx: &RequestContext, for_response: bool) -> ContextPair {
    let sites = Sites::of(ctx);
    ContextPair {
        schemeful: compute(ctx, &sites, true, for_response, false),
        schemeless: compute(ctx, &sites, false, for_response, false),
        chain_aware: compute(ctx, &sites, true, for_response, true),
        chain_aware_schemeless: compute(ctx, &sites, false, for_response, true),
    }
}

/// The same-site context for sending cookies with `ctx`.
///
/// Both views of the redirect chain are computed: Chromium 156 (recorded) ignores it and only warns
/// when a cross-site hop would have changed inclusion (`kCookieSameSiteConsidersRedirectChain` is off);
/// Firefox 153 (recorded) counts it, as RFC 6265bis and web-platform-tests do. The profile chooses.
pub fn request_context(ctx: &RequestContext) -> ContextPair {
    pair(ctx, false)
}

/// The same-site context for storing cookies from the response to `ctx`: `Strict` (may set any
/// cookie) or `CrossSite` (only `SameSite=None`). The redirect chain is not considered (see
/// [`request_context`]).
pub fn response_context(ctx: &RequestContext) -> ContextPair {
    pair(ctx, true)
}

/// Every same-site answer about one request, from one computation of its sites: the contexts for
/// sending ([`request_context`]) and for storing ([`response_context`]), and whether it is
/// third-party ([`is_third_party`]) without and with the scheme.
pub fn same_site_facts(ctx: &RequestContext) -> (ContextPair, ContextPair, [bool; 2]) {
    let (request, response, third_party, _) = same_site_facts_and_top_site(ctx);
    (request, response, third_party)
}

/// [`same_site_facts`] and the [`top_level_site`], from the same sites: the top-level site is one of
/// them (the URL's, the site for cookies or the initiator's) unless a cross-site ancestor made the
/// site for cookies opaque. Without a redirect chain the chain-aware contexts are the plain ones, so
/// each pair takes two computations, not four.
pub(crate) fn same_site_facts_and_top_site(ctx: &RequestContext) -> (ContextPair, ContextPair, [bool; 2], Site) {
    let sites = Sites::of(ctx);
    let pair = |for_response| {
        let schemeful = compute(ctx, &sites, true, for_response, false);
        let schemeless = compute(ctx, &sites, false, for_response, false);
        let chained = !sites.chain.is_empty();
        ContextPair {
            schemeful,
            schemeless,
            chain_aware: if chained { compute(ctx, &sites, true, for_response, true) } else { schemeful },
            chain_aware_schemeless: if chained { compute(ctx, &sites, false, for_response, true) } else { schemeless },
        }
    };
    // `for_cookies` is absent exactly for a top-level navigation, which is never third-party.
    let third_party = |schemeful| sites.for_cookies.as_ref().is_some_and(|sfc| !sfc.same_site(&sites.url, schemeful));
    let top_site = if ctx.is_top_level_navigation() {
        sites.url.clone()
    } else {
        match (&ctx.top_level, &sites.initiator) {
            (Some(t), _) => match (&sites.for_cookies, ctx.cross_site_ancestor) {
                (Some(sfc), false) => sfc.clone(),
                _ => site_of(t),
            },
            (None, Some(i)) => i.clone(),
            (None, None) => sites.url.clone(),
        }
    };
    (pair(false), pair(true), [third_party(false), third_party(true)], top_site)
}

/// Whether the request is made in a third-party context: its URL is cross-site with the site for
/// cookies (a top-level navigation never is).
pub fn is_third_party(ctx: &RequestContext, schemeful: bool) -> bool {
    if ctx.is_top_level_navigation() {
        return false;
    }
    !site_of(&ctx.site_for_cookies()).same_site(&site_of(&ctx.url_origin()), schemeful)
}

/// The top-level site: the partition key of CHIPS cookies and of Firefox's third-party jars.
pub fn top_level_site(ctx: &RequestContext) -> Site {
    if ctx.is_top_level_navigation() {
        return Site::of_url(&ctx.url);
    }
    match (&ctx.top_level, &ctx.initiator) {
        (Some(t), _) => site_of(t),
        (None, Some(i)) => site_of(i),
        (None, None) => Site::of_url(&ctx.url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::request::RequestKind;
    use crate::model::time::Timestamp;
    use proptest::prelude::*;
    use url::Url;

    proptest! {
        /// The facts computed together are the contexts, third-party answers and top-level site
        /// computed one by one, for requests drawn from a few URLs (schemes, hosts, a `blob:`),
        /// initiators, top levels, kinds, methods, ancestors and redirect chains (same-site and not).
        #[test]
        fn facts_computed_together_are_the_facts_one_by_one(
            url in 0..5usize, initiator in 0..4usize, top in 0..4usize, kind in 0..3usize,
            post in any::<bool>(), ancestor in any::<bool>(), chain in 0..3usize,
        ) {
            let urls = [
                "https://www.example.com/a",
                "http://www.example.com/c",
                "https://api.other.example/b",
                "wss://www.example.com/socket",
                "blob:https://other.example/0d5c",
            ];
            let origins = [None, Some("https://www.example.com"), Some("http://www.example.com"), Some("https://other.example")];
            let kinds = [RequestKind::Navigation, RequestKind::Fetch, RequestKind::Subresource];
            let chains: [&[&str]; 3] = [&[], &["https://a.example.com/"], &["https://elsewhere.example/", "https://www.example.com/"]];
            let origin = |o: Option<&str>| o.map(|o| Origin::parse(o).unwrap());
            let mut ctx = RequestContext::new(
                kinds[kind],
                if post { "POST" } else { "GET" },
                Url::parse(urls[url]).unwrap(),
                origin(origins[initiator]),
                Timestamp::from_unix_secs(1_780_000_000),
            )
            .with_top_level(origin(origins[top]))
            .with_redirect_chain(chains[chain].iter().map(|u| Url::parse(u).unwrap()).collect());
            ctx.cross_site_ancestor = ancestor;
            let (request, response, third_party, top_site) = same_site_facts_and_top_site(&ctx);
            prop_assert_eq!(request, request_context(&ctx));
            prop_assert_eq!(response, response_context(&ctx));
            prop_assert_eq!(third_party, [is_third_party(&ctx, false), is_third_party(&ctx, true)]);
            prop_assert_eq!(top_site, top_level_site(&ctx));
        }
    }
}
