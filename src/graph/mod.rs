//! The knowledge graph: a petgraph graph of nodes and statements, with indexes by id, by name and
//! alias (case-insensitive), and by kind. Lookups and traversals only; no I/O, no printing.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::Direction;

use crate::model::{Dataset, Node, NodeKind, Relation, Source, Statement};

/// A node's position in the graph.
pub type NodeIx = NodeIndex<u32>;
/// A statement's position in the graph.
pub type EdgeIx = EdgeIndex<u32>;

/// The graph with its indexes. Built once from a validated [`Dataset`]; immutable afterwards.
#[derive(Debug, Default)]
pub struct KnowledgeGraph {
    graph: DiGraph<Node, Statement, u32>,
    by_id: HashMap<String, NodeIx>,
    /// Lower-cased name or alias → nodes that claim it (one, in validated data).
    by_label: HashMap<String, Vec<NodeIx>>,
    /// Nodes of each kind, sorted by name.
    by_kind: HashMap<NodeKind, Vec<NodeIx>>,
    sources: Vec<Source>,
    /// The longest label, in words, so phrase lookups know when to stop.
    max_label_words: usize,
    /// Per node, its outgoing statements as (relation, statement, object), sorted by relation
    /// (insertion order within one), so `out_rel` is a binary search and a slice.
    out_adj: Vec<Vec<(Relation, EdgeIx, NodeIx)>>,
    /// Per node, its incoming statements as (relation, statement, subject), likewise.
    in_adj: Vec<Vec<(Relation, EdgeIx, NodeIx)>>,
    /// Lower-cased names, the sort key of rows.
    sort_keys: Vec<String>,
    /// (subject kind, relation, object kind) of the statements whose relation an imported graph
    /// brought: the lexicon cannot know which kinds they join, the graph does.
    imported_links: Vec<(NodeKind, Relation, NodeKind)>,
}

impl KnowledgeGraph {
    /// Builds the graph. Statements whose ends are missing are skipped (validated data has none).
    pub fn new(data: Dataset) -> KnowledgeGraph {
        let mut g = KnowledgeGraph {
            graph: DiGraph::with_capacity(data.nodes.len(), data.statements.len()),
            sources: data.sources,
            ..KnowledgeGraph::default()
        };
        for node in data.nodes {
            let id = node.id.clone();
            let ix = g.graph.add_node(node);
            g.by_id.insert(id, ix);
        }
        for ix in g.graph.node_indices() {
            let node = &g.graph[ix];
            let mut seen = HashSet::new();
            for label in std::iter::once(&node.name).chain(&node.aliases) {
                let key = normalize(label);
                g.max_label_words = g.max_label_words.max(key.split(' ').count());
                if seen.insert(key.clone()) {
                    g.by_label.entry(key).or_default().push(ix);
                }
            }
            g.by_kind.entry(node.kind).or_default().push(ix);
        }
        for list in g.by_kind.values_mut() {
            list.sort_by(|a, b| {
                g.graph[*a]
                    .name
                    .to_lowercase()
                    .cmp(&g.graph[*b].name.to_lowercase())
            });
        }
        let n = g.graph.node_count();
        g.out_adj = vec![Vec::new(); n];
        g.in_adj = vec![Vec::new(); n];
        for st in data.statements {
            if let (Some(&s), Some(&o)) = (g.by_id.get(&st.subject), g.by_id.get(&st.object)) {
                let rel = st.relation;
                if matches!(rel, Relation::Other(_)) {
                    let link = (g.graph[s].kind, rel, g.graph[o].kind);
                    if !g.imported_links.contains(&link) {
                        g.imported_links.push(link);
                    }
                }
                let e = g.graph.add_edge(s, o, st);
                g.out_adj[s.index()].push((rel, e, o));
                g.in_adj[o.index()].push((rel, e, s));
            }
        }
        for list in g.out_adj.iter_mut().chain(g.in_adj.iter_mut()) {
            list.sort_by_key(|(r, _, _)| *r);
            list.shrink_to_fit();
        }
        g.sort_keys = g
            .graph
            .node_indices()
            .map(|ix| g.graph[ix].name.to_lowercase())
            .collect();
        g
    }

    pub fn node(&self, ix: NodeIx) -> &Node {
        &self.graph[ix]
    }

    pub fn statement(&self, ix: EdgeIx) -> &Statement {
        &self.graph[ix]
    }

    /// Subject and object of a statement.
    pub fn ends(&self, ix: EdgeIx) -> (NodeIx, NodeIx) {
        self.graph
            .edge_endpoints(ix)
            .unwrap_or((NodeIndex::end(), NodeIndex::end()))
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn statement_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn nodes(&self) -> impl Iterator<Item = NodeIx> + '_ {
        self.graph.node_indices()
    }

