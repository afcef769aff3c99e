//! Where a streaming reader puts what it reads: a graph under construction, one node and one
//! statement at a time, from borrowed fields. The graph's builder implements it; readers in
//! `load` write to it without knowing the store.

use super::{NodeKind, Provenance, Qualifiers, Relation};

/// A place in a file, as a reader knows it: file name (relative), 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At<'a> {
    pub file: &'a str,
    pub line: u32,
    pub col: u32,
}

/// What a node has besides its id, kind and name; empty for most nodes of a large graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeExtra {
    pub aliases: Vec<String>,
    pub xrefs: Vec<String>,
    pub note: Option<String>,
}

/// A graph being built from a stream.
pub trait GraphSink {
    /// Room for about this many more nodes and statements (a hint).
    fn reserve(&mut self, _nodes: usize, _statements: usize) {}
    /// Adds a node and returns its handle.
    fn add_node(&mut self, id: &str, kind: NodeKind, name: &str, extra: NodeExtra, at: At) -> u32;
    /// The handle and kind of the node with id `id`, when added.
    fn find_node(&self, id: &str) -> Option<(u32, NodeKind)>;
    /// A shared id for a provenance (equal provenances get one id).
    fn provenance(&mut self, p: Provenance) -> u32;
    /// A shared id for a set of qualifiers.
    fn qualifiers(&mut self, q: Qualifiers) -> u32;
    /// Adds a statement between two nodes (handles from `add_node`), with shared ids from
    /// `provenance` and `qualifiers`.
    fn add_statement(
        &mut self,
        subject: u32,
        relation: Relation,
        object: u32,
        shared: (u32, u32),
        at: At,
    );
}
