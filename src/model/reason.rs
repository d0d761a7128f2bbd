//! Why a cookie was (not) stored or sent: every reason, not just the first.
//!
//! Modelled on Chromium's `CookieInclusionStatus`: a decision collects all exclusion reasons and all
//! warnings, so an explanation is complete. Names are Chrome DevTools' (`Network.SetCookieBlockedReason`,
//! `Network.CookieBlockedReason`, `Audits.CookieWarningReason`) wherever Chrome has one; the few that
//! Chrome does not name (credentials not included, Firefox partitions, Safari ITP) are crossjar's own and
//! say so in their docs.

use std::fmt;

macro_rules! reasons {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[doc = $doc:literal])+ $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl $name {
            /// Every reason, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The reason's name as reports and JSON print it.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// One line saying what the reason means, in the browser's terms.
            pub fn description(self) -> &'static str {
                match self { $($name::$variant => concat!($($doc),+).trim_start(),)+ }
            }

            /// Parses [`Self::as_str`]'s names.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

reasons! {
    /// Why a `Set-Cookie` was not stored, or a stored cookie was not sent.
    pub enum Exclusion {
        /// The request did not include credentials (fetch `credentials` was `omit`, or the default `same-origin` on a cross-origin URL; XHR without `withCredentials`; a module script without `crossorigin="use-credentials"`), so the browser neither attached cookies nor processed `Set-Cookie`. Chrome reports no reason for this at all. (crossjar's name; Fetch "HTTP-network-or-cache fetch", includeCredentials)
        CredentialsNotIncluded = "CredentialsNotIncluded",
        /// A CORS preflight never carries cookies and never stores them. (crossjar's name; Fetch §4.8)
        PreflightNeverCredentialed = "PreflightNeverCredentialed",
        /// The cookie has `Secure` but the connection is not secure. (DevTools `SecureOnly`)
        SecureOnly = "SecureOnly",
        /// The cookie's path does not path-match the request path. (DevTools `NotOnPath`)
        NotOnPath = "NotOnPath",
        /// The cookie's domain does not domain-match the request host. (DevTools `DomainMismatch`)
        DomainMismatch = "DomainMismatch",
        /// `SameSite=Strict` and the request or response is cross-site. (DevTools `SameSiteStrict`)
        SameSiteStrict = "SameSiteStrict",
        /// `SameSite=Lax` and the request is cross-site and not a top-level navigation with a safe method. (DevTools `SameSiteLax`)
        SameSiteLax = "SameSiteLax",
        /// No valid `SameSite` attribute, so Chrome treats it as `Lax`, and the request or response is cross-site. (DevTools `SameSiteUnspecifiedTreatedAsLax`)
        SameSiteUnspecifiedTreatedAsLax = "SameSiteUnspecifiedTreatedAsLax",
        /// `SameSite=None` without `Secure`. (DevTools `SameSiteNoneInsecure`)
        SameSiteNoneInsecure = "SameSiteNoneInsecure",
        /// `SameSite=Strict` and the request or response is cross-site, as Chrome with schemeful same-site names it (recorded: Chromium 156 uses this name for every SameSite exclusion, https to https included). (DevTools `SchemefulSameSiteStrict`)
        SchemefulSameSiteStrict = "SchemefulSameSiteStrict",
        /// `SameSite=Lax` and the request is cross-site and not a safe top-level navigation, as Chrome with schemeful same-site names it (Chromium 156, recorded). (DevTools `SchemefulSameSiteLax`)
        SchemefulSameSiteLax = "SchemefulSameSiteLax",
        /// No valid `SameSite`, treated as `Lax`, and the request or response is cross-site, as Chrome with schemeful same-site names it (Chromium 156, recorded). (DevTools `SchemefulSameSiteUnspecifiedTreatedAsLax`)
        SchemefulSameSiteUnspecifiedTreatedAsLax = "SchemefulSameSiteUnspecifiedTreatedAsLax",
        /// Blocked by the user's third-party cookie setting (Chrome Incognito, or "Block third-party cookies"). (DevTools `UserPreferences`)
        UserPreferences = "UserPreferences",
        /// Blocked by Chrome's third-party cookie phase-out or test cohort. (DevTools `ThirdPartyPhaseout`)
        ThirdPartyPhaseout = "ThirdPartyPhaseout",
        /// Safari's Intelligent Tracking Prevention blocks unpartitioned cookies in a cross-site context (full third-party cookie blocking since Safari 13.1). (crossjar's name; WebKit blog "Full Third-Party Cookie Blocking")
        ThirdPartyBlockedByItp = "ThirdPartyBlockedByItp",
        /// The cookie lives in another top-level site's partition (Firefox Total Cookie Protection, or a CHIPS `Partitioned` cookie), so it is not sent under this top-level site. (crossjar's name; CDP flags it as `siteHasCookieInOtherPartition`)
        CookieInOtherPartition = "CookieInOtherPartition",
        /// The URL's scheme cannot store cookies. (DevTools `SchemeNotSupported`)
        SchemeNotSupported = "SchemeNotSupported",
        /// A non-`Secure` cookie from an insecure origin would overwrite or shadow a `Secure` one ("leave secure cookies alone"). (DevTools `OverwriteSecure`)
        OverwriteSecure = "OverwriteSecure",
        /// The `Domain` attribute is not a domain of the request host, or is a public suffix. (DevTools `InvalidDomain`)
        InvalidDomain = "InvalidDomain",
        /// The `Domain` attribute holds non-ASCII characters. (Audits `ExcludeDomainNonASCII`)
        DomainNonAscii = "DomainNonASCII",
        /// The name breaks the rules of its `__Secure-`, `__Host-`, `__Http-` or `__Host-Http-` prefix. (DevTools `InvalidPrefix`)
        InvalidPrefix = "InvalidPrefix",
        /// `Partitioned` without `Secure`: browsers reject it. (crossjar's name; Chromium `EXCLUDE_INVALID_PARTITIONED`)
        InvalidPartitioned = "InvalidPartitioned",
        /// The name plus value exceed 4096 bytes. (DevTools `NameValuePairExceedsMaxSize`)
        NameValuePairExceedsMaxSize = "NameValuePairExceedsMaxSize",
        /// The line holds a control character that browsers refuse. (DevTools `DisallowedCharacter`)
        DisallowedCharacter = "DisallowedCharacter",
        /// The line has neither a name nor a value. (DevTools `NoCookieContent`)
        NoCookieContent = "NoCookieContent",
        /// An `HttpOnly` cookie cannot be set, or an `HttpOnly` cookie overwritten, from script (`document.cookie`). (crossjar's name; RFC 6265bis §5.7 steps 15 and 23)
        HttpOnlyFromScript = "HttpOnlyFromScript",
    }
}

