//! Aligned text tables for the terminal, fitted to a width when one is given (see
//! [`crate::output::fit`]): columns shrink and wrap, or rows become blocks; the interpretation and
//! notes wrap under a hanging indent. Without a width nothing is wrapped.

use super::*;
use crate::output::fit;

/// The interpretation, the notes, aligned columns two spaces apart (widths in terminal columns,
/// no trailing spaces) and the count; with a width, every line fits it.
pub(super) fn table(rs: &ResultSet, opts: &RenderOptions) -> String {
    let mut out = String::new();
    if opts.interpretation && !rs.interpretation.is_empty() {
        let line = format!("Interpreted as: {}", one_line(&rs.interpretation));
        push_wrapped(&mut out, &line, opts.width);
    }
    // With no columns the notes are the whole answer (a node card), so they always show.
    if opts.interpretation || rs.columns.is_empty() {
        for note in &rs.notes {
            push_wrapped(&mut out, &one_line(note), opts.width);
        }
    }
    let cut = !rs.columns.is_empty() && table_body(&mut out, rs, opts);
    push_dim(&mut out, &count_line(rs), opts.color);
    if cut {
        let hint =
            "… marks text cut to fit the screen; `as json`, `as csv` or `as tsv` shows all of it";
        for line in fit::wrap(hint, opts.width.unwrap_or(usize::MAX)) {
            push_dim(&mut out, &line, opts.color);
        }
    }
    out
}

/// A line, wrapped to `width` (continuation lines indented) when there is one.
fn push_wrapped(out: &mut String, line: &str, width: Option<usize>) {
    match width {
        Some(w) => {
            for l in fit::wrap_hanging(line, w.max(fit::NARROWEST), 4) {
                push_line(out, &l);
            }
        }
        None => push_line(out, line),
    }
}

fn push_dim(out: &mut String, line: &str, color: bool) {
    if color {
        push_line(out, &format!("\x1b[2m{line}{RESET}"));
    } else {
        push_line(out, line);
    }
}

/// The header and rows; true when some cell was cut short to fit.
pub(super) fn table_body(out: &mut String, rs: &ResultSet, opts: &RenderOptions) -> bool {
    let n = rs.columns.len();
    let header: Vec<Cow<str>> = rs.columns.iter().map(|c| one_line(c)).collect();
    let total = opts.width.unwrap_or(usize::MAX);
    // Most tables fit as they are: their rows are written straight out, each cell's width
    // measured twice rather than every row kept aside (a large answer has thousands).
    let mut natural: Vec<usize> = header.iter().map(|h| fit::width(h)).collect();
    for r in &rs.rows {
        for (i, w) in natural.iter_mut().enumerate() {
            *w = (*w).max(fit::width(&one_line(cell(r, i))));
        }
    }
    if fit::layout(&natural, total) == fit::Layout::Natural {
        let line = fit::padded(&header, &natural);
        if opts.color && !line.is_empty() {
            push_line(out, &format!("\x1b[1m{line}{RESET}"));
        } else {
            push_line(out, &line);
        }
        let mut cells: Vec<Cow<str>> = Vec::with_capacity(n);
        for r in &rs.rows {
            cells.clear();
            cells.extend((0..n).map(|i| one_line(cell(r, i))));
            fit::push_padded(out, &cells, &natural);
            out.push('\n');
        }
        return false;
    }
    let body: Vec<Vec<Cow<str>>> = rs
        .rows
        .iter()
        .map(|r| (0..n).map(|i| one_line(cell(r, i))).collect())
        .collect();
    let fitted = fit::table(&header, &body, total);
    // Blocks stand apart from the lines above and the count below.
    if fitted.blocks && !out.is_empty() {
        out.push('\n');
    }
    for line in &fitted.lines {
        if opts.color && line.strong && !line.text.is_empty() {
            push_line(out, &format!("\x1b[1m{}{RESET}", line.text));
        } else {
            push_line(out, &line.text);
        }
    }
    if fitted.blocks && !fitted.lines.is_empty() {
        out.push('\n');
    }
    fitted.cut
}
