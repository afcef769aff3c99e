//! Exports the graph, or the part of it a query touched, for other tools: Graphviz DOT, an SVG drawn
//! by our own code, GraphML, Neo4j Cypher, KGX TSV (with [`parse_kgx`] to read it back) and JSON.
//!
//! Pure: an export is a list of (file name, content) pairs and the CLI decides where they go; nothing
//! here reads or writes files or prints. Output is deterministic — nodes sorted by id, statements by
//! (subject, relation, object, origin) — so two exports of the same data are byte-identical and
//! exports of two versions diff cleanly. Names and notes may hold anything (quotes, newlines, `<`,
//! `//`), so every string goes through the escaping of its format.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::{self, Write as _};

use serde::Serialize;
use serde_json::Value;

use crate::load::{FREQUENCIES, LINES};
use crate::diag::{self, Diagnostic};
use crate::query::eval::{ResultSet, Step};
use crate::graph::{KnowledgeGraph, NodeIx};
use crate::model::{
    Dataset, Evidence, Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Section, Source,
    Statement,
};
use crate::output::render::dot_str;
use crate::lexicon;

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
    /// Two files, `nodes.tsv` and `edges.tsv`, in the KGX TSV format with Biolink terms.
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

/// What identifies one statement of a graph: its ends, its relation and where it was read.
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

    /// The key of the statement a witness step stands for.
    pub fn of_step(step: &Step) -> StatementKey {
        StatementKey {
            subject: step.subject.clone(),
            relation: step.relation.clone(),
            object: step.object.clone(),
            origin: step.origin.clone(),
        }
    }
}

/// A part of the graph to export: nodes by id and statements by key. The ends of every chosen
/// statement are exported too, so an edge never points at a missing node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subset {
    pub nodes: BTreeSet<String>,
    pub statements: BTreeSet<StatementKey>,
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
            subset.statements.insert(StatementKey::of_step(step));
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
        ExportFormat::Kgx => {
            let (nodes, edges) = to_kgx(&sel);
            vec![
                ("nodes.tsv".to_string(), nodes),
                ("edges.tsv".to_string(), edges),
            ]
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Choosing and ordering what to export.

/// The nodes, statements and sources of one export, in output order.
struct Selection<'g> {
    nodes: Vec<&'g Node>,
    statements: Vec<&'g Statement>,
    sources: Vec<&'g Source>,
}

