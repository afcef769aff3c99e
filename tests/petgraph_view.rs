//! The store as a petgraph graph (`graph::Undirected`): petgraph's own traversals run on it,
//! and a budget stops a traversal and says where.

use mbckg::graph::{Budget, KnowledgeGraph, NodeIx};
use mbckg::model::Relation;
use petgraph::visit::{Bfs, Dfs, EdgeRef, IntoEdgeReferences, IntoEdges, Walker};

fn graph() -> KnowledgeGraph {
    KnowledgeGraph::new(mbckg::load::load_embedded().expect("shipped graph"))
}

#[test]
fn petgraph_traversals_run_on_the_store() {
    let g = graph();
    let view = g.undirected();
    let olaparib = g.lookup("olaparib")[0];
    let brca1 = g.lookup("BRCA1")[0];
    let reached: Vec<NodeIx> = Bfs::new(view, olaparib).iter(view).collect();
    assert!(reached.contains(&brca1));
    assert_eq!(reached[0], olaparib);
    let by_dfs: Vec<NodeIx> = Dfs::new(view, olaparib).iter(view).collect();
    assert_eq!(by_dfs.len(), reached.len());
    let hops = petgraph::algo::dijkstra(view, olaparib, Some(brca1), |_| 1usize);
    assert!(hops[&brca1] >= 1);
    // Every statement is offered from both ends.
    assert_eq!(view.edge_references().count(), 2 * g.statement_count());
    let e = view
        .edges(olaparib)
        .next()
        .expect("olaparib has statements");
    assert_eq!(e.source(), olaparib);
    let (s, o) = g.ends(e.id());
    assert!((s, o) == (olaparib, e.target()) || (o, s) == (olaparib, e.target()));
    assert!(g.out_rel(olaparib, Relation::Targets).count() > 0);
}

#[test]
fn a_budget_stops_a_traversal_and_says_where() {
    let g = graph();
    let budget = Budget::new(10);
    let view = g.undirected().within(&budget);
    let start = g.lookup("trastuzumab")[0];
    let reached = Bfs::new(view, start).iter(view).count();
    assert!(reached <= 11, "{reached}");
    assert_eq!(budget.stopped_at(), Some(start));
    let free = Bfs::new(g.undirected(), start).iter(g.undirected()).count();
    assert!(free > reached);
}
