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

            /// The reason's bit in a [`ReasonSet`]: its place in declaration order.
            pub const fn bit(self) -> u64 {
                1 << self as u32
            }
        }

        const _: () = assert!($name::ALL.len() <= 64, "a ReasonSet holds at most 64 reasons");

        impl Reason for $name {
            const VALUES: &'static [Self] = $name::ALL;
            fn bit(self) -> u64 {
                $name::bit(self)
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

/// A set of reasons as a bit set, one bit per value in declaration order (Chromium's
/// `CookieInclusionStatus` is a bit set for the same reason): a decision is made for every cookie of
/// every request in every profile, and its reasons are added, copied, compared and hashed as one
/// word. It iterates, prints and serializes in declaration order, which is the reasons' order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReasonSet<T: Reason> {
    bits: u64,
    kind: std::marker::PhantomData<T>,
}

/// Every exclusion reason of one decision.
pub type Exclusions = ReasonSet<Exclusion>;
/// Every warning of one decision.
pub type Warnings = ReasonSet<Warning>;

/// A kind of reason a [`ReasonSet`] holds: fieldless, at most 64 values (the `reasons!` macro
/// implements it).
pub trait Reason: Copy + Ord + 'static {
    /// Every value, in declaration order.
    const VALUES: &'static [Self];
    /// The value's bit: bit `i` stands for `VALUES[i]`.
    fn bit(self) -> u64;
}

impl<T: Reason> ReasonSet<T> {
    /// The empty set.
    pub const fn new() -> Self {
        ReasonSet { bits: 0, kind: std::marker::PhantomData }
    }

    /// Adds `item` (once).
    pub fn insert(&mut self, item: T) {
        self.bits |= item.bit();
    }

    /// Removes `item` if present.
    pub fn remove(&mut self, item: T) {
        self.bits &= !item.bit();
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.bits = 0;
    }

    /// A set of these items.
    pub fn of(items: &[T]) -> Self {
        let mut set = Self::new();
        for &i in items {
            set.insert(i);
        }
        set
    }

    /// Whether `item` is in the set.
    pub fn contains(&self, item: &T) -> bool {
        self.bits & item.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }

    /// How many reasons the set holds.
    pub fn len(&self) -> usize {
        self.bits.count_ones() as usize
    }

    /// The reasons, in declaration order.
    pub fn iter(&self) -> ReasonIter<T> {
        ReasonIter { bits: self.bits, kind: std::marker::PhantomData }
    }

    /// The first reason in declaration order.
    pub fn first(&self) -> Option<&'static T> {
        self.iter().next()
    }

    /// The set as bits: bit `i` stands for `T::VALUES[i]`.
    pub fn bits(&self) -> u64 {
        self.bits
    }

    /// The reasons as a list, in declaration order.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().copied().collect()
    }
}

/// The reasons of a [`ReasonSet`], in declaration order.
#[derive(Clone, Debug)]
pub struct ReasonIter<T: Reason> {
    bits: u64,
    kind: std::marker::PhantomData<T>,
}

impl<T: Reason> Iterator for ReasonIter<T> {
    type Item = &'static T;
    fn next(&mut self) -> Option<&'static T> {
        if self.bits == 0 {
            return None;
        }
        let at = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        T::VALUES.get(at)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.bits.count_ones() as usize;
        (n, Some(n))
    }
}

impl<T: Reason> ExactSizeIterator for ReasonIter<T> {}

impl<T: Reason> Default for ReasonSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Reason + fmt::Debug> fmt::Debug for ReasonSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Reason> PartialEq<Vec<T>> for ReasonSet<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.iter().copied().eq(other.iter().copied())
    }
}

impl<T: Reason, const K: usize> PartialEq<[T; K]> for ReasonSet<T> {
    fn eq(&self, other: &[T; K]) -> bool {
        self.iter().copied().eq(other.iter().copied())
    }
}

impl<T: Reason> IntoIterator for &ReasonSet<T> {
    type Item = &'static T;
    type IntoIter = ReasonIter<T>;
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

    /// The exclusion reasons, in declaration order and without repeats.
    pub fn exclusions(&self) -> &Exclusions {
        &self.exclusions
    }

    /// The warnings, in declaration order and without repeats.
    pub fn warnings(&self) -> &Warnings {
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

    /// Adds an exclusion reason (once).
    pub fn exclude(&mut self, reason: Exclusion) {
        self.exclusions.insert(reason);
    }

    /// Adds a warning (once).
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

    proptest::proptest! {
        /// The bit set holds what a sorted set of the same insertions and removals holds, and lists
        /// it in the same (declaration) order.
        #[test]
        fn reason_set_is_a_sorted_set(ops in proptest::collection::vec((0..Exclusion::ALL.len(), proptest::bool::ANY), 0..40)) {
            let mut set = Exclusions::new();
            let mut model = std::collections::BTreeSet::new();
            for (i, add) in ops {
                let r = Exclusion::ALL[i];
                if add {
                    set.insert(r);
                    model.insert(r);
                } else {
                    set.remove(r);
                    model.remove(&r);
                }
                proptest::prop_assert_eq!(set.contains(&r), add);
            }
            let listed: Vec<Exclusion> = model.iter().copied().collect();
            proptest::prop_assert_eq!(set.to_vec(), listed.clone());
            proptest::prop_assert_eq!(set.len(), listed.len());
            proptest::prop_assert_eq!(set.is_empty(), listed.is_empty());
            proptest::prop_assert_eq!(set.first().copied(), listed.first().copied());
            proptest::prop_assert_eq!(set, Exclusions::of(&listed));
            proptest::prop_assert!(Exclusion::ALL.iter().all(|r| set.contains(r) == model.contains(r)));
        }
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
