//! A few answers computed last, by the text they were computed from.
//!
//! A capture's requests repeat their texts (a page's `Referer`, the hosts it loads from, the cookies
//! a site sets): remembering the last few answers makes most of them a comparison and a count
//! rather than a parse and an allocation. Bounded, and a cache only: an answer is always the one
//! its computation gives.

use super::name_id::{same_name, NameId};
use super::shared::SharedStr;

/// The answers for the last `slots` distinct texts; a new text replaces the oldest.
#[derive(Debug)]
pub struct Recent<V> {
    /// (text, its answer).
    entries: Vec<(String, V)>,
    slots: usize,
    /// The entry the next new text replaces once all slots are taken.
    next: usize,
}

impl<V: Clone> Recent<V> {
    /// An empty memory of `slots` answers.
    pub const fn new(slots: usize) -> Self {
        Recent { entries: Vec::new(), slots, next: 0 }
    }

    /// The answer for `text`: the remembered one, else `compute()`'s, then remembered.
    pub fn get_or_compute(&mut self, text: &str, compute: impl FnOnce() -> V) -> V {
        if let Some((_, answer)) = self.entries.iter().find(|(t, _)| t == text) {
            return answer.clone();
        }
        let answer = compute();
        if self.entries.len() < self.slots {
            self.entries.push((text.to_string(), answer.clone()));
        } else if let Some(entry) = self.entries.get_mut(self.next) {
            entry.0.clear();
            entry.0.push_str(text);
            entry.1 = answer.clone();
            self.next = (self.next + 1) % self.slots;
        }
        answer
    }

    /// How many answers are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The names of the last list seen, by position, each with its answer (an index): the next list
/// mostly holds the same names in the same order (a host's requests carry the same cookies), so
/// most are found by one comparison rather than a map look-up. A cache only, like [`Recent`].
#[derive(Debug, Default)]
pub struct LastByPosition {
    /// (name, its number, its answer), by position in the last list.
    names: Vec<(SharedStr, NameId, usize)>,
}

impl LastByPosition {
    /// The answer remembered for `name` (numbered `id`, see [`same_name`]) at position `i`, when the
    /// last list had it there.
    pub fn get(&self, i: usize, name: &SharedStr, id: NameId) -> Option<usize> {
        self.names.get(i).filter(|(n, n_id, _)| same_name(n, *n_id, name, id)).map(|&(_, _, answer)| answer)
    }

    /// Remembers `answer` for `name` (numbered `id`) at position `i` (a position past the next one
    /// is not kept).
    pub fn remember(&mut self, i: usize, name: &SharedStr, id: NameId, answer: usize) {
        let len = self.names.len();
        match self.names.get_mut(i) {
            // Kept as it is: the same answer, for the same name numbered alike.
            Some(slot) if slot.2 == answer && slot.1 == id && (id.is_known() || slot.0 == *name) => {}
            Some(slot) => *slot = (name.clone(), id, answer),
            None if i == len => self.names.push((name.clone(), id, answer)),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_at_the_position_they_were_last_seen() {
        // Each name with and without its number: the answers are the same.
        let mut ids = super::super::name_id::NameIds::default();
        let (a, b) = (SharedStr::from("a"), SharedStr::from("b"));
        let (a_id, b_id) = (ids.id(&a), ids.id(&b));
        for (a_id, b_id) in [(a_id, b_id), (NameId::UNKNOWN, NameId::UNKNOWN), (a_id, NameId::UNKNOWN)] {
            let mut last = LastByPosition::default();
            assert_eq!(last.get(0, &a, a_id), None);
            last.remember(0, &a, a_id, 7);
            last.remember(1, &b, b_id, 9);
            assert_eq!((last.get(0, &a, a_id), last.get(1, &b, b_id)), (Some(7), Some(9)));
            assert_eq!((last.get(0, &a, NameId::UNKNOWN), last.get(1, &b, NameId::UNKNOWN)), (Some(7), Some(9)));
            // Another name at a position, or a name at another position, is not an answer.
            assert_eq!((last.get(0, &b, b_id), last.get(1, &a, a_id)), (None, None));
            last.remember(0, &b, b_id, 9);
            assert_eq!((last.get(0, &b, b_id), last.get(0, &a, a_id)), (Some(9), None));
            // A gap is not kept: position 3 after a list of two.
            last.remember(3, &a, a_id, 1);
            assert_eq!(last.get(3, &a, a_id), None);
        }
    }

    #[test]
    fn answers_are_computed_once_while_remembered_and_again_after() {
        let mut recent = Recent::new(2);
        let mut computed = Vec::new();
        for text in ["a", "b", "a", "c", "a", "b"] {
            let answer = recent.get_or_compute(text, || {
                computed.push(text);
                text.to_uppercase()
            });
            assert_eq!(answer, text.to_uppercase());
        }
        // "c" replaced "a" (the oldest), "a" then replaced "b", and "b" replaced "c".
        assert_eq!(computed, ["a", "b", "c", "a", "b"]);
        assert_eq!(recent.len(), 2);
        assert!(Recent::<u8>::new(0).is_empty());
        // No slots: nothing is remembered, every answer is computed.
        let mut none = Recent::new(0);
        assert_eq!(none.get_or_compute("x", || 1), 1);
        assert!(none.is_empty());
    }
}
