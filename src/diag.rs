//! Diagnostics as data: a message, where it happened, the line it happened on, and a hint.
//!
//! Every error a user can cause (a data file, a query, a script) becomes a [`Diagnostic`]; it is
//! rendered once, at the edge, by [`Diagnostic::render`]. Nothing here prints.

use std::fmt::Write as _;

use crate::model::Origin;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// File (or `<query>`), 1-based line and column. `line == 0` means "the whole file".
    pub origin: Origin,
    /// The text of the offending line and the width of the caret, when known.
    pub snippet: Option<(String, usize)>,
    /// Further help: "did you mean ...", "first defined at ...".
    pub help: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, origin: Origin) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            origin,
            snippet: None,
            help: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }

    pub fn with_help_opt(self, help: Option<String>) -> Diagnostic {
        match help {
            Some(h) => self.with_help(h),
            None => self,
        }
    }

    /// Renders the diagnostic as plain text, rustc style:
    ///
    /// ```text
    /// error: unknown relation `requires_monitor`
    ///   --> drugs/x.toml:4:12
    ///    |
    ///  4 | relation = "requires_monitor"
    ///    |            ^^^^^^^^^^^^^^^^^^
    ///    = help: did you mean `requires_monitoring`?
    /// ```
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}: {}", self.severity.as_str(), self.message);
        if self.origin.line == 0 {
            let _ = writeln!(out, "  --> {}", self.origin.file);
        } else {
            let _ = writeln!(out, "  --> {}", self.origin);
        }
        let gutter = self.origin.line.to_string().len();
        if let Some((text, width)) = &self.snippet {
            let pad = " ".repeat(gutter);
            let shown = display_line(text);
            let col = self.origin.col.max(1) as usize - 1;
            let lead: String = shown
                .chars()
                .take(col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{} | {}", self.origin.line, shown);
            let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat((*width).max(1)));
        }
        for h in &self.help {
            let _ = writeln!(out, "{} = help: {}", " ".repeat(gutter), h);
        }
        out
    }
}

/// A line shortened for display: at most 160 characters, control characters made visible.
fn display_line(text: &str) -> String {
    text.chars()
        .take(160)
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line as u32, col as u32)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Builds a diagnostic pointing at the byte range `start..end` of `text`, read from `file`.
pub fn at_span(
    file: &str,
    text: &str,
    start: usize,
    end: usize,
    message: impl Into<String>,
) -> Diagnostic {
    let (line, col) = line_col(text, start);
    let start = floor_char_boundary(text, start.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = text[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    let end = floor_char_boundary(text, end.clamp(start, line_end));
    let width = text[start..end].chars().count();
    let mut d = Diagnostic::error(
        message,
        Origin {
            file: file.to_string(),
            line,
            col,
        },
    );
    d.snippet = Some((line_text, width));
    d
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_l = word.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let c_l = c.to_lowercase();
        if c_l == word_l {
            return Some(c);
        }
        let mut score = strsim::normalized_damerau_levenshtein(&word_l, &c_l);
        if word_l.len() >= 3 && c_l.starts_with(&word_l) {
            score = score.max(0.75);
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.6).map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// How many diagnostics of one kind are shown before the rest are only counted.
pub const SHOWN_PER_KIND: usize = 20;

/// A long list of diagnostics cut for showing: the first [`SHOWN_PER_KIND`] of each kind (a
/// kind is a message with its quoted names left out: "`x` is not a node id"), in their order,
/// and for each kind cut short, how many were left out.
#[derive(Debug)]
pub struct Shortened<'a> {
    pub shown: Vec<&'a Diagnostic>,
    /// (the kind, as a message with `…` for its names; how many of it are not shown).
    pub left_out: Vec<(String, usize)>,
}

/// Cuts `diags` for showing (see [`Shortened`]).
pub fn shorten(diags: &[Diagnostic]) -> Shortened<'_> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut shown = Vec::new();
    for d in diags {
        let kind = kind_of(&d.message);
        match seen.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => {
                *n += 1;
                if *n <= SHOWN_PER_KIND {
                    shown.push(d);
                }
            }
            None => {
                seen.push((kind, 1));
                shown.push(d);
            }
        }
    }
    let left_out = seen
        .into_iter()
        .filter(|(_, n)| *n > SHOWN_PER_KIND)
        .map(|(k, n)| (k, n - SHOWN_PER_KIND))
        .collect();
    Shortened { shown, left_out }
}

/// A message with each `quoted` name and each number replaced by `…`.
fn kind_of(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        out.push_str(if i % 2 == 0 { "`…" } else { "`" });
        if i % 2 == 1 {
            out.push_str(part);
        }
    }
    let mut kind = String::with_capacity(out.len());
    let mut in_number = false;
    for c in out.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                kind.push('…');
            }
            in_number = true;
        } else {
            in_number = false;
            kind.push(c);
        }
    }
    kind
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_to_twenty_of_each_kind() {
        let at = Origin::default();
        let mut diags: Vec<Diagnostic> = (0..1000)
            .map(|i| Diagnostic::error(format!("object `n{i}` is not a node id"), at.clone()))
            .collect();
        diags.push(Diagnostic::error("unknown relation `x`", at.clone()));
        let cut = shorten(&diags);
        assert_eq!(cut.shown.len(), 21);
        assert_eq!(
            cut.left_out,
            vec![("object `…` is not a node id".to_string(), 980)]
        );
        assert_eq!(kind_of("line 12: `a` and `b`"), "line …: `…` and `…`");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé f", 7), (2, 4));
        assert_eq!(line_col("", 10), (1, 1));
    }

    #[test]
    fn closest_finds_typos() {
        let c = ["requires_monitoring", "requires_biomarker", "targets"];
        assert_eq!(closest("requires_monitor", c), Some("requires_monitoring"));
        assert_eq!(closest("targts", c), Some("targets"));
        assert_eq!(closest("zzzz", c), None);
    }

    #[test]
    fn render_points_a_caret_at_the_span() {
        let text = "id = \"x\"\nrelation = \"tagets\"\n";
        let d = at_span("f.toml", text, 20, 26, "unknown relation `tagets`")
            .with_help("did you mean `targets`?");
        insta::assert_snapshot!(d.render(), @r###"
        error: unknown relation `tagets`
          --> f.toml:2:12
          |
        2 | relation = "tagets"
          |            ^^^^^^
          = help: did you mean `targets`?
        "###);
    }
}
