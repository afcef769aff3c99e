//! Graphviz DOT: one node per graph node, coloured by kind; one edge per statement.

use std::fmt::Write as _;

use super::*;
use crate::output::escape::dot_str;

// ---------------------------------------------------------------------------------------------
// DOT

pub(crate) fn to_dot(sel: &Selection) -> String {
    let mut out = String::from(
        "digraph mbckg {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n",
    );
    for n in &sel.nodes {
        let _ = writeln!(
            out,
            "  {} [label={}, tooltip={}, fillcolor=\"{}\"];",
            dot_str(&n.id),
            dot_str(&n.name),
            dot_str(n.kind.as_str()),
            kind_colour(n.kind)
        );
    }
    for st in &sel.statements {
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            dot_str(&st.subject),
            dot_str(&st.object),
            dot_str(st.relation.as_str())
        );
    }
    out.push_str("}\n");
    out
}
