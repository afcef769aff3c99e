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
pub mod eval;
pub mod graph;
pub mod model;
pub mod schema;
pub mod syntax;
