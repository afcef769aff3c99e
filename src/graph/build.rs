//! The store's builder: takes nodes one at a time (owned model values from the TOML reader, or
//! borrowed fields from a streaming reader) and statements one at a time or in blocks a reader
//! filled on its own thread; interns every string once, deduplicates provenance and
//! qualifiers, and lays statements out by counting sort, each column put in order in place.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::Arc;

use super::strings::{same_text, FastState, Interner, Strings};
use super::{KnowledgeGraph, NodeIx, PlaceRun, Pos, EXTRA_LISTS};
use crate::lexicon::Lexicon;
use crate::model::kgx::list_items;
use crate::model::sink::{At, GraphSink, NodeExtra, Place, PlaceRuns, StatementBlock};
use crate::model::{Field, Node, NodeKind, Provenance, Qualifiers, Relation, Source, Statement};

/// Collects a graph; [`Builder::finish`] lays it out.
#[derive(Debug, Default)]
pub struct Builder {
    strings: Interner,
    /// String id → the node with that id ([`NO_NODE`] when none); the last node of an id wins.
    node_of: Vec<u32>,
    node_id: Vec<u32>,
    node_name: Vec<u32>,
    /// Index into `kinds`.
    node_kind: Vec<u32>,
    /// The kinds used, in the order first seen.
    kinds: Vec<NodeKind>,
    /// Kind → its code, so a graph of many kinds is not searched kind by kind.
    kind_code: HashMap<NodeKind, u32, FastState>,
    node_extra: Vec<u32>,
    node_origin: Vec<Pos>,
    /// As the store keeps them (see `KnowledgeGraph::node_extra`).
    extra_start: Vec<u32>,
    extra_items: Vec<u32>,
    files: Vec<String>,
    file_of: HashMap<String, u16, FastState>,
    /// The file of the last place asked for: most places name the file the one before named.
    last_file: Option<(u16, String)>,
    /// Statements in the order read.
    segments: Vec<Segment>,
    relations: Vec<Relation>,
    relation_of: HashMap<Relation, u16, FastState>,
    provenances: Vec<Provenance>,
    provenance_of: HashMap<Provenance, u32, FastState>,
    qualifiers: Vec<Qualifiers>,
    qualifiers_of: HashMap<Qualifiers, u32, FastState>,
    facets: Vec<(u32, u32)>,
    facet_of: HashMap<(u32, u32), u32, FastState>,
}

/// In `Builder::node_of`: no node has this string as its id.
const NO_NODE: u32 = u32::MAX;

/// Statements in the order read: those added one at a time (numbered as the builder numbers
/// relations, facets and files: the maps are empty) or one block a reader filled (numbered its
/// own way: the maps take its numbers to the builder's).
#[derive(Debug, Default)]
struct Segment {
    /// (subject, index of its first statement) of each run of statements with one subject.
    runs: Vec<(u32, u32)>,
    object: Vec<u32>,
    relation: Vec<u16>,
    facet: Vec<u32>,
    origin: PlaceRuns,
    relation_code: Vec<u16>,
    facet_id: Vec<u32>,
    file_id: Vec<u16>,
}

impl Segment {
    fn is_own(&self) -> bool {
        self.relation_code.is_empty() && self.facet_id.is_empty() && self.file_id.is_empty()
    }

    /// Runs as ranges of statements, with their subject.
    fn run_ranges(&self) -> impl Iterator<Item = (u32, std::ops::Range<usize>)> + '_ {
        self.runs.iter().enumerate().map(|(i, (s, start))| {
            let end = self
                .runs
                .get(i + 1)
                .map_or(self.object.len(), |r| r.1 as usize);
            (*s, *start as usize..end)
        })
    }
}

impl Builder {
    pub fn new() -> Builder {
        let mut b = Builder {
            // Extra 0, empty, and where extra 1 starts.
            extra_start: vec![0; EXTRA_LISTS + 1],
            ..Builder::default()
        };
        b.qualifiers.push(Qualifiers::default());
        b.qualifiers_of.insert(Qualifiers::default(), 0);
        b
    }

    /// Room for this many nodes and statements (added one at a time).
    pub fn reserve(&mut self, nodes: usize, statements: usize) {
        // A hint: room the allocator cannot give is left out, and the columns grow as they fill.
        let _ = self.node_id.try_reserve(nodes);
        let _ = self.node_name.try_reserve(nodes);
        let _ = self.node_kind.try_reserve(nodes);
        let _ = self.node_extra.try_reserve(nodes);
        let _ = self.node_origin.try_reserve(nodes);
        // Indexed by string id: about a string a node.
        let _ = self.node_of.try_reserve(nodes);
        // An id a node (a node named by its id adds no other string).
        self.strings.reserve(nodes);
        if statements > 0 {
            let own = self.own_segment();
            let _ = own.object.try_reserve(statements);
            let _ = own.relation.try_reserve(statements);
            let _ = own.facet.try_reserve(statements);
            // A run a statement at most.
            own.origin.reserve(statements);
        }
    }

    /// The segment statements added one at a time go to: the last, unless that is a block.
    fn own_segment(&mut self) -> &mut Segment {
        if !self.segments.last().is_some_and(Segment::is_own) {
            self.segments.push(Segment::default());
        }
        let last = self.segments.len() - 1;
        &mut self.segments[last]
    }

