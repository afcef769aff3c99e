//! GraphML, as networkx and igraph read it.

use std::fmt::Write as _;

use super::*;
use crate::output::escape::{xml, XML_DECL};

// ---------------------------------------------------------------------------------------------
// GraphML

/// (key id, for, attribute name) of every GraphML data key, in declaration order.
pub(crate) const GRAPHML_KEYS: &[(&str, &str)] = &[
    ("name", "node"),
    ("kind", "node"),
    ("category", "node"),
    ("aliases", "node"),
    ("xrefs", "node"),
    ("note", "all"),
    ("relation", "edge"),
    ("predicate", "edge"),
    ("source", "edge"),
    ("section", "edge"),
    ("evidence", "edge"),
    ("qualifiers", "edge"),
    ("origin", "edge"),
];

pub(crate) fn to_graphml(sel: &Selection) -> String {
    let mut out = String::from(XML_DECL);
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (id, on) in GRAPHML_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{id}\" attr.type=\"string\"/>"
        );
    }
    out.push_str("  <graph id=\"mbckg\" edgedefault=\"directed\">\n");
    let data = |out: &mut String, key: &str, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(out, "      <data key=\"{key}\">{}</data>", xml(value));
        }
    };
    for n in &sel.nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", xml(&n.id));
        data(&mut out, "name", &n.name);
        data(&mut out, "kind", n.kind.as_str());
        data(&mut out, "category", &lexicon::biolink_category(n.kind));
        data(&mut out, "aliases", &join_list(&n.aliases, false));
        data(&mut out, "xrefs", &join_list(&n.xrefs, false));
        data(&mut out, "note", n.note.as_deref().unwrap_or(""));
        out.push_str("    </node>\n");
    }
    for (st, id) in sel.statements.iter().zip(edge_ids(&sel.statements)) {
        let _ = writeln!(
            out,
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">",
            xml(&id),
            xml(&st.subject),
            xml(&st.object)
        );
        let p = &st.provenance;
        data(&mut out, "relation", st.relation.as_str());
        data(
            &mut out,
            "predicate",
            &lexicon::biolink_predicate(st.relation),
        );
        data(&mut out, "source", &p.source);
        data(&mut out, "section", &p.section);
        data(&mut out, "evidence", p.evidence.as_str());
        data(&mut out, "note", &p.note);
        data(
            &mut out,
            "qualifiers",
            &qualifiers_text(&st.qualifiers, false),
        );
        data(&mut out, "origin", &st.origin.to_string());
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
