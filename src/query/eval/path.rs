//! `path` and `paths`: a shortest path by bidirectional breadth-first search, or every simple
//! path up to a bound; statements are followed in either direction. The breadth-first walks are
//! petgraph's, over the store's petgraph view (`graph::Undirected`).

use std::collections::HashMap;

use super::{step, ResultSet, Row};
use petgraph::visit::{Bfs, Visitable};

use crate::graph::{Budget, EdgeIx, KnowledgeGraph, NodeIx, Undirected};

/// Most paths `paths from … to …` returns.
pub const MAX_PATHS: usize = 100;

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

/// One shortest path by bidirectional breadth-first search: two of petgraph's breadth-first
/// walks over the store, one from each end; the side with the smaller frontier grows a level at
/// a time until the two meet, so hubs (a route, a subtype) are rarely expanded (petgraph has no
/// search from both ends, and one from a drug alone expands every hub it touches).
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
    let view = g.undirected().sorted();
    // Per side: each node reached, with its hop count and the node it was reached from.
    type Seen = HashMap<NodeIx, (usize, Option<NodeIx>)>;
    let mut seen: [Seen; 2] = [
        HashMap::from([(from, (0, None))]),
        HashMap::from([(to, (0, None))]),
    ];
    let mut walk = [Bfs::new(view, from), Bfs::new(view, to)];
    let mut depth = [0usize; 2];
    while depth[0] + depth[1] < max && !walk[0].stack.is_empty() && !walk[1].stack.is_empty() {
        let cost = |w: &Bfs<NodeIx, _>| w.stack.iter().map(|n| g.degree(*n)).sum::<usize>();
        let side = usize::from(cost(&walk[1]) < cost(&walk[0]));
        let next = grow_level(view, &mut walk[side], &mut seen[side], depth[side]);
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
            let back = |s: &Seen, mut at: NodeIx| {
                let mut edges = Vec::new();
                while let Some(&(_, Some(prev))) = s.get(&at) {
                    edges.push(first_edge(g, prev, at));
                    at = prev;
                }
                edges
            };
            let mut path = back(&seen[0], m);
            path.reverse();
            path.extend(back(&seen[1], m));
            return Some(path);
        }
    }
    None
}

/// Advances a breadth-first walk by one whole level (the nodes `level` hops away), noting each
/// node it discovers with the node whose visit discovered it; the nodes discovered, in order.
fn grow_level<'g>(
    view: Undirected<'g>,
    walk: &mut Bfs<NodeIx, <Undirected<'g> as Visitable>::Map>,
    seen: &mut HashMap<NodeIx, (usize, Option<NodeIx>)>,
    level: usize,
) -> Vec<NodeIx> {
    let mut next = Vec::new();
    while let Some(&n) = walk.stack.front() {
        if seen.get(&n).map(|(d, _)| *d) != Some(level) {
            break;
        }
        // petgraph's step pops `n` and queues the nodes it discovers at the back.
        let kept = walk.stack.len() - 1;
        walk.next(view);
        for &m in walk.stack.iter().skip(kept) {
            seen.insert(m, (level + 1, Some(n)));
            next.push(m);
        }
    }
    next
}

/// The first statement (by index) between two adjacent nodes, either way.
fn first_edge(g: &KnowledgeGraph, a: NodeIx, b: NodeIx) -> EdgeIx {
    g.undirected()
        .edges_at(a)
        .filter(|s| s.target == b)
        .map(|s| s.id)
        .min()
        .unwrap_or_else(EdgeIx::end)
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
    let budget = Budget::new(MAX_STEPS);
    let mut search = Search {
        view: g.undirected().within(&budget),
        to,
        dist: Distances {
            known: HashMap::new(),
            floor: 0,
        },
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
    search.dist = Distances::from(g, to, max);
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

    /// By petgraph's breadth-first walk from `to`, a level at a time, looking at no more than
    /// ten times [`MAX_STEPS`] statements.
    fn from(g: &KnowledgeGraph, to: NodeIx, max: usize) -> Distances {
        let budget = Budget::new(MAX_STEPS * 10);
        let view = g.undirected().within(&budget);
        let mut walk = Bfs::new(view, to);
        let mut seen = HashMap::from([(to, (0, None))]);
        for level in 0..max {
            if grow_level(view, &mut walk, &mut seen, level).is_empty() {
                break;
            }
            if let Some(at) = budget.stopped_at() {
                // Nodes one hop past where it stopped may be missing: that is how far is known.
                let floor = seen.get(&at).map_or(level, |(d, _)| *d) + 1;
                return Distances::of_seen(seen, floor);
            }
        }
        Distances::of_seen(seen, max + 1)
    }

    fn of_seen(seen: HashMap<NodeIx, (usize, Option<NodeIx>)>, floor: usize) -> Distances {
        Distances {
            known: seen.into_iter().map(|(n, (d, _))| (n, d)).collect(),
            floor,
        }
    }
}

/// The state of one `paths` search.
struct Search<'g> {
    /// The store, counting the statements looked at against [`MAX_STEPS`].
    view: Undirected<'g>,
    to: NodeIx,
    dist: Distances,
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
        let mut steps = self.view.edges_at(at);
        for step in &mut steps {
            let o = step.target;
            let reachable = depth + 1 + self.dist.of(o) <= len;
            if reachable && !self.stack.contains(&o) {
                next.push((step.id, o));
            }
        }
        if steps.stopped() {
            return Err(OutOfSteps);
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
