//! [`NameId`]: a cookie name's number within one replay, so that the layers reading an entry's
//! verdicts tell names apart by comparing two numbers rather than two texts.
//!
//! The findings and the text report ask, for every cookie of every profile's verdict, whether it
//! has the name the first profile's verdict has at the same position, and which tally or story
//! line the name belongs to: on a header-heavy capture those comparisons and look-ups were about a
//! tenth of the replay thread's instructions. A name gets its number once, when the replay first
//! shares a `Set-Cookie` line naming it; every jar's cookie and every verdict carries it from there.
//!
//! A hint only: a verdict built elsewhere (a test, a learned cookie, a name past the bound) carries
//! [`NameId::UNKNOWN`], and [`same_name`] then compares the texts, so every answer is the one the
//! texts give.

use super::fast_hash::HashMap;
use super::shared::SharedStr;

/// A cookie name's number, equal for equal names within one [`NameIds`]; [`NameId::UNKNOWN`] when
/// it has none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NameId(u32);

impl NameId {
    /// No number: compare the texts.
    pub const UNKNOWN: NameId = NameId(0);

    /// Whether the name has a number.
    pub fn is_known(self) -> bool {
        self != NameId::UNKNOWN
    }

    /// A position for a list indexed by number (`None` for [`NameId::UNKNOWN`]).
    pub fn index(self) -> Option<usize> {
        self.is_known().then(|| self.0 as usize - 1)
    }
}

/// Whether two names are the same: by number when both have one, else by text.
#[inline]
pub fn same_name(a: &SharedStr, a_id: NameId, b: &SharedStr, b_id: NameId) -> bool {
    if a_id.is_known() && b_id.is_known() {
        a_id == b_id
    } else {
        a == b
    }
}

/// Numbers cookie names, the first [`NameIds::MAX`] distinct ones (the rest stay
/// [`NameId::UNKNOWN`], so memory stays bounded on a capture of millions of distinct names).
#[derive(Debug, Default)]
pub struct NameIds {
    ids: HashMap<SharedStr, NameId>,
}

impl NameIds {
    /// How many distinct names get a number.
    pub const MAX: usize = 4096;

    /// `name`'s number, given now if it has none yet and there is room.
    pub fn id(&mut self, name: &SharedStr) -> NameId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        if self.ids.len() >= Self::MAX {
            return NameId::UNKNOWN;
        }
        let id = NameId(u32::try_from(self.ids.len() + 1).unwrap_or(0));
        self.ids.insert(name.clone(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_bound_leaves_later_names_unnumbered_and_compared_by_text() {
        let mut ids = NameIds::default();
        let names: Vec<SharedStr> = (0..NameIds::MAX + 2).map(|i| SharedStr::from(format!("n{i}").as_str())).collect();
        let numbered: Vec<NameId> = names.iter().map(|n| ids.id(n)).collect();
        assert!(numbered[..NameIds::MAX].iter().all(|id| id.is_known()));
        assert_eq!(numbered[NameIds::MAX..], [NameId::UNKNOWN, NameId::UNKNOWN]);
        // An earlier name keeps its number once the bound is reached.
        assert_eq!(ids.id(&names[3]), numbered[3]);
        let (a, b) = (&names[NameIds::MAX], &names[NameIds::MAX + 1]);
        assert!(!same_name(a, NameId::UNKNOWN, b, NameId::UNKNOWN));
        assert!(same_name(a, NameId::UNKNOWN, a, numbered[0]));
    }

    proptest! {
        /// Numbers answer what the texts answer, whichever of the two names has one.
        #[test]
        fn same_name_answers_what_the_texts_answer(
            texts in proptest::collection::vec("[ab]{0,3}", 2..12),
            numbered in proptest::collection::vec(any::<bool>(), 12),
        ) {
            let mut ids = NameIds::default();
            let names: Vec<(SharedStr, NameId)> = texts
                .iter()
                .zip(&numbered)
                .map(|(t, &n)| {
                    let s = SharedStr::from(t.as_str());
                    let id = if n { ids.id(&s) } else { NameId::UNKNOWN };
                    (s, id)
                })
                .collect();
            for (a, a_id) in &names {
                for (b, b_id) in &names {
                    prop_assert_eq!(same_name(a, *a_id, b, *b_id), a == b);
                }
            }
        }
    }
}
