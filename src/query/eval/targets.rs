//! The other end of a link: the nodes a target stands for (a node and its narrower kinds, a set,
//! a bridge), and the classes whose statements hold for a member drug.

use super::*;

/// Nodes a link target stands for, each with the chain that shows it belongs.
pub(super) fn target_set(g: &KnowledgeGraph, t: &Target) -> Vec<(NodeIx, Vec<EdgeIx>)> {
    match t {
        Target::Node(n) => descendants(g, *n),
        Target::Nodes(ns) => {
            let mut seen = HashSet::new();
            ns.iter()
                .flat_map(|n| descendants(g, *n))
                .filter(|(n, _)| seen.insert(*n))
                .collect()
        }
        Target::Any(k) => g.of_kind(*k).iter().map(|n| (*n, Vec::new())).collect(),
        Target::Bridge { node, kind, via } => {
            let mut out = Vec::new();
            let mut seen = HashSet::new();
            for (rel, dir) in via {
                // `via` is read from the middle node: mid —rel→ node (Out) or node —rel→ mid (In).
                let edges: Vec<(EdgeIx, NodeIx)> = match dir {
                    Dir::Out => g.in_rel(*node, *rel).collect(),
                    Dir::In => g.out_rel(*node, *rel).collect(),
                };
                for (e, mid) in edges {
                    if g.kind(mid) != *kind {
                        continue;
                    }
                    for (d, mut chain) in descendants(g, mid) {
                        if seen.insert(d) {
                            chain.push(e);
                            out.push((d, chain));
                        }
                    }
                }
            }
            out
        }
        Target::Set(q) => matches(g, q)
            .into_iter()
            .map(|(n, hits)| {
                (
                    n,
                    hits.into_iter().next().map(|h| h.chain).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

/// The nodes a link's target stands for, read with the link's relations: as [`target_set`],
/// except that a link read up the hierarchy alone (`classes superclass of chemotherapy`: the
/// target `subclass_of` them) stands for the target and the classes above it, not below: a
/// class's superclasses are those of the class and its superclasses, not of its subclasses.
pub(super) fn link_target_set(
    g: &KnowledgeGraph,
    t: &Target,
    rels: &[(Relation, Dir)],
) -> Vec<(NodeIx, Vec<EdgeIx>)> {
    let nodes: &[NodeIx] = match t {
        Target::Node(n) if reads_upwards(rels) => std::slice::from_ref(n),
        Target::Nodes(ns) if reads_upwards(rels) => ns,
        _ => return target_set(g, t),
    };
    let mut seen = HashSet::new();
    nodes
        .iter()
        .flat_map(|n| class_ancestry(g, *n))
        .filter(|(n, _)| seen.insert(*n))
        .collect()
}

/// Whether a link reads up the hierarchy alone: its target `subclass_of` what it finds.
pub(super) fn reads_upwards(rels: &[(Relation, Dir)]) -> bool {
    !rels.is_empty() && rels.iter().all(|r| *r == (Relation::SubclassOf, Dir::In))
}

/// `n` and every node below it by `subclass_of`, each with its chain of subclass statements
/// (read upwards, from the descendant to `n`).
pub(super) fn descendants(g: &KnowledgeGraph, n: NodeIx) -> Vec<(NodeIx, Vec<EdgeIx>)> {
    let mut out = vec![(n, Vec::new())];
    let mut seen = HashSet::from([n]);
    let mut queue = VecDeque::from([0usize]);
    while let Some(i) = queue.pop_front() {
        let (node, chain) = out[i].clone();
        for (e, child) in g.in_rel(node, Relation::SubclassOf) {
            if seen.insert(child) {
                let mut c = vec![e];
                c.extend(chain.iter().copied());
                out.push((child, c));
                queue.push_back(out.len() - 1);
            }
        }
    }
    out
}

/// The classes a node belongs to, directly or through superclasses, each with the chain
/// member_of, subclass_of… that shows it.
pub(super) fn carriers(g: &KnowledgeGraph, n: NodeIx) -> Vec<(NodeIx, Vec<EdgeIx>)> {
    carriers_cached(g, n, &mut HashMap::new())
}

/// As [`carriers`], with the classes' own ancestry cached across calls (one query checks many
/// drugs of the same few classes).
pub(super) fn carriers_cached(
    g: &KnowledgeGraph,
    n: NodeIx,
    cache: &mut HashMap<NodeIx, Vec<(NodeIx, Vec<EdgeIx>)>>,
) -> Vec<(NodeIx, Vec<EdgeIx>)> {
    let mut all: Vec<(NodeIx, Vec<EdgeIx>)> = Vec::new();
    for (e, class) in g.out_rel(n, Relation::MemberOf) {
        let above = cache
            .entry(class)
            .or_insert_with(|| class_ancestry(g, class));
        all.extend(
            above
                .iter()
                .map(|(c, chain)| (*c, [vec![e], chain.clone()].concat())),
        );
    }
    // Each class once, by its shortest chain.
    all.sort_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| a.1.cmp(&b.1)));
    let mut seen = HashSet::new();
    all.retain(|(c, _)| seen.insert(*c));
    all
}

/// A class and every class above it, each with the subclass_of chain that reaches it.
pub(super) fn class_ancestry(g: &KnowledgeGraph, class: NodeIx) -> Vec<(NodeIx, Vec<EdgeIx>)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([(class, Vec::new())]);
    while let Some((c, chain)) = queue.pop_front() {
        if !seen.insert(c) {
            continue;
        }
        for (up, parent) in g.out_rel(c, Relation::SubclassOf) {
            let mut next: Vec<EdgeIx> = chain.clone();
            next.push(up);
            queue.push_back((parent, next));
        }
        out.push((c, chain));
    }
    out
}
