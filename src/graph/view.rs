//! Small copyable views of what the store holds: a node, a statement, a place in a file. They
//! borrow from the store and carry the field names of the model's owned types, so code reads
//! `g.node(n).name` and `g.statement(e).provenance.source` whichever it holds. Uses model only.

use std::fmt;

use crate::model::{Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Statement};

/// Where something was read from, borrowed: a file (relative to the data directory) and a
/// 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct OriginRef<'g> {
    pub file: &'g str,
    pub line: u32,
    pub col: u32,
}

impl OriginRef<'_> {
    /// The owned [`Origin`].
    pub fn to_origin(self) -> Origin {
        Origin {
            file: self.file.to_string(),
            line: self.line,
            col: self.col,
        }
    }
}

impl fmt::Display for OriginRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

impl PartialEq<Origin> for OriginRef<'_> {
    fn eq(&self, other: &Origin) -> bool {
        self.file == other.file && self.line == other.line && self.col == other.col
    }
}

/// A node of the graph, as the store holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeRef<'g> {
    /// Stable identifier.
    pub id: &'g str,
    pub kind: NodeKind,
    /// Display name.
    pub name: &'g str,
    /// Brand names, abbreviations and synonyms.
    pub aliases: &'g [String],
    /// External identifiers; informative only.
    pub xrefs: &'g [String],
    /// A curator's note about the node.
    pub note: Option<&'g str>,
    /// Lint findings a reviewer has looked at and accepted: (rule id, why).
    pub accepted: &'g [(String, String)],
    pub origin: OriginRef<'g>,
}

impl NodeRef<'_> {
    /// The owned [`Node`].
    pub fn to_node(&self) -> Node {
        Node {
            id: self.id.to_string(),
            kind: self.kind,
            name: self.name.to_string(),
            aliases: self.aliases.to_vec(),
            xrefs: self.xrefs.to_vec(),
            note: self.note.map(str::to_string),
            accepted: self.accepted.to_vec(),
            origin: self.origin.to_origin(),
        }
    }
}

/// A statement of the graph, as the store holds it: subject —relation→ object, with qualifiers
/// and provenance (both shared between the statements that have the same).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatementRef<'g> {
    /// Id of the subject node.
    pub subject: &'g str,
    pub relation: Relation,
    /// Id of the object node.
    pub object: &'g str,
    pub qualifiers: &'g Qualifiers,
    pub provenance: &'g Provenance,
    pub origin: OriginRef<'g>,
}

impl StatementRef<'_> {
    /// The owned [`Statement`].
    pub fn to_statement(&self) -> Statement {
        Statement {
            subject: self.subject.to_string(),
            relation: self.relation,
            object: self.object.to_string(),
            qualifiers: self.qualifiers.clone(),
            provenance: self.provenance.clone(),
            origin: self.origin.to_origin(),
        }
    }
}
