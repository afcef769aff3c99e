//! What an answer holds beyond its rows: rows of several kinds together (`what treats Y`), the
//! classes a row matched through ("via"), and the check that turns an empty answer caused by a
//! part matching nothing at all into an error.

use std::collections::BTreeMap;

use super::{by_name, eval_filter, find, Hit, ResultSet};
use crate::graph::{KnowledgeGraph, NodeIx};
use crate::lexicon;
use crate::model::Field;
use crate::query::plan::{Cond, Filter, Plan, Query};
use crate::query::syntax::QueryError;

/// A query of several parts with no answer because one of its positive parts matches nothing at
/// all in the graph (`drugs for HR+/HER2- after a CDK4/6 inhibitor` when no statement says so) is
/// an error naming that part, never a silent empty list. Parts that each match something but not
/// together give an empty answer, which is the answer. Called for a query whose answer is empty.
pub(super) fn check_empty(g: &KnowledgeGraph, q: &Query) -> Result<(), QueryError> {
    let mut parts = Vec::new();
    positive_parts(&q.filter, &mut parts);
    // One part alone that matches nothing is the answer: none (`monitoring for pembrolizumab`).
    if parts.len() < 2 {
        return Ok(());
    }
    for part in parts {
        let bare = without_conds(part);
        if eval_filter(g, q.kind, &bare, None, None, false).is_empty() {
            let text = crate::query::plan::FilterText {
                graph: g,
                kind: q.kind,
                filter: &bare,
            };
            return Err(QueryError::new(
                format!(
                    "no {} in the graph matches `{text}`, so the graph cannot answer this",
                    lexicon::singular(q.kind)
                ),
                crate::query::ast::Span::default(),
            )
            .with_help("the source may say it in words the graph does not hold as statements; try `search …` or `show …`"));
        }
    }
    Ok(())
}

/// The links and alternatives an answer needs, not under `not`.
fn positive_parts<'f>(f: &'f Filter, out: &mut Vec<&'f Filter>) {
    match f {
        Filter::And(a, b) => {
            positive_parts(a, out);
            positive_parts(b, out);
        }
        Filter::Link { .. } | Filter::Or(..) => out.push(f),
        _ => {}
    }
}

/// For an empty answer that asks for a numbered line of therapy (`second-line …`): a note when
/// statements that give the line only as `later` (after earlier treatment, without a number:
/// the source's "second-line hormonal therapy" follows the first hormonal therapy, whatever came
/// before) would answer it, with how many rows they give and how to ask for them.
pub(super) fn later_line_note(g: &KnowledgeGraph, q: &Query) -> Option<String> {
    let mut asked = Vec::new();
    let later = with_later_lines(&q.filter, &mut asked);
    if asked.is_empty() {
        return None;
    }
    let rows = eval_filter(g, q.kind, &later, None, None, false).len();
    (rows > 0).then(|| {
        asked.sort_unstable();
        asked.dedup();
        let noun = if rows == 1 {
            lexicon::singular(q.kind)
        } else {
            lexicon::plural(q.kind)
        };
        format!(
            "no statement gives line {} here, but {rows} {noun} match statements that give line `later` (after earlier treatment, no number given): ask `later-line …` or `where line = later`",
            asked.join(" or ")
        )
    })
}

/// `f` with each comparison of the line to a number (`second`, `third-or-later`) made one to
/// `later`; the numbers it replaced in `asked`.
fn with_later_lines(f: &Filter, asked: &mut Vec<&'static str>) -> Filter {
    match f {
        Filter::Link {
            rels,
            target,
            conds,
            column,
        } => Filter::Link {
            rels: rels.clone(),
            target: target.clone(),
            conds: conds
                .iter()
                .map(|c| {
                    let numbered = ["second", "third-or-later"]
                        .into_iter()
                        .find(|n| c.value.eq_ignore_ascii_case(n));
                    match numbered {
                        Some(n) if c.field == Field::Line && !c.negated && !c.contains => {
                            asked.push(n);
                            Cond {
                                value: "later".into(),
                                ..c.clone()
                            }
                        }
                        _ => c.clone(),
                    }
                })
                .collect(),
            column: *column,
        },
        Filter::Or(a, b) => Filter::Or(
            Box::new(with_later_lines(a, asked)),
            Box::new(with_later_lines(b, asked)),
        ),
        Filter::And(a, b) => Filter::And(
            Box::new(with_later_lines(a, asked)),
            Box::new(with_later_lines(b, asked)),
        ),
        other => other.clone(),
    }
}

fn without_conds(f: &Filter) -> Filter {
    match f {
        Filter::Link {
            rels,
            target,
            column,
            ..
        } => Filter::Link {
            rels: rels.clone(),
            target: target.clone(),
            conds: Vec::new(),
            column: *column,
        },
        Filter::Or(a, b) => Filter::Or(Box::new(without_conds(a)), Box::new(without_conds(b))),
        Filter::And(a, b) => Filter::And(Box::new(without_conds(a)), Box::new(without_conds(b))),
        other => other.clone(),
    }
}

/// The classes whose statements made a row match, for links the row holds only through a class
/// (`paclitaxel` causes nausea via chemotherapy).
pub(super) fn via_classes(g: &KnowledgeGraph, row: NodeIx, hits: &[Hit]) -> Vec<NodeIx> {
    let direct = |h: &Hit| {
        let (s, o) = h.ends;
        (s == row && o == h.other) || (o == row && s == h.other)
    };
    // Most rows hold every link directly: nothing to group.
    if hits.iter().all(direct) {
        return Vec::new();
    }
    let mut groups: BTreeMap<(Option<usize>, NodeIx), Vec<&Hit>> = BTreeMap::new();
    for h in hits {
        groups.entry((h.column, h.other)).or_default().push(h);
    }
    let mut via = Vec::new();
    for group in groups.values() {
        if group.iter().any(|h| direct(h)) {
            continue;
        }
        for h in group {
            let (s, o) = h.ends;
            for x in [s, o] {
                if x != h.other && g.kind(x) == crate::model::NodeKind::Class {
                    via.push(x);
                }
            }
        }
    }
    by_name(g, via)
}

/// Queries of several kinds answered together: one row per node, with its kind.
pub(super) fn union(
    plan: &Plan,
    g: &KnowledgeGraph,
    qs: &[Query],
    with_witnesses: bool,
) -> ResultSet {
    let mut columns = vec!["node".to_string(), "kind".to_string()];
    columns.extend(plan.columns.iter().cloned());
    let mut rows = Vec::new();
    for q in qs {
        let part = find(plan, g, q, with_witnesses);
        for mut r in part.rows {
            let kind = r
                .kind
                .map(|k| lexicon::singular(k).to_string())
                .unwrap_or_default();
            r.cells.insert(1, kind);
            rows.push(r);
        }
    }
    ResultSet {
        columns,
        rows,
        noun: ("row".into(), "rows".into()),
        ..ResultSet::default()
    }
}
