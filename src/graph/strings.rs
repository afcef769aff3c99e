//! One arena for every string the graph keeps (ids, names, lower-cased keys, each stored once;
//! aliases, xrefs and notes, stored as they come), each named by a `u32`; a fast hasher for the
//! builder's maps. The arena's two columns are
//! owned or read in place from a snapshot ([`Col`]). Uses nothing outside std.

use std::hash::{BuildHasherDefault, Hasher};

use super::col::Col;

/// Strings laid end to end; string `i` ends at `ends[i]` and starts where `i - 1` ended.
/// `text` is valid UTF-8 throughout: pushes add whole `&str`s, and the snapshot reader checks
/// the bytes it hands to [`Strings::from_utf8_parts`].
#[derive(Debug, Default, Clone)]
pub struct Strings {
    text: Col<u8>,
    ends: Col<u32>,
}

impl Strings {
    /// The string with id `id` ("" for an id the arena does not hold).
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text().get(start as usize..end as usize).unwrap_or("")
    }

    /// The whole text.
    fn text(&self) -> &str {
        // SAFETY: `text` is valid UTF-8 (see the type), and `get` slices it with `str::get`,
        // which checks char boundaries.
        unsafe { std::str::from_utf8_unchecked(&self.text) }
    }

    /// An arena from its columns as a snapshot holds them, checked by the caller.
    ///
    /// # Safety
    /// `text` must be valid UTF-8 (`get` relies on it; string ends that are out of order or
    /// not at character boundaries only give "" for those strings).
    pub unsafe fn from_utf8_parts(text: Col<u8>, ends: Col<u32>) -> Strings {
        Strings { text, ends }
    }

    /// The columns, for writing a snapshot.
    pub fn parts(&self) -> (&Col<u8>, &Col<u32>) {
        (&self.text, &self.ends)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes held, for memory reports.
    pub fn heap_bytes(&self) -> usize {
        self.text.heap_bytes() + self.ends.heap_bytes()
    }

    fn push(&mut self, s: &str) -> u32 {
        let text = self.text.to_mut();
        text.extend_from_slice(s.as_bytes());
        let end = text.len() as u32;
        let ends = self.ends.to_mut();
        ends.push(end);
        (ends.len() - 1) as u32
    }

    fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Builds a [`Strings`], giving equal strings one id (those it interns; strings it only
/// appends have ids of their own). Its map is an open-addressing table of
/// 8-byte slots, each the high half of a string's hash and its id (plus one; zero is an empty
/// slot) and at most two in three full, so interning a million ids costs 16 MB beyond the text, the table is asked of the
/// allocator zeroed (no pass to mark it empty), and a slot can be brought into the cache before
/// it is needed ([`Interner::prefetch`]).
#[derive(Debug, Default)]
pub struct Interner {
    strings: Strings,
    /// A power of two long (or empty), at most two in three full: a search then reads about
    /// five slots at worst, in one or two cache lines.
    slots: Vec<u64>,
    /// How many strings the table holds.
    mapped: usize,
    /// A bit per string of the arena (bit `i % 64` of word `i / 64`), set for those only
    /// appended, which the table leaves out.
    appended: Vec<u64>,
}

impl Interner {
    /// The id of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if (self.mapped + 1) * 3 > self.slots.len() * 2 {
            self.rebuild(self.mapped + 1);
        }
        let h = hash_str(s);
        match self.probe(s, h) {
            Ok(id) => id,
            Err(i) => {
                let id = self.strings.push(s);
                self.slots[i] = slot_of(h, id);
                self.mapped += 1;
                id
            }
        }
    }

    /// Adds `s` to the arena without looking for it or keeping it in the table: for strings
    /// that are only ever read by their id (a node's aliases and the like), which a large
    /// graph has millions of, so they cost neither a search nor room in the table. [`find`]
    /// and [`intern`] do not see them.
    ///
    /// [`find`]: Interner::find
    /// [`intern`]: Interner::intern
    pub fn append(&mut self, s: &str) -> u32 {
        let id = self.strings.push(s);
        let word = id as usize / 64;
        if self.appended.len() <= word {
            self.appended.resize(word + 1, 0);
        }
        self.appended[word] |= 1 << (id % 64);
        id
    }

    fn is_appended(&self, id: u32) -> bool {
        self.appended
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    /// The id of `s` (`Ok`), or the index of the empty slot where it would go (`Err`), from
    /// its hash `h`. The table must have an empty slot.
    fn probe(&self, s: &str, h: u64) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let tag = h >> 32;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return Err(i);
            }
            // A tag that matches is checked against the string: equal tags are only likely.
            let id = (slot as u32).wrapping_sub(1);
            if slot >> 32 == tag && same_text(self.strings.get(id), s) {
                return Ok(id);
            }
            i = (i + 1) & mask;
        }
    }

    /// A table with room for `strings` strings holding every string interned (not those only
    /// appended).
    fn rebuild(&mut self, strings: usize) {
        let len = strings
            .saturating_add(strings / 2 + 1)
            .next_power_of_two()
            .max(16);
        // Zeros, which the allocator gives as fresh zeroed pages without writing them.
        let mut slots = vec![0u64; len];
        let mask = len - 1;
        for id in 0..self.strings.len() as u32 {
            if self.is_appended(id) {
                continue;
            }
            let h = hash_str(self.strings.get(id));
            let mut i = h as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = slot_of(h, id);
        }
        self.slots = slots;
    }

    /// Room for about this many more strings (a hint, taken up to [`RESERVE_MOST`]), so that a
    /// large load does not rebuild the table as it grows nor move the arena's ends.
    pub fn reserve(&mut self, strings: usize) {
        let strings = strings.min(RESERVE_MOST);
        let room = self.mapped.saturating_add(strings);
        if room.saturating_mul(3) > self.slots.len() * 2 {
            self.rebuild(room);
        }
        let _ = self.strings.ends.to_mut().try_reserve(strings);
        // About as many bytes as the ids of a large imported graph take (`drug-123456`): the
        // text then does not move as it grows (pages of room not used are never touched).
        let _ = self.strings.text.to_mut().try_reserve(strings * TEXT_EACH);
    }

    /// Asks for the slot where a search for `s` starts to be brought into the cache, so that
    /// interning it soon after does not wait for memory.
    pub fn prefetch(&self, s: &str) {
        if let Some(slot) = self
            .slots
            .get(hash_str(s) as usize & self.slots.len().wrapping_sub(1))
        {
            prefetch(slot);
        }
    }

    /// The id of `s` when it was interned.
    pub fn find(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        self.probe(s, hash_str(s)).ok()
    }

    pub fn get(&self, id: u32) -> &str {
        self.strings.get(id)
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// The arena, without the table.
    pub fn finish(self) -> Strings {
        let mut s = self.strings;
        s.shrink();
        s
    }
}

