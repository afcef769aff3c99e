//! JSON: one document with nodes, statements and sources; also the statement and node shapes `diff` prints.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::model::Qualifiers;

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
    category: Cow<'a, str>,
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
            category: super::kgx::category(n),
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

/// A statement in the one shape the JSON export and query witnesses share
/// (`schema/statement.schema.json`). Names are left out only where no graph is at hand (`diff`).
#[derive(Serialize)]
pub struct StatementOut<'a> {
    subject: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_name: Option<&'a str>,
    relation: &'a str,
    predicate: Cow<'a, str>,
    negated: bool,
    object: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_name: Option<&'a str>,
    qualifiers: QualifiersOut<'a>,
    source: &'a str,
    section: &'a str,
    evidence: &'a str,
    note: &'a str,
    origin: Cow<'a, str>,
}

/// Every qualifier, `null` or `[]` when absent, so each statement has the same shape.
#[derive(Serialize)]
struct QualifiersOut<'a> {
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

impl<'a> QualifiersOut<'a> {
    fn of(q: &'a Qualifiers) -> QualifiersOut<'a> {
        QualifiersOut {
            line: q.line.map(|l| l.as_str()),
            frequency: q.frequency.map(|f| f.as_str()),
            risk: q.risk.as_deref(),
            population: &q.population,
            with: &q.with,
            schedule: q.schedule.as_deref(),
            min_count: q.min_count,
            condition: q.condition.as_deref(),
            any_of: q.any_of.as_deref(),
        }
    }
}

impl<'a> StatementOut<'a> {
    /// A statement, with the names of its ends when known.
    pub fn of(st: &'a Statement, names: Option<(&'a str, &'a str)>) -> StatementOut<'a> {
        let p = &st.provenance;
        StatementOut {
            subject: &st.subject,
            subject_name: names.map(|n| n.0),
            relation: st.relation.as_str(),
            predicate: lexicon::biolink::predicate_of(st.relation, st.provenance.evidence),
            negated: lexicon::is_negative(st.relation),
            object: &st.object,
            object_name: names.map(|n| n.1),
            qualifiers: QualifiersOut::of(&st.qualifiers),
            source: &p.source,
            section: &p.section,
            evidence: p.evidence.as_str(),
            note: &p.note,
            origin: Cow::Owned(st.origin.to_string()),
        }
    }

    /// A witness step of a query result.
    pub fn of_step(s: &'a crate::query::eval::Step) -> StatementOut<'a> {
        StatementOut {
            subject: &s.subject,
            subject_name: Some(&s.subject_name),
            relation: &s.relation,
            predicate: Cow::Borrowed(&s.predicate),
            negated: s.negated,
            object: &s.object,
            object_name: Some(&s.object_name),
            qualifiers: QualifiersOut::of(&s.qualifiers),
            source: &s.source,
            section: &s.section,
            evidence: &s.evidence,
            note: &s.note,
            origin: Cow::Borrowed(&s.origin),
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
    let names: HashMap<&str, &str> = sel
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.name.as_str()))
        .collect();
    let name = |id: &str| names.get(id).copied().unwrap_or_default();
    let doc = Document {
        nodes: sel.nodes.iter().map(NodeOut::of).collect(),
        statements: sel
            .statements
            .iter()
            .map(|s| StatementOut::of(s, Some((name(&s.subject), name(&s.object)))))
            .collect(),
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
/// writes it less the names of its ends (for `diff`, which has no graph at hand).
pub fn statement_json(st: &Statement) -> Value {
    serde_json::to_value(StatementOut::of(st, None)).unwrap_or(Value::Null)
}
