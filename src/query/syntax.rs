//! The pest parser: query text → [`ast::Statement`]. The only module that sees pest's `Pair` and
//! `Rule`; everything downstream sees the typed AST.
//!
//! Input over the size, nesting or operator limits is refused before pest runs, so no input can
//! exhaust the stack. Errors name what was expected in the words users type (`'and'`, a name),
//! never a rule name, and say when the statement is merely incomplete so a REPL can read on.

use std::sync::LazyLock;

use pest::error::InputLocation;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op as POp, PrattParser};
use pest::Parser as _;

use crate::diag::{self, Diagnostic};
use crate::query::ast::{
    BinOp, Condition, Expr, Modifiers, Op, Order, Phrase, Span, Statement, StatementKind, Word,
};

/// Connectives: reserved inside names (a name that holds one as a word must be quoted).
pub const RESERVED: &[&str] = &[
    "and", "or", "not", "with", "without", "where", "limit", "as",
];
/// Words that open a statement.
pub const OPENERS: &[&str] = &[
    "show", "count", "path", "paths", "why", "explain", "compare", "search",
];
/// The other words of the grammar's structure: `grouped by`, `sorted by`, `path from … to … max`,
/// `show me`, `compare A vs B`, `where … contains …`.
pub const STRUCTURE: &[&str] = &[
    "grouped", "sorted", "by", "from", "to", "max", "me", "vs", "vs.", "versus", "contains",
];

/// Whether a word is one of the grammar's keywords (the one table of them: [`RESERVED`],
/// [`OPENERS`], [`STRUCTURE`]; a test holds it to `grammar/query.pest`).
pub fn is_keyword(word: &str) -> bool {
    let w = word.to_lowercase();
    [RESERVED, OPENERS, STRUCTURE]
        .iter()
        .any(|t| t.contains(&w.as_str()))
}

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/query.pest"]
struct QueryParser;

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 64 * 1024;
/// Deepest nesting of parentheses accepted.
pub const MAX_NESTING: usize = 32;
/// Most `and`/`or`/`not`/`with`/`without` accepted in one statement.
pub const MAX_OPERATORS: usize = 256;

/// A query the parser could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    /// Byte range of the query text to point at.
    pub span: Span,
    pub help: Vec<String>,
    /// The statement stopped early (open quote or parenthesis, trailing `and`): more input may
    /// complete it.
    pub incomplete: bool,
}

