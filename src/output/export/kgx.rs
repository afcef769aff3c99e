//! KGX TSV that Biolink tools accept: `nodes.tsv`, `edges.tsv` and `content_metadata.json`.
//!
//! Categories and predicates come from the lexicon's Biolink terms (checked against the generated
//! Biolink table by `tests/biolink.rs`); every edge says how it was made (`knowledge_level`,
//! `agent_type`), whether it is negated, where it comes from (an `infores:` CURIE) and, in
//! `original_predicate`, which of our relations it is; each qualifier has its own column. Our ids
//! are `MBCKG:` CURIEs, a prefix `content_metadata.json` declares; ids of imported graphs are
//! written as they were read. `load::kgx` reads all of it back.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use crate::lexicon::{self, biolink};
use crate::model::kgx::{
    curie, infores, push_escaped, CURIE_PREFIX, EDGE_COLUMNS, INFORES_PREFIX, NODE_COLUMNS,
};
use crate::model::{Node, NodeKind, Relation, Statement};

use super::{edge_ids, Selection};

/// The three files of a KGX export: (name, content).
pub(crate) fn to_kgx(sel: &Selection) -> Vec<(String, String)> {
    vec![
        ("nodes.tsv".to_string(), nodes_tsv(sel)),
        ("edges.tsv".to_string(), edges_tsv(sel)),
        ("content_metadata.json".to_string(), content_metadata(sel)),
    ]
}

/// The Biolink category of a node: its own where it has one (DNA, a target, is a
/// `biolink:NucleicAcidEntity`), else its kind's: ours from the lexicon, an imported kind's own
/// name when it is a Biolink category, else `biolink:NamedThing` (with the kind in `mbckg_kind`).
pub fn category(n: &Node) -> Cow<'_, str> {
    lexicon::node_category(n.kind, n.category.as_deref())
}

/// Our kind, written beside the category when the category alone does not say it.
fn own_kind(kind: &NodeKind) -> &str {
    match kind {
        NodeKind::Other(_) if kind.as_str().starts_with("biolink:") => "",
        k => k.as_str(),
    }
}

/// How a statement is written: predicate, negation, and its relation if it is ours.
pub struct EdgeTerms {
    pub predicate: Cow<'static, str>,
    pub negated: bool,
    /// `MBCKG:requires_biomarker`; empty for a relation of an imported graph.
    pub original: String,
    pub knowledge_level: &'static str,
    pub agent_type: &'static str,
}

impl EdgeTerms {
    pub fn of(st: &Statement) -> EdgeTerms {
        if let Relation::Other(_) = st.relation {
            return EdgeTerms {
                predicate: lexicon::biolink_predicate(st.relation),
                negated: lexicon::is_negative(st.relation),
                original: String::new(),
                knowledge_level: biolink::NOT_PROVIDED,
                agent_type: biolink::NOT_PROVIDED,
            };
        }
        EdgeTerms {
            predicate: biolink::predicate_of(st.relation, st.provenance.evidence),
            negated: lexicon::is_negative(st.relation),
            original: format!("{CURIE_PREFIX}{}", st.relation),
            knowledge_level: biolink::CURATED_KNOWLEDGE_LEVEL,
            agent_type: biolink::CURATED_AGENT_TYPE,
        }
    }
}

fn nodes_tsv(sel: &Selection) -> String {
    let mut out = String::with_capacity(100 * (sel.nodes.len() + 1));
    out.push_str(&NODE_COLUMNS.join("\t"));
    out.push('\n');
    for n in &sel.nodes {
        node_line(&mut out, n);
    }
    out
}

fn node_line(out: &mut String, n: &Node) {
    let mut line = TsvLine::start(out);
    line.text(&curie(&n.id));
    line.text(&category(n));
    line.text(&n.name);
    line.text(n.note.as_deref().unwrap_or(""));
    line.list(&n.aliases);
    line.list(&n.xrefs);
    line.raw(own_kind(&n.kind));
    line.text(&n.origin.to_string());
    line.end();
}

fn edges_tsv(sel: &Selection) -> String {
    let mut out = String::with_capacity(200 * (sel.statements.len() + 1));
    out.push_str(&EDGE_COLUMNS.join("\t"));
    out.push('\n');
    for (st, id) in sel.statements.iter().zip(edge_ids(&sel.statements)) {
        edge_line(&mut out, st, &id);
    }
    out
}

