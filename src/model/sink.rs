//! Where a streaming reader puts what it reads: a graph under construction, nodes one at a time
//! from borrowed fields, statements in blocks of columns a reader filled on its own thread. The
//! graph's builder implements it; readers in `load` write to it without knowing the store.

use super::{NodeKind, Provenance, Qualifiers, Relation};

/// A place in a file, as a reader knows it: file name (relative), 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At<'a> {
    pub file: &'a str,
    pub line: u32,
    pub col: u32,
}

/// What a node has besides its id, kind and name; empty for most nodes of a large graph.
/// Borrowed from the line read, so a node's synonyms cost no allocation: the lists are fields
/// as KGX writes a list (items joined by `|`, escaped; `kgx::list_items` reads them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NodeExtra<'a> {
    pub aliases: &'a str,
    pub xrefs: &'a str,
    /// Unescaped; empty when there is none.
    pub note: &'a str,
    /// The node's own Biolink category (checked to fit its kind); empty when it has none.
    pub category: &'a str,
}

/// A place in a file, packed: line, file (an index into the block's `files`), column (a column
/// past `u16::MAX` is kept as `u16::MAX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub line: u32,
    pub file: u16,
    pub col: u16,
}

/// The places of statements in the order read, kept as runs: a run's statements are on lines
/// one after another of one file, at one column, as the statements of a file read line by line
/// are. A large graph's statements then take a few runs rather than a place each while they
/// are read, and the store writes the places out only when it lays the graph out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceRuns {
    /// (first statement, its place) of each run; statement `first + k` of the run is `k` lines
    /// further on.
    runs: Vec<(u32, Place)>,
    /// How many statements have a place.
    len: u32,
    /// The place that would carry the last run on (`None`: a new run starts).
    next: Option<Place>,
}

impl PlaceRuns {
    /// Room for this many runs.
    pub fn reserve(&mut self, runs: usize) {
        // A hint: room the allocator cannot give is left out.
        let _ = self.runs.try_reserve(runs);
    }

    /// The place of the next statement.
    pub fn push(&mut self, place: Place) {
        if self.next != Some(place) {
            self.runs.push((self.len, place));
        }
        // A line past `u32::MAX` has no place to go: the run ends there.
        self.next = place
            .line
            .checked_add(1)
            .map(|line| Place { line, ..place });
        self.len += 1;
    }

    /// How many statements have a place.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// (first statement, its place) of each run, in the order read.
    pub fn runs(&self) -> &[(u32, Place)] {
        &self.runs
    }

    /// The place of each run's first statement, to be changed in the same way for all of the
    /// run's statements (a file renumbered, lines moved by a count); places pushed after start
    /// a run of their own.
    pub fn firsts_mut(&mut self) -> impl Iterator<Item = &mut Place> {
        self.next = None;
        self.runs.iter_mut().map(|(_, p)| p)
    }

    /// Every statement's place, in the order read.
    pub fn places(&self) -> impl Iterator<Item = Place> + '_ {
        self.runs
            .iter()
            .enumerate()
            .flat_map(|(i, &(first, place))| {
                let end = self.runs.get(i + 1).map_or(self.len, |r| r.0);
                (0..end.saturating_sub(first)).map(move |k| Place {
                    line: place.line.saturating_add(k),
                    ..place
                })
            })
    }
}

/// Statements a reader collected apart from the sink (on another thread), in the order read,
/// with its own numbering of relations, provenance, qualifiers and files: the sink renumbers
/// them as if each had come to it one at a time, so handing blocks over in file order gives
/// the graph a one-at-a-time read gives.
#[derive(Debug, Default)]
pub struct StatementBlock {
    /// (subject, index of its first statement) of each run of statements with one subject.
    pub runs: Vec<(u32, u32)>,
    pub object: Vec<u32>,
    /// Index into `relations`.
    pub relation: Vec<u16>,
    /// Index into `facets`.
    pub facet: Vec<u32>,
    pub origin: PlaceRuns,
    pub relations: Vec<Relation>,
    /// (index into `provenances`, index into `qualifiers`).
    pub facets: Vec<(u32, u32)>,
    pub provenances: Vec<Provenance>,
    pub qualifiers: Vec<Qualifiers>,
    pub files: Vec<String>,
}

impl StatementBlock {
    pub fn len(&self) -> usize {
        self.object.len()
    }

    pub fn is_empty(&self) -> bool {
        self.object.is_empty()
    }
}

/// A graph being built from a stream. `Sync` so that readers on several threads can look at
/// the nodes while they fill their blocks.
pub trait GraphSink: Sync {
    /// Room for about this many more nodes and statements (a hint).
    fn reserve(&mut self, _nodes: usize, _statements: usize) {}
    /// Adds a node and returns its handle; `None`, adding nothing, when a node has this id.
    fn add_node(
        &mut self,
        id: &str,
        kind: NodeKind,
        name: &str,
        extra: NodeExtra<'_>,
        at: At,
    ) -> Option<u32>;
    /// Asks for the memory that adding a node of id `id` will read to be brought into the
    /// cache, so that adding it soon after does not wait for memory (a hint; none by default).
    fn prefetch_node(&self, _id: &str) {}
    /// The id and kind of the node with handle `node`, when there is one.
    fn node_at(&self, node: u32) -> Option<(&str, NodeKind)>;
    /// Adds a block's statements after those added so far.
    fn add_block(&mut self, block: StatementBlock);
}