    /// Adds an owned node.
    pub fn add_node(&mut self, node: Node) -> NodeIx {
        let origin = self.pos(&node.origin.file, node.origin.line, node.origin.col);
        fn borrowed(s: &str) -> Cow<'_, str> {
            Cow::Borrowed(s)
        }
        let accepted = node.accepted.iter().flat_map(|(a, b)| [a, b]);
        let extra = self.add_extra([
            &mut node.aliases.iter().map(|s| borrowed(s)),
            &mut node.xrefs.iter().map(|s| borrowed(s)),
            &mut node.note.iter().map(|s| borrowed(s)),
            &mut accepted.map(|s| borrowed(s)),
            &mut node.category.iter().map(|s| borrowed(s)),
        ]);
        let id = self.strings.intern(&node.id);
        self.add_node_parts(id, node.kind, &node.name, extra, origin)
    }

    /// Keeps a node's lists beside its name (see `EXTRA_LISTS`), their strings appended to the
    /// arena (only ever read by id: a graph whose every node has synonyms does not search the
    /// interner's table for each); the extra's number, 0 when every list is empty.
    fn add_extra(&mut self, lists: [&mut dyn Iterator<Item = Cow<'_, str>>; EXTRA_LISTS]) -> u32 {
        let first = self.extra_items.len();
        let mut ends = [0u32; EXTRA_LISTS];
        for (list, end) in lists.into_iter().zip(&mut ends) {
            for s in list {
                let id = self.strings.append(&s);
                self.extra_items.push(id);
            }
            *end = self.extra_items.len() as u32;
        }
        if self.extra_items.len() == first {
            return 0;
        }
        self.extra_start.extend_from_slice(&ends);
        (self.extra_start.len() / EXTRA_LISTS - 1) as u32
    }

    /// Adds a node from its parts, its id already interned.
    fn add_node_parts(
        &mut self,
        id: u32,
        kind: NodeKind,
        name: &str,
        extra: u32,
        origin: Pos,
    ) -> NodeIx {
        let n = self.node_id.len() as u32;
        let slot = id as usize;
        if self.node_of.len() <= slot {
            self.node_of.resize(slot + 1, NO_NODE);
        }
        self.node_of[slot] = n;
        self.node_id.push(id);
        // A node named by its id (common in large imported graphs) needs no second lookup.
        let name = if same_text(self.strings.get(id), name) {
            id
        } else {
            self.strings.intern(name)
        };
        self.node_name.push(name);
        // Nodes come grouped by kind: most take the code of the node before.
        let code = match self.node_kind.last() {
            Some(&last) if self.kinds.get(last as usize) == Some(&kind) => last,
            _ => {
                let next = self.kinds.len() as u32;
                let code = *self.kind_code.entry(kind).or_insert(next);
                if code == next {
                    self.kinds.push(kind);
                }
                code
            }
        };
        self.node_kind.push(code);
        self.node_extra.push(extra);
        self.node_origin.push(origin);
        NodeIx::new(n as usize)
    }

    /// The node with id `id`, when added.
    pub fn node(&self, id: &str) -> Option<NodeIx> {
        let s = self.strings.find(id)?;
        match self.node_of.get(s as usize) {
            Some(&n) if n != NO_NODE => Some(NodeIx::new(n as usize)),
            _ => None,
        }
    }

    /// The kind of an added node.
    pub fn kind(&self, n: NodeIx) -> Option<NodeKind> {
        let code = self.node_kind.get(n.index())?;
        self.kinds.get(*code as usize).copied()
    }

    /// Adds an owned statement; skipped when an end is not a node (validated data has none).
    pub fn add_statement(&mut self, st: Statement) {
        let (Some(s), Some(o)) = (self.node(&st.subject), self.node(&st.object)) else {
            return;
        };
        let origin = self.pos(&st.origin.file, st.origin.line, st.origin.col);
        let p = self.provenance_id(st.provenance);
        let q = self.qualifiers_id(st.qualifiers);
        let facet = self.facet_id(p, q);
        self.add_statement_parts(s, st.relation, o, facet, origin);
    }

    /// Adds a statement from its parts: `facet` from [`Builder::facet_id`].
    pub fn add_statement_parts(
        &mut self,
        subject: NodeIx,
        relation: Relation,
        object: NodeIx,
        facet: u32,
        origin: Pos,
    ) {
        let code = self.relation_code(relation);
        let own = self.own_segment();
        let subject = subject.index() as u32;
        if own.runs.last().is_none_or(|r| r.0 != subject) {
            own.runs.push((subject, own.object.len() as u32));
        }
        own.object.push(object.index() as u32);
        own.relation.push(code);
        own.facet.push(facet);
        own.origin.push(Place {
            line: origin.line,
            file: origin.file,
            col: origin.col,
        });
    }

    fn relation_code(&mut self, relation: Relation) -> u16 {
        match self.relation_of.get(&relation) {
            Some(c) => *c,
            None => {
                let c = self.relations.len() as u16;
                self.relations.push(relation);
                self.relation_of.insert(relation, c);
                c
            }
        }
    }

    /// Adds the statements of a block after those added so far: its relations, provenance,
    /// qualifiers and files numbered as the builder numbers them, in the block's order, as if
    /// its statements had come one at a time.
    pub fn add_block(&mut self, block: StatementBlock) {
        let relation_code: Vec<u16> = block
            .relations
            .into_iter()
            .map(|r| self.relation_code(r))
            .collect();
        let provenance: Vec<u32> = block
            .provenances
            .into_iter()
            .map(|p| self.provenance_id(p))
            .collect();
        let qualifiers: Vec<u32> = block
            .qualifiers
            .into_iter()
            .map(|q| self.qualifiers_id(q))
            .collect();
        let facet_id: Vec<u32> = block
            .facets
            .iter()
            .map(|(p, q)| {
                let p = provenance.get(*p as usize).copied().unwrap_or(0);
                let q = qualifiers.get(*q as usize).copied().unwrap_or(0);
                self.facet_id(p, q)
            })
            .collect();
        let file_id: Vec<u16> = block.files.iter().map(|f| self.pos(f, 0, 0).file).collect();
        if block.object.is_empty() {
            return;
        }
        self.segments.push(Segment {
            runs: block.runs,
            object: block.object,
            relation: block.relation,
            facet: block.facet,
            origin: block.origin,
            // Never empty for a block with statements, so `is_own` tells the two apart.
            relation_code: if relation_code.is_empty() {
                vec![0]
            } else {
                relation_code
            },
            facet_id: if facet_id.is_empty() {
                vec![0]
            } else {
                facet_id
            },
            file_id: if file_id.is_empty() { vec![0] } else { file_id },
        });
    }

    /// The shared id of a provenance.
    pub fn provenance_id(&mut self, p: Provenance) -> u32 {
        if let Some(id) = self.provenance_of.get(&p) {
            return *id;
        }
        let id = self.provenances.len() as u32;
        self.provenances.push(p.clone());
        self.provenance_of.insert(p, id);
        id
    }

    /// The shared id of a set of qualifiers (0: none).
    pub fn qualifiers_id(&mut self, q: Qualifiers) -> u32 {
        if let Some(id) = self.qualifiers_of.get(&q) {
            return *id;
        }
        let id = self.qualifiers.len() as u32;
        self.qualifiers.push(q.clone());
        self.qualifiers_of.insert(q, id);
        id
    }

    /// The shared id of a (provenance, qualifiers) pair.
    pub fn facet_id(&mut self, provenance: u32, qualifiers: u32) -> u32 {
        let key = (provenance, qualifiers);
        if let Some(id) = self.facet_of.get(&key) {
            return *id;
        }
        let id = self.facets.len() as u32;
        self.facets.push(key);
        self.facet_of.insert(key, id);
        id
    }

    /// A place in a file; the file name is kept once.
    pub fn pos(&mut self, file: &str, line: u32, col: u32) -> Pos {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        if let Some((f, name)) = &self.last_file {
            if same_text(name, file) {
                return Pos {
                    line,
                    file: *f,
                    col,
                };
            }
        }
        let file = match self.file_of.get(file) {
            Some(f) => *f,
            None if self.files.len() < usize::from(u16::MAX) => {
                let f = self.files.len() as u16;
                self.files.push(file.to_string());
                self.file_of.insert(file.to_string(), f);
                f
            }
            // More files than a u16 names: the last slot says so.
            None => {
                return Pos {
                    line,
                    file: u16::MAX,
                    col,
                }
            }
        };
        self.last_file = self.files.get(usize::from(file)).map(|n| (file, n.clone()));
        Pos { line, file, col }
    }

    /// Lays the graph out: statements sorted by (subject, relation, order read) with offsets
    /// per subject, the reverse direction as offsets and statement ids by (object, relation,
    /// id), and the indexes by id, label and kind.
    pub fn finish(self, sources: Vec<Source>) -> KnowledgeGraph {
        let mut b = self;
        let n = b.node_id.len();
        // Relation codes in the order of `Relation`, so a code's order is the relation's.
        let mut rels = b.relations.clone();
        rels.sort();
        let recode: Vec<u16> = b
            .relations
            .iter()
            .map(|r| rels.iter().position(|x| x == r).unwrap_or(0) as u16)
            .collect();
        let imported_links = imported_links(&b, &recode, &rels);
        b.node_of = Vec::new();
        let strings = std::mem::take(&mut b.strings);
        let mut segments = std::mem::take(&mut b.segments);
        // Each segment's numbering to the final one.
        let maps: Vec<Maps> = segments
            .iter_mut()
            .map(|seg| Maps {
                relation: if seg.is_own() {
                    recode.clone()
                } else {
                    let local = std::mem::take(&mut seg.relation_code);
                    local
                        .iter()
                        .map(|c| recode.get(*c as usize).copied().unwrap_or(0))
                        .collect()
                },
                facet: std::mem::take(&mut seg.facet_id),
                file: std::mem::take(&mut seg.file_id),
            })
            .collect();
        // The statements' places, kept as runs while read.
        let origins: Vec<(PlaceRuns, usize)> = segments
            .iter_mut()
            .map(|seg| (std::mem::take(&mut seg.origin), seg.object.len()))
            .collect();
        // The nodes' keys and indexes are made on a second thread while this one lays the
        // statements out: the two share nothing that either changes. That thread then writes
        // the statements' places out, which nothing here needs (it is done well before this
        // one, which has more to do), and puts them in the order this one sends it.
        let (order_to, order_from) = std::sync::mpsc::sync_channel::<Arc<OutOrder>>(1);
        let (statements, (nodes, (st_line, st_places))) = std::thread::scope(|scope| {
            let (b, maps) = (&b, &maps);
            let nodes = scope.spawn(move || {
                let nodes = node_indexes(strings, b);
                let origin = expanded_origins(origins, maps);
                // No order comes when the layout panicked (its panic is raised below).
                let places = order_from
                    .recv()
                    .map(|order| origin.in_order(&order))
                    .unwrap_or_default();
                (nodes, places)
            });
            // The statements on this thread: their large columns reuse the memory this
            // thread's heap freed (the node table, the second half's columns).
            let fields = (&b.facets[..], &b.qualifiers[..], rels.len());
            let statements = lay_out(segments, maps, n, fields, order_to);
            // A panic there is a bug: raised here as it was.
            let nodes = nodes
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (statements, nodes)
        });
        let lexicon = Lexicon::new(b.kinds.iter().copied(), rels.iter().copied());
        let kinds = nodes.by_kind.len();
        KnowledgeGraph {
            strings: nodes.strings,
            node_id: b.node_id.into(),
            node_name: b.node_name.into(),
            node_key: nodes.node_key.into(),
            node_rank: nodes.node_rank.into(),
            node_kind: b.node_kind.into(),
            kinds: b.kinds,
            node_extra: b.node_extra.into(),
            node_origin: b.node_origin.into(),
            extra_start: b.extra_start.into(),
            extra_items: b.extra_items.into(),
            out_start: statements.out_start.into(),
            st_object: statements.st_object.into(),
            st_relation: statements.st_relation.into(),
            st_facet: statements.st_facet.into(),
            st_line: st_line.into(),
            st_places: st_places.into(),
            in_start: statements.in_start.into(),
            in_edge: statements.in_edge.into(),
            in_subject: statements.in_subject.into(),
            builtin_codes: super::builtin_codes(&rels),
            relations: rels,
            facets: b.facets.into(),
            provenances: b.provenances,
            qualifiers: b.qualifiers,
            files: b.files,
            sources,
            by_id: nodes.by_id.into(),
            labels: nodes.labels.into(),
            by_kind: nodes.by_kind,
            max_label_words: nodes.max_label_words,
            imported_links,
            carried: statements.carried.into(),
            lexicon,
            kind_bits: super::unmade_kind_bits(kinds),
            any_of_groups: std::sync::OnceLock::new(),
        }
    }
}

