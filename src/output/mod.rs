//! Everything that turns results and graphs into text: `render` for query results (table, JSON,
//! CSV, TSV, Markdown, DOT), `fit` for fitting tables and lines to a terminal's width, and `export`
//! for whole graphs or query subgraphs, one file per format.
//! May use model, graph and query's results; reads no data and holds no state.

pub mod escape;
pub mod export;
pub mod fit;
pub mod render;
