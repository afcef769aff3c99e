//! The store's indexes of the shipped graph agree with its nodes and statements: each node's
//! statements of a relation, whether a node is of a kind, and the order rows are listed in.

use mbckg::graph::{KnowledgeGraph, NodeIx};
use mbckg::model::{NodeKind, Relation, Sym};

fn shipped() -> KnowledgeGraph {
    KnowledgeGraph::new(mbckg::load::load_embedded().expect("shipped graph"))
}

#[test]
fn statements_of_a_relation_are_those_of_the_node_with_it() {
    let g = shipped();
    for n in g.nodes() {
        for r in Relation::ALL {
            let out: Vec<_> = g
                .out_edges(n)
                .filter(|(e, _)| g.statement(*e).relation == r)
                .collect();
            assert_eq!(g.out_rel(n, r).collect::<Vec<_>>(), out, "{n:?} {r:?}");
            let back: Vec<NodeIx> = g
                .in_edges(n)
                .filter(|(e, _)| g.statement(*e).relation == r)
                .map(|(_, s)| s)
                .collect();
            assert_eq!(g.in_rel(n, r).map(|(_, s)| s).collect::<Vec<_>>(), back);
        }
    }
}

#[test]
fn kind_tests_and_name_ranks_agree_with_the_nodes() {
    let g = shipped();
    let nodes: Vec<NodeIx> = g.nodes().collect();
    let mut kinds: Vec<NodeKind> = nodes.iter().map(|n| g.kind(*n)).collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    kinds.dedup();
    assert!(kinds.len() > 5);
    kinds.extend(Sym::new("not_in_this_graph").map(NodeKind::Other));
    for k in kinds {
        let test = g.kind_test(k);
        for n in &nodes {
            assert_eq!(test.has(*n), g.kind(*n) == k, "{k:?} at {n:?}");
        }
    }
    assert!(!g
        .kind_test(NodeKind::Drug)
        .has(NodeIx::new(nodes.len() + 70)));
    // Rows are listed by lower-cased name, then id: the rank is each node's place in that order.
    let mut by_key = nodes.clone();
    by_key.sort_by_key(|n| (g.sort_key(*n), g.id(*n)));
    let ranks: Vec<u32> = by_key.iter().map(|n| g.name_rank(*n)).collect();
    assert_eq!(ranks, (0..nodes.len() as u32).collect::<Vec<u32>>());
}
