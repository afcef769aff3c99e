//! The knowledge graph as a compact store: nodes as `u32` ids over one string arena, statements
//! in struct-of-arrays sorted by (subject, relation) with offsets per subject (CSR), the reverse
//! direction as offsets and statement ids by (object, relation); provenance and qualifiers are
//! shared by id. Accessors hand out small copyable views ([`NodeRef`], [`StatementRef`]).
//! Indexes by id, by label (case-insensitive, sorted: lookups and prefixes by binary search) and
//! by kind. Lookups and traversals only; no I/O, no printing. Uses model.

use std::collections::{HashSet, VecDeque};
use std::ops::Range;
use std::sync::OnceLock;

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;

use crate::lexicon::Lexicon;
use crate::model::{Dataset, Field, NodeKind, Provenance, Qualifiers, Relation, Source};

mod build;
mod col;
pub mod snapshot;
mod strings;
mod view;
mod visit;

pub use build::Builder;
pub use col::{bytes_of, Backing, Col, ColError, Plain};
pub use strings::{hash_bytes, hash_str, prefetch, same_bytes, FastState, Interner, Strings};
pub use view::{NodeRef, OriginRef, Pairs, StatementRef, Strs};
pub use visit::{Budget, Undirected};

/// A node's position in the graph.
pub type NodeIx = NodeIndex<u32>;
/// A statement's position in the graph.
pub type EdgeIx = EdgeIndex<u32>;

/// A place in a file, packed: line, file (an index into the store's file names), column.
/// `repr(C)` so a snapshot's bytes can be read as `Pos` in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct Pos {
    pub line: u32,
    pub file: u16,
    pub col: u16,
}

/// The file and column of statements from `first` (a statement id in the store's order) up to
/// the next run's first: a file's statements share them, so the store keeps a line per
/// statement and these few runs rather than a whole place each. `repr(C)` so a snapshot's
/// bytes can be read as runs in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C)]
pub struct PlaceRun {
    pub first: u32,
    pub file: u16,
    pub col: u16,
}

/// The run statement `e` falls in: the last one starting at or before it (none before the
/// first run).
fn place_run_of(runs: &[PlaceRun], e: usize) -> Option<&PlaceRun> {
    let after = runs.partition_point(|r| r.first as usize <= e);
    runs.get(after.checked_sub(1)?)
}

/// The lists a node may have beside its name, in the order kept: aliases, xrefs, its note (none
/// or one string), accepted findings (rule id and why, two strings each) and its own Biolink
/// category (none or one string).
const EXTRA_LISTS: usize = 5;

/// The lists of an extra that hold one string at most: the note and the category.
const SINGLE_LISTS: [usize; 2] = [2, 4];

