//! The store's indexes of the shipped graph agree with its nodes and statements: each node's
//! statements of a relation, whether a node is of a kind, and the order rows are listed in.

use mbckg::graph::{KnowledgeGraph, NodeIx};
use mbckg::model::{
    Dataset, Evidence, Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Statement, Sym,
};

fn shipped() -> KnowledgeGraph {
    KnowledgeGraph::new(mbckg::load::load_embedded().expect("shipped graph"))
}

/// A drug with more statements (45) than a node's run of one relation is counted among rather
/// than searched for, on a few relations in no order, and its objects with one each.
fn wide() -> KnowledgeGraph {
    let origin = |line: u32| Origin {
        file: "wide.toml".into(),
        line,
        col: 1,
    };
    let node = |id: &str, kind: NodeKind| Node {
        id: id.into(),
        kind,
        name: id.into(),
        aliases: Vec::new(),
        xrefs: Vec::new(),
        note: None,
        category: None,
        accepted: Vec::new(),
        origin: origin(1),
    };
    let rels = [
        Relation::Targets,
        Relation::Causes,
        Relation::Treats,
        Relation::MemberOf,
    ];
    let mut nodes = vec![node("d", NodeKind::Drug)];
    let mut statements = Vec::new();
    for i in 0..45u32 {
        let o = format!("o{i}");
        nodes.push(node(&o, NodeKind::Target));
        statements.push(Statement {
            subject: "d".into(),
            relation: rels[(i as usize * 7) % 3 + usize::from(i % 11 == 0)],
            object: o,
            qualifiers: Qualifiers::default(),
            provenance: Provenance {
                source: "src".into(),
                section: "sec".into(),
                evidence: Evidence::Background,
                note: String::new(),
            },
            origin: origin(i + 2),
        });
    }
    KnowledgeGraph::new(Dataset {
        nodes,
        statements,
        ..Dataset::default()
    })
}

#[test]
fn statements_of_a_relation_are_those_of_the_node_with_it() {
    let mut long = 0;
    for g in [shipped(), wide()] {
        for n in g.nodes() {
            long += usize::from(g.out_edges(n).count() > 32);
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
    // Both ways of finding a node's run of a relation are taken: counted (short) and searched.
    assert!(long > 0);
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
