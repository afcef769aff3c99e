//! Query scripts (`.kgq`): statements, `#` comments, continuation lines, meta commands (`.mode
//! json`, `.timer on`, as in the REPL) and expectations that turn a script into a regression check
//! on the data.
//!
//! [`split`] is pure: text → items with their line numbers. [`run`] executes the items in a
//! session and writes results to one sink and diagnostics (timings too) to another; it reads no
//! files itself (`.read` does, through [`super::meta`]).

use std::io::{self, Write};
use std::time::Instant;

use super::meta::{self, Failure, Session};
use crate::diag::Diagnostic;
use crate::graph::KnowledgeGraph;
use crate::model::Origin;
use crate::output::render::{self, Format, RenderOptions};
use crate::query::eval::ResultSet;
use crate::query::syntax::{self, QueryError};

/// What a script checks about the statement above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// `expect count 3`: the number of rows.
    Count(usize),
    /// `expect includes trastuzumab, Herceptin`: rows naming each (by name, alias or id).
    Includes(Vec<String>),
    /// `expect excludes olaparib`: no row names any.
    Excludes(Vec<String>),
    /// `expect empty`: no rows.
    Empty,
    /// `expect error`: the statement fails to parse, plan or run.
    Error,
}

/// One piece of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A statement, possibly spanning lines; `line` is where it starts (1-based).
    Statement { text: String, line: u32 },
    /// A meta command (`.mode json`), one line.
    Meta { text: String, line: u32, col: u32 },
    /// An expectation on the statement before it.
    Expect {
        expectation: Expectation,
        line: u32,
        col: u32,
    },
    /// A line that starts with `expect` but says nothing we understand.
    BadExpect {
        message: String,
        line: u32,
        col: u32,
    },
}

/// Splits a script into statements and expectations. A statement continues on the next line
/// while the parser says it is incomplete (open quote or parenthesis, trailing `and`).
pub fn split(text: &str) -> Vec<Item> {
    // A byte-order mark some editors put at the start is not part of the first statement.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let lineno = (i + 1) as u32;
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        if meta::is_meta(trimmed) {
            items.push(Item::Meta {
                text: trimmed.trim_end().to_string(),
                line: lineno,
                col: (line.len() - trimmed.len()) as u32 + 1,
            });
            i += 1;
            continue;
        }
        if let Some(rest) = expect_rest(trimmed) {
            let col = (line.len() - trimmed.len()) as u32 + 1;
            items.push(match parse_expectation(rest) {
                Ok(expectation) => Item::Expect {
                    expectation,
                    line: lineno,
                    col,
                },
                Err(message) => Item::BadExpect {
                    message,
                    line: lineno,
                    col,
                },
            });
            i += 1;
            continue;
        }
        let mut stmt = line.to_string();
        i += 1;
        while i < lines.len() && is_incomplete(&stmt) {
            let next = lines[i].trim_start();
            if expect_rest(next).is_some() || meta::is_meta(next) {
                break;
            }
            stmt.push('\n');
            stmt.push_str(lines[i]);
            i += 1;
        }
        items.push(Item::Statement {
            text: stmt,
            line: lineno,
        });
    }
    items
}

/// Whether a statement's text is incomplete and more lines may finish it.
pub fn is_incomplete(text: &str) -> bool {
    matches!(
        syntax::parse(text),
        Err(QueryError {
            incomplete: true,
            ..
        })
    )
}

