//! Which nodes a filter matches, as a bitset over node ids, without the statements behind each:
//! a count needs no more, and a find learns its rows first, then makes hits for them alone.
//! Each link starts from its cheaper side — the statements arriving at its targets, or each
//! candidate's own statements — by their sizes, so no size makes the cost jump. The membership
//! rules are those of `eval_filter`, `link` and `check_each` in the parent module; used only
//! when membership alone decides (no any-of groups: see `sets_are_exact`).

use std::collections::HashMap;

use super::{carriers, class_ancestry, conds_hold, descendants, link_target_set, CANDIDATE_COST};
use crate::graph::{FastState, KindTest, KnowledgeGraph, NodeIx};
use crate::model::{NodeKind, Relation};
use crate::query::plan::{Cond, Dir, Filter, Target, INHERITED, TARGET_CLASSES};

/// A set of nodes: one bit per node id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NodeSet {
    bits: Vec<u64>,
    len: usize,
}

impl NodeSet {
    fn empty(nodes: usize) -> NodeSet {
        NodeSet {
            bits: vec![0; nodes.div_ceil(64)],
            len: 0,
        }
    }

    /// The set of these nodes.
    pub(super) fn of(g: &KnowledgeGraph, nodes: impl IntoIterator<Item = NodeIx>) -> NodeSet {
        let mut set = NodeSet::empty(g.node_count());
        nodes.into_iter().for_each(|n| set.insert(n));
        set
    }

    fn insert(&mut self, n: NodeIx) {
        let i = n.index();
        if let Some(word) = self.bits.get_mut(i / 64) {
            let bit = 1u64 << (i % 64);
            if *word & bit == 0 {
                *word |= bit;
                self.len += 1;
            }
        }
    }

    pub(super) fn contains(&self, n: NodeIx) -> bool {
        bit(&self.bits, n.index())
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The members, in id order.
    pub(super) fn iter(&self) -> impl Iterator<Item = NodeIx> + '_ {
        self.bits.iter().enumerate().flat_map(|(w, word)| {
            let mut rest = *word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let b = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(NodeIx::new(w * 64 + b))
            })
        })
    }

    fn combine(&mut self, other: &NodeSet, op: impl Fn(u64, u64) -> u64) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a = op(*a, *b);
        }
        self.len = self.bits.iter().map(|w| w.count_ones() as usize).sum();
    }
}

/// Whether bit `i` is set in a set of nodes given as its words (bit `i % 64` of word `i / 64`).
#[inline]
fn bit(words: &[u64], i: usize) -> bool {
    words.get(i / 64).map_or(0, |w| (w >> (i % 64)) & 1) == 1
}

/// The nodes of `kind` passing `f`, among `within` when given.
pub(super) fn eval_set(
    g: &KnowledgeGraph,
    kind: NodeKind,
    f: &Filter,
    within: Option<&NodeSet>,
) -> NodeSet {
    let universe = || match within {
        Some(w) => w.clone(),
        None => {
            let mut all = NodeSet::empty(g.node_count());
            g.of_kind(kind).iter().for_each(|n| all.insert(*n));
            all
        }
    };
    match f {
        Filter::All => universe(),
        Filter::Is(n) => {
            let mut one = NodeSet::empty(g.node_count());
            if within.is_none_or(|w| w.contains(*n)) {
                one.insert(*n);
            }
            one
        }
        Filter::Not(inner) => {
            let excluded = eval_set(g, kind, inner, within);
            let mut all = universe();
            all.combine(&excluded, |a, b| a & !b);
            all
        }
        Filter::And(a, b) => {
            let left = eval_set(g, kind, a, within);
            if left.len() == 0 {
                return left;
            }
            // Everything a filter gives among `left` lies in `left`.
            eval_set(g, kind, b, Some(&left))
        }
        Filter::Or(a, b) => {
            let mut left = eval_set(g, kind, a, within);
            left.combine(&eval_set(g, kind, b, within), |a, b| a | b);
            left
        }
        Filter::Link {
            rels,
            target,
            conds,
            ..
        } => {
            // Inherited links read backwards, or through the target's classes, keep the full
            // reading of `link` (classes' members and superclasses on both sides).
            if rels.iter().any(|(r, d)| {
                INHERITED.contains(r) && (*d == Dir::In || TARGET_CLASSES.contains(r))
            }) {
                let found = super::link(
                    g,
                    kind,
                    rels,
                    link_target_set(g, target, rels),
                    conds,
                    (None, false, 0),
                    None,
                );
                return NodeSet::of(
                    g,
                    found
                        .into_keys()
                        .filter(|n| within.is_none_or(|w| w.contains(*n))),
                );
            }
            let targets = target_nodes(g, target, rels);
            match within {
                Some(w)
                    if w.len().saturating_mul(CANDIDATE_COST)
                        < cost_from_targets(g, &targets, rels) =>
                {
                    from_candidates(g, w, rels, &targets, conds)
                }
                _ => {
                    let mut found = from_targets(g, kind, rels, &targets, conds, within);
                    if let Some(w) = within {
                        found.combine(w, |a, b| a & b);
                    }
                    found
                }
            }
        }
    }
}

