//! The store as a petgraph graph. [`Undirected`] implements petgraph's visit traits, each
//! statement joining its two ends both ways, so petgraph's traversals (`Bfs`, `Dfs`, `dijkstra`,
//! …) run on the store itself, with no copy into a petgraph `Graph`. A view may count the
//! statements a traversal looks at and stop offering more past a bound, so a search in a graph of
//! millions of statements stays bounded and can say it stopped.

use std::cell::Cell;
use std::ops::Range;

use fixedbitset::FixedBitSet;
use petgraph::visit::{
    Data, EdgeRef, GraphBase, GraphRef, IntoEdgeReferences, IntoEdges, IntoNeighbors, NodeCount,
    NodeIndexable, Visitable,
};

use super::{EdgeIx, KnowledgeGraph, NodeIx};

/// The graph with statements followed in either direction; neighbours come out first (by
/// relation, then statement order), then in.
#[derive(Debug, Clone, Copy)]
pub struct Undirected<'g> {
    g: &'g KnowledgeGraph,
    /// Statements looked at so far and the most allowed, when counted.
    budget: Option<&'g Budget>,
    /// Neighbours by node index (then statement), so a walk's order depends on the graph only.
    sorted: bool,
}

/// A count of statements looked at, and the most a search may look at.
#[derive(Debug, Default)]
pub struct Budget {
    used: Cell<usize>,
    most: usize,
    /// The node whose statements were asked for when the bound was reached.
    stopped_at: Cell<Option<NodeIx>>,
}

impl Budget {
    pub fn new(most: usize) -> Budget {
        Budget {
            used: Cell::new(0),
            most,
            stopped_at: Cell::new(None),
        }
    }

    /// Where the bound was reached, if it was.
    pub fn stopped_at(&self) -> Option<NodeIx> {
        self.stopped_at.get()
    }

    /// Takes one statement; false (and the node noted) once the bound is reached.
    fn take(&self, at: NodeIx) -> bool {
        if self.stopped_at.get().is_some() {
            return false;
        }
        if self.used.get() >= self.most {
            self.stopped_at.set(Some(at));
            return false;
        }
        self.used.set(self.used.get() + 1);
        true
    }
}

impl KnowledgeGraph {
    /// The store as an undirected petgraph graph.
    pub fn undirected(&self) -> Undirected<'_> {
        Undirected {
            g: self,
            budget: None,
            sorted: false,
        }
    }
}

impl<'g> Undirected<'g> {
    /// The same view, counting each statement it offers against `budget`.
    pub fn within(self, budget: &'g Budget) -> Undirected<'g> {
        Undirected {
            budget: Some(budget),
            ..self
        }
    }

    /// The same view, offering each node's neighbours by node index, then statement.
    pub fn sorted(self) -> Undirected<'g> {
        Undirected {
            sorted: true,
            ..self
        }
    }

    /// Statements at `n`, with the node at their other end, out then in.
    pub fn edges_at(self, n: NodeIx) -> Edges<'g> {
        Edges {
            view: self,
            at: n,
            out: self.g.out_range(n),
            inward: self.g.in_range(n),
        }
    }
}

/// The statements at one node as a view offers them.
#[derive(Debug, Clone)]
pub struct Edges<'g> {
    view: Undirected<'g>,
    at: NodeIx,
    out: Range<usize>,
    inward: Range<usize>,
}

/// One statement seen from a node: `source` is that node, `target` the other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub source: NodeIx,
    pub target: NodeIx,
    pub id: EdgeIx,
}

impl Edges<'_> {
    /// Whether the view's budget ran out (and these edges with it).
    pub fn stopped(&self) -> bool {
        self.view.budget.is_some_and(|b| b.stopped_at().is_some())
    }
}

impl Iterator for Edges<'_> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        let g = self.view.g;
        let (id, target) = if let Some(e) = self.out.next() {
            (EdgeIx::new(e), NodeIx::new(g.st_object[e] as usize))
        } else {
            let i = self.inward.next()?;
            g.in_at(i)
        };
        if let Some(b) = self.view.budget {
            if !b.take(self.at) {
                self.out = 0..0;
                self.inward = 0..0;
                return None;
            }
        }
        Some(Step {
            source: self.at,
            target,
            id,
        })
    }
}

/// The nodes at the other end of the statements at one node.
#[derive(Debug, Clone)]
pub enum Neighbors<'g> {
    AsStored(Edges<'g>),
    Sorted(std::vec::IntoIter<NodeIx>),
}

impl Iterator for Neighbors<'_> {
    type Item = NodeIx;

    fn next(&mut self) -> Option<NodeIx> {
        match self {
            Neighbors::AsStored(edges) => edges.next().map(|s| s.target),
            Neighbors::Sorted(nodes) => nodes.next(),
        }
    }
}

impl EdgeRef for Step {
    type NodeId = NodeIx;
    type EdgeId = EdgeIx;
    type Weight = ();

    fn source(&self) -> NodeIx {
        self.source
    }
    fn target(&self) -> NodeIx {
        self.target
    }
    fn weight(&self) -> &() {
        &()
    }
    fn id(&self) -> EdgeIx {
        self.id
    }
}

impl GraphBase for Undirected<'_> {
    type NodeId = NodeIx;
    type EdgeId = EdgeIx;
}

impl GraphRef for Undirected<'_> {}

impl Data for Undirected<'_> {
    type NodeWeight = ();
    type EdgeWeight = ();
}

impl NodeCount for Undirected<'_> {
    fn node_count(&self) -> usize {
        self.g.node_count()
    }
}

impl NodeIndexable for Undirected<'_> {
    fn node_bound(&self) -> usize {
        self.g.node_count()
    }
    fn to_index(&self, n: NodeIx) -> usize {
        n.index()
    }
    fn from_index(&self, i: usize) -> NodeIx {
        NodeIx::new(i)
    }
}

impl Visitable for Undirected<'_> {
    type Map = FixedBitSet;

    fn visit_map(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(self.g.node_count())
    }
    fn reset_map(&self, map: &mut FixedBitSet) {
        map.clear();
        map.grow(self.g.node_count());
    }
}

impl<'g> IntoNeighbors for Undirected<'g> {
    type Neighbors = Neighbors<'g>;

    fn neighbors(self, n: NodeIx) -> Neighbors<'g> {
        if !self.sorted {
            return Neighbors::AsStored(self.edges_at(n));
        }
        let mut steps: Vec<Step> = self.edges_at(n).collect();
        steps.sort_unstable_by_key(|s| (s.target.index(), s.id.index()));
        Neighbors::Sorted(
            steps
                .into_iter()
                .map(|s| s.target)
                .collect::<Vec<_>>()
                .into_iter(),
        )
    }
}

impl<'g> IntoEdgeReferences for Undirected<'g> {
    type EdgeRef = Step;
    type EdgeReferences = std::iter::FlatMap<
        std::ops::Range<usize>,
        Edges<'g>,
        Box<dyn FnMut(usize) -> Edges<'g> + 'g>,
    >;

    /// Each statement from both of its ends.
    fn edge_references(self) -> Self::EdgeReferences {
        let each: Box<dyn FnMut(usize) -> Edges<'g> + 'g> =
            Box::new(move |n| self.edges_at(NodeIx::new(n)));
        (0..self.g.node_count()).flat_map(each)
    }
}

impl<'g> IntoEdges for Undirected<'g> {
    type Edges = Edges<'g>;

    fn edges(self, n: NodeIx) -> Edges<'g> {
        self.edges_at(n)
    }
}