impl GraphSink for Builder {
    fn reserve(&mut self, nodes: usize, statements: usize) {
        Builder::reserve(self, nodes, statements);
    }

    fn add_node(
        &mut self,
        id: &str,
        kind: NodeKind,
        name: &str,
        extra: NodeExtra<'_>,
        at: At,
    ) -> Option<u32> {
        let id = self.strings.intern(id);
        if self.node_of.get(id as usize).is_some_and(|n| *n != NO_NODE) {
            return None;
        }
        let origin = self.pos(at.file, at.line, at.col);
        // Most nodes of a large graph have none: nothing to look at then.
        let extra = if extra == NodeExtra::default() {
            0
        } else {
            let note = (!extra.note.is_empty()).then_some(Cow::Borrowed(extra.note));
            let category = (!extra.category.is_empty()).then_some(Cow::Borrowed(extra.category));
            self.add_extra([
                &mut list_items(extra.aliases),
                &mut list_items(extra.xrefs),
                &mut note.into_iter(),
                &mut std::iter::empty(),
                &mut category.into_iter(),
            ])
        };
        Some(self.add_node_parts(id, kind, name, extra, origin).index() as u32)
    }

    fn prefetch_node(&self, id: &str) {
        self.strings.prefetch(id);
    }

    fn node_at(&self, node: u32) -> Option<(&str, NodeKind)> {
        let id = *self.node_id.get(node as usize)?;
        Some((self.strings.get(id), self.kind(NodeIx::new(node as usize))?))
    }

    fn add_block(&mut self, block: StatementBlock) {
        Builder::add_block(self, block);
    }
}

/// The statements laid out (but for their places): both directions and the fields each
/// relation carries.
struct Laid {
    out_start: Vec<u32>,
    st_object: Vec<u32>,
    st_relation: Vec<u16>,
    st_facet: Vec<u32>,
    in_start: Vec<u32>,
    in_edge: Vec<u32>,
    in_subject: Vec<u32>,
    carried: Vec<u16>,
}

/// Sorts the statements of the segments by (subject, relation, order read) into one set of
/// columns numbered as the graph numbers, and builds the reverse direction. Each column is
/// renumbered and joined end to end (each segment's part freed once copied), then put in order
/// in place, before the next is joined: one column's second half is the most held twice (the
/// peak of memory of a large load). The order is sent to `order_to` as soon as it is known, for
/// the places to be put in it.
fn lay_out(
    mut segments: Vec<Segment>,
    maps: &[Maps],
    n: usize,
    (facets, qualifiers, relations): (&[(u32, u32)], &[Qualifiers], usize),
    order_to: std::sync::mpsc::SyncSender<Arc<OutOrder>>,
) -> Laid {
    let runs = joined_runs(&mut segments);
    let relation = joined(
        &mut segments,
        maps,
        |s| &mut s.relation,
        |m, r| m.relation.get(usize::from(r)).copied().unwrap_or(0),
    );
    let out_start = out_offsets(&runs, n, relation.len());
    let order = Arc::new(OutOrder::new(&runs, &relation, &out_start));
    // Not received only when the other thread panicked (its panic is raised after).
    let _ = order_to.send(Arc::clone(&order));
    drop(runs);
    let mut done = Vec::new();
    let st_relation = order.apply(relation, &mut done);
    let facet = joined(
        &mut segments,
        maps,
        |s| &mut s.facet,
        |m, f| {
            if m.facet.is_empty() {
                f
            } else {
                m.facet.get(f as usize).copied().unwrap_or(0)
            }
        },
    );
    let st_facet = order.apply(facet, &mut done);
    let object = joined(&mut segments, maps, |s| &mut s.object, |_, o| o);
    let st_object = order.apply(object, &mut done);
    drop(order);
    drop(segments);
    let carried = carried_fields((facets, qualifiers), &st_relation, &st_facet, relations);
    let (in_start, in_edge, in_subject) = in_order(&out_start, &st_object, &st_relation);
    Laid {
        out_start,
        st_object,
        st_relation,
        st_facet,
        in_start,
        in_edge,
        in_subject,
        carried,
    }
}

/// A segment's numbering of relations, facets and files, to the final graph's (empty: the
/// same).
struct Maps {
    relation: Vec<u16>,
    facet: Vec<u32>,
    file: Vec<u16>,
}

/// The runs of every segment, as (subject, index of its first statement) counted over all the
/// segments end to end; runs of one subject that meet (where one segment ends and the next
/// begins) are taken as one.
fn joined_runs(segments: &mut [Segment]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut base = 0u32;
    for seg in segments {
        for (s, start) in std::mem::take(&mut seg.runs) {
            if runs.last().is_none_or(|r| r.0 != s) {
                runs.push((s, start + base));
            }
        }
        base += seg.object.len() as u32;
    }
    runs
}

/// Runs as ranges of statements (of `total`), with their subject.
fn ranges(
    runs: &[(u32, u32)],
    total: usize,
) -> impl Iterator<Item = (usize, std::ops::Range<usize>)> + '_ {
    runs.iter().enumerate().map(move |(i, (s, start))| {
        let end = runs.get(i + 1).map_or(total, |r| r.1 as usize);
        (*s as usize, *start as usize..end.max(*start as usize))
    })
}

