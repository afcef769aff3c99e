//! mbckg — a knowledge graph of metastatic breast cancer treatment with a controlled-English query
//! language.
//!
//! Data flows one way, one room per stage:
//!
//! ```text
//! text ──query::syntax──▶ ast::Statement ──query::plan (+ lexicon)──▶ Plan ──query::eval──▶ ResultSet ──output──▶ table/json/…
//! graph-data/*.toml, KGX TSV ──load──▶ model::Dataset ──graph──▶ KnowledgeGraph (+ lexicon)
//! ```
//!
//! Rooms, and what each may use (no import circle between them):
//!
//! | room      | holds                                                         | may use                |
//! |-----------|---------------------------------------------------------------|------------------------|
//! | `model`   | plain data: ids, kinds, relations, statements, vocabularies  | —                      |
//! | `diag`    | diagnostics as data (file:line:col, caret, help) and their text | model                |
//! | `lexicon` | kinds, relations, phrases, Biolink terms                     | model                  |
//! | `load`    | pure readers (TOML, KGX), shared validation; I/O in `fs`, `snapshot` (maps a file for `graph`); `prepared` (the shipped graph as a snapshot) | model, lexicon, diag, graph |
//! | `graph`   | the store and its indexes; the snapshot format (bytes in, no I/O) | model, lexicon    |
//! | `query`   | syntax (the only pest user) → ast → plan → eval              | model, lexicon, graph  |
//! | `output`  | rendering of results; `export/` one file per format          | model, graph, query    |
//! | `audit`, `diff` | lint rules; version diff                               | load, graph, output    |
//! | `app`     | the edges: CLI, REPL, scripts, terminal, exit codes          | everything             |
//!
//! Only `load` reads graph data; scripts are read at the edges (`app`). Only `output` and `app`
//! print. Errors are data until rendered: a query's `QueryError` (a span into the statement)
//! becomes a `diag::Diagnostic` (file:line:col, caret, help) at the edge.

pub mod app;
pub mod audit;
pub mod diag;
pub mod diff;
pub mod graph;
pub mod lexicon;
pub mod load;
pub mod model;
pub mod output;
pub mod query;

use graph::KnowledgeGraph;
use output::render;
use query::{eval, plan, syntax};

/// A statement's plan and its result.
#[derive(Debug, Clone)]
pub struct Answer {
    pub plan: plan::Plan,
    pub result: eval::ResultSet,
}

/// Parses, plans and runs one statement. `Ok(None)` for input that holds only comments.
pub fn execute(text: &str, graph: &KnowledgeGraph) -> Result<Option<Answer>, syntax::QueryError> {
    execute_for(text, graph, None, render::Format::Json)
}

/// As [`execute`], for output in the format that will show it: `forced` (`--format`), else the
/// statement's own `as`, else `default`. The statements behind each row are resolved only when
/// that format shows them.
pub fn execute_for(
    text: &str,
    graph: &KnowledgeGraph,
    forced: Option<render::Format>,
    default: render::Format,
) -> Result<Option<Answer>, syntax::QueryError> {
    let Some(stmt) = syntax::parse(text)? else {
        return Ok(None);
    };
    let plan = plan::plan(&stmt, graph)?;
    let shown = forced.or(plan.format).unwrap_or(default);
    let witnesses = shown.shows_witnesses();
    let result = eval::run_with(&plan, graph, &eval::Options { witnesses })?;
    Ok(Some(Answer { plan, result }))
}

/// Every statement line of the query scripts (`tests/queries`), for tests that run them all.
#[cfg(test)]
pub(crate) fn query_script_lines() -> Vec<String> {
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/queries")];
    let mut lines = Vec::new();
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "kgq") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                lines.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .filter(|l| !l.starts_with("expect"))
                        .map(String::from),
                );
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_the_same_whether_or_not_their_witnesses_are_made() {
        let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
        let lines = query_script_lines();
        assert!(lines.len() > 100, "only {} lines", lines.len());
        let mut compared = 0;
        for line in &lines {
            let (Ok(Some(table)), Ok(Some(json))) = (
                execute_for(line, &g, Some(render::Format::Table), render::Format::Table),
                execute_for(line, &g, Some(render::Format::Json), render::Format::Table),
            ) else {
                continue;
            };
            let bare = |a: Answer| -> Vec<eval::Row> {
                a.result
                    .rows
                    .into_iter()
                    .map(|r| eval::Row {
                        witnesses: Vec::new(),
                        ..r
                    })
                    .collect()
            };
            assert_eq!(bare(table), bare(json), "{line}");
            compared += 1;
        }
        assert!(compared > 100, "only {compared} compared");
    }

    #[test]
    fn witnesses_are_resolved_only_for_formats_that_show_them() {
        let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
        let q = "drugs targeting HER2 with cardiac monitoring";
        let table = execute_for(q, &g, None, render::Format::Table)
            .expect("runs")
            .expect("a statement");
        assert!(table.result.rows.iter().all(|r| r.witnesses.is_empty()));
        let json = execute_for(q, &g, Some(render::Format::Json), render::Format::Table)
            .expect("runs")
            .expect("a statement");
        assert!(json.result.rows.iter().all(|r| !r.witnesses.is_empty()));
        let as_json = execute_for(&format!("{q} as json"), &g, None, render::Format::Table)
            .expect("runs")
            .expect("a statement");
        assert_eq!(
            as_json.result.rows[0].witnesses,
            json.result.rows[0].witnesses
        );
    }
}