/// Whether two short texts are equal: [`same_bytes`] on their bytes.
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// Whether two short byte strings are equal, compared eight bytes at a time in line: the texts
/// compared for every node or edge line (an id with its name, a file name with the last one, a
/// line's fields with the line before's) are a few dozen bytes, for which a call to `memcmp`
/// costs more than the comparison.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    if n >= 8 {
        let mut at = 0;
        while at + 8 <= n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        // The last eight bytes, overlapping the ones compared.
        return word(a, n - 8) == word(b, n - 8);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// Most strings [`Interner::reserve`] makes room for at once (a table of 256 MB): a hint past
/// it, from a file of gigabytes of short lines, is not worth the address space; the table grows
/// as it fills instead.
const RESERVE_MOST: usize = 1 << 24;

/// Bytes of text [`Interner::reserve`] makes room for a string.
const TEXT_EACH: usize = 16;

/// A table slot: the hash's high half, and the id plus one (never zero, the empty slot).
fn slot_of(h: u64, id: u32) -> u64 {
    (h >> 32) << 32 | u64::from(id.wrapping_add(1))
}

/// Asks the CPU to bring the memory of `item` into its cache (a hint, which changes nothing
/// else; none on targets other than x86-64).
pub fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of the x86-64 baseline; a prefetch reads nothing the program sees and
    // cannot fault (the pointer is a live reference anyway).
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(item).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// A 64-bit hash of a string: words folded by multiply and rotate, then mixed so every bit of
/// the result depends on every input bit (hash tables take their buckets from the high bits).
pub fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

/// As [`hash_str`], for bytes. The bytes past the last whole word are read as a word that
/// overlaps the one before (or as two overlapping halves, for a text shorter than a word), not
/// copied into a zeroed word first: that copy is a call and a store the load after it waits
/// for, which cost more than the rest of hashing a short id. The length, hashed first, keeps
/// texts that the overlap would make alike apart.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let word = |b: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        u64::from_le_bytes(w)
    };
    let mut h: u64 = bytes.len() as u64;
    let n = bytes.len();
    if n >= 8 {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            h = (h.rotate_left(5) ^ word(c)).wrapping_mul(K);
        }
        if !chunks.remainder().is_empty() {
            h = (h.rotate_left(5) ^ word(&bytes[n - 8..])).wrapping_mul(K);
        }
    } else if n >= 4 {
        let half = |b: &[u8]| {
            let mut w = [0u8; 4];
            w.copy_from_slice(b);
            u64::from(u32::from_le_bytes(w))
        };
        let w = half(&bytes[..4]) | half(&bytes[n - 4..]) << 32;
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    } else if n > 0 {
        let w = bytes.iter().fold(0u64, |w, b| w << 8 | u64::from(*b));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    mix(h)
}

