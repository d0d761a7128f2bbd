//! Time as the model sees it: a plain instant supplied by the caller.
//!
//! The model never reads the clock. A HAR replay passes each entry's `startedDateTime`, so expiry and
//! Chrome's two-minute "Lax allowing unsafe" window replay exactly as they happened.

use std::fmt;

/// Milliseconds since the Unix epoch (UTC). Negative values are before 1970.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The instant `secs` seconds after the Unix epoch.
    pub const fn from_unix_secs(secs: i64) -> Self {
        Timestamp(secs.saturating_mul(1000))
    }

    /// Whole seconds since the Unix epoch (rounded towards negative infinity).
    pub const fn unix_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This instant moved by `secs` seconds, saturating at the ends of the range.
    pub const fn plus_secs(self, secs: i64) -> Self {
        Timestamp(self.0.saturating_add(secs.saturating_mul(1000)))
    }

    /// This instant moved by `ms` milliseconds, saturating at the ends of the range.
    pub const fn plus_millis(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }

    /// Parses an RFC 3339 / ISO 8601 timestamp as HAR writes it (`2024-05-01T10:00:00.123Z`,
    /// `2024-05-01T12:00:00.123+02:00`). Returns `None` for anything else.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let b = s.trim().as_bytes();
        if b.len() < 19 {
            return None;
        }
        // Two to four ASCII digits, read as a number (every entry of a capture has a timestamp: a
        // text-to-number parse for each field was 1 000 instructions per entry).
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = b.get(r).filter(|p| !p.is_empty())?;
            part.iter().try_fold(0i64, |n, d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
            return None;
        }
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let mut i = 19;
        let mut millis = 0i64;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let frac = &b[start..i];
            for (k, d) in frac.iter().take(3).enumerate() {
                millis += i64::from(d - b'0') * [100, 10, 1][k];
            }
        }
        let offset_secs = match b.get(i) {
            None => 0,
            Some(b'Z') | Some(b'z') => 0,
            Some(sign @ (b'+' | b'-')) => {
                let hh = num(i + 1..i + 3)?;
                let mm = if b.get(i + 3) == Some(&b':') { num(i + 4..i + 6)? } else { num(i + 3..i + 5).unwrap_or(0) };
                let off = hh * 3600 + mm * 60;
                if *sign == b'+' {
                    off
                } else {
                    -off
                }
            }
            _ => return None,
        };
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
        Some(Timestamp(secs * 1000 + millis))
    }

    /// Formats the instant as `2024-05-01T10:00:00.123Z`.
    pub fn to_rfc3339(self) -> String {
        let secs = self.unix_secs();
        let millis = self.0.rem_euclid(1000);
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_and_offsets() {
        let t = Timestamp::parse_rfc3339("2024-05-01T10:00:00.123Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-05-01T10:00:00.123Z");
        let t2 = Timestamp::parse_rfc3339("2024-05-01T12:00:00.123+02:00").unwrap();
        assert_eq!(t, t2);
        assert_eq!(Timestamp::parse_rfc3339("1970-01-01T00:00:00Z"), Some(Timestamp(0)));
        assert_eq!(Timestamp::parse_rfc3339("not a date"), None);
        assert_eq!(Timestamp::parse_rfc3339("2024-13-01T00:00:00Z"), None);
    }

    /// Each numeric field is digits only: a sign, a space or a letter in any of them is no timestamp.
    #[test]
    fn rfc3339_fields_are_digits_only() {
        for bad in [
            "+024-05-01T10:00:00Z",
            "2024-+5-01T10:00:00Z",
            "2024-05- 1T10:00:00Z",
            "2024-05-01T1a:00:00Z",
            "2024-05-01T10:-0:00Z",
            "2024-05-01T10:00:0xZ",
            "2024-05-01T10:00:00+0a:00",
            "2024-05-01T10:00:00+",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(
            Timestamp::parse_rfc3339("2024-05-01T10:00:00-0130"),
            Timestamp::parse_rfc3339("2024-05-01T11:30:00Z")
        );
    }

    proptest::proptest! {
        /// Any valid instant written out is read back as itself.
        #[test]
        fn rfc3339_reads_back_what_it_writes(
            y in 1970i64..2200, m in 1i64..=12, d in 1i64..=28, h in 0i64..24, mi in 0i64..60, s in 0i64..60,
            ms in 0i64..1000,
        ) {
            let text = format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z");
            let t = Timestamp::parse_rfc3339(&text);
            proptest::prop_assert_eq!(t.map(Timestamp::to_rfc3339), Some(text));
        }
    }
}