impl QueryError {
    pub fn new(message: impl Into<String>, span: Span) -> QueryError {
        QueryError {
            message: message.into(),
            span,
            help: Vec::new(),
            incomplete: false,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> QueryError {
        self.help.push(help.into());
        self
    }

    pub fn with_help_opt(self, help: Option<String>) -> QueryError {
        match help {
            Some(h) => self.with_help(h),
            None => self,
        }
    }

    /// The error as a diagnostic against `text`, read from `file` starting at line `first_line`.
    pub fn to_diagnostic(&self, file: &str, text: &str, first_line: u32) -> Diagnostic {
        let mut d = diag::at_span(
            file,
            text,
            self.span.start,
            self.span.end,
            self.message.clone(),
        );
        d.origin.line += first_line.saturating_sub(1);
        d.help.extend(self.help.iter().cloned());
        d
    }
}

/// Parses one statement. `Ok(None)` for input holding only blanks and comments.
pub fn parse(text: &str) -> Result<Option<Statement>, QueryError> {
    precheck(text)?;
    let mut pairs =
        QueryParser::parse(Rule::statement, text).map_err(|e| convert_error(text, e))?;
    let Some(top) = pairs.next() else {
        return Ok(None);
    };
    for pair in top.into_inner() {
        match pair.as_rule() {
            Rule::explain => {
                let span = span_of(&pair);
                let inner = pair.into_inner().find(|p| p.as_rule() == Rule::plain);
                let Some(inner) = inner else { continue };
                let stmt = build_plain(inner)?;
                return Ok(Some(Statement {
                    kind: StatementKind::Explain(Box::new(stmt)),
                    modifiers: Modifiers::default(),
                    span,
                }));
            }
            Rule::plain => return build_plain(pair).map(Some),
            _ => {}
        }
    }
    Ok(None)
}

/// Size, nesting and operator limits, and open quotes or parentheses, checked before parsing.
fn precheck(text: &str) -> Result<(), QueryError> {
    if text.len() > MAX_QUERY_BYTES {
        return Err(QueryError::new(
            format!(
                "query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
                text.len()
            ),
            Span::new(0, 0),
        ));
    }
    let mut depth = 0usize;
    let mut open_parens: Vec<usize> = Vec::new();
    let mut quote_start: Option<usize> = None;
    let mut operators = 0usize;
    let mut word_start: Option<usize> = None;
    let mut comment = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(_q) = quote_start {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quote_start = None;
            }
            continue;
        }
        let is_word = c.is_alphanumeric();
        match (word_start, is_word) {
            (None, true) => word_start = Some(i),
            (Some(s), false) => {
                if is_operator(&text[s..i]) {
                    operators += 1;
                }
                word_start = None;
            }
            _ => {}
        }
        match c {
            '#' => comment = true,
            '"' => quote_start = Some(i),
            '(' => {
                depth += 1;
                open_parens.push(i);
                if depth > MAX_NESTING {
                    return Err(QueryError::new(
                        format!("parentheses nest more than {MAX_NESTING} deep"),
                        Span::new(i, i + 1),
                    ));
                }
            }
            ')' => {
                if depth == 0 {
                    return Err(QueryError::new(
                        "this ')' closes nothing",
                        Span::new(i, i + 1),
                    ));
                }
                depth -= 1;
                open_parens.pop();
            }
            _ => {}
        }
    }
    if let Some(s) = word_start {
        if is_operator(&text[s..]) {
            operators += 1;
        }
    }
    if operators > MAX_OPERATORS {
        return Err(QueryError::new(
            format!("query has {operators} and/or/not/with/without; the limit is {MAX_OPERATORS}"),
            Span::new(0, 0),
        ));
    }
    if let Some(q) = quote_start {
        let mut e = QueryError::new("this quote is never closed", Span::new(q, q + 1));
        e.incomplete = true;
        return Err(e);
    }
    if let Some(&p) = open_parens.last() {
        let mut e = QueryError::new("this '(' is never closed", Span::new(p, p + 1));
        e.incomplete = true;
        return Err(e);
    }
    Ok(())
}

/// Whether text that ended too soon ends with something that asks for what follows (a
/// connective, `where`, `from`, `to`, `max`, `limit`, `as`, `by`, a comma or `=`), so that more
/// input can complete it. `show` or `compare palbociclib` alone cannot be completed by another
/// line: they are errors, not continuations.
fn asks_for_more(before: &str) -> bool {
    let code: Vec<&str> = before
        .lines()
        .map(|l| l.split('#').next().unwrap_or(l))
        .collect();
    let joined = code.join(" ");
    let before = joined.trim_end();
    if before.ends_with([',', '=', '(']) {
        return true;
    }
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == ')')
        .next()
        .unwrap_or("");
    is_operator(last)
        || ["where", "from", "to", "max", "limit", "as", "by"]
            .iter()
            .any(|k| last.eq_ignore_ascii_case(k))
}