fn select<'g>(g: &'g KnowledgeGraph, subset: Option<&Subset>) -> Selection<'g> {
    // Every node's place in id order, so statements sort by integers, not by comparing strings
    // (which dominated exports of large graphs).
    let mut by_id: Vec<NodeIx> = g.nodes().collect();
    by_id.sort_by(|a, b| g.node(*a).id.cmp(&g.node(*b).id));
    let mut rank = vec![0u32; g.nodes().map(|ix| ix.index() + 1).max().unwrap_or(0)];
    for (r, ix) in by_id.iter().enumerate() {
        rank[ix.index()] = r as u32;
    }
    let mut relations = Relation::ALL;
    relations.sort_by_key(|r| r.as_str());
    let relation_rank = |r: Relation| relations.iter().position(|x| *x == r).unwrap_or(0);

    // (subject rank, relation rank, object rank, statement): subject, relation, object, then
    // where it was read.
    let mut keyed: Vec<(u32, usize, u32, &Statement)> = g
        .statements()
        .filter(|e| {
            subset.is_none_or(|s| s.statements.contains(&StatementKey::of(g.statement(*e))))
        })
        .map(|e| {
            let (s, o) = g.ends(e);
            let st = g.statement(e);
            let rel = relation_rank(st.relation);
            (rank[s.index()], rel, rank[o.index()], st)
        })
        .collect();
    keyed.sort_by(|a, b| (a.0, a.1, a.2, &a.3.origin).cmp(&(b.0, b.1, b.2, &b.3.origin)));
    let statements: Vec<&Statement> = keyed.into_iter().map(|k| k.3).collect();

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
    let nodes: Vec<&Node> = by_id
        .iter()
        .map(|ix| g.node(*ix))
        .filter(|n| wanted.as_ref().is_none_or(|w| w.contains(n.id.as_str())))
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
fn edge_ids(statements: &[&Statement]) -> Vec<String> {
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
fn kind_colour(kind: NodeKind) -> &'static str {
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

// ---------------------------------------------------------------------------------------------
// DOT

fn to_dot(sel: &Selection) -> String {
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

// ---------------------------------------------------------------------------------------------
// XML (SVG and GraphML)

/// Text escaped for XML content and attribute values alike. Characters XML 1.0 cannot hold at all
/// (most control characters, U+FFFE, U+FFFF) become U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // As references, so attribute-value normalization keeps them.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}' => {
                out.push(c)
            }
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

// ---------------------------------------------------------------------------------------------
// SVG: one column per node kind (in `NodeKind::ALL` order), nodes stacked by id, statements as
// curves from the right side of the subject to the left side of the object. Integer coordinates.

/// Approximate advance of one character at font-size 12.
const CHAR_W: i64 = 7;
const BOX_H: i64 = 24;
const ROW_GAP: i64 = 10;
const COL_GAP: i64 = 110;
const MARGIN: i64 = 20;
const HEADER_H: i64 = 30;
/// Longer names are cut (with `…`) in the box; the box's tooltip has the whole name.
const MAX_LABEL: usize = 36;

/// Where a node's box is.
#[derive(Clone, Copy)]
struct Place {
    col: usize,
    x: i64,
    y: i64,
    w: i64,
}

/// The text in a node's box: one line (SVG text does not break), cut at `MAX_LABEL` characters.
fn label(name: &str) -> String {
    let one_line = name.replace("\r\n", " ").replace(['\n', '\r', '\t'], " ");
    if one_line.chars().count() <= MAX_LABEL {
        return one_line;
    }
    let mut s: String = one_line.chars().take(MAX_LABEL - 1).collect();
    s.push('…');
    s
}

fn to_svg(sel: &Selection) -> String {
    let columns: Vec<(NodeKind, Vec<&Node>)> = NodeKind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                sel.nodes.iter().copied().filter(|n| n.kind == *k).collect(),
            )
        })
        .filter(|(_, v): &(NodeKind, Vec<&Node>)| !v.is_empty())
        .collect();

    let mut places: HashMap<&str, Place> = HashMap::new();
    let mut x = MARGIN;
    let mut bottom = MARGIN + HEADER_H;
    let mut body = String::new();
    for (col, (kind, nodes)) in columns.iter().enumerate() {
        let header = lexicon::plural(*kind);
        let chars = nodes
            .iter()
            .map(|n| label(&n.name).chars().count())
            .chain([header.chars().count()])
            .max()
            .unwrap_or(0);
        let w = (chars as i64 * CHAR_W + 16).max(80);
        let _ = writeln!(
            body,
            "<text x=\"{x}\" y=\"{}\" font-weight=\"bold\">{}</text>",
            MARGIN + 14,
            xml(header)
        );
        for (row, n) in nodes.iter().enumerate() {
            let y = MARGIN + HEADER_H + row as i64 * (BOX_H + ROW_GAP);
            places.insert(n.id.as_str(), Place { col, x, y, w });
            bottom = bottom.max(y + BOX_H);
        }
        x += w + COL_GAP;
    }
    // Room on the right for the loops of statements within the last column.
    let width = if columns.is_empty() {
        200
    } else {
        x - COL_GAP + 60 + MARGIN
    };
    let height = bottom + MARGIN;

    let mut edges = String::new();
    let names: HashMap<&str, &str> = sel
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.name.as_str()))
        .collect();
    for st in &sel.statements {
        let (Some(a), Some(b)) = (
            places.get(st.subject.as_str()),
            places.get(st.object.as_str()),
        ) else {
            continue;
        };
        let title = format!(
            "{} —{}→ {}",
            names.get(st.subject.as_str()).unwrap_or(&""),
            st.relation,
            names.get(st.object.as_str()).unwrap_or(&"")
        );
        let _ = writeln!(
            edges,
            "<path d=\"{}\" fill=\"none\" stroke=\"#888888\" stroke-opacity=\"0.7\" marker-end=\"url(#arrow)\"><title>{}</title></path>",
            curve(a, b),
            xml(&title)
        );
    }

    let mut nodes = String::new();
    for n in columns.iter().flat_map(|(_, nodes)| nodes) {
        let Some(p) = places.get(n.id.as_str()) else {
            continue;
        };
        let _ = writeln!(
            nodes,
            "<g><title>{} ({})</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{BOX_H}\" rx=\"6\" ry=\"6\" fill=\"{}\" stroke=\"#555555\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            xml(&n.name),
            xml(lexicon::singular(n.kind)),
            p.x,
            p.y,
            p.w,
            kind_colour(n.kind),
            p.x + p.w / 2,
            p.y + BOX_H / 2 + 4,
            xml(&label(&n.name))
        );
    }

    let mut out = String::from(XML_DECL);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    out.push_str("<title>mbckg</title>\n");
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#666666\"/></marker></defs>\n");
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    out.push_str(&body);
    // Edges first, so boxes are drawn over their ends.
    out.push_str("<g class=\"edges\">\n");
    out.push_str(&edges);
    out.push_str("</g>\n<g class=\"nodes\">\n");
    out.push_str(&nodes);
    out.push_str("</g>\n</svg>\n");
    out
}

