//! The script runner with expectations and meta commands, on the shipped graph: any `.kgq` text
//! runs to an outcome, never a panic or hang. Inputs that `.read` or `.data` files are skipped:
//! they would fuzz the file system (`.read /dev/stdin` waits for input by design).
#![no_main]

use std::rc::Rc;

use libfuzzer_sys::fuzz_target;
use mbckg::app::meta::{Session, Width};
use mbckg::app::script;
use mbckg::graph::KnowledgeGraph;
use mbckg::output::render::{Format, RenderOptions};

thread_local! {
    static GRAPH: Rc<KnowledgeGraph> =
        Rc::new(KnowledgeGraph::new(mbckg::load::load_embedded().expect("shipped graph")));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let reads_files = text.lines().any(|l| {
        let l = l.trim_start().to_ascii_lowercase();
        l.starts_with(".read") || l.starts_with(".data")
    });
    if reads_files {
        return;
    }
    let opts = script::Options {
        default_format: Format::Table,
        render: RenderOptions {
            interpretation: true,
            color: false,
            width: None,
        },
        keep_going: true,
        echo: true,
    };
    GRAPH.with(|graph| {
        let mut session = Session::new(graph.clone(), false);
        session.width = Width::Off;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let _ = script::run("fuzz.kgq", text, &mut session, &opts, &mut out, &mut err);
    });
});