fn is_operator(word: &str) -> bool {
    ["and", "or", "not", "with", "without"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

/// What a rule is called in an error message.
fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::word | Rule::name | Rule::phrase | Rule::path_end | Rule::expr => "a name or word",
        Rule::quoted => "a quoted name",
        Rule::kw_and => "'and'",
        Rule::kw_or => "'or'",
        Rule::kw_not => "'not'",
        Rule::kw_with => "'with'",
        Rule::kw_without => "'without'",
        Rule::kw_where | Rule::where_clause => "'where'",
        Rule::kw_limit | Rule::limit => "'limit'",
        Rule::kw_as | Rule::format => "'as'",
        Rule::kw_grouped_by | Rule::grouped => "'grouped by'",
        Rule::kw_sorted_by | Rule::sorted => "'sorted by'",
        Rule::kw_from => "'from'",
        Rule::kw_to => "'to'",
        Rule::kw_max => "'max'",
        Rule::op => "'=', '!=', '~' or 'contains'",
        Rule::kw_me => "'me'",
        Rule::kw_contains => "'=', '!=', '~' or 'contains'",
        Rule::cmp_name => "a name",
        Rule::number => "a number",
        Rule::lparen | Rule::group => "'('",
        Rule::rparen => "')'",
        Rule::comma => "','",
        Rule::semicolon => "';'",
        Rule::condition => "a comparison such as `line = second`",
        Rule::EOI => "the end of the statement",
        _ => return None,
    })
}

fn convert_error(text: &str, e: pest::error::Error<Rule>) -> QueryError {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&str> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().filter_map(|r| rule_words(*r)).collect()
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort_unstable();
    expected.dedup();
    let rest = &text[pos.min(text.len())..];
    let at_end =
        rest.trim().is_empty() || rest.trim_start().starts_with('#') && !rest.contains('\n');
    let found_end = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(rest.len(), |(i, _)| i);
    let found = &rest[..found_end.max(rest.chars().next().map_or(0, char::len_utf8))];
    let list = match expected.len() {
        0 => String::new(),
        1 => expected[0].to_string(),
        n => format!("{} or {}", expected[..n - 1].join(", "), expected[n - 1]),
    };
    let span = Span::new(pos, pos + found.len());
    if at_end {
        let more = asks_for_more(&text[..pos.min(text.len())]);
        let what = if more {
            "is incomplete"
        } else {
            "ends too soon"
        };
        let mut err = QueryError::new(
            if list.is_empty() {
                format!("the statement {what}")
            } else {
                format!("the statement {what}: expected {list}")
            },
            Span::new(pos, pos),
        );
        err.incomplete = more;
        return err;
    }
    let found_is_keyword = is_operator(found)
        || ["where", "limit", "as"]
            .iter()
            .any(|k| found.eq_ignore_ascii_case(k));
    let mut err = QueryError::new(
        if list.is_empty() {
            format!("unexpected `{found}`")
        } else {
            format!("expected {list}, found `{found}`")
        },
        span,
    );
    if found_is_keyword && pos == 0 && found.eq_ignore_ascii_case("where") {
        // `where does … come from`: a question about provenance.
        err = err.with_help(WHY_HELP);
    } else if found_is_keyword {
        err = err.with_help(format!(
            "`{found}` is a keyword; put a name that contains it in quotes"
        ));
    }
    err
}

/// How to ask where a fact comes from.
pub const WHY_HELP: &str = "to see where an answer comes from: `why` before the statement lists the statements behind it with source, section and evidence (`why tamoxifen causes hot flashes`, `why drugs targeting HER2`); `show X` lists X's statements with their sources";

fn span_of(p: &Pair<Rule>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

fn build_plain(pair: Pair<Rule>) -> Result<Statement, QueryError> {
    let span = span_of(&pair);
    let mut kind = None;
    let mut modifiers = Modifiers::default();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::modifiers => modifiers = build_modifiers(p)?,
            _ => kind = Some(build_kind(p)?),
        }
    }
    let kind = kind.ok_or_else(|| QueryError::new("empty statement", span))?;
    if let StatementKind::Find(e)
    | StatementKind::ShowMe(e)
    | StatementKind::Count(e)
    | StatementKind::Why(e) = &kind
    {
        // Only a question ends on `with` (`what is pertuzumab combined with`); anything else
        // goes on, on the next line (`drugs targeting HER2 with`).
        if ends_stranded(e) && !opens_question(e) {
            let mut err = QueryError::new(
                "the statement is incomplete: `with` needs a condition after it",
                Span::new(span.end, span.end),
            );
            err.incomplete = true;
            return Err(err.with_help("e.g. `drugs targeting HER2 with cardiac monitoring`"));
        }
    }
    Ok(Statement {
        kind,
        modifiers,
        span,
    })
}