/// The path of a statement from box `a` to box `b`: a cubic Bézier from the right side to the
/// left side between neighbouring columns (mirrored going left), and a loop out to the right
/// between two boxes of one column. An edge that skips columns runs along the gap below the
/// subject's row (rows line up across columns), so it never passes behind a box it does not join.
fn curve(a: &Place, b: &Place) -> String {
    let (ya, yb) = (a.y + BOX_H / 2, b.y + BOX_H / 2);
    let gap = a.y + BOX_H + ROW_GAP / 2;
    let (m, h) = (COL_GAP / 2, COL_GAP / 4);
    if a.col + 1 < b.col {
        let (x1, x2) = (a.x + a.w, b.x);
        return format!(
            "M{x1},{ya} C{},{ya} {},{gap} {},{gap} L{},{gap} C{},{gap} {},{yb} {x2},{yb}",
            x1 + h,
            x1 + h,
            x1 + m,
            x2 - m,
            x2 - h,
            x2 - h
        );
    }
    if b.col + 1 < a.col {
        let (x1, x2) = (a.x, b.x + b.w);
        return format!(
            "M{x1},{ya} C{},{ya} {},{gap} {},{gap} L{},{gap} C{},{gap} {},{yb} {x2},{yb}",
            x1 - h,
            x1 - h,
            x1 - m,
            x2 + m,
            x2 + h,
            x2 + h
        );
    }
    let (x1, x2, c1, c2) = if a.col < b.col {
        let (x1, x2) = (a.x + a.w, b.x);
        let c = (x2 - x1) / 2;
        (x1, x2, x1 + c, x2 - c)
    } else if a.col > b.col {
        let (x1, x2) = (a.x, b.x + b.w);
        let c = (x1 - x2) / 2;
        (x1, x2, x1 - c, x2 + c)
    } else {
        let (x1, x2) = (a.x + a.w, b.x + b.w);
        let bulge = 20 + ((ya - yb).abs() / 10).min(40);
        (x1, x2, x1 + bulge, x2 + bulge)
    };
    format!("M{x1},{ya} C{c1},{ya} {c2},{yb} {x2},{yb}")
}

// ---------------------------------------------------------------------------------------------
// GraphML

