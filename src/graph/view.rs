//! Small copyable views of what the store holds: a node, a statement, a place in a file. They
//! borrow from the store and carry the field names of the model's owned types, so code reads
//! `g.node(n).name` and `g.statement(e).provenance.source` whichever it holds; a node's lists
//! of strings are read from the store's arena as they are asked for. Uses model, the lexicon
//! (a node's Biolink category) and the arena.

use std::borrow::Cow;
use std::fmt;

use super::strings::Strings;
use crate::lexicon;
use crate::model::{Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Statement};

/// A list of strings the store holds (a node's aliases or xrefs), read in place: ids into its
/// arena. Compares, prints and iterates as the list of its strings.
#[derive(Clone, Copy)]
pub struct Strs<'g> {
    strings: &'g Strings,
    ids: &'g [u32],
}

impl<'g> Strs<'g> {
    pub(super) fn new(strings: &'g Strings, ids: &'g [u32]) -> Strs<'g> {
        Strs { strings, ids }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'g str> + Clone + 'g {
        let strings = self.strings;
        self.ids.iter().map(move |id| strings.get(*id))
    }

    pub fn join(&self, sep: &str) -> String {
        self.iter().collect::<Vec<_>>().join(sep)
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl fmt::Debug for Strs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Strs<'_> {
    fn eq(&self, other: &Strs<'_>) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Strs<'_> {
    fn eq(&self, other: &[S]) -> bool {
        self.iter().eq(other.iter().map(AsRef::as_ref))
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Strs<'_> {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Strs<'_> {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

/// Pairs of strings the store holds (a node's accepted findings: rule id, why), read in place.
#[derive(Clone, Copy)]
pub struct Pairs<'g>(Strs<'g>);

impl<'g> Pairs<'g> {
    /// From ids two by two (an odd last one is left out).
    pub(super) fn new(strings: &'g Strings, ids: &'g [u32]) -> Pairs<'g> {
        Pairs(Strs::new(strings, &ids[..ids.len() / 2 * 2]))
    }

    pub fn len(&self) -> usize {
        self.0.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'g str, &'g str)> + Clone + 'g {
        let Strs { strings, ids } = self.0;
        ids.chunks_exact(2)
            .map(move |p| (strings.get(p[0]), strings.get(p[1])))
    }

    pub fn to_vec(&self) -> Vec<(String, String)> {
        self.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }
}

impl fmt::Debug for Pairs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Pairs<'_> {
    fn eq(&self, other: &Pairs<'_>) -> bool {
        self.0 == other.0
    }
}

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
    pub aliases: Strs<'g>,
    /// External identifiers; informative only.
    pub xrefs: Strs<'g>,
    /// A curator's note about the node.
    pub note: Option<&'g str>,
    /// Lint findings a reviewer has looked at and accepted: (rule id, why).
    pub accepted: Pairs<'g>,
    /// Its own Biolink category, where its kind's does not fit it; `None`: its kind's.
    pub category: Option<&'g str>,
    pub origin: OriginRef<'g>,
}

impl<'g> NodeRef<'g> {
    /// The Biolink category the node is exported as: its own, or else its kind's.
    pub fn biolink_category(&self) -> Cow<'g, str> {
        lexicon::node_category(self.kind, self.category)
    }

    /// The owned [`Node`].
    pub fn to_node(&self) -> Node {
        Node {
            id: self.id.to_string(),
            kind: self.kind,
            name: self.name.to_string(),
            aliases: self.aliases.to_vec(),
            xrefs: self.xrefs.to_vec(),
            note: self.note.map(str::to_string),
            category: self.category.map(str::to_string),
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
