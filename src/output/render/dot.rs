//! A result as a Graphviz DOT drawing.

use super::*;

// ---------------------------------------------------------------------------------------------
// DOT

/// A digraph: one node per distinct id (rows first-seen, then their witness steps), one edge per
/// distinct witness step labelled with its relation. A node's label is the name its witness
/// steps give it, else the row's first cell, else its id.
pub(super) fn dot(rs: &ResultSet) -> String {
    let mut nodes = Nodes::default();
    for row in &rs.rows {
        if let Some(id) = &row.id {
            nodes.add(id, "");
        }
        for s in row.witnesses.iter().flatten() {
            nodes.add(&s.subject, &s.subject_name);
            nodes.add(&s.object, &s.object_name);
        }
    }
    for row in &rs.rows {
        if let Some(id) = &row.id {
            nodes.add(id, cell(row, 0));
        }
    }
    let mut out = String::from("digraph mbckg {\n");
    for (id, label) in nodes.labelled() {
        push_line(
            &mut out,
            &format!("  {} [label={}];", dot_str(id), dot_str(label)),
        );
    }
    for s in distinct_steps(rs) {
        let (from, to, rel) = (
            dot_str(&s.subject),
            dot_str(&s.object),
            dot_str(&s.relation),
        );
        push_line(&mut out, &format!("  {from} -> {to} [label={rel}];"));
    }
    out.push_str("}\n");
    out
}

/// Node ids in first-seen order, each with the first non-empty name offered for it.
#[derive(Default)]
pub(super) struct Nodes<'a> {
    order: Vec<&'a str>,
    names: HashMap<&'a str, &'a str>,
}

impl<'a> Nodes<'a> {
    fn add(&mut self, id: &'a str, name: &'a str) {
        let known = self.names.entry(id).or_insert_with(|| {
            self.order.push(id);
            ""
        });
        if known.is_empty() {
            *known = name;
        }
    }

    /// Each id with its label: its name, or the id itself when no name was offered.
    fn labelled(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.order.iter().map(|&id| {
            let name = self.names.get(id).copied().unwrap_or("");
            (id, if name.is_empty() { id } else { name })
        })
    }
}