/// (key id, for, attribute name) of every GraphML data key, in declaration order.
const GRAPHML_KEYS: &[(&str, &str)] = &[
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

fn to_graphml(sel: &Selection) -> String {
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
        data(&mut out, "category", lexicon::kind_info(n.kind).biolink);
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
            lexicon::relation_info(st.relation).biolink,
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

// ---------------------------------------------------------------------------------------------
// Cypher

fn to_cypher(sel: &Selection) -> String {
    let mut out = format!(
        "// mbckg export: {} nodes, {} statements\n",
        sel.nodes.len(),
        sel.statements.len()
    );
    let kinds: HashMap<&str, NodeKind> =
        sel.nodes.iter().map(|n| (n.id.as_str(), n.kind)).collect();
    for n in &sel.nodes {
        let mut props = vec![
            format!("id: {}", cypher_str(&n.id)),
            format!("name: {}", cypher_str(&n.name)),
        ];
        push_list(&mut props, "aliases", &n.aliases);
        push_list(&mut props, "xrefs", &n.xrefs);
        if let Some(note) = &n.note {
            props.push(format!("note: {}", cypher_str(note)));
        }
        let _ = writeln!(
            out,
            "CREATE (:{} {{{}}});",
            cypher_name(&pascal_case(n.kind.as_str())),
            props.join(", ")
        );
    }
    for st in &sel.statements {
        let end = |id: &str| {
            kinds
                .get(id)
                .map(|k| format!(":{}", cypher_name(&pascal_case(k.as_str()))))
                .unwrap_or_default()
        };
        let p = &st.provenance;
        let q = &st.qualifiers;
        let mut props = vec![
            format!("source: {}", cypher_str(&p.source)),
            format!("section: {}", cypher_str(&p.section)),
            format!("evidence: {}", cypher_str(p.evidence.as_str())),
            format!("note: {}", cypher_str(&p.note)),
        ];
        for (k, v) in text_qualifiers(q) {
            props.push(format!("{k}: {}", cypher_str(v)));
        }
        push_list(&mut props, "population", &q.population);
        // `with` is a Cypher keyword: quoted as a property name.
        push_list(&mut props, "`with`", &q.with);
        if let Some(n) = q.min_count {
            props.push(format!("min_count: {n}"));
        }
        props.push(format!("origin: {}", cypher_str(&st.origin.to_string())));
        let _ = writeln!(
            out,
            "MATCH (a{} {{id: {}}}), (b{} {{id: {}}}) CREATE (a)-[:{} {{{}}}]->(b);",
            end(&st.subject),
            cypher_str(&st.subject),
            end(&st.object),
            cypher_str(&st.object),
            cypher_name(&st.relation.as_str().to_ascii_uppercase()),
            props.join(", ")
        );
    }
    out
}

/// Adds `name: ['a', 'b']` unless the list is empty (Neo4j stores no empty lists).
fn push_list(props: &mut Vec<String>, name: &str, items: &[String]) {
    if !items.is_empty() {
        let items: Vec<String> = items.iter().map(|s| cypher_str(s)).collect();
        props.push(format!("{name}: [{}]", items.join(", ")));
    }
}

/// A label or relationship type as Cypher reads it: bare when it is a plain identifier,
/// otherwise in backticks (`biolink:Gene` from an imported graph).
fn cypher_name(s: &str) -> String {
    if !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
    {
        s.to_string()
    } else {
        format!("`{}`", s.replace('`', "``"))
    }
}

/// `side_effect` → `SideEffect`.
fn pascal_case(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A single-quoted Cypher string literal. Everything that could end the literal or a line is
/// escaped, so `//` and `/*` in a name stay inside the string.
fn cypher_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

// ---------------------------------------------------------------------------------------------
// KGX TSV

/// Prefix of our ids as KGX CURIEs.
const CURIE_PREFIX: &str = "MBCKG:";

const NODE_COLUMNS: [&str; 7] = [
    "id",
    "category",
    "name",
    "synonym",
    "xref",
    "mbckg_kind",
    "description",
];

const EDGE_COLUMNS: [&str; 11] = [
    "id",
    "subject",
    "predicate",
    "object",
    "mbckg_relation",
    "primary_knowledge_source",
    "section",
    "evidence",
    "note",
    "qualifiers",
    "origin",
];

fn to_kgx(sel: &Selection) -> (String, String) {
    let mut nodes = String::with_capacity(100 * (sel.nodes.len() + 1));
    nodes.push_str(&NODE_COLUMNS.join("\t"));
    nodes.push('\n');
    for n in &sel.nodes {
        let mut line = TsvLine::start(&mut nodes);
        line.curie(&n.id);
        line.raw(lexicon::kind_info(n.kind).biolink);
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
        line.raw(lexicon::relation_info(st.relation).biolink);
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

/// Escapes a backslash and every separator in `seps` with a backslash; with `tsv`, also tab,
/// newline and CR as `\t`, `\n`, `\r`. [`unescape`] reverses it.
fn escape(s: &str, tsv: bool, seps: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s, tsv, seps);
    out
}

/// [`escape`], appending to `out`.
fn push_escaped(out: &mut String, s: &str, tsv: bool, seps: &[char]) {
    let special =
        |c: char| c == '\\' || (tsv && matches!(c, '\t' | '\n' | '\r')) || seps.contains(&c);
    if !s.contains(special) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' if tsv => out.push_str("\\t"),
            '\n' if tsv => out.push_str("\\n"),
            '\r' if tsv => out.push_str("\\r"),
            c if seps.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Reverses [`escape`]: `\t`, `\n`, `\r` are control characters, `\x` is `x` for any other `x`.
fn unescape(s: &str) -> String {
    unescaped(s).into_owned()
}

/// [`unescape`], borrowing when there is nothing to unescape (most fields).
fn unescaped(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// Splits at every `sep` not preceded by an escaping backslash; the parts stay escaped.
fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A list joined by `|`, each item escaped.
fn join_list(items: &[String], tsv: bool) -> String {
    items
        .iter()
        .map(|s| escape(s, tsv, &['|']))
        .collect::<Vec<_>>()
        .join("|")
}

/// The splitting inverse of [`join_list`]; an empty field is an empty list.
fn split_list(field: &str) -> Vec<String> {
    if field.is_empty() {
        return Vec::new();
    }
    split_unescaped(field, '|')
        .into_iter()
        .map(unescape)
        .collect()
}

/// The qualifiers that hold one text value, in export order.
fn text_qualifiers(q: &Qualifiers) -> impl Iterator<Item = (&'static str, &String)> {
    [
        ("line", &q.line),
        ("frequency", &q.frequency),
        ("risk", &q.risk),
        ("schedule", &q.schedule),
        ("condition", &q.condition),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
}

/// `line=first|population=men;postmenopausal|min_count=2`: pairs joined by `|`, list items by `;`.
fn qualifiers_text(q: &Qualifiers, tsv: bool) -> String {
    let mut parts: Vec<String> = text_qualifiers(q)
        .map(|(k, v)| format!("{k}={}", escape(v, tsv, &['|'])))
        .collect();
    for (k, list) in [("population", &q.population), ("with", &q.with)] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|s| escape(s, tsv, &['|', ';'])).collect();
            parts.push(format!("{k}={}", items.join(";")));
        }
    }
    if let Some(n) = q.min_count {
        parts.push(format!("min_count={n}"));
    }
    parts.join("|")
}

/// One line of a TSV file: its 1-based number, its text, and each field with its byte offset in
/// the line.
struct Record<'a> {
    line: u32,
    text: &'a str,
    fields: Vec<(usize, &'a str)>,
}

impl<'a> Record<'a> {
    fn new(line: u32, text: &'a str) -> Record<'a> {
        let mut fields = Vec::new();
        let mut pos = 0;
        for f in text.split('\t') {
            fields.push((pos, f));
            pos += f.len() + 1;
        }
        Record { line, text, fields }
    }

    /// A field's raw (escaped) text and offset; empty for a column the file does not have.
    fn get(&self, column: Option<usize>) -> (usize, &'a str) {
        column
            .and_then(|i| self.fields.get(i))
            .copied()
            .unwrap_or((0, ""))
    }

    fn raw(&self, column: Option<usize>) -> &'a str {
        self.get(column).1
    }
}

/// The lines of a TSV file, without line ends or a byte-order mark, numbered from 1.
fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n').enumerate().map(|(i, raw)| {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let line = if i == 0 {
            line.strip_prefix('\u{FEFF}').unwrap_or(line)
        } else {
            line
        };
        (i as u32 + 1, line)
    })
}

/// A TSV file being read: its name (for diagnostics) and its header. Records are read one at a
/// time, so a file of millions of lines is never held as fields.
struct Table<'a> {
    file: &'static str,
    text: &'a str,
    header: Record<'a>,
}

