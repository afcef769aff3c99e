//! Runs a [`Plan`](crate::query::plan::Plan) on the graph and returns a [`ResultSet`]: rows, and for
//! each row the witness statements that made it match, so `why` can show the chain of edges with
//! source, section and evidence. Pure: no I/O, no printing.

use crate::model::NodeKind;

/// The answer to one statement, ready to render in any format.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultSet {
    /// Canonical text of the statement that produced it.
    pub statement: String,
    /// How the statement was understood: `drug —targets→ HER2 ∧ …`.
    pub interpretation: String,
    /// Lines shown above a table on a terminal (node card header, path semantics, …).
    pub notes: Vec<String>,
    /// Column headers; every row has one cell per column.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// What one row is, singular and plural, for the footer (`3 drugs`).
    pub noun: (String, String),
}

/// One row of a result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// One text cell per column (lists are joined by ", ").
    pub cells: Vec<String>,
    /// Id and kind of the node the row is about, when it is about one.
    pub id: Option<String>,
    pub kind: Option<NodeKind>,
    /// Each witness is a chain of statements that together made the row match.
    pub witnesses: Vec<Vec<Step>>,
}

/// One statement in a witness chain, resolved to names so rendering needs no graph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Step {
    /// The statement's position in the graph that answered, so a subset of the graph can be cut
    /// by id (`mbckg export --query`).
    pub statement: EdgeIx,
    pub subject: String,
    pub subject_name: String,
    pub relation: String,
    /// The Biolink predicate the statement exports as, and whether it is negated.
    pub predicate: String,
    pub negated: bool,
    pub object: String,
    pub object_name: String,
    pub qualifiers: Qualifiers,
    pub source: String,
    pub section: String,
    pub evidence: String,
    pub note: String,
    /// `file:line:col` of the statement in graph-data.
    pub origin: String,
}

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::graph::{EdgeIx, FastState, KnowledgeGraph, NodeIx};
use crate::lexicon;
use crate::model::{Qualifiers, Relation};
use crate::query::ast::Order;
use crate::query::plan::{
    Cond, Dir, Filter, GroupBy, Interpretation, Plan, PlanKind, Query, Target, INHERITED,
    TARGET_CLASSES,
};
use crate::query::syntax::QueryError;

/// One reason a node matched: a chain of statements, the link's result column, the other end.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Hit {
    chain: Vec<EdgeIx>,
    /// The statement of the link's own relation (the rest of the chain is membership).
    edge: EdgeIx,
    column: Option<usize>,
    /// The link of the filter that found it ([`link_part`]).
    part: usize,
    other: NodeIx,
    /// Subject and object of `edge`, known where the hit is found (asking the store for a
    /// statement's subject is a search).
    ends: (NodeIx, NodeIx),
}

/// A name for a link of the filter being evaluated: its address, which stays put while the
/// filter is borrowed for the evaluation (hits of one row are told apart by the link that found
/// them, when the conditions they hold under are combined as the filter combines its links).
fn link_part(f: &Filter) -> usize {
    std::ptr::from_ref(f) as usize
}

mod alternatives;
mod answer;
mod count;
mod forms;
mod matches;
mod path;
mod sets;
mod targets;

use targets::{carriers, carriers_cached, class_ancestry, descendants, link_target_set};

use matches::Matches;
use sets::NodeSet;

pub(crate) use alternatives::qualifier_pairs;
use alternatives::{conjuncts, jointly_possible};

pub use path::MAX_PATHS;

/// Runs a plan. Errors only for a `sorted by` column the result does not have.
pub fn run(plan: &Plan, g: &KnowledgeGraph) -> Result<ResultSet, QueryError> {
    run_with(plan, g, &Options { witnesses: true })
}

/// What a run produces besides the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Resolve each row's witness chains to statements (`Row::witnesses`). Tables, CSV and TSV
    /// do not show them, and on a large result they are most of the work.
    pub witnesses: bool,
}

