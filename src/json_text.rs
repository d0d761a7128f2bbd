//! The bytes of JSON strings: where a string's plain text ends. The HAR reader skips and borrows
//! strings with it; the JSON report writes a string as it is when it has nothing to escape.

/// The position of the first byte that ends or interrupts a JSON string's plain text: a quote, a
/// backslash or a control character. Keys and header texts are short: their first bytes are
/// scanned eight at a time; a string longer than that (a body, most of a capture's bytes) goes on
/// in blocks of 64 bytes that the compiler turns into vector compares (about twice the speed of
/// the eight-byte scan on a 180 MB capture of base64 bodies).
pub(crate) fn special(b: &[u8]) -> Option<usize> {
    const HEAD: usize = 32;
    const BLOCK: usize = 64;
    let head = b.len().min(HEAD);
    if let Some(n) = special_by_words(&b[..head]) {
        return Some(n);
    }
    let mut i = head;
    while let Some(block) = b.get(i..i + BLOCK) {
        // No early exit inside the block, so the loop vectorises; the word scan below finds the
        // position within it.
        let any = block.iter().fold(false, |a, &c| a | is_special(c));
        if any {
            break;
        }
        i += BLOCK;
    }
    special_by_words(&b[i..]).map(|n| i + n)
}

/// [`special`] eight bytes at a time.
fn special_by_words(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte's high bit is set where the byte is zero (below the first such byte the answer is exact).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let hit = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if hit != 0 {
            // Each of the three marks is exact at its lowest bit, so the lowest of all is the first
            // special byte (the bytes are little-endian: the first byte is the lowest).
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|&c| is_special(c)).map(|n| i + n)
}

/// A quote, a backslash or a control character (`|`, not `||`: no branch, so a block's loop
/// vectorises).
#[inline]
fn is_special(c: u8) -> bool {
    (c == b'"') | (c == b'\\') | (c < 0x20)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// What [`super::special`] answers, one byte at a time.
    fn first_special(b: &[u8]) -> Option<usize> {
        b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)
    }

    proptest! {
        /// Eight bytes at a time finds the same first byte: bytes drawn mostly from the ones the
        /// marks could confuse (quote, backslash, control, high, and their neighbours).
        #[test]
        fn special_finds_the_first_quote_backslash_or_control(
            b in proptest::collection::vec(
                prop_oneof![
                    Just(b'"'), Just(b'\\'), Just(0u8), Just(0x1f), Just(0x20), Just(0x21), Just(0x5b),
                    Just(0x5d), Just(0x7f), Just(0x80), Just(0xa2), Just(0xdc), Just(0xff), any::<u8>(),
                    Just(b'a'), Just(b'a'), Just(b'a'), Just(b'a'), Just(b'a'), Just(b'a'),
                ],
                0..40,
            )
        ) {
            prop_assert_eq!(super::special(&b), first_special(&b));
        }

        /// Long plain runs (past the word scan, into the 64-byte blocks and their tail) with the
        /// special bytes anywhere, or none.
        #[test]
        fn special_finds_it_in_long_strings(
            len in 0usize..600,
            marks in proptest::collection::vec(
                (any::<proptest::sample::Index>(), prop_oneof![Just(b'"'), Just(b'\\'), Just(0u8), Just(0x1f)]),
                0..3,
            ),
            plain in prop_oneof![Just(b'A'), Just(0x20u8), Just(0x7f), Just(0xff), Just(b'/')],
        ) {
            let mut b = vec![plain; len];
            for (at, c) in marks.iter().filter(|_| len > 0) {
                b[at.index(len)] = *c;
            }
            prop_assert_eq!(super::special(&b), first_special(&b));
        }
    }
}