/// Words that open a question whose last word may be `with`.
const STRANDING: &[&str] = &["what", "which"];

/// Whether an expression's last phrase ends on the statement's last `with`.
fn ends_stranded(e: &Expr) -> bool {
    match e {
        Expr::Phrase(p) => p.stranded_with(),
        Expr::Not(inner, _) => ends_stranded(inner),
        Expr::Binary(_, _, r, _) => ends_stranded(r),
    }
}

/// Whether an expression opens with `what` or `which`.
fn opens_question(e: &Expr) -> bool {
    match e {
        Expr::Phrase(p) => p
            .words
            .first()
            .is_some_and(|w| !w.quoted && STRANDING.contains(&w.text.to_lowercase().as_str())),
        Expr::Not(..) => false,
        Expr::Binary(_, l, _, _) => opens_question(l),
    }
}

fn build_kind(p: Pair<Rule>) -> Result<StatementKind, QueryError> {
    let rule = p.as_rule();
    let span = span_of(&p);
    let mut inner: Vec<Pair<Rule>> = p.into_inner().filter(|p| !is_punct(p.as_rule())).collect();
    Ok(match rule {
        Rule::find => StatementKind::Find(statement_expr(take(&mut inner, Rule::expr, span)?)?),
        Rule::count => StatementKind::Count(statement_expr(take(&mut inner, Rule::expr, span)?)?),
        Rule::why => StatementKind::Why(statement_expr(take(&mut inner, Rule::expr, span)?)?),
        Rule::show => StatementKind::Show(words(take(&mut inner, Rule::name, span)?.into_inner())),
        Rule::show_me => {
            StatementKind::ShowMe(statement_expr(take(&mut inner, Rule::expr, span)?)?)
        }
        Rule::search => {
            StatementKind::Search(words(take(&mut inner, Rule::name, span)?.into_inner()))
        }
        Rule::compare => StatementKind::Compare(
            inner
                .into_iter()
                .filter(|p| p.as_rule() == Rule::cmp_name)
                .map(|p| words(p.into_inner()))
                .collect(),
        ),
        Rule::path | Rule::paths => {
            let ends: Vec<Vec<Word>> = inner
                .iter()
                .filter(|p| p.as_rule() == Rule::path_end)
                .map(|p| words(p.clone().into_inner()))
                .collect();
            let max = match inner.iter().find(|p| p.as_rule() == Rule::number) {
                Some(n) => Some(number(n)?),
                None => None,
            };
            let [from, to] = <[Vec<Word>; 2]>::try_from(ends)
                .map_err(|_| QueryError::new("a path needs two ends", span))?;
            StatementKind::Path {
                from,
                to,
                all: rule == Rule::paths,
                max,
            }
        }
        _ => return Err(QueryError::new("unexpected statement", span)),
    })
}

fn is_punct(r: Rule) -> bool {
    matches!(
        r,
        Rule::comma
            | Rule::lparen
            | Rule::rparen
            | Rule::semicolon
            | Rule::kw_show
            | Rule::kw_count
            | Rule::kw_path
            | Rule::kw_paths
            | Rule::kw_why
            | Rule::kw_compare
            | Rule::kw_search
            | Rule::kw_from
            | Rule::kw_to
            | Rule::kw_max
            | Rule::kw_explain
            | Rule::kw_me
            | Rule::kw_vs
    )
}

fn take<'a>(
    pairs: &mut Vec<Pair<'a, Rule>>,
    rule: Rule,
    span: Span,
) -> Result<Pair<'a, Rule>, QueryError> {
    let i = pairs
        .iter()
        .position(|p| p.as_rule() == rule)
        .ok_or_else(|| QueryError::new("malformed statement", span))?;
    Ok(pairs.remove(i))
}