/// The nodes a link target stands for, read with the link's relations.
fn target_nodes(g: &KnowledgeGraph, t: &Target, rels: &[(Relation, Dir)]) -> Vec<NodeIx> {
    match t {
        Target::Set(q) => eval_set(g, q.kind, &q.filter, None).iter().collect(),
        other => link_target_set(g, other, rels)
            .into_iter()
            .map(|(n, _)| n)
            .collect(),
    }
}

/// How many statements reading the link from its targets' side would visit.
pub(super) fn cost_from_targets(
    g: &KnowledgeGraph,
    targets: &[NodeIx],
    rels: &[(Relation, Dir)],
) -> usize {
    let mut cost = 0;
    for t in targets {
        for &(rel, dir) in rels {
            cost += match dir {
                Dir::Out => g.in_rel_subjects(*t, rel).len(),
                Dir::In => g.out_rel(*t, rel).count(),
            };
        }
    }
    cost
}

/// Tests of the subjects of many statements in a row: whether one may be a row (of the kind, and
/// among the candidates when known) and whether it is a class. Bitsets, which stay in the cache,
/// answer where they can, not the store's column of kinds (a read far away per subject).
pub(super) struct Subjects<'a> {
    kind: NodeKind,
    of_kind: KindTest<'a>,
    /// The only nodes that may be rows, when known (all of the kind).
    among: Option<&'a NodeSet>,
    /// The graph's classes ([`KnowledgeGraph::class_bits`]).
    classes: &'a [u64],
}

impl<'a> Subjects<'a> {
    pub(super) fn new(g: &'a KnowledgeGraph, kind: NodeKind, among: Option<&'a NodeSet>) -> Self {
        Subjects {
            kind,
            of_kind: g.kind_test(kind),
            among,
            classes: g.class_bits(),
        }
    }

    /// Whether `s` may be a row: among the candidates, or else of the kind.
    pub(super) fn wanted(&self, s: NodeIx) -> bool {
        match self.among {
            Some(a) => a.contains(s),
            None => self.of_kind.has(s),
        }
    }

    /// Whether `s` may be a row or, when `members` (the relation passes to a class's members),
    /// a class: one test with no branch, for scans where many subjects pass and many do not.
    pub(super) fn may_hold(&self, s: NodeIx, members: bool) -> bool {
        self.wanted(s) | (members & bit(self.classes, s.index()))
    }

    /// Whether `s`, not wanted itself, is a class whose members may be (the kind is not
    /// classes, and `s` is not of the kind).
    pub(super) fn holds_members(&self, s: NodeIx) -> bool {
        self.kind != NodeKind::Class && bit(self.classes, s.index()) && !self.of_kind.has(s)
    }
}