reasons! {
    /// Something worth telling about a cookie that does not (alone) stop it.
    pub enum Warning {
        /// No `SameSite` attribute and used in a cross-site context: Chrome blocks it, Firefox and Safari do not apply Lax-by-default. (Audits `WarnSameSiteUnspecifiedCrossSiteContext`)
        WarnSameSiteUnspecifiedCrossSiteContext = "WarnSameSiteUnspecifiedCrossSiteContext",
        /// `SameSite=None` without `Secure`: rejected by Chrome and Firefox 131+, accepted by Safari. (Audits `WarnSameSiteNoneInsecure`)
        WarnSameSiteNoneInsecure = "WarnSameSiteNoneInsecure",
        /// Sent on a cross-site top-level POST only because the unspecified-SameSite cookie is under 2 minutes old (Chrome's "Lax allowing unsafe"). (Audits `WarnSameSiteUnspecifiedLaxAllowUnsafe`)
        WarnSameSiteUnspecifiedLaxAllowUnsafe = "WarnSameSiteUnspecifiedLaxAllowUnsafe",
        /// An attribute value over 1024 bytes was ignored. (Audits `WarnAttributeValueExceedsMaxSize`)
        WarnAttributeValueExceedsMaxSize = "WarnAttributeValueExceedsMaxSize",
        /// The cookie would be blocked where third-party cookies are blocked (Chrome Incognito, Safari). (Audits `WarnThirdPartyPhaseout`)
        WarnThirdPartyPhaseout = "WarnThirdPartyPhaseout",
        /// A cross-site redirect in the chain changed whether the cookie is included. (Audits `WarnCrossSiteRedirectDowngradeChangesInclusion`)
        WarnCrossSiteRedirectDowngradeChangesInclusion = "WarnCrossSiteRedirectDowngradeChangesInclusion",
        /// Stored or sent inside the top-level site's partition (Firefox Total Cookie Protection, or CHIPS), so it is invisible under other top-level sites and to the site's own first-party visits. (crossjar's name)
        Partitioned = "Partitioned",
        /// The lifetime was capped at 400 days. (crossjar's name; RFC 6265bis §5.5)
        ExpiryCapped = "ExpiryCapped",
        /// The `SameSite` value was not `Strict`, `Lax` or `None` and was ignored. (crossjar's name; RFC 6265bis §5.6.7)
        InvalidSameSiteValue = "InvalidSameSiteValue",
        /// The cookie was deleted (expiry in the past or `Max-Age` ≤ 0) rather than stored. (crossjar's name)
        Deleted = "Deleted",
    }
}

