//! Markdown tables.

use super::*;

// ---------------------------------------------------------------------------------------------
// Markdown

/// A GitHub table, a blank line, the count, then the witness statements as a "Sources" list —
/// the citation list researchers export with `why … as markdown`.
pub(super) fn markdown(rs: &ResultSet) -> String {
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

pub(super) fn md_row(out: &mut String, cells: &[&str]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&md_inline(c));
        out.push_str(" |");
    }
    out.push('\n');
}

/// `subject —relation→ object: source, “section” (evidence) — note`, empty parts left out.
pub(super) fn md_source(s: &Step) -> String {
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
pub(super) fn md_inline(s: &str) -> String {
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
pub(super) fn md_block_start(escaped: &str) -> String {
    let s = escaped.trim_start();
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match s[digits..].chars().next() {
        Some('.' | ')') if digits > 0 => format!("{}\\{}", &s[..digits], &s[digits..]),
        Some('#' | '+' | '-' | '=') if digits == 0 => format!("\\{s}"),
        _ => s.to_string(),
    }
}
