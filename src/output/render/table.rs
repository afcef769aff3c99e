//! Aligned text tables for the terminal.

use super::*;

// ---------------------------------------------------------------------------------------------
// Table

/// Aligned columns, two spaces apart, widths in characters; no trailing spaces.
pub(super) fn table(rs: &ResultSet, opts: &RenderOptions) -> String {
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

pub(super) fn table_body(out: &mut String, rs: &ResultSet, color: bool) {
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

pub(super) fn padded(cells: &[String], widths: &[usize]) -> String {
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
