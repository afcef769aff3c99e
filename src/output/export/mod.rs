//! Exports the graph, or the part of it a query touched, for other tools, one file per format:
//! Graphviz DOT, an SVG drawn by our own code, GraphML, Neo4j Cypher, KGX TSV (read back by
//! `load::kgx`) and JSON.
//!
//! Pure: an export is a list of (file name, content) pairs and the CLI decides where they go; nothing
//! here reads or writes files or prints. Output is deterministic — nodes sorted by id, statements by
//! (subject, relation, object, origin) — so two exports of the same data are byte-identical and
//! exports of two versions diff cleanly. Names and notes may hold anything (quotes, newlines, `<`,
//! `//`), so every string goes through the escaping of its format (`output::escape`).

mod cypher;
mod dot;
mod graphml;
mod json;
mod kgx;
mod svg;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use crate::graph::{EdgeIx, KnowledgeGraph, NodeIx, StatementRef};
use crate::lexicon;
use crate::model::kgx::*;
use crate::model::{Node, NodeKind, Relation, Source, Statement};
use crate::query::eval::ResultSet;
use cypher::to_cypher;
use dot::to_dot;
use graphml::to_graphml;
use json::to_json;
use kgx::to_kgx;
use svg::to_svg;

pub use json::{node_json, statement_json, StatementOut};
pub use kgx::category;

/// The formats `mbckg export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// Graphviz digraph.
    Dot,
    /// A self-contained drawing, one column per node kind.
    Svg,
    Graphml,
    /// Statements to paste into Neo4j.
    Cypher,
    /// Three files: `nodes.tsv` and `edges.tsv` in the KGX TSV format with Biolink terms, and
    /// `content_metadata.json` declaring our prefixes and sources.
    Kgx,
    /// One document with every field of nodes, statements and sources.
    Json,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Dot,
        ExportFormat::Svg,
        ExportFormat::Graphml,
        ExportFormat::Cypher,
        ExportFormat::Kgx,
        ExportFormat::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Dot => "dot",
            ExportFormat::Svg => "svg",
            ExportFormat::Graphml => "graphml",
            ExportFormat::Cypher => "cypher",
            ExportFormat::Kgx => "kgx",
            ExportFormat::Json => "json",
        }
    }

    /// The format named `s` (case-insensitive).
    pub fn parse(s: &str) -> Option<ExportFormat> {
        let s = s.trim().to_ascii_lowercase();
        ExportFormat::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What identifies one statement across graphs (two versions, an export read back): its ends, its
/// relation and where it was read. Within one graph, a statement is its [`EdgeIx`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementKey {
    pub subject: String,
    pub relation: String,
    pub object: String,
    /// `file:line:col`, as [`Origin`] displays it.
    pub origin: String,
}

impl StatementKey {
    pub fn of(st: &Statement) -> StatementKey {
        StatementKey {
            subject: st.subject.clone(),
            relation: st.relation.as_str().to_string(),
            object: st.object.clone(),
            origin: st.origin.to_string(),
        }
    }

    /// The key of a statement of the graph.
    pub fn of_view(st: StatementRef<'_>) -> StatementKey {
        StatementKey {
            subject: st.subject.to_string(),
            relation: st.relation.as_str().to_string(),
            object: st.object.to_string(),
            origin: st.origin.to_string(),
        }
    }
}

/// A part of the graph to export: nodes by id and statements by their position in the graph. The
/// ends of every chosen statement are exported too, so an edge never points at a missing node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subset {
    pub nodes: BTreeSet<String>,
    pub statements: BTreeSet<EdgeIx>,
}

/// The part of the graph a query result touched: the node of each row, and every node and
/// statement of the rows' witness chains.
pub fn subset_from_result(g: &KnowledgeGraph, rs: &ResultSet) -> Subset {
    let mut subset = Subset::default();
    for row in &rs.rows {
        // Rows of counts and paths may carry no id, or one that is not a node.
        if let Some(id) = row.id.as_ref().filter(|id| g.by_id(id).is_some()) {
            subset.nodes.insert(id.clone());
        }
        for step in row.witnesses.iter().flatten() {
            subset.nodes.insert(step.subject.clone());
            subset.nodes.insert(step.object.clone());
            subset.statements.insert(step.statement);
        }
    }
    subset
}

/// Exports the whole graph (`subset` is `None`) or a part of it. Returns (file name, content)
/// pairs: two files (`nodes.tsv`, `edges.tsv`) for KGX, one for every other format.
pub fn export(
    g: &KnowledgeGraph,
    subset: Option<&Subset>,
    format: ExportFormat,
) -> Vec<(String, String)> {
    let sel = select(g, subset);
    let one = |name: &str, text: String| vec![(name.to_string(), text)];
    match format {
        ExportFormat::Dot => one("mbckg.dot", to_dot(&sel)),
        ExportFormat::Svg => one("mbckg.svg", to_svg(&sel)),
        ExportFormat::Graphml => one("mbckg.graphml", to_graphml(&sel)),
        ExportFormat::Cypher => one("mbckg.cypher", to_cypher(&sel)),
        ExportFormat::Json => one("mbckg.json", to_json(&sel)),
        ExportFormat::Kgx => to_kgx(&sel),
    }
}

