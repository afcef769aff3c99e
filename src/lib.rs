//! mbckg — a knowledge graph of metastatic breast cancer treatment with a controlled-English query
//! language.
//!
//! Data flows one way:
//!
//! ```text
//! text ──syntax──▶ ast::Statement ──plan──▶ Plan ──eval──▶ ResultSet ──render──▶ table/json/…
//! graph-data/*.toml ──data──▶ model::Dataset ──graph──▶ KnowledgeGraph
//! ```
//!
//! Only `data` reads graph data; scripts are read at the edges (`cli`, `repl`). Only `render`,
//! `cli`, `repl` and `script` print. Errors are data until rendered: a query's `QueryError` (a
//! span into the statement) becomes a `diag::Diagnostic` (file:line:col, caret, help) at the edge.

pub mod ast;
pub mod audit;
pub mod cli;
pub mod data;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod export;
pub mod graph;
pub mod model;
pub mod plan;
pub mod render;
pub mod repl;
pub mod schema;
pub mod script;
pub mod syntax;

use graph::KnowledgeGraph;

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
    let shown = forced
        .or_else(|| plan.format.as_deref().and_then(render::Format::parse))
        .unwrap_or(default);
    let witnesses = shown.shows_witnesses();
    let result = eval::run_with(&plan, graph, &eval::Options { witnesses })?;
    Ok(Some(Answer { plan, result }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn witnesses_are_resolved_only_for_formats_that_show_them() {
        let g = KnowledgeGraph::new(data::load_embedded().expect("shipped graph"));
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
