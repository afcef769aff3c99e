//! The script runner with expectations, on the shipped graph: any `.kgq` text runs to an
//! outcome, never a panic or hang.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use mbckg::graph::KnowledgeGraph;
use mbckg::output::render::{Format, RenderOptions};
use mbckg::app::script;

static GRAPH: LazyLock<KnowledgeGraph> =
    LazyLock::new(|| KnowledgeGraph::new(mbckg::load::load_embedded().expect("shipped graph")));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = script::Options {
        format: None,
        default_format: Format::Table,
        render: RenderOptions {
            interpretation: true,
            color: false,
            width: None,
        },
        keep_going: true,
        echo: true,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let _ = script::run("fuzz.kgq", text, &GRAPH, &opts, &mut out, &mut err);
});