/// The graph with its indexes. Built once (from a validated [`Dataset`] or by a [`Builder`]);
/// immutable afterwards.
#[derive(Debug, Default)]
pub struct KnowledgeGraph {
    strings: Strings,
    node_id: Col<u32>,
    node_name: Col<u32>,
    /// The lower-cased name, the sort key of rows.
    node_key: Col<u32>,
    /// Each node's place among all nodes by key, then id: rows are sorted by it.
    node_rank: Col<u32>,
    /// Index into `kinds`.
    node_kind: Col<u32>,
    /// The kinds used, in the order first seen; a node's code indexes it.
    kinds: Vec<NodeKind>,
    /// What few nodes have beside their name, kept aside (0: nothing, the many nodes without
    /// share it): extra `x`'s list `k` (see [`EXTRA_LISTS`]) is
    /// `extra_items[extra_start[5x + k]..extra_start[5x + k + 1]]`.
    node_extra: Col<u32>,
    node_origin: Col<Pos>,
    extra_start: Col<u32>,
    /// String ids.
    extra_items: Col<u32>,
    /// Statement ids of node `n` as subject: `out_start[n]..out_start[n + 1]`.
    out_start: Col<u32>,
    st_object: Col<u32>,
    /// Index into `relations`.
    st_relation: Col<u16>,
    /// Index into `facets`.
    st_facet: Col<u32>,
    /// Each statement's line.
    st_line: Col<u32>,
    /// The file and column of statements, as runs by first statement, ascending.
    st_places: Col<PlaceRun>,
    /// Positions in `in_edge` of node `n` as object: `in_start[n]..in_start[n + 1]`.
    in_start: Col<u32>,
    /// Statement ids by (object, relation, id).
    in_edge: Col<u32>,
    /// The subject of each statement in `in_edge`, beside it so reverse scans stay sequential.
    in_subject: Col<u32>,
    /// The relations used, ascending; a statement's code indexes it.
    relations: Vec<Relation>,
    /// The code of each built-in relation (`Relation::ALL` order; `u16::MAX`: none has it), so
    /// a lookup by relation, made for every node a query reads, is one read.
    builtin_codes: [u16; Relation::ALL.len()],
    /// (provenance, qualifiers) pairs statements share.
    facets: Col<[u32; 2]>,
    provenances: Vec<Provenance>,
    qualifiers: Vec<Qualifiers>,
    files: Vec<String>,
    sources: Vec<Source>,
    /// Nodes sorted by id.
    by_id: Col<u32>,
    /// (normalised label, node), sorted by label then node.
    labels: Col<[u32; 2]>,
    /// Nodes of each kind, sorted by name.
    by_kind: Vec<(NodeKind, Vec<NodeIx>)>,
    /// The longest label, in words, so phrase lookups know when to stop.
    max_label_words: usize,
    /// (subject kind, relation, object kind) of the statements whose relation an imported graph
    /// brought: the lexicon cannot know which kinds they join, the graph does.
    imported_links: Vec<(NodeKind, Relation, NodeKind)>,
    /// Per relation code, the fields some statement of it gives (bit `i`: `Field::ALL[i]`).
    carried: Col<u16>,
    /// The words of this graph: the built-in lexicon plus the kinds and relations it brought.
    lexicon: Lexicon,
    /// Per entry of `by_kind`, one bit per node, set for the nodes of that kind: each made the
    /// first time it is asked for.
    kind_bits: Box<[OnceLock<Vec<u64>>]>,
    /// Whether some statement belongs to an any-of group: found the first time it is asked.
    any_of_groups: OnceLock<bool>,
}

impl KnowledgeGraph {
    /// Builds the graph. Statements whose ends are missing are skipped (validated data has none).
    pub fn new(data: Dataset) -> KnowledgeGraph {
        let mut b = Builder::new();
        b.reserve(data.nodes.len(), data.statements.len());
        for node in data.nodes {
            b.add_node(node);
        }
        for st in data.statements {
            b.add_statement(st);
        }
        b.finish(data.sources)
    }

    /// Statement `e`'s place: its line, and its run's file and column (a statement outside
    /// every run, which only a damaged store has, is in no file).
    fn st_pos(&self, e: usize) -> Pos {
        let (file, col) =
            place_run_of(&self.st_places, e).map_or((u16::MAX, 0), |r| (r.file, r.col));
        Pos {
            line: self.st_line.get(e).copied().unwrap_or(0),
            file,
            col,
        }
    }

