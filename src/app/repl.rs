//! The interactive shell: a thin rustyline loop over [`crate::execute`], with completion that knows
//! where it is, hints from history, highlighting, multi-line statements and meta commands.
//!
//! The pieces a test can reach without a terminal are pure functions: completion
//! ([`super::complete`]), [`highlight`], [`statements`] and the meta-command table
//! ([`super::meta`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::time::Instant;

use rustyline::completion::{Completer, Pair};
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};

use super::complete::{complete, Entry};
use super::meta::{self, Session};
use crate::app::history::History;
use crate::app::script;
use crate::app::term;
use crate::graph::KnowledgeGraph;
use crate::output::render::{self, Format, RenderOptions};

/// The statements of a block of input, as a paste brings several lines at once: each line
/// starts a statement, which runs on over the next lines only while it is incomplete.
pub fn statements(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in input.lines() {
        if current.is_empty() {
            if line.trim().is_empty() {
                continue;
            }
            current = line.to_string();
        } else {
            current.push('\n');
            current.push_str(line);
        }
        if !needs_more(&current) {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The shell: a session (what meta commands change) and whether to colour.
pub struct Shell {
    pub session: Session,
    pub color: bool,
}

impl Shell {
    /// A shell on `graph`; `terminal` says whether stdout is a terminal (its width fits tables).
    pub fn new(graph: KnowledgeGraph, terminal: bool, color: bool) -> Shell {
        Shell {
            session: Session::new(Rc::new(graph), terminal),
            color,
        }
    }

    /// How scripts read with `.read` run here: tables with interpretations, every failure shown.
    fn script_options(&self) -> script::Options {
        script::Options {
            default_format: Format::Table,
            render: RenderOptions {
                interpretation: true,
                color: self.color,
                width: None,
            },
            keep_going: true,
            echo: true,
        }
    }

    /// Runs what was typed or pasted: each statement or meta command in it (see
    /// [`statements`]), writing everything to `out`.
    pub fn execute(&mut self, input: &str, out: &mut dyn Write) -> std::io::Result<()> {
        let pieces = statements(input);
        if pieces.len() < 2 {
            return self.execute_one(input, out);
        }
        for piece in pieces {
            self.execute_one(&piece, out)?;
            if self.session.quit {
                break;
            }
        }
        Ok(())
    }

    /// Runs one statement or meta command.
    fn execute_one(&mut self, input: &str, out: &mut dyn Write) -> std::io::Result<()> {
        if meta::is_meta(input) {
            return self.meta(input, out);
        }
        let started = Instant::now();
        let (g, forced) = (&self.session.graph, self.session.format);
        match crate::execute_for(input, g, forced, Format::Table) {
            Ok(None) => {}
            Ok(Some(answer)) => {
                let format = forced.or(answer.plan.format).unwrap_or(Format::Table);
                // The width is asked each time: the window may have been resized.
                let opts = RenderOptions {
                    interpretation: true,
                    color: self.color,
                    width: self.session.columns(),
                };
                out.write_all(render::render(&answer.result, format, &opts).as_bytes())?;
            }
            Err(e) => {
                let d = e.to_diagnostic("<input>", input, 1);
                write!(out, "{}", render::render_diagnostic(&d, self.color))?;
            }
        }
        if self.session.timer {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            writeln!(out, "time: {ms:.3} ms")?;
        }
        Ok(())
    }

    /// A meta command; what it says, acknowledgements and problems alike, goes to `out`.
    fn meta(&mut self, input: &str, out: &mut dyn Write) -> std::io::Result<()> {
        let opts = self.script_options();
        let mut err = Vec::new();
        let mut io = meta::Io {
            out: &mut *out,
            err: &mut err,
            opts: &opts,
        };
        let result = meta::run(&mut self.session, input, &mut io);
        out.write_all(&err)?;
        match result {
            Ok(done) => match done.ack {
                Some(ack) => writeln!(out, "{ack}"),
                None => Ok(()),
            },
            Err(meta::Failure::Usage(message)) => writeln!(out, "{message}"),
            Err(meta::Failure::Io(e)) => Err(e),
        }
    }
}

/// Lists a directory for completion after `.read` and `.data` (`""`: the current one).
fn list_dir(dir: &str) -> Vec<Entry> {
    let path = if dir.is_empty() { "." } else { dir };
    let Ok(entries) = std::fs::read_dir(path) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let dir = e.path().is_dir();
            Some(Entry { name, dir })
        })
        .collect()
}

/// ANSI highlighting of a statement: keywords, kind nouns, names and quoted strings.
pub fn highlight(line: &str, g: &KnowledgeGraph) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let mut end = line.len();
            let mut escaped = false;
            for (j, d) in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    end = j + 1;
                    break;
                }
            }
            out.push_str(&format!("\x1b[33m{}\x1b[0m", &line[i..end]));
        } else if c == '#' {
            out.push_str(&format!("\x1b[2m{}\x1b[0m", &line[i..]));
            break;
        } else if c.is_alphanumeric() {
            let mut end = line.len();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() || matches!(d, '(' | ')' | ',' | '"' | '#' | '=' | '!') {
                    end = j;
                    break;
                }
                chars.next();
            }
            let word = &line[i..end];
            let lower = word.to_lowercase();
            let style = if crate::query::syntax::is_keyword(&lower) {
                Some("\x1b[1;35m")
            } else if g.lexicon().kind_by_noun(&lower).is_some() {
                Some("\x1b[36m")
            } else if !g.lookup(word).is_empty() {
                Some("\x1b[32m")
            } else {
                None
            };
            match style {
                Some(s) => out.push_str(&format!("{s}{word}\x1b[0m")),
                None => out.push_str(word),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The rustyline helper. It shares the shell's current graph, which `.data` may replace.
struct ShellHelper {
    graph: Rc<RefCell<Rc<KnowledgeGraph>>>,
    color: bool,
    hinter: HistoryHinter,
}

impl Completer for ShellHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, list) = complete(line, pos, &self.graph.borrow(), &list_dir);
        Ok((
            start,
            list.into_iter()
                .map(|c| Pair {
                    display: c.clone(),
                    replacement: c,
                })
                .collect(),
        ))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(highlight(line, &self.graph.borrow()))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _forced: bool) -> bool {
        self.color
    }
}

