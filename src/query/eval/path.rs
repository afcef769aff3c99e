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
    let found = if all {
        all_paths(g, from, to, max)
    } else {
        AllPaths {
            paths: shortest_path(g, from, to, max).into_iter().collect(),
            more: false,
            stopped_at: None,
        }
    };
    let paths = &found.paths;
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
    let mut notes = vec![semantics];
    if found.more {
        notes.push(format!(
            "more than {MAX_PATHS} paths: the first {MAX_PATHS} by length are shown"
        ));
    }
    if let Some(len) = found.stopped_at {
        notes.push(format!(
            "the search stopped after looking at {MAX_STEPS} statements, while listing paths of {len} hops: every shorter path is shown, paths of {len} hops or more may be missing"
        ));
    }
    ResultSet {
        columns: vec!["hops".into(), "path".into()],
        notes,
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

/// Most statements one `paths` search looks at before it stops and says so.
pub const MAX_STEPS: usize = 200_000;

/// What a `paths` search found: the paths, shortest first, and how far it got.
pub(super) struct AllPaths {
    pub paths: Vec<Vec<EdgeIx>>,
    /// More paths than [`MAX_PATHS`] were found; only the first are kept.
    pub more: bool,
    /// The work bound was hit while looking for paths of this many hops; shorter ones are all
    /// listed, longer ones were not looked for.
    pub stopped_at: Option<usize>,
}

/// Every simple path of at most `max` hops, by increasing length: each length is enumerated in
/// turn by depth-first search that only steps to nodes from which `to` is still within reach
/// (distances from `to` by one breadth-first search), until [`MAX_PATHS`] paths are found or
/// [`MAX_STEPS`] statements have been looked at. Deterministic: within a length, paths come in
/// order of their statements (by index).
pub(super) fn all_paths(g: &KnowledgeGraph, from: NodeIx, to: NodeIx, max: usize) -> AllPaths {
    let mut search = Search {
        g,
        to,
        dist: Distances {
            known: HashMap::new(),
            floor: 0,
        },
        steps: 0,
        stack: vec![from],
        edges: Vec::new(),
        paths: Vec::new(),
    };
    let mut found = AllPaths {
        paths: Vec::new(),
        more: false,
        stopped_at: None,
    };
    if from == to {
        found.paths.push(Vec::new());
        return found;
    }
    let mut bfs_steps = 0;
    search.dist = Distances::from(g, to, max, &mut bfs_steps);
    for len in search.dist.of(from).max(1)..=max {
        if search.exact(len).is_err() {
            found.stopped_at = Some(len);
            break;
        }
        if search.paths.len() > MAX_PATHS {
            break;
        }
    }
    found.more = search.paths.len() > MAX_PATHS;
    search.paths.truncate(MAX_PATHS);
    found.paths = search.paths;
    found
}

/// Undirected hop counts to `to` within `max` hops, by breadth-first search of at most
/// ten times [`MAX_STEPS`] statements.
struct Distances {
    known: HashMap<NodeIx, usize>,
    /// A lower bound on the hop count of a node not in `known` (past `max` when the search ran
    /// to the end).
    floor: usize,
}

impl Distances {
    fn of(&self, n: NodeIx) -> usize {
        self.known.get(&n).copied().unwrap_or(self.floor)
    }

    fn from(g: &KnowledgeGraph, to: NodeIx, max: usize, steps: &mut usize) -> Distances {
        let mut known = HashMap::from([(to, 0)]);
        let mut frontier = vec![to];
        for d in 1..=max {
            let mut next = Vec::new();
            for &n in &frontier {
                for (_, o) in g.out_edges(n).chain(g.in_edges(n)) {
                    *steps += 1;
                    if *steps > MAX_STEPS * 10 {
                        return Distances { known, floor: d };
                    }
                    if let std::collections::hash_map::Entry::Vacant(v) = known.entry(o) {
                        v.insert(d);
                        next.push(o);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        Distances {
            known,
            floor: max + 1,
        }
    }
}

/// The state of one `paths` search.
struct Search<'g> {
    g: &'g KnowledgeGraph,
    to: NodeIx,
    dist: Distances,
    steps: usize,
    stack: Vec<NodeIx>,
    edges: Vec<EdgeIx>,
    paths: Vec<Vec<EdgeIx>>,
}

/// The work bound was hit.
struct OutOfSteps;

impl Search<'_> {
    /// Adds every simple path of exactly `len` hops from the top of the stack, up to one more
    /// than [`MAX_PATHS`] in all.
    fn exact(&mut self, len: usize) -> Result<(), OutOfSteps> {
        let Some(&at) = self.stack.last() else {
            return Ok(());
        };
        let depth = self.edges.len();
        if at == self.to {
            if depth == len {
                self.paths.push(self.edges.clone());
            }
            return Ok(());
        }
        if depth >= len || self.paths.len() > MAX_PATHS {
            return Ok(());
        }
        // Only the steps that can still reach `to` in the hops left, by statement index (so
        // paths of one length come in the order of their statements): a hub's whole
        // neighbour list is scanned, never sorted.
        let mut next: Vec<(EdgeIx, NodeIx)> = Vec::new();
        for (e, o) in self.g.out_edges(at).chain(self.g.in_edges(at)) {
            self.steps += 1;
            if self.steps > MAX_STEPS {
                return Err(OutOfSteps);
            }
            let reachable = depth + 1 + self.dist.of(o) <= len;
            if reachable && !self.stack.contains(&o) {
                next.push((e, o));
            }
        }
        next.sort_unstable_by_key(|(e, _)| e.index());
        for (e, o) in next {
            self.stack.push(o);
            self.edges.push(e);
            let r = self.exact(len);
            self.stack.pop();
            self.edges.pop();
            r?;
        }
        Ok(())
    }
}