/// The finaliser of MurmurHash3.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A fast hasher for small keys (ids, pairs of ids, short strings) in the builder's maps; not
/// resistant to chosen collisions, which a data file cannot exploit beyond slowing its own load.
#[derive(Debug, Default, Clone, Copy)]
pub struct Fast(u64);

impl Hasher for Fast {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.rotate_left(5) ^ hash_bytes(bytes);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// Builds [`Fast`] hashers.
pub type FastState = BuildHasherDefault<Fast>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_an_id_and_read_back() {
        let mut i = Interner::default();
        let a = i.intern("trastuzumab");
        let b = i.intern("HER2");
        assert_eq!(i.intern("trastuzumab"), a);
        assert_ne!(a, b);
        assert_eq!(i.find("HER2"), Some(b));
        assert_eq!(i.find("her2"), None);
        let s = i.finish();
        assert_eq!(s.get(a), "trastuzumab");
        assert_eq!(s.get(b), "HER2");
        assert_eq!(s.get(99), "");
    }

    #[test]
    fn empty_string_is_a_string() {
        let mut i = Interner::default();
        let e = i.intern("");
        let x = i.intern("x");
        assert_eq!(i.intern(""), e);
        let s = i.finish();
        assert_eq!((s.get(e), s.get(x)), ("", "x"));
    }

    #[test]
    fn many_strings_keep_their_ids_as_the_table_grows() {
        // From a small table, so it is rebuilt many times; then with room made first.
        for room in [0, 70_000] {
            let mut i = Interner::default();
            assert_eq!(i.find("s0"), None);
            i.reserve(room);
            let ids: Vec<u32> = (0..60_000).map(|n| i.intern(&format!("s{n}"))).collect();
            for (n, id) in ids.iter().enumerate() {
                assert_eq!(*id, n as u32);
                assert_eq!(i.intern(&format!("s{n}")), *id);
                assert_eq!(i.find(&format!("s{n}")), Some(*id));
            }
            assert_eq!(i.find("s60000"), None);
            assert_eq!(i.len(), 60_000);
            let filled = i.slots.iter().filter(|s| **s != 0).count();
            assert_eq!(filled, 60_000);
            assert!(filled * 3 <= i.slots.len() * 2);
        }
    }

    #[test]
    fn appended_strings_read_back_but_stay_out_of_the_table() {
        let mut i = Interner::default();
        let a = i.intern("a");
        let mut appended = Vec::new();
        // Interned and appended strings interleaved, across the table's rebuilds; an appended
        // string that is also interned gets an id of its own.
        for n in 0..5_000 {
            appended.push((i.append(&format!("x{n}")), format!("x{n}")));
            appended.push((i.append("a"), "a".to_string()));
            let id = i.intern(&format!("s{n}"));
            assert_eq!(i.find(&format!("s{n}")), Some(id));
            if n % 7 == 0 {
                let x = i.intern(&format!("x{n}"));
                assert_ne!(x, appended[2 * n].0);
                assert_eq!(i.intern(&format!("x{n}")), x);
            }
        }
        assert_eq!(i.find("a"), Some(a));
        assert_eq!(i.find("x1"), None);
        let filled = i.slots.iter().filter(|s| **s != 0).count();
        assert_eq!(filled, i.mapped);
        assert_eq!(i.mapped, 1 + 5_000 + 5_000usize.div_ceil(7));
        assert!(filled * 3 <= i.slots.len() * 2);
        let s = i.finish();
        for (id, text) in &appended {
            assert_eq!(s.get(*id), text);
        }
    }

    #[test]
    fn texts_that_differ_in_a_byte_or_in_length_hash_apart() {
        // Every length up to three words, each byte changed in turn; zero bytes at the end,
        // which the overlapping reads must not confuse with a shorter text.
        let mut seen = std::collections::HashSet::new();
        for n in 0..24 {
            let base = vec![0u8; n];
            assert!(seen.insert(hash_bytes(&base)), "length {n}");
            for at in 0..n {
                let mut b = base.clone();
                b[at] = b'x';
                assert!(seen.insert(hash_bytes(&b)), "length {n}, byte {at}");
            }
        }
        assert!(same_text("drug-123456", "drug-123456"));
        assert!(!same_text("drug-123456", "drug-123457"));
        assert!(!same_text("drug-1", "drug-12"));
        assert!(same_text("", ""));
    }
}