/// A sorted set of reasons held inline: a decision is made for every cookie of every request in
/// every profile, and a set that allocates would make that the cost of the replay (Chromium's
/// `CookieInclusionStatus` is a bit set for the same reason). It reads as a sorted slice.
#[derive(Clone, Copy)]
pub struct ReasonSet<T: Copy + Ord + 'static, const N: usize> {
    len: u8,
    items: [T; N],
}

/// Every exclusion reason of one decision.
pub type Exclusions = ReasonSet<Exclusion, { Exclusion::ALL.len() }>;
/// Every warning of one decision.
pub type Warnings = ReasonSet<Warning, { Warning::ALL.len() }>;

/// A value to fill unused slots with: the first of `T`'s values.
pub trait Filler: Copy + Ord + 'static {
    /// Any value of the type.
    const FILL: Self;
}

impl Filler for Exclusion {
    const FILL: Self = Exclusion::ALL[0];
}

impl Filler for Warning {
    const FILL: Self = Warning::ALL[0];
}

impl<T: Filler, const N: usize> ReasonSet<T, N> {
    /// The empty set.
    pub const fn new() -> Self {
        ReasonSet { len: 0, items: [T::FILL; N] }
    }

    /// Adds `item` (kept sorted, once). The capacity is the number of values of `T`, so every
    /// distinct value fits.
    pub fn insert(&mut self, item: T) {
        let len = usize::from(self.len);
        if let Err(at) = self.items[..len].binary_search(&item) {
            if len < N {
                self.items.copy_within(at..len, at + 1);
                self.items[at] = item;
                self.len += 1;
            }
        }
    }

    /// Removes `item` if present.
    pub fn remove(&mut self, item: T) {
        let len = usize::from(self.len);
        if let Ok(at) = self.items[..len].binary_search(&item) {
            self.items.copy_within(at + 1..len, at);
            self.len -= 1;
        }
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// A set of these items.
    pub fn of(items: &[T]) -> Self {
        let mut set = Self::new();
        for &i in items {
            set.insert(i);
        }
        set
    }
}

impl<T: Filler, const N: usize> Default for ReasonSet<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Filler, const N: usize> std::ops::Deref for ReasonSet<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items[..usize::from(self.len)]
    }
}

impl<T: Filler + fmt::Debug, const N: usize> fmt::Debug for ReasonSet<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Filler, const N: usize> PartialEq for ReasonSet<T, N> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Filler, const N: usize> Eq for ReasonSet<T, N> {}

impl<T: Filler + std::hash::Hash, const N: usize> std::hash::Hash for ReasonSet<T, N> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state)
    }
}

impl<T: Filler, const N: usize> PartialEq<Vec<T>> for ReasonSet<T, N> {
    fn eq(&self, other: &Vec<T>) -> bool {
        **self == other[..]
    }
}

impl<'a, T: Filler, const N: usize> IntoIterator for &'a ReasonSet<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The outcome of one decision: all exclusion reasons and all warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct InclusionStatus {
    exclusions: Exclusions,
    warnings: Warnings,
}