/// Runs a plan with options.
pub fn run_with(plan: &Plan, g: &KnowledgeGraph, opts: &Options) -> Result<ResultSet, QueryError> {
    let mut rs = match &plan.kind {
        PlanKind::Find(q) => find(plan, g, q, opts.witnesses),
        PlanKind::Union(qs) => answer::union(plan, g, qs, opts.witnesses),
        PlanKind::Why(q) => why(g, q),
        PlanKind::Count(q, group) => count::count(g, q, group.as_ref()),
        PlanKind::Show(n) => forms::show(g, *n),
        PlanKind::Path { from, to, all, max } => path::path(g, *from, *to, *all, *max),
        PlanKind::Compare(nodes) => forms::compare(g, nodes),
        PlanKind::Search(text) => forms::search(g, text),
        PlanKind::Explain(inner) => forms::explain(g, inner),
    };
    // An empty answer may be a part that matches nothing at all: asked only once the answer is
    // known to be empty, so a query with rows is matched once.
    let empty = match &plan.kind {
        PlanKind::Find(q) => rs.rows.is_empty().then_some(q),
        PlanKind::Count(q, None) => count::is_zero(&rs).then_some(q),
        _ => None,
    };
    if let Some(q) = empty {
        answer::check_empty(g, q)?;
        rs.notes.extend(answer::later_line_note(g, q));
    }
    // A union (`treatment options for …`) with no rows: an error when each kind's query has a
    // part that matches nothing at all; else the notes of each.
    if let (PlanKind::Union(qs), true) = (&plan.kind, rs.rows.is_empty()) {
        let mut first_err = None;
        let mut all_fail = !qs.is_empty();
        for q in qs {
            match answer::check_empty(g, q) {
                Err(e) => {
                    first_err.get_or_insert(e);
                }
                Ok(()) => all_fail = false,
            }
        }
        if let (true, Some(e)) = (all_fail, first_err) {
            return Err(e);
        }
        for q in qs {
            rs.notes.extend(answer::later_line_note(g, q));
        }
    }
    rs.statement = plan.text.clone();
    rs.interpretation = Interpretation { plan, graph: g }.to_string();
    if let Some((col, span, order)) = &plan.sort {
        sort_rows(&mut rs, col, *span, *order)?;
    }
    if let Some(n) = plan.limit {
        rs.rows.truncate(n);
    }
    Ok(rs)
}

fn sort_rows(
    rs: &mut ResultSet,
    col: &str,
    span: crate::query::ast::Span,
    order: Order,
) -> Result<(), QueryError> {
    let Some(i) = rs.columns.iter().position(|c| c.eq_ignore_ascii_case(col)) else {
        return Err(
            QueryError::new(format!("the result has no column `{col}`"), span)
                .with_help(format!("columns: {}", rs.columns.join(", "))),
        );
    };
    let key = |r: &Row| r.cells.get(i).cloned().unwrap_or_default();
    rs.rows.sort_by(|a, b| {
        let (x, y) = (key(a), key(b));
        let ord = match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(p), Ok(q)) => p.partial_cmp(&q).unwrap_or(std::cmp::Ordering::Equal),
            _ => x.to_lowercase().cmp(&y.to_lowercase()),
        };
        if order == Order::Desc {
            ord.reverse()
        } else {
            ord
        }
    });
    Ok(())
}

/// The nodes of a query with their hits: first which nodes match (as a set, each link from its
/// cheaper side), then the hits of those nodes alone.
fn matches(g: &KnowledgeGraph, q: &Query) -> Matches {
    matches_with(g, q, true)
}

/// [`matches`], the hits with their chains of statements only when `chains` (a table shows
/// none: it needs each hit's statement and other end alone, and a chain is a list to make per
/// hit).
fn matches_with(g: &KnowledgeGraph, q: &Query, chains: bool) -> Matches {
    if !sets_are_exact(g, &q.filter) {
        return eval_filter(g, q.kind, &q.filter, None, None, chains);
    }
    let rows = sets::eval_set(g, q.kind, &q.filter, None);
    eval_filter(g, q.kind, &q.filter, None, Some(&rows), chains)
}