fn expect_rest(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("expect")?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

fn parse_expectation(rest: &str) -> Result<Expectation, String> {
    let rest = rest.split(" #").next().unwrap_or(rest).trim();
    let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let names = || split_names(args);
    match word.to_lowercase().as_str() {
        "count" => args
            .trim()
            .parse()
            .map(Expectation::Count)
            .map_err(|_| format!("`expect count` needs a number, found `{}`", args.trim())),
        "includes" | "include" if !names().is_empty() => Ok(Expectation::Includes(names())),
        "excludes" | "exclude" if !names().is_empty() => Ok(Expectation::Excludes(names())),
        "includes" | "include" | "excludes" | "exclude" => Err(format!("`expect {word}` needs one or more names, separated by commas")),
        "empty" if args.is_empty() => Ok(Expectation::Empty),
        "error" if args.is_empty() => Ok(Expectation::Error),
        _ => Err(format!(
            "unknown expectation `{rest}`; use `expect count N`, `expect includes A, B`, `expect excludes A`, `expect empty` or `expect error`"
        )),
    }
}

/// Splits `a, "b, c", d` at commas outside double quotes; quotes are removed.
fn split_names(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in args.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// How to run a script; what `.mode`, `.timer` and `.width` change lives in the [`Session`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The format of a statement with no `as` when the session forces none.
    pub default_format: Format,
    /// Interpretation and colour; the width comes from the session.
    pub render: RenderOptions,
    /// Go on after a failed expectation or statement.
    pub keep_going: bool,
    /// Print `> statement` before each result (used by the snapshot tests).
    pub echo: bool,
}

/// What a script run came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub statements: usize,
    pub expectations: usize,
    pub failures: usize,
}

/// The result of the statement an expectation looks at.
enum Last {
    None,
    Rows(ResultSet),
    Failed,
}

/// Runs a script in `session` (which its meta commands change). `name` is the file name used in
/// diagnostics. Results go to `out`; diagnostics and timings to `err`.
pub fn run(
    name: &str,
    text: &str,
    session: &mut Session,
    opts: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut r = Runner {
        name,
        opts,
        outcome: Outcome::default(),
        last: Last::None,
        last_error: None,
    };
    for item in split(text) {
        let go_on = match item {
            Item::Statement { text, line } => r.statement(&text, line, session, out, err)?,
            Item::Meta { text, line, col } => r.meta(&text, line, col, session, out, err)?,
            Item::Expect {
                expectation,
                line,
                col,
            } => r.expect(&expectation, line, col, &session.graph, out, err)?,
            Item::BadExpect { message, line, col } => {
                let d = Diagnostic::error(message, r.at(line, col));
                r.fail(d, err)?
            }
        };
        if !go_on || session.quit {
            return Ok(r.outcome);
        }
    }
    if let Some(d) = r.last_error.take() {
        r.fail(d, err)?;
    }
    Ok(r.outcome)
}

/// A script being run: what it came to so far, and what the next expectation looks at.
struct Runner<'a> {
    name: &'a str,
    opts: &'a Options,
    outcome: Outcome,
    last: Last,
    /// The error of the statement above, until an `expect error` takes it or it stands.
    last_error: Option<Diagnostic>,
}

