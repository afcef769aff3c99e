//! `path` and `paths`: a shortest path by bidirectional breadth-first search, or every simple
//! path up to a bound; statements are followed in either direction.

use std::collections::HashMap;

use super::{step, ResultSet, Row};
use crate::graph::{EdgeIx, KnowledgeGraph, NodeIx};

/// Most paths `paths from … to …` returns.
pub const MAX_PATHS: usize = 100;

/// Undirected neighbours: (statement, other end).
pub(super) fn neighbours(g: &KnowledgeGraph, n: NodeIx) -> Vec<(EdgeIx, NodeIx)> {
    let mut v: Vec<(EdgeIx, NodeIx)> = g.out_edges(n).chain(g.in_edges(n)).collect();
    v.sort_unstable_by_key(|(e, o)| (o.index(), e.index()));
    v
}

pub(super) fn path(
    g: &KnowledgeGraph,
    from: NodeIx,
    to: NodeIx,
    all: bool,
    max: usize,
) -> ResultSet {
    let paths = if all {
        all_paths(g, from, to, max)
    } else {
        shortest_path(g, from, to, max).into_iter().collect()
    };
    let semantics = if all {
        format!(
            "every simple path of at most {max} hop{} (at most {MAX_PATHS} shown), shortest first; statements are followed in either direction",
            if max == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "one shortest path (breadth-first, at most {max} hop{}); statements are followed in either direction",
            if max == 1 { "" } else { "s" }
        )
    };
    let rows = paths
        .iter()
        .map(|p| {
            let mut text = g.node(from).name.to_string();
            let mut at = from;
            for e in p {
                let (s, o) = g.ends(*e);
                let rel = g.statement(*e).relation;
                if s == at {
                    text.push_str(&format!(" —{rel}→ {}", g.node(o).name));
                    at = o;
                } else {
                    text.push_str(&format!(" ←{rel}— {}", g.node(s).name));
                    at = s;
                }
            }
            Row {
                cells: vec![p.len().to_string(), text],
                witnesses: vec![p.iter().map(|e| step(g, *e)).collect()],
                ..Row::default()
            }
        })
        .collect();
    ResultSet {
        columns: vec!["hops".into(), "path".into()],
        notes: vec![semantics],
        rows,
        noun: ("path".into(), "paths".into()),
        ..ResultSet::default()
    }
}

/// One shortest path by bidirectional breadth-first search: the side with the smaller frontier
/// grows a level at a time until the two meet, so hubs (a route, a subtype) are rarely expanded.
/// Deterministic: neighbours in index order, ties broken by node index.
pub(super) fn shortest_path(
    g: &KnowledgeGraph,
    from: NodeIx,
    to: NodeIx,
    max: usize,
) -> Option<Vec<EdgeIx>> {
    if from == to {
        return Some(Vec::new());
    }
    type Seen = HashMap<NodeIx, (usize, Option<(NodeIx, EdgeIx)>)>;
    let mut seen: [Seen; 2] = [
        HashMap::from([(from, (0, None))]),
        HashMap::from([(to, (0, None))]),
    ];
    let mut frontier: [Vec<NodeIx>; 2] = [vec![from], vec![to]];
    let mut depth = [0usize; 2];
    while depth[0] + depth[1] < max && !frontier[0].is_empty() && !frontier[1].is_empty() {
        let cost = |f: &Vec<NodeIx>| f.iter().map(|n| g.degree(*n)).sum::<usize>();
        let side = usize::from(cost(&frontier[1]) < cost(&frontier[0]));
        let mut next = Vec::new();
        for &n in &frontier[side] {
            for (e, o) in neighbours(g, n) {
                if !seen[side].contains_key(&o) {
                    seen[side].insert(o, (depth[side] + 1, Some((n, e))));
                    next.push(o);
                }
            }
        }
        depth[side] += 1;
        let meet = next
            .iter()
            .filter_map(|m| {
                seen[1 - side]
                    .get(m)
                    .map(|(d, _)| (depth[side] + d, m.index(), *m))
            })
            .min();
        if let Some((_, _, m)) = meet {
            let walk = |s: &Seen, mut at: NodeIx| {
                let mut edges = Vec::new();
                while let Some(&(_, Some((prev, e)))) = s.get(&at) {
                    edges.push(e);
                    at = prev;
                }
                edges
            };
            let mut path = walk(&seen[0], m);
            path.reverse();
            path.extend(walk(&seen[1], m));
            return Some(path);
        }
        frontier[side] = next;
    }
    None
}

pub(super) fn all_paths(
    g: &KnowledgeGraph,
    from: NodeIx,
    to: NodeIx,
    max: usize,
) -> Vec<Vec<EdgeIx>> {
    let mut out = Vec::new();
    let mut stack = vec![from];
    let mut edges = Vec::new();
    fn dfs(
        g: &KnowledgeGraph,
        to: NodeIx,
        max: usize,
        stack: &mut Vec<NodeIx>,
        edges: &mut Vec<EdgeIx>,
        out: &mut Vec<Vec<EdgeIx>>,
    ) {
        if out.len() >= MAX_PATHS * 10 {
            return;
        }
        let Some(&at) = stack.last() else { return };
        if at == to {
            out.push(edges.clone());
            return;
        }
        if edges.len() >= max {
            return;
        }
        for (e, o) in neighbours(g, at) {
            if stack.contains(&o) {
                continue;
            }
            stack.push(o);
            edges.push(e);
            dfs(g, to, max, stack, edges, out);
            stack.pop();
            edges.pop();
        }
    }
    dfs(g, to, max, &mut stack, &mut edges, &mut out);
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out.truncate(MAX_PATHS);
    out
}
