//! The typed syntax tree of one query statement, with byte spans into the query text.
//!
//! Words are kept as written: the grammar knows structure only, and the planner decides what the
//! words mean. `Display` prints canonical text (keywords lower case, names quoted where needed),
//! and print → parse → print is stable.

use std::fmt;

/// A byte range of the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// One word, or one quoted name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

/// A run of words: the part of a statement that names kinds, relations and nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub words: Vec<Word>,
    /// A query in parentheses after the words: the object of the last relation phrase.
    pub nested: Option<Box<Expr>>,
    /// `where` comparisons on the statements this phrase matches.
    pub conditions: Vec<Condition>,
    pub span: Span,
}

/// Comparison operators in `where`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    /// `~` or `contains`: the field's text holds the value (case-insensitive).
    Contains,
}

/// `where line = second`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub field: Word,
    pub op: Op,
    pub value: Word,
    pub span: Span,
}

/// Binary connectives, in the order of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    And,
    With,
    Without,
    Or,
}

impl BinOp {
    pub fn keyword(self) -> &'static str {
        match self {
            BinOp::And => "and",
            BinOp::With => "with",
            BinOp::Without => "without",
            BinOp::Or => "or",
        }
    }

    /// Binding strength: `not` > `and`/`with`/`without` > `or`.
    fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            _ => 2,
        }
    }
}

/// A boolean combination of phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Phrase(Phrase),
    Not(Box<Expr>, Span),
    Binary(BinOp, Box<Expr>, Box<Expr>, Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Phrase(p) => p.span,
            Expr::Not(_, s) | Expr::Binary(_, _, _, s) => *s,
        }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// What may follow a statement: grouping, sorting, a limit, an output format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Modifiers {
    pub group_by: Option<Vec<Word>>,
    pub sort_by: Option<(Vec<Word>, Order)>,
    pub limit: Option<(u64, Span)>,
    pub format: Option<Word>,
}

/// Which statement it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind {
    /// A bare query: `drugs targeting HER2`.
    Find(Expr),
    /// `show me <query>`: a question; a single name is its card, anything else a query.
    ShowMe(Expr),
    /// `count <query>`.
    Count(Expr),
    /// `show <name>`: a node card.
    Show(Vec<Word>),
    /// `path from A to B [max N]`, or `paths ...` for every simple path.
    Path {
        from: Vec<Word>,
        to: Vec<Word>,
        all: bool,
        max: Option<(u64, Span)>,
    },
    /// `why <query or edge>`.
    Why(Expr),
    /// `explain <statement>`.
    Explain(Box<Statement>),
    /// `compare a, b, c`.
    Compare(Vec<Vec<Word>>),
    /// `search <text>`.
    Search(Vec<Word>),
}

/// One statement with its modifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub modifiers: Modifiers,
    pub span: Span,
}

fn needs_quotes(text: &str) -> bool {
    text.is_empty()
        || crate::query::syntax::RESERVED.contains(&text.to_lowercase().as_str())
        || text
            .chars()
            .any(|c| !(c.is_alphanumeric() || "-/+.'_%*&:".contains(c)))
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted || needs_quotes(&self.text) {
            write!(f, "\"")?;
            for c in self.text.chars() {
                match c {
                    '"' => write!(f, "\\\"")?,
                    '\\' => write!(f, "\\\\")?,
                    _ => write!(f, "{c}")?,
                }
            }
            write!(f, "\"")
        } else {
            f.write_str(&self.text)
        }
    }
}

fn write_words(f: &mut fmt::Formatter<'_>, words: &[Word]) -> fmt::Result {
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        // A `not` inside a phrase (`drugs that do not cause rash`) is the keyword, unquoted.
        if !w.quoted && w.text == "not" {
            f.write_str("not")?;
            continue;
        }
        write!(f, "{w}")?;
    }
    Ok(())
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Contains => "~",
        };
        write!(f, "{} {op} {}", self.field, self.value)
    }
}

impl Phrase {
    /// Whether the phrase ends with the `with` that ends its statement (`what is pertuzumab
    /// combined with`): the one unquoted `with` a phrase can hold.
    pub fn stranded_with(&self) -> bool {
        self.words
            .last()
            .is_some_and(|w| !w.quoted && w.text == "with")
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stranded = self.stranded_with();
        let words = match self.words.split_last() {
            Some((_, rest)) if stranded => rest,
            _ => &self.words[..],
        };
        write_words(f, words)?;
        if let Some(n) = &self.nested {
            write!(f, " ({n})")?;
        }
        if stranded {
            f.write_str(" with")?;
        }
        for (i, c) in self.conditions.iter().enumerate() {
            f.write_str(if i == 0 { " where " } else { ", " })?;
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Expr {
    fn fmt_prec(&self, f: &mut fmt::Formatter<'_>, parent: u8) -> fmt::Result {
        match self {
            Expr::Phrase(p) => {
                // A phrase with `where` binds tighter than anything, but reads ambiguously after
                // `where`'s own commas; parenthesise it inside a larger expression.
                if parent > 0 && !p.conditions.is_empty() {
                    write!(f, "({p})")
                } else {
                    write!(f, "{p}")
                }
            }
            Expr::Not(e, _) => {
                f.write_str("not ")?;
                e.fmt_prec(f, 3)
            }
            Expr::Binary(op, l, r, _) => {
                let p = op.precedence();
                let paren = p < parent;
                if paren {
                    f.write_str("(")?;
                }
                l.fmt_prec(f, p)?;
                write!(f, " {} ", op.keyword())?;
                // Left-associative: a right operand of the same strength needs parentheses.
                r.fmt_prec(f, p + 1)?;
                if paren {
                    f.write_str(")")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_prec(f, 0)
    }
}

impl fmt::Display for Modifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(g) = &self.group_by {
            f.write_str(" grouped by ")?;
            write_words(f, g)?;
        }
        if let Some((s, order)) = &self.sort_by {
            f.write_str(" sorted by ")?;
            write_words(f, s)?;
            if *order == Order::Desc {
                f.write_str(" desc")?;
            }
        }
        if let Some((n, _)) = self.limit {
            write!(f, " limit {n}")?;
        }
        if let Some(w) = &self.format {
            write!(f, " as {w}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StatementKind::Find(e) => write!(f, "{e}")?,
            StatementKind::ShowMe(e) => write!(f, "show me {e}")?,
            StatementKind::Count(e) => write!(f, "count {e}")?,
            StatementKind::Show(w) => {
                f.write_str("show ")?;
                write_words(f, w)?;
            }
            StatementKind::Path { from, to, all, max } => {
                f.write_str(if *all { "paths from " } else { "path from " })?;
                write_words(f, from)?;
                f.write_str(" to ")?;
                write_words(f, to)?;
                if let Some((n, _)) = max {
                    write!(f, " max {n}")?;
                }
            }
            StatementKind::Why(e) => write!(f, "why {e}")?,
            StatementKind::Explain(s) => write!(f, "explain {s}")?,
            StatementKind::Compare(items) => {
                f.write_str("compare ")?;
                for (i, w) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_words(f, w)?;
                }
            }
            StatementKind::Search(w) => {
                f.write_str("search ")?;
                write_words(f, w)?;
            }
        }
        write!(f, "{}", self.modifiers)
    }
}

/// The text of a run of words, joined by single spaces.
pub fn words_text(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The span covering a run of words.
pub fn words_span(words: &[Word]) -> Span {
    words
        .iter()
        .map(|w| w.span)
        .reduce(Span::join)
        .unwrap_or_default()
}
