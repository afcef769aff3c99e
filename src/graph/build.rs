//! The store's builder: takes nodes and statements one at a time (owned model values from the
//! TOML reader, or borrowed fields from a streaming reader), interns every string once,
//! deduplicates provenance and qualifiers, and lays statements out by counting sort.

use std::collections::HashMap;

use super::strings::{FastState, Interner};
use super::{Extra, KnowledgeGraph, NodeIx, Pos};
use crate::lexicon::Lexicon;
use crate::model::sink::{At, GraphSink, NodeExtra};
use crate::model::{Field, Node, NodeKind, Provenance, Qualifiers, Relation, Source, Statement};

/// Collects a graph; [`Builder::finish`] lays it out.
#[derive(Debug, Default)]
pub struct Builder {
    strings: Interner,
    /// Node id (as a string id) → node; the last node of an id wins, as before.
    node_of: HashMap<u32, u32, FastState>,
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
    extras: Vec<Extra>,
    files: Vec<String>,
    file_of: HashMap<String, u16, FastState>,
    // Statements in the order read.
    subject: Vec<u32>,
    object: Vec<u32>,
    relation: Vec<u16>,
    facet: Vec<u32>,
    origin: Vec<Pos>,
    relations: Vec<Relation>,
    relation_of: HashMap<Relation, u16, FastState>,
    provenances: Vec<Provenance>,
    provenance_of: HashMap<Provenance, u32, FastState>,
    qualifiers: Vec<Qualifiers>,
    qualifiers_of: HashMap<Qualifiers, u32, FastState>,
    facets: Vec<(u32, u32)>,
    facet_of: HashMap<(u32, u32), u32, FastState>,
}

impl Builder {
    pub fn new() -> Builder {
        let mut b = Builder {
            extras: vec![Extra::default()],
            ..Builder::default()
        };
        b.qualifiers.push(Qualifiers::default());
        b.qualifiers_of.insert(Qualifiers::default(), 0);
        b
    }

    /// Room for this many nodes and statements.
    pub fn reserve(&mut self, nodes: usize, statements: usize) {
        self.node_id.reserve(nodes);
        self.node_name.reserve(nodes);
        self.node_kind.reserve(nodes);
        self.node_extra.reserve(nodes);
        self.node_origin.reserve(nodes);
        self.subject.reserve(statements);
        self.object.reserve(statements);
        self.relation.reserve(statements);
        self.facet.reserve(statements);
        self.origin.reserve(statements);
    }

    /// Adds an owned node.
    pub fn add_node(&mut self, node: Node) -> NodeIx {
        let origin = self.pos(&node.origin.file, node.origin.line, node.origin.col);
        let extra = Extra {
            aliases: node.aliases,
            xrefs: node.xrefs,
            note: node.note,
            accepted: node.accepted,
        };
        self.add_node_parts(&node.id, node.kind, &node.name, extra, origin)
    }

    /// Adds a node from its parts.
    pub fn add_node_parts(
        &mut self,
        id: &str,
        kind: NodeKind,
        name: &str,
        extra: Extra,
        origin: Pos,
    ) -> NodeIx {
        let n = self.node_id.len() as u32;
        let id = self.strings.intern(id);
        self.node_of.insert(id, n);
        self.node_id.push(id);
        self.node_name.push(self.strings.intern(name));
        let next = self.kinds.len() as u32;
        let code = *self.kind_code.entry(kind).or_insert(next);
        if code == next {
            self.kinds.push(kind);
        }
        self.node_kind.push(code);
        let extra = if extra.is_empty() {
            0
        } else {
            self.extras.push(extra);
            (self.extras.len() - 1) as u32
        };
        self.node_extra.push(extra);
        self.node_origin.push(origin);
        NodeIx::new(n as usize)
    }

    /// The node with id `id`, when added.
    pub fn node(&self, id: &str) -> Option<NodeIx> {
        let s = self.strings.find(id)?;
        self.node_of.get(&s).map(|n| NodeIx::new(*n as usize))
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
        let code = match self.relation_of.get(&relation) {
            Some(c) => *c,
            None => {
                let c = self.relations.len() as u16;
                self.relations.push(relation);
                self.relation_of.insert(relation, c);
                c
            }
        };
        self.subject.push(subject.index() as u32);
        self.object.push(object.index() as u32);
        self.relation.push(code);
        self.facet.push(facet);
        self.origin.push(origin);
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
        let file = match self.file_of.get(file) {
            Some(f) => *f,
            None if self.files.len() < usize::from(u16::MAX) => {
                let f = self.files.len() as u16;
                self.files.push(file.to_string());
                self.file_of.insert(file.to_string(), f);
                f
            }
            // More files than a u16 names: the last slot says so.
            None => u16::MAX,
        };
        Pos {
            line,
            file,
            col: u16::try_from(col).unwrap_or(u16::MAX),
        }
    }

