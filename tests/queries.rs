//! Runs every `tests/queries/**/*.kgq` script against the shipped graph and snapshots what it
//! prints: each statement, its interpretation and result table, and any diagnostics.

use std::rc::Rc;

use mbckg::app::meta::{Session, Width};
use mbckg::app::script;
use mbckg::graph::KnowledgeGraph;
use mbckg::load;
use mbckg::output::render::{Format, RenderOptions};

/// Runs a script the way the snapshots record it: tables with interpretations, no colour, lines
/// unfitted (a script may ask with `.width 80`), in a fresh session.
/// Every expectation must hold: a snapshot records what a script printed, never that a broken
/// `expect` was accepted.
fn transcript(graph: &Rc<KnowledgeGraph>, name: &str, text: &str) -> String {
    let mut session = Session::new(graph.clone(), false);
    session.width = Width::Off;
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
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let outcome =
        script::run(name, text, &mut session, &opts, &mut out, &mut err).expect("writes to memory");
    assert_eq!(
        outcome.failures,
        0,
        "{name}: an expectation failed or a statement failed without `expect error`:\n{}",
        String::from_utf8_lossy(&err)
    );
    format!(
        "{}\n--- diagnostics ---\n{}\n--- {} statements, {} expectations, {} failures ---\n",
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&err),
        outcome.statements,
        outcome.expectations,
        outcome.failures
    )
}

#[test]
fn query_scripts() {
    let graph = Rc::new(KnowledgeGraph::new(
        load::load_embedded().expect("the shipped graph loads"),
    ));
    insta::glob!("queries/**/*.kgq", |path| {
        let text = std::fs::read_to_string(path).expect("readable script");
        let name = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        insta::assert_snapshot!(transcript(&graph, &name, &text));
    });
}