/// Offsets per subject (`n + 1`) of the statements in `runs` (of `total`).
fn out_offsets(runs: &[(u32, u32)], n: usize, total: usize) -> Vec<u32> {
    let mut start = vec![0u32; n + 1];
    for (s, range) in ranges(runs, total) {
        if let Some(c) = start.get_mut(s + 1) {
            *c += range.len() as u32;
        }
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    start
}

/// How the statements (numbered in the order read) are put in the order (subject, relation,
/// order read).
enum OutOrder {
    /// Each subject's statements came as one run (as a reader of a file grouped by subject
    /// gives them), and most runs are already where they go.
    Runs(RunOrder),
    /// Every statement in its final place: `v[order[0]]` first.
    Permutation(Vec<u32>),
}

impl OutOrder {
    fn new(runs: &[(u32, u32)], relation: &[u16], start: &[u32]) -> OutOrder {
        match RunOrder::new(runs, relation, start) {
            Some(order) => OutOrder::Runs(order),
            None => OutOrder::Permutation(out_order(runs, relation, start)),
        }
    }

    /// `v` (a column in the order read) in this order.
    fn apply<T: Copy>(&self, v: Vec<T>, done: &mut Vec<u64>) -> Vec<T> {
        match self {
            OutOrder::Runs(order) => order.apply(v),
            OutOrder::Permutation(order) => permuted(v, order, done),
        }
    }
}

/// The order of statements that came in one run a subject: the few runs that are not where
/// they go are moved there whole, and the runs not in relation order are put in order, each
/// within itself.
#[derive(Debug, Default, PartialEq)]
struct RunOrder {
    /// (from, to, length) of each run that moves.
    moved: Vec<(u32, u32, u32)>,
    /// How many statements the moved runs hold.
    held: usize,
    /// (start, end, offset into `moves`) of each run out of relation order, where it goes.
    sorted: Vec<(u32, u32, u32)>,
    /// For each run sorted, from its offset: which of its statements (counted from its start)
    /// goes first, second, and so on.
    moves: Vec<u32>,
}

impl RunOrder {
    /// The order of `runs` by subject, each run's statements sorted by relation (statements of
    /// one relation keep the order read); `start` holds the offsets per subject. None when a
    /// subject's statements came in more than one run, or when more than an eighth of the
    /// statements would move (the moved statements are held aside while they move).
    fn new(runs: &[(u32, u32)], relation: &[u16], start: &[u32]) -> Option<RunOrder> {
        let total = relation.len();
        let mut order = RunOrder::default();
        let mut keyed: Vec<u64> = Vec::new();
        // The last run sorted: (its statements in the order read, its moves' offset).
        let mut last: Option<(std::ops::Range<usize>, u32)> = None;
        for (s, range) in ranges(runs, total) {
            let (&from, &to) = (start.get(s)?, start.get(s + 1)?);
            let rels = relation.get(range.clone())?;
            if (to - from) as usize != range.len() {
                return None;
            }
            if from as usize != range.start {
                order
                    .moved
                    .push((range.start as u32, from, range.len() as u32));
                order.held += range.len();
                if order.held > total / 8 {
                    return None;
                }
            }
            if rels.is_sorted() {
                continue;
            }
            // Runs of one shape (the same relations in the same order, as a large graph's
            // nodes of one kind often have) are sorted alike: the moves of the last are taken.
            let at = match &last {
                Some((before, at)) if relation.get(before.clone()) == Some(rels) => *at,
                _ => {
                    let at = order.moves.len() as u32;
                    // Each relation with its place: sorting these sorts by relation, then place.
                    keyed.clear();
                    keyed.extend((0u64..).zip(rels).map(|(k, r)| u64::from(*r) << 32 | k));
                    keyed.sort_unstable();
                    order.moves.extend(keyed.iter().map(|x| *x as u32));
                    at
                }
            };
            order.sorted.push((from, to, at));
            last = Some((range, at));
        }
        Some(order)
    }

    /// `v` (a column in the order read) in this order, in place.
    fn apply<T: Copy>(&self, mut v: Vec<T>) -> Vec<T> {
        // The runs that move go where other moved runs were (those that stay keep their
        // places), so they are all copied aside first.
        let mut held: Vec<T> = Vec::with_capacity(self.held);
        for &(from, _, len) in &self.moved {
            let from = from as usize;
            held.extend_from_slice(v.get(from..from + len as usize).unwrap_or_default());
        }
        let mut at = 0;
        for &(_, to, len) in &self.moved {
            let (to, len) = (to as usize, len as usize);
            if let (Some(run), Some(values)) = (v.get_mut(to..to + len), held.get(at..at + len)) {
                run.copy_from_slice(values);
            }
            at += len;
        }
        drop(held);
        let mut scratch: Vec<T> = Vec::new();
        for &(a, b, at) in &self.sorted {
            let (a, b, at) = (a as usize, b as usize, at as usize);
            let (Some(run), Some(moves)) = (v.get_mut(a..b), self.moves.get(at..at + (b - a)))
            else {
                continue;
            };
            scratch.clear();
            scratch.extend_from_slice(run);
            for (slot, k) in run.iter_mut().zip(moves) {
                if let Some(x) = scratch.get(*k as usize) {
                    *slot = *x;
                }
            }
        }
        v
    }
}

/// Every statement (numbered in the order read) in the order (subject, relation, order read),
/// `start` being the offsets per subject. Statements come in runs of one subject, so the order
/// is built run by run, then each subject's few statements sorted by relation.
fn out_order(runs: &[(u32, u32)], relation: &[u16], start: &[u32]) -> Vec<u32> {
    let n = start.len() - 1;
    let mut order = vec![0u32; start[n] as usize];
    let mut cursor = start.to_vec();
    for (s, range) in ranges(runs, relation.len()) {
        let Some(c) = cursor.get_mut(s) else {
            continue;
        };
        for i in range {
            order[*c as usize] = i as u32;
            *c += 1;
        }
    }
    drop(cursor);
    let rel = |g: &u32| relation.get(*g as usize).copied().unwrap_or(0);
    let mut run: Vec<(u16, u32)> = Vec::new();
    for s in 0..n {
        let (a, b) = (start[s] as usize, start[s + 1] as usize);
        if order[a..b].is_sorted_by_key(rel) {
            continue;
        }
        run.clear();
        run.extend(order[a..b].iter().map(|g| (rel(g), *g)));
        // Stable: statements of one relation keep the order read.
        run.sort_by_key(|(r, _)| *r);
        for (k, (_, g)) in run.iter().enumerate() {
            order[a + k] = *g;
        }
    }
    order
}

/// One column of every segment, each value renumbered by its segment's maps, end to end in the
/// first segment's column (`T` and `U` have one size, so the standard library maps the column
/// in place; a reader reserves room in it for the whole file); the segments' columns are freed.
fn joined<T: Copy, U: Copy>(
    segments: &mut [Segment],
    maps: &[Maps],
    column: impl Fn(&mut Segment) -> &mut Vec<T>,
    renumber: impl Fn(&Maps, T) -> U,
) -> Vec<U> {
    let mut out: Option<Vec<U>> = None;
    for (seg, map) in segments.iter_mut().zip(maps) {
        let col = std::mem::take(column(seg));
        match &mut out {
            None => out = Some(col.into_iter().map(|v| renumber(map, v)).collect()),
            Some(out) => out.extend(col.iter().map(|v| renumber(map, *v))),
        }
    }
    out.unwrap_or_default()
}

/// The statements' places in the order read, as the store keeps them: a line each, and the
/// file and column all share or, when they differ, each one's.
struct Expanded {
    lines: Vec<u32>,
    places: Places,
}

enum Places {
    /// (file, col) of every statement.
    Shared(u16, u16),
    /// `file << 16 | col` of each statement.
    Each(Vec<u32>),
}

impl Expanded {
    /// The lines and the runs of (file, col) in `order`. A graph whose statements share one
    /// file and column (a KGX load's edges) has its lines alone moved.
    fn in_order(self, order: &OutOrder) -> (Vec<u32>, Vec<PlaceRun>) {
        let mut done = Vec::new();
        let lines = order.apply(self.lines, &mut done);
        let runs = match self.places {
            Places::Shared(file, col) if !lines.is_empty() => vec![PlaceRun {
                first: 0,
                file,
                col,
            }],
            Places::Shared(..) => Vec::new(),
            Places::Each(codes) => place_runs(&order.apply(codes, &mut done)),
        };
        (lines, runs)
    }
}

/// The runs of equal codes (`file << 16 | col`) in `codes`.
fn place_runs(codes: &[u32]) -> Vec<PlaceRun> {
    let mut runs = Vec::new();
    let mut last = None;
    for (e, c) in codes.iter().enumerate() {
        if last != Some(*c) {
            runs.push(PlaceRun {
                first: e as u32,
                file: (c >> 16) as u16,
                col: *c as u16,
            });
            last = Some(*c);
        }
    }
    runs
}

/// Every statement's place, in the order read, from the runs of places of every segment (with
/// its count of statements), each run's file renumbered by its segment's map. A segment whose
/// places are fewer than its statements (a reader's bug) has its last ones at no place (line 0
/// of file 0, column 0).
fn expanded_origins(origins: Vec<(PlaceRuns, usize)>, maps: &[Maps]) -> Expanded {
    let total = origins.iter().map(|o| o.1).sum();
    let file_of = |map: &Maps, p: &Place| {
        if map.file.is_empty() {
            p.file
        } else {
            map.file
                .get(usize::from(p.file))
                .copied()
                .unwrap_or(u16::MAX)
        }
    };
    let code = |file: u16, col: u16| u32::from(file) << 16 | u32::from(col);
    // The codes are written out only when they differ (a segment cut short counts as file 0).
    let mut seen = origins.iter().zip(maps).flat_map(|((origin, count), map)| {
        let short = (origin.len() < *count).then_some(0);
        let runs = origin.runs().iter();
        runs.map(move |(_, p)| code(file_of(map, p), p.col))
            .chain(short)
    });
    let shared = seen.next().unwrap_or(0);
    let each = seen.any(|c| c != shared);
    let mut lines: Vec<u32> = Vec::with_capacity(total);
    let mut codes: Vec<u32> = Vec::with_capacity(if each { total } else { 0 });
    for ((origin, count), map) in origins.into_iter().zip(maps) {
        let runs = origin.runs();
        let end_of_segment = lines.len() + count;
        for (i, (first, p)) in runs.iter().enumerate() {
            let end = runs.get(i + 1).map_or(origin.len(), |r| r.0 as usize);
            let len = end.min(count).saturating_sub(*first as usize) as u32;
            // A run's lines pass `u32::MAX` only when moved there (the second part of a file
            // read in two): they stay at it, as each line moved alone would.
            if p.line.checked_add(len).is_some() {
                lines.extend(p.line..p.line + len);
            } else {
                lines.extend((0..len).map(|k| p.line.saturating_add(k)));
            }
            if each {
                let c = code(file_of(map, p), p.col);
                codes.resize(lines.len(), c);
            }
        }
        lines.resize(end_of_segment, 0);
        if each {
            codes.resize(end_of_segment, 0);
        }
    }
    let places = if each {
        Places::Each(codes)
    } else {
        Places::Shared((shared >> 16) as u16, shared as u16)
    };
    Expanded { lines, places }
}

/// `v` in `order` (`v[order[0]]` first), moved in place by following the permutation's
/// cycles, with `done` marking what is placed: no second copy of the column.
fn permuted<T: Copy>(mut v: Vec<T>, order: &[u32], done: &mut Vec<u64>) -> Vec<T> {
    if v.len() != order.len() {
        // Not a permutation of `v` (cannot happen: both count the same statements).
        return order
            .iter()
            .filter_map(|i| v.get(*i as usize).copied())
            .collect();
    }
    done.clear();
    done.resize(v.len().div_ceil(64), 0);
    for start in 0..v.len() {
        if done[start / 64] >> (start % 64) & 1 == 1 {
            continue;
        }
        let first = v[start];
        let mut j = start;
        loop {
            done[j / 64] |= 1 << (j % 64);
            let k = order[j] as usize;
            if k == start || k >= v.len() {
                v[j] = first;
                break;
            }
            v[j] = v[k];
            j = k;
        }
    }
    v
}

/// The reverse direction: offsets per object (`n + 1`), the statements by (object, relation,
/// id), and each one's subject beside it. The statements are cut in two at a subject about
/// halfway, and each half is counted and put in place on a thread of its own: an object's
/// statements of the first half go before those of the second, so they stay in id order.
fn in_order(
    out_start: &[u32],
    st_object: &[u32],
    st_relation: &[u16],
) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = out_start.len() - 1;
    let m = st_object.len();
    let cut = out_start.partition_point(|c| (*c as usize) < m / 2).min(n);
    let (low, high) = st_object.split_at((out_start[cut] as usize).min(m));
    let (low_count, high_count) = both(|| counted(low, n), || counted(high, n));
    // Each object's statements start where the objects' before end; the first half's go
    // first.
    let mut start = vec![0u32; n + 1];
    let mut sum = 0u32;
    for (o, (a, b)) in low_count.iter().zip(&high_count).enumerate() {
        start[o] = sum;
        sum += a + b;
    }
    start[n] = sum;
    drop(high_count);
    // Shared by the two threads, which write different places (a relaxed store is a plain
    // store on common hardware; joining the threads makes the stores seen here). Each thread
    // makes its own cursors, and the columns' pages are first touched where they are written:
    // on both threads, not one before.
    let edge = atomics(vec![0u32; m]);
    let subject = atomics(vec![0u32; m]);
    let statements = (out_start, st_object, st_relation);
    let columns = (&edge[..], &subject[..]);
    let starts = &start[..n];
    let (low_cursor, high_cursor) = both(
        || {
            let cursor = starts.iter().map(|s| Cursor::at(*s)).collect();
            placed(statements, 0..cut, cursor, columns)
        },
        || {
            let past_low = starts.iter().zip(&low_count);
            let cursor = past_low.map(|(s, a)| Cursor::at(s + a)).collect();
            placed(statements, cut..n, cursor, columns)
        },
    );
    drop(low_count);
    let mut edge = plain(edge);
    let mut subject = plain(subject);
    // Then by relation, where an object's statements are of several out of order: in either
    // half, or where the first half's last meets the second's first.
    let rel = |e: &u32| st_relation.get(*e as usize).copied().unwrap_or(0);
    let mut run: Vec<(u16, u32, u32)> = Vec::new();
    for (o, (l, h)) in low_cursor.iter().zip(&high_cursor).enumerate() {
        let (a, b) = (start[o] as usize, start[o + 1] as usize);
        let meet = l.at as usize;
        let sorted = l.sorted
            && h.sorted
            && (meet == a || meet == b || edge.get(meet).is_none_or(|e| l.last <= rel(e)));
        if sorted {
            continue;
        }
        run.clear();
        run.extend((a..b).map(|i| (rel(&edge[i]), edge[i], subject[i])));
        run.sort_by_key(|(r, _, _)| *r);
        for (k, (_, e, s)) in run.iter().enumerate() {
            edge[a + k] = *e;
            subject[a + k] = *s;
        }
    }
    (start, edge, subject)
}

