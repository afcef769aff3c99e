//! Query scripts (`.kgq`): statements, `#` comments, continuation lines and expectations that turn
//! a script into a regression check on the data.
//!
//! [`split`] is pure: text → items with their line numbers. [`run`] executes the items against a
//! graph and writes results to one sink and diagnostics to another; it never reads files.

use std::io::{self, Write};

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
            if expect_rest(next).is_some() {
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

/// How to run a script.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Format forced for every statement (`--format`); otherwise a statement's `as`, else `default`.
    pub format: Option<Format>,
    pub default_format: Format,
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

/// Runs a script. `name` is the file name used in diagnostics.
pub fn run(
    name: &str,
    text: &str,
    g: &KnowledgeGraph,
    opts: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut outcome = Outcome::default();
    // Reports a failure; true when the run should stop there.
    let fail = |d: Diagnostic, outcome: &mut Outcome, err: &mut dyn Write| -> io::Result<bool> {
        write!(err, "{}", render::render_diagnostic(&d, opts.render.color))?;
        outcome.failures += 1;
        Ok(!opts.keep_going)
    };
    let mut last = Last::None;
    let mut last_error: Option<Diagnostic> = None;
    for item in split(text) {
        match item {
            Item::Statement { text: stmt, line } => {
                // An error left unexpected by the statement before stands as a failure.
                if let Some(d) = last_error.take() {
                    if fail(d, &mut outcome, err)? {
                        return Ok(outcome);
                    }
                }
                outcome.statements += 1;
                if opts.echo {
                    writeln!(out, "> {}", stmt.trim())?;
                }
                match crate::execute_for(&stmt, g, opts.format, opts.default_format) {
                    Ok(Some(answer)) => {
                        let format = opts
                            .format
                            .or(answer.plan.format)
                            .unwrap_or(opts.default_format);
                        out.write_all(
                            render::render(&answer.result, format, &opts.render).as_bytes(),
                        )?;
                        last = Last::Rows(answer.result);
                    }
                    Ok(None) => last = Last::None,
                    Err(e) => {
                        last_error = Some(e.to_diagnostic(name, &stmt, line));
                        last = Last::Failed;
                    }
                }
            }
            Item::Expect {
                expectation,
                line,
                col,
            } => {
                outcome.expectations += 1;
                if expectation == Expectation::Error {
                    if let Some(d) = last_error.take() {
                        if opts.echo {
                            // Show the expected error too, so snapshots record its message.
                            write!(out, "{}", d.render())?;
                        }
                        continue;
                    }
                }
                if let Some(d) = last_error.take() {
                    write!(err, "{}", render::render_diagnostic(&d, opts.render.color))?;
                }
                let at = Origin {
                    file: name.to_string(),
                    line,
                    col,
                };
                let problem = match unknown_name(&expectation, &last, g) {
                    Some(d) => Some(d),
                    None => check(&expectation, &last, g).map(|problem| {
                        Diagnostic::error(format!("expectation failed: {problem}"), at.clone())
                    }),
                };
                if let Some(d) = problem {
                    let d = Diagnostic { origin: at, ..d };
                    if fail(d, &mut outcome, err)? {
                        return Ok(outcome);
                    }
                }
            }
            Item::BadExpect { message, line, col } => {
                let at = Origin {
                    file: name.to_string(),
                    line,
                    col,
                };
                if fail(Diagnostic::error(message, at), &mut outcome, err)? {
                    return Ok(outcome);
                }
            }
        }
    }
    if let Some(d) = last_error.take() {
        fail(d, &mut outcome, err)?;
    }
    Ok(outcome)
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
    let labels: Vec<&str> = g.labels().map(|(l, _)| l).collect();
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
