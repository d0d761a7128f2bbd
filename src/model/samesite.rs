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
    let sites = Sites::of(ctx);
    let pair = |for_response| ContextPair {
        schemeful: compute(ctx, &sites, true, for_response, false),
        schemeless: compute(ctx, &sites, false, for_response, false),
        chain_aware: compute(ctx, &sites, true, for_response, true),
        chain_aware_schemeless: compute(ctx, &sites, false, for_response, true),
    };
    // `for_cookies` is absent exactly for a top-level navigation, which is never third-party.
    let third_party = |schemeful| sites.for_cookies.as_ref().is_some_and(|sfc| !sfc.same_site(&sites.url, schemeful));
    (pair(false), pair(true), [third_party(false), third_party(true)])
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