    pub fn statements(&self) -> impl Iterator<Item = EdgeIx> + '_ {
        self.graph.edge_indices()
    }

    pub fn by_id(&self, id: &str) -> Option<NodeIx> {
        self.by_id.get(id).copied()
    }

    /// Nodes whose name or alias is `label` (case- and space-insensitive), or whose id is `label`.
    pub fn lookup(&self, label: &str) -> Vec<NodeIx> {
        let key = normalize(label);
        if let Some(v) = self.by_label.get(&key) {
            return v.clone();
        }
        self.by_id(label.trim()).into_iter().collect()
    }

    /// Nodes of a kind, sorted by name.
    pub fn of_kind(&self, kind: NodeKind) -> &[NodeIx] {
        self.by_kind.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The longest name or alias, in words.
    pub fn max_label_words(&self) -> usize {
        self.max_label_words
    }

    /// Every name and alias with its node, for completion and "did you mean".
    pub fn labels(&self) -> impl Iterator<Item = (&str, NodeIx)> + '_ {
        self.graph.node_indices().flat_map(move |ix| {
            let n = &self.graph[ix];
            std::iter::once(n.name.as_str())
                .chain(n.aliases.iter().map(String::as_str))
                .map(move |l| (l, ix))
        })
    }

    /// Statements leaving `ix`, with the node at the other end, by relation.
    pub fn out_edges(&self, ix: NodeIx) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        adjacent(&self.out_adj, ix).iter().map(|(_, e, o)| (*e, *o))
    }

    /// Statements arriving at `ix`, with the node at the other end, by relation.
    pub fn in_edges(&self, ix: NodeIx) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        adjacent(&self.in_adj, ix).iter().map(|(_, e, o)| (*e, *o))
    }

    /// Statements of one relation leaving `ix`.
    pub fn out_rel(
        &self,
        ix: NodeIx,
        rel: Relation,
    ) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        of_relation(adjacent(&self.out_adj, ix), rel)
            .iter()
            .map(|(_, e, o)| (*e, *o))
    }

    /// Statements of one relation arriving at `ix`.
    pub fn in_rel(&self, ix: NodeIx, rel: Relation) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        of_relation(adjacent(&self.in_adj, ix), rel)
            .iter()
            .map(|(_, e, o)| (*e, *o))
    }

    /// How many statements touch `ix`, either way.
    pub fn degree(&self, ix: NodeIx) -> usize {
        adjacent(&self.out_adj, ix).len() + adjacent(&self.in_adj, ix).len()
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
        self.sort_keys.get(ix.index()).map_or("", String::as_str)
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
            let adj = if dir == Direction::Outgoing {
                &self.out_adj
            } else {
                &self.in_adj
            };
            for &(_, _, next) in of_relation(adjacent(adj, n), Relation::SubclassOf) {
                if seen.insert(next) {
                    out.push(next);
                    queue.push_back(next);
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
        others.sort_by_key(|(k, _)| k.as_str());
        out.extend(others);
        out
    }

    /// Counts of statements by relation, in `Relation::ALL` order.
    pub fn relation_counts(&self) -> Vec<(Relation, usize)> {
        let mut counts: HashMap<Relation, usize> = HashMap::new();
        for e in self.graph.edge_weights() {
            *counts.entry(e.relation).or_default() += 1;
        }
        let mut out: Vec<(Relation, usize)> = Relation::ALL
            .iter()
            .map(|r| (*r, counts.get(r).copied().unwrap_or(0)))
            .collect();
        let mut others: Vec<(Relation, usize)> = counts
            .into_iter()
            .filter(|(r, _)| matches!(r, Relation::Other(_)))
            .collect();
        others.sort_by_key(|(r, _)| r.as_str());
        out.extend(others);
        out
    }
}

fn adjacent(adj: &[Vec<(Relation, EdgeIx, NodeIx)>], ix: NodeIx) -> &[(Relation, EdgeIx, NodeIx)] {
    adj.get(ix.index()).map_or(&[], Vec::as_slice)
}

/// The run of one relation in a list sorted by relation.
fn of_relation(
    list: &[(Relation, EdgeIx, NodeIx)],
    rel: Relation,
) -> &[(Relation, EdgeIx, NodeIx)] {
    let start = list.partition_point(|(r, _, _)| *r < rel);
    let len = list[start..].partition_point(|(r, _, _)| *r == rel);
    &list[start..start + len]
}

/// Lower-cases and collapses runs of white space, so `Herceptin  HYLECTA` finds `Herceptin Hylecta`.
pub fn normalize(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
