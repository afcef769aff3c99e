//! The snapshot reader (`--data FILE`): any bytes are refused with an error or open as a graph
//! whose every accessor and a few queries answer; never a panic or a read out of bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mbckg::graph::snapshot;

fuzz_target!(|data: &[u8]| {
    let Ok(g) = snapshot::decode(snapshot::aligned(data)) else {
        return;
    };
    for n in g.nodes() {
        let node = g.node(n);
        let _ = (node.id.len(), node.name.len(), node.aliases.len(), node.origin.to_string());
        let _ = g.out_edges(n).count() + g.in_edges(n).count();
        let _ = g.lookup(node.name);
    }
    for e in g.statements() {
        let st = g.statement(e);
        let _ = (st.subject.len(), st.object.len(), st.origin.to_string());
    }
    let _ = (g.kind_counts(), g.relation_counts(), g.sources().len());
    for q in ["count drugs", "drugs targeting HER2", "stats"] {
        let _ = mbckg::execute(q, &g);
    }
    let _ = g.labels_with_prefix("a").count();
});
