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
//! Only `data` reads files; only `render`, `cli` (and the REPL and script runner) print.

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
    let Some(stmt) = syntax::parse(text)? else {
        return Ok(None);
    };
    let plan = plan::plan(&stmt, graph)?;
    let result = eval::run(&plan, graph)?;
    Ok(Some(Answer { plan, result }))
}
