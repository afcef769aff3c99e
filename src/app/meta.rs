//! Meta commands (`.help`, `.mode`, `.timer`, `.width`, `.read`, `.data`, `.schema`, `.sources`,
//! `.quit`) and the session state they change: one table, shared by the REPL, piped input and
//! `mbckg run` scripts, so a command works the same in all three. `.help` is generated from it,
//! and completion reads each command's argument kind from it.
//!
//! Handlers write what was asked for (help, schema, sources) to the output and return
//! acknowledgements and failures as data; the runner decides where those go.

use std::io::{self, Write};
use std::path::PathBuf;
use std::rc::Rc;

use crate::graph::KnowledgeGraph;
use crate::output::render::{self, Format};

use super::script;

/// How deep `.read` may nest (a script that reads itself stops here).
pub const MAX_DEPTH: usize = 16;

/// What a session keeps between statements.
pub struct Session {
    pub graph: Rc<KnowledgeGraph>,
    /// The format `.mode` or `--format` forces; otherwise a statement's `as`, else the default.
    pub format: Option<Format>,
    /// Report how long each statement takes.
    pub timer: bool,
    /// The width tables are fitted to.
    pub width: Width,
    /// Whether standard output is a terminal (an automatic width comes from it).
    pub terminal: bool,
    /// `.quit` was given: stop reading.
    pub quit: bool,
    /// How many `.read`s deep the running script is.
    pub depth: usize,
}

impl Session {
    /// A session on `graph` with nothing set: formats by statement, widths automatic.
    pub fn new(graph: Rc<KnowledgeGraph>, terminal: bool) -> Session {
        Session {
            graph,
            format: None,
            timer: false,
            width: Width::Auto,
            terminal,
            quit: false,
            depth: 0,
        }
    }

    /// The width to fit tables to now: `None` means no fitting.
    pub fn columns(&self) -> Option<usize> {
        match self.width {
            Width::Auto => super::term::auto_width(self.terminal),
            Width::Fixed(n) => Some(n),
            Width::Off => None,
        }
    }
}

/// The width tables are fitted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// `COLUMNS` when set, else the terminal's width when output is a terminal, else none.
    Auto,
    /// This many columns, terminal or not (`.width 80`).
    Fixed(usize),
    /// Never fit: long lines stay long (`.width off`).
    Off,
}

/// What a meta command's argument is, for completion and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    None,
    /// A result format (`table`, `json`, …).
    Format,
    /// `on` or `off`.
    Switch,
    /// A number of columns, `auto` or `off`.
    Width,
    /// A file name.
    File,
    /// A directory name.
    Dir,
}

impl Arg {
    /// The words this argument may be (none for names and numbers).
    pub fn choices(self) -> Vec<&'static str> {
        match self {
            Arg::Format => Format::ALL.iter().map(|f| f.as_str()).collect(),
            Arg::Switch => vec!["off", "on"],
            Arg::Width => vec!["auto", "off"],
            Arg::None | Arg::File | Arg::Dir => Vec::new(),
        }
    }
}

/// What a meta command did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// A short acknowledgement (`mode: json`), shown where acknowledgements are shown.
    pub ack: Option<String>,
    /// Failures inside it (a `.read` script's).
    pub failures: usize,
}

impl Done {
    fn ack(text: impl Into<String>) -> Result<Done, Failure> {
        Ok(Done {
            ack: Some(text.into()),
            failures: 0,
        })
    }
}

/// Why a meta command failed.
#[derive(Debug)]
pub enum Failure {
    /// The command or its argument is wrong; the message says how.
    Usage(String),
    /// Writing the output failed.
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

/// Where a meta command writes, and how scripts it reads are run.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub opts: &'a script::Options,
}