fn number(p: &Pair<Rule>) -> Result<(u64, Span), QueryError> {
    let span = span_of(p);
    p.as_str()
        .parse::<u64>()
        .map(|n| (n, span))
        .map_err(|_| QueryError::new("number too large", span))
}

fn word(p: Pair<Rule>) -> Option<Word> {
    let span = span_of(&p);
    match p.as_rule() {
        Rule::word => Some(Word {
            text: p.as_str().to_string(),
            quoted: false,
            span,
        }),
        Rule::quoted => {
            let raw = p.into_inner().next().map_or("", |q| q.as_str());
            Some(Word {
                text: unescape(raw),
                quoted: true,
                span,
            })
        }
        _ => None,
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn words(pairs: Pairs<Rule>) -> Vec<Word> {
    pairs.filter_map(word).collect()
}

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(POp::infix(Rule::kw_or, Assoc::Left))
        .op(POp::infix(Rule::kw_and, Assoc::Left)
            | POp::infix(Rule::kw_with, Assoc::Left)
            | POp::infix(Rule::kw_without, Assoc::Left))
        .op(POp::prefix(Rule::kw_not))
});

/// A statement's expression, with `but` read as English reads it: what follows it holds of
/// everything before it. `drugs causing fatigue or nausea but not diarrhea` is (fatigue or
/// nausea) and not diarrhea; `and`, which binds before `or`, would leave alpelisib (fatigue and
/// diarrhea) in.
fn statement_expr(pair: Pair<Rule>) -> Result<Expr, QueryError> {
    // A last part in parentheses keeps its `but` inside them (read when the group is built).
    let ends_in_group = pair
        .clone()
        .into_inner()
        .last()
        .is_some_and(|p| p.as_rule() == Rule::group);
    let e = build_expr(pair)?;
    Ok(if ends_in_group { e } else { but_over_all(e) })
}

/// `e` with a `but` in its last phrase made the top of it: `A or B but C` → `(A or B) and C`,
/// `… but not C` → `… and not C`. Unchanged when the phrase is all of `e` (its parts are joined by
/// `and` anyway), or has comparisons or a part in parentheses.
fn but_over_all(e: Expr) -> Expr {
    fn last_phrase(e: &mut Expr) -> Option<&mut Phrase> {
        match e {
            Expr::Phrase(p) => Some(p),
            Expr::Binary(_, _, r, _) => last_phrase(r),
            Expr::Not(inner, _) => last_phrase(inner),
        }
    }
    if matches!(e, Expr::Phrase(_)) {
        return e;
    }
    let mut e = e;
    let Some(p) = last_phrase(&mut e) else {
        return e;
    };
    let at = p
        .words
        .iter()
        .position(|w| !w.quoted && w.text.eq_ignore_ascii_case("but"));
    let Some(at) = at.filter(|i| *i > 0 && i + 1 < p.words.len()) else {
        return e;
    };
    let is_not = |w: &Word| !w.quoted && w.text.eq_ignore_ascii_case("not");
    // Something after `but` (and its `not`), or it is left as it was written.
    let said = p.words.len() - (at + 1) - usize::from(p.words.get(at + 1).is_some_and(is_not));
    if said == 0 || !p.conditions.is_empty() || p.nested.is_some() {
        return e;
    }
    let mut after: Vec<Word> = p.words.split_off(at + 1);
    p.words.truncate(at);
    if let (Some(first), Some(last)) = (p.words.first(), p.words.last()) {
        p.span = first.span.join(last.span);
    }
    let negated = after.first().is_some_and(is_not);
    let not_span = negated.then(|| after.remove(0).span);
    let (Some(first), Some(last)) = (after.first(), after.last()) else {
        return e;
    };
    let rest_span = first.span.join(last.span);
    let rest = Expr::Phrase(Phrase {
        words: after,
        nested: None,
        conditions: Vec::new(),
        span: rest_span,
    });
    let rest = match not_span {
        Some(s) => Expr::Not(Box::new(rest), s.join(rest_span)),
        None => rest,
    };
    let span = e.span().join(rest.span());
    Expr::Binary(BinOp::And, Box::new(e), Box::new(rest), span)
}

