//! The interactive shell: a thin rustyline loop over [`crate::execute`], with completion that knows
//! where it is, hints from history, highlighting, multi-line statements and meta commands.
//!
//! The pieces a test can reach without a terminal are pure functions: [`complete`],
//! [`highlight`], [`statements`] and the meta-command table.

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

use super::meta::{self, Session};
use crate::app::history::History;
use crate::app::script;
use crate::app::term;
use crate::graph::{normalize, KnowledgeGraph};
use crate::lexicon;
use crate::output::render::{self, Format, RenderOptions};

/// Statement openers offered at the start of a line.
const OPENERS: &[&str] = &[
    "show",
    "count",
    "path from",
    "paths from",
    "why",
    "explain",
    "compare",
    "search",
];
/// Words offered after a complete phrase.
const CONNECTIVES: &[&str] = &[
    "and",
    "or",
    "not",
    "with",
    "without",
    "where",
    "grouped by",
    "sorted by",
    "limit",
    "as",
];

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

/// Completions for the text before `pos`: (start of the replaced text, candidates).
pub fn complete(line: &str, pos: usize, g: &KnowledgeGraph) -> (usize, Vec<String>) {
    let pos = pos.min(line.len());
    let before = &line[..pos];
    if before.starts_with('.') && !before.contains(' ') {
        let c: Vec<String> = meta::METAS
            .iter()
            .map(|m| m.name)
            .filter(|n| n.starts_with(before))
            .map(String::from)
            .collect();
        return (0, c);
    }
    // Word boundaries before the cursor: completion may replace the last 1–4 words, so
    // `trastuzumab der` completes to `trastuzumab deruxtecan`.
    let starts: Vec<usize> = word_starts(before);
    for &start in starts.iter().rev().take(4).rev() {
        let context = Context_::of(&before[..start], g.lexicon());
        let prefix = normalize(&before[start..])
            .trim_start_matches('"')
            .to_string();
        if prefix.is_empty() && start != before.len() {
            continue;
        }
        let mut out: Vec<String> = context
            .candidates(g, before[..start].trim().is_empty())
            .into_iter()
            .filter(|c| {
                normalize(c).starts_with(&prefix) && (!prefix.is_empty() || start == before.len())
            })
            .collect();
        out.sort_by_key(|c| c.to_lowercase());
        out.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        if !out.is_empty() {
            let quoted: Vec<String> = out.into_iter().map(|c| quote_if_needed(&c)).collect();
            return (start, quoted);
        }
    }
    (pos, Vec::new())
}

fn word_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut prev_space = true;
    for (i, c) in text.char_indices() {
        if prev_space && !c.is_whitespace() {
            starts.push(i);
        }
        prev_space = c.is_whitespace() || c == '(' || c == ',';
    }
    if prev_space {
        starts.push(text.len());
    }
    starts
}

fn quote_if_needed(name: &str) -> String {
    let needs = name
        .split_whitespace()
        .any(|w| crate::query::syntax::RESERVED.contains(&w.to_lowercase().as_str()))
        || name
            .chars()
            .any(|c| matches!(c, ',' | '(' | ')' | '"' | '#' | '=' | '!' | ';'));
    if needs {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_string()
    }
}

/// What the words before the cursor say may come next.
enum Context_ {
    /// After a kind noun or a name: relation phrases that fit the kind, and connectives.
    AfterSubject(Option<crate::model::NodeKind>),
    /// After a relation phrase or a connective: names and kind nouns.
    AfterRelation,
}

impl Context_ {
    /// The context made by the words before the one being completed.
    fn of(done: &str, lex: &lexicon::Lexicon) -> Context_ {
        let words: Vec<&str> = done.split_whitespace().collect();
        for n in (1..=words.len().min(4)).rev() {
            let tail = words[words.len() - n..].join(" ");
            if let Some((k, _)) = lex.kind_by_noun(&tail) {
                return Context_::AfterSubject(Some(k));
            }
            if !lex.relations_by_phrase(&tail).is_empty()
                || !lexicon::relations_by_inverse_phrase(&tail).is_empty()
                || CONNECTIVES.contains(&tail.to_lowercase().as_str())
                || OPENERS.iter().any(|o| o.eq_ignore_ascii_case(&tail))
            {
                return Context_::AfterRelation;
            }
        }
        // After a name (or anything else): what may follow a complete phrase.
        if words.is_empty() {
            Context_::AfterRelation
        } else {
            Context_::AfterSubject(None)
        }
    }

    fn candidates(&self, g: &KnowledgeGraph, at_start: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        match self {
            Context_::AfterSubject(kind) => {
                for r in lexicon::RELATIONS {
                    let fits_fwd = kind.is_none_or(|k| r.domain.contains(&k));
                    let fits_inv = kind.is_none_or(|k| r.range.contains(&k));
                    if fits_fwd {
                        out.extend(r.phrases.iter().map(|p| p.to_string()));
                    }
                    if fits_inv {
                        out.extend(r.inverse_phrases.iter().map(|p| p.to_string()));
                    }
                }
                out.extend(CONNECTIVES.iter().map(|c| c.to_string()));
                out.extend(["of".to_string(), "for".to_string()]);
            }
            Context_::AfterRelation => {
                if at_start {
                    out.extend(OPENERS.iter().map(|o| o.to_string()));
                }
                out.extend(lexicon::KINDS.iter().map(|k| k.plural[0].to_string()));
                out.extend(g.labels().map(|(l, _)| l.to_string()));
            }
        }
        out
    }
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
        let (start, list) = complete(line, pos, &self.graph.borrow());
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
    fn completion_knows_where_it_is() {
        let g = graph();
        let (start, c) = complete("drugs tar", 9, &g);
        assert_eq!((start, c), (6, vec!["targeting".to_string()]));
        let (start, c) = complete("trast", 5, &g);
        assert_eq!(start, 0);
        assert!(
            c.contains(&"trastuzumab".to_string())
                && c.contains(&"trastuzumab deruxtecan".to_string()),
            "{c:?}"
        );
        let (start, c) = complete("drugs targeting trastuzumab der", 31, &g);
        assert_eq!((start, c), (16, vec!["trastuzumab deruxtecan".to_string()]));
        let (_, c) = complete(".mo", 3, &g);
        assert_eq!(c, vec![".mode".to_string()]);
        let (_, c) = complete("sh", 2, &g);
        assert!(c.contains(&"show".to_string()), "{c:?}");
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
