//! Turns a [`ResultSet`] into text: a terminal table, JSON, JSON Lines, CSV, TSV, Markdown or
//! Graphviz DOT; and a [`Diagnostic`] into (optionally coloured) text.
//!
//! Every string from the graph or the query is escaped for the format it lands in, so a name
//! holding a quote, a pipe or a newline cannot break a CSV row, a Markdown table or a DOT file.
//! Output is deterministic: the same result renders to the same bytes. Rows with fewer cells than
//! columns render the missing cells as empty; nothing here panics on any input.
//!
//! This module must not print, read files or look at the graph: it sees only the `ResultSet`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Severity};
use crate::output::escape::dot_str;
use crate::query::eval::{ResultSet, Row, Step};

/// An output format for a [`ResultSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Aligned columns for a terminal, with a `3 drugs` footer.
    Table,
    /// One pretty-printed JSON document (shape documented on [`render`]).
    Json,
    /// One compact JSON object per row, one per line.
    Jsonl,
    /// RFC 4180 comma-separated values with a header line.
    Csv,
    /// Tab-separated values with a header line; tabs, newlines and backslashes escaped.
    Tsv,
    /// A GitHub table, the count, and a "Sources" list of the witness statements.
    Markdown,
    /// A Graphviz digraph of the rows' nodes and their witness statements.
    Dot,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 7] = [
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Tsv,
        Format::Markdown,
        Format::Dot,
    ];

    /// The name users type (`as csv`, `--format csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Markdown => "markdown",
            Format::Dot => "dot",
        }
    }

    /// Whether the format shows the statements behind each row.
    pub fn shows_witnesses(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Jsonl | Format::Markdown | Format::Dot
        )
    }

    /// Reads a format name, ignoring case; `md` is accepted for `markdown`.
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.to_ascii_lowercase();
        if s == "md" {
            return Some(Format::Markdown);
        }
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a [`Format::Table`] is dressed; the other formats ignore these options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Print the "Interpreted as: …" line and the notes above the table.
    pub interpretation: bool,
    /// ANSI bold header and dim footer. Off in tests and pipes.
    pub color: bool,
}

/// Renders `rs` as text in `format`. The text ends with a newline unless it is empty.
///
/// [`Format::Json`] is one object (object keys come out in alphabetical order, which is stable):
///
/// ```text
/// {
///   "statement": "…",            canonical text of the statement
///   "interpretation": "…",       how it was understood
///   "notes": ["…"],
///   "columns": ["drug", …],
///   "rows": [{
///     "id": "trastuzumab" | null,
///     "kind": "drug" | null,
///     "cells": ["…", …],         one string per column, in column order
///     "witnesses": [[step, …], …]
///   }],
///   "count": 3                   number of rows
/// }
/// ```
///
/// where a step is `{"subject", "subject_name", "relation", "object", "object_name",
/// "qualifiers": {name: value}, "source", "section", "evidence", "note", "origin"}`, all strings.
/// [`Format::Jsonl`] writes each row object, plus its `"statement"`, compactly on its own line.
pub fn render(rs: &ResultSet, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Table => table(rs, opts),
        Format::Json => format!("{:#}\n", json_document(rs)),
        Format::Jsonl => jsonl(rs),
        Format::Csv => delimited(rs, csv_line),
        Format::Tsv => delimited(rs, tsv_line),
        Format::Markdown => markdown(rs),
        Format::Dot => dot(rs),
    }
}

/// Renders a diagnostic as [`Diagnostic::render`] does; with `color`, the severity word is bold
/// (red for errors, yellow for warnings) and the carets take the same colour.
pub fn render_diagnostic(d: &Diagnostic, color: bool) -> String {
    let plain = d.render();
    if !color {
        return plain;
    }
    let paint = match d.severity {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1m",
    };
    let word = d.severity.as_str();
    let mut out = String::with_capacity(plain.len() + 32);
    for (i, line) in plain.split_inclusive('\n').enumerate() {
        let (text, end) = line.strip_suffix('\n').map_or((line, ""), |t| (t, "\n"));
        if i == 0 && text.starts_with(word) {
            out.push_str(&format!("{paint}{word}{RESET}{}", &text[word.len()..]));
        } else if let Some(at) = caret_start(text) {
            out.push_str(&format!("{}{paint}{}{RESET}", &text[..at], &text[at..]));
        } else {
            out.push_str(text);
        }
        out.push_str(end);
    }
    out
}

