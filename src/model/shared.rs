//! [`SharedStr`]: an immutable string whose clones share one allocation.
//!
//! A cookie's name, value, domain and path are written once by `Set-Cookie` and then copied into a
//! verdict on every request that could carry the cookie: with a browser's 180 cookies per site and four
//! profiles, that is hundreds of copies per request. Sharing makes each copy a reference-count
//! increment instead of an allocation (the same reason Chromium's `CanonicalCookie` is passed by
//! reference through `CookieInclusionStatus` checks). The commonest texts (`/`, the empty string)
//! need no count at all.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable, cheaply cloned string. It reads as a `&str` (it derefs to one) and compares, hashes
/// and orders as its text does.
#[derive(Clone)]
pub struct SharedStr(Repr);

#[derive(Clone)]
enum Repr {
    /// A text common enough to need no allocation: `/` (most cookies' path), the empty string.
    Static(&'static str),
    Shared(Arc<str>),
}

impl SharedStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }

    fn new(s: &str) -> Self {
        match s {
            "" => SharedStr(Repr::Static("")),
            "/" => SharedStr(Repr::Static("/")),
            _ => SharedStr(Repr::Shared(Arc::from(s))),
        }
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        SharedStr(Repr::Static(""))
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
        let a = SharedStr::from("route");
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
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
    fn looks_up_by_str_in_maps() {
        let mut m = HashMap::new();
        m.insert(SharedStr::from("sid"), 1);
        assert_eq!(m.get("sid"), Some(&1));
    }
}
