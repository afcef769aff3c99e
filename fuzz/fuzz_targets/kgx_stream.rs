//! The streaming KGX reader against the full one: the input is `nodes.tsv`, a NUL byte, then
//! `edges.tsv` (any bytes), written to a directory. Whatever the stream accepts (its edges read by
//! two threads that take parts of each other's), the full reader must read as the same graph,
//! with the same warnings; neither may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mbckg::graph::{Builder, KnowledgeGraph};
use mbckg::load;

fuzz_target!(|data: &[u8]| {
    let at = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let (nodes, edges) = (&data[..at], data.get(at + 1..).unwrap_or_default());
    let dir = std::env::temp_dir().join(format!("mbckg-fuzz-stream-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err()
        || std::fs::write(dir.join("nodes.tsv"), nodes).is_err()
        || std::fs::write(dir.join("edges.tsv"), edges).is_err()
    {
        return;
    }
    let mut b = Builder::new();
    let cut = load::kgx_stream::Cut {
        at: edges.len() as u64 / 2,
        least_taken: 1,
    };
    let Some(streamed) = load::kgx_stream::read_dir_cut(&dir, &mut b, Some(cut), false) else {
        return;
    };
    let fast = b.finish(streamed.sources);
    let (full, warnings) = match load::load_dir_with(&dir, None, Default::default()) {
        Ok(loaded) => (KnowledgeGraph::new(loaded.dataset), loaded.warnings),
        Err(e) => panic!("streamed, but the full reader reports: {}", e[0].render()),
    };
    let rendered = |w: &[mbckg::diag::Diagnostic]| w.iter().map(|d| d.render()).collect::<Vec<_>>();
    assert_eq!(rendered(&streamed.warnings), rendered(&warnings));
    let nodes = |g: &KnowledgeGraph| g.nodes().map(|n| g.node(n).to_node()).collect::<Vec<_>>();
    assert_eq!(nodes(&fast), nodes(&full));
    let statements = |g: &KnowledgeGraph| {
        g.statements()
            .map(|e| g.statement(e).to_statement())
            .collect::<Vec<_>>()
    };
    assert_eq!(statements(&fast), statements(&full));
    assert_eq!(fast.sources(), full.sources());
});
