//! Mixed content: what a secure (`https:`) page may load over plain `http:` / `ws:`, per browser.
//!
//! Facts, with their sources (W3C *Mixed Content*, <https://www.w3.org/TR/mixed-content/>, and the
//! browsers' own announcements):
//!
//! - Only a page whose origin is `https:` (or `wss:`) restricts mixed content. The spec says "a
//!   potentially trustworthy origin"; in practice engines key it on the secure scheme, so an
//!   `http://localhost` page is not restricted (Chromium `MixedContentChecker`, scheme-based).
//! - A request to a *potentially trustworthy* URL is never mixed content: `https:`, `wss:`, `data:`,
//!   `blob:`, `about:`, `file:`, and loopback hosts (`127.0.0.0/8`, `::1`, `localhost`,
//!   `*.localhost`) — W3C Secure Contexts §3.2 "Is url potentially trustworthy?". Chrome has allowed
//!   `http://127.0.0.1` from https pages since Chrome 53 (web-platform-tests/wpt#5304); Firefox since
//!   bug 903966; WebKit treats localhost and loopback as potentially trustworthy for mixed content since
//!   291988@main (2025, WebKit/WebKit#41238; earlier Safari blocked them, WebKit bug 171934).
//! - *Blockable* content — everything that is not an image, audio or video: `fetch()`/XHR, scripts,
//!   stylesheets, fonts, frames, workers, WebSockets — is blocked in every browser, with no upgrade
//!   (Mixed Content Level 2 §4.3 "upgradeable" vs blockable; Chrome `docs/security/autoupgrade-mixed.md`:
//!   "Blockable (i.e. all other types of) mixed content are blocked without an autoupgrade attempt";
//!   Mozilla security blog 2024-06-05: scripts and iframes "blocked as active mixed content").
//! - *Upgradeable* content (images, audio, video) is rewritten to `https:` and blocked if that fails:
//!   Chrome audio/video since 80 and images since 86 (blink-dev "Intent to Ship: mixed content
//!   autoupgrading for images"; Chromium blog "No More Mixed Messages About HTTPS", updated 2020-04-06;
//!   chromestatus lists M86); Firefox since 127 (Mozilla security blog, "Firefox will upgrade more Mixed
//!   Content in Version 127"); Safari since WebKit 274409@main (2024, Mixed Content Level 2; cited in
//!   WebKit/WebKit#27270), which shipped with Safari 18 — the Safari version is inferred from the
//!   commit date, not from release notes.
//! - A top-level navigation is never mixed content (the spec only covers subresource requests and
//!   nested browsing contexts).
//!
//! Pure: no I/O. Used by the ingress verdicts (an `https:` frontend calling an `http:` route) and by the
//! HAR replay.

use url::{Host, Url};

use super::profile::Browser;
use super::site::{is_loopback_host, Origin};

/// What a request is for, as `Sec-Fetch-Dest` names it (grouped by how mixed content treats it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Destination {
    /// A top-level navigation (`document`): never mixed content.
    Document,
    /// A nested browsing context (`iframe`, `frame`, `embed`, `object`): blockable.
    Iframe,
    /// `script`, `worker`, `sharedworker`, `serviceworker`, `audioworklet`, `paintworklet`: blockable.
    Script,
    /// `style`: blockable.
    Style,
    /// `font`: blockable.
    Font,
    /// `image`: upgradeable.
    Image,
    /// `audio` (and `track`): upgradeable.
    Audio,
    /// `video`: upgradeable.
    Video,
    /// `empty` (`fetch()`, XHR, `sendBeacon`): blockable.
    Fetch,
    /// A WebSocket handshake (`websocket`): blockable.
    WebSocket,
    /// Anything else (`manifest`, `report`, `xslt`, …): blockable.
    Other,
}

impl Destination {
    /// Maps a `Sec-Fetch-Dest` value (case-insensitive); unknown values are [`Destination::Other`].
    pub fn from_sec_fetch_dest(s: &str) -> Destination {
        match crate::model::http::ascii_lowercase(s.trim()).as_ref() {
            "document" => Destination::Document,
            "iframe" | "frame" | "embed" | "object" | "fencedframe" => Destination::Iframe,
            "script" | "worker" | "sharedworker" | "serviceworker" | "audioworklet" | "paintworklet" => {
                Destination::Script
            }
            "style" => Destination::Style,
            "font" => Destination::Font,
            "image" => Destination::Image,
            "audio" | "track" => Destination::Audio,
            "video" => Destination::Video,
            "empty" => Destination::Fetch,
            "websocket" => Destination::WebSocket,
            _ => Destination::Other,
        }
    }

    /// Images, audio and video: the "upgradeable" content of Mixed Content Level 2.
    pub fn is_upgradeable(self) -> bool {
        matches!(self, Destination::Image | Destination::Audio | Destination::Video)
    }
}

/// What a browser does with a request from a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MixedContent {
    /// Not mixed content: the page is not secure, the target is potentially trustworthy, or it is a
    /// top-level navigation.
    NotMixed,
    /// Blocked: the request is never sent (no cookie stored or sent, no response readable).
    Blocked,
    /// Rewritten to `https:` (`wss:`) before it is sent; blocked if that fails.
    Upgraded,
}

