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

use crate::graph::{EdgeIx, KnowledgeGraph, NodeIx};
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
    other: NodeIx,
}

/// Matched nodes with their hits, in index order (rows are sorted by name later).
type Matches = BTreeMap<NodeIx, Vec<Hit>>;

mod alternatives;
mod answer;
mod count;
mod forms;
mod path;
mod sets;
mod targets;

use targets::{carriers, class_ancestry, descendants, target_set};

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
    match &plan.kind {
        PlanKind::Find(q) | PlanKind::Count(q, None) => answer::check_empty(g, q)?,
        _ => {}
    }
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
    if !sets_are_exact(g) {
        return eval_filter(g, q.kind, &q.filter, None, None);
    }
    let rows = sets::eval_set(g, q.kind, &q.filter, None);
    eval_filter(g, q.kind, &q.filter, None, Some(&rows))
}

/// Whether membership alone decides a query: true unless some statement belongs to an any-of
/// group, whose alternatives an `and` must tell apart by the statements behind each match.
fn sets_are_exact(g: &KnowledgeGraph) -> bool {
    !g.qualifier_sets().iter().any(|q| q.any_of.is_some())
}

/// The nodes of a query, without their hits.
fn match_set(g: &KnowledgeGraph, q: &Query) -> NodeSet {
    if sets_are_exact(g) {
        sets::eval_set(g, q.kind, &q.filter, None)
    } else {
        NodeSet::of(g, matches(g, q).into_keys())
    }
}

/// Below this many candidates, a link is checked from each candidate's side (a semi-join)
/// instead of from the target's side.
const CHECK_EACH_BELOW: usize = 4096;

