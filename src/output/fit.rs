//! Fitting text to a terminal width: a table's columns shrink and their cells wrap at word
//! boundaries; a table that cannot fit readably becomes one block per row (its first cell as a
//! heading, then one `header  value` line per other cell); long lines wrap under a hanging indent.
//!
//! Pure: strings and a width in, lines out; no I/O and no knowledge of the graph. Text is never
//! dropped silently: a cell longer than [`MAX_CELL_LINES`] lines is cut with `…`, and
//! [`Fitted::cut`] says so, so the caller can point at the formats that show everything.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Spaces between two columns.
pub const GAP: usize = 2;
/// A wrapped table never makes a column narrower than this (or its natural width if smaller);
/// when even that does not fit, the rows become blocks.
pub const MIN_COLUMN: usize = 12;
/// The most lines one cell may take in a wrapped table, or one field in a block.
pub const MAX_CELL_LINES: usize = 8;
/// Widths below this are treated as this: nothing readable fits in fewer columns.
pub const NARROWEST: usize = 20;

/// Columns shown on a terminal cell by `s` (East Asian wide characters count two).
pub fn width(s: &str) -> usize {
    // Printable ASCII is one column a byte: most cells, measured without the tables.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    UnicodeWidthStr::width(s)
}

/// How a table is laid out at a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Every column at its natural width: the table fits as it is.
    Natural,
    /// Columns shrunk to these widths; longer cells wrap.
    Wrapped(Vec<usize>),
    /// One block per row.
    Blocks,
}

/// The layout for columns of these natural widths at `total` columns. Shrinking takes from the
/// widest columns first, so short columns (kinds, counts) keep their width.
pub fn layout(natural: &[usize], total: usize) -> Layout {
    let total = total.max(NARROWEST);
    let gaps = GAP * natural.len().saturating_sub(1);
    if natural.iter().sum::<usize>() + gaps <= total {
        return Layout::Natural;
    }
    let floors: Vec<usize> = natural.iter().map(|&w| w.min(MIN_COLUMN)).collect();
    let avail = total.saturating_sub(gaps);
    if floors.iter().sum::<usize>() > avail {
        return Layout::Blocks;
    }
    // The largest cap that fits; capped columns then share what is left, one column each.
    let used = |cap: usize| -> usize {
        natural
            .iter()
            .zip(&floors)
            .map(|(&w, &f)| w.min(cap.max(f)))
            .sum()
    };
    let (mut lo, mut hi) = (0, natural.iter().copied().max().unwrap_or(0));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if used(mid) <= avail {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut widths: Vec<usize> = natural
        .iter()
        .zip(&floors)
        .map(|(&w, &f)| w.min(lo.max(f)))
        .collect();
    let mut spare = avail.saturating_sub(widths.iter().sum());
    for (w, &n) in widths.iter_mut().zip(natural) {
        if spare > 0 && *w < n {
            *w += 1;
            spare -= 1;
        }
    }
    Layout::Wrapped(widths)
}

/// A line of fitted output; `strong` lines are headers and headings (bold on a colour terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub strong: bool,
}

/// A table fitted to a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    pub lines: Vec<Line>,
    /// Some cell was cut short with `…`.
    pub cut: bool,
    /// The rows are blocks, not a table.
    pub blocks: bool,
}

/// Lays out a table (cells already on one line each) within `total` columns.
pub fn table<S: AsRef<str>>(header: &[S], body: &[Vec<S>], total: usize) -> Fitted {
    let mut natural: Vec<usize> = header.iter().map(|h| width(h.as_ref())).collect();
    for row in body {
        for (w, c) in natural.iter_mut().zip(row) {
            *w = (*w).max(width(c.as_ref()));
        }
    }
    let total = total.max(NARROWEST);
    let mut fitted = Fitted {
        lines: Vec::new(),
        cut: false,
        blocks: false,
    };
    match layout(&natural, total) {
        Layout::Natural => {
            fitted.push(padded(header, &natural), true);
            for row in body {
                fitted.push(padded(row, &natural), false);
            }
        }
        Layout::Wrapped(widths) => {
            fitted.wrapped_row(header, &widths, true);
            for row in body {
                fitted.wrapped_row(row, &widths, false);
            }
        }
        Layout::Blocks => {
            fitted.blocks = true;
            for (i, row) in body.iter().enumerate() {
                if i > 0 {
                    fitted.push(String::new(), false);
                }
                fitted.block(header, row, total);
            }
        }
    }
    fitted
}

impl Fitted {
    fn push(&mut self, text: String, strong: bool) {
        self.lines.push(Line { text, strong });
    }