/// The link read from its targets: the subjects of their statements (and the members of classes
/// with such statements, for inherited relations), among `within` when given.
fn from_targets(
    g: &KnowledgeGraph,
    kind: NodeKind,
    rels: &[(Relation, Dir)],
    targets: &[NodeIx],
    conds: &[Cond],
    within: Option<&NodeSet>,
) -> NodeSet {
    let mut out = NodeSet::empty(g.node_count());
    let subjects = Subjects::new(g, kind, within);
    // Among candidates, with no condition on the statements, one test passes most subjects by:
    // neither a candidate nor a class.
    let plain = conds.is_empty() && rels.iter().any(|(_, d)| *d == Dir::Out);
    let either = within.filter(|_| plain).map(|w| {
        let words: Vec<u64> = w
            .bits
            .iter()
            .zip(subjects.classes)
            .map(|(a, b)| a | b)
            .collect();
        (words, w)
    });
    for &t in targets {
        for &(rel, dir) in rels {
            let inherit = INHERITED.contains(&rel);
            match (dir, &either) {
                (Dir::Out, Some((either, within))) => {
                    // The subjects alone, read in a row, each tested against one bitset;
                    // sixteen at a time, as most pass by.
                    let subs = g.in_rel_subjects(t, rel);
                    let sixteens = subs.chunks_exact(16);
                    let rest = sixteens.remainder();
                    let test = AnyOf::new(either);
                    let few =
                        sixteens.filter(|c| <&[u32; 16]>::try_from(*c).is_ok_and(|c| test.any(c)));
                    for s in few.flatten().chain(rest) {
                        let s = NodeIx::new(*s as usize);
                        if within.contains(s) {
                            out.insert(s);
                        } else if inherit && subjects.holds_members(s) {
                            members_into(g, s, &subjects, &mut out);
                        }
                    }
                }
                (Dir::Out, None) => {
                    for (e, s) in g.in_rel(t, rel) {
                        if !conds_hold(g, e, conds) {
                            continue;
                        }
                        if subjects.wanted(s) {
                            out.insert(s);
                        } else if inherit && subjects.holds_members(s) {
                            members_into(g, s, &subjects, &mut out);
                        }
                    }
                }
                (Dir::In, _) => {
                    let mut sources = vec![t];
                    if inherit {
                        sources.extend(carriers(g, t).into_iter().map(|(c, _)| c));
                    }
                    for from in sources {
                        for (e, s) in g.out_rel(from, rel) {
                            if subjects.wanted(s) && conds_hold(g, e, conds) {
                                out.insert(s);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Whether any of sixteen nodes is in a set given as its words: a filter before the exact
/// test of each node, so it may pass sixteen that have none (it never fails sixteen that have
/// one). With AVX-512 the sixteen words are gathered at once.
#[derive(Clone, Copy)]
struct AnyOf<'a> {
    words: &'a [u64],
    wide: bool,
}

impl<'a> AnyOf<'a> {
    fn new(words: &'a [u64]) -> AnyOf<'a> {
        #[cfg(target_arch = "x86_64")]
        let wide = !words.is_empty()
            && i32::try_from(words.len()).is_ok()
            && std::arch::is_x86_feature_detected!("avx512f");
        #[cfg(not(target_arch = "x86_64"))]
        let wide = false;
        AnyOf { words, wide }
    }

    fn any(&self, nodes: &[u32; 16]) -> bool {
        #[cfg(target_arch = "x86_64")]
        if self.wide {
            // SAFETY: `new` found the CPU has AVX-512F, and `words` neither empty nor more
            // than an `i32` counts.
            return unsafe { any_avx512(self.words, nodes) };
        }
        any_portable(self.words, nodes)
    }
}

fn any_portable(words: &[u64], nodes: &[u32; 16]) -> bool {
    // One word per node, or'ed: no branch per node.
    let or = nodes.iter().fold(0u64, |acc, n| {
        let i = *n as usize;
        acc | words.get(i / 64).map_or(0, |w| w >> (i % 64))
    });
    or & 1 == 1
}

/// [`any_portable`] with AVX-512F: the sixteen words gathered by two instructions, each node's
/// word index held to the last word (a node past the end tests a bit of it, which the filter
/// allows: it may pass what it should not, never the reverse). `words` must be neither empty
/// nor longer than an `i32` counts.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn any_avx512(words: &[u64], nodes: &[u32; 16]) -> bool {
    use std::arch::x86_64::{
        __m512i, _mm512_and_si512, _mm512_castsi512_si256, _mm512_cvtepu32_epi64,
        _mm512_extracti64x4_epi64, _mm512_i32gather_epi64, _mm512_loadu_si512, _mm512_min_epu32,
        _mm512_or_si512, _mm512_set1_epi32, _mm512_set1_epi64, _mm512_srli_epi32,
        _mm512_srlv_epi64, _mm512_test_epi64_mask,
    };
    // SAFETY: reads the 64 bytes of `nodes`, a whole array; no alignment is needed.
    let n = unsafe { _mm512_loadu_si512(nodes.as_ptr().cast::<__m512i>()) };
    let last = _mm512_set1_epi32((words.len() - 1) as i32);
    let at = _mm512_min_epu32(_mm512_srli_epi32::<6>(n), last);
    let shift = _mm512_and_si512(n, _mm512_set1_epi32(63));
    let base = words.as_ptr();
    // SAFETY: every index is at most `words.len() - 1` (held there above), each read a whole
    // `u64` of `words` (scale 8).
    let (low, high) = unsafe {
        (
            _mm512_i32gather_epi64::<8>(_mm512_castsi512_si256(at), base.cast()),
            _mm512_i32gather_epi64::<8>(_mm512_extracti64x4_epi64::<1>(at), base.cast()),
        )
    };
    let low = _mm512_srlv_epi64(low, _mm512_cvtepu32_epi64(_mm512_castsi512_si256(shift)));
    let high = _mm512_srlv_epi64(
        high,
        _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64::<1>(shift)),
    );
    _mm512_test_epi64_mask(_mm512_or_si512(low, high), _mm512_set1_epi64(1)) != 0
}

/// The members of class `class` and of the classes below it that may be rows, into `out`.
fn members_into(g: &KnowledgeGraph, class: NodeIx, subjects: &Subjects, out: &mut NodeSet) {
    for (c, _) in descendants(g, class) {
        for (_, m) in g.in_rel(c, Relation::MemberOf) {
            if subjects.wanted(m) {
                out.insert(m);
            }
        }
    }
}

/// The link checked from each candidate's side: a statement of the link's relations (or, for
/// inherited ones, one on a class it belongs to) whose other end is a target.
fn from_candidates(
    g: &KnowledgeGraph,
    candidates: &NodeSet,
    rels: &[(Relation, Dir)],
    targets: &[NodeIx],
    conds: &[Cond],
) -> NodeSet {
    let mut wanted = NodeSet::empty(g.node_count());
    targets.iter().for_each(|t| wanted.insert(*t));
    let mut out = NodeSet::empty(g.node_count());
    // Per (class, relation): whether the class or one above it has a statement that hits.
    let mut class_hits: HashMap<(NodeIx, Relation), bool, FastState> = HashMap::default();
    for s in candidates.iter() {
        let mut hit = false;
        for &(rel, dir) in rels {
            hit = match dir {
                Dir::Out => g
                    .out_rel(s, rel)
                    .any(|(e, o)| wanted.contains(o) && conds_hold(g, e, conds)),
                Dir::In => g
                    .in_rel(s, rel)
                    .any(|(e, o)| wanted.contains(o) && conds_hold(g, e, conds)),
            };
            if !hit && dir == Dir::Out && INHERITED.contains(&rel) {
                for (_, class) in g.out_rel(s, Relation::MemberOf) {
                    hit = *class_hits.entry((class, rel)).or_insert_with(|| {
                        class_ancestry(g, class).iter().any(|(c, _)| {
                            g.out_rel(*c, rel)
                                .any(|(e, o)| wanted.contains(o) && conds_hold(g, e, conds))
                        })
                    });
                    if hit {
                        break;
                    }
                }
            }
            if hit {
                break;
            }
        }
        if hit {
            out.insert(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_nodes_are_tested_alike_with_avx512_or_without() {
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        for case in 0..2000u64 {
            let len = 1 + next(40) as usize;
            let words: Vec<u64> = (0..len)
                .map(|_| if next(4) == 0 { 1 << next(64) } else { 0 })
                .collect();
            // Nodes inside the set's range, and now and then past its end.
            let reach = (len * 64) as u64 + if case % 5 == 0 { 200 } else { 0 };
            let nodes: [u32; 16] = std::array::from_fn(|_| next(reach) as u32);
            let exact = nodes.iter().any(|n| bit(&words, *n as usize));
            let test = AnyOf::new(&words);
            // Never fails sixteen with one in the set; passes others only past the end.
            assert!(!exact || test.any(&nodes), "case {case}");
            assert!(!exact || any_portable(&words, &nodes), "case {case}");
            let inside = nodes.iter().all(|n| (*n as usize) < len * 64);
            if inside {
                assert_eq!(test.any(&nodes), exact, "case {case}");
                assert_eq!(any_portable(&words, &nodes), exact, "case {case}");
            }
        }
    }

    #[test]
    fn a_node_set_counts_and_lists_its_members() {
        let mut a = NodeSet::empty(200);
        for i in [3, 64, 65, 199, 3] {
            a.insert(NodeIx::new(i));
        }
        assert_eq!(a.len(), 4);
        assert!(a.contains(NodeIx::new(65)) && !a.contains(NodeIx::new(66)));
        assert!(!a.contains(NodeIx::new(10_000)));
        let mut b = NodeSet::empty(200);
        b.insert(NodeIx::new(64));
        let mut both = a.clone();
        both.combine(&b, |x, y| x & !y);
        let left: Vec<usize> = both.iter().map(|n| n.index()).collect();
        assert_eq!(left, [3, 65, 199]);
    }
}

#[cfg(test)]
mod same_as_hits {
    use super::super::{eval_filter, Matches};
    use super::*;
    use crate::query::plan::{plan, PlanKind, Query};

    /// Every query of the query scripts, on the shipped graph with its any-of groups dissolved
    /// (sets are used only where membership alone decides).
    fn queries(g: &KnowledgeGraph) -> Vec<Query> {
        let mut out = Vec::new();
        for line in crate::query_script_lines() {
            let Ok(Some(stmt)) = crate::query::syntax::parse(&line) else {
                continue;
            };
            if let Ok(PlanKind::Find(q) | PlanKind::Why(q) | PlanKind::Count(q, _)) =
                plan(&stmt, g).map(|p| p.kind)
            {
                out.push(q);
            }
        }
        out
    }

    /// Where membership decides, the set, and the hits made for the set's rows alone, equal the
    /// hits of the full evaluation.
    fn check_same(g: &KnowledgeGraph, qs: &[Query]) {
        for q in qs {
            let full: Matches = eval_filter(g, q.kind, &q.filter, None, None, true);
            let set = eval_set(g, q.kind, &q.filter, None);
            let keys: Vec<NodeIx> = full.keys().copied().collect();
            assert_eq!(set.iter().collect::<Vec<_>>(), keys, "{q:?}");
            let restricted = eval_filter(g, q.kind, &q.filter, None, Some(&set), true);
            assert_eq!(restricted.len(), full.len(), "{q:?}");
            for (n, hits) in full.iter() {
                let mut a: Vec<_> = hits
                    .iter()
                    .map(|h| (&h.chain, h.edge, h.column, h.other))
                    .collect();
                let mut b: Vec<_> = restricted[n]
                    .iter()
                    .map(|h| (&h.chain, h.edge, h.column, h.other))
                    .collect();
                a.sort();
                a.dedup();
                b.sort();
                b.dedup();
                assert_eq!(a, b, "{q:?} at {n:?}");
            }
        }
    }

    #[test]
    fn sets_and_rows_first_give_what_the_hits_give() {
        let mut data = crate::load::load_embedded().expect("shipped graph");
        for st in &mut data.statements {
            st.qualifiers.any_of = None;
        }
        let g = KnowledgeGraph::new(data);
        let qs = queries(&g);
        assert!(qs.len() > 50, "only {} queries", qs.len());
        assert!(qs
            .iter()
            .all(|q| super::super::sets_are_exact(&g, &q.filter)));
        check_same(&g, &qs);
    }

    #[test]
    fn with_any_of_groups_sets_decide_the_queries_they_can() {
        let g = KnowledgeGraph::new(crate::load::load_embedded().expect("shipped graph"));
        let (exact, not): (Vec<Query>, Vec<Query>) = queries(&g)
            .into_iter()
            .partition(|q| super::super::sets_are_exact(&g, &q.filter));
        assert!(exact.len() > 50, "only {} decided by sets", exact.len());
        check_same(&g, &exact);
        // Two requirements that may be alternatives of one group are left to the hits.
        let stmt = crate::query::syntax::parse(
            "drugs requiring PIK3CA mutation and requiring AKT1 mutation",
        )
        .expect("parses")
        .expect("a statement");
        let PlanKind::Find(q) = plan(&stmt, &g).expect("plans").kind else {
            panic!("a find");
        };
        assert!(!super::super::sets_are_exact(&g, &q.filter));
        assert!(!not.is_empty());
        let card = crate::query::syntax::parse("drugs targeting HER2 with cardiac monitoring")
            .expect("parses")
            .expect("a statement");
        let PlanKind::Find(q) = plan(&card, &g).expect("plans").kind else {
            panic!("a find");
        };
        assert!(super::super::sets_are_exact(&g, &q.filter));
    }
}