    fn pos(&self, p: Pos) -> OriginRef<'_> {
        OriginRef {
            file: self
                .files
                .get(usize::from(p.file))
                .map_or("(one of too many files)", String::as_str),
            line: p.line,
            col: u32::from(p.col),
        }
    }

    /// The words this graph's queries may use: the built-in lexicon plus what the graph brought.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// A node, as a view.
    pub fn node(&self, ix: NodeIx) -> NodeRef<'_> {
        let i = ix.index();
        let [aliases, xrefs, note, accepted, category] = self.extra_lists(self.node_extra[i]);
        NodeRef {
            id: self.strings.get(self.node_id[i]),
            kind: self.kinds[self.node_kind[i] as usize],
            name: self.strings.get(self.node_name[i]),
            aliases: Strs::new(&self.strings, aliases),
            xrefs: Strs::new(&self.strings, xrefs),
            note: note.first().map(|s| self.strings.get(*s)),
            accepted: Pairs::new(&self.strings, accepted),
            category: category.first().map(|s| self.strings.get(*s)),
            origin: self.pos(self.node_origin[i]),
        }
    }

    /// The lists of extra `x` (see `node_extra`); empty for an extra the store does not hold.
    fn extra_lists(&self, x: u32) -> [&[u32]; EXTRA_LISTS] {
        let at = x as usize * EXTRA_LISTS;
        let list = |k: usize| {
            let (Some(&from), Some(&to)) = (
                self.extra_start.get(at + k),
                self.extra_start.get(at + k + 1),
            ) else {
                return &[][..];
            };
            self.extra_items
                .get(from as usize..to as usize)
                .unwrap_or_default()
        };
        [list(0), list(1), list(2), list(3), list(4)]
    }

    /// A node's kind (cheaper than `node(ix).kind`).
    pub fn kind(&self, ix: NodeIx) -> NodeKind {
        self.kinds[self.node_kind[ix.index()] as usize]
    }

    /// One bit per node (bit `i % 64` of word `i / 64` for node `i`), set for the nodes of
    /// `kind`: a test that stays in the cache where a query asks of many scattered nodes whether
    /// each is of the kind (the column of kinds is a read far away per node). Made from the
    /// kind's list the first time it is asked for; empty for a kind the graph has none of.
    pub fn kind_bits(&self, kind: NodeKind) -> &[u64] {
        let Some(i) = self.by_kind.iter().position(|(k, _)| *k == kind) else {
            return &[];
        };
        let Some(cell) = self.kind_bits.get(i) else {
            return &[];
        };
        cell.get_or_init(|| {
            let mut bits = vec![0u64; self.node_count().div_ceil(64)];
            for n in &self.by_kind[i].1 {
                if let Some(w) = bits.get_mut(n.index() / 64) {
                    *w |= 1 << (n.index() % 64);
                }
            }
            bits
        })
    }

    /// [`Self::kind_bits`] of the classes.
    pub fn class_bits(&self) -> &[u64] {
        self.kind_bits(NodeKind::Class)
    }

    /// A test of nodes' kind, for loops over many nodes (no kind value copied).
    pub fn kind_test(&self, kind: NodeKind) -> KindTest<'_> {
        KindTest {
            bits: self.kind_bits(kind),
        }
    }

    /// A node's id.
    pub fn id(&self, ix: NodeIx) -> &str {
        self.strings.get(self.node_id[ix.index()])
    }

    /// A node's name.
    pub fn name(&self, ix: NodeIx) -> &str {
        self.strings.get(self.node_name[ix.index()])
    }

    /// A statement, as a view.
    pub fn statement(&self, ix: EdgeIx) -> StatementRef<'_> {
        let e = ix.index();
        let (s, o) = self.ends(ix);
        let [p, q] = self.facets[self.st_facet[e] as usize];
        StatementRef {
            subject: self.id(s),
            relation: self.relations[self.st_relation[e] as usize],
            object: self.id(o),
            qualifiers: &self.qualifiers[q as usize],
            provenance: &self.provenances[p as usize],
            origin: self.pos(self.st_pos(e)),
        }
    }

    /// A statement's qualifiers (cheaper than `statement(ix).qualifiers`: no search for its
    /// subject).
    pub fn qualifiers_of(&self, ix: EdgeIx) -> &Qualifiers {
        let q = self
            .st_facet
            .get(ix.index())
            .map_or(0, |f| self.facets[*f as usize][1]);
        &self.qualifiers[q as usize]
    }

    /// Every distinct set of qualifiers statements have (the empty set first).
    pub fn qualifier_sets(&self) -> &[Qualifiers] {
        &self.qualifiers
    }

    /// Whether some statement is one of an any-of group's alternatives.
    pub fn has_any_of_groups(&self) -> bool {
        *self
            .any_of_groups
            .get_or_init(|| self.qualifiers.iter().any(|q| q.any_of.is_some()))
    }

    /// A statement's relation (cheaper than `statement(ix).relation`).
    pub fn relation(&self, ix: EdgeIx) -> Relation {
        self.relations[self.st_relation[ix.index()] as usize]
    }

    /// Subject and object of a statement.
    pub fn ends(&self, ix: EdgeIx) -> (NodeIx, NodeIx) {
        let e = ix.index() as u32;
        let Some(&o) = self.st_object.get(ix.index()) else {
            return (NodeIndex::end(), NodeIndex::end());
        };
        // The subject is the node whose run of statements holds `e`.
        let s = self.out_start.partition_point(|start| *start <= e) - 1;
        (NodeIx::new(s), NodeIx::new(o as usize))
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn node_count(&self) -> usize {
        self.node_id.len()
    }

    pub fn statement_count(&self) -> usize {
        self.st_object.len()
    }

    pub fn nodes(&self) -> impl Iterator<Item = NodeIx> + '_ {
        (0..self.node_count()).map(NodeIx::new)
    }

    /// Every statement, by subject, then relation, then the order read.
    pub fn statements(&self) -> impl Iterator<Item = EdgeIx> + '_ {
        (0..self.statement_count()).map(EdgeIx::new)
    }

    /// The node with this id (of a duplicated id, the last read).
    pub fn by_id(&self, id: &str) -> Option<NodeIx> {
        let key = |n: &u32| self.strings.get(self.node_id[*n as usize]);
        let start = self.by_id.partition_point(|n| key(n) < id);
        let len = self.by_id[start..].partition_point(|n| key(n) == id);
        self.by_id[start..start + len]
            .last()
            .map(|n| NodeIx::new(*n as usize))
    }

    /// The run of `labels` whose key is `key`.
    fn label_run(&self, key: &str) -> &[[u32; 2]] {
        let start = self
            .labels
            .partition_point(|[k, _]| self.strings.get(*k) < key);
        let len = self.labels[start..].partition_point(|[k, _]| self.strings.get(*k) == key);
        &self.labels[start..start + len]
    }

    /// Nodes whose name or alias is `label` (case- and space-insensitive), or whose id is `label`.
    pub fn lookup(&self, label: &str) -> Vec<NodeIx> {
        let key = normalize(label);
        let run = self.label_run(&key);
        if !run.is_empty() {
            return run.iter().map(|[_, n]| NodeIx::new(*n as usize)).collect();
        }
        self.by_id(label.trim()).into_iter().collect()
    }

    /// Names and aliases (normalised: lower case, single spaces) starting with `prefix`
    /// (normalised too), in label order, with their node: completion without scanning.
    pub fn labels_with_prefix<'a>(
        &'a self,
        prefix: &str,
    ) -> impl Iterator<Item = (&'a str, NodeIx)> + 'a {
        let p = normalize(prefix);
        let start = self
            .labels
            .partition_point(|[k, _]| self.strings.get(*k) < p.as_str());
        self.labels[start..]
            .iter()
            .map(|[k, n]| (self.strings.get(*k), NodeIx::new(*n as usize)))
            .take_while(move |(k, _)| k.starts_with(p.as_str()))
    }

    /// Nodes of a kind, sorted by name.
    pub fn of_kind(&self, kind: NodeKind) -> &[NodeIx] {
        self.by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// The longest name or alias, in words.
    pub fn max_label_words(&self) -> usize {
        self.max_label_words
    }

    /// The names and aliases a "did you mean" for `word` weighs: every one in a graph of up to
    /// [`FULL_SCAN_LABELS`] labels; in a bigger graph, from the sorted label index, those
    /// beside where `word` would sort (a slip after the first letters) and where it would sort
    /// without its first letter (a stray first letter), so a million names are not all
    /// compared. A slip in the first letter of a name in a big graph finds no suggestion.
    pub fn label_candidates(&self, word: &str) -> Vec<&str> {
        if self.labels.len() <= FULL_SCAN_LABELS {
            return self.labels().map(|(l, _)| l).collect();
        }
        let key = normalize(word);
        let mut out: Vec<&str> = Vec::new();
        let tail: String = key.chars().skip(1).collect();
        for probe in [key.as_str(), tail.as_str()] {
            let at = self
                .labels
                .partition_point(|[k, _]| self.strings.get(*k) < probe);
            let from = at.saturating_sub(NEAR_LABELS);
            let to = (at + NEAR_LABELS).min(self.labels.len());
            out.extend(
                self.labels[from..to]
                    .iter()
                    .map(|[k, _]| self.strings.get(*k)),
            );
        }
        out
    }

    /// Every name and alias with its node, for completion and "did you mean".
    pub fn labels(&self) -> impl Iterator<Item = (&str, NodeIx)> + '_ {
        self.nodes().flat_map(move |ix| {
            let n = self.node(ix);
            std::iter::once(n.name)
                .chain(n.aliases.iter())
                .map(move |l| (l, ix))
        })
    }

    fn out_range(&self, ix: NodeIx) -> Range<usize> {
        let i = ix.index();
        match (self.out_start.get(i), self.out_start.get(i + 1)) {
            (Some(a), Some(b)) => *a as usize..*b as usize,
            _ => 0..0,
        }
    }

    /// Reads the relation and object of the first and last of each node's statements as
    /// subject (a node's few statements lie between), so a pass over them that follows finds
    /// them in the cache. In a large graph each node's
    /// statements are a read far from the last; here the reads do not wait for one another
    /// (the processor has several under way at once), where a pass that decides as it reads
    /// waits for each in turn. Worth it before checking many scattered nodes one by one.
    pub fn warm_out(&self, nodes: &[NodeIx]) {
        let ranges: Vec<Range<usize>> = nodes.iter().map(|n| self.out_range(*n)).collect();
        let mut sum = 0u32;
        for r in ranges {
            // The relations of a node's statements fit a line or two, their objects a few.
            if let (Some(rel), Some(obj)) =
                (self.st_relation.get(r.start), self.st_object.get(r.start))
            {
                sum = sum.wrapping_add(u32::from(*rel)).wrapping_add(*obj);
            }
            if let (Some(rel), Some(obj)) = (
                self.st_relation.get(r.end.saturating_sub(1)),
                self.st_object.get(r.end.saturating_sub(1)),
            ) {
                sum = sum.wrapping_add(u32::from(*rel)).wrapping_add(*obj);
            }
        }
        std::hint::black_box(sum);
    }

    /// Brings the ids, names and kinds of many scattered nodes into the cache at once, as
    /// [`Self::warm_out`] does their statements: first the nodes' entries, then the strings they
    /// name, each pass of reads that do not wait for one another. Worth it before listing many
    /// rows, where each row's id and name are a chain of reads far apart.
    pub fn warm_names(&self, nodes: &[NodeIx]) {
        let mut sum = 0u32;
        let ids: Vec<[u32; 2]> = nodes
            .iter()
            .filter_map(|n| {
                let i = n.index();
                sum = sum.wrapping_add(self.node_kind.get(i).copied().unwrap_or(0));
                Some([*self.node_id.get(i)?, *self.node_name.get(i)?])
            })
            .collect();
        // Ids and names are short: their first byte brings the whole of each.
        for [id, name] in ids {
            for text in [self.strings.get(id), self.strings.get(name)] {
                sum = sum.wrapping_add(u32::from(text.as_bytes().first().copied().unwrap_or(0)));
            }
        }
        std::hint::black_box(sum);
    }

    fn in_range(&self, ix: NodeIx) -> Range<usize> {
        let i = ix.index();
        match (self.in_start.get(i), self.in_start.get(i + 1)) {
            (Some(a), Some(b)) => *a as usize..*b as usize,
            _ => 0..0,
        }
    }

    /// The code of a relation, when some statement has it.
    fn code(&self, rel: Relation) -> Option<u16> {
        if let Some(i) = Relation::ALL.iter().position(|r| *r == rel) {
            return self
                .builtin_codes
                .get(i)
                .copied()
                .filter(|c| *c != u16::MAX);
        }
        self.relations.binary_search(&rel).ok().map(|c| c as u16)
    }

    /// The part of `range` (statement ids or in-positions) whose relation code is `code`.
    fn run_of(&self, range: Range<usize>, code: u16, ids: Option<&[u32]>) -> Range<usize> {
        // A node's own statements are few and their codes side by side: counted (the codes are
        // in order), with no branch to guess, rather than searched.
        if ids.is_none() && range.len() <= 32 {
            if let Some(codes) = self.st_relation.get(range.clone()) {
                let below = codes.iter().filter(|c| **c < code).count();
                let upto = codes.iter().filter(|c| **c <= code).count();
                return range.start + below..range.start + upto;
            }
        }
        let rel_at = |i: usize| match ids {
            Some(ids) => self.st_relation[ids[i] as usize],
            None => self.st_relation[i],
        };
        let (mut lo, mut hi) = (range.start, range.end);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if rel_at(mid) < code {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let start = lo;
        hi = range.end;
        while lo < hi {
            let mid = (lo + hi) / 2;
            if rel_at(mid) <= code {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        start..lo
    }

    /// Statements leaving `ix`, with the node at the other end, by relation.
    pub fn out_edges(&self, ix: NodeIx) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        self.out_range(ix)
            .map(|e| (EdgeIx::new(e), NodeIx::new(self.st_object[e] as usize)))
    }

    /// Statements arriving at `ix`, with the node at the other end, by relation.
    pub fn in_edges(&self, ix: NodeIx) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        self.in_range(ix).map(|i| self.in_at(i))
    }

    fn in_at(&self, i: usize) -> (EdgeIx, NodeIx) {
        (
            EdgeIx::new(self.in_edge[i] as usize),
            NodeIx::new(self.in_subject[i] as usize),
        )
    }

    /// Statements of one relation leaving `ix`.
    pub fn out_rel(
        &self,
        ix: NodeIx,
        rel: Relation,
    ) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        let range = match self.code(rel) {
            Some(c) => self.run_of(self.out_range(ix), c, None),
            None => 0..0,
        };
        range.map(|e| (EdgeIx::new(e), NodeIx::new(self.st_object[e] as usize)))
    }

    /// Statements of one relation arriving at `ix`.
    pub fn in_rel(&self, ix: NodeIx, rel: Relation) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        let range = match self.code(rel) {
            Some(c) => self.run_of(self.in_range(ix), c, Some(&self.in_edge)),
            None => 0..0,
        };
        range.map(|i| self.in_at(i))
    }

    /// The subjects of the statements of one relation arriving at `ix`, as a slice.
    pub fn in_rel_subjects(&self, ix: NodeIx, rel: Relation) -> &[u32] {
        match self.code(rel) {
            Some(c) => &self.in_subject[self.run_of(self.in_range(ix), c, Some(&self.in_edge))],
            None => &[],
        }
    }

    /// The statements of one relation arriving at `ix` and their subjects, as two slices side
    /// by side (statement ids, subject ids).
    pub fn in_rel_parts(&self, ix: NodeIx, rel: Relation) -> (&[u32], &[u32]) {
        match self.code(rel) {
            Some(c) => {
                let run = self.run_of(self.in_range(ix), c, Some(&self.in_edge));
                (&self.in_edge[run.clone()], &self.in_subject[run])
            }
            None => (&[], &[]),
        }
    }

    /// How many statements touch `ix`, either way.
    pub fn degree(&self, ix: NodeIx) -> usize {
        self.out_range(ix).len() + self.in_range(ix).len()
    }

    /// Whether some statement of `relation` gives `field`; worked out once when the graph is built.
    pub fn carries(&self, relation: Relation, field: Field) -> bool {
        let Some(code) = self.relations.iter().position(|r| *r == relation) else {
            return false;
        };
        let bit = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
        self.carried.get(code).is_some_and(|m| m & (1 << bit) != 0)
    }

    /// Relations an imported graph brought that join `subject` to `object` kinds in this graph.
    pub fn imported_relations_between(&self, subject: NodeKind, object: NodeKind) -> Vec<Relation> {
        self.imported_links
            .iter()
            .filter(|(s, _, o)| *s == subject && *o == object)
            .map(|(_, r, _)| *r)
            .collect()
    }

    /// The key rows are sorted by: the lower-cased name.
    pub fn sort_key(&self, ix: NodeIx) -> &str {
        self.node_key
            .get(ix.index())
            .map_or("", |k| self.strings.get(*k))
    }

    /// Where a node comes among all nodes by its key ([`Self::sort_key`]), then its id: the
    /// order rows are listed in, as one number.
    pub fn name_rank(&self, ix: NodeIx) -> u32 {
        self.node_rank.get(ix.index()).copied().unwrap_or(u32::MAX)
    }

    /// `ix` and everything below it by `subclass_of` (narrower classes or subtypes), breadth first.
    pub fn descendants(&self, ix: NodeIx) -> Vec<NodeIx> {
        self.closure(ix, Direction::Incoming)
    }

    /// `ix` and everything above it by `subclass_of`, breadth first.
    pub fn ancestors(&self, ix: NodeIx) -> Vec<NodeIx> {
        self.closure(ix, Direction::Outgoing)
    }

    fn closure(&self, start: NodeIx, dir: Direction) -> Vec<NodeIx> {
        let mut seen = HashSet::from([start]);
        let mut out = vec![start];
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let next: Vec<NodeIx> = if dir == Direction::Outgoing {
                self.out_rel(n, Relation::SubclassOf)
                    .map(|(_, o)| o)
                    .collect()
            } else {
                self.in_rel(n, Relation::SubclassOf)
                    .map(|(_, o)| o)
                    .collect()
            };
            for m in next {
                if seen.insert(m) {
                    out.push(m);
                    queue.push_back(m);
                }
            }
        }
        out
    }

    /// Counts of nodes by kind, in `NodeKind::ALL` order (kinds with none included).
    pub fn kind_counts(&self) -> Vec<(NodeKind, usize)> {
        let mut out: Vec<(NodeKind, usize)> = NodeKind::ALL
            .iter()
            .map(|k| (*k, self.of_kind(*k).len()))
            .collect();
        // Then the kinds an imported graph brought, by name.
        let mut others: Vec<(NodeKind, usize)> = self
            .by_kind
            .iter()
            .filter(|(k, _)| matches!(k, NodeKind::Other(_)))
            .map(|(k, v)| (*k, v.len()))
            .collect();
        others.sort_by(|(a, _), (b, _)| a.as_str().cmp(b.as_str()));
        out.extend(others);
        out
    }

    /// Counts of statements by relation, in `Relation::ALL` order.
    pub fn relation_counts(&self) -> Vec<(Relation, usize)> {
        let mut counts = vec![0usize; self.relations.len()];
        for c in self.st_relation.iter() {
            counts[*c as usize] += 1;
        }
        let count = |r: &Relation| self.code(*r).map_or(0, |c| counts[c as usize]);
        let mut out: Vec<(Relation, usize)> =
            Relation::ALL.iter().map(|r| (*r, count(r))).collect();
        let mut others: Vec<(Relation, usize)> = self
            .relations
            .iter()
            .filter(|r| matches!(r, Relation::Other(_)))
            .map(|r| (*r, count(r)))
            .collect();
        others.sort_by(|(a, _), (b, _)| a.as_str().cmp(b.as_str()));
        out.extend(others);
        out
    }
}