fn build_expr(pair: Pair<Rule>) -> Result<Expr, QueryError> {
    PRATT
        .map_primary(|p| match p.as_rule() {
            Rule::group => {
                let inner = p.into_inner().find(|p| p.as_rule() == Rule::expr);
                match inner {
                    Some(e) => statement_expr(e),
                    None => Err(QueryError::new("empty parentheses", Span::default())),
                }
            }
            Rule::phrase => build_phrase(p).map(Expr::Phrase),
            _ => Err(QueryError::new("unexpected input", span_of(&p))),
        })
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let span = span_of(&op).join(rhs.span());
            Ok(Expr::Not(Box::new(rhs), span))
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let bin = match op.as_rule() {
                Rule::kw_and => BinOp::And,
                Rule::kw_or => BinOp::Or,
                Rule::kw_with => BinOp::With,
                _ => BinOp::Without,
            };
            let span = lhs.span().join(rhs.span());
            Ok(Expr::Binary(bin, Box::new(lhs), Box::new(rhs), span))
        })
        .parse(pair.into_inner())
}

fn build_phrase(p: Pair<Rule>) -> Result<Phrase, QueryError> {
    let span = span_of(&p);
    let mut words_ = Vec::new();
    let mut conditions = Vec::new();
    let mut nested = None;
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::group => {
                if let Some(e) = q.into_inner().find(|p| p.as_rule() == Rule::expr) {
                    nested = Some(Box::new(build_expr(e)?));
                }
            }
            Rule::where_clause => {
                for c in q.into_inner().filter(|c| c.as_rule() == Rule::condition) {
                    conditions.push(build_condition(c)?);
                }
            }
            Rule::inner_not => words_.push(Word {
                text: "not".into(),
                quoted: false,
                span: span_of(&q),
            }),
            Rule::final_with => words_.push(Word {
                text: "with".into(),
                quoted: false,
                span: span_of(&q),
            }),
            _ => words_.extend(word(q)),
        }
    }
    Ok(Phrase {
        words: words_,
        nested,
        conditions,
        span,
    })
}

fn build_condition(c: Pair<Rule>) -> Result<Condition, QueryError> {
    let span = span_of(&c);
    let mut field = None;
    let mut value = None;
    let mut op = Op::Eq;
    for q in c.into_inner() {
        if q.as_rule() == Rule::op {
            op = match q.as_str() {
                "!=" => Op::Ne,
                "=" => Op::Eq,
                _ => Op::Contains,
            };
        } else if let Some(w) = word(q) {
            if field.is_none() {
                field = Some(w);
            } else {
                value = Some(w);
            }
        }
    }
    match (field, value) {
        (Some(field), Some(value)) => Ok(Condition {
            field,
            op,
            value,
            span,
        }),
        _ => Err(QueryError::new("malformed comparison", span)),
    }
}