impl<'a> Table<'a> {
    /// Reads the header; `None` (and a diagnostic) when a required column is missing.
    fn open(
        file: &'static str,
        text: &'a str,
        required: &[&str],
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Table<'a>> {
        let (line, first) = lines(text).next().unwrap_or((1, ""));
        let table = Table {
            file,
            text,
            header: Record::new(line, first),
        };
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| table.col(c).is_none())
            .collect();
        if missing.is_empty() {
            return Some(table);
        }
        let message = format!("missing column `{}`", missing.join("`, `"));
        errors.push(table.diag(&table.header, 0, 0, message).with_help(format!(
            "the first line names the columns, tab-separated; needed: {}",
            required.join(", ")
        )));
        None
    }

    /// The position of a column in the header.
    fn col(&self, name: &str) -> Option<usize> {
        self.header.fields.iter().position(|(_, n)| *n == name)
    }

    /// The records after the header, skipping blank lines. A line whose number of fields differs
    /// from the header's is reported and skipped.
    fn records<'t>(
        &'t self,
        errors: &'t mut Vec<Diagnostic>,
    ) -> impl Iterator<Item = Record<'a>> + 't {
        let width = self.header.fields.len();
        lines(self.text)
            .skip(1)
            .filter(|(_, line)| !line.is_empty())
            .map(|(n, line)| Record::new(n, line))
            .filter(move |r| {
                if r.fields.len() == width {
                    return true;
                }
                let message = format!("line has {} fields; the header has {width}", r.fields.len());
                errors.push(self.diag(r, 0, 0, message));
                false
            })
    }

    /// A diagnostic at `len` bytes from byte `at` of a record's line. Built here rather than by
    /// `diag::at_span`, which would scan the file from its start for every error.
    fn diag(&self, r: &Record, at: usize, len: usize, message: impl Into<String>) -> Diagnostic {
        let col = r.text.get(..at).map_or(0, |s| s.chars().count()) as u32 + 1;
        let width = r.text.get(at..at + len).map_or(0, |s| s.chars().count());
        let mut d = Diagnostic::error(
            message,
            Origin {
                file: self.file.to_string(),
                line: r.line,
                col,
            },
        );
        d.snippet = Some((r.text.to_string(), width));
        d
    }

    /// A diagnostic pointing at one field of a record.
    fn at(&self, r: &Record, column: Option<usize>, message: impl Into<String>) -> Diagnostic {
        let (at, text) = r.get(column);
        self.diag(r, at, text.len(), message)
    }
}

/// An id from a CURIE column: `MBCKG:` removed, unescaped.
fn local_id(field: &str) -> String {
    unescape(field.strip_prefix(CURIE_PREFIX).unwrap_or(field))
}

/// `file:line:col` back into an [`Origin`].
fn parse_origin(s: &str) -> Option<Origin> {
    let mut it = s.rsplitn(3, ':');
    let col = it.next()?.parse().ok()?;
    let line = it.next()?.parse().ok()?;
    let file = it.next()?.to_string();
    Some(Origin { file, line, col })
}

/// Reads the KGX TSV that [`export`] writes (`nodes.tsv`, `edges.tsv`) back into a [`Dataset`].
///
/// Columns are found by their header names; extra columns are ignored. Every problem is reported
/// with its `nodes.tsv:line:col` or `edges.tsv:line:col`: a missing column, a line with the wrong
/// number of fields, a node without a known `mbckg_kind` (kinds outside our schema are not
/// supported), a duplicate id, an unknown relation, evidence or qualifier, an edge end that is
/// not a node, a relation the schema does not allow between the two kinds.
///
/// Sources are rebuilt from the distinct (`primary_knowledge_source`, `section`) pairs: one source
/// per id, titled with the id, listing those sections. Statements keep the origin of their
/// `origin` column (where the statement was curated) or, without one, their place in edges.tsv.
pub fn parse_kgx(nodes_tsv: &str, edges_tsv: &str) -> Result<Dataset, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut kinds: HashMap<String, Option<NodeKind>> = HashMap::new();
    let nodes = parse_nodes(nodes_tsv, &mut kinds, &mut errors);
    let (statements, sources) = parse_edges(edges_tsv, &kinds, &mut errors);
    if errors.is_empty() {
        Ok(Dataset {
            sources,
            nodes,
            statements,
        })
    } else {
        Err(errors)
    }
}

