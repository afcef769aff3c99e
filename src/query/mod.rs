//! The query language, stage by stage: `syntax` (text → `ast::Statement`, the only user of pest),
//! `plan` (words bound against the lexicon and the graph → `Plan`), `eval` (`Plan` → `ResultSet`).
//! May use model, lexicon, graph and diag; never prints.

pub mod ast;
pub mod eval;
pub mod plan;
pub mod syntax;