/// `v`'s values as atomics, in the same memory: no pass over it.
fn atomics(v: Vec<u32>) -> Vec<AtomicU32> {
    let mut v = std::mem::ManuallyDrop::new(v);
    let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
    // SAFETY: `AtomicU32` has the size, alignment and bit validity of `u32` (as its
    // documentation guarantees), so the allocation holds `len` of them and is freed with the
    // layout it was made with; `v` is neither used nor dropped again.
    unsafe { Vec::from_raw_parts(ptr.cast::<AtomicU32>(), len, cap) }
}

/// The values of atomics no other thread holds, in the same memory: no pass over it.
fn plain(v: Vec<AtomicU32>) -> Vec<u32> {
    let mut v = std::mem::ManuallyDrop::new(v);
    let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
    // SAFETY: as in `atomics`, the other way; owning the vector, no other thread can hold
    // its atomics (and joining the threads that wrote them made their stores seen here).
    unsafe { Vec::from_raw_parts(ptr.cast::<u32>(), len, cap) }
}

/// `a` here and `b` on a second thread, at once.
fn both<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let a = a();
        // A panic there is a bug: raised here as it was.
        let b = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (a, b)
    })
}

/// How many of `objects` name each of `n` nodes.
fn counted(objects: &[u32], n: usize) -> Vec<u32> {
    let mut count = vec![0u32; n];
    for o in objects {
        if let Some(c) = count.get_mut(*o as usize) {
            *c += 1;
        }
    }
    count
}

/// The statements of `subjects` put in place in `edge` and `subject`, each at its object's
/// cursor; the cursors after.
fn placed(
    (out_start, st_object, st_relation): (&[u32], &[u32], &[u16]),
    subjects: std::ops::Range<usize>,
    mut cursor: Vec<Cursor>,
    (edge, subject): (&[AtomicU32], &[AtomicU32]),
) -> Vec<Cursor> {
    // In id order within each object, since statements are visited in id order; whether an
    // object's statements so placed are also in relation order is noted on the way, so the
    // pass after reads the relations (scattered) of only the few objects whose are not.
    for s in subjects {
        let (a, b) = (out_start[s] as usize, out_start[s + 1] as usize);
        for ((e, o), r) in (a..b).zip(&st_object[a..b]).zip(&st_relation[a..b]) {
            let Some(c) = cursor.get_mut(*o as usize) else {
                continue;
            };
            if let (Some(edge), Some(subject)) =
                (edge.get(c.at as usize), subject.get(c.at as usize))
            {
                edge.store(e as u32, Relaxed);
                subject.store(s as u32, Relaxed);
            }
            c.at += 1;
            c.sorted &= c.last <= *r;
            c.last = *r;
        }
    }
    cursor
}

/// Where an object's next statement goes in the reverse direction, and whether its statements
/// so far came in relation order (the last one's relation beside).
#[derive(Clone, Copy)]
struct Cursor {
    at: u32,
    last: u16,
    sorted: bool,
}

impl Cursor {
    fn at(at: u32) -> Cursor {
        Cursor {
            at,
            last: 0,
            sorted: true,
        }
    }
}

const _: () = assert!(Field::ALL.len() <= 16, "the carried-fields mask is a u16");

/// Per relation code, the fields (bit `i` for `Field::ALL[i]`) some statement of it gives:
/// each distinct qualifier set is asked once, then one lookup a statement.
fn carried_fields(
    (facets, qualifiers): (&[(u32, u32)], &[Qualifiers]),
    st_relation: &[u16],
    st_facet: &[u32],
    relations: usize,
) -> Vec<u16> {
    let per_qualifiers: Vec<u16> = qualifiers
        .iter()
        .map(|q| {
            Field::ALL
                .iter()
                .enumerate()
                .filter(|(_, f)| f.given_by(q))
                .fold(0u16, |m, (i, _)| m | 1 << i)
        })
        .collect();
    let mut carried = vec![0u16; relations];
    for (rel, facet) in st_relation.iter().zip(st_facet) {
        let q = facets.get(*facet as usize).map_or(0, |f| f.1 as usize);
        if let (Some(c), Some(m)) = (carried.get_mut(usize::from(*rel)), per_qualifiers.get(q)) {
            *c |= m;
        }
    }
    carried
}

/// The nodes' keys and the indexes by id, label and kind, with the strings they add.
struct NodeIndexes {
    strings: Strings,
    node_key: Vec<u32>,
    labels: Vec<(u32, u32)>,
    max_label_words: usize,
    by_id: Vec<u32>,
    by_kind: Vec<(NodeKind, Vec<NodeIx>)>,
    node_rank: Vec<u32>,
}