    /// Lays the graph out: statements sorted by (subject, relation, order read) with offsets
    /// per subject, the reverse direction as offsets and statement ids by (object, relation),
    /// and the indexes by id, label and kind.
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
        for c in &mut b.relation {
            *c = recode[*c as usize];
        }
        let imported_links = imported_links(&b, &rels);
        // Out: by relation, then (stably) by subject.
        let by_rel = counting_order(&b.relation, rels.len(), None);
        let out_order = counting_order(&b.subject, n, Some(&by_rel));
        drop(by_rel);
        let out_start = offsets(&b.subject, n);
        let st_relation = permute(std::mem::take(&mut b.relation), &out_order);
        let st_object = permute(std::mem::take(&mut b.object), &out_order);
        let st_facet = permute(std::mem::take(&mut b.facet), &out_order);
        let carried = carried_fields(&b, &st_relation, &st_facet, rels.len());
        let st_origin = permute(std::mem::take(&mut b.origin), &out_order);
        let subject = permute(std::mem::take(&mut b.subject), &out_order);
        drop(out_order);
        // In: statement positions by relation, then (stably) by object.
        let by_rel = counting_order(&st_relation, rels.len(), None);
        let in_edge = counting_order(&st_object, n, Some(&by_rel));
        drop(by_rel);
        let in_start = offsets(&st_object, n);
        let in_subject: Vec<u32> = in_edge.iter().map(|e| subject[*e as usize]).collect();
        drop(subject);

        let strings = &mut b.strings;
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
        let (labels, max_label_words) =
            label_index(strings, &b.node_name, &b.node_extra, &b.extras);
        let strings = b.strings.finish();
        let mut by_id: Vec<u32> = (0..n as u32).collect();
        by_id.sort_by(|x, y| {
            strings
                .get(b.node_id[*x as usize])
                .cmp(strings.get(b.node_id[*y as usize]))
        });
        let mut of_code: Vec<Vec<NodeIx>> = vec![Vec::new(); b.kinds.len()];
        for (i, code) in b.node_kind.iter().enumerate() {
            of_code[*code as usize].push(NodeIx::new(i));
        }
        let mut by_kind: Vec<(NodeKind, Vec<NodeIx>)> =
            b.kinds.iter().copied().zip(of_code).collect();
        let lexicon = Lexicon::new(b.kinds.iter().copied(), rels.iter().copied());
        for (_, list) in &mut by_kind {
            list.sort_by(|x, y| {
                strings
                    .get(node_key[x.index()])
                    .cmp(strings.get(node_key[y.index()]))
            });
        }
        KnowledgeGraph {
            strings,
            node_id: b.node_id.into(),
            node_name: b.node_name.into(),
            node_key: node_key.into(),
            node_kind: b.node_kind.into(),
            kinds: b.kinds,
            node_extra: b.node_extra.into(),
            node_origin: b.node_origin.into(),
            extras: b.extras,
            out_start: out_start.into(),
            st_object: st_object.into(),
            st_relation: st_relation.into(),
            st_facet: st_facet.into(),
            st_origin: st_origin.into(),
            in_start: in_start.into(),
            in_edge: in_edge.into(),
            in_subject: in_subject.into(),
            relations: rels,
            facets: b.facets.into(),
            provenances: b.provenances,
            qualifiers: b.qualifiers,
            files: b.files,
            sources,
            by_id: by_id.into(),
            labels: labels.into(),
            by_kind,
            max_label_words,
            imported_links,
            carried: carried.into(),
            lexicon,
        }
    }
}

impl GraphSink for Builder {
    fn reserve(&mut self, nodes: usize, statements: usize) {
        Builder::reserve(self, nodes, statements);
    }

    fn add_node(&mut self, id: &str, kind: NodeKind, name: &str, extra: NodeExtra, at: At) -> u32 {
        let origin = self.pos(at.file, at.line, at.col);
        let extra = Extra {
            aliases: extra.aliases,
            xrefs: extra.xrefs,
            note: extra.note,
            accepted: Vec::new(),
        };
        self.add_node_parts(id, kind, name, extra, origin).index() as u32
    }