/// Whether membership alone decides a filter. It does unless an `and` joins two parts that may
/// both rest on statements of an any-of group: those alternatives an `and` must tell apart by
/// the statements behind each match (`requiring PIK3CA mutation and requiring AKT1 mutation`).
/// Only relations that may carry groups ([`lexicon::ANY_OF_RELATIONS`]) can; a graph with no
/// group at all is decided by membership everywhere.
fn sets_are_exact(g: &KnowledgeGraph, f: &Filter) -> bool {
    !g.has_any_of_groups() || exact_in(f)
}

fn exact_in(f: &Filter) -> bool {
    match f {
        Filter::And(..) => {
            let mut parts = Vec::new();
            conjuncts(f, &mut parts);
            parts.iter().filter(|p| may_rest_on_groups(p)).count() < 2
                && parts.iter().all(|p| exact_in(p))
        }
        Filter::Or(a, b) => exact_in(a) && exact_in(b),
        Filter::Not(a) => exact_in(a),
        Filter::Link {
            target: Target::Set(q),
            ..
        } => exact_in(&q.filter),
        Filter::Link { .. } | Filter::All | Filter::Is(_) => true,
    }
}

/// Whether a conjunct's matches may come with hits on grouped statements: a link of a relation
/// that may carry groups, alone or under `or`/`and` (a `not` brings no hits).
fn may_rest_on_groups(f: &Filter) -> bool {
    match f {
        Filter::Link { rels, .. } => rels
            .iter()
            .any(|(r, _)| lexicon::ANY_OF_RELATIONS.contains(r)),
        Filter::And(a, b) | Filter::Or(a, b) => may_rest_on_groups(a) || may_rest_on_groups(b),
        Filter::Not(_) | Filter::All | Filter::Is(_) => false,
    }
}

/// The nodes of a query, without their hits.
fn match_set(g: &KnowledgeGraph, q: &Query) -> NodeSet {
    if sets_are_exact(g, &q.filter) {
        sets::eval_set(g, q.kind, &q.filter, None)
    } else {
        NodeSet::of(g, matches_with(g, q, false).into_keys())
    }
}

/// What checking one candidate's own statements costs (a few reads at places far apart in the
/// store) in statements read in a row from a target's side. A link is read from whichever side
/// costs less, so no size makes the cost jump.
pub(super) const CANDIDATE_COST: usize = 64;

/// A left side this small is always checked candidate by candidate.
const SMALL: usize = 4096;

