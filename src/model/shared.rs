//! [`SharedStr`]: an immutable string whose clones share one allocation.
//!
//! A cookie's name, value, domain and path are written once by `Set-Cookie` and then copied into a
//! verdict on every request that could carry the cookie: with a browser's 180 cookies per site and four
//! profiles, that is hundreds of copies per request. Sharing makes each copy a reference-count
//! increment instead of an allocation (the same reason Chromium's `CanonicalCookie` is passed by
//! reference through `CookieInclusionStatus` checks). Short texts (most names, domains and paths, up
//! to 23 bytes) need no count at all: they are held in place ([`smol_str::SmolStr`]), and copying 24
//! bytes costs less than a reference count, an atomic operation on memory that the reader's thread
//! may have allocated beside its own (measured: 7% of `crossjar har`'s time on a header-heavy capture).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// An immutable, cheaply cloned string. It reads as a `&str` (it derefs to one) and compares, hashes
/// and orders as its text does.
#[derive(Clone, Default)]
pub struct SharedStr(smol_str::SmolStr);

impl SharedStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    fn new(s: &str) -> Self {
        SharedStr(smol_str::SmolStr::new(s))
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr::new(&s)
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr::new(s)
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr::new(s)
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.as_str().to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::SharedStr;
    use std::collections::HashMap;

    #[test]
    fn clones_share_one_allocation_and_compare_as_text() {
        let long = SharedStr::from("a session token longer than the inline room");
        assert!(std::ptr::eq(long.as_str(), long.clone().as_str()));
        let a = SharedStr::from("route");
        let b = a.clone();
        assert_eq!(a.as_str(), b.as_str());
        assert_eq!(a, "route");
        assert_eq!(a, String::from("route"));
        assert_ne!(a, SharedStr::from("Route"));
        let (x, y) = (SharedStr::from("a"), SharedStr::from("b"));
        assert!(x < y);
        assert_eq!(format!("{a}|{a:?}"), "route|\"route\"");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"route\"");
        assert_eq!(SharedStr::from("/"), SharedStr::from(String::from("/")));
        assert_eq!(SharedStr::default(), "");
    }

    #[test]
    fn short_and_long_texts_read_back_whole() {
        assert_eq!(std::mem::size_of::<SharedStr>(), 24);
        // Around the inline limit, and multi-byte characters that end at it or cross it.
        let texts = ["ab".to_owned(), "x".repeat(23), "y".repeat(24), "é".repeat(11), "é".repeat(12), "€".repeat(8)];
        for text in &texts {
            let s = SharedStr::from(text.as_str());
            assert_eq!(s.as_str(), text);
            assert_eq!(s.clone(), *text);
            assert_eq!(s.len(), text.len());
        }
        let (short, long) = (SharedStr::from("b"), SharedStr::from("a".repeat(40)));
        assert!(long < short, "orders as text, whatever the storage");
    }

    #[test]
    fn looks_up_by_str_in_maps() {
        let mut m = HashMap::new();
        m.insert(SharedStr::from("sid"), 1);
        assert_eq!(m.get("sid"), Some(&1));
    }
}
