//! JSON: one document with nodes, statements and sources; also the statement and node shapes `diff` prints.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::*;

// ---------------------------------------------------------------------------------------------
// JSON: borrowed views of the model, serialized as they stream out (no intermediate `Value` tree,
// which costs more than the text itself on a large graph). Fields in the order written here.

#[derive(Serialize)]
pub(crate) struct Document<'a> {
    nodes: Vec<NodeOut<'a>>,
    statements: Vec<StatementOut<'a>>,
    sources: Vec<SourceOut<'a>>,
}

#[derive(Serialize)]
pub(crate) struct NodeOut<'a> {
    id: &'a str,
    kind: &'a str,
    category: Cow<'static, str>,
    name: &'a str,
    aliases: &'a [String],
    xrefs: &'a [String],
    note: Option<&'a str>,
    accepted: Vec<AcceptedOut<'a>>,
    origin: String,
}

#[derive(Serialize)]
pub(crate) struct AcceptedOut<'a> {
    rule: &'a str,
    why: &'a str,
}

impl<'a> NodeOut<'a> {
    fn of(n: &'a Node) -> NodeOut<'a> {
        NodeOut {
            id: &n.id,
            kind: n.kind.as_str(),
            category: lexicon::biolink_category(n.kind),
            name: &n.name,
            aliases: &n.aliases,
            xrefs: &n.xrefs,
            note: n.note.as_deref(),
            accepted: n
                .accepted
                .iter()
                .map(|(rule, why)| AcceptedOut { rule, why })
                .collect(),
            origin: n.origin.to_string(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct StatementOut<'a> {
    subject: &'a str,
    relation: &'a str,
    predicate: Cow<'static, str>,
    object: &'a str,
    qualifiers: QualifiersOut<'a>,
    source: &'a str,
    section: &'a str,
    evidence: &'static str,
    note: &'a str,
    origin: String,
}

/// Every qualifier, `null` or `[]` when absent, so each statement has the same shape.
#[derive(Serialize)]
pub(crate) struct QualifiersOut<'a> {
    line: Option<&'a str>,
    frequency: Option<&'a str>,
    risk: Option<&'a str>,
    population: &'a [String],
    with: &'a [String],
    schedule: Option<&'a str>,
    min_count: Option<u32>,
    condition: Option<&'a str>,
    any_of: Option<&'a str>,
}

impl<'a> StatementOut<'a> {
    fn of(st: &'a Statement) -> StatementOut<'a> {
        let q = &st.qualifiers;
        let p = &st.provenance;
        StatementOut {
            subject: &st.subject,
            relation: st.relation.as_str(),
            predicate: lexicon::biolink_predicate(st.relation),
            object: &st.object,
            qualifiers: QualifiersOut {
                line: q.line.map(|l| l.as_str()),
                frequency: q.frequency.map(|f| f.as_str()),
                risk: q.risk.as_deref(),
                population: &q.population,
                with: &q.with,
                schedule: q.schedule.as_deref(),
                min_count: q.min_count,
                condition: q.condition.as_deref(),
                any_of: q.any_of.as_deref(),
            },
            source: &p.source,
            section: &p.section,
            evidence: p.evidence.as_str(),
            note: &p.note,
            origin: st.origin.to_string(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct SourceOut<'a> {
    id: &'a str,
    title: &'a str,
    publisher: Option<&'a str>,
    approved: Option<&'a str>,
    url: Option<&'a str>,
    sections: Vec<SectionOut<'a>>,
    origin: String,
}

#[derive(Serialize)]
pub(crate) struct SectionOut<'a> {
    heading: &'a str,
    updated: Option<&'a str>,
}

impl<'a> SourceOut<'a> {
    fn of(s: &'a Source) -> SourceOut<'a> {
        SourceOut {
            id: &s.id,
            title: &s.title,
            publisher: s.publisher.as_deref(),
            approved: s.approved.as_deref(),
            url: s.url.as_deref(),
            sections: s
                .sections
                .iter()
                .map(|sec| SectionOut {
                    heading: &sec.heading,
                    updated: sec.updated.as_deref(),
                })
                .collect(),
            origin: s.origin.to_string(),
        }
    }
}

pub(crate) fn to_json(sel: &Selection) -> String {
    let doc = Document {
        nodes: sel.nodes.iter().map(NodeOut::of).collect(),
        statements: sel.statements.iter().map(StatementOut::of).collect(),
        sources: sel.sources.iter().map(|s| SourceOut::of(s)).collect(),
    };
    // Serializing borrowed strings and plain structs cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Every field of a node as JSON, as the JSON export writes it (also used by `diff`).
pub fn node_json(n: &Node) -> Value {
    serde_json::to_value(NodeOut::of(n)).unwrap_or(Value::Null)
}

/// Every field of a statement as JSON, qualifiers included even when absent, as the JSON export
/// writes it (also used by `diff`).
pub fn statement_json(st: &Statement) -> Value {
    serde_json::to_value(StatementOut::of(st)).unwrap_or(Value::Null)
}