/// Every line is accepted as typed; an incomplete statement is continued by the loop in [`run`]
/// under the continuation prompt, as psql and sqlite3 do.
impl Validator for ShellHelper {
    fn validate(&self, _ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(ValidationResult::Valid(None))
    }
}

/// The prompt for the lines that continue an incomplete statement.
pub const CONTINUATION_PROMPT: &str = "  ...> ";

/// Whether the shell should read another line before running `input`.
pub fn needs_more(input: &str) -> bool {
    !meta::is_meta(input) && script::is_incomplete(input)
}

impl Helper for ShellHelper {}

/// The banner: what graph is loaded.
pub fn banner(g: &KnowledgeGraph) -> String {
    let drugs = g.of_kind(crate::model::NodeKind::Drug).len();
    let sources: Vec<String> = g
        .sources()
        .iter()
        .filter(|s| s.id != "pharmacology-background")
        .map(|s| {
            let updated = s.sections.iter().filter_map(|x| x.updated.as_deref()).max();
            match (s.approved.as_deref(), updated) {
                (Some(a), Some(u)) => format!("{} ({a}, updated {u})", s.title),
                (Some(a), None) => format!("{} ({a})", s.title),
                _ => s.title.clone(),
            }
        })
        .collect();
    format!(
        "mbckg {} — {} drugs, {} nodes, {} statements from {}\nType .help for help, Ctrl-D to leave.",
        env!("CARGO_PKG_VERSION"),
        drugs,
        g.node_count(),
        g.statement_count(),
        sources.join("; ")
    )
}