impl Runner<'_> {
    fn at(&self, line: u32, col: u32) -> Origin {
        Origin {
            file: self.name.to_string(),
            line,
            col,
        }
    }

    /// Reports a failure; false when the run should stop there.
    fn fail(&mut self, d: Diagnostic, err: &mut dyn Write) -> io::Result<bool> {
        write!(
            err,
            "{}",
            render::render_diagnostic(&d, self.opts.render.color)
        )?;
        self.outcome.failures += 1;
        Ok(self.opts.keep_going)
    }

    /// An error no `expect error` took stands as a failure once the script moves on.
    fn settle(&mut self, err: &mut dyn Write) -> io::Result<bool> {
        match self.last_error.take() {
            Some(d) => self.fail(d, err),
            None => Ok(true),
        }
    }

    fn statement(
        &mut self,
        stmt: &str,
        line: u32,
        session: &Session,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<bool> {
        if !self.settle(err)? {
            return Ok(false);
        }
        self.outcome.statements += 1;
        if self.opts.echo {
            writeln!(out, "> {}", stmt.trim())?;
        }
        let started = Instant::now();
        let (g, forced, default) = (&session.graph, session.format, self.opts.default_format);
        match crate::execute_for(stmt, g, forced, default) {
            Ok(Some(answer)) => {
                let format = forced.or(answer.plan.format).unwrap_or(default);
                let render_opts = RenderOptions {
                    width: session.columns(),
                    ..self.opts.render
                };
                let text = render::render(&answer.result, format, &render_opts);
                out.write_all(text.as_bytes())?;
                self.last = Last::Rows(answer.result);
            }
            Ok(None) => self.last = Last::None,
            Err(e) => {
                self.last_error = Some(e.to_diagnostic(self.name, stmt, line));
                self.last = Last::Failed;
            }
        }
        if session.timer {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            writeln!(err, "time: {ms:.3} ms")?;
        }
        Ok(true)
    }

    /// A meta command: acknowledged only when echoing; a wrong one is a failure at its place.
    fn meta(
        &mut self,
        text: &str,
        line: u32,
        col: u32,
        session: &mut Session,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<bool> {
        if !self.settle(err)? {
            return Ok(false);
        }
        if self.opts.echo {
            writeln!(out, "> {text}")?;
        }
        let mut io = meta::Io {
            out: &mut *out,
            err: &mut *err,
            opts: self.opts,
        };
        match meta::run(session, text, &mut io) {
            Ok(done) => {
                if let Some(ack) = done.ack.filter(|_| self.opts.echo) {
                    writeln!(out, "{ack}")?;
                }
                self.outcome.failures += done.failures;
                Ok(done.failures == 0 || self.opts.keep_going)
            }
            Err(Failure::Usage(message)) => {
                let d = Diagnostic::error(message, self.at(line, col));
                self.fail(d, err)
            }
            Err(Failure::Io(e)) => Err(e),
        }
    }

    fn expect(
        &mut self,
        expectation: &Expectation,
        line: u32,
        col: u32,
        g: &KnowledgeGraph,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<bool> {
        self.outcome.expectations += 1;
        if *expectation == Expectation::Error {
            if let Some(d) = self.last_error.take() {
                if self.opts.echo {
                    // Show the expected error too, so snapshots record its message.
                    write!(out, "{}", d.render())?;
                }
                return Ok(true);
            }
        }
        if let Some(d) = self.last_error.take() {
            write!(
                err,
                "{}",
                render::render_diagnostic(&d, self.opts.render.color)
            )?;
        }
        let at = self.at(line, col);
        let problem = unknown_name(expectation, &self.last, g).or_else(|| {
            check(expectation, &self.last, g)
                .map(|p| Diagnostic::error(format!("expectation failed: {p}"), at.clone()))
        });
        match problem {
            Some(d) => self.fail(Diagnostic { origin: at, ..d }, err),
            None => Ok(true),
        }
    }
}

/// An `expect includes`/`excludes` name that is no node's name, alias or id: a check that could
/// never fail (`expect excludes tamoxifenn`). Such a name is allowed only against rows that are
/// values, not nodes (grouped counts), where it is compared with their first cell.
fn unknown_name(e: &Expectation, last: &Last, g: &KnowledgeGraph) -> Option<Diagnostic> {
    let (Expectation::Includes(names) | Expectation::Excludes(names)) = e else {
        return None;
    };
    let value_rows = match last {
        Last::Rows(rs) => rs.rows.iter().any(|r| r.id.is_none()),
        _ => false,
    };
    let unknown = names
        .iter()
        .find(|x| g.lookup(x).is_empty() && !value_rows)?;
    let labels = g.label_candidates(unknown);
    Some(
        Diagnostic::error(
            format!(
                "`{unknown}` is no node's name, alias or id, so this expectation could never fail"
            ),
            Origin::default(),
        )
        .with_help_opt(crate::diag::did_you_mean(unknown, labels)),
    )
}

/// Checks one expectation; `Some(explanation)` when it fails.
fn check(e: &Expectation, last: &Last, g: &KnowledgeGraph) -> Option<String> {
    let rs = match last {
        Last::None => return Some("there is no statement above this expectation".into()),
        Last::Failed => {
            return (*e != Expectation::Error).then(|| "the statement above failed".to_string());
        }
        Last::Rows(rs) => rs,
    };
    let n = rs.rows.len();
    match e {
        Expectation::Count(want) => {
            (n != *want).then(|| format!("expected count {want}, got {n}{}", listing(rs)))
        }
        Expectation::Empty => (n != 0).then(|| format!("expected no rows, got {n}{}", listing(rs))),
        Expectation::Error => Some(format!(
            "expected an error, but the statement returned {n} row{}",
            if n == 1 { "" } else { "s" }
        )),
        Expectation::Includes(names) => {
            let missing: Vec<&str> = names
                .iter()
                .filter(|x| !has_row(rs, g, x))
                .map(String::as_str)
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "expected rows for {}, missing {}{}",
                    names.join(", "),
                    missing.join(", "),
                    listing(rs)
                )
            })
        }
        Expectation::Excludes(names) => {
            let present: Vec<&str> = names
                .iter()
                .filter(|x| has_row(rs, g, x))
                .map(String::as_str)
                .collect();
            (!present.is_empty()).then(|| {
                format!(
                    "expected no rows for {}, but found {}",
                    names.join(", "),
                    present.join(", ")
                )
            })
        }
    }
}

