//! The cookie-date algorithm of RFC 6265bis §5.1.1: how browsers read `Expires`.
//!
//! It is deliberately forgiving: tokens may come in any order, each field is taken from the first
//! token that fits it, and trailing junk after a number is ignored.

use super::time::{days_from_civil, Timestamp};

fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// Leading digits of `token` (at least `min`, at most `max`), which must be followed by a non-digit
/// or the end. Returns the number.
fn leading_number(token: &[u8], min: usize, max: usize) -> Option<(u32, usize)> {
    let n = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    let value = token[..n].iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    Some((value, n))
}

/// `hms-time = time-field ":" time-field ":" time-field [non-digit *OCTET]`, each field 1–2 digits.
fn parse_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let (h, a) = leading_number(token, 1, 2)?;
    let rest = token.get(a..)?;
    let rest = rest.strip_prefix(b":")?;
    let (m, b) = leading_number(rest, 1, 2)?;
    let rest = rest[b..].strip_prefix(b":")?;
    let (s, _) = leading_number(rest, 1, 2)?;
    Some((h, m, s))
}

fn parse_month(token: &[u8]) -> Option<u32> {
    if token.len() < 3 {
        return None;
    }
    const MONTHS: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    let prefix = [token[0].to_ascii_lowercase(), token[1].to_ascii_lowercase(), token[2].to_ascii_lowercase()];
    MONTHS.iter().position(|m| **m == prefix).map(|i| i as u32 + 1)
}

/// Parses a cookie date (`Wed, 21 Oct 2015 07:28:00 GMT` and the many variants browsers accept).
/// Returns `None` when the algorithm fails (then the `Expires` attribute is ignored).
pub fn parse_cookie_date(input: &str) -> Option<Timestamp> {
    let bytes = input.as_bytes();
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    for token in bytes.split(|b| is_delimiter(*b)).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(t) = parse_time(token) {
                time = Some(t);
                continue;
            }
        }
        if day.is_none() {
            if let Some((d, _)) = leading_number(token, 1, 2) {
                day = Some(d);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = parse_month(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some((y, _)) = leading_number(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }
    let (hour, minute, second) = time?;
    let (day, month, mut year) = (day?, month?, year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if year <= 69 {
        year += 2000;
    }
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    Some(Timestamp::from_unix_secs(days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> Option<i64> {
        parse_cookie_date(s).map(|t| t.unix_secs())
    }

    #[test]
    fn common_forms() {
        assert_eq!(secs("Wed, 21 Oct 2015 07:28:00 GMT"), Some(1_445_412_480));
        assert_eq!(secs("Wednesday, 21-Oct-15 07:28:00 GMT"), Some(1_445_412_480));
        assert_eq!(secs("Wed Oct 21 07:28:00 2015"), Some(1_445_412_480));
        assert_eq!(secs("21 Oct 2015 07:28:00"), Some(1_445_412_480));
    }

    #[test]
    fn two_digit_years_and_limits() {
        assert_eq!(secs("01 Jan 70 00:00:00 GMT"), Some(0));
        assert!(secs("01 Jan 69 00:00:00 GMT").unwrap() > 3_000_000_000);
        assert_eq!(secs("01 Jan 1600 00:00:00 GMT"), None);
        assert_eq!(secs("31 Feb 2015 00:00:00 GMT"), None);
        assert_eq!(secs("29 Feb 2016 00:00:00 GMT"), Some(1_456_704_000));
        assert_eq!(secs("Wed, 21 Oct 2015 24:00:00 GMT"), None);
        assert_eq!(secs("Wed, 21 Oct 2015"), None, "no time");
        assert_eq!(secs(""), None);
    }
}
