//! A fast hasher for the replay's own maps (hosts, sites, cookie names, URLs).
//!
//! std's default SipHash resists crafted collisions at about three times the cost per short key,
//! and a replay hashes some twenty such keys per entry. The keys come from the capture the user
//! analyses on their own machine, so the worst a crafted file could do is slow its own analysis.
//! The mixing step is the Fx hash of rustc and Firefox: rotate, xor a word in, multiply.

use std::hash::{BuildHasherDefault, Hasher};

/// [`std::collections::HashMap`] with [`FastHasher`].
pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// [`std::collections::HashSet`] with [`FastHasher`].
pub type HashSet<T> = std::collections::HashSet<T, BuildHasherDefault<FastHasher>>;

/// Fx-style word hasher (see the module documentation).
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher {
    hash: u64,
}

/// The multiplier of rustc-hash 2 (an odd constant with well-spread bits).
const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            self.add(u64::from_le_bytes(word));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // hashbrown takes the bucket from the low bits and the tag from the high ones; the multiply
        // leaves the high bits best mixed, so they are rotated down.
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(s: &str) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(s)
    }

    #[test]
    fn different_short_keys_hash_apart() {
        let keys = ["", "a", "a\0", "b", "ab", "ba", "route", "route2", "example.com", "example.co", "sid", "SID"];
        let hashes: HashSet<u64> = keys.iter().map(|k| hash(k)).collect();
        assert_eq!(hashes.len(), keys.len());
        // Buckets come from the low bits: a thousand cookie names spread over 64 buckets evenly enough.
        let mut buckets = [0u32; 64];
        for i in 0..1000 {
            buckets[(hash(&format!("c{i}")) % 64) as usize] += 1;
        }
        assert!(buckets.iter().all(|&n| (3..=40).contains(&n)), "{buckets:?}");
    }
}