/// The nodes of `kind` passing `f`, among `within` when given (the left side of an `and`), and
/// among `rows` when given (the nodes known to match the whole query: only their hits are made);
/// the hits' chains only when `chains`.
fn eval_filter(
    g: &KnowledgeGraph,
    kind: crate::model::NodeKind,
    f: &Filter,
    within: Option<&Matches>,
    rows: Option<&NodeSet>,
    chains: bool,
) -> Matches {
    let wanted = |n: &NodeIx| rows.is_none_or(|r| r.contains(*n));
    let universe = || -> Matches {
        match within {
            Some(w) => Matches::from_nodes(w.keys().map(|n| (*n, Vec::new())).collect()),
            None => Matches::from_nodes(
                g.of_kind(kind)
                    .iter()
                    .filter(|n| wanted(n))
                    .map(|n| (*n, Vec::new()))
                    .collect(),
            ),
        }
    };
    match f {
        Filter::All => universe(),
        Filter::Is(n) => {
            if within.is_none_or(|w| w.contains_key(n)) && wanted(n) {
                Matches::from_nodes(vec![(*n, Vec::new())])
            } else {
                Matches::new()
            }
        }
        Filter::Not(inner) => {
            let excluded = eval_filter(g, kind, inner, within, rows, chains);
            let mut all = universe();
            all.retain(|n, _| !excluded.contains_key(n));
            all
        }
        Filter::And(..) => {
            let mut parts = Vec::new();
            conjuncts(f, &mut parts);
            let Some((first, rest)) = parts.split_first() else {
                return universe();
            };
            // Each conjunct among the nodes the ones before it left (a semi-join), its hits kept
            // apart until the end so alternatives of one any-of group can be told apart.
            let mut results = vec![eval_filter(g, kind, first, within, rows, chains)];
            for part in rest {
                let last = &results[results.len() - 1];
                if last.is_empty() {
                    return Matches::new();
                }
                let right = eval_filter(g, kind, part, Some(last), rows, chains);
                results.push(right);
            }
            let survivors = results.pop().unwrap_or_default();
            // Each earlier result holds every survivor (each conjunct ran among the ones before
            // it), all in node order: walked side by side, not searched node by node.
            let mut earlier: Vec<_> = results
                .into_iter()
                .map(|m| m.into_iter().peekable())
                .collect();
            // With the rows known, membership decided them: no two conjuncts rest on one
            // group, so their hits are always jointly possible.
            let check = rows.is_none();
            // In node order.
            let mut out: Vec<(NodeIx, Vec<Hit>)> = Vec::with_capacity(survivors.len());
            let mut runs: Vec<Vec<Hit>> = Vec::with_capacity(earlier.len() + 1);
            for (n, last_hits) in survivors {
                runs.clear();
                for m in &mut earlier {
                    while m.next_if(|(k, _)| *k < n).is_some() {}
                    let run = m
                        .next_if(|(k, _)| *k == n)
                        .map_or_else(Vec::new, |(_, h)| h);
                    runs.push(run);
                }
                runs.push(last_hits);
                if check && !jointly_possible(g, &runs) {
                    continue;
                }
                // The hits in the conjuncts' order.
                let mut hits = Vec::with_capacity(runs.iter().map(Vec::len).sum());
                runs.drain(..).for_each(|run| hits.extend(run));
                out.push((n, hits));
            }
            Matches::from_nodes(out)
        }
        Filter::Or(a, b) => {
            let left = eval_filter(g, kind, a, within, rows, chains);
            left.union(eval_filter(g, kind, b, within, rows, chains))
        }
        Filter::Link {
            rels,
            target,
            conds,
            column,
        } => {
            // Inherited links read backwards, and those that follow the target's classes too, are
            // checked from the target's side.
            let inherited_in = rels.iter().any(|(r, d)| {
                INHERITED.contains(r) && (*d == Dir::In || TARGET_CLASSES.contains(r))
            });
            let targets = link_target_set(g, target, rels);
            // The left side of an `and` is checked candidate by candidate when that is cheaper
            // than reading the link from its targets, and always when it is small: each
            // candidate's classes are then reached by their shortest chains, which `why` shows.
            let from_each = within.is_some_and(|w| {
                let ends: Vec<NodeIx> = targets.iter().map(|(t, _)| *t).collect();
                w.len() < SMALL
                    || w.len().saturating_mul(CANDIDATE_COST)
                        < sets::cost_from_targets(g, &ends, rels)
            });
            match within {
                Some(w) if from_each && !inherited_in => check_each(
                    g,
                    w.keys().copied(),
                    rels,
                    targets,
                    conds,
                    (*column, chains, link_part(f)),
                ),
                Some(w) => {
                    let part = (*column, chains, link_part(f));
                    let mut m = link(g, kind, rels, targets, conds, part, rows);
                    m.retain(|n, _| w.contains_key(n));
                    m
                }
                None => {
                    let part = (*column, chains, link_part(f));
                    link(g, kind, rels, targets, conds, part, rows)
                }
            }
        }
    }
}