const RESET: &str = "\x1b[0m";

/// Where the carets start in a `   |    ^^^^` line, if `line` is one.
fn caret_start(line: &str) -> Option<usize> {
    let rest = line.trim_start_matches(' ').strip_prefix('|')?;
    let carets = rest.trim_start_matches([' ', '\t']);
    let only_carets = !carets.is_empty() && carets.chars().all(|c| c == '^');
    only_carets.then(|| line.len() - carets.len())
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// The cell of `row` under column `i`; missing cells are empty.
fn cell(row: &Row, i: usize) -> &str {
    row.cells.get(i).map_or("", String::as_str)
}

/// `3 drugs`, `1 drug`, `0 drugs`; `rows` when the result names no noun.
fn count_line(rs: &ResultSet) -> String {
    let n = rs.rows.len();
    let (one, many) = match &rs.noun {
        (a, b) if a.is_empty() && b.is_empty() => ("row", "rows"),
        (a, b) => (a.as_str(), b.as_str()),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Every witness step of every row, each distinct step once, in first-seen order.
fn distinct_steps(rs: &ResultSet) -> Vec<&Step> {
    let mut seen = HashSet::new();
    let all = rs.rows.iter().flat_map(|r| r.witnesses.iter().flatten());
    all.filter(|s| seen.insert(step_key(s))).collect()
}

/// Every field of a step, so steps can be deduplicated with a hash set.
type StepKey<'a> = ([&'a str; 10], &'a [(String, String)]);

fn step_key(s: &Step) -> StepKey<'_> {
    let fields = [
        &s.subject,
        &s.subject_name,
        &s.relation,
        &s.object,
        &s.object_name,
        &s.source,
        &s.section,
        &s.evidence,
        &s.note,
        &s.origin,
    ];
    (fields.map(String::as_str), &s.qualifiers)
}

// ---------------------------------------------------------------------------------------------
// Table

/// Aligned columns, two spaces apart, widths in characters; no trailing spaces.
fn table(rs: &ResultSet, opts: &RenderOptions) -> String {
    let mut out = String::new();
    if opts.interpretation && !rs.interpretation.is_empty() {
        push_line(
            &mut out,
            &format!("Interpreted as: {}", one_line(&rs.interpretation)),
        );
    }
    // With no columns the notes are the whole answer (a node card), so they always show.
    if opts.interpretation || rs.columns.is_empty() {
        for note in &rs.notes {
            push_line(&mut out, &one_line(note));
        }
    }
    if !rs.columns.is_empty() {
        table_body(&mut out, rs, opts.color);
    }
    let footer = count_line(rs);
    if opts.color {
        push_line(&mut out, &format!("\x1b[2m{footer}{RESET}"));
    } else {
        push_line(&mut out, &footer);
    }
    out
}

fn table_body(out: &mut String, rs: &ResultSet, color: bool) {
    let n = rs.columns.len();
    let header: Vec<String> = rs.columns.iter().map(|c| one_line(c)).collect();
    let body: Vec<Vec<String>> = rs
        .rows
        .iter()
        .map(|r| (0..n).map(|i| one_line(cell(r, i))).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &body {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let head = padded(&header, &widths);
    if color {
        push_line(out, &format!("\x1b[1m{head}{RESET}"));
    } else {
        push_line(out, &head);
    }
    for row in &body {
        push_line(out, &padded(row, &widths));
    }
}

fn padded(cells: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(c);
        let pad = w.saturating_sub(c.chars().count());
        line.push_str(&" ".repeat(pad));
    }
    line.trim_end_matches(' ').to_string()
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// A string fit for one terminal line: line breaks and tabs become spaces, other control
/// characters (escape sequences included) become `�`.
fn one_line(s: &str) -> String {
    s.replace("\r\n", " ")
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// JSON and JSON Lines

fn json_document(rs: &ResultSet) -> Value {
    let mut doc = Map::new();
    doc.insert("statement".into(), rs.statement.clone().into());
    doc.insert("interpretation".into(), rs.interpretation.clone().into());
    doc.insert("notes".into(), rs.notes.clone().into());
    doc.insert("columns".into(), rs.columns.clone().into());
    let rows = rs.rows.iter().map(|r| Value::Object(json_row(rs, r)));
    doc.insert("rows".into(), Value::Array(rows.collect()));
    doc.insert("count".into(), rs.rows.len().into());
    Value::Object(doc)
}

fn jsonl(rs: &ResultSet) -> String {
    let mut out = String::new();
    for row in &rs.rows {
        let mut obj = json_row(rs, row);
        obj.insert("statement".into(), rs.statement.clone().into());
        push_line(&mut out, &Value::Object(obj).to_string());
    }
    out
}

fn json_row(rs: &ResultSet, row: &Row) -> Map<String, Value> {
    let cells = (0..rs.columns.len()).map(|i| Value::from(cell(row, i)));
    let witnesses = row
        .witnesses
        .iter()
        .map(|chain| Value::Array(chain.iter().map(json_step).collect()));
    let mut obj = Map::new();
    obj.insert("id".into(), row.id.clone().into());
    obj.insert("kind".into(), row.kind.map(|k| k.as_str()).into());
    obj.insert("cells".into(), Value::Array(cells.collect()));
    obj.insert("witnesses".into(), Value::Array(witnesses.collect()));
    obj
}

fn json_step(s: &Step) -> Value {
    let qualifiers: Map<String, Value> = s
        .qualifiers
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let mut obj = Map::new();
    for (key, value) in [
        ("subject", &s.subject),
        ("subject_name", &s.subject_name),
        ("relation", &s.relation),
        ("object", &s.object),
        ("object_name", &s.object_name),
        ("source", &s.source),
        ("section", &s.section),
        ("evidence", &s.evidence),
        ("note", &s.note),
        ("origin", &s.origin),
    ] {
        obj.insert(key.into(), value.as_str().into());
    }
    obj.insert("qualifiers".into(), Value::Object(qualifiers));
    Value::Object(obj)
}

// ---------------------------------------------------------------------------------------------
// CSV and TSV

/// A header line and one line per row; nothing at all when there are no columns.
fn delimited(rs: &ResultSet, line: fn(&mut String, &[&str])) -> String {
    let mut out = String::new();
    if rs.columns.is_empty() {
        return out;
    }
    let header: Vec<&str> = rs.columns.iter().map(String::as_str).collect();
    line(&mut out, &header);
    for row in &rs.rows {
        let cells: Vec<&str> = (0..rs.columns.len()).map(|i| cell(row, i)).collect();
        line(&mut out, &cells);
    }
    out
}

/// One RFC 4180 record: fields holding a comma, quote, CR or LF are quoted, quotes doubled.
/// A lone empty field is written `""` so the line is not mistaken for a blank one.
fn csv_line(out: &mut String, fields: &[&str]) {
    if let [""] = fields {
        push_line(out, "\"\"");
        return;
    }
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push('\n');
}

/// One TSV line: tab, LF, CR and backslash inside a field become `\t`, `\n`, `\r`, `\\`.
fn tsv_line(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        for c in f.chars() {
            match c {
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// A GitHub table, a blank line, the count, then the witness statements as a "Sources" list —
/// the citation list researchers export with `why … as markdown`.
fn markdown(rs: &ResultSet) -> String {
    let mut out = String::new();
    if !rs.columns.is_empty() {
        let n = rs.columns.len();
        let header: Vec<&str> = rs.columns.iter().map(String::as_str).collect();
        md_row(&mut out, &header);
        push_line(&mut out, &format!("|{}", " --- |".repeat(n)));
        for row in &rs.rows {
            let cells: Vec<&str> = (0..n).map(|i| cell(row, i)).collect();
            md_row(&mut out, &cells);
        }
        out.push('\n');
    }
    push_line(&mut out, &count_line(rs));
    let steps = distinct_steps(rs);
    if !steps.is_empty() {
        out.push_str("\nSources:\n\n");
        for step in steps {
            push_line(&mut out, &format!("- {}", md_source(step)));
        }
    }
    out
}

fn md_row(out: &mut String, cells: &[&str]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&md_inline(c));
        out.push_str(" |");
    }
    out.push('\n');
}

/// `subject —relation→ object: source, “section” (evidence) — note`, empty parts left out.
fn md_source(s: &Step) -> String {
    let mut line = format!(
        "{} —{}→ {}",
        md_block_start(&md_inline(&s.subject_name)),
        md_inline(&s.relation),
        md_inline(&s.object_name)
    );
    let mut cited = Vec::new();
    if !s.source.is_empty() {
        cited.push(md_inline(&s.source));
    }
    if !s.section.is_empty() {
        cited.push(format!("“{}”", md_inline(&s.section)));
    }
    if !cited.is_empty() {
        line.push_str(&format!(": {}", cited.join(", ")));
    }
    if !s.evidence.is_empty() {
        line.push_str(&format!(" ({})", md_inline(&s.evidence)));
    }
    if !s.note.is_empty() {
        line.push_str(&format!(" — {}", md_inline(&s.note)));
    }
    line
}

/// Text that renders as itself inside a Markdown table cell or paragraph: inline markup,
/// HTML and the table's pipe are backslash-escaped, line breaks become `<br>`, other control
/// characters become `�`.
fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br>"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escaped inline text that also cannot open a block (heading, list, setext underline,
/// indented code) when it starts a list item.
fn md_block_start(escaped: &str) -> String {
    let s = escaped.trim_start();
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match s[digits..].chars().next() {
        Some('.' | ')') if digits > 0 => format!("{}\\{}", &s[..digits], &s[digits..]),
        Some('#' | '+' | '-' | '=') if digits == 0 => format!("\\{s}"),
        _ => s.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// DOT

/// A digraph: one node per distinct id (rows first-seen, then their witness steps), one edge per
/// distinct witness step labelled with its relation. A node's label is the name its witness
/// steps give it, else the row's first cell, else its id.
fn dot(rs: &ResultSet) -> String {
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
struct Nodes<'a> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeKind;

    const HOSTILE: &str = "a \"q\", b\\c\nd\te|f <g> & h\r\n";

    fn step(subject: &str, relation: &str, object: &str) -> Step {
        Step {
            subject: subject.to_lowercase(),
            subject_name: subject.to_string(),
            relation: relation.to_string(),
            object: object.to_lowercase(),
            object_name: object.to_string(),
            qualifiers: vec![("line".into(), "first".into())],
            source: "NCCN Breast v4.2024".into(),
            section: "BINV-Q".into(),
            evidence: "category 1".into(),
            note: String::new(),
            origin: "drugs/x.toml:3:1".into(),
        }
    }

    fn row(id: &str, cells: &[&str], witnesses: Vec<Vec<Step>>) -> Row {
        Row {
            cells: cells.iter().map(|c| c.to_string()).collect(),
            id: Some(id.to_string()),
            kind: Some(NodeKind::Drug),
            witnesses,
        }
    }

    fn result(columns: &[&str], rows: Vec<Row>) -> ResultSet {
        ResultSet {
            statement: "which drugs target HER2?".into(),
            interpretation: "drug —targets→ HER2".into(),
            notes: vec!["note: HER2 is a target".into()],
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            noun: ("drug".into(), "drugs".into()),
        }
    }

    fn her2() -> ResultSet {
        let targets = |d: &str| vec![vec![step(d, "targets", "HER2")]];
        result(
            &["drug", "class"],
            vec![
                row(
                    "trastuzumab",
                    &["Trastuzumab", "monoclonal antibody"],
                    targets("Trastuzumab"),
                ),
                row("tucatinib", &["Tucatinib", "TKI"], targets("Tucatinib")),
                row("t-dxd", &["Trastuzumab deruxtecan", "ADC"], vec![]),
            ],
        )
    }

    fn plain(rs: &ResultSet, format: Format) -> String {
        render(rs, format, &RenderOptions::default())
    }

    fn hostile() -> ResultSet {
        let mut s = step(HOSTILE, HOSTILE, HOSTILE);
        s.subject = HOSTILE.into();
        s.object = format!("{HOSTILE}2");
        s.note = HOSTILE.into();
        result(
            &["name", HOSTILE],
            vec![row(HOSTILE, &[HOSTILE, "x"], vec![vec![s]])],
        )
    }

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
            assert_eq!(Format::parse(&f.as_str().to_uppercase()), Some(f));
        }
        assert_eq!(Format::parse("MD"), Some(Format::Markdown));
        assert_eq!(Format::parse("xml"), None);
        assert_eq!(Format::parse(""), None);
    }

    #[test]
    fn table_aligns_columns_by_characters() {
        let mut rs = her2();
        rs.rows[1].cells[0] = "Tücatinib".into();
        insta::assert_snapshot!(plain(&rs, Format::Table), @r"
        drug                    class
        Trastuzumab             monoclonal antibody
        Tücatinib               TKI
        Trastuzumab deruxtecan  ADC
        3 drugs
        ");
    }

    #[test]
    fn table_shows_interpretation_and_notes_when_asked() {
        let opts = RenderOptions {
            interpretation: true,
            color: false,
        };
        let rs = result(&["drug"], vec![row("x", &["X"], vec![])]);
        insta::assert_snapshot!(render(&rs, Format::Table, &opts), @r"
        Interpreted as: drug —targets→ HER2
        note: HER2 is a target
        drug
        X
        1 drug
        ");
    }

    #[test]
    fn table_of_nothing_has_header_and_zero_footer() {
        assert_eq!(
            plain(&result(&["drug", "class"], vec![]), Format::Table),
            "drug  class\n0 drugs\n"
        );
    }

    #[test]
    fn table_without_columns_prints_notes_and_footer() {
        let rs = result(&[], vec![]);
        assert_eq!(
            plain(&rs, Format::Table),
            "note: HER2 is a target\n0 drugs\n"
        );
    }

    #[test]
    fn table_has_no_trailing_spaces_and_flattens_line_breaks() {
        let rs = result(
            &["a", "b"],
            vec![
                row("x", &["long cell", ""], vec![]),
                row("y", &["p\nq\r\nr", "\x1b[31m"], vec![]),
            ],
        );
        let text = plain(&rs, Format::Table);
        assert_eq!(
            text,
            "a          b\nlong cell\np q r      \u{FFFD}[31m\n2 drugs\n"
        );
        assert!(text.lines().all(|l| !l.ends_with(' ')));
    }

    #[test]
    fn table_treats_missing_cells_as_empty() {
        let rs = result(
            &["a", "b", "c"],
            vec![
                row("x", &["1"], vec![]),
                row("y", &["1", "2", "3", "4"], vec![]),
            ],
        );
        assert_eq!(plain(&rs, Format::Table), "a  b  c\n1\n1  2  3\n2 drugs\n");
    }

    #[test]
    fn table_colours_header_and_footer_only_when_asked() {
        let opts = RenderOptions {
            interpretation: false,
            color: true,
        };
        let rs = result(&["drug"], vec![]);
        assert_eq!(
            render(&rs, Format::Table, &opts),
            "\x1b[1mdrug\x1b[0m\n\x1b[2m0 drugs\x1b[0m\n"
        );
        assert!(!render(&rs, Format::Csv, &opts).contains('\x1b'));
    }

    #[test]
    fn footer_falls_back_to_rows_without_a_noun() {
        let mut rs = result(&["a"], vec![row("x", &["1"], vec![])]);
        rs.noun = Default::default();
        assert!(plain(&rs, Format::Table).ends_with("\n1 row\n"));
    }

    #[test]
    fn json_has_the_documented_shape() {
        let rs = result(
            &["drug", "class"],
            vec![row(
                "trastuzumab",
                &["Trastuzumab"],
                vec![vec![step("Trastuzumab", "targets", "HER2")]],
            )],
        );
        insta::assert_snapshot!(plain(&rs, Format::Json), @r#"
        {
          "columns": [
            "drug",
            "class"
          ],
          "count": 1,
          "interpretation": "drug —targets→ HER2",
          "notes": [
            "note: HER2 is a target"
          ],
          "rows": [
            {
              "cells": [
                "Trastuzumab",
                ""
              ],
              "id": "trastuzumab",
              "kind": "drug",
              "witnesses": [
                [
                  {
                    "evidence": "category 1",
                    "note": "",
                    "object": "her2",
                    "object_name": "HER2",
                    "origin": "drugs/x.toml:3:1",
                    "qualifiers": {
                      "line": "first"
                    },
                    "relation": "targets",
                    "section": "BINV-Q",
                    "source": "NCCN Breast v4.2024",
                    "subject": "trastuzumab",
                    "subject_name": "Trastuzumab"
                  }
                ]
              ]
            }
          ],
          "statement": "which drugs target HER2?"
        }
        "#);
    }

    #[test]
    fn json_keeps_hostile_strings_exact() {
        let rs = hostile();
        let v: Value = serde_json::from_str(&plain(&rs, Format::Json)).expect("valid JSON");
        assert_eq!(v["columns"][1], HOSTILE);
        assert_eq!(v["rows"][0]["id"], HOSTILE);
        assert_eq!(v["rows"][0]["cells"][0], HOSTILE);
        assert_eq!(v["rows"][0]["witnesses"][0][0]["note"], HOSTILE);
    }

    #[test]
    fn json_of_an_empty_result_has_nulls_and_zero() {
        let mut rs = ResultSet::default();
        rs.rows.push(Row::default());
        let v: Value = serde_json::from_str(&plain(&rs, Format::Json)).expect("valid JSON");
        assert_eq!(v["count"], 1);
        assert_eq!(v["rows"][0]["id"], Value::Null);
        assert_eq!(v["rows"][0]["kind"], Value::Null);
        assert_eq!(v["rows"][0]["cells"], serde_json::json!([]));
    }

    #[test]
    fn jsonl_is_one_object_per_row() {
        let text = plain(&her2(), Format::Jsonl);
        assert_eq!(text.lines().count(), 3);
        for (line, id) in text.lines().zip(["trastuzumab", "tucatinib", "t-dxd"]) {
            let v: Value = serde_json::from_str(line).expect("valid JSON");
            assert_eq!(v["id"], id);
            assert_eq!(v["statement"], "which drugs target HER2?");
        }
        let h: Value =
            serde_json::from_str(plain(&hostile(), Format::Jsonl).trim_end()).expect("one line");
        assert_eq!(h["cells"][0], HOSTILE);
        assert_eq!(plain(&result(&["a"], vec![]), Format::Jsonl), "");
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let rs = result(
            &["drug", "note"],
            vec![
                row("x", &["plain", "a,b"], vec![]),
                row("y", &["say \"hi\"", "l1\nl2"], vec![]),
                row("z", &["cr\r"], vec![]),
            ],
        );
        assert_eq!(
            plain(&rs, Format::Csv),
            "drug,note\nplain,\"a,b\"\n\"say \"\"hi\"\"\",\"l1\nl2\"\n\"cr\r\",\n"
        );
    }

    #[test]
    fn csv_keeps_formula_like_and_backslashed_data_exact() {
        let rs = result(
            &["a"],
            vec![
                row("x", &["=1+2"], vec![]),
                row("y", &["b\\c"], vec![]),
                row("z", &[""], vec![]),
            ],
        );
        assert_eq!(plain(&rs, Format::Csv), "a\n=1+2\nb\\c\n\"\"\n");
        assert_eq!(plain(&result(&[], vec![]), Format::Csv), "");
    }

    #[test]
    fn tsv_escapes_tabs_newlines_and_backslashes() {
        let rs = hostile();
        assert_eq!(
            plain(&rs, Format::Tsv),
            "name\ta \"q\", b\\\\c\\nd\\te|f <g> & h\\r\\n\n\
             a \"q\", b\\\\c\\nd\\te|f <g> & h\\r\\n\tx\n"
        );
    }

    #[test]
    fn markdown_escapes_cells_and_lists_sources_once() {
        let mut rs = her2();
        let again = rs.rows[0].witnesses[0].clone();
        rs.rows[1].witnesses.push(again);
        rs.rows[1].witnesses[0][0].note = "dose-adjust".into();
        rs.rows[2].cells[1] = "a|b\nc".into();
        insta::assert_snapshot!(plain(&rs, Format::Markdown), @r"
        | drug | class |
        | --- | --- |
        | Trastuzumab | monoclonal antibody |
        | Tucatinib | TKI |
        | Trastuzumab deruxtecan | a\|b<br>c |

        3 drugs

        Sources:

        - Trastuzumab —targets→ HER2: NCCN Breast v4.2024, “BINV-Q” (category 1)
        - Tucatinib —targets→ HER2: NCCN Breast v4.2024, “BINV-Q” (category 1) — dose-adjust
        ");
    }

    #[test]
    fn markdown_neutralises_hostile_strings() {
        let text = plain(&hostile(), Format::Markdown);
        let esc = r#"a "q", b\\c<br>d	e\|f \<g\> \& h<br>"#;
        assert_eq!(
            text,
            format!("| name | {esc} |\n| --- | --- |\n| {esc} | x |\n\n1 drug\n\nSources:\n\n- {esc} —{esc}→ {esc}: NCCN Breast v4.2024, “BINV-Q” (category 1) — {esc}\n")
        );
    }

    #[test]
    fn markdown_source_lines_cannot_open_blocks() {
        assert_eq!(md_block_start("# x"), "\\# x");
        assert_eq!(md_block_start("1. x"), "1\\. x");
        assert_eq!(md_block_start("12) x"), "12\\) x");
        assert_eq!(md_block_start("    - x"), "\\- x");
        assert_eq!(md_block_start("5-FU"), "5-FU");
    }

    #[test]
    fn markdown_without_columns_is_just_the_count() {
        assert_eq!(plain(&result(&[], vec![]), Format::Markdown), "0 drugs\n");
    }

    #[test]
    fn dot_has_each_node_and_statement_once() {
        let mut rs = her2();
        let again = rs.rows[0].witnesses[0].clone();
        rs.rows[0].witnesses.push(again);
        insta::assert_snapshot!(plain(&rs, Format::Dot), @r#"
        digraph mbckg {
          "trastuzumab" [label="Trastuzumab"];
          "her2" [label="HER2"];
          "tucatinib" [label="Tucatinib"];
          "t-dxd" [label="Trastuzumab deruxtecan"];
          "trastuzumab" -> "her2" [label="targets"];
          "tucatinib" -> "her2" [label="targets"];
        }
        "#);
    }

    #[test]
    fn dot_escapes_ids_and_labels() {
        let text = plain(&hostile(), Format::Dot);
        let esc = r#""a \"q\", b\\c\nd	e|f <g> &amp; h\n""#;
        let esc2 = r#""a \"q\", b\\c\nd	e|f <g> &amp; h\n2""#;
        assert_eq!(
            text,
            format!("digraph mbckg {{\n  {esc} [label={esc}];\n  {esc2} [label={esc}];\n  {esc} -> {esc2} [label={esc}];\n}}\n")
        );
        assert_eq!(
            plain(&ResultSet::default(), Format::Dot),
            "digraph mbckg {\n}\n"
        );
    }

    #[test]
    fn every_format_survives_ragged_and_empty_input() {
        let mut ragged = hostile();
        ragged.rows.push(Row::default());
        ragged.rows.push(Row {
            cells: vec!["only".into(); 5],
            ..Row::default()
        });
        for rs in [
            ragged,
            ResultSet::default(),
            result(&[], vec![row("x", &["1"], vec![vec![]])]),
        ] {
            for f in Format::ALL {
                for interpretation in [false, true] {
                    for color in [false, true] {
                        let text = render(
                            &rs,
                            f,
                            &RenderOptions {
                                interpretation,
                                color,
                            },
                        );
                        assert!(text.is_empty() || text.ends_with('\n'), "{f}: {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn diagnostic_renders_plain_or_coloured() {
        let text = "id = \"x\"\nrelation = \"tagets\"\n";
        let d = crate::diag::at_span("f.toml", text, 20, 26, "unknown relation `tagets`");
        assert_eq!(render_diagnostic(&d, false), d.render());
        let coloured = render_diagnostic(&d, true);
        assert!(coloured.starts_with("\x1b[1;31merror\x1b[0m: unknown relation"));
        assert!(coloured.contains("  |            \x1b[1;31m^^^^^^\x1b[0m\n"));
        assert_eq!(
            coloured.replace("\x1b[1;31m", "").replace(RESET, ""),
            d.render()
        );
        let mut w = d.clone();
        w.severity = Severity::Warning;
        assert!(render_diagnostic(&w, true).starts_with("\x1b[1;33mwarning\x1b[0m:"));
    }
}
