//! The snapshot reader (`--data FILE`): any bytes are refused with an error or open as a graph
//! whose every accessor and a few queries answer; never a panic or a read out of bounds.
//! Each input is opened as it is, then resealed (the header's length, every section's checksum
//! and the table's written afresh), so a mutation reaches the checks behind the checksums too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mbckg::graph::{snapshot, KnowledgeGraph};
use mbckg::model::Relation;

const HEADER: usize = 64;
const ENTRY: usize = 32;
/// Most sections a resealed table is taken to have (the header says how many).
const MOST_SECTIONS: usize = 64;

fn crc(b: &[u8]) -> [u8; 8] {
    u64::from(crc32fast::hash(b)).to_ne_bytes()
}

/// The bytes with the header's length and every checksum made to match; `None` when the header
/// and table do not fit.
fn resealed(data: &[u8]) -> Option<Vec<u8>> {
    let count = u32::from_ne_bytes(data.get(16..20)?.try_into().ok()?) as usize;
    let sections = count.min(MOST_SECTIONS);
    let table = HEADER + sections * ENTRY;
    if data.len() < table {
        return None;
    }
    let mut b = data.to_vec();
    b[24..32].copy_from_slice(&(data.len() as u64).to_ne_bytes());
    for i in 0..sections {
        let e = HEADER + i * ENTRY;
        let word = |at: usize| u64::from_ne_bytes(b[at..at + 8].try_into().unwrap());
        let (offset, len) = (word(e + 8), word(e + 16));
        let (Ok(offset), Ok(len)) = (usize::try_from(offset), usize::try_from(len)) else {
            continue;
        };
        if let Some(section) = offset.checked_add(len).and_then(|end| b.get(offset..end)) {
            let d = crc(section);
            b[e + 24..e + 32].copy_from_slice(&d);
        }
    }
    let sum = crc(&b[HEADER..table]);
    b[32..40].copy_from_slice(&sum);
    Some(b)
}

fn exercise(g: &KnowledgeGraph) {
    for n in g.nodes() {
        let node = g.node(n);
        // Every field, the lists read from the arena included.
        let _ = node.to_node();
        let _ = (g.sort_key(n).len(), g.degree(n), g.kind(n));
        for (e, _) in g.out_edges(n).chain(g.in_edges(n)) {
            let st = g.statement(e);
            let _ = (
                st.qualifiers.pairs(),
                st.provenance.source.len(),
                st.origin.to_string(),
            );
        }
        for r in Relation::ALL {
            let _ = (
                g.out_rel(n, r).count(),
                g.in_rel(n, r).count(),
                g.in_rel_subjects(n, r),
            );
        }
        let _ = (g.descendants(n), g.ancestors(n), g.by_id(node.id));
        let _ = g.lookup(node.name);
        let _ = g.label_candidates(node.name);
    }
    for e in g.statements() {
        let st = g.statement(e);
        let _ = (
            st.subject.len(),
            st.object.len(),
            st.origin.to_string(),
            g.ends(e),
        );
    }
    let _ = (g.kind_counts(), g.relation_counts(), g.sources().len());
    for q in ["count drugs", "drugs targeting HER2", "stats"] {
        let _ = mbckg::execute(q, g);
    }
    let _ = g.labels_with_prefix("a").count();
    let _ = g.labels().count();
}

fuzz_target!(|data: &[u8]| {
    if let Ok(g) = snapshot::decode(snapshot::aligned(data)) {
        exercise(&g);
        return;
    }
    if let Some(b) = resealed(data) {
        if let Ok(g) = snapshot::decode(snapshot::aligned(&b)) {
            exercise(&g);
        }
    }
});