    fn find_node(&self, id: &str) -> Option<(u32, NodeKind)> {
        let n = self.node(id)?;
        Some((n.index() as u32, self.kind(n)?))
    }

    fn provenance(&mut self, p: Provenance) -> u32 {
        self.provenance_id(p)
    }

    fn qualifiers(&mut self, q: Qualifiers) -> u32 {
        self.qualifiers_id(q)
    }

    fn add_statement(
        &mut self,
        subject: u32,
        relation: Relation,
        object: u32,
        (p, q): (u32, u32),
        at: At,
    ) {
        let origin = self.pos(at.file, at.line, at.col);
        let facet = self.facet_id(p, q);
        let (s, o) = (NodeIx::new(subject as usize), NodeIx::new(object as usize));
        self.add_statement_parts(s, relation, o, facet, origin);
    }
}

const _: () = assert!(Field::ALL.len() <= 16, "the carried-fields mask is a u16");

/// Per relation code, the fields (bit `i` for `Field::ALL[i]`) some statement of it gives:
/// each distinct qualifier set is asked once, then one lookup a statement.
fn carried_fields(
    b: &Builder,
    st_relation: &[u16],
    st_facet: &[u32],
    relations: usize,
) -> Vec<u16> {
    let per_qualifiers: Vec<u16> = b
        .qualifiers
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
        let q = b.facets[*facet as usize].1 as usize;
        carried[*rel as usize] |= per_qualifiers[q];
    }
    carried
}

/// Positions 0..keys.len() ordered by key, stably; with `within`, that order is the starting
/// one (so the result is sorted by key, then by the earlier order).
fn counting_order(
    keys: &[impl Copy + Into<u32>],
    buckets: usize,
    within: Option<&[u32]>,
) -> Vec<u32> {
    let mut start = vec![0u32; buckets + 1];
    for k in keys {
        start[(*k).into() as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut out = vec![0u32; keys.len()];
    let mut place = |i: u32| {
        let k = keys[i as usize].into() as usize;
        out[start[k] as usize] = i;
        start[k] += 1;
    };
    match within {
        Some(order) => order.iter().for_each(|i| place(*i)),
        None => (0..keys.len() as u32).for_each(place),
    }
    out
}

/// Offsets of each key's run in the keys sorted: `n + 1` entries.
fn offsets(keys: &[u32], n: usize) -> Vec<u32> {
    let mut start = vec![0u32; n + 1];
    for k in keys {
        start[*k as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    start
}

fn permute<T: Copy>(v: Vec<T>, order: &[u32]) -> Vec<T> {
    order.iter().map(|i| v[*i as usize]).collect()
}

/// (key, node) for every name and alias, each key once per node, sorted by key then node; and
/// the longest key in words.
fn label_index(
    strings: &mut Interner,
    names: &[u32],
    node_extra: &[u32],
    extras: &[Extra],
) -> (Vec<(u32, u32)>, usize) {
    let mut labels: Vec<(u32, u32)> = Vec::with_capacity(names.len());
    let mut longest = 0;
    for (i, name) in names.iter().enumerate() {
        let first = labels.len();
        let name = strings.get(*name).to_string();
        let aliases = extras
            .get(node_extra[i] as usize)
            .map_or(&[][..], |e| e.aliases.as_slice());
        for label in std::iter::once(&name).chain(aliases) {
            let key = super::normalize(label);
            longest = longest.max(key.split(' ').count());
            let k = strings.intern(&key);
            if !labels[first..].iter().any(|(x, _)| *x == k) {
                labels.push((k, i as u32));
            }
        }
    }
    labels.sort_by(|a, b| strings.get(a.0).cmp(strings.get(b.0)).then(a.1.cmp(&b.1)));
    labels.shrink_to_fit();
    (labels, longest)
}

/// (subject kind, relation, object kind) of statements whose relation an imported graph brought,
/// in the order first read.
fn imported_links(b: &Builder, rels: &[Relation]) -> Vec<(NodeKind, Relation, NodeKind)> {
    let mut out = Vec::new();
    if !rels.iter().any(|r| matches!(r, Relation::Other(_))) {
        return out;
    }
    for i in 0..b.subject.len() {
        let rel = rels[b.relation[i] as usize];
        if matches!(rel, Relation::Other(_)) {
            let kind = |n: u32| b.kinds[b.node_kind[n as usize] as usize];
            let link = (kind(b.subject[i]), rel, kind(b.object[i]));
            if !out.contains(&link) {
                out.push(link);
            }
        }
    }
    out
}
