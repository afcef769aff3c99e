//! Turns a [`ResultSet`] into text: a terminal table, JSON, JSON Lines, CSV, TSV, Markdown or
//! Graphviz DOT; and a [`Diagnostic`] into (optionally coloured) text.
//!
//! Every string from the graph or the query is escaped for the format it lands in, so a name
//! holding a quote, a pipe or a newline cannot break a CSV row, a Markdown table or a DOT file.
//! Output is deterministic: the same result renders to the same bytes. Rows with fewer cells than
//! columns render the missing cells as empty; nothing here panics on any input.
//!
//! This module must not print, read files or look at the graph: it sees only the `ResultSet`.

mod delimited;
mod dot;
mod json;
mod markdown;
mod table;

use delimited::{csv_line, delimited, tsv_line};
use dot::dot;
use json::{json_document, jsonl};
use markdown::markdown;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Severity};
use crate::output::escape::dot_str;
use crate::query::eval::{ResultSet, Row, Step};

pub use crate::model::Format;

/// How a [`Format::Table`] is dressed; the other formats ignore these options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Print the "Interpreted as: …" line and the notes above the table.
    pub interpretation: bool,
    /// ANSI bold header and dim footer. Off in tests and pipes.
    pub color: bool,
    /// Fit the table to this many terminal columns (wrap, or one block per row); `None` leaves
    /// lines as long as they are. Machine formats always carry the full text.
    pub width: Option<usize>,
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
/// where a step is a statement in the shape of `schema/statement.schema.json`, the shape the JSON
/// export uses too: `{"subject", "subject_name", "relation", "predicate", "negated", "object",
/// "object_name", "qualifiers": {every qualifier, null or [] when absent}, "source", "section",
/// "evidence", "note", "origin"}`.
/// [`Format::Jsonl`] writes each row object, plus its `"statement"`, compactly on its own line.
pub fn render(rs: &ResultSet, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Table => table::table(rs, opts),
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
pub(super) fn cell(row: &Row, i: usize) -> &str {
    row.cells.get(i).map_or("", String::as_str)
}

/// `3 drugs`, `1 drug`, `0 drugs`; `rows` when the result names no noun.
pub(super) fn count_line(rs: &ResultSet) -> String {
    let n = rs.rows.len();
    let (one, many) = match &rs.noun {
        (a, b) if a.is_empty() && b.is_empty() => ("row", "rows"),
        (a, b) => (a.as_str(), b.as_str()),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Every witness step of every row, each distinct step once, in first-seen order.
pub(super) fn distinct_steps(rs: &ResultSet) -> Vec<&Step> {
    let mut seen = HashSet::new();
    let all = rs.rows.iter().flat_map(|r| r.witnesses.iter().flatten());
    all.filter(|s| seen.insert(step_key(s))).collect()
}

/// Every field of a step, so steps can be deduplicated with a hash set.
type StepKey<'a> = ([&'a str; 10], &'a crate::model::Qualifiers);

pub(super) fn step_key(s: &Step) -> StepKey<'_> {
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

pub(super) fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// A string fit for one terminal line: line breaks and tabs become spaces, other control
/// characters (escape sequences included) become `�`.
pub(super) fn one_line(s: &str) -> Cow<'_, str> {
    // Most cells are plain: taken as they are, not searched and rebuilt.
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let line: String = s
        .replace("\r\n", " ")
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect();
    Cow::Owned(line)
}

#[cfg(test)]
mod tests {
    use super::markdown::*;
    use super::*;
    use crate::model::NodeKind;

    const HOSTILE: &str = "a \"q\", b\\c\nd\te|f <g> & h\r\n";

    fn step(subject: &str, relation: &str, object: &str) -> Step {
        Step {
            subject: subject.to_lowercase(),
            statement: Default::default(),
            subject_name: subject.to_string(),
            relation: relation.to_string(),
            object: object.to_lowercase(),
            object_name: object.to_string(),
            qualifiers: crate::model::Qualifiers {
                line: Some(crate::model::vocab::Line::First),
                ..Default::default()
            },
            predicate: "biolink:directly_physically_interacts_with".into(),
            negated: false,
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
            ..Default::default()
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
    fn table_fits_a_width_when_asked() {
        let mut rs = her2();
        rs.interpretation = "drug —targets→ HER2 ∧ drug —requires_monitoring→ monitoring".into();
        let opts = RenderOptions {
            interpretation: true,
            width: Some(32),
            ..Default::default()
        };
        insta::assert_snapshot!(render(&rs, Format::Table, &opts), @r"
        Interpreted as: drug —targets→
            HER2 ∧ drug
            —requires_monitoring→
            monitoring
        note: HER2 is a target
        drug             class
        Trastuzumab      monoclonal
                         antibody
        Tucatinib        TKI
        Trastuzumab      ADC
        deruxtecan
        3 drugs
        ");
        let narrow = RenderOptions {
            width: Some(20),
            ..Default::default()
        };
        for f in [
            Format::Json,
            Format::Jsonl,
            Format::Csv,
            Format::Tsv,
            Format::Markdown,
            Format::Dot,
        ] {
            assert_eq!(
                render(&rs, f, &narrow),
                plain(&rs, f),
                "{f} ignores the width"
            );
        }
    }

    #[test]
    fn a_cut_cell_is_marked_and_the_full_formats_named() {
        let huge = "word ".repeat(1000);
        let rs = result(&["drug", "note"], vec![row("x", &["X", &huge], vec![])]);
        let opts = RenderOptions {
            width: Some(40),
            ..Default::default()
        };
        let text = render(&rs, Format::Table, &opts);
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
        assert!(text.contains('…'), "{text}");
        assert!(text.contains("`as csv`"), "{text}");
        assert!(plain(&rs, Format::Table).contains(&huge.trim_end().to_string()));
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
            color: true,
            ..Default::default()
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
                    "negated": false,
                    "note": "",
                    "object": "her2",
                    "object_name": "HER2",
                    "origin": "drugs/x.toml:3:1",
                    "predicate": "biolink:directly_physically_interacts_with",
                    "qualifiers": {
                      "any_of": null,
                      "condition": null,
                      "frequency": null,
                      "line": "first",
                      "min_count": null,
                      "population": [],
                      "risk": null,
                      "schedule": null,
                      "with": []
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
                        for width in [None, Some(0), Some(20), Some(80)] {
                            let opts = RenderOptions {
                                interpretation,
                                color,
                                width,
                            };
                            let text = render(&rs, f, &opts);
                            assert!(text.is_empty() || text.ends_with('\n'), "{f}: {text:?}");
                        }
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