fn edge_line(out: &mut String, st: &Statement, id: &str) {
    let terms = EdgeTerms::of(st);
    let (p, q) = (&st.provenance, &st.qualifiers);
    let mut line = TsvLine::start(out);
    line.text(&format!("{CURIE_PREFIX}{id}"));
    line.text(&curie(&st.subject));
    line.raw(&terms.predicate);
    line.text(&curie(&st.object));
    line.raw(if terms.negated { "true" } else { "false" });
    line.raw(terms.knowledge_level);
    line.raw(terms.agent_type);
    line.text(&infores(&p.source));
    line.text(&terms.original);
    line.text(&p.section);
    line.raw(p.evidence.as_str());
    line.text(&p.note);
    line.raw(q.line.map_or("", |l| l.as_str()));
    line.raw(q.frequency.map_or("", |f| f.as_str()));
    line.text(q.risk.as_deref().unwrap_or(""));
    line.list(&q.population.iter().map(|s| curie(s)).collect::<Vec<_>>());
    line.list(&q.with.iter().map(|s| curie(s)).collect::<Vec<_>>());
    line.text(q.schedule.as_deref().unwrap_or(""));
    line.raw(&q.min_count.map(|n| n.to_string()).unwrap_or_default());
    line.text(q.condition.as_deref().unwrap_or(""));
    line.text(q.any_of.as_deref().unwrap_or(""));
    line.text(&st.origin.to_string());
    line.end();
}

/// What a consumer needs to read the files: the prefixes of every CURIE we mint (`MBCKG:`, and
/// the `infores:` ids of our sources, which no registry holds), the Biolink version, and counts of
/// nodes by category and edges by (subject category, predicate, object category).
fn content_metadata(sel: &Selection) -> String {
    let mut categories: BTreeMap<Cow<str>, (usize, Vec<String>)> = BTreeMap::new();
    let mut kinds: HashMap<&str, Cow<str>> = HashMap::new();
    for n in &sel.nodes {
        let c = category(n);
        kinds.insert(n.id.as_str(), c.clone());
        let entry = categories.entry(c).or_default();
        entry.0 += 1;
        let prefix = curie(&n.id)
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        if !entry.1.contains(&prefix) {
            entry.1.push(prefix);
        }
    }
    let mut edges: BTreeMap<(String, String, String, bool), usize> = BTreeMap::new();
    for st in &sel.statements {
        let t = EdgeTerms::of(st);
        let end = |id: &str| {
            kinds
                .get(id)
                .map_or(biolink::NAMED_THING.to_string(), |c| c.to_string())
        };
        let key = (
            end(&st.subject),
            t.predicate.into_owned(),
            end(&st.object),
            t.negated,
        );
        *edges.entry(key).or_default() += 1;
    }
    let sources: Vec<_> = sel
        .sources
        .iter()
        .filter(|s| infores(&s.id).starts_with(INFORES_PREFIX))
        .map(|s| {
            json!({
                "id": infores(&s.id),
                "name": s.title,
                "url": s.url,
                "registered": false,
                "note": "declared by mbckg for its own source; not in the Biolink Information Resource Registry",
            })
        })
        .collect();
    let doc = json!({
        "name": "mbckg",
        "description": "Metastatic breast cancer treatment, curated by hand from the sources listed; every edge is one curated statement",
        "biolink_version": biolink::version(),
        "curie_map": {
            "MBCKG": "urn:mbckg:",
            "infores": "https://w3id.org/biolink/infores/",
            "biolink": "https://w3id.org/biolink/vocab/",
        },
        "knowledge_sources": sources,
        "nodes": categories.iter().map(|(c, (count, prefixes))| {
            json!({"category": c, "count": count, "id_prefixes": prefixes})
        }).collect::<Vec<_>>(),
        "edges": edges.iter().map(|((s, p, o, negated), count)| {
            json!({"subject_category": s, "predicate": p, "object_category": o, "negated": negated, "count": count})
        }).collect::<Vec<_>>(),
        "columns": {
            "original_predicate": "our relation (MBCKG:<relation>), when the Biolink predicate is broader than it",
            "mbckg_kind": "our kind of node, which the category alone does not say: it may be broader than the kind, or the node's own (DNA, a target, is a biolink:NucleicAcidEntity)",
            "mbckg_section": "the section of the source the statement cites",
            "mbckg_evidence": "how strongly the source supports the statement",
            "mbckg_note": "the curators' note",
            "mbckg_line": "qualifier: line of therapy",
            "mbckg_frequency": "qualifier: how often a side effect occurs, in the source's words",
            "mbckg_risk": "qualifier: a risk figure from the source",
            "mbckg_population": "qualifier: the populations the statement is limited to (ids)",
            "mbckg_with": "qualifier: the partners of the combination the statement is about (ids)",
            "mbckg_schedule": "qualifier: the schedule",
            "mbckg_min_count": "qualifier: at least this many prior therapies",
            "mbckg_condition": "qualifier: a condition the statement holds under",
            "mbckg_any_of": "qualifier: an any-of group; statements of one subject and relation sharing it are alternatives",
            "mbckg_origin": "where the node or statement was curated (file:line:col)",
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes one TSV line, field by field, straight into the output.
struct TsvLine<'o> {
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

    /// A field that needs no escaping (a term of ours, a number).
    fn raw(&mut self, s: &str) {
        self.sep();
        self.out.push_str(s);
    }

    /// Any text: backslash, tab and line ends escaped.
    fn text(&mut self, s: &str) {
        self.sep();
        push_escaped(self.out, s, true, &[]);
    }

    /// A `|`-separated list, each item escaped.
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
