//! CSV and TSV.

use super::*;

// ---------------------------------------------------------------------------------------------
// CSV and TSV

/// A header line and one line per row; nothing at all when there are no columns.
pub(super) fn delimited(rs: &ResultSet, line: fn(&mut String, &[&str])) -> String {
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
pub(super) fn csv_line(out: &mut String, fields: &[&str]) {
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
pub(super) fn tsv_line(out: &mut String, fields: &[&str]) {
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
