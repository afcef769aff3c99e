//! Any-of groups in evaluation: alternatives of one group are never both required by an
//! `and`, and read as `one of: A, B, C`. Uses the graph and the matching core's hits only.

use super::{Filter, Hit};
use crate::graph::{EdgeIx, KnowledgeGraph};

/// The operands of a chain of `and`s, left to right.
pub(super) fn conjuncts<'f>(f: &'f Filter, out: &mut Vec<&'f Filter>) {
    match f {
        Filter::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        other => out.push(other),
    }
}

/// Whether one hit of each conjunct (`runs`, one per operand of the `and`) can hold together: two
/// different statements of one any-of group are alternatives, so a drug needing one of PIK3CA,
/// AKT1 or PTEN does not "require PIK3CA and require AKT1". A conjunct without hits (a `not`)
/// constrains nothing.
pub(super) fn jointly_possible(g: &KnowledgeGraph, runs: &[Vec<Hit>]) -> bool {
    let grouped = |h: &Hit| g.qualifiers_of(h.edge).any_of.is_some();
    if !runs.iter().flatten().any(grouped) {
        return true;
    }
    let runs: Vec<&[Hit]> = runs
        .iter()
        .map(Vec::as_slice)
        .filter(|run| !run.is_empty())
        .collect();
    let clash = |a: &Hit, b: &Hit| {
        let (x, y) = (g.qualifiers_of(a.edge), g.qualifiers_of(b.edge));
        a.edge != b.edge
            && x.any_of.is_some()
            && x.any_of == y.any_of
            && a.ends.0 == b.ends.0
            && g.relation(a.edge) == g.relation(b.edge)
    };
    fn pick<'h>(
        runs: &[&'h [Hit]],
        chosen: &mut Vec<&'h Hit>,
        clash: &dyn Fn(&Hit, &Hit) -> bool,
    ) -> bool {
        let Some((run, rest)) = runs.split_first() else {
            return true;
        };
        for h in *run {
            if chosen.iter().all(|c| !clash(c, h)) {
                chosen.push(h);
                if pick(rest, chosen, clash) {
                    return true;
                }
                chosen.pop();
            }
        }
        false
    }
    pick(&runs, &mut Vec::new(), &clash)
}

/// A statement's qualifiers for reading: an any-of group becomes `one of: A, B, C`, the
/// objects of every statement in the group (this one included), by name.
pub(crate) fn qualifier_pairs(g: &KnowledgeGraph, e: EdgeIx) -> Vec<(&'static str, String)> {
    let st = g.statement(e);
    let mut pairs = st.qualifiers.pairs();
    if let Some(group) = &st.qualifiers.any_of {
        let (s, _) = g.ends(e);
        let mut names: Vec<&str> = g
            .out_rel(s, st.relation)
            .filter(|(x, _)| g.statement(*x).qualifiers.any_of.as_ref() == Some(group))
            .map(|(_, o)| g.node(o).name)
            .collect();
        names.sort_unstable_by_key(|n| n.to_lowercase());
        names.dedup();
        for p in &mut pairs {
            if p.0 == "any_of" {
                *p = ("one of", names.join(", "));
            }
        }
    }
    pairs
}
