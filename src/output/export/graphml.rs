//! GraphML, as networkx and igraph read it.

use std::fmt::Write as _;

use super::*;
use crate::output::escape::{xml, XML_DECL};

// ---------------------------------------------------------------------------------------------
// GraphML

/// (element, attribute name) of every GraphML data key, in declaration order. Each key is
/// declared for one element (`node` or `edge`), never `all`, which some readers (igraph) ignore;
/// its id is `<element>_<name>`, so nodes and edges may share attribute names (`note`).
pub(crate) const GRAPHML_KEYS: &[(&str, &str)] = &[
    ("node", "name"),
    ("node", "kind"),
    ("node", "category"),
    ("node", "aliases"),
    ("node", "xrefs"),
    ("node", "note"),
    ("edge", "relation"),
    ("edge", "predicate"),
    ("edge", "negated"),
    ("edge", "source"),
    ("edge", "section"),
    ("edge", "evidence"),
    ("edge", "note"),
    ("edge", "qualifiers"),
    ("edge", "origin"),
];

pub(crate) fn to_graphml(sel: &Selection) -> String {
    let mut out = String::from(XML_DECL);
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (on, name) in GRAPHML_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"{on}_{name}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"string\"/>"
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
        data(&mut out, "node_name", &n.name);
        data(&mut out, "node_kind", n.kind.as_str());
        data(&mut out, "node_category", &super::kgx::category(n));
        data(&mut out, "node_aliases", &join_list(&n.aliases, false));
        data(&mut out, "node_xrefs", &join_list(&n.xrefs, false));
        data(&mut out, "node_note", n.note.as_deref().unwrap_or(""));
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
        let negated = lexicon::is_negative(st.relation);
        data(&mut out, "edge_relation", st.relation.as_str());
        data(
            &mut out,
            "edge_predicate",
            &lexicon::biolink::predicate_of(st.relation, st.provenance.evidence),
        );
        data(
            &mut out,
            "edge_negated",
            if negated { "true" } else { "false" },
        );
        data(&mut out, "edge_source", &p.source);
        data(&mut out, "edge_section", &p.section);
        data(&mut out, "edge_evidence", p.evidence.as_str());
        data(&mut out, "edge_note", &p.note);
        data(
            &mut out,
            "edge_qualifiers",
            &qualifiers_text(&st.qualifiers, false),
        );
        data(&mut out, "edge_origin", &st.origin.to_string());
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