/// The nodes' keys (interned first, then the labels' keys: the order strings are numbered in),
/// the interner's maps dropped, then the indexes sorted.
fn node_indexes(mut strings: Interner, b: &Builder) -> NodeIndexes {
    let node_key: Vec<u32> = b
        .node_name
        .iter()
        .map(|name| {
            let text = strings.get(*name);
            if text
                .bytes()
                .any(|c| c.is_ascii_uppercase() || !c.is_ascii())
            {
                let lower = text.to_lowercase();
                strings.intern(&lower)
            } else {
                *name
            }
        })
        .collect();
    let (mut labels, max_label_words) = label_keys(
        &mut strings,
        &b.node_name,
        &b.node_extra,
        &b.extra_start,
        &b.extra_items,
    );
    // Whether each node's name gave the label key that is its node key (the labels come in
    // node order, each node's name first): then the labels in order give the nodes of each
    // kind in order of key, without a sort of their own.
    let mut names_keyed_alike = true;
    let mut node_before = None;
    for &(k, node) in &labels {
        if node_before != Some(node) {
            names_keyed_alike &= node_key.get(node as usize) == Some(&k);
            node_before = Some(node);
        }
    }
    let strings = strings.finish();
    // By key, then node: the pairs come in node order, so a stable sort by key keeps the nodes
    // of one key in order; and it takes the runs of keys already in order as they are (ids
    // numbered in order make long runs).
    labels.sort_by(|x, y| strings.get(x.0).cmp(strings.get(y.0)));
    let node_id = &b.node_id;
    let mut by_id: Vec<u32> = (0..node_id.len() as u32).collect();
    by_id.sort_by(|x, y| {
        strings
            .get(node_id[*x as usize])
            .cmp(strings.get(node_id[*y as usize]))
    });
    let (by_kind, node_rank) = if names_keyed_alike {
        (
            by_kind_from_labels(&labels, &node_key, &b.node_kind, &b.kinds),
            ranks_from_labels(&labels, &node_key, &strings, node_id),
        )
    } else {
        (
            by_kind_sorted(&strings, &node_key, &b.node_kind, &b.kinds),
            ranks_sorted(&strings, &node_key, node_id),
        )
    };
    NodeIndexes {
        strings,
        node_key,
        labels,
        max_label_words,
        by_id,
        by_kind,
        node_rank,
    }
}

/// Each node's place among all nodes by key, then id (the order rows are listed in), when every
/// node's key is the label key of its name: `labels` then lists the nodes by key, then node, and
/// only the few nodes sharing a key need their ids compared.
fn ranks_from_labels(
    labels: &[(u32, u32)],
    node_key: &[u32],
    strings: &Strings,
    node_id: &[u32],
) -> Vec<u32> {
    let mut order: Vec<u32> = Vec::with_capacity(node_key.len());
    for &(k, node) in labels {
        if node_key.get(node as usize) == Some(&k) {
            order.push(node);
        }
    }
    if order.len() != node_key.len() {
        // Not one label per node as the caller found: the plain way.
        return ranks_sorted(strings, node_key, node_id);
    }
    let id = |n: &u32| strings.get(node_id[*n as usize]);
    for run in order.chunk_by_mut(|a, b| node_key[*a as usize] == node_key[*b as usize]) {
        if run.len() > 1 {
            run.sort_by(|a, b| id(a).cmp(id(b)));
        }
    }
    ranks_of(&order)
}

/// Each node's place among all nodes by key, then id, by a sort of them all.
fn ranks_sorted(strings: &Strings, node_key: &[u32], node_id: &[u32]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..node_key.len() as u32).collect();
    let key = |n: &u32| {
        (
            strings.get(node_key[*n as usize]),
            strings.get(node_id[*n as usize]),
        )
    };
    order.sort_by(|a, b| key(a).cmp(&key(b)));
    ranks_of(&order)
}

/// The inverse of an order: `rank[order[i]] = i`.
fn ranks_of(order: &[u32]) -> Vec<u32> {
    let mut rank = vec![0u32; order.len()];
    for (i, n) in order.iter().enumerate() {
        if let Some(r) = rank.get_mut(*n as usize) {
            *r = i as u32;
        }
    }
    rank
}

/// The nodes of each kind by key, then node, when every node's key is the label key of its
/// name: that label is then the only one of the node with the node's key, and `labels` (by
/// key, then node) lists them in that order.
fn by_kind_from_labels(
    labels: &[(u32, u32)],
    node_key: &[u32],
    node_kind: &[u32],
    kinds: &[NodeKind],
) -> Vec<(NodeKind, Vec<NodeIx>)> {
    let mut of_code: Vec<Vec<NodeIx>> = vec![Vec::new(); kinds.len()];
    for &(k, node) in labels {
        let i = node as usize;
        if node_key.get(i) != Some(&k) {
            continue;
        }
        if let Some(list) = node_kind.get(i).and_then(|c| of_code.get_mut(*c as usize)) {
            list.push(NodeIx::new(i));
        }
    }
    kinds.iter().copied().zip(of_code).collect()
}

/// The nodes of each kind sorted by key, then node.
fn by_kind_sorted(
    strings: &Strings,
    node_key: &[u32],
    node_kind: &[u32],
    kinds: &[NodeKind],
) -> Vec<(NodeKind, Vec<NodeIx>)> {
    let mut of_code: Vec<Vec<NodeIx>> = vec![Vec::new(); kinds.len()];
    for (i, code) in node_kind.iter().enumerate() {
        if let Some(list) = of_code.get_mut(*code as usize) {
            list.push(NodeIx::new(i));
        }
    }
    let mut by_kind: Vec<(NodeKind, Vec<NodeIx>)> = kinds.iter().copied().zip(of_code).collect();
    for (_, list) in &mut by_kind {
        // Stable: nodes of one key stay in node order.
        list.sort_by(|x, y| {
            strings
                .get(node_key[x.index()])
                .cmp(strings.get(node_key[y.index()]))
        });
    }
    by_kind
}

/// Labels of one node told apart one by one; past this many, by a sort.
const FEW_LABELS: usize = 16;

/// The labels of one node from `first` on with each key (by text) once, its name's first.
fn each_key_once(labels: &mut Vec<(u32, u32)>, first: usize, strings: &Interner) {
    let name = strings.get(labels[first].0);
    let rest = &mut labels[first + 1..];
    rest.sort_unstable_by(|a, b| strings.get(a.0).cmp(strings.get(b.0)));
    let mut kept = first + 1;
    for j in first + 1..labels.len() {
        let key = strings.get(labels[j].0);
        if key != name && (kept == first + 1 || strings.get(labels[kept - 1].0) != key) {
            labels[kept] = labels[j];
            kept += 1;
        }
    }
    labels.truncate(kept);
}

/// (key, node) for every name and alias, each key once per node, in node order (to be sorted
/// by key then node); and the longest key in words.
fn label_keys(
    strings: &mut Interner,
    names: &[u32],
    node_extra: &[u32],
    extra_start: &[u32],
    extra_items: &[u32],
) -> (Vec<(u32, u32)>, usize) {
    let mut labels: Vec<(u32, u32)> = Vec::with_capacity(names.len());
    let mut longest = 0;
    for (i, &name) in names.iter().enumerate() {
        let first = labels.len();
        // A name that is its own key (most names of a large graph) is interned already: its
        // id is the key's, found without a lookup in the interner's large map (nor a copy).
        let text = strings.get(name);
        let k = if super::is_normal(text) {
            longest = longest.max(text.bytes().filter(|b| *b == b' ').count() + 1);
            name
        } else {
            let key = super::normalize(text);
            longest = longest.max(key.split(' ').count());
            if key == text {
                name
            } else {
                strings.intern(&key)
            }
        };
        labels.push((k, i as u32));
        // An extra's aliases are its first list.
        let at = node_extra[i] as usize * EXTRA_LISTS;
        let aliases = match (extra_start.get(at), extra_start.get(at + 1)) {
            (Some(&from), Some(&to)) => extra_items.get(from as usize..to as usize),
            _ => None,
        };
        // Labels are found by their text: an alias's key that is not the alias is appended
        // to the arena as the alias was, and a node's keys are told apart by their text: the
        // first few in turn, the keys of a node with many (a list of thousands of synonyms)
        // by a sort once they are all in, so that no node costs the square of its labels.
        let has = |labels: &[(u32, u32)], strings: &Interner, key: &str| {
            labels.len() - first < FEW_LABELS
                && labels[first..].iter().any(|(x, _)| strings.get(*x) == key)
        };
        for &alias in aliases.unwrap_or_default() {
            let text = strings.get(alias);
            if super::is_normal(text) {
                longest = longest.max(text.bytes().filter(|b| *b == b' ').count() + 1);
                if !has(&labels, strings, text) {
                    labels.push((alias, i as u32));
                }
            } else {
                let key = super::normalize(text);
                longest = longest.max(key.split(' ').count());
                if !has(&labels, strings, &key) {
                    labels.push((strings.append(&key), i as u32));
                }
            }
        }
        if labels.len() - first > FEW_LABELS {
            each_key_once(&mut labels, first, strings);
        }
    }
    labels.shrink_to_fit();
    (labels, longest)
}