/// A link checked from each candidate's side: its statements of the link's relations (and its
/// classes', for inherited ones) whose other end is in the target set.
fn check_each(
    g: &KnowledgeGraph,
    candidates: impl Iterator<Item = NodeIx>,
    rels: &[(Relation, Dir)],
    targets: Vec<(NodeIx, Vec<EdgeIx>)>,
    conds: &[Cond],
    (column, chains, part): (Option<usize>, bool, usize),
) -> Matches {
    let targets: HashMap<NodeIx, Vec<EdgeIx>, FastState> = targets.into_iter().collect();
    let mut cache: HashMap<NodeIx, Vec<(NodeIx, Vec<EdgeIx>)>, FastState> = HashMap::default();
    // Per (class, relation): whether the class or one above it has a statement that hits; most
    // candidates of a large graph share a few classes, most of which have none.
    let mut class_hits: HashMap<(NodeIx, Relation), bool, FastState> = HashMap::default();
    let candidates: Vec<NodeIx> = candidates.collect();
    g.warm_out(&candidates);
    // The rows found, in the candidates' order.
    let mut out: Vec<(NodeIx, Vec<Hit>)> = Vec::with_capacity(candidates.len());
    for s in candidates {
        let mut hits: Vec<Hit> = Vec::new();
        // `o` is the other end; `ends` the statement's subject and object.
        let found = |e: EdgeIx, o: NodeIx, ends, via: &[EdgeIx], hits: &mut Vec<Hit>| {
            let Some(tchain) = targets.get(&o) else {
                return;
            };
            if !conds_hold(g, e, conds) {
                return;
            }
            let hit = Hit {
                chain: if chains {
                    [via, &[e], tchain].concat()
                } else {
                    Vec::new()
                },
                edge: e,
                column,
                part,
                other: o,
                ends,
            };
            if !hits.contains(&hit) {
                hits.push(hit);
            }
        };
        for &(rel, dir) in rels {
            match dir {
                Dir::Out => g
                    .out_rel(s, rel)
                    .for_each(|(e, o)| found(e, o, (s, o), &[], &mut hits)),
                Dir::In => g
                    .in_rel(s, rel)
                    .for_each(|(e, o)| found(e, o, (o, s), &[], &mut hits)),
            }
            if dir == Dir::Out && INHERITED.contains(&rel) {
                // Statements on the candidate's classes, each class by its shortest chain (as
                // `carriers` gives them); chains are built only for hits.
                let mut holds = |class: NodeIx| {
                    // Decided once per class: most candidates share their classes.
                    if let Some(hit) = class_hits.get(&(class, rel)) {
                        return *hit;
                    }
                    let above = cache
                        .entry(class)
                        .or_insert_with(|| class_ancestry(g, class));
                    let hit = above.iter().any(|(c, _)| {
                        g.out_rel(*c, rel)
                            .any(|(e, o)| targets.contains_key(&o) && conds_hold(g, e, conds))
                    });
                    class_hits.insert((class, rel), hit);
                    hit
                };
                // Only the classes with a statement that hits (most candidates have none).
                let members: Vec<(EdgeIx, NodeIx)> = g
                    .out_rel(s, Relation::MemberOf)
                    .filter(|(_, class)| holds(*class))
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let mut reach: Vec<(usize, NodeIx, EdgeIx, &[EdgeIx])> = Vec::new();
                for (member, class) in &members {
                    for (c, up) in cache.get(class).map_or(&[][..], Vec::as_slice) {
                        reach.push((up.len(), *c, *member, up));
                    }
                }
                reach.sort_by_key(|(len, c, member, _)| (*len, c.index(), member.index()));
                let mut seen = HashSet::new();
                for (_, c, member, up) in reach {
                    if !seen.insert(c) {
                        continue;
                    }
                    let via: Vec<EdgeIx> = if chains {
                        std::iter::once(member).chain(up.iter().copied()).collect()
                    } else {
                        Vec::new()
                    };
                    for (e, o) in g.out_rel(c, rel) {
                        found(e, o, (c, o), &via, &mut hits);
                    }
                }
            }
        }
        if !hits.is_empty() {
            out.push((s, hits));
        }
    }
    Matches::from_nodes(out)
}

/// The distinct witness chains of a row, shortest first (then by statement order).
fn ordered_chains(hits: &[Hit]) -> Vec<&Vec<EdgeIx>> {
    let mut chains: Vec<&Vec<EdgeIx>> = hits
        .iter()
        .map(|h| &h.chain)
        .filter(|c| !c.is_empty())
        .collect();
    chains.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    chains.dedup();
    chains
}

