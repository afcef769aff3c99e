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
    // A link to nodes its words describe, when the graph has none so described (`drugs that
    // need a blood test`: no monitoring test assesses the blood), names nothing: an error, even
    // as the only part.
    if let Some((text, kind)) = empty_described(g, &q.filter) {
        return Err(QueryError::new(
            format!("nothing in the graph is {text}, so the graph cannot answer this"),
            crate::query::ast::Span::default(),
        )
        .with_help(format!(
            "that is how the words were read; other words may name what you mean: try `search …`, or list them all (`{}`)",
            lexicon::plural(kind)
        )));
    }
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

/// The first target, in a part of `f` an answer needs, that stands for nodes described by other
/// words (a kind linked to a node, or a query of its own) when no node is so described; as text.
fn empty_described(g: &KnowledgeGraph, f: &Filter) -> Option<(String, crate::model::NodeKind)> {
    match f {
        Filter::And(a, b) => empty_described(g, a).or_else(|| empty_described(g, b)),
        // Either side may be empty alone.
        Filter::Or(a, b) => empty_described(g, a).and_then(|t| empty_described(g, b).map(|_| t)),
        Filter::Link { target, .. } => match target {
            crate::query::plan::Target::Set(sub) => {
                if let Some(t) = empty_described(g, &sub.filter) {
                    return Some(t);
                }
                eval_filter(g, sub.kind, &sub.filter, None, None, false)
                    .is_empty()
                    .then(|| {
                        let text = crate::query::plan::FilterText {
                            graph: g,
                            kind: sub.kind,
                            filter: &sub.filter,
                        };
                        (format!("`{text}`"), sub.kind)
                    })
            }
            crate::query::plan::Target::Bridge { node, kind, via } => {
                super::targets::target_set(g, target).is_empty().then(|| {
                    let rels: Vec<&str> = via.iter().map(|(r, _)| r.as_str()).collect();
                    let text = format!(
                        "a {} linked to {} by {}",
                        lexicon::singular(*kind),
                        g.node(*node).name,
                        rels.join(" or ")
                    );
                    (text, *kind)
                })
            }
            _ => None,
        },
        Filter::Not(_) | Filter::Is(_) | Filter::All => None,
    }
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

/// Whether a statement of one of the filter's links may carry a condition: when none can, rows
/// need no look at their statements' qualifiers (a large imported graph most often has none).
pub(super) fn may_be_conditional(g: &KnowledgeGraph, f: &Filter) -> bool {
    match f {
        Filter::Link { rels, .. } => rels.iter().any(|(r, _)| g.carries(*r, Field::Condition)),
        Filter::And(a, b) | Filter::Or(a, b) => {
            may_be_conditional(g, a) || may_be_conditional(g, b)
        }
        // What `not` leaves out has no hits; `is` and all have none.
        Filter::Not(_) | Filter::Is(_) | Filter::All => false,
    }
}

/// How a row holds a part of a filter: the part found no statement for it, holds by a statement
/// with no condition, or holds only under conditions: all of the groups, each group met by any
/// one of its alternatives (a condition, and the node reached by the statement that gives it).
enum Holds {
    Unmatched,
    Always,
    Only(Vec<Vec<(Option<NodeIx>, String)>>),
}

/// The conditions a row holds under, for a table's `condition` column (anastrozole is for
/// premenopausal women only together with ovarian suppression); `None` when it holds without
/// one. A link holds without a condition when one statement without a condition makes it hold,
/// whatever the others say; `or` holds so when either side does; `and` holds under the
/// conditions of each side. Alternatives are joined by ` | `, the parts of an `and` by ` & `;
/// where they reach different nodes, each condition is preceded by the nodes it is for.
pub(super) fn row_conditions(g: &KnowledgeGraph, f: &Filter, hits: &[Hit]) -> Option<String> {
    let Holds::Only(groups) = holds(g, f, hits) else {
        return None;
    };
    // Which link a condition is for is said when the filter has several.
    let named = groups.len() > 1 || links_in(g, f) > 1;
    let parts: Vec<String> = groups.iter().map(|alt| group_text(g, alt, named)).collect();
    (!parts.is_empty()).then(|| parts.join(" & "))
}

/// The links of a filter that bring hits (not those under `not`) of a relation whose statements
/// may carry a condition.
fn links_in(g: &KnowledgeGraph, f: &Filter) -> usize {
    match f {
        Filter::Link { .. } => usize::from(may_be_conditional(g, f)),
        Filter::And(a, b) | Filter::Or(a, b) => links_in(g, a) + links_in(g, b),
        Filter::Not(_) | Filter::Is(_) | Filter::All => 0,
    }
}

fn holds(g: &KnowledgeGraph, f: &Filter, hits: &[Hit]) -> Holds {
    match f {
        Filter::Link { .. } => {
            let part = super::link_part(f);
            let mut alternatives: Vec<(Option<NodeIx>, String)> = Vec::new();
            let mut matched = false;
            for h in hits.iter().filter(|h| h.part == part) {
                matched = true;
                let Some(c) = g.qualifiers_of(h.edge).condition.as_deref() else {
                    return Holds::Always;
                };
                if !alternatives
                    .iter()
                    .any(|(o, t)| *o == Some(h.other) && t == c)
                {
                    alternatives.push((Some(h.other), c.to_string()));
                }
            }
            if matched {
                Holds::Only(vec![alternatives])
            } else {
                Holds::Unmatched
            }
        }
        Filter::Or(a, b) => match (holds(g, a, hits), holds(g, b, hits)) {
            (Holds::Always, _) | (_, Holds::Always) => Holds::Always,
            (Holds::Unmatched, x) | (x, Holds::Unmatched) => x,
            (Holds::Only(x), Holds::Only(y)) => {
                // Either side's conditions: one group of alternatives, a side of several parts
                // written out as one.
                let mut alternatives = Vec::new();
                for side in [x, y] {
                    match <[_; 1]>::try_from(side) {
                        Ok([alts]) => alternatives.extend(alts),
                        Err(side) => {
                            let parts: Vec<String> =
                                side.iter().map(|alt| group_text(g, alt, true)).collect();
                            alternatives.push((None, format!("({})", parts.join(" & "))));
                        }
                    }
                }
                Holds::Only(vec![alternatives])
            }
        },
        Filter::And(a, b) => {
            let mut groups = Vec::new();
            for side in [a, b] {
                if let Holds::Only(more) = holds(g, side, hits) {
                    groups.extend(more);
                }
            }
            if groups.is_empty() {
                Holds::Always
            } else {
                Holds::Only(groups)
            }
        }
        // What `not` leaves out has no hits, nor has a node named or every node.
        Filter::Not(_) | Filter::Is(_) | Filter::All => Holds::Always,
    }
}

/// One group of alternatives as text: its conditions in the order met, each node's after its
/// name when `named` or when they reach more than one node (nodes with the same conditions
/// named together).
fn group_text(
    g: &KnowledgeGraph,
    alternatives: &[(Option<NodeIx>, String)],
    named: bool,
) -> String {
    // Each node's conditions, in the order first met; then nodes of the same conditions as one.
    let mut by_node: Vec<(Option<NodeIx>, Vec<&str>)> = Vec::new();
    for (other, text) in alternatives {
        match by_node.iter_mut().find(|(o, _)| o == other) {
            Some((_, texts)) => texts.push(text),
            None => by_node.push((*other, vec![text])),
        }
    }
    let mut same: Vec<(Vec<NodeIx>, Vec<&str>)> = Vec::new();
    for (other, texts) in by_node {
        match same.iter_mut().find(|(_, t)| *t == texts) {
            Some((others, _)) => others.extend(other),
            None => same.push((other.into_iter().collect(), texts)),
        }
    }
    let several = same.len() > 1;
    let parts: Vec<String> = same
        .iter()
        .map(|(others, texts)| {
            let text = texts.join(" | ");
            if (named || several) && !others.is_empty() {
                let names: Vec<&str> = others.iter().map(|o| g.name(*o)).collect();
                format!("{}: {text}", names.join(", "))
            } else {
                text
            }
        })
        .collect();
    parts.join(" | ")
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
    let parts: Vec<ResultSet> = qs
        .iter()
        .map(|q| find(plan, g, q, with_witnesses))
        .collect();
    // The columns some kinds' answers add (`via`, `condition`, `details`), in the order they
    // come; a row of a kind without one has it empty.
    for part in &parts {
        for c in part.columns.iter().skip(1 + plan.columns.len()) {
            if !columns.contains(c) {
                columns.push(c.clone());
            }
        }
    }
    let mut rows = Vec::new();
    for part in parts {
        for mut r in part.rows {
            let kind = r
                .kind
                .map(|k| lexicon::singular(k).to_string())
                .unwrap_or_default();
            let mut cells = vec![String::new(); columns.len()];
            for (c, cell) in part.columns.iter().zip(r.cells.drain(..)) {
                // The first column is the kind's own name (`drug`): here `node`.
                let at = if c == &part.columns[0] {
                    Some(0)
                } else {
                    columns.iter().skip(1).position(|x| x == c).map(|i| i + 1)
                };
                if let Some(cell_at) = at.and_then(|i| cells.get_mut(i)) {
                    *cell_at = cell;
                }
            }
            if let Some(k) = cells.get_mut(1) {
                *k = kind;
            }
            r.cells = cells;
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

#[cfg(test)]
mod tests {
    use crate::graph::KnowledgeGraph;
    use crate::model::NodeKind;

    fn graph() -> KnowledgeGraph {
        KnowledgeGraph::new(crate::load::load_embedded().expect("shipped graph"))
    }

    /// The rows of a statement: name → condition cell (empty without the column).
    fn conditions(
        g: &KnowledgeGraph,
        text: &str,
    ) -> Vec<(String, String, crate::query::eval::Row)> {
        let answer = crate::execute(text, g).expect("runs").expect("a statement");
        let rs = answer.result;
        let at = rs.columns.iter().position(|c| c == "condition");
        rs.rows
            .into_iter()
            .map(|r| {
                let cell = at.and_then(|i| r.cells.get(i).cloned()).unwrap_or_default();
                (r.cells[0].clone(), cell, r)
            })
            .collect()
    }

    /// For every one-link question about a subtype or a population, a row's condition is empty
    /// exactly when one of the statements behind it (as `why` shows them) has no condition, and
    /// else names every condition those statements give.
    #[test]
    fn a_row_shows_the_conditions_it_holds_under() {
        let g = graph();
        let mut shown = 0;
        for (kind, phrase, relation) in [
            (NodeKind::Population, "drugs used in", "used_in"),
            (NodeKind::Subtype, "drugs treating", "treats"),
            (NodeKind::Subtype, "regimens treating", "treats"),
        ] {
            for &n in g.of_kind(kind) {
                let text = format!("{phrase} \"{}\"", g.name(n));
                for (name, cell, row) in conditions(&g, &text) {
                    let steps: Vec<_> = row
                        .witnesses
                        .iter()
                        .flatten()
                        .filter(|s| s.relation == relation)
                        .collect();
                    assert!(
                        !steps.is_empty(),
                        "{text}: {name} has no {relation} statement"
                    );
                    if steps.iter().any(|s| s.qualifiers.condition.is_none()) {
                        assert_eq!(cell, "", "{text}: {name} holds without a condition");
                    } else {
                        for s in steps {
                            let c = s.qualifiers.condition.as_deref().unwrap_or_default();
                            assert!(cell.contains(c), "{text}: {name} misses `{c}` in `{cell}`");
                        }
                        shown += 1;
                    }
                }
            }
        }
        assert!(shown > 20, "only {shown} rows held under conditions");
    }

    /// `and` needs each side's conditions, each named by what it is for; `or` holds without one
    /// when either side does.
    #[test]
    fn and_keeps_each_sides_conditions_or_drops_them_when_one_side_needs_none() {
        let g = graph();
        let row = |text: &str, name: &str| {
            conditions(&g, text)
                .into_iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, c, _)| c)
                .unwrap_or_else(|| panic!("{text}: no row {name}"))
        };
        assert_eq!(
            row("drugs for premenopausal", "anastrozole"),
            "only together with an injectable medication that blocks ovarian function"
        );
        assert_eq!(row("drugs for premenopausal", "tamoxifen"), "");
        assert_eq!(
            row("drugs for premenopausal and for HR-positive", "anastrozole"),
            "premenopausal: only together with an injectable medication that blocks ovarian function"
        );
        assert_eq!(
            row(
                "drugs for premenopausal or for postmenopausal",
                "anastrozole"
            ),
            ""
        );
        let both = row("drugs for premenopausal and for men", "anastrozole");
        assert!(
            both.starts_with("premenopausal: ") && both.contains(" & men: only together"),
            "{both}"
        );
    }
}