impl MixedContent {
    /// Short name used in reasons and JSON (`not-mixed`, `blocked`, `upgraded`).
    pub fn as_str(self) -> &'static str {
        match self {
            MixedContent::NotMixed => "not-mixed",
            MixedContent::Blocked => "blocked",
            MixedContent::Upgraded => "upgraded",
        }
    }
}

/// Whether a page restricts mixed content: its origin is `https:` (or `wss:`).
pub fn page_is_secure(page: &Origin) -> bool {
    matches!(page.scheme(), Some("https" | "wss"))
}

/// Whether a URL is potentially trustworthy (W3C Secure Contexts §3.2): secure schemes, local
/// schemes, and loopback hosts.
pub fn url_is_potentially_trustworthy(url: &Url) -> bool {
    match url.scheme() {
        "https" | "wss" | "data" | "blob" | "about" | "file" => true,
        _ => match url.host() {
            Some(Host::Domain(d)) => is_loopback_host(&Host::Domain(d.to_owned())),
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
    }
}

/// What `browser` does when a page of origin `page` (the top-level or initiating document) requests
/// `target` as `dest`.
pub fn check(page: &Origin, target: &Url, dest: Destination, browser: Browser) -> MixedContent {
    if dest == Destination::Document || !page_is_secure(page) || url_is_potentially_trustworthy(target) {
        return MixedContent::NotMixed;
    }
    if dest.is_upgradeable() && upgrades_optionally_blockable(browser) {
        MixedContent::Upgraded
    } else {
        MixedContent::Blocked
    }
}

/// Whether the profile's browser auto-upgrades images, audio and video (every modelled profile does
/// at its current version: Chrome ≥ 86, Firefox ≥ 127, Safari ≥ 18; see the module notes).
fn upgrades_optionally_blockable(browser: Browser) -> bool {
    match browser {
        Browser::Chrome | Browser::Chrome3pcBlocked | Browser::Firefox | Browser::Safari => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn blockable_content_is_blocked_in_every_browser() {
        for &b in Browser::ALL {
            for d in
                [Destination::Fetch, Destination::Script, Destination::Style, Destination::Font, Destination::Iframe]
            {
                assert_eq!(check(&o("https://app.example"), &u("http://api.example/x"), d, b), MixedContent::Blocked);
            }
            assert_eq!(
                check(&o("https://app.example"), &u("ws://api.example/socket"), Destination::WebSocket, b),
                MixedContent::Blocked
            );
        }
    }

    #[test]
    fn images_audio_video_are_upgraded() {
        for &b in Browser::ALL {
            for d in [Destination::Image, Destination::Audio, Destination::Video] {
                assert_eq!(check(&o("https://app.example"), &u("http://cdn.example/a"), d, b), MixedContent::Upgraded);
            }
        }
    }

    #[test]
    fn only_secure_pages_are_restricted() {
        let b = Browser::Chrome;
        assert_eq!(
            check(&o("http://app.example"), &u("http://api.example/"), Destination::Fetch, b),
            MixedContent::NotMixed
        );
        assert_eq!(
            check(&o("http://localhost:3000"), &u("http://api.example/"), Destination::Fetch, b),
            MixedContent::NotMixed
        );
        assert_eq!(
            check(&o("https://app.example"), &u("https://api.example/"), Destination::Fetch, b),
            MixedContent::NotMixed
        );
        assert_eq!(
            check(&o("https://app.example"), &u("wss://api.example/"), Destination::WebSocket, b),
            MixedContent::NotMixed
        );
    }

    #[test]
    fn loopback_targets_are_potentially_trustworthy() {
        for t in [
            "http://localhost:8080/",
            "http://api.localhost/",
            "http://127.0.0.1/",
            "http://127.1.2.3/",
            "http://[::1]/",
        ] {
            assert_eq!(
                check(&o("https://app.example"), &u(t), Destination::Fetch, Browser::Safari),
                MixedContent::NotMixed,
                "{t}"
            );
        }
        assert_eq!(
            check(&o("https://app.example"), &u("http://localhost.example/"), Destination::Fetch, Browser::Firefox),
            MixedContent::Blocked
        );
    }

    #[test]
    fn navigations_are_never_mixed() {
        assert_eq!(
            check(&o("https://app.example"), &u("http://api.example/"), Destination::Document, Browser::Firefox),
            MixedContent::NotMixed
        );
    }

    #[test]
    fn sec_fetch_dest_values_map() {
        assert_eq!(Destination::from_sec_fetch_dest("EMPTY"), Destination::Fetch);
        assert_eq!(Destination::from_sec_fetch_dest("image"), Destination::Image);
        assert_eq!(Destination::from_sec_fetch_dest("serviceworker"), Destination::Script);
        assert_eq!(Destination::from_sec_fetch_dest("websocket"), Destination::WebSocket);
        assert_eq!(Destination::from_sec_fetch_dest("manifest"), Destination::Other);
        assert_eq!(Destination::from_sec_fetch_dest("document"), Destination::Document);
    }
}
