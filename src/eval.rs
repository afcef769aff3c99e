//! Runs a [`Plan`](crate::plan::Plan) on the graph and returns a [`ResultSet`]: rows, and for
//! each row the witness statements that made it match, so `why` can show the chain of edges with
//! source, section and evidence. Pure: no I/O, no printing.

use crate::model::NodeKind;

/// The answer to one statement, ready to render in any format.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultSet {
    /// Canonical text of the statement that produced it.
    pub statement: String,
    /// How the statement was understood: `drug —targets→ HER2 ∧ …`.
    pub interpretation: String,
    /// Lines shown above a table on a terminal (node card header, path semantics, …).
    pub notes: Vec<String>,
    /// Column headers; every row has one cell per column.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// What one row is, singular and plural, for the footer (`3 drugs`).
    pub noun: (String, String),
}

/// One row of a result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// One text cell per column (lists are joined by ", ").
    pub cells: Vec<String>,
    /// Id and kind of the node the row is about, when it is about one.
    pub id: Option<String>,
    pub kind: Option<NodeKind>,
    /// Each witness is a chain of statements that together made the row match.
    pub witnesses: Vec<Vec<Step>>,
}

/// One statement in a witness chain, resolved to names so rendering needs no graph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Step {
    pub subject: String,
    pub subject_name: String,
    pub relation: String,
    pub object: String,
    pub object_name: String,
    /// Qualifiers as (name, value), in a fixed order.
    pub qualifiers: Vec<(String, String)>,
    pub source: String,
    pub section: String,
    pub evidence: String,
    pub note: String,
    /// `file:line:col` of the statement in graph-data.
    pub origin: String,
}
