//! The nodes a filter matched, each with its hits: a list in node order, built once and then
//! read in order or searched (a map would rebalance itself for every node added, and a filter's
//! results are made all at once).

use std::ops::Index;

use super::Hit;
use crate::graph::NodeIx;

/// Matched nodes with their hits, in node order, each node once.
#[derive(Debug, Clone, Default)]
pub(super) struct Matches(Vec<(NodeIx, Vec<Hit>)>);

impl Matches {
    pub(super) fn new() -> Matches {
        Matches(Vec::new())
    }

    /// Nodes with their hits, in any order, each node once.
    pub(super) fn from_nodes(mut nodes: Vec<(NodeIx, Vec<Hit>)>) -> Matches {
        // Stable and quick on a list already in order (most are).
        nodes.sort_by_key(|(n, _)| *n);
        nodes.dedup_by_key(|(n, _)| *n);
        Matches(nodes)
    }

    /// Hits with their nodes, in the order found: each node's distinct hits in that order.
    pub(super) fn from_hits(mut found: Vec<(NodeIx, Hit)>) -> Matches {
        // Stable: each node's hits keep their order.
        found.sort_by_key(|(n, _)| *n);
        let mut out: Vec<(NodeIx, Vec<Hit>)> = Vec::new();
        for (n, hit) in found {
            match out.last_mut() {
                Some((last, hits)) if *last == n => {
                    if !hits.contains(&hit) {
                        hits.push(hit);
                    }
                }
                _ => out.push((n, vec![hit])),
            }
        }
        Matches(out)
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn contains_key(&self, n: &NodeIx) -> bool {
        self.position(n).is_ok()
    }

    pub(super) fn get(&self, n: &NodeIx) -> Option<&Vec<Hit>> {
        self.position(n).ok().map(|i| &self.0[i].1)
    }

    fn position(&self, n: &NodeIx) -> Result<usize, usize> {
        self.0.binary_search_by_key(n, |(k, _)| *k)
    }

    /// The nodes, in order.
    pub(super) fn keys(&self) -> impl Iterator<Item = &NodeIx> + '_ {
        self.0.iter().map(|(n, _)| n)
    }

    pub(super) fn into_keys(self) -> impl Iterator<Item = NodeIx> {
        self.0.into_iter().map(|(n, _)| n)
    }

    /// The nodes with their hits, in node order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&NodeIx, &Vec<Hit>)> + '_ {
        self.0.iter().map(|(n, hits)| (n, hits))
    }

    /// Keeps the nodes (with their hits) for which `keep` says so.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&NodeIx, &mut Vec<Hit>) -> bool) {
        self.0.retain_mut(|(n, hits)| keep(n, hits));
    }

    /// The nodes of either, a node of both with the hits of this one, then the other's.
    pub(super) fn union(self, other: Matches) -> Matches {
        let mut out = Vec::with_capacity(self.0.len() + other.0.len());
        let mut b = other.0.into_iter().peekable();
        for (n, mut hits) in self.0 {
            while let Some(next) = b.next_if(|(k, _)| *k < n) {
                out.push(next);
            }
            if let Some((_, more)) = b.next_if(|(k, _)| *k == n) {
                hits.extend(more);
            }
            out.push((n, hits));
        }
        out.extend(b);
        Matches(out)
    }
}

impl Index<&NodeIx> for Matches {
    type Output = Vec<Hit>;

    /// The hits of a node the matches hold (a bug to ask for another: it panics, as a map does).
    fn index(&self, n: &NodeIx) -> &Vec<Hit> {
        match self.get(n) {
            Some(hits) => hits,
            None => panic!("no matches for node {}", n.index()),
        }
    }
}

impl IntoIterator for Matches {
    type Item = (NodeIx, Vec<Hit>);
    type IntoIter = std::vec::IntoIter<(NodeIx, Vec<Hit>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::EdgeIx;

    fn hit(e: usize) -> Hit {
        Hit {
            chain: vec![EdgeIx::new(e)],
            edge: EdgeIx::new(e),
            column: None,
            part: 0,
            other: NodeIx::new(0),
            ends: (NodeIx::new(0), NodeIx::new(0)),
        }
    }

    fn nodes(m: &Matches) -> Vec<(usize, Vec<usize>)> {
        m.iter()
            .map(|(n, hits)| (n.index(), hits.iter().map(|h| h.edge.index()).collect()))
            .collect()
    }

    #[test]
    fn hits_found_in_any_order_are_grouped_by_node_in_the_order_found() {
        let n = NodeIx::new;
        let m = Matches::from_hits(vec![
            (n(5), hit(1)),
            (n(2), hit(2)),
            (n(5), hit(3)),
            (n(5), hit(1)),
        ]);
        assert_eq!(nodes(&m), [(2, vec![2]), (5, vec![1, 3])]);
        assert!(m.contains_key(&n(5)) && !m.contains_key(&n(3)));
        assert_eq!(m[&n(2)].len(), 1);
        assert!(m.get(&n(9)).is_none());
    }

    #[test]
    fn a_union_keeps_node_order_and_both_sides_hits() {
        let n = NodeIx::new;
        let a = Matches::from_nodes(vec![(n(4), vec![hit(1)]), (n(1), vec![hit(2)])]);
        let b = Matches::from_nodes(vec![
            (n(0), vec![hit(3)]),
            (n(4), vec![hit(4)]),
            (n(7), vec![]),
        ]);
        let mut u = a.union(b);
        assert_eq!(
            nodes(&u),
            [(0, vec![3]), (1, vec![2]), (4, vec![1, 4]), (7, vec![])]
        );
        u.retain(|k, _| k.index() % 2 == 0);
        assert_eq!(u.keys().map(|k| k.index()).collect::<Vec<_>>(), [0, 4]);
    }
}