fn build_modifiers(p: Pair<Rule>) -> Result<Modifiers, QueryError> {
    let mut m = Modifiers::default();
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::grouped => m.group_by = Some(words(q.into_inner())),
            Rule::sorted => {
                let mut w = words(q.into_inner());
                let order = match w.last() {
                    Some(l) if !l.quoted && l.text.eq_ignore_ascii_case("desc") => Order::Desc,
                    _ => Order::Asc,
                };
                if w.len() > 1
                    && w.last().is_some_and(|l| {
                        !l.quoted
                            && (l.text.eq_ignore_ascii_case("desc")
                                || l.text.eq_ignore_ascii_case("asc"))
                    })
                {
                    w.pop();
                }
                m.sort_by = Some((w, order));
            }
            Rule::limit => {
                if let Some(n) = q.into_inner().find(|n| n.as_rule() == Rule::number) {
                    m.limit = Some(number(&n)?);
                }
            }
            Rule::format => m.format = q.into_inner().find_map(word),
            _ => {}
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(q: &str) -> String {
        parse(q).expect("parses").expect("not empty").to_string()
    }

    fn err(q: &str) -> QueryError {
        parse(q).expect_err("fails")
    }

    #[test]
    fn precedence_not_and_or() {
        assert_eq!(
            canon("drugs causing a or causing b and not causing c"),
            "drugs causing a or causing b and not causing c"
        );
        let s = parse("a or b and c").unwrap().unwrap();
        let StatementKind::Find(Expr::Binary(BinOp::Or, _, r, _)) = s.kind else {
            panic!("or on top")
        };
        assert!(matches!(*r, Expr::Binary(BinOp::And, ..)));
    }

    #[test]
    fn but_holds_of_everything_before_it() {
        assert_eq!(
            canon("drugs causing a or b but not c"),
            "(drugs causing a or b) and not c"
        );
        assert_eq!(
            canon("drugs causing a or b but c"),
            "(drugs causing a or b) and c"
        );
        // Within one phrase every part is joined by `and` already; in parentheses, within them.
        assert_eq!(
            canon("drugs causing a but not b"),
            "drugs causing a but not b"
        );
        assert_eq!(
            canon("x and (a or b but not c)"),
            "x and ((a or b) and not c)"
        );
        assert_eq!(canon("(a or b but not c) or d"), "(a or b) and not c or d");
        // A `but` with nothing after it (or only `not`), or quoted, is left as written.
        assert_eq!(canon("a or b but"), "a or b but");
        assert_eq!(canon("a or b but not"), "a or b but not");
        assert_eq!(canon("a or \"b but c\""), "a or \"b but c\"");
    }

    #[test]
    fn parentheses_are_kept_only_where_needed() {
        assert_eq!(canon("(a or b) and c"), "(a or b) and c");
        assert_eq!(canon("((a)) and (b and c)"), "a and (b and c)");
        assert_eq!(canon("a and (b or c)"), "a and (b or c)");
    }

    #[test]
    fn keywords_need_a_word_boundary() {
        assert_eq!(
            canon("drugs causing ornidazole"),
            "drugs causing ornidazole"
        );
        assert_eq!(canon("Drugs AND notable"), "Drugs and notable");
    }

    #[test]
    fn modifiers_and_openers() {
        assert_eq!(
            canon("COUNT drugs grouped BY class sorted by count desc limit 3 AS json"),
            "count drugs grouped by class sorted by count desc limit 3 as json"
        );
        assert_eq!(
            canon("paths from olaparib to \"BRCA1\" max 3"),
            "paths from olaparib to \"BRCA1\" max 3"
        );
        assert_eq!(canon("compare a, b c, d"), "compare a, b c, d");
        assert_eq!(
            canon("drugs treating x where line = second, evidence != fda-approved"),
            "drugs treating x where line = second, evidence != fda-approved"
        );
        assert_eq!(canon("explain show Herceptin"), "explain show Herceptin");
    }

    #[test]
    fn quoted_names_round_trip() {
        assert_eq!(
            canon(r#"drugs in class "CDK4/6 inhibitor""#),
            r#"drugs in class "CDK4/6 inhibitor""#
        );
        assert_eq!(canon(r#"show "a \"b\" and c""#), r#"show "a \"b\" and c""#);
    }

    #[test]
    fn empty_input_is_nothing() {
        assert_eq!(parse("  # just a comment\n").unwrap(), None);
    }

    #[test]
    fn a_question_may_end_on_with_and_prints_back_as_it_parses() {
        for q in [
            "what is pertuzumab combined with",
            "which drugs is trastuzumab combined with",
            "what is palbociclib used with as csv",
            "what is pertuzumab combined with where line = first",
            "drugs that do not cause rash",
        ] {
            let first = canon(q);
            assert_eq!(canon(&first), first, "{q}");
        }
        let Some(Statement {
            kind: StatementKind::Find(Expr::Phrase(p)),
            ..
        }) = parse("what is pertuzumab combined with?").unwrap()
        else {
            panic!("one phrase")
        };
        assert!(p.stranded_with());
        assert_eq!(p.words.last().map(|w| w.text.as_str()), Some("with"));
        // Not a question: more is to come.
        assert!(err("drugs combined with").incomplete);
        assert!(err("drugs that are taxanes and combined with").incomplete);
        assert!(err("why drugs targeting HER2 with").incomplete);
        assert!(err("count drugs targeting HER2 with").incomplete);
        // A quoted "with" is a name, not the keyword.
        assert_eq!(canon("what is \"with\""), "what is \"with\"");
    }

    #[test]
    fn incomplete_statements_are_marked() {
        for q in [
            "drugs and",
            "(drugs",
            "show \"Herc",
            "drugs where",
            "drugs targeting HER2 with",
            "not",
            "compare palbociclib,",
            "paths from olaparib to",
            "drugs and # a comment",
        ] {
            assert!(err(q).incomplete, "{q}");
        }
        // Another line cannot complete these: they are errors at once.
        // (`compare palbociclib` parses: one name is refused by the planner, and one class name
        // compares its members.)
        for q in ["count", "show", "explain"] {
            let e = err(q);
            assert!(!e.incomplete, "{q}");
            assert!(
                e.message.starts_with("the statement ends too soon"),
                "{q}: {}",
                e.message
            );
        }
        assert!(!err("drugs and and x").incomplete);
        assert!(!err("drugs )").incomplete);
    }

    #[test]
    fn errors_speak_user_words() {
        let e = err("drugs and or x");
        assert!(e.message.contains("a name or word"), "{}", e.message);
        assert!(!e.message.contains("kw_"), "{}", e.message);
        assert_eq!(e.span, Span::new(10, 12));
    }

    #[test]
    fn limits_are_enforced_before_parsing() {
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(err(&deep).message.contains("nest"));
        let many = "a and ".repeat(300) + "a";
        assert!(err(&many).message.contains("limit"));
        let huge = "a".repeat(MAX_QUERY_BYTES + 1);
        assert!(err(&huge).message.contains("bytes"));
    }

    #[test]
    fn phrases_can_be_typed() {
        for p in crate::lexicon::all_phrases() {
            let words: Vec<&str> = p.split(' ').collect();
            let (last, rest) = words.split_last().expect("non-empty");
            // `not` after the first word stays in the phrase (see the grammar's `inner_not`).
            for w in rest {
                assert!(
                    !RESERVED.contains(w) || *w == "not",
                    "`{p}` holds the keyword `{w}`"
                );
            }
            assert!(*last == "with" || !RESERVED.contains(last), "`{p}`");
            assert!(
                crate::lexicon::Lexicon::default()
                    .kind_by_noun(words[0])
                    .is_none()
                    || words.len() == 1,
                "`{p}` starts with a kind noun"
            );
        }
    }

    #[test]
    fn the_keyword_table_is_the_grammars() {
        let grammar = include_str!("../../grammar/query.pest");
        let mut in_grammar: Vec<&str> = grammar
            .lines()
            .filter(|l| l.trim_start().starts_with("kw_"))
            .flat_map(|l| l.split("^\"").skip(1))
            .filter_map(|rest| rest.split('"').next())
            .collect();
        in_grammar.sort_unstable();
        in_grammar.dedup();
        let mut table: Vec<&str> = [RESERVED, OPENERS, STRUCTURE].concat();
        table.sort_unstable();
        table.dedup();
        assert_eq!(in_grammar, table);
    }
}