fn parse_nodes(
    text: &str,
    kinds: &mut HashMap<String, Option<NodeKind>>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Node> {
    let first_error = errors.len();
    let Some(t) = Table::open("nodes.tsv", text, &["id", "name"], errors) else {
        return Vec::new();
    };
    let [id_c, name_c, kind_c, category_c, synonym_c, xref_c, description_c] = [
        "id",
        "name",
        "mbckg_kind",
        "category",
        "synonym",
        "xref",
        "description",
    ]
    .map(|c| t.col(c));
    let mut problems = Vec::new();
    let mut first_line: HashMap<String, u32> = HashMap::new();
    let mut nodes = Vec::new();
    for r in t.records(errors) {
        let id = local_id(r.raw(id_c));
        if id.is_empty() {
            problems.push(t.at(&r, id_c, "empty node id"));
            continue;
        }
        if let Some(first) = first_line.get(&id) {
            problems.push(
                t.at(&r, id_c, format!("duplicate node id `{id}`"))
                    .with_help(format!("first defined at nodes.tsv:{first}")),
            );
            continue;
        }
        first_line.insert(id.clone(), r.line);
        // Our kind when the file names one; else the Biolink category, ours if it maps to one
        // kind, kept under its own name if not.
        let raw_kind = unescape(r.raw(kind_c));
        let category = split_list(r.raw(category_c))
            .into_iter()
            .next()
            .unwrap_or_default();
        let kind = match (raw_kind.is_empty(), category.is_empty()) {
            (false, _) => Some(NodeKind::named(&raw_kind)),
            (true, false) => Some(lexicon::kind_of_biolink(&category)),
            (true, true) => None,
        };
        kinds.insert(id.clone(), kind);
        let name = unescape(r.raw(name_c));
        if name.trim().is_empty() {
            problems.push(t.at(&r, name_c, format!("node `{id}` has an empty name")));
        }
        let Some(kind) = kind else {
            problems.push(unknown_kind(&t, &r, kind_c, &id));
            continue;
        };
        let note = unescape(r.raw(description_c));
        nodes.push(Node {
            id,
            kind,
            name,
            aliases: split_list(r.raw(synonym_c)),
            xrefs: split_list(r.raw(xref_c)),
            note: (!note.is_empty()).then_some(note),
            accepted: Vec::new(),
            origin: Origin {
                file: "nodes.tsv".to_string(),
                line: r.line,
                col: 1,
            },
        });
    }
    errors.append(&mut problems);
    errors[first_error..].sort_by(|a, b| a.origin.cmp(&b.origin));
    nodes
}

fn unknown_kind(t: &Table, r: &Record, kind_c: Option<usize>, id: &str) -> Diagnostic {
    t.at(
        r,
        kind_c,
        format!("node `{id}` has neither an mbckg_kind nor a category"),
    )
    .with_help(
        "give the node one of our kinds in `mbckg_kind`, or its Biolink category in `category`",
    )
}

/// The columns of edges.tsv that the reader uses, by position.
struct EdgeColumns {
    subject: Option<usize>,
    object: Option<usize>,
    relation: Option<usize>,
    predicate: Option<usize>,
    source: Option<usize>,
    section: Option<usize>,
    evidence: Option<usize>,
    note: Option<usize>,
    qualifiers: Option<usize>,
    origin: Option<usize>,
}

fn parse_edges(
    text: &str,
    kinds: &HashMap<String, Option<NodeKind>>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Statement>, Vec<Source>) {
    // Our own export writes every column; a third-party file needs only these.
    let required = ["subject", "object"];
    let first_error = errors.len();
    let Some(t) = Table::open("edges.tsv", text, &required, errors) else {
        return (Vec::new(), Vec::new());
    };
    let c = EdgeColumns {
        subject: t.col("subject"),
        object: t.col("object"),
        relation: t.col("mbckg_relation"),
        predicate: t.col("predicate"),
        source: t.col("primary_knowledge_source"),
        section: t.col("section"),
        evidence: t.col("evidence"),
        note: t.col("note"),
        qualifiers: t.col("qualifiers"),
        origin: t.col("origin"),
    };
    // Source id → (sections in order first seen, where the source was first cited).
    let mut cited: BTreeMap<String, (Vec<String>, Origin)> = BTreeMap::new();
    let mut statements = Vec::new();
    let mut problems = Vec::new();
    for r in t.records(errors) {
        let Some(st) = parse_edge(&t, &r, &c, kinds, &mut problems) else {
            continue;
        };
        let p = &st.provenance;
        match cited.get_mut(&p.source) {
            Some((sections, _)) => {
                if !sections.contains(&p.section) {
                    sections.push(p.section.clone());
                }
            }
            None => {
                let entry = (vec![p.section.clone()], st.origin.clone());
                cited.insert(p.source.clone(), entry);
            }
        }
        statements.push(st);
    }
    errors.append(&mut problems);
    errors[first_error..].sort_by(|a, b| a.origin.cmp(&b.origin));
    let sources = cited
        .into_iter()
        .map(|(id, (sections, origin))| Source {
            title: id.clone(),
            id,
            publisher: None,
            approved: None,
            url: None,
            sections: sections
                .into_iter()
                .map(|heading| Section {
                    heading,
                    updated: None,
                })
                .collect(),
            origin,
        })
        .collect();
    (statements, sources)
}

/// One statement from one line of edges.tsv; `None` after reporting its problems.
fn parse_edge(
    t: &Table,
    r: &Record,
    c: &EdgeColumns,
    kinds: &HashMap<String, Option<NodeKind>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let before = errors.len();
    let mut end = |column: Option<usize>, what: &str| {
        let id = local_id(r.raw(column));
        match kinds.get(&id) {
            Some(kind) => Some((id, *kind)),
            None => {
                errors.push(t.at(
                    r,
                    column,
                    format!("{what} `{id}` is not a node in nodes.tsv"),
                ));
                None
            }
        }
    };
    let subject = end(c.subject, "subject");
    let object = end(c.object, "object");
    // Our relation when the file names one; else the Biolink predicate, ours if it maps to one
    // relation, kept under its own name if not.
    let raw_rel = unescaped(r.raw(c.relation));
    let predicate = unescaped(r.raw(c.predicate));
    let relation = match (raw_rel.is_empty(), predicate.is_empty()) {
        (false, _) => Some(Relation::named(&raw_rel)),
        (true, false) => Some(lexicon::relation_of_biolink(&predicate)),
        (true, true) => {
            errors.push(t.at(
                r,
                c.relation,
                "an edge needs a predicate or an mbckg_relation",
            ));
            None
        }
    };
    let raw_ev = unescaped(r.raw(c.evidence));
    let evidence = if raw_ev.is_empty() {
        Some(Evidence::Unspecified)
    } else {
        Evidence::parse(&raw_ev)
    };
    if evidence.is_none() {
        errors.push(
            t.at(
                r,
                c.evidence,
                format!("unknown evidence category `{raw_ev}`"),
            )
            .with_help_opt(diag::did_you_mean(
                &raw_ev,
                Evidence::ALL.iter().map(|e| e.as_str()),
            )),
        );
    }
    let mut source = unescape(r.raw(c.source));
    if source.is_empty() {
        source = "unattributed".to_string();
    }
    let qualifiers = parse_qualifiers(r.raw(c.qualifiers))
        .map_err(|message| errors.push(t.at(r, c.qualifiers, message)))
        .unwrap_or_default();
    let ((subject, sk), (object, ok), mut relation, evidence) =
        (subject?, object?, relation?, evidence?);
    // A Biolink predicate we read as one of our relations stays its own relation when the kinds
    // it joins here are not ones ours joins (a `biolink:treats` between third-party kinds).
    if raw_rel.is_empty() {
        if let (Some(sk), Some(ok)) = (sk, ok) {
            if !lexicon::allows(relation, sk, ok) {
                relation = Relation::named(&predicate);
            }
        }
    }
    if let (Some(sk), Some(ok)) = (sk, ok) {
        if !lexicon::allows(relation, sk, ok) {
            let message = format!("relation `{relation}` cannot join a {sk} to a {ok}");
            errors.push(t.at(r, c.relation, message));
        }
    }
    if errors.len() > before {
        return None;
    }
    let (at, raw_origin) = r.get(c.origin);
    let origin = parse_origin(&unescaped(raw_origin)).unwrap_or_else(|| Origin {
        file: "edges.tsv".to_string(),
        line: r.line,
        col: r.text[..at].chars().count() as u32 + 1,
    });
    Some(Statement {
        subject,
        relation,
        object,
        qualifiers,
        provenance: Provenance {
            source,
            section: match unescape(r.raw(c.section)) {
                s if s.is_empty() => "(whole source)".to_string(),
                s => s,
            },
            evidence,
            note: unescape(r.raw(c.note)),
        },
        origin,
    })
}

/// Reads the qualifiers column written by [`qualifiers_text`].
fn parse_qualifiers(field: &str) -> Result<Qualifiers, String> {
    let mut q = Qualifiers::default();
    if field.is_empty() {
        return Ok(q);
    }
    for part in split_unescaped(field, '|') {
        let Some((name, value)) = part.split_once('=') else {
            return Err(format!(
                "qualifier `{}` has no value (write name=value)",
                unescape(part)
            ));
        };
        let text = || unescape(value);
        let list = || -> Vec<String> {
            split_unescaped(value, ';')
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(unescape)
                .collect()
        };
        let choice = |what: &str, allowed: &[&str]| {
            let v = unescape(value);
            if allowed.contains(&v.as_str()) {
                Ok(Some(v))
            } else {
                Err(format!(
                    "unknown {what} `{v}`; {what} is one of: {}",
                    allowed.join(", ")
                ))
            }
        };
        match name {
            "line" => q.line = choice("line of therapy", LINES)?,
            "frequency" => q.frequency = choice("frequency", FREQUENCIES)?,
            "risk" => q.risk = Some(text()),
            "schedule" => q.schedule = Some(text()),
            "condition" => q.condition = Some(text()),
            "population" => q.population = list(),
            "with" => q.with = list(),
            "min_count" => {
                let n = value
                    .parse()
                    .map_err(|_| format!("min_count `{}` is not a whole number", text()))?;
                q.min_count = Some(n);
            }
            other => {
                let known = [
                    "line",
                    "frequency",
                    "risk",
                    "schedule",
                    "condition",
                    "population",
                    "with",
                    "min_count",
                ];
                let hint = diag::did_you_mean(other, known)
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                return Err(format!("unknown qualifier `{}`{hint}", unescape(other)));
            }
        }
    }
    Ok(q)
}

// ---------------------------------------------------------------------------------------------
// JSON: borrowed views of the model, serialized as they stream out (no intermediate `Value` tree,
// which costs more than the text itself on a large graph). Fields in the order written here.

#[derive(Serialize)]
struct Document<'a> {
    nodes: Vec<NodeOut<'a>>,
    statements: Vec<StatementOut<'a>>,
    sources: Vec<SourceOut<'a>>,
}

