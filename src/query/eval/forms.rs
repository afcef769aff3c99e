//! The statement forms that are not filters: a node card (`show`), `compare`, `search` and
//! `explain`.

use std::collections::BTreeMap;

use super::{by_name, carriers, step, ResultSet, Row, MAX_PATHS};
use crate::graph::{EdgeIx, KnowledgeGraph, NodeIx};
use crate::lexicon;
use crate::model::Relation;
use crate::query::ast::Order;
use crate::query::plan::{Dir, Filter, Plan, PlanKind, Target, INHERITED};

/// The columns of a node card; `at` is where each statement was read, so a card of a graph laid
/// over another says which graph each statement came from.
const CARD_COLUMNS: [&str; 8] = [
    "relation",
    "node",
    "kind",
    "qualifiers",
    "evidence",
    "source",
    "section",
    "at",
];

pub(super) fn show(g: &KnowledgeGraph, n: NodeIx) -> ResultSet {
    let node = g.node(n);
    let mut notes = vec![format!("{} ({}, id {})", node.name, node.kind, node.id)];
    if !node.aliases.is_empty() {
        notes.push(format!("aliases: {}", node.aliases.join(", ")));
    }
    if !node.xrefs.is_empty() {
        notes.push(format!("xrefs: {}", node.xrefs.join(", ")));
    }
    if let Some(note) = &node.note {
        notes.push(format!("note: {note}"));
    }
    // Only where it is not the kind's: a card shows what is particular to the node.
    if let Some(category) = node.category {
        notes.push(format!(
            "Biolink category: {category} (its own; other {} are {})",
            lexicon::plural(node.kind),
            lexicon::biolink_category(node.kind)
        ));
    }
    notes.push(format!("defined at {}", node.origin));
    // (relation order, direction, other name) → row
    let mut keyed: Vec<((usize, u8, String), Row)> = Vec::new();
    let rel_order = |r: Relation| Relation::ALL.iter().position(|x| *x == r).unwrap_or(0);
    let mut add = |e: EdgeIx, other: NodeIx, label: String, dir: u8, chain: Vec<EdgeIx>| {
        let st = g.statement(e);
        let q: Vec<String> = super::qualifier_pairs(g, e)
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let on = g.node(other);
        keyed.push((
            (rel_order(st.relation), dir, on.name.to_lowercase()),
            Row {
                cells: vec![
                    label,
                    on.name.to_string(),
                    on.kind.to_string(),
                    q.join("; "),
                    st.provenance.evidence.to_string(),
                    st.provenance.source.clone(),
                    st.provenance.section.clone(),
                    st.origin.to_string(),
                ],
                id: Some(on.id.to_string()),
                kind: Some(on.kind),
                witnesses: vec![chain.iter().map(|e| step(g, *e)).collect()],
            },
        ));
    };
    for (e, o) in g.out_edges(n) {
        add(e, o, format!("{} →", g.statement(e).relation), 0, vec![e]);
    }
    for (e, o) in g.in_edges(n) {
        add(e, o, format!("← {}", g.statement(e).relation), 1, vec![e]);
    }
    for (class, chain) in carriers(g, n) {
        for (e, o) in g.out_edges(class) {
            let rel = g.statement(e).relation;
            if INHERITED.contains(&rel) && lexicon::domain(rel).contains(&node.kind) {
                let full = [chain.clone(), vec![e]].concat();
                add(
                    e,
                    o,
                    format!("{rel} → (via {})", g.node(class).name),
                    2,
                    full,
                );
            }
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    ResultSet {
        columns: CARD_COLUMNS.iter().map(|c| c.to_string()).collect(),
        notes,
        rows: keyed.into_iter().map(|(_, r)| r).collect(),
        noun: ("statement".into(), "statements".into()),
        ..ResultSet::default()
    }
}

pub(super) fn compare(g: &KnowledgeGraph, nodes: &[NodeIx]) -> ResultSet {
    let mut columns = vec!["relation".to_string()];
    columns.extend(nodes.iter().map(|n| g.node(*n).name.to_string()));
    let mut rows = Vec::new();
    for rel in Relation::ALL {
        for dir in [Dir::Out, Dir::In] {
            let cells: Vec<String> = nodes
                .iter()
                .map(|n| {
                    let mut others: Vec<NodeIx> = Vec::new();
                    // Alternatives of an any-of group, by group id: `one of: A, B`.
                    let mut groups: BTreeMap<&str, Vec<NodeIx>> = BTreeMap::new();
                    match dir {
                        Dir::Out => {
                            for (e, o) in g.out_rel(*n, rel) {
                                match &g.statement(e).qualifiers.any_of {
                                    Some(id) => groups.entry(id).or_default().push(o),
                                    None => others.push(o),
                                }
                            }
                        }
                        Dir::In => others.extend(g.in_rel(*n, rel).map(|(_, o)| o)),
                    }
                    if dir == Dir::Out && INHERITED.contains(&rel) {
                        for (c, _) in carriers(g, *n) {
                            others.extend(g.out_rel(c, rel).map(|(_, o)| o));
                        }
                    }
                    let names = |v: Vec<NodeIx>| -> Vec<String> {
                        by_name(g, v)
                            .iter()
                            .map(|o| g.node(*o).name.to_string())
                            .collect()
                    };
                    let mut parts = names(others);
                    parts.extend(
                        groups
                            .into_values()
                            .map(|v| format!("one of: {}", names(v).join(" / "))),
                    );
                    parts.join(", ")
                })
                .collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            let label = match dir {
                Dir::Out => rel.as_str().to_string(),
                Dir::In => format!("← {rel}"),
            };
            rows.push(Row {
                cells: [vec![label], cells].concat(),
                ..Row::default()
            });
        }
    }
    ResultSet {
        columns,
        rows,
        noun: ("relation".into(), "relations".into()),
        notes: vec!["class-level targets, side effects, monitoring and routes are included".into()],
        ..ResultSet::default()
    }
}

pub(super) fn search(g: &KnowledgeGraph, text: &str) -> ResultSet {
    let needle = crate::graph::normalize(text);
    let mut found: BTreeMap<NodeIx, Vec<String>> = BTreeMap::new();
    for n in g.nodes() {
        let node = g.node(n);
        let hit = |s: &str| crate::graph::normalize(s).contains(&needle);
        if hit(node.name) {
            found.entry(n).or_default().push("name".into());
        }
        for a in node.aliases.iter().filter(|a| hit(a)) {
            found.entry(n).or_default().push(format!("alias {a}"));
        }
        if hit(node.id) && !hit(node.name) {
            found.entry(n).or_default().push("id".into());
        }
        if node.note.is_some_and(hit) {
            found.entry(n).or_default().push("note".into());
        }
    }
    // Statement notes in the order they were read.
    let mut noted: Vec<EdgeIx> = g
        .statements()
        .filter(|e| crate::graph::normalize(&g.statement(*e).provenance.note).contains(&needle))
        .collect();
    noted.sort_by_key(|e| g.statement(*e).origin);
    for e in noted {
        let (s, _) = g.ends(e);
        found
            .entry(s)
            .or_default()
            .push(format!("statement note at {}", g.statement(e).origin));
    }
    let rows = by_name(g, found.keys().copied())
        .into_iter()
        .map(|n| {
            let mut how = found[&n].clone();
            how.dedup();
            let shown = if how.len() > 3 {
                format!("{} (+{} more)", how[..3].join("; "), how.len() - 3)
            } else {
                how.join("; ")
            };
            Row {
                cells: vec![
                    g.node(n).name.to_string(),
                    g.node(n).kind.to_string(),
                    shown,
                ],
                id: Some(g.node(n).id.to_string()),
                kind: Some(g.node(n).kind),
                ..Row::default()
            }
        })
        .collect();
    ResultSet {
        columns: vec!["node".into(), "kind".into(), "matched".into()],
        rows,
        noun: ("node".into(), "nodes".into()),
        ..ResultSet::default()
    }
}

pub(super) fn explain(g: &KnowledgeGraph, inner: &Plan) -> ResultSet {
    let mut lines = Vec::new();
    match &inner.kind {
        PlanKind::Find(q) | PlanKind::Why(q) | PlanKind::Count(q, _) => {
            lines.push(format!(
                "start from every {} ({} nodes)",
                lexicon::singular(q.kind),
                g.of_kind(q.kind).len()
            ));
            describe(g, &q.filter, 1, &mut lines);
        }
        PlanKind::Union(qs) => {
            for q in qs {
                lines.push(format!(
                    "start from every {} ({} nodes)",
                    lexicon::singular(q.kind),
                    g.of_kind(q.kind).len()
                ));
                describe(g, &q.filter, 1, &mut lines);
            }
            lines.push("list the rows of every kind together".into());
        }
        PlanKind::Show(n) => {
            lines.push(format!(
                "find {} `{}` by id",
                g.node(*n).kind,
                g.node(*n).id
            ));
            lines.push("list every statement from and to it, grouped by relation, and those its classes pass on".into());
        }
        PlanKind::Path { from, to, all, max } => {
            lines.push(format!(
                "start at `{}`, follow statements either way, at most {max} deep",
                g.node(*from).id
            ));
            lines.push(if *all {
                format!("keep every simple path that reaches `{}` (at most {MAX_PATHS}), shortest first", g.node(*to).id)
            } else {
                format!("stop at the first path that reaches `{}` (breadth first: a shortest one)", g.node(*to).id)
            });
        }
        PlanKind::Compare(nodes) => {
            let ids: Vec<&str> = nodes.iter().map(|n| g.node(*n).id).collect();
            lines.push(format!(
                "for each relation, list what each of {} links to",
                ids.join(", ")
            ));
        }
        PlanKind::Search(text) => {
            lines.push(format!("scan names, aliases, ids and notes for `{text}`"))
        }
        PlanKind::Explain(_) => lines.push("explain the statement inside".into()),
    }
    if let Some((c, _, o)) = &inner.sort {
        lines.push(format!(
            "sort by {c} {}",
            if *o == Order::Desc {
                "descending"
            } else {
                "ascending"
            }
        ));
    }
    if let Some(n) = inner.limit {
        lines.push(format!("keep the first {n} rows"));
    }
    ResultSet {
        columns: vec!["plan".into()],
        rows: lines
            .into_iter()
            .map(|l| Row {
                cells: vec![l],
                ..Row::default()
            })
            .collect(),
        noun: ("step".into(), "steps".into()),
        notes: vec!["not run".into()],
        ..ResultSet::default()
    }
}

fn describe(g: &KnowledgeGraph, f: &Filter, depth: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(depth);
    match f {
        Filter::All => out.push(format!("{pad}keep all")),
        Filter::Is(n) => out.push(format!("{pad}keep only {}", g.node(*n).name)),
        Filter::Not(inner) => {
            out.push(format!("{pad}drop those matching:"));
            describe(g, inner, depth + 1, out);
        }
        Filter::And(a, b) => {
            out.push(format!("{pad}keep those matching both:"));
            describe(g, a, depth + 1, out);
            describe(g, b, depth + 1, out);
        }
        Filter::Or(a, b) => {
            out.push(format!("{pad}keep those matching either:"));
            describe(g, a, depth + 1, out);
            describe(g, b, depth + 1, out);
        }
        Filter::Link {
            rels,
            target,
            conds,
            ..
        } => {
            let r: Vec<String> = rels
                .iter()
                .map(|(r, d)| match d {
                    Dir::Out => format!("{r}→"),
                    Dir::In => format!("←{r}"),
                })
                .collect();
            let inherit = rels.iter().any(|(r, _)| INHERITED.contains(r));
            let t = match target {
                // The hierarchy is `subclass_of`, between nodes of one kind: a class's member
                // drugs are not below it (its plural, `taxanes`, reads them too).
                Target::Node(n) if super::targets::reads_upwards(rels) => format!(
                    "{} or any {} above it",
                    g.node(*n).name,
                    lexicon::singular(g.kind(*n))
                ),
                Target::Node(n) => format!(
                    "{} or any {} below it",
                    g.node(*n).name,
                    lexicon::singular(g.kind(*n))
                ),
                Target::Any(k) => format!("any {}", lexicon::singular(*k)),
                Target::Nodes(ns) => {
                    let names: Vec<String> =
                        ns.iter().map(|n| g.node(*n).name.to_string()).collect();
                    format!("any of {}", names.join(", "))
                }
                Target::Bridge { node, kind, .. } => format!(
                    "a {} linked to {}",
                    lexicon::singular(*kind),
                    g.node(*node).name
                ),
                Target::Set(q) => format!("a {} matching:", lexicon::singular(q.kind)),
            };
            out.push(format!(
                "{pad}follow {} to {t}{}{}",
                r.join(" or "),
                if inherit {
                    " (statements on a drug's classes count)"
                } else {
                    ""
                },
                if conds.is_empty() {
                    String::new()
                } else {
                    format!(
                        " where {}",
                        conds
                            .iter()
                            .map(|c| format!(
                                "{} {} {}",
                                c.field,
                                if c.negated { "!=" } else { "=" },
                                c.value
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ));
            if let Target::Set(q) = target {
                describe(g, &q.filter, depth + 2, out);
            }
        }
    }
}