/// Reads one statement: a line, and more lines under the continuation prompt while it is
/// incomplete. Ctrl-C on a continuation line drops the whole statement; Ctrl-D there runs what
/// was typed (and reports it incomplete).
fn read_statement(editor: &mut Editor<ShellHelper, DefaultHistory>) -> rustyline::Result<String> {
    let mut input = editor.readline("mbckg> ")?;
    while needs_more(&input) {
        match editor.readline(CONTINUATION_PROMPT) {
            Ok(more) => {
                input.push('\n');
                input.push_str(&more);
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(input)
}

/// Runs the interactive shell until Ctrl-D or `.quit`; returns the exit code.
pub fn run(graph: KnowledgeGraph) -> i32 {
    // Highlighting and coloured tables only when the output is a terminal too.
    let color = term::use_color(term::stdout_is_terminal());
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .max_history_size(5000)
        .map(|b| b.build())
        .unwrap_or_default();
    let mut shell = Shell::new(graph, term::stdout_is_terminal(), color);
    let mut stderr = std::io::stderr();
    let mut editor: Editor<ShellHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(stderr, "mbckg: cannot start the line editor: {e}");
            return term::EXIT_ERROR;
        }
    };
    let shared = Rc::new(RefCell::new(shell.session.graph.clone()));
    editor.set_helper(Some(ShellHelper {
        graph: shared.clone(),
        color,
        hinter: HistoryHinter::new(),
    }));
    let history = crate::app::history::default_path().and_then(|path| match History::open(&path) {
        Ok((history, entries)) => {
            for e in entries {
                let _ = editor.add_history_entry(e);
            }
            Some(history)
        }
        Err(warning) => {
            let _ = writeln!(stderr, "warning: {warning}");
            None
        }
    });
    // This session's statements: only these are added to the file at the end.
    let mut typed: Vec<String> = Vec::new();
    println!("{}", banner(&shell.session.graph));
    loop {
        match read_statement(&mut editor) {
            Ok(input) => {
                if input.trim().is_empty() {
                    continue;
                }
                // One entry per statement, even when it spans lines.
                let _ = editor.add_history_entry(input.as_str());
                if typed.last() != Some(&input) {
                    typed.push(input.clone());
                }
                let mut out = std::io::stdout().lock();
                if let Err(e) = shell.execute(&input, &mut out) {
                    let _ = writeln!(stderr, "mbckg: {e}");
                }
                let _ = out.flush();
                *shared.borrow_mut() = shell.session.graph.clone();
                if shell.session.quit {
                    break;
                }
            }
            // Ctrl-C clears the line and never leaves.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                let _ = writeln!(stderr, "mbckg: {e}");
                break;
            }
        }
    }
    if let Some(history) = &history {
        if let Err(warning) = history.append(&typed) {
            let _ = writeln!(stderr, "warning: {warning}");
        }
    }
    term::EXIT_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> KnowledgeGraph {
        KnowledgeGraph::new(crate::load::load_embedded().expect("shipped graph"))
    }

    #[test]
    fn highlighting_marks_keywords_names_and_strings() {
        let g = graph();
        let h = highlight("drugs targeting \"HER2\" and Herceptin", &g);
        assert!(h.contains("\x1b[36mdrugs"), "{h:?}");
        assert!(h.contains("\x1b[33m\"HER2\""), "{h:?}");
        assert!(h.contains("\x1b[1;35mand"), "{h:?}");
        assert!(h.contains("\x1b[32mHerceptin"), "{h:?}");
    }

    #[test]
    fn incomplete_statements_ask_for_more() {
        assert!(needs_more("drugs targeting HER2 and"));
        assert!(needs_more("show \"Herc"));
        assert!(needs_more("(drugs"));
        assert!(!needs_more("drugs targeting HER2"));
        assert!(!needs_more(".read \"x"));
        assert!(!needs_more("drugs and and"));
    }
}