// ---------------------------------------------------------------------------------------------
// Choosing and ordering what to export.

/// The nodes, statements and sources of one export, in output order.
pub(crate) struct Selection<'g> {
    nodes: Vec<Node>,
    statements: Vec<Statement>,
    sources: Vec<&'g Source>,
}

pub(crate) fn select<'g>(g: &'g KnowledgeGraph, subset: Option<&Subset>) -> Selection<'g> {
    // Every node's place in id order, so statements sort by integers, not by comparing strings
    // (which dominated exports of large graphs).
    let mut by_id: Vec<NodeIx> = g.nodes().collect();
    by_id.sort_by(|a, b| g.node(*a).id.cmp(g.node(*b).id));
    let mut rank = vec![0u32; g.nodes().map(|ix| ix.index() + 1).max().unwrap_or(0)];
    for (r, ix) in by_id.iter().enumerate() {
        rank[ix.index()] = r as u32;
    }
    let mut relations = Relation::ALL;
    relations.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let relation_rank = |r: Relation| relations.iter().position(|x| *x == r).unwrap_or(0);

    // (subject rank, relation rank, object rank, statement): subject, relation, object, then
    // where it was read.
    let mut keyed: Vec<(u32, usize, u32, StatementRef)> = g
        .statements()
        .filter(|e| subset.is_none_or(|s| s.statements.contains(e)))
        .map(|e| {
            let (s, o) = g.ends(e);
            let st = g.statement(e);
            let rel = relation_rank(st.relation);
            (rank[s.index()], rel, rank[o.index()], st)
        })
        .collect();
    keyed.sort_by(|a, b| (a.0, a.1, a.2, a.3.origin).cmp(&(b.0, b.1, b.2, b.3.origin)));
    let statements: Vec<Statement> = keyed.into_iter().map(|k| k.3.to_statement()).collect();

    let wanted: Option<HashSet<&str>> = subset.map(|s| {
        s.nodes
            .iter()
            .map(String::as_str)
            .chain(
                statements
                    .iter()
                    .flat_map(|st| [st.subject.as_str(), st.object.as_str()]),
            )
            .collect()
    });
    let nodes: Vec<Node> = by_id
        .iter()
        .map(|ix| g.node(*ix))
        .filter(|n| wanted.as_ref().is_none_or(|w| w.contains(n.id)))
        .map(|n| n.to_node())
        .collect();

    let cited: Option<HashSet<&str>> = subset.map(|_| {
        statements
            .iter()
            .map(|st| st.provenance.source.as_str())
            .collect()
    });
    let mut sources: Vec<&Source> = g
        .sources()
        .iter()
        .filter(|s| cited.as_ref().is_none_or(|c| c.contains(s.id.as_str())))
        .collect();
    sources.sort_by(|a, b| a.id.cmp(&b.id));

    Selection {
        nodes,
        statements,
        sources,
    }
}

/// Ids for the statements, readable and stable across versions: `x.targets.her2`, then
/// `x.targets.her2#2` for a second statement with the same ends and relation. Statements must be
/// in export order, which puts those next to each other. Node ids are written with `%`, `.` and
/// `#` percent-encoded, so different statements never share an id.
pub(crate) fn edge_ids(statements: &[Statement]) -> Vec<String> {
    let part = |s: &str| {
        if s.contains(['%', '.', '#']) {
            s.replace('%', "%25")
                .replace('.', "%2E")
                .replace('#', "%23")
        } else {
            s.to_string()
        }
    };
    let mut ids = Vec::with_capacity(statements.len());
    let mut previous = None;
    let mut n = 0;
    for st in statements {
        let triple = (st.subject.as_str(), st.relation, st.object.as_str());
        n = if previous == Some(triple) { n + 1 } else { 1 };
        previous = Some(triple);
        let base = format!("{}.{}.{}", part(&st.subject), st.relation, part(&st.object));
        ids.push(if n == 1 { base } else { format!("{base}#{n}") });
    }
    ids
}

/// Fill colour of a node kind in DOT and SVG drawings.
pub(crate) fn kind_colour(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Drug => "#dbeafe",
        NodeKind::Class => "#e0e7ff",
        NodeKind::Target => "#fde68a",
        NodeKind::Biomarker => "#fbcfe8",
        NodeKind::Subtype => "#fecaca",
        NodeKind::SideEffect => "#fed7aa",
        NodeKind::OrganSystem => "#d9f99d",
        NodeKind::Monitoring => "#bbf7d0",
        NodeKind::Procedure => "#a5f3fc",
        NodeKind::Regimen => "#ddd6fe",
        NodeKind::Population => "#e5e7eb",
        NodeKind::Route => "#f5f5f4",
        NodeKind::Other(_) => "#ffffff",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(
            ExportFormat::parse(" GraphML "),
            Some(ExportFormat::Graphml)
        );
        assert_eq!(ExportFormat::parse("png"), None);
    }
}