impl InclusionStatus {
    /// An included status with no warnings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether nothing excludes the cookie.
    pub fn is_included(&self) -> bool {
        self.exclusions.is_empty()
    }

    /// The exclusion reasons, sorted and without repeats.
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclusions
    }

    /// The warnings, sorted and without repeats.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Whether `reason` is among the exclusions.
    pub fn has(&self, reason: Exclusion) -> bool {
        self.exclusions.contains(&reason)
    }

    /// Whether `warning` is among the warnings.
    pub fn has_warning(&self, warning: Warning) -> bool {
        self.warnings.contains(&warning)
    }

    /// The exclusion reasons as a set (a copy, no allocation).
    pub fn exclusion_set(&self) -> Exclusions {
        self.exclusions
    }

    /// The warnings as a set (a copy, no allocation).
    pub fn warning_set(&self) -> Warnings {
        self.warnings
    }

    /// Adds an exclusion reason (kept sorted, once).
    pub fn exclude(&mut self, reason: Exclusion) {
        self.exclusions.insert(reason);
    }

    /// Adds a warning (kept sorted, once).
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.insert(warning);
    }

    /// Removes an exclusion reason if present.
    pub fn remove(&mut self, reason: Exclusion) {
        self.exclusions.remove(reason);
    }
}

/// What Chrome DevTools lists for a decision with these exclusion reasons.
///
/// `None` when Chrome does not evaluate the cookie at all, so it appears in no CDP list: credentials
/// not included, a preflight, a cookie of another partition, an invalid `Partitioned` line (recorded:
/// Chromium 156 drops it silently). Otherwise the DevTools names, sorted; when *storing*, a third-party
/// cookie block is reported alone (recorded: Chromium 156 lists only `UserPreferences` for a blocked
/// `Set-Cookie`, while for sending it lists the SameSite reasons too).
pub fn devtools_view(reasons: &[Exclusion], storing: bool) -> Option<Vec<Exclusion>> {
    const SILENT: [Exclusion; 4] = [
        Exclusion::CredentialsNotIncluded,
        Exclusion::PreflightNeverCredentialed,
        Exclusion::CookieInOtherPartition,
        Exclusion::InvalidPartitioned,
    ];
    if reasons.iter().any(|r| SILENT.contains(r)) {
        return None;
    }
    let third_party = [Exclusion::UserPreferences, Exclusion::ThirdPartyPhaseout];
    if storing {
        if let Some(tp) = reasons.iter().find(|r| third_party.contains(r)) {
            return Some(vec![*tp]);
        }
    }
    let mut named = reasons.to_vec();
    named.sort_by_key(|r| r.as_str());
    Some(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for r in Exclusion::ALL {
            assert_eq!(Exclusion::parse(r.as_str()), Some(*r));
            assert!(!r.description().is_empty());
        }
        for w in Warning::ALL {
            assert_eq!(Warning::parse(w.as_str()), Some(*w));
        }
        let mut names: Vec<_> = Exclusion::ALL.iter().map(|r| r.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Exclusion::ALL.len());
    }

    #[test]
    fn devtools_view_follows_recorded_chromium() {
        use Exclusion::*;
        assert_eq!(devtools_view(&[CredentialsNotIncluded, SameSiteLax], true), None);
        assert_eq!(devtools_view(&[SameSiteNoneInsecure, UserPreferences], true), Some(vec![UserPreferences]));
        assert_eq!(
            devtools_view(&[UserPreferences, SchemefulSameSiteLax], false),
            Some(vec![SchemefulSameSiteLax, UserPreferences])
        );
    }

    #[test]
    fn status_collects_every_reason_once() {
        let mut s = InclusionStatus::new();
        assert!(s.is_included());
        s.exclude(Exclusion::SecureOnly);
        s.exclude(Exclusion::NotOnPath);
        s.exclude(Exclusion::SecureOnly);
        assert_eq!(s.exclusions(), &[Exclusion::SecureOnly, Exclusion::NotOnPath]);
        assert!(!s.is_included());
    }
}