    /// One row of a wrapped table: each cell wrapped to its column, side by side.
    fn wrapped_row<S: AsRef<str>>(&mut self, cells: &[S], widths: &[usize], strong: bool) {
        let columns: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let text = cells.get(i).map_or("", AsRef::as_ref);
                let (lines, cut) = cap(wrap(text, w), w);
                self.cut |= cut;
                lines
            })
            .collect();
        let height = columns.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for k in 0..height {
            let line: Vec<String> = columns
                .iter()
                .map(|c| c.get(k).cloned().unwrap_or_default())
                .collect();
            self.push(padded(&line, widths), strong);
        }
    }

    /// One row as a block: the first cell as a heading, then each non-empty cell under its header.
    fn block<S: AsRef<str>>(&mut self, header: &[S], row: &[S], total: usize) {
        let heading = row.first().map_or("", AsRef::as_ref);
        let heading = if heading.is_empty() { "—" } else { heading };
        for line in wrap_hanging(heading, total, 2) {
            self.push(line, true);
        }
        let label_width = header
            .iter()
            .skip(1)
            .map(|h| width(h.as_ref()))
            .max()
            .unwrap_or(0)
            .min(total / 3);
        for (i, value) in row.iter().enumerate().skip(1) {
            let value = value.as_ref();
            if value.is_empty() {
                continue;
            }
            let label = header.get(i).map_or("", AsRef::as_ref);
            self.field(label, value, label_width, total);
        }
    }

    /// `  label  value`, the value wrapped beside the label; a label too long for its column
    /// gets a line of its own with the value indented under it.
    fn field(&mut self, label: &str, value: &str, label_width: usize, total: usize) {
        let indent = 2 + label_width + GAP;
        let beside = width(label) <= label_width && total >= indent + MIN_COLUMN;
        let indent = if beside { indent } else { 4 };
        if !beside {
            for l in wrap(label, total - 2) {
                self.push(format!("  {l}").trim_end().to_string(), false);
            }
        }
        let (lines, cut) = cap(wrap(value, total - indent), total - indent);
        self.cut |= cut;
        for (k, l) in lines.iter().enumerate() {
            let lead = if k == 0 && beside {
                format!("  {}", pad(label, label_width + GAP))
            } else {
                " ".repeat(indent)
            };
            self.push(format!("{lead}{l}").trim_end().to_string(), false);
        }
    }
}

/// Cells padded to their widths, `GAP` apart, no trailing spaces.
pub fn padded<S: AsRef<str>>(cells: &[S], widths: &[usize]) -> String {
    let room = widths.iter().sum::<usize>() + GAP * widths.len();
    let mut line = String::with_capacity(room);
    push_padded(&mut line, cells, widths);
    line
}

/// [`padded`], added to the end of `out` (without a line break).
pub fn push_padded<S: AsRef<str>>(out: &mut String, cells: &[S], widths: &[usize]) {
    let start = out.len();
    for (i, w) in widths.iter().enumerate() {
        if i > 0 {
            push_spaces(out, GAP);
        }
        let cell = cells.get(i).map_or("", AsRef::as_ref);
        out.push_str(cell);
        push_spaces(out, w.saturating_sub(width(cell)));
    }
    let kept = out[start..].trim_end_matches(' ').len();
    out.truncate(start + kept);
}

fn push_spaces(line: &mut String, n: usize) {
    line.extend(std::iter::repeat_n(' ', n));
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// At most [`MAX_CELL_LINES`] lines; when there were more, the last one kept ends in `…`.
fn cap(mut lines: Vec<String>, w: usize) -> (Vec<String>, bool) {
    if lines.len() <= MAX_CELL_LINES {
        return (lines, false);
    }
    lines.truncate(MAX_CELL_LINES);
    if let Some(last) = lines.last_mut() {
        *last = format!("{}…", take_width(last, w.saturating_sub(1)));
    }
    (lines, true)
}

/// The longest prefix of `s` at most `w` columns wide.
fn take_width(s: &str, w: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.width().unwrap_or(0);
        if used > w {
            return &s[..i];
        }
    }
    s
}

/// `text` as lines at most `w` columns wide (at least one line, possibly empty). Breaks at
/// spaces; a word longer than a line breaks after a `/` or `-` inside it, else anywhere.
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    if width(text) <= w {
        return vec![text.trim_end().to_string()];
    }
    // Leading spaces (an indented plan step) indent every line, while they leave room.
    let body = text.trim_start_matches(' ');
    let indent = text.len() - body.len();
    if indent > 0 && indent < w / 2 {
        let pad = " ".repeat(indent);
        return words_wrapped(body, w - indent)
            .into_iter()
            .map(|l| format!("{pad}{l}"))
            .collect();
    }
    words_wrapped(body, w)
}