/// (subject kind, relation, object kind) of statements whose relation an imported graph brought,
/// in the order first read.
fn imported_links(
    b: &Builder,
    recode: &[u16],
    rels: &[Relation],
) -> Vec<(NodeKind, Relation, NodeKind)> {
    let mut out = Vec::new();
    if !rels.iter().any(|r| matches!(r, Relation::Other(_))) {
        return out;
    }
    let kind = |n: u32| {
        let code = b.node_kind.get(n as usize).copied().unwrap_or(0);
        b.kinds
            .get(code as usize)
            .copied()
            .unwrap_or(NodeKind::Drug)
    };
    for seg in &b.segments {
        for (s, range) in seg.run_ranges() {
            for i in range {
                let code = if seg.is_own() {
                    seg.relation[i]
                } else {
                    seg.relation_code
                        .get(usize::from(seg.relation[i]))
                        .copied()
                        .unwrap_or(0)
                };
                let rel = recode
                    .get(usize::from(code))
                    .and_then(|c| rels.get(usize::from(*c)))
                    .copied()
                    .unwrap_or(Relation::MemberOf);
                if matches!(rel, Relation::Other(_)) {
                    let link = (kind(s), rel, kind(seg.object[i]));
                    if !out.contains(&link) {
                        out.push(link);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator of scrambled inputs.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    /// Runs of statements for `nodes` subjects: most subjects in node order, `swaps` pairs of
    /// them swapped, some with no statements, and a subject's statements in two runs when
    /// `split`; relations of each run scrambled or in order.
    fn scrambled(
        rng: &mut Rng,
        nodes: usize,
        swaps: usize,
        split: bool,
    ) -> (Vec<(u32, u32)>, Vec<u16>) {
        let mut subjects: Vec<u32> = (0..nodes as u32).filter(|_| rng.below(5) != 0).collect();
        for _ in 0..swaps.min(subjects.len()) {
            let (i, j) = (rng.below(subjects.len()), rng.below(subjects.len()));
            subjects.swap(i, j);
        }
        if split && subjects.len() > 2 {
            let again = subjects[0];
            subjects.push(again);
        }
        let (mut runs, mut relation) = (Vec::new(), Vec::new());
        for s in subjects {
            runs.push((s, relation.len() as u32));
            let shape = rng.below(3);
            for k in 0..1 + rng.below(9) {
                relation.push(match shape {
                    0 => k as u16 / 2,
                    1 => (9 - k) as u16 % 4,
                    _ => rng.below(4) as u16,
                });
            }
        }
        (runs, relation)
    }

    /// Places for `count` statements, mostly on lines one after another, with lines repeated
    /// and skipped, files and columns changed, and lines at the end of what a `u32` holds.
    fn places(
        rng: &mut Rng,
        count: usize,
        files: &[&'static str],
    ) -> Vec<(&'static str, u32, u16)> {
        let (mut file, mut line, mut col) = (files[0], 1 + rng.below(5) as u32, 1u16);
        let mut out = Vec::new();
        for _ in 0..count {
            match rng.below(14) {
                0..=7 => line = line.saturating_add(1),
                8 => {}
                9 => line = rng.below(50) as u32,
                // On the next line, which does not carry the run on.
                10 => (file, line) = (files[rng.below(files.len())], line.saturating_add(1)),
                11 => (col, line) = (1 + rng.below(3) as u16, line.saturating_add(1)),
                12 => line = u32::MAX - rng.below(3) as u32,
                _ => line = line.saturating_sub(1 + rng.below(3) as u32),
            }
            out.push((file, line, col));
        }
        out
    }

    /// A provenance whose note is `tag`: a statement's tag, found again through its facet.
    fn tagged(tag: usize) -> Provenance {
        Provenance {
            source: "s".into(),
            section: String::new(),
            evidence: crate::model::Evidence::Unspecified,
            note: tag.to_string(),
        }
    }

    #[test]
    fn places_kept_as_runs_are_the_places_pushed_one_by_one() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for case in 0..200 {
            let count = rng.below(40);
            let given = places(&mut rng, count, &["a", "b"]);
            let file = |f: &str| u16::from(f == "b");
            let mut runs = PlaceRuns::default();
            for &(f, line, col) in &given {
                runs.push(Place {
                    line,
                    file: file(f),
                    col,
                });
            }
            // The lines of file "a" moved on, as the second part of a file read in two is.
            let by = [0, 7, u32::MAX / 2, u32::MAX][case % 4];
            for p in runs.firsts_mut() {
                if p.file == 0 {
                    p.line = p.line.saturating_add(by);
                }
            }
            let want: Vec<Place> = given
                .iter()
                .map(|&(f, line, col)| Place {
                    line: if f == "a" {
                        line.saturating_add(by)
                    } else {
                        line
                    },
                    file: file(f),
                    col,
                })
                .collect();
            assert_eq!(runs.len(), want.len(), "case {case}");
            assert_eq!(runs.places().collect::<Vec<_>>(), want, "case {case}");
        }
    }

    #[test]
    fn statements_keep_their_places_however_they_were_read_and_laid_out() {
        let rels = [
            Relation::Treats,
            Relation::Targets,
            Relation::Causes,
            Relation::MemberOf,
            Relation::HasComponent,
        ];
        let mut rng = Rng(0x6A09_E667_F3BC_C908);
        let mut by_runs = 0;
        for case in 0..300 {
            let nodes = 1 + rng.below(40);
            let mut b = Builder::new();
            for i in 0..nodes {
                let at = At {
                    file: "nodes.tsv",
                    line: i as u32 + 2,
                    col: 1,
                };
                GraphSink::add_node(
                    &mut b,
                    &format!("n{i}"),
                    NodeKind::Drug,
                    "x",
                    NodeExtra::default(),
                    at,
                );
            }
            // Statements in runs of a subject, in node order but for swaps (laid out run by
            // run) or with a subject in two runs (laid out by a whole permutation), cut in
            // pieces at any statement, each piece added one at a time or as a block.
            let (runs, relation) = scrambled(&mut rng, nodes, case % 4, case % 5 == 0);
            let total = relation.len();
            let start = out_offsets(&runs, nodes, total);
            by_runs += usize::from(RunOrder::new(&runs, &relation, &start).is_some());
            let given = places(&mut rng, total, &["edges.tsv", "a.toml", "b.toml"]);
            // What each statement's place is to be, by its tag (its place in the order read).
            let mut want = given.clone();
            let subject_of: Vec<u32> = ranges(&runs, total)
                .flat_map(|(s, r)| r.map(move |_| s as u32))
                .collect();
            let mut cuts: Vec<usize> = (0..rng.below(4)).map(|_| rng.below(total + 1)).collect();
            cuts.extend([0, total]);
            cuts.sort_unstable();
            let mut blocks_before = 0;
            for piece in cuts.windows(2) {
                let piece = piece[0]..piece[1];
                if rng.below(2) == 0 {
                    for t in piece {
                        let (file, line, col) = given[t];
                        let origin = b.pos(file, line, u32::from(col));
                        let p = b.provenance_id(tagged(t));
                        let facet = b.facet_id(p, 0);
                        let (s, o) = (subject_of[t] as usize, (t * 7) % nodes);
                        let rel = rels[usize::from(relation[t])];
                        b.add_statement_parts(NodeIx::new(s), rel, NodeIx::new(o), facet, origin);
                    }
                    continue;
                }
                // A block numbers relations its own way (here backwards) and files in the
                // order it meets them; after the first block, lines of edges.tsv are moved
                // on as the second part of a file read in two is.
                let mut block = StatementBlock {
                    relations: rels.iter().rev().copied().collect(),
                    ..StatementBlock::default()
                };
                for t in piece.clone() {
                    let s = subject_of[t];
                    if block.runs.last().is_none_or(|r| r.0 != s) {
                        block.runs.push((s, block.object.len() as u32));
                    }
                    block.object.push(((t * 7) % nodes) as u32);
                    block.relation.push(4 - relation[t]);
                    block.facet.push(block.facets.len() as u32);
                    block.facets.push((block.provenances.len() as u32, 0));
                    block.provenances.push(tagged(t));
                    let (file, line, col) = given[t];
                    let f = match block.files.iter().position(|x| x == file) {
                        Some(f) => f,
                        None => {
                            block.files.push(file.to_string());
                            block.files.len() - 1
                        }
                    };
                    block.origin.push(Place {
                        line,
                        file: f as u16,
                        col,
                    });
                }
                let moved = [0, 5, u32::MAX - 1][blocks_before % 3];
                if let Some(here) = block.files.iter().position(|f| f == "edges.tsv") {
                    for p in block.origin.firsts_mut() {
                        if usize::from(p.file) == here {
                            p.line = p.line.saturating_add(moved);
                        }
                    }
                }
                for w in &mut want[piece] {
                    if w.0 == "edges.tsv" {
                        w.1 = w.1.saturating_add(moved);
                    }
                }
                blocks_before += 1;
                b.add_block(block);
            }
            let g = b.finish(Vec::new());
            assert_eq!(g.st_line.len(), total, "case {case}");
            for e in 0..total {
                let [p, _] = g.facets[g.st_facet[e] as usize];
                let tag: usize = g.provenances[p as usize].note.parse().expect("a tag");
                let pos = g.st_pos(e);
                let got = (g.files[usize::from(pos.file)].as_str(), pos.line, pos.col);
                assert_eq!(got, want[tag], "case {case}, statement {e}");
            }
        }
        // Both layouts were taken.
        assert!(by_runs > 50 && by_runs < 250, "{by_runs} of 300 by runs");
    }

    #[test]
    fn nodes_come_by_key_from_the_labels_as_a_sort_gives_them() {
        let kinds = [NodeKind::Drug, NodeKind::Class, NodeKind::Target];
        // Names that are their own keys, names in capitals or not ASCII (keyed lower-cased), and
        // (in the second graph) names with runs of spaces, whose node key is not a label's.
        for spaced in [false, true] {
            let mut rng = Rng(0x2545_F491_4F6C_DD1D);
            let mut b = Builder::new();
            for i in 0..400 {
                let name = match rng.below(5) {
                    0 => format!("drug-{}", rng.below(60)),
                    1 => format!("Drug {}", rng.below(60)),
                    2 => format!("Äb {}", rng.below(9)),
                    3 if spaced => format!("x  {}", rng.below(9)),
                    _ => format!("x {}", 400 - i),
                };
                let aliases: Vec<String> = (0..rng.below(3))
                    .map(|_| format!("DRUG-{}", rng.below(60)))
                    .collect();
                let aliases = aliases.join("|");
                let extra = NodeExtra {
                    aliases: &aliases,
                    ..NodeExtra::default()
                };
                let at = At {
                    file: "nodes.tsv",
                    line: i,
                    col: 1,
                };
                let kind = kinds[rng.below(kinds.len())];
                GraphSink::add_node(&mut b, &format!("n{i}"), kind, &name, extra, at);
            }
            let g = b.finish(Vec::new());
            let want = by_kind_sorted(&g.strings, &g.node_key, &g.node_kind, &g.kinds);
            assert_eq!(g.by_kind, want, "spaced: {spaced}");
            assert!(want.iter().map(|(_, l)| l.len()).sum::<usize>() == 400);
            // Every node's rank is its place by key, then id (many nodes share a key here).
            let mut order: Vec<NodeIx> = (0..400).map(NodeIx::new).collect();
            order.sort_by_key(|n| (g.sort_key(*n), g.id(*n)));
            let ranks: Vec<u32> = order.iter().map(|n| g.name_rank(*n)).collect();
            assert_eq!(ranks, (0..400).collect::<Vec<u32>>(), "spaced: {spaced}");
        }
    }

    #[test]
    fn statements_moved_run_by_run_go_where_the_whole_permutation_puts_them() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut by_runs = 0;
        for case in 0..300 {
            let nodes = 1 + rng.below(60);
            let (runs, relation) = scrambled(&mut rng, nodes, case % 4, case % 7 == 0);
            let start = out_offsets(&runs, nodes, relation.len());
            let order = out_order(&runs, &relation, &start);
            let ids: Vec<u32> = (0..relation.len() as u32).collect();
            let want = permuted(ids.clone(), &order, &mut Vec::new());
            let laid = OutOrder::new(&runs, &relation, &start);
            by_runs += usize::from(matches!(laid, OutOrder::Runs(_)));
            assert_eq!(laid.apply(ids, &mut Vec::new()), want, "case {case}");
            assert_eq!(
                laid.apply(relation.clone(), &mut Vec::new()),
                permuted(relation, &order, &mut Vec::new()),
                "case {case}"
            );
        }
        // Both ways were taken.
        assert!(by_runs > 50 && by_runs < 250, "{by_runs} of 300 by runs");
    }

    #[test]
    fn a_node_has_each_label_once_however_many_aliases_it_has() {
        // Aliases that repeat the name or each other in other case and spacing, few and many
        // (past the count told apart one by one): every key once, the name's first.
        for many in [3usize, 12, 40, 2_000] {
            let mut aliases = vec!["Alpha".to_string(), "alpha".to_string()];
            for k in 0..many {
                aliases.push(format!("Syn {}", k % (many / 2 + 1)));
                aliases.push(format!("syn  {}", k % 7));
            }
            let mut b = Builder::new();
            let at = At {
                file: "nodes.tsv",
                line: 2,
                col: 1,
            };
            let joined = aliases.join("|");
            let extra = NodeExtra {
                aliases: &joined,
                ..NodeExtra::default()
            };
            GraphSink::add_node(&mut b, "a", NodeKind::Drug, "ALPHA", extra, at);
            GraphSink::add_node(
                &mut b,
                "b",
                NodeKind::Drug,
                "syn 1",
                NodeExtra::default(),
                at,
            );
            let g = b.finish(Vec::new());
            let a = g.by_id("a").expect("a node");
            let mut want: Vec<String> =
                aliases.iter().map(|x| super::super::normalize(x)).collect();
            want.sort();
            want.dedup();
            let mut keys: Vec<&str> = g
                .labels_with_prefix("")
                .filter(|(_, n)| *n == a)
                .map(|(k, _)| k)
                .collect();
            assert_eq!(keys.len(), want.len(), "{many} aliases");
            keys.sort_unstable();
            assert_eq!(keys, want);
            assert_eq!(
                g.lookup("SYN 1").len(),
                2,
                "the node and the other named so"
            );
            assert_eq!(g.lookup("alpha"), [a]);
        }
    }

    #[test]
    fn an_object_whose_statements_are_in_relation_order_in_each_half_but_not_across_is_sorted() {
        // Ten subjects with two statements each to objects 8 and 9: the first half's to 9 by
        // relation 2, the second half's by relation 1; those to 8 in order throughout.
        let out_start: Vec<u32> = (0..=10).map(|s| s * 2).collect();
        let object: Vec<u32> = (0..10).flat_map(|_| [8, 9]).collect();
        let relation: Vec<u16> = (0..10u16)
            .flat_map(|s| [s / 5, if s < 5 { 2 } else { 1 }])
            .collect();
        let (start, edge, subject) = in_order(&out_start, &object, &relation);
        assert_eq!(&start[8..], &[0, 10, 20]);
        assert_eq!(&edge[..10], &[0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
        assert_eq!(&edge[10..], &[11, 13, 15, 17, 19, 1, 3, 5, 7, 9]);
        assert_eq!(&subject[10..], &[5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn the_reverse_direction_is_by_object_relation_and_id_however_the_objects_are_cut() {
        // Subjects with statements to objects in scrambled order and relations out of order,
        // objects with none, and one object with most statements (so the cut falls on it).
        for nodes in [1usize, 2, 3, 7, 40] {
            let mut out_start = vec![0u32];
            let (mut object, mut relation) = (Vec::new(), Vec::new());
            for s in 0..nodes {
                for k in 0..(s * 7 % 5) {
                    let o = if k % 2 == 0 {
                        0
                    } else {
                        (s * 31 + k * 17) % nodes
                    };
                    object.push(o as u32);
                    relation.push(((s + k) % 3) as u16);
                }
                out_start.push(object.len() as u32);
            }
            let (start, edge, subject) = in_order(&out_start, &object, &relation);
            let mut want: Vec<(u32, u16, u32, u32)> = Vec::new();
            for s in 0..nodes {
                for e in out_start[s]..out_start[s + 1] {
                    want.push((object[e as usize], relation[e as usize], e, s as u32));
                }
            }
            want.sort_unstable();
            let got: Vec<(u32, u16, u32, u32)> = (0..nodes)
                .flat_map(|o| (start[o]..start[o + 1]).map(move |i| (o, i as usize)))
                .map(|(o, i)| (o as u32, relation[edge[i] as usize], edge[i], subject[i]))
                .collect();
            assert_eq!(got, want, "{nodes} nodes");
        }
    }
}
