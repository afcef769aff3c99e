//! The knowledge graph: a petgraph graph of nodes and statements, with indexes by id, by name and
//! alias (case-insensitive), and by kind. Lookups and traversals only; no I/O, no printing.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
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
        for st in data.statements {
            if let (Some(&s), Some(&o)) = (g.by_id.get(&st.subject), g.by_id.get(&st.object)) {
                g.graph.add_edge(s, o, st);
            }
        }
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

    /// Statements leaving `ix`, with the node at the other end.
    pub fn out_edges(&self, ix: NodeIx) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        self.graph
            .edges_directed(ix, Direction::Outgoing)
            .map(|e| (e.id(), e.target()))
    }

    /// Statements arriving at `ix`, with the node at the other end.
    pub fn in_edges(&self, ix: NodeIx) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        self.graph
            .edges_directed(ix, Direction::Incoming)
            .map(|e| (e.id(), e.source()))
    }

    /// Statements of one relation leaving `ix`.
    pub fn out_rel(
        &self,
        ix: NodeIx,
        rel: Relation,
    ) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        self.out_edges(ix)
            .filter(move |(e, _)| self.graph[*e].relation == rel)
    }

    /// Statements of one relation arriving at `ix`.
    pub fn in_rel(&self, ix: NodeIx, rel: Relation) -> impl Iterator<Item = (EdgeIx, NodeIx)> + '_ {
        self.in_edges(ix)
            .filter(move |(e, _)| self.graph[*e].relation == rel)
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
            for e in self.graph.edges_directed(n, dir) {
                if e.weight().relation != Relation::SubclassOf {
                    continue;
                }
                let next = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
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
        NodeKind::ALL
            .iter()
            .map(|k| (*k, self.of_kind(*k).len()))
            .collect()
    }

    /// Counts of statements by relation, in `Relation::ALL` order.
    pub fn relation_counts(&self) -> Vec<(Relation, usize)> {
        let mut counts: HashMap<Relation, usize> = HashMap::new();
        for e in self.graph.edge_weights() {
            *counts.entry(e.relation).or_default() += 1;
        }
        Relation::ALL
            .iter()
            .map(|r| (*r, counts.get(r).copied().unwrap_or(0)))
            .collect()
    }
}

/// Lower-cases and collapses runs of white space, so `Herceptin  HYLECTA` finds `Herceptin Hylecta`.
pub fn normalize(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