fn link(
    g: &KnowledgeGraph,
    kind: crate::model::NodeKind,
    rels: &[(Relation, Dir)],
    targets: Vec<(NodeIx, Vec<EdgeIx>)>,
    conds: &[Cond],
    (column, chains, part): (Option<usize>, bool, usize),
    rows: Option<&NodeSet>,
) -> Matches {
    // Hits in the order found; grouped by node at the end.
    let mut found: Vec<(NodeIx, Hit)> = Vec::with_capacity(rows.map_or(0, NodeSet::len));
    // Only rows known to match get hits (their chains are built only for them).
    let subjects = sets::Subjects::new(g, kind, rows);
    // A hit's chain is the parts given, joined, when chains are asked for.
    let mut push = |s: NodeIx, parts: &[&[EdgeIx]], edge: EdgeIx, ends, other: NodeIx| {
        let hit = Hit {
            chain: if chains { parts.concat() } else { Vec::new() },
            edge,
            column,
            part,
            other,
            ends,
        };
        found.push((s, hit));
    };
    let mut passing: Vec<u32> = Vec::new();
    for (t, tchain) in targets {
        for &(rel, dir) in rels {
            let inherit = INHERITED.contains(&rel);
            // A statement on the target's classes holds for the target (`never combined with
            // tamoxifen` follows tamoxifen's classes).
            let mut ends = vec![(t, tchain.clone())];
            if inherit && TARGET_CLASSES.contains(&rel) {
                ends.extend(
                    carriers(g, t)
                        .into_iter()
                        .map(|(c, up)| (c, [tchain.clone(), up].concat())),
                );
            }
            match dir {
                Dir::Out => {
                    for (end, tchain) in &ends {
                        let end = *end;
                        let (edges, subs) = g.in_rel_parts(end, rel);
                        // The subjects that may be rows or (inherited) classes, picked out
                        // first without a branch per statement: on a big graph a few in five
                        // pass, which a branch would often guess wrong.
                        passing.clear();
                        passing.resize(subs.len() + 1, 0);
                        let mut kept = 0;
                        for (i, s) in subs.iter().enumerate() {
                            passing[kept] = i as u32;
                            kept +=
                                usize::from(subjects.may_hold(NodeIx::new(*s as usize), inherit));
                        }
                        for &i in &passing[..kept] {
                            let i = i as usize;
                            let (e, s) = (
                                EdgeIx::new(edges[i] as usize),
                                NodeIx::new(subs[i] as usize),
                            );
                            if !conds_hold(g, e, conds) {
                                continue;
                            }
                            if subjects.wanted(s) {
                                push(s, &[&[e], tchain], e, (s, end), t);
                            } else if inherit && subjects.holds_members(s) {
                                // Members of the class (or of a narrower class) inherit the statement.
                                for (c, up) in descendants(g, s) {
                                    for (m_edge, m) in g.in_rel(c, Relation::MemberOf) {
                                        if subjects.wanted(m) {
                                            push(
                                                m,
                                                &[&[m_edge], &up, &[e], tchain],
                                                e,
                                                (s, end),
                                                t,
                                            );
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                Dir::In => {
                    let mut sources = vec![(t, Vec::new())];
                    if inherit {
                        for (end, _) in &ends {
                            sources.extend(carriers(g, *end));
                        }
                        if g.kind(t) == crate::model::NodeKind::Class {
                            // A class's own statements, its superclasses', and its members'.
                            sources.extend(class_ancestry(g, t).into_iter().skip(1));
                            sources
                                .extend(g.in_rel(t, Relation::MemberOf).map(|(e, m)| (m, vec![e])));
                        }
                        sources.extend(ends.iter().skip(1).cloned());
                    }
                    let mut seen = HashSet::new();
                    sources.retain(|(n, _)| seen.insert(*n));
                    for (from, via) in sources {
                        for (e, s) in g.out_rel(from, rel) {
                            if !conds_hold(g, e, conds) {
                                continue;
                            }
                            if subjects.wanted(s) {
                                push(s, &[&via, &[e], &tchain], e, (from, s), t);
                            } else if inherit && subjects.holds_members(s) {
                                // Members of a class the statement names hold it too.
                                for (c, up) in descendants(g, s) {
                                    for (m_edge, m) in g.in_rel(c, Relation::MemberOf) {
                                        if subjects.wanted(m) {
                                            push(m, &[&via, &[e], &up, &[m_edge]], e, (from, s), t);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Matches::from_hits(found)
}

/// Whether a statement satisfies every `where` comparison (most links have none: that test is
/// inlined into the loops over statements).
#[inline]
fn conds_hold(g: &KnowledgeGraph, e: EdgeIx, conds: &[Cond]) -> bool {
    conds.is_empty() || all_conds_hold(g, e, conds)
}

fn all_conds_hold(g: &KnowledgeGraph, e: EdgeIx, conds: &[Cond]) -> bool {
    let st = g.statement(e);
    conds.iter().all(|c| {
        let value: Option<String> = if c.field.is_list() {
            let list = c.field.list(st.qualifiers);
            if list.is_empty() {
                None
            } else {
                // A list holds the value when any member is it.
                let hit = list.iter().any(|p| p.eq_ignore_ascii_case(&c.value));
                Some(if hit { c.value.clone() } else { String::new() })
            }
        } else {
            c.field.value(st.qualifiers, st.provenance)
        };
        // A statement that does not say is neither equal nor unequal.
        value.is_some_and(|v| {
            let holds = if c.contains && !c.field.is_list() {
                v.to_lowercase().contains(&c.value.to_lowercase())
            } else {
                v.eq_ignore_ascii_case(&c.value)
            };
            holds != c.negated
        })
    })
}

/// A statement resolved to names, for output.
pub fn step(g: &KnowledgeGraph, e: EdgeIx) -> Step {
    let st = g.statement(e);
    let (s, o) = g.ends(e);
    Step {
        statement: e,
        subject: st.subject.to_string(),
        subject_name: g.name(s).to_string(),
        relation: st.relation.as_str().to_string(),
        predicate: lexicon::biolink::predicate_of(st.relation, st.provenance.evidence).into_owned(),
        negated: lexicon::is_negative(st.relation),
        object: st.object.to_string(),
        object_name: g.name(o).to_string(),
        qualifiers: st.qualifiers.clone(),
        source: st.provenance.source.clone(),
        section: st.provenance.section.clone(),
        evidence: st.provenance.evidence.as_str().to_string(),
        note: st.provenance.note.clone(),
        origin: st.origin.to_string(),
    }
}

/// `a —rel→ b` or, read against the arrow, `a ←rel— b`.
fn step_text(g: &KnowledgeGraph, e: EdgeIx) -> String {
    let st = g.statement(e);
    let (s, o) = g.ends(e);
    let mut text = format!("{} —{}→ {}", g.name(s), st.relation, g.name(o));
    let q = qualifier_pairs(g, e);
    if !q.is_empty() {
        let list: Vec<String> = q.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        text.push_str(&format!(" ({})", list.join("; ")));
    }
    text
}

/// Nodes in the order rows are listed (lower-cased name, then id), each once.
fn by_name(g: &KnowledgeGraph, nodes: impl IntoIterator<Item = NodeIx>) -> Vec<NodeIx> {
    // By each node's place in that order, which the graph keeps: one number per node, not
    // two strings read and compared.
    let mut v: Vec<(u32, NodeIx)> = nodes.into_iter().map(|n| (g.name_rank(n), n)).collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(|(_, n)| n).collect()
}

/// The names of these nodes, sorted, each once, joined by commas (most cells name one node).
fn names_cell(g: &KnowledgeGraph, mut nodes: impl Iterator<Item = NodeIx> + Clone) -> String {
    let Some(first) = nodes.next() else {
        return String::new();
    };
    if nodes.clone().all(|n| n == first) {
        return g.name(first).to_string();
    }
    let names: Vec<&str> = by_name(g, std::iter::once(first).chain(nodes))
        .into_iter()
        .map(|n| g.name(n))
        .collect();
    names.join(", ")
}

fn noun(kind: crate::model::NodeKind) -> (String, String) {
    (
        lexicon::singular(kind).to_string(),
        lexicon::plural(kind).to_string(),
    )
}

fn find(plan: &Plan, g: &KnowledgeGraph, q: &Query, with_witnesses: bool) -> ResultSet {
    // The chains are the witnesses: made only when they are shown.
    let m = matches_with(g, q, with_witnesses);
    let mut columns = vec![lexicon::singular(q.kind).to_string()];
    columns.extend(plan.columns.iter().cloned());
    let vias: BTreeMap<NodeIx, Vec<NodeIx>> = m
        .iter()
        .map(|(n, hits)| (*n, answer::via_classes(g, *n, hits)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if !vias.is_empty() {
        columns.push("via".into());
    }
    // The qualifiers in `details` hold the conditions already.
    let conditions: BTreeMap<NodeIx, String> =
        if plan.details || !answer::may_be_conditional(g, &q.filter) {
            BTreeMap::new()
        } else {
            m.iter()
                .filter_map(|(n, hits)| Some((*n, answer::row_conditions(g, &q.filter, hits)?)))
                .collect()
        };
    if !conditions.is_empty() {
        columns.push("condition".into());
    }
    if plan.details {
        columns.push("details".into());
    }
    let sorted = by_name(g, m.keys().copied());
    // Each row's id and name are reads far apart: brought in for all rows at once.
    g.warm_names(&sorted);
    let rows = sorted
        .into_iter()
        .map(|n| {
            let hits = m.get(&n).map_or(&[][..], Vec::as_slice);
            let mut cells = Vec::with_capacity(columns.len());
            cells.push(g.name(n).to_string());
            for c in 0..plan.columns.len() {
                cells.push(names_cell(
                    g,
                    hits.iter().filter(|h| h.column == Some(c)).map(|h| h.other),
                ));
            }
            if !vias.is_empty() {
                let names: Vec<&str> = vias
                    .get(&n)
                    .map(|v| v.iter().map(|c| g.name(*c)).collect())
                    .unwrap_or_default();
                cells.push(names.join(", "));
            }
            if !conditions.is_empty() {
                cells.push(conditions.get(&n).cloned().unwrap_or_default());
            }
            if plan.details {
                let mut details: Vec<String> = Vec::new();
                for h in hits {
                    let q: Vec<String> = g
                        .statement(h.edge)
                        .qualifiers
                        .pairs()
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect();
                    if !q.is_empty() && !details.contains(&q.join("; ")) {
                        details.push(q.join("; "));
                    }
                }
                cells.push(details.join(" | "));
            }
            Row {
                cells,
                id: Some(g.id(n).to_string()),
                kind: Some(g.kind(n)),
                witnesses: if with_witnesses {
                    witnesses(g, hits)
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    ResultSet {
        columns,
        rows,
        noun: noun(q.kind),
        ..ResultSet::default()
    }
}

fn witnesses(g: &KnowledgeGraph, hits: &[Hit]) -> Vec<Vec<Step>> {
    ordered_chains(hits)
        .into_iter()
        .map(|c| c.iter().map(|e| step(g, *e)).collect())
        .collect()
}

fn why(g: &KnowledgeGraph, q: &Query) -> ResultSet {
    let m = matches(g, q);
    let columns = [
        "row",
        "witness",
        "statement",
        "evidence",
        "source",
        "section",
        "note",
        "at",
    ];
    let mut rows = Vec::new();
    for n in by_name(g, m.keys().copied()) {
        let chains = ordered_chains(&m[&n]);
        for (i, chain) in chains.iter().enumerate() {
            for e in chain.iter() {
                let s = step(g, *e);
                rows.push(Row {
                    cells: vec![
                        g.name(n).to_string(),
                        (i + 1).to_string(),
                        step_text(g, *e),
                        s.evidence.clone(),
                        s.source.clone(),
                        s.section.clone(),
                        s.note.clone(),
                        s.origin.clone(),
                    ],
                    id: Some(g.id(n).to_string()),
                    kind: Some(g.kind(n)),
                    witnesses: vec![vec![s]],
                });
            }
        }
    }
    let matched = m.len();
    ResultSet {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        notes: vec![format!(
            "{matched} matching {}; one line per statement of each witness chain",
            if matched == 1 {
                lexicon::singular(q.kind)
            } else {
                lexicon::plural(q.kind)
            }
        )],
        rows,
        noun: ("statement".into(), "statements".into()),
        ..ResultSet::default()
    }
}