type Handler = fn(&mut Session, &str, &mut Io<'_>) -> Result<Done, Failure>;

/// A meta command: name, argument, help, handler.
pub struct Meta {
    pub name: &'static str,
    /// The argument as help shows it.
    pub synopsis: &'static str,
    pub arg: Arg,
    pub help: &'static str,
    run: Handler,
}

/// The meta commands, in the order `.help` lists them.
pub const METAS: &[Meta] = &[
    Meta {
        name: ".help",
        synopsis: "",
        arg: Arg::None,
        help: "show this help",
        run: help,
    },
    Meta {
        name: ".mode",
        synopsis: "table|json|csv|…",
        arg: Arg::Format,
        help: "output format for the statements that follow",
        run: mode,
    },
    Meta {
        name: ".timer",
        synopsis: "on|off",
        arg: Arg::Switch,
        help: "show how long each statement takes",
        run: timer,
    },
    Meta {
        name: ".width",
        synopsis: "N|auto|off",
        arg: Arg::Width,
        help: "fit tables to N columns; auto: the terminal's (or COLUMNS)",
        run: width,
    },
    Meta {
        name: ".read",
        synopsis: "FILE",
        arg: Arg::File,
        help: "run a .kgq script",
        run: read,
    },
    Meta {
        name: ".data",
        synopsis: "DIR",
        arg: Arg::Dir,
        help: "load another graph-data directory",
        run: data,
    },
    Meta {
        name: ".schema",
        synopsis: "",
        arg: Arg::None,
        help: "kinds, relations and the phrases that name them",
        run: schema,
    },
    Meta {
        name: ".sources",
        synopsis: "",
        arg: Arg::None,
        help: "the sources statements cite",
        run: sources,
    },
    Meta {
        name: ".quit",
        synopsis: "",
        arg: Arg::None,
        help: "leave (Ctrl-D works too); in a script, stop reading it",
        run: |sh, _, _| {
            sh.quit = true;
            Ok(Done::default())
        },
    },
];

/// Whether a line is a meta command (starts with `.` and a letter).
pub fn is_meta(line: &str) -> bool {
    let mut chars = line.trim_start().chars();
    chars.next() == Some('.') && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// The meta command of this name.
pub fn find(name: &str) -> Option<&'static Meta> {
    METAS.iter().find(|m| m.name.eq_ignore_ascii_case(name))
}

/// Runs one meta-command line (`.mode json  # a comment`).
pub fn run(session: &mut Session, line: &str, io: &mut Io<'_>) -> Result<Done, Failure> {
    let line = line.trim();
    let line = line.split(" #").next().unwrap_or(line).trim_end();
    let (name, arg) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    match find(name) {
        Some(m) => (m.run)(session, arg.trim(), io),
        None => {
            let names = METAS.iter().map(|m| m.name);
            let hint = crate::diag::did_you_mean(name, names).unwrap_or_else(|| "try .help".into());
            Err(Failure::Usage(format!("unknown command `{name}`: {hint}")))
        }
    }
}

fn help(_: &mut Session, _: &str, io: &mut Io<'_>) -> Result<Done, Failure> {
    let out = &mut io.out;
    writeln!(
        out,
        "Statements end at the end of the line; an incomplete one continues on the next."
    )?;
    writeln!(out, "Examples: drugs targeting HER2 with cardiac monitoring · show Herceptin · why trastuzumab requires echocardiogram")?;
    for m in METAS {
        writeln!(out, "  {:<8} {:<17} {}", m.name, m.synopsis, m.help)?;
    }
    Ok(Done::default())
}

fn mode(sh: &mut Session, arg: &str, _: &mut Io<'_>) -> Result<Done, Failure> {
    if arg.is_empty() {
        return Done::ack(match sh.format {
            Some(f) => format!("mode: {f}"),
            None => "mode: each statement's own `as`, else the default".to_string(),
        });
    }
    match Format::parse(arg) {
        Some(f) => {
            sh.format = Some(f);
            Done::ack(format!("mode: {f}"))
        }
        None => {
            let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            Err(Failure::Usage(format!(
                "unknown mode `{arg}`; modes: {}",
                all.join(", ")
            )))
        }
    }
}

fn timer(sh: &mut Session, arg: &str, _: &mut Io<'_>) -> Result<Done, Failure> {
    sh.timer = match arg.to_ascii_lowercase().as_str() {
        "on" | "" => true,
        "off" => false,
        _ => {
            let now = if sh.timer { "on" } else { "off" };
            return Err(Failure::Usage(format!(
                "`.timer` takes `on` or `off`, not `{arg}`; the timer stays {now}"
            )));
        }
    };
    Done::ack(format!("timer {}", if sh.timer { "on" } else { "off" }))
}

fn width(sh: &mut Session, arg: &str, _: &mut Io<'_>) -> Result<Done, Failure> {
    let narrowest = crate::output::fit::NARROWEST;
    sh.width = match arg.to_ascii_lowercase().as_str() {
        "auto" | "" => Width::Auto,
        "off" => Width::Off,
        n => match n.parse::<usize>() {
            Ok(n) if n >= narrowest => Width::Fixed(n),
            _ => {
                return Err(Failure::Usage(format!(
                    "`.width` takes a number of columns ({narrowest} or more), `auto` or `off`, not `{arg}`"
                )))
            }
        },
    };
    Done::ack(match (sh.width, sh.columns()) {
        (Width::Off, _) => "width: off (lines are not fitted)".to_string(),
        (_, Some(n)) => format!("width: {n} columns"),
        (_, None) => "width: auto (none now: output is not a terminal)".to_string(),
    })
}

fn read(sh: &mut Session, arg: &str, io: &mut Io<'_>) -> Result<Done, Failure> {
    if sh.depth >= MAX_DEPTH {
        return Err(Failure::Usage(format!(
            "scripts nested too deep: `.read` inside `.read` more than {MAX_DEPTH} times"
        )));
    }
    let bytes =
        std::fs::read(arg).map_err(|e| Failure::Usage(format!("cannot read {arg}: {e}")))?;
    let text = String::from_utf8_lossy(&bytes);
    sh.depth += 1;
    let outcome = script::run(arg, &text, sh, io.opts, io.out, io.err);
    sh.depth -= 1;
    // A `.quit` in the script read ends that script, not the reader.
    sh.quit = false;
    let outcome = outcome?;
    Ok(Done {
        ack: Some(format!(
            "{}, {}",
            counted(outcome.statements, "statement", "statements"),
            counted(outcome.failures, "failure", "failures")
        )),
        failures: outcome.failures,
    })
}

fn data(sh: &mut Session, arg: &str, io: &mut Io<'_>) -> Result<Done, Failure> {
    match super::cli::load_graph(Some(&PathBuf::from(arg))) {
        Ok(g) => {
            sh.graph = Rc::new(g);
            Done::ack(format!(
                "loaded {arg}: {} nodes, {} statements",
                sh.graph.node_count(),
                sh.graph.statement_count()
            ))
        }
        Err(diags) => {
            let cut = crate::diag::shorten(&diags);
            let color = io.opts.render.color;
            for d in &cut.shown {
                write!(io.err, "{}", render::render_diagnostic(d, color))?;
            }
            for (kind, n) in &cut.left_out {
                writeln!(io.err, "… and {n} more like “{kind}”")?;
            }
            Err(Failure::Usage(format!(
                "{arg}: {}; the previous graph stays loaded",
                counted(diags.len(), "problem", "problems")
            )))
        }
    }
}

/// `1 failure`, `2 failures`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn schema(_: &mut Session, _: &str, io: &mut Io<'_>) -> Result<Done, Failure> {
    let out = &mut io.out;
    for k in crate::lexicon::KINDS {
        writeln!(out, "kind {:<13} {}", k.kind.as_str(), k.plural.join(", "))?;
    }
    for r in crate::lexicon::RELATIONS {
        let dom: Vec<&str> = r.domain.iter().map(|k| k.as_str()).collect();
        let ran: Vec<&str> = r.range.iter().map(|k| k.as_str()).collect();
        writeln!(
            out,
            "relation {:<19} {} → {}: {}",
            r.relation.as_str(),
            dom.join("|"),
            ran.join("|"),
            r.gloss
        )?;
        writeln!(out, "    phrases: {}", r.phrases.join(", "))?;
        if !r.inverse_phrases.is_empty() {
            writeln!(out, "    inverse: {}", r.inverse_phrases.join(", "))?;
        }
    }
    Ok(Done::default())
}

fn sources(sh: &mut Session, _: &str, io: &mut Io<'_>) -> Result<Done, Failure> {
    let out = &mut io.out;
    for s in sh.graph.sources() {
        let approved = s.approved.as_deref().unwrap_or("undated");
        writeln!(out, "{}: {} ({approved})", s.id, s.title)?;
        for sec in &s.sections {
            match &sec.updated {
                Some(u) => writeln!(out, "    {} (updated {u})", sec.heading)?,
                None => writeln!(out, "    {}", sec.heading)?,
            }
        }
    }
    Ok(Done::default())
}