#[derive(Serialize)]
struct NodeOut<'a> {
    id: &'a str,
    kind: &'static str,
    category: &'static str,
    name: &'a str,
    aliases: &'a [String],
    xrefs: &'a [String],
    note: Option<&'a str>,
    accepted: Vec<AcceptedOut<'a>>,
    origin: String,
}

#[derive(Serialize)]
struct AcceptedOut<'a> {
    rule: &'a str,
    why: &'a str,
}

impl<'a> NodeOut<'a> {
    fn of(n: &'a Node) -> NodeOut<'a> {
        NodeOut {
            id: &n.id,
            kind: n.kind.as_str(),
            category: lexicon::kind_info(n.kind).biolink,
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
struct StatementOut<'a> {
    subject: &'a str,
    relation: &'static str,
    predicate: &'static str,
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
struct QualifiersOut<'a> {
    line: Option<&'a str>,
    frequency: Option<&'a str>,
    risk: Option<&'a str>,
    population: &'a [String],
    with: &'a [String],
    schedule: Option<&'a str>,
    min_count: Option<u32>,
    condition: Option<&'a str>,
}

impl<'a> StatementOut<'a> {
    fn of(st: &'a Statement) -> StatementOut<'a> {
        let q = &st.qualifiers;
        let p = &st.provenance;
        StatementOut {
            subject: &st.subject,
            relation: st.relation.as_str(),
            predicate: lexicon::relation_info(st.relation).biolink,
            object: &st.object,
            qualifiers: QualifiersOut {
                line: q.line.as_deref(),
                frequency: q.frequency.as_deref(),
                risk: q.risk.as_deref(),
                population: &q.population,
                with: &q.with,
                schedule: q.schedule.as_deref(),
                min_count: q.min_count,
                condition: q.condition.as_deref(),
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
struct SourceOut<'a> {
    id: &'a str,
    title: &'a str,
    publisher: Option<&'a str>,
    approved: Option<&'a str>,
    url: Option<&'a str>,
    sections: Vec<SectionOut<'a>>,
    origin: String,
}

#[derive(Serialize)]
struct SectionOut<'a> {
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

fn to_json(sel: &Selection) -> String {
    let doc = Document {
        nodes: sel.nodes.iter().map(|n| NodeOut::of(n)).collect(),
        statements: sel.statements.iter().map(|s| StatementOut::of(s)).collect(),
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

    #[test]
    fn tsv_escape_round_trips() {
        let s = "a\\b\tc\nd\re|f;g";
        assert_eq!(escape(s, true, &['|']), "a\\\\b\\tc\\nd\\re\\|f;g");
        assert_eq!(unescape(&escape(s, true, &['|', ';'])), s);
        let list = vec!["x|y".to_string(), "z\\".to_string(), "w".to_string()];
        assert_eq!(split_list(&join_list(&list, true)), list);
        assert!(split_list("").is_empty());
    }

    #[test]
    fn qualifiers_round_trip() {
        let q = Qualifiers {
            line: Some("first".into()),
            risk: Some("2|5%".into()),
            population: vec!["a;b".into(), "c".into()],
            with: vec!["d".into()],
            min_count: Some(2),
            condition: Some("x=y; z".into()),
            ..Qualifiers::default()
        };
        let text = qualifiers_text(&q, true);
        assert_eq!(
            text,
            "line=first|risk=2\\|5%|condition=x=y; z|population=a\\;b;c|with=d|min_count=2"
        );
        assert_eq!(parse_qualifiers(&text), Ok(q));
        assert!(parse_qualifiers("line=1st").is_err());
        assert!(parse_qualifiers("lines=first")
            .unwrap_err()
            .contains("`line`"));
    }

    #[test]
    fn cypher_strings_escape_quotes_and_comments() {
        assert_eq!(cypher_str("it's // a\\b\n"), "'it\\'s // a\\\\b\\n'");
        assert_eq!(pascal_case("organ_system"), "OrganSystem");
        assert_eq!(cypher_name("SideEffect"), "SideEffect");
        assert_eq!(cypher_name("Biolink:Gene"), "`Biolink:Gene`");
        assert_eq!(cypher_name("a`b"), "`a``b`");
    }

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml("<a & 'b'>\"\u{1}"),
            "&lt;a &amp; &apos;b&apos;&gt;&quot;\u{FFFD}"
        );
    }

    #[test]
    fn origins_parse_back() {
        let o = Origin {
            file: "graph-data/drugs/x.toml".into(),
            line: 4,
            col: 1,
        };
        assert_eq!(parse_origin(&o.to_string()), Some(o));
        assert_eq!(parse_origin("nowhere"), None);
    }

    #[test]
    fn kgx_node_without_kind_is_reported_with_its_line() {
        let nodes = "id\tname\tmbckg_kind\nMBCKG:a\tA\tdrug\nMBCKG:b\tB\tgene\nMBCKG:c\tC\t\n";
        let errs = parse_kgx(
            nodes,
            "subject\tobject\tmbckg_relation\tprimary_knowledge_source\tsection\tevidence\tnote\n",
        )
        .unwrap_err();
        // `gene` is a kind of its own; a node with no kind at all is an error.
        let places: Vec<String> = errs.iter().map(|d| d.origin.to_string()).collect();
        assert_eq!(places, ["nodes.tsv:4:11"]);
        assert!(
            errs[0]
                .message
                .contains("has neither an mbckg_kind nor a category"),
            "{errs:#?}"
        );
    }

    #[test]
    fn kgx_reports_missing_columns_and_ragged_lines() {
        let errs = parse_kgx("id\tname\n", "subject\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(errs[0].message.contains("`object`"), "{errs:#?}");
        let errs = parse_kgx("id\tname\tmbckg_kind\nMBCKG:a\tA\n", "").unwrap_err();
        assert!(errs[0].message.contains("has 2 fields"), "{errs:#?}");
    }
}