/// The nodes of `kind` passing `f`, among `within` when given (the left side of an `and`), and
/// among `rows` when given (the nodes known to match the whole query: only their hits are made).
fn eval_filter(
    g: &KnowledgeGraph,
    kind: crate::model::NodeKind,
    f: &Filter,
    within: Option<&Matches>,
    rows: Option<&NodeSet>,
) -> Matches {
    let wanted = |n: &NodeIx| rows.is_none_or(|r| r.contains(*n));
    let universe = || -> Matches {
        match within {
            Some(w) => w.keys().map(|n| (*n, Vec::new())).collect(),
            None => g
                .of_kind(kind)
                .iter()
                .filter(|n| wanted(n))
                .map(|n| (*n, Vec::new()))
                .collect(),
        }
    };
    match f {
        Filter::All => universe(),
        Filter::Is(n) => {
            if within.is_none_or(|w| w.contains_key(n)) && wanted(n) {
                BTreeMap::from([(*n, Vec::new())])
            } else {
                BTreeMap::new()
            }
        }
        Filter::Not(inner) => {
            let excluded = eval_filter(g, kind, inner, within, rows);
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
            let mut results = vec![eval_filter(g, kind, first, within, rows)];
            for part in rest {
                let last = &results[results.len() - 1];
                if last.is_empty() {
                    return Matches::new();
                }
                let right = eval_filter(g, kind, part, Some(last), rows);
                results.push(right);
            }
            let survivors = results.pop().unwrap_or_default();
            let mut out = Matches::new();
            for (n, last_hits) in survivors {
                let mut runs: Vec<Vec<Hit>> = results
                    .iter_mut()
                    .map(|m| m.remove(&n).unwrap_or_default())
                    .collect();
                runs.push(last_hits);
                if jointly_possible(g, &runs) {
                    out.insert(n, runs.concat());
                }
            }
            out
        }
        Filter::Or(a, b) => {
            let mut left = eval_filter(g, kind, a, within, rows);
            for (n, hits) in eval_filter(g, kind, b, within, rows) {
                left.entry(n).or_default().extend(hits);
            }
            left
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
            match within {
                Some(w) if w.len() < CHECK_EACH_BELOW && !inherited_in => {
                    check_each(g, w.keys().copied(), rels, target, conds, *column)
                }
                Some(w) => {
                    let mut m = link(g, kind, rels, target, conds, *column, rows);
                    m.retain(|n, _| w.contains_key(n));
                    m
                }
                None => link(g, kind, rels, target, conds, *column, rows),
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
    target: &Target,
    conds: &[Cond],
    column: Option<usize>,
) -> Matches {
    let targets: HashMap<NodeIx, Vec<EdgeIx>> = target_set(g, target).into_iter().collect();
    let mut cache = HashMap::new();
    let mut out = Matches::new();
    for s in candidates {
        let mut hits: Vec<Hit> = Vec::new();
        let found = |e: EdgeIx, o: NodeIx, via: &[EdgeIx], hits: &mut Vec<Hit>| {
            let Some(tchain) = targets.get(&o) else {
                return;
            };
            if !conds_hold(g, e, conds) {
                return;
            }
            let hit = Hit {
                chain: [via, &[e], tchain].concat(),
                edge: e,
                column,
                other: o,
            };
            if !hits.contains(&hit) {
                hits.push(hit);
            }
        };
        for &(rel, dir) in rels {
            match dir {
                Dir::Out => g
                    .out_rel(s, rel)
                    .for_each(|(e, o)| found(e, o, &[], &mut hits)),
                Dir::In => g
                    .in_rel(s, rel)
                    .for_each(|(e, o)| found(e, o, &[], &mut hits)),
            }
            if dir == Dir::Out && INHERITED.contains(&rel) {
                // Statements on the candidate's classes, each class by its shortest chain (as
                // `carriers` gives them); chains are built only for hits.
                let members: Vec<(EdgeIx, NodeIx)> = g.out_rel(s, Relation::MemberOf).collect();
                for (_, class) in &members {
                    cache
                        .entry(*class)
                        .or_insert_with(|| class_ancestry(g, *class));
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
                    for (e, o) in g.out_rel(c, rel) {
                        let via: Vec<EdgeIx> =
                            std::iter::once(member).chain(up.iter().copied()).collect();
                        found(e, o, &via, &mut hits);
                    }
                }
            }
        }
        if !hits.is_empty() {
            out.insert(s, hits);
        }
    }
    out
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
    target: &Target,
    conds: &[Cond],
    column: Option<usize>,
    rows: Option<&NodeSet>,
) -> Matches {
    let mut out: Matches = BTreeMap::new();
    let mut push = |s: NodeIx, chain: Vec<EdgeIx>, edge: EdgeIx, other: NodeIx| {
        if rows.is_some_and(|r| !r.contains(s)) {
            return;
        }
        let hits = out.entry(s).or_default();
        let hit = Hit {
            chain,
            edge,
            column,
            other,
        };
        if !hits.contains(&hit) {
            hits.push(hit);
        }
    };
    for (t, tchain) in target_set(g, target) {
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
                    for (end, tchain) in ends.iter().cloned() {
                        for (e, s) in g.in_rel(end, rel) {
                            if !conds_hold(g, e, conds) {
                                continue;
                            }
                            let sk = g.kind(s);
                            if sk == kind {
                                push(s, [vec![e], tchain.clone()].concat(), e, t);
                            } else if inherit && sk == crate::model::NodeKind::Class {
                                // Members of the class (or of a narrower class) inherit the statement.
                                for (c, up) in descendants(g, s) {
                                    for (m_edge, m) in g.in_rel(c, Relation::MemberOf) {
                                        if g.kind(m) == kind {
                                            push(
                                                m,
                                                [vec![m_edge], up.clone(), vec![e], tchain.clone()]
                                                    .concat(),
                                                e,
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
                            let sk = g.kind(s);
                            if sk == kind {
                                push(s, [via.clone(), vec![e], tchain.clone()].concat(), e, t);
                            } else if inherit && sk == crate::model::NodeKind::Class {
                                // Members of a class the statement names hold it too.
                                for (c, up) in descendants(g, s) {
                                    for (m_edge, m) in g.in_rel(c, Relation::MemberOf) {
                                        if g.kind(m) == kind {
                                            push(
                                                m,
                                                [via.clone(), vec![e], up.clone(), vec![m_edge]]
                                                    .concat(),
                                                e,
                                                t,
                                            );
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
    out
}

/// Whether a statement satisfies every `where` comparison.
fn conds_hold(g: &KnowledgeGraph, e: EdgeIx, conds: &[Cond]) -> bool {
    if conds.is_empty() {
        return true;
    }
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
        subject_name: g.node(s).name.to_string(),
        relation: st.relation.as_str().to_string(),
        predicate: lexicon::biolink::predicate_of(st.relation, st.provenance.evidence).into_owned(),
        negated: lexicon::is_negative(st.relation),
        object: st.object.to_string(),
        object_name: g.node(o).name.to_string(),
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
    let mut text = format!("{} —{}→ {}", g.node(s).name, st.relation, g.node(o).name);
    let q = qualifier_pairs(g, e);
    if !q.is_empty() {
        let list: Vec<String> = q.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        text.push_str(&format!(" ({})", list.join("; ")));
    }
    text
}

fn by_name(g: &KnowledgeGraph, nodes: impl IntoIterator<Item = NodeIx>) -> Vec<NodeIx> {
    let mut v: Vec<NodeIx> = nodes.into_iter().collect();
    v.sort_by(|a, b| (g.sort_key(*a), g.node(*a).id).cmp(&(g.sort_key(*b), g.node(*b).id)));
    v.dedup();
    v
}

fn noun(kind: crate::model::NodeKind) -> (String, String) {
    (
        lexicon::singular(kind).to_string(),
        lexicon::plural(kind).to_string(),
    )
}

fn find(plan: &Plan, g: &KnowledgeGraph, q: &Query, with_witnesses: bool) -> ResultSet {
    let m = matches(g, q);
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
    if plan.details {
        columns.push("details".into());
    }
    let rows = by_name(g, m.keys().copied())
        .into_iter()
        .map(|n| {
            let hits = &m[&n];
            let mut cells = vec![g.node(n).name.to_string()];
            for c in 0..plan.columns.len() {
                let others = by_name(
                    g,
                    hits.iter().filter(|h| h.column == Some(c)).map(|h| h.other),
                );
                let names: Vec<&str> = others.iter().map(|o| g.node(*o).name).collect();
                cells.push(names.join(", "));
            }
            if !vias.is_empty() {
                let names: Vec<&str> = vias
                    .get(&n)
                    .map(|v| v.iter().map(|c| g.node(*c).name).collect())
                    .unwrap_or_default();
                cells.push(names.join(", "));
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
                id: Some(g.node(n).id.to_string()),
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
                        g.node(n).name.to_string(),
                        (i + 1).to_string(),
                        step_text(g, *e),
                        s.evidence.clone(),
                        s.source.clone(),
                        s.section.clone(),
                        s.note.clone(),
                        s.origin.clone(),
                    ],
                    id: Some(g.node(n).id.to_string()),
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
