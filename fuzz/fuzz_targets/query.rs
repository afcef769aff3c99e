//! Query text → parse → plan → eval → render on the shipped graph: every input gives an answer
//! or an error, never a panic, hang or runaway allocation.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use mbckg::graph::KnowledgeGraph;
use mbckg::output::render::{self, Format, RenderOptions};

static GRAPH: LazyLock<KnowledgeGraph> =
    LazyLock::new(|| KnowledgeGraph::new(mbckg::load::load_embedded().expect("shipped graph")));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = RenderOptions {
        interpretation: true,
        color: false,
        width: None,
    };
    match mbckg::execute_for(text, &GRAPH, None, Format::Table) {
        Ok(Some(answer)) => {
            let _ = render::render(&answer.result, Format::Table, &opts);
        }
        Ok(None) => {}
        Err(e) => {
            let d = e.to_diagnostic("<fuzz>", text, 1);
            let _ = render::render_diagnostic(&d, false);
        }
    }
});