/// Up to this many labels, "did you mean" weighs them all.
pub const FULL_SCAN_LABELS: usize = 20_000;

/// Labels weighed on each side of where a word would sort, in a bigger graph.
const NEAR_LABELS: usize = 256;

/// Whether a node is of one kind, by a bit per node: see [`KnowledgeGraph::kind_test`].
#[derive(Debug, Clone, Copy)]
pub struct KindTest<'g> {
    bits: &'g [u64],
}

impl KindTest<'_> {
    pub fn has(&self, n: NodeIx) -> bool {
        let i = n.index();
        self.bits
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }
}

/// The codes of the built-in relations among `relations` (see `KnowledgeGraph::builtin_codes`).
fn builtin_codes(relations: &[Relation]) -> [u16; Relation::ALL.len()] {
    Relation::ALL.map(|r| {
        relations
            .binary_search(&r)
            .ok()
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(u16::MAX)
    })
}

/// The kind bitsets of a graph with `kinds` entries in its kind index, none made yet.
fn unmade_kind_bits(kinds: usize) -> Box<[OnceLock<Vec<u64>>]> {
    (0..kinds).map(|_| OnceLock::new()).collect()
}

/// Lower-cases and collapses runs of white space, so `Herceptin  HYLECTA` finds `Herceptin Hylecta`.
pub fn normalize(label: &str) -> String {
    if is_normal(label) {
        return label.to_string();
    }
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `label` is plainly its own [`normalize`]d form: lower-case ASCII, single spaces
/// between words, none at the ends (a name of a large imported graph usually is).
pub fn is_normal(label: &str) -> bool {
    !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        && !label.starts_with(' ')
        && !label.ends_with(' ')
        && !label.contains("  ")
        && !label.bytes().any(|b| b.is_ascii_whitespace() && b != b' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, Node, Origin, Statement};

    fn run(first: u32, file: u16) -> PlaceRun {
        PlaceRun {
            first,
            file,
            col: 0,
        }
    }

    /// The file of each statement `0..n` by the runs.
    fn files(runs: &[PlaceRun], n: usize) -> Vec<Option<u16>> {
        (0..n)
            .map(|e| place_run_of(runs, e).map(|r| r.file))
            .collect()
    }

    #[test]
    fn a_statement_takes_the_place_of_the_last_run_starting_at_or_before_it() {
        assert_eq!(files(&[], 2), [None, None]);
        assert_eq!(files(&[run(0, 7)], 3), [Some(7); 3]);
        // Each run's first and last statement, and past the last run's first.
        let runs = [run(0, 1), run(2, 2), run(3, 3), run(6, 4)];
        let want = [1, 1, 2, 3, 3, 3, 4, 4].map(Some);
        assert_eq!(files(&runs, 8), want);
        // A run per statement.
        let each: Vec<PlaceRun> = (0..50).map(|e| run(e, e as u16 + 10)).collect();
        assert_eq!(files(&each, 50), (10..60).map(Some).collect::<Vec<_>>());
        // Before the first run (a damaged store's): no run.
        assert_eq!(files(&[run(2, 5)], 3), [None, None, Some(5)]);
    }

    fn node(id: &str, kind: NodeKind, aliases: &[&str]) -> Node {
        Node {
            id: id.into(),
            kind,
            name: id.to_uppercase(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            xrefs: Vec::new(),
            note: None,
            category: None,
            accepted: Vec::new(),
            origin: Origin {
                file: format!("{id}.toml"),
                line: 1,
                col: 1,
            },
        }
    }

    fn st(s: &str, r: Relation, o: &str, line: u32) -> Statement {
        Statement {
            subject: s.into(),
            relation: r,
            object: o.into(),
            qualifiers: Qualifiers::default(),
            provenance: Provenance {
                source: "src".into(),
                section: "sec".into(),
                evidence: Evidence::Background,
                note: String::new(),
            },
            origin: Origin {
                file: "x.toml".into(),
                line,
                col: 3,
            },
        }
    }

    fn small() -> KnowledgeGraph {
        KnowledgeGraph::new(Dataset {
            sources: Vec::new(),
            nodes: vec![
                node("b", NodeKind::Drug, &["Bee  Drug"]),
                node("a", NodeKind::Drug, &[]),
                node("t", NodeKind::Target, &[]),
                node("c", NodeKind::Class, &[]),
            ],
            statements: vec![
                st("b", Relation::Targets, "t", 1),
                st("b", Relation::MemberOf, "c", 2),
                st("a", Relation::Targets, "t", 3),
                st("b", Relation::Targets, "missing", 4),
                st("a", Relation::CombinedWith, "b", 5),
            ],
        })
    }

    #[test]
    fn statements_are_found_by_either_end_and_relation() {
        let g = small();
        let [b, a, t, c] = [0, 1, 2, 3].map(NodeIx::new);
        assert_eq!(g.statement_count(), 4);
        let subjects: Vec<NodeIx> = g.in_rel(t, Relation::Targets).map(|(_, s)| s).collect();
        assert_eq!(subjects, [b, a]);
        let out: Vec<(Relation, NodeIx)> = g
            .out_edges(b)
            .map(|(e, o)| (g.statement(e).relation, o))
            .collect();
        assert_eq!(out, [(Relation::MemberOf, c), (Relation::Targets, t)]);
        for e in g.statements() {
            let (s, o) = g.ends(e);
            let view = g.statement(e);
            assert_eq!((view.subject, view.object), (g.id(s), g.id(o)));
        }
        let (e, _) = g.out_rel(a, Relation::CombinedWith).next().expect("one");
        assert_eq!(g.statement(e).origin.to_string(), "x.toml:5:3");
        assert_eq!(g.in_rel(a, Relation::Targets).count(), 0);
        assert_eq!(g.degree(b), 3);
    }

    #[test]
    fn a_big_graph_suggests_from_the_labels_beside_the_word() {
        let mut nodes: Vec<Node> = (0..FULL_SCAN_LABELS + 10)
            .map(|i| node(&format!("drug-{i}"), NodeKind::Drug, &[]))
            .collect();
        nodes.push(node("trastuzumab", NodeKind::Drug, &[]));
        let g = KnowledgeGraph::new(Dataset {
            sources: Vec::new(),
            nodes,
            statements: Vec::new(),
        });
        for slip in ["trastuzumub", "Trastuzumab ", "ttrastuzumab"] {
            let c = g.label_candidates(slip);
            assert!(c.len() <= 4 * NEAR_LABELS, "{}", c.len());
            assert!(c.contains(&"trastuzumab"), "{slip}");
        }
        assert!(!g.label_candidates("drug-77").is_empty());
        // A small graph weighs every label.
        assert_eq!(
            small().label_candidates("zzz").len(),
            small().labels().count()
        );
    }

    #[test]
    fn nodes_are_found_by_id_label_and_prefix() {
        let g = small();
        let b = NodeIx::new(0);
        assert_eq!(g.by_id("b"), Some(b));
        assert_eq!(g.by_id("z"), None);
        assert_eq!(g.lookup("bee drug"), [b]);
        assert_eq!(g.lookup("  BEE DRUG "), [b]);
        assert_eq!(g.lookup("b"), [b]);
        assert_eq!(g.node(b).name, "B");
        assert_eq!(g.node(b).aliases, ["Bee  Drug"]);
        assert_eq!(g.max_label_words(), 2);
        let p: Vec<&str> = g.labels_with_prefix("B").map(|(l, _)| l).collect();
        assert_eq!(p, ["b", "bee drug"]);
        let drugs: Vec<&str> = g.of_kind(NodeKind::Drug).iter().map(|n| g.id(*n)).collect();
        assert_eq!(drugs, ["a", "b"]);
        assert_eq!(g.sort_key(b), "b");
    }
}