/// Whether a row is about `name`: by node (name, alias or id) or by its first cell.
fn has_row(rs: &ResultSet, g: &KnowledgeGraph, name: &str) -> bool {
    let ids: Vec<String> = g
        .lookup(name)
        .into_iter()
        .map(|n| g.node(n).id.to_string())
        .collect();
    rs.rows.iter().any(|r| {
        r.id.as_ref().is_some_and(|id| ids.contains(id))
            || r.cells
                .first()
                .is_some_and(|c| c.eq_ignore_ascii_case(name))
    })
}

fn listing(rs: &ResultSet) -> String {
    let names: Vec<&str> = rs
        .rows
        .iter()
        .filter_map(|r| r.cells.first().map(String::as_str))
        .take(20)
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_joins_continuation_lines_and_reads_expectations() {
        let items = split("# intent\ndrugs targeting HER2 and\n  causing diarrhea\nexpect count 2\n\nshow \"T-DM1\"\nexpect includes a, b\nexpect nonsense\n");
        assert_eq!(
            items,
            vec![
                Item::Statement {
                    text: "drugs targeting HER2 and\n  causing diarrhea".into(),
                    line: 2
                },
                Item::Expect {
                    expectation: Expectation::Count(2),
                    line: 4,
                    col: 1
                },
                Item::Statement {
                    text: "show \"T-DM1\"".into(),
                    line: 6
                },
                Item::Expect {
                    expectation: Expectation::Includes(vec!["a".into(), "b".into()]),
                    line: 7,
                    col: 1
                },
                Item::BadExpect {
                    message: "unknown expectation `nonsense`; use `expect count N`, `expect includes A, B`, `expect excludes A`, `expect empty` or `expect error`".into(),
                    line: 8,
                    col: 1
                },
            ]
        );
    }

    #[test]
    fn meta_commands_are_items_of_their_own() {
        let items = split(".mode json\ndrugs targeting HER2 and\n  .timer on\n");
        assert_eq!(
            items,
            vec![
                Item::Meta {
                    text: ".mode json".into(),
                    line: 1,
                    col: 1
                },
                Item::Statement {
                    text: "drugs targeting HER2 and".into(),
                    line: 2
                },
                Item::Meta {
                    text: ".timer on".into(),
                    line: 3,
                    col: 3
                },
            ]
        );
    }

    #[test]
    fn an_incomplete_statement_stops_at_an_expectation() {
        let items = split("drugs and\nexpect error\n");
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn expectations_parse() {
        assert_eq!(parse_expectation("count 3"), Ok(Expectation::Count(3)));
        assert_eq!(parse_expectation("empty"), Ok(Expectation::Empty));
        assert!(parse_expectation("count x").is_err());
        assert!(parse_expectation("includes").is_err());
        assert_eq!(
            parse_expectation("includes \"HR-positive, HER2-negative breast cancer\", x"),
            Ok(Expectation::Includes(vec![
                "HR-positive, HER2-negative breast cancer".into(),
                "x".into()
            ]))
        );
    }
}
