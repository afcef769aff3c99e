//! KGX TSV: `nodes.tsv` and `edges.tsv`, in the conventions of `model::kgx`, read back by `load::kgx`.

use super::*;

use crate::model::kgx::*;

pub(crate) fn to_kgx(sel: &Selection) -> (String, String) {
    let mut nodes = String::with_capacity(100 * (sel.nodes.len() + 1));
    nodes.push_str(&NODE_COLUMNS.join("\t"));
    nodes.push('\n');
    for n in &sel.nodes {
        let mut line = TsvLine::start(&mut nodes);
        line.curie(&n.id);
        line.raw(&lexicon::biolink_category(n.kind));
        line.text(&n.name);
        line.list(&n.aliases);
        line.list(&n.xrefs);
        line.raw(n.kind.as_str());
        line.text(n.note.as_deref().unwrap_or(""));
        line.end();
    }
    let mut edges = String::with_capacity(150 * (sel.statements.len() + 1));
    edges.push_str(&EDGE_COLUMNS.join("\t"));
    edges.push('\n');
    for (st, id) in sel.statements.iter().zip(edge_ids(&sel.statements)) {
        let p = &st.provenance;
        let mut line = TsvLine::start(&mut edges);
        line.curie(&id);
        line.curie(&st.subject);
        line.raw(&lexicon::biolink_predicate(st.relation));
        line.curie(&st.object);
        line.raw(st.relation.as_str());
        line.text(&p.source);
        line.text(&p.section);
        line.raw(p.evidence.as_str());
        line.text(&p.note);
        line.raw(&qualifiers_text(&st.qualifiers, true));
        line.text(&st.origin.to_string());
        line.end();
    }
    (nodes, edges)
}

/// Writes one TSV line, field by field, straight into the output.
pub(crate) struct TsvLine<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> TsvLine<'o> {
    fn start(out: &'o mut String) -> TsvLine<'o> {
        TsvLine { out, first: true }
    }

    fn sep(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.out.push('\t');
        }
    }

    /// A field that is already escaped (or needs no escaping).
    fn raw(&mut self, s: &str) {
        self.sep();
        self.out.push_str(s);
    }

    fn text(&mut self, s: &str) {
        self.sep();
        push_escaped(self.out, s, true, &[]);
    }

    fn curie(&mut self, id: &str) {
        self.sep();
        self.out.push_str(CURIE_PREFIX);
        push_escaped(self.out, id, true, &[]);
    }

    fn list(&mut self, items: &[String]) {
        self.sep();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push('|');
            }
            push_escaped(self.out, item, true, &['|']);
        }
    }

    fn end(self) {
        self.out.push('\n');
    }
}
