//! One arena for every string the graph keeps (ids, names, lower-cased keys), each stored once
//! and named by a `u32`; a fast hasher for the builder's maps. The arena's two columns are
//! owned or read in place from a snapshot ([`Col`]). Uses nothing outside std.

use std::collections::HashMap;
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

/// Builds a [`Strings`], giving equal strings one id. Its map holds a 64-bit hash per string,
/// not the string, so interning a million ids costs a few bytes each beyond the text.
#[derive(Debug, Default)]
pub struct Interner {
    strings: Strings,
    by_hash: HashMap<u64, u32, BuildHasherDefault<Identity>>,
    /// Strings whose hash another string already took (rare).
    collided: HashMap<String, u32, FastState>,
}

impl Interner {
    /// The id of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let h = hash_str(s);
        match self.by_hash.get(&h) {
            Some(&id) if self.strings.get(id) == s => id,
            Some(_) => {
                if let Some(&id) = self.collided.get(s) {
                    return id;
                }
                let id = self.strings.push(s);
                self.collided.insert(s.to_string(), id);
                id
            }
            None => {
                let id = self.strings.push(s);
                self.by_hash.insert(h, id);
                id
            }
        }
    }

    /// Room in the map for about this many more strings (a hint: room the allocator cannot
    /// give is left out), so that a large load does not move the map as it grows.
    pub fn reserve(&mut self, strings: usize) {
        let _ = self.by_hash.try_reserve(strings);
    }

    /// The id of `s` when it was interned.
    pub fn find(&self, s: &str) -> Option<u32> {
        match self.by_hash.get(&hash_str(s)) {
            Some(&id) if self.strings.get(id) == s => Some(id),
            Some(_) => self.collided.get(s).copied(),
            None => None,
        }
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

    /// The arena, without the maps.
    pub fn finish(self) -> Strings {
        let mut s = self.strings;
        s.shrink();
        s
    }
}

/// A 64-bit hash of a string: words folded by multiply and rotate, then mixed so every bit of
/// the result depends on every input bit (hash tables take their buckets from the high bits).
pub fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

/// As [`hash_str`], for bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
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

/// A hasher for keys that are already hashes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
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
}