/// [`wrap`] without the indentation.
fn words_wrapped(text: &str, w: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|s| !s.is_empty()) {
        let sep = usize::from(!current.is_empty());
        if width(&current) + sep + width(word) <= w {
            if sep == 1 {
                current.push(' ');
            }
            current.push_str(word);
            continue;
        }
        if width(word) <= w {
            lines.push(std::mem::take(&mut current));
            current.push_str(word);
            continue;
        }
        // A word longer than a line: fill the rest of this line with pieces of it.
        if !current.is_empty() {
            current.push(' ');
        }
        for piece in pieces(word) {
            if width(&current) + width(piece) > w && !current.trim().is_empty() {
                lines.push(std::mem::take(&mut current).trim_end().to_string());
            }
            current.push_str(piece);
            while width(&current) > w {
                let head = take_width(&current, w).to_string();
                let head = if head.is_empty() {
                    // A character wider than the line: give it a line of its own.
                    current.chars().next().map(String::from).unwrap_or_default()
                } else {
                    head
                };
                current = current[head.len()..].to_string();
                lines.push(head);
            }
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// A word split after each `/` and `-` (the places a long name may break).
fn pieces(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if matches!(c, '/' | '-') {
            out.push(&word[start..i + 1]);
            start = i + 1;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// `text` wrapped to `total` columns, lines after the first indented by `indent`.
pub fn wrap_hanging(text: &str, total: usize, indent: usize) -> Vec<String> {
    let indent = indent.min(total / 2);
    let mut lines = wrap(text, total);
    if lines.len() <= 1 {
        return lines;
    }
    let rest = lines[1..].join(" ");
    lines.truncate(1);
    lines.extend(
        wrap(&rest, total - indent)
            .into_iter()
            .map(|l| format!("{}{l}", " ".repeat(indent))),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn texts(f: &Fitted) -> Vec<&str> {
        f.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn a_table_that_fits_keeps_its_natural_widths() {
        assert_eq!(layout(&[5, 10, 3], 80), Layout::Natural);
        assert_eq!(layout(&[38, 40], 80), Layout::Natural);
        assert_ne!(layout(&[38, 41], 80), Layout::Natural);
    }

    #[test]
    fn the_widest_columns_shrink_first() {
        // 80 columns, 3 gaps of 2: 74 for the cells; `kind` keeps its 11.
        assert_eq!(
            layout(&[19, 60, 60, 60], 80),
            Layout::Wrapped(vec![19, 19, 18, 18])
        );
        assert_eq!(layout(&[11, 100], 40), Layout::Wrapped(vec![11, 27]));
    }

    #[test]
    fn too_many_columns_become_blocks() {
        assert_eq!(layout(&[44, 45, 11, 140, 15, 23, 97], 80), Layout::Blocks);
        assert_eq!(layout(&[30; 3], 30), Layout::Blocks);
    }

    #[test]
    fn widths_never_exceed_the_total() {
        for total in 20..200 {
            for natural in [vec![5, 200], vec![50, 50, 50], vec![12, 13, 14, 15, 16]] {
                if let Layout::Wrapped(w) = layout(&natural, total) {
                    let used: usize = w.iter().sum::<usize>() + GAP * (w.len() - 1);
                    assert!(used <= total, "{natural:?} at {total}: {w:?}");
                    assert!(w.iter().zip(&natural).all(|(a, b)| a <= b));
                }
            }
        }
    }

    #[test]
    fn wrap_breaks_at_spaces_then_inside_long_names() {
        assert_eq!(
            wrap("CDK4/6 inhibitor, small molecule inhibitor", 18),
            s(&["CDK4/6 inhibitor,", "small molecule", "inhibitor"])
        );
        assert_eq!(
            wrap("pertuzumab/trastuzumab/hyaluronidase", 18),
            s(&["pertuzumab/", "trastuzumab/", "hyaluronidase"])
        );
        assert_eq!(wrap("abcdefghij", 4), s(&["abcd", "efgh", "ij"]));
        assert_eq!(wrap("", 4), s(&[""]));
        assert_eq!(wrap("a  b", 10), s(&["a  b"]), "what fits stays as it is");
        assert_eq!(wrap("a  b c", 4), s(&["a b", "c"]));
        assert_eq!(
            wrap("    follow targets to HER2", 14),
            s(&["    follow", "    targets to", "    HER2"])
        );
        assert_eq!(
            wrap("see graph-data/drugs/x.toml:9", 12),
            s(&["see graph-", "data/drugs/", "x.toml:9"])
        );
    }

    #[test]
    fn wrap_counts_wide_characters_twice() {
        assert_eq!(wrap("乳腺癌 乳腺癌", 7), s(&["乳腺癌", "乳腺癌"]));
        assert!(wrap("乳腺癌乳腺癌", 5).iter().all(|l| width(l) <= 5));
        assert_eq!(
            wrap("乳", 1),
            s(&["乳"]),
            "a character wider than the line still shows"
        );
    }

    #[test]
    fn a_wrapped_table_keeps_rows_together() {
        let f = table(
            &s(&["relation", "palbociclib", "ribociclib"]),
            &[
                s(&[
                    "member_of",
                    "CDK4/6 inhibitor, targeted therapy",
                    "CDK4/6 inhibitor",
                ]),
                s(&["targets", "CDK4/6", "CDK4/6"]),
            ],
            46,
        );
        assert_eq!(
            texts(&f),
            [
                "relation   palbociclib        ribociclib",
                "member_of  CDK4/6 inhibitor,  CDK4/6 inhibitor",
                "           targeted therapy",
                "targets    CDK4/6             CDK4/6",
            ]
        );
        assert!(f.lines[0].strong && !f.lines[1].strong);
        assert!(!f.cut);
    }

    #[test]
    fn a_table_too_wide_for_columns_becomes_blocks() {
        let header = s(&[
            "relation",
            "node",
            "kind",
            "qualifiers",
            "evidence",
            "source",
            "section",
        ]);
        let row = s(&["member_of →", "antibody-drug conjugate", "class", "", "standard-option", "cancer-net-mbc", "Targeted therapy for people with metastatic breast cancer whose tumors express low levels of HER2"]);
        let f = table(&header, &[row.clone(), row], 60);
        assert_eq!(
            texts(&f)[..8],
            [
                "member_of →",
                "  node        antibody-drug conjugate",
                "  kind        class",
                "  evidence    standard-option",
                "  source      cancer-net-mbc",
                "  section     Targeted therapy for people with metastatic",
                "              breast cancer whose tumors express low levels",
                "              of HER2",
            ]
        );
        assert_eq!(texts(&f)[8], "", "blocks are a blank line apart");
        assert!(f.lines.iter().all(|l| width(&l.text) <= 60));
        assert!(f.lines[0].strong && !f.lines[1].strong);
    }

    #[test]
    fn a_long_label_takes_its_own_line_in_a_block() {
        let header = s(&["relation", "kind", "pertuzumab/trastuzumab/hyaluronidase"]);
        let f = table(
            &header,
            &[s(&[
                "targets",
                "a kind of thing",
                "HER2 and more text here",
            ])],
            30,
        );
        assert_eq!(
            texts(&f),
            [
                "targets",
                "  kind        a kind of thing",
                "  pertuzumab/trastuzumab/",
                "  hyaluronidase",
                "    HER2 and more text here"
            ]
        );
    }

    #[test]
    fn a_huge_cell_is_cut_and_says_so() {
        let huge = "word ".repeat(10_000);
        let f = table(&s(&["a", "b"]), &[s(&["x", &huge])], 30);
        assert!(f.cut);
        assert!(f.lines.len() <= MAX_CELL_LINES + 1);
        assert!(f.lines.iter().any(|l| l.text.ends_with('…')));
        assert!(f.lines.iter().all(|l| width(&l.text) <= 30));
    }

    #[test]
    fn every_line_fits_any_width() {
        let header = s(&["relation", "node", "kind", "qualifiers", "note"]);
        let body = vec![
            s(&[
                "requires_prior →",
                "HER2-targeted therapy",
                "class",
                "condition: for the HER2-positive indication; at least one prior",
                "x",
            ]),
            s(&["", "", "", "", ""]),
            s(&[
                "乳腺癌乳腺癌乳腺癌",
                "pertuzumab/trastuzumab/hyaluronidase",
                "drug",
            ]),
        ];
        for total in 0..140 {
            let f = table(&header, &body, total);
            let limit = total.max(NARROWEST);
            for l in &f.lines {
                assert!(width(&l.text) <= limit, "{total}: {:?}", l.text);
                assert!(!l.text.ends_with(' '), "{total}: {:?}", l.text);
            }
        }
    }

    #[test]
    fn hanging_lines_are_indented() {
        assert_eq!(
            wrap_hanging(
                "Interpreted as: drug —targets→ HER2 ∧ drug —causes→ diarrhea",
                30,
                4
            ),
            s(&[
                "Interpreted as: drug —targets→",
                "    HER2 ∧ drug —causes→",
                "    diarrhea"
            ])
        );
    }
}
