//! An SVG drawing made by our own layout: one column per kind, boxes and curves, no Graphviz needed.

use std::fmt::Write as _;

use super::*;
use crate::output::escape::{xml, XML_DECL};

// ---------------------------------------------------------------------------------------------
// SVG: one column per node kind (in `NodeKind::ALL` order), nodes stacked by id, statements as
// curves from the right side of the subject to the left side of the object. Integer coordinates.

/// Approximate advance of one character at font-size 12.
pub(crate) const CHAR_W: i64 = 7;
pub(crate) const BOX_H: i64 = 24;
pub(crate) const ROW_GAP: i64 = 10;
pub(crate) const COL_GAP: i64 = 110;
pub(crate) const MARGIN: i64 = 20;
pub(crate) const HEADER_H: i64 = 30;
/// Longer names are cut (with `…`) in the box; the box's tooltip has the whole name.
pub(crate) const MAX_LABEL: usize = 36;

/// Where a node's box is.
#[derive(Clone, Copy)]
pub(crate) struct Place {
    col: usize,
    x: i64,
    y: i64,
    w: i64,
}

/// The text in a node's box: one line (SVG text does not break), cut at `MAX_LABEL` characters.
pub(crate) fn label(name: &str) -> String {
    let one_line = name.replace("\r\n", " ").replace(['\n', '\r', '\t'], " ");
    if one_line.chars().count() <= MAX_LABEL {
        return one_line;
    }
    let mut s: String = one_line.chars().take(MAX_LABEL - 1).collect();
    s.push('…');
    s
}

pub(crate) fn to_svg(sel: &Selection) -> String {
    let columns: Vec<(NodeKind, Vec<&Node>)> = NodeKind::ALL
        .iter()
        .map(|k| (*k, sel.nodes.iter().filter(|n| n.kind == *k).collect()))
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
            xml(&header)
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
            xml(&lexicon::singular(n.kind)),
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
pub(crate) fn curve(a: &Place, b: &Place) -> String {
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
