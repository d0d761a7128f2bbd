//! Static CORS security checks (placeholder, filled in below).
