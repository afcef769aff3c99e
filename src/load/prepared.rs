//! The shipped graph prepared ahead: `graph-data/prepared.mbckg` is a snapshot of the store the
//! embedded TOML builds, preceded by a hash of that TOML, so start-up maps a finished store
//! instead of parsing and validating some 360 KB of TOML. The hash guards against a stale file:
//! a snapshot made from other TOML is never used. Uses graph (the snapshot decoder).

use std::sync::Arc;

use crate::graph::snapshot;
use crate::graph::{Backing, KnowledgeGraph};

/// Bytes laid out on an 8-byte boundary, as the snapshot's columns need.
#[repr(C, align(8))]
pub struct Aligned<B: ?Sized>(pub B);

/// The file as committed: 8 bytes of hash (little-endian), then the snapshot.
pub static PREPARED: &Aligned<[u8]> = &Aligned(*include_bytes!("../../graph-data/prepared.mbckg"));

/// Where the prepared file lives, from the repository's root.
pub const PREPARED_PATH: &str = "graph-data/prepared.mbckg";

/// A snapshot held in the binary.
struct Static(&'static [u8]);

impl Backing for Static {
    fn bytes(&self) -> &[u8] {
        self.0
    }
}

/// A CRC-32 of (path, text) pairs, in the order given, each with its length (the snapshot's own
/// checksum; an edit it misses is a chance in four billion).
pub fn hash_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> u64 {
    let mut h = crc32fast::Hasher::new();
    for (path, text) in files {
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    u64::from(h.finalize())
}

/// The prepared file's bytes for `g`, made from TOML whose [`hash_files`] is `hash`.
pub fn make(g: &KnowledgeGraph, hash: u64) -> Vec<u8> {
    let mut out = hash.to_le_bytes().to_vec();
    out.extend_from_slice(&snapshot::to_bytes(g));
    out
}

/// The store in `file` when it was made from TOML whose hash is `hash` and reads back whole.
pub fn open(file: &'static [u8], hash: u64) -> Option<KnowledgeGraph> {
    let (head, rest) = file.split_at_checked(8)?;
    if u64::from_le_bytes(head.try_into().ok()?) != hash {
        return None;
    }
    snapshot::decode(Arc::new(Static(rest))).ok()
}
