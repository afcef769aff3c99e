//! The KGX TSV reader: the input is `nodes.tsv`, a NUL byte, then `edges.tsv`. Loads (and the
//! graph answers a query) or reports problems, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mbckg::graph::KnowledgeGraph;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (nodes, edges) = text.split_once('\0').unwrap_or((text, ""));
    match mbckg::load::kgx::parse_kgx(nodes, edges, Default::default()) {
        Ok(layer) => {
            let g = KnowledgeGraph::new(layer.dataset);
            let _ = mbckg::execute("count drugs", &g);
        }
        Err(diags) => {
            for d in &diags {
                let _ = d.render();
            }
        }
    }
});
