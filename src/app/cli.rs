//! The command line: parses arguments with clap, loads the graph, dispatches, and maps outcomes to
//! exit codes (0 ok, 1 a query, expectation or audit failed, 2 usage, I/O or data error).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use super::term::{choose_format, stdout_is_terminal, use_color, EXIT_ERROR, EXIT_FAIL, EXIT_OK};
use crate::audit;
use crate::diag::{Diagnostic, Severity};
use crate::graph::KnowledgeGraph;
use crate::load;
use crate::model::Dataset;
use crate::output::render::{self, Format, RenderOptions};

#[derive(Parser, Debug)]
#[command(
    name = "mbckg",
    version,
    about = "A knowledge graph of metastatic breast cancer treatment"
)]
struct Cli {
    /// Load graph data from this directory (TOML or KGX) instead of the embedded graph. Give it
    /// again to lay more graphs over the first (nodes matched by id or declared xref); `+DIR` lays
    /// DIR over the embedded graph. A file written by `mbckg snapshot` opens at once (alone).
    #[arg(long, global = true, value_name = "DIR|SNAPSHOT")]
    data: Vec<PathBuf>,
    /// Make KGX edges to missing nodes errors instead of dropping them with a warning.
    #[arg(long)]
    strict: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Node counts by kind and statement counts by relation.
    Stats {
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Run one query statement.
    Query {
        /// The statement, e.g. "drugs targeting HER2 with cardiac monitoring".
        text: String,
        /// table, json, jsonl, csv, tsv, markdown or dot; default: table on a terminal, tsv when
        /// piped (a statement's own `as` comes next).
        #[arg(long, value_parser = result_format)]
        format: Option<Format>,
    },
    /// Run query scripts (.kgq): statements, comments and expectations.
    Run {
        /// Script files; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format for every statement: table, json, jsonl, csv, tsv, markdown or dot.
        #[arg(long, value_parser = result_format)]
        format: Option<Format>,
        /// Go on after a failed expectation.
        #[arg(long)]
        keep_going: bool,
    },
    /// Validate the data and run the lint rules; exit 1 when any error is found.
    Audit {
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Warn about sources older than this: an age (`18m`, `3y`) or a date (`2024-01`).
        #[arg(long, value_name = "AGE|DATE")]
        stale_after: Option<String>,
    },
    /// What changed between two versions of the data: directories or git revisions of graph-data.
    /// Exits 1 when they differ.
    Diff {
        old: String,
        new: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Write the graph, or the part a query touches, as DOT, SVG, GraphML, Cypher, KGX or JSON.
    Export {
        /// dot, svg, graphml, cypher, kgx (two files: give -o DIR) or json.
        #[arg(long, value_parser = export_format)]
        format: crate::output::export::ExportFormat,
        /// Export only the nodes and statements behind this query's rows.
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// Output file (a directory for kgx); default standard output.
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Write the loaded graph as one binary file that `--data FILE` reopens at once (mapped into
    /// memory, not parsed): how to reopen a big imported graph without re-reading its TSV.
    Snapshot {
        /// The file to write (replaced whole or not at all).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// The sources, their sections, and how many statements cite each.
    Sources {
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
}

/// Reads `--format` for results, by the names `as` takes too.
fn result_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        format!("unknown format `{s}`; formats: {}", all.join(", "))
    })
}

/// Reads `--format` for exports.
fn export_format(s: &str) -> Result<crate::output::export::ExportFormat, String> {
    use crate::output::export::ExportFormat;
    ExportFormat::parse(s).ok_or_else(|| {
        let all: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.as_str()).collect();
        format!("unknown export format `{s}`; formats: {}", all.join(", "))
    })
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ReportFormat {
    Table,
    Json,
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    // `diff` loads its own two versions.
    if let Some(Command::Diff { old, new, format }) = &cli.command {
        return diff(old, new, *format);
    }
    let options = load::LoadOptions { strict: cli.strict };
    let graph = match load_graph_with(&cli.data, options) {
        Ok((g, warnings)) => {
            report_warnings(&warnings);
            g
        }
        Err(diags) => {
            report_diagnostics(&diags);
            return EXIT_ERROR;
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Some(Command::Stats { format }) => stats(&graph, format, &mut out),
        Some(Command::Query { text, format }) => query(&graph, &text, format, &mut out),
        Some(Command::Audit {
            format,
            strict,
            stale_after,
        }) => {
            let stale_before = match stale_after
                .as_deref()
                .map(|s| (s, crate::audit::stale_cutoff(s, &today())))
            {
                None => None,
                Some((_, Some(date))) => Some(date),
                Some((spec, None)) => {
                    eprintln!("mbckg: --stale-after takes an age such as 18m or 3y, or a date such as 2024-01; not `{spec}`");
                    return EXIT_ERROR;
                }
            };
            run_audit(
                &graph,
                format,
                strict,
                &crate::audit::Options { stale_before },
                &mut out,
            )
        }
        Some(Command::Sources { format }) => sources(&graph, format, &mut out),
        Some(Command::Snapshot { output }) => Ok(snapshot(&graph, &output)),
        Some(Command::Export {
            format,
            query,
            output,
        }) => export(
            &graph,
            format,
            query.as_deref(),
            output.as_deref(),
            &mut out,
        ),
        Some(Command::Diff { .. }) => Ok(EXIT_ERROR),
        Some(Command::Run {
            files,
            format,
            keep_going,
        }) => run_scripts(graph, &files, format, keep_going),
        None => {
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() {
                drop(out);
                return crate::app::repl::run(graph);
            }
            // Piped input is a script: no prompt, no banner, no history.
            run_scripts(graph, &[PathBuf::from("-")], None, false)
        }
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`mbckg stats | head -1`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "mbckg: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

/// The graph of the `--data` values (see [`load::load_layers`]), with the warnings of reading it.
/// A single clean KGX directory streams straight into the store (edges to missing nodes dropped
/// with the full reader's warning, unless strict); anything else is read in full, reporting every
/// problem.
pub fn load_graph_with(
    specs: &[PathBuf],
    options: load::LoadOptions,
) -> Result<(KnowledgeGraph, Vec<Diagnostic>), Vec<Diagnostic>> {
    // The shipped graph, prepared ahead when the file matches the embedded TOML.
    if specs.is_empty() {
        if let Some(g) = load::prepared_embedded() {
            return Ok((g, Vec::new()));
        }
    }
    if let [one] = specs {
        if one.is_file() {
            return load::snapshot::open(one).map(|g| (g, Vec::new()));
        }
        if let Some(streamed) = stream_kgx(one, options.strict) {
            return Ok(streamed);
        }
    }
    // A snapshot is a finished store, not data another graph can be laid over or under.
    for spec in specs {
        let path = match spec.to_str().and_then(|s| s.strip_prefix('+')) {
            Some(rest) => Path::new(rest),
            None => spec.as_path(),
        };
        if load::snapshot::is_snapshot(path) {
            return Err(vec![Diagnostic::error(
                "a snapshot opens only on its own: it cannot be laid over or under other graphs",
                crate::model::Origin {
                    file: path.display().to_string(),
                    ..Default::default()
                },
            )
            .with_help("make the snapshot from all the layers at once: `mbckg --data A --data B snapshot -o FILE`")]);
        }
    }
    let loaded = load::load_layers(specs, options)?;
    Ok((KnowledgeGraph::new(loaded.dataset), loaded.warnings))
}

/// The graph of `--data DIR`, or the embedded one, its warnings dropped (`.data`, tests).
pub fn load_graph(dir: Option<&PathBuf>) -> Result<KnowledgeGraph, Vec<Diagnostic>> {
    let specs: Vec<PathBuf> = dir.cloned().into_iter().collect();
    load_graph_with(&specs, load::LoadOptions::default()).map(|(g, _)| g)
}

fn stream_kgx(dir: &Path, strict: bool) -> Option<(KnowledgeGraph, Vec<Diagnostic>)> {
    if !load::is_kgx_dir(dir) {
        return None;
    }
    crate::app::memory::keeping_freed_memory(|| {
        let mut builder = crate::graph::Builder::new();
        let streamed = load::kgx_stream::read_dir(dir, &mut builder, strict)?;
        Some((builder.finish(streamed.sources), streamed.warnings))
    })
}

/// Writes `g` as a snapshot to `path` (whole or not at all); a one-line summary on stderr.
fn snapshot(g: &KnowledgeGraph, path: &Path) -> i32 {
    match write_snapshot(g, path) {
        Ok(bytes) => {
            eprintln!(
                "mbckg: wrote {} ({} nodes, {} statements, {:.1} MB)",
                path.display(),
                g.node_count(),
                g.statement_count(),
                bytes as f64 / 1e6
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("mbckg: cannot write the snapshot {}: {e}", path.display());
            EXIT_ERROR
        }
    }
}

/// Writes `g` as a snapshot to `path`, whole or not at all; the bytes written.
pub fn write_snapshot(g: &KnowledgeGraph, path: &Path) -> std::io::Result<u64> {
    let encoded = crate::graph::snapshot::encode(g);
    super::atomic::write_with(path, |f| {
        for piece in &encoded.pieces {
            f.write_all(piece)?;
        }
        Ok(())
    })?;
    Ok(encoded.len())
}

/// Prints the warnings of loading (tolerated flaws of KGX files) to stderr.
pub fn report_warnings(warnings: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in warnings {
        let _ = write!(err, "{}", d.render());
    }
}

/// Prints diagnostics to stderr with a closing count.
pub fn report_diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{}", shortened(diags));
    let n = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let _ = writeln!(
        err,
        "{n} error{} in the data",
        if n == 1 { "" } else { "s" }
    );
}

/// Diagnostics as shown: the first [`crate::diag::SHOWN_PER_KIND`] of each kind, then a count
/// of the rest of each kind (a graph with a million edges to a missing node gives a page, not
/// a million errors).
pub fn shortened(diags: &[Diagnostic]) -> String {
    let cut = crate::diag::shorten(diags);
    let mut text = String::new();
    for d in &cut.shown {
        text.push_str(&d.render());
        text.push('\n');
    }
    for (kind, n) in &cut.left_out {
        text.push_str(&format!("… and {n} more like “{kind}”\n"));
    }
    text
}

fn stats(g: &KnowledgeGraph, format: ReportFormat, out: &mut impl Write) -> std::io::Result<i32> {
    let kinds = g.kind_counts();
    let rels = g.relation_counts();
    match format {
        ReportFormat::Json => {
            let mut nodes = serde_json::Map::new();
            for (k, n) in &kinds {
                nodes.insert(k.as_str().into(), (*n).into());
            }
            let mut statements = serde_json::Map::new();
            for (r, n) in &rels {
                statements.insert(r.as_str().into(), (*n).into());
            }
            let sources: Vec<serde_json::Value> = g
                .sources()
                .iter()
                .map(|s| serde_json::json!({ "id": s.id, "title": s.title, "sections": s.sections.len() }))
                .collect();
            let v = serde_json::json!({
                "nodes": { "total": g.node_count(), "by_kind": nodes },
                "statements": { "total": g.statement_count(), "by_relation": statements },
                "sources": sources,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )?;
        }
        ReportFormat::Table => {
            writeln!(out, "{:<22} {:>6}", "kind", "nodes")?;
            for (k, n) in &kinds {
                writeln!(out, "{:<22} {:>6}", k.as_str(), n)?;
            }
            writeln!(out, "{:<22} {:>6}", "total", g.node_count())?;
            writeln!(out)?;
            writeln!(out, "{:<22} {:>6}", "relation", "statements")?;
            for (r, n) in &rels {
                writeln!(out, "{:<22} {:>6}", r.as_str(), n)?;
            }
            writeln!(out, "{:<22} {:>6}", "total", g.statement_count())?;
        }
    }
    Ok(EXIT_OK)
}

fn run_audit(
    g: &KnowledgeGraph,
    format: ReportFormat,
    strict: bool,
    opts: &crate::audit::Options,
    out: &mut impl Write,
) -> std::io::Result<i32> {
    let findings = audit::run(g, opts);
    let failing = |s: Severity| s == Severity::Error || (strict && s == Severity::Warning);
    let errors = findings.iter().filter(|f| failing(f.severity)).count();
    match format {
        ReportFormat::Json => {
            let list: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "rule": f.rule, "severity": f.severity.as_str(), "message": f.message,
                        "subject": f.subject, "file": f.origin.file, "line": f.origin.line, "col": f.origin.col,
                    })
                })
                .collect();
            let v = serde_json::json!({ "findings": list, "failed": errors > 0 });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )?;
        }
        ReportFormat::Table => {
            for f in &findings {
                writeln!(
                    out,
                    "{}: {} [{}]\n  --> {}",
                    f.severity.as_str(),
                    f.message,
                    f.rule,
                    f.origin
                )?;
            }
            let count = |s| findings.iter().filter(|f| f.severity == s).count();
            writeln!(
                out,
                "audit: {} nodes, {} statements; {} errors, {} warnings, {} info",
                g.node_count(),
                g.statement_count(),
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            )?;
        }
    }
    Ok(if errors > 0 { EXIT_FAIL } else { EXIT_OK })
}

fn query(
    g: &KnowledgeGraph,
    text: &str,
    flag: Option<Format>,
    out: &mut impl Write,
) -> std::io::Result<i32> {
    let terminal = stdout_is_terminal();
    let default = if terminal { Format::Table } else { Format::Tsv };
    match crate::execute_for(text, g, flag, default) {
        Ok(None) => {
            eprintln!("mbckg: the query is empty (nothing but spaces or a comment); give a statement such as `drugs targeting HER2`");
            Ok(EXIT_ERROR)
        }
        Ok(Some(answer)) => {
            let format = choose_format(flag, answer.plan.format, terminal);
            let opts = RenderOptions {
                interpretation: terminal,
                color: use_color(terminal),
                width: super::term::auto_width(terminal),
            };
            out.write_all(render::render(&answer.result, format, &opts).as_bytes())?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            use std::io::IsTerminal;
            let color = use_color(std::io::stderr().is_terminal());
            let d = e.to_diagnostic("<query>", text, 1);
            let _ = write!(
                std::io::stderr(),
                "{}",
                render::render_diagnostic(&d, color)
            );
            Ok(EXIT_FAIL)
        }
    }
}

/// Reads a script: a file, or standard input for `-`. Invalid UTF-8 is an error naming the place.
fn read_script(path: &std::path::Path) -> Result<(String, String), Diagnostic> {
    use std::io::Read;
    let name = if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map(|_| ())
    };
    if let Err(e) = read {
        return Err(Diagnostic::error(
            format!("cannot read script: {e}"),
            crate::model::Origin {
                file: name,
                ..Default::default()
            },
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Err(crate::diag::at_span(
                &name,
                &text,
                at,
                at + 1,
                "script is not valid UTF-8",
            ))
        }
    }
}

/// Runs scripts one after another in one session, so meta commands (`.mode json`) carry on.
fn run_scripts(
    graph: KnowledgeGraph,
    files: &[PathBuf],
    format: Option<Format>,
    keep_going: bool,
) -> std::io::Result<i32> {
    use std::io::IsTerminal;
    let terminal = stdout_is_terminal();
    let opts = crate::app::script::Options {
        default_format: if terminal { Format::Table } else { Format::Tsv },
        render: RenderOptions {
            interpretation: terminal,
            color: use_color(terminal),
            width: None,
        },
        keep_going,
        echo: false,
    };
    let mut session = super::meta::Session::new(std::rc::Rc::new(graph), terminal);
    session.format = format;
    let err_color = use_color(std::io::stderr().is_terminal());
    let mut failures = 0;
    for path in files {
        let (name, text) = match read_script(path) {
            Ok(x) => x,
            Err(d) => {
                eprint!("{}", render::render_diagnostic(&d, err_color));
                return Ok(EXIT_ERROR);
            }
        };
        let mut out = std::io::stdout().lock();
        let mut err = std::io::stderr().lock();
        let mut opts = opts;
        opts.render.color = opts.render.color && err_color;
        let outcome =
            crate::app::script::run(&name, &text, &mut session, &opts, &mut out, &mut err)?;
        failures += outcome.failures;
        if (outcome.failures > 0 && !keep_going) || session.quit {
            break;
        }
    }
    Ok(if failures > 0 { EXIT_FAIL } else { EXIT_OK })
}

/// Today as `YYYY-MM`, from the system clock (UTC).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}")
}

fn sources(g: &KnowledgeGraph, format: ReportFormat, out: &mut impl Write) -> std::io::Result<i32> {
    let mut counts: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    for e in g.statements() {
        let p = &g.statement(e).provenance;
        *counts
            .entry((p.source.as_str(), p.section.as_str()))
            .or_default() += 1;
    }
    match format {
        ReportFormat::Json => {
            let list: Vec<serde_json::Value> = g
                .sources()
                .iter()
                .map(|s| {
                    let sections: Vec<serde_json::Value> = s
                        .sections
                        .iter()
                        .map(|sec| {
                            serde_json::json!({
                                "heading": sec.heading, "updated": sec.updated,
                                "statements": counts.get(&(s.id.as_str(), sec.heading.as_str())).copied().unwrap_or(0),
                            })
                        })
                        .collect();
                    serde_json::json!({
                        "id": s.id, "title": s.title, "publisher": s.publisher, "approved": s.approved,
                        "url": s.url, "sections": sections,
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            )?;
        }
        ReportFormat::Table => {
            for s in g.sources() {
                let total: usize = s
                    .sections
                    .iter()
                    .map(|x| {
                        counts
                            .get(&(s.id.as_str(), x.heading.as_str()))
                            .copied()
                            .unwrap_or(0)
                    })
                    .sum();
                writeln!(
                    out,
                    "{}  {} ({}, {}) — {total} statements",
                    s.id,
                    s.title,
                    s.publisher.as_deref().unwrap_or("unknown publisher"),
                    s.approved.as_deref().unwrap_or("undated")
                )?;
                for sec in &s.sections {
                    let n = counts
                        .get(&(s.id.as_str(), sec.heading.as_str()))
                        .copied()
                        .unwrap_or(0);
                    let updated = sec
                        .updated
                        .as_ref()
                        .map(|u| format!(" (updated {u})"))
                        .unwrap_or_default();
                    writeln!(out, "  {n:>5}  {}{updated}", sec.heading)?;
                }
            }
        }
    }
    Ok(EXIT_OK)
}

/// A directory, or else a git revision of this repository's graph-data.
fn load_version(spec: &str) -> Result<Dataset, Vec<Diagnostic>> {
    let path = std::path::Path::new(spec);
    if path.is_dir() {
        load::load_dir(path)
    } else {
        load::load_git_revision(spec)
    }
}

fn diff(old: &str, new: &str, format: ReportFormat) -> i32 {
    let (a, b) = match (load_version(old), load_version(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            for diags in [a.err(), b.err()].into_iter().flatten() {
                report_diagnostics(&diags);
            }
            return EXIT_ERROR;
        }
    };
    let d = crate::diff::diff(&a, &b);
    let text = match format {
        ReportFormat::Table => d.render_table(),
        ReportFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&d.to_json()).unwrap_or_default()
        ),
    };
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("mbckg: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    if d.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAIL
    }
}

fn export(
    g: &KnowledgeGraph,
    format: crate::output::export::ExportFormat,
    query: Option<&str>,
    output: Option<&std::path::Path>,
    out: &mut impl Write,
) -> std::io::Result<i32> {
    let subset = match query {
        None => None,
        Some(text) => match crate::execute(text, g) {
            Ok(Some(answer)) => Some(crate::output::export::subset_from_result(g, &answer.result)),
            Ok(None) => {
                eprintln!("mbckg: --query holds no statement");
                return Ok(EXIT_ERROR);
            }
            Err(e) => {
                let d = e.to_diagnostic("<query>", text, 1);
                eprint!("{}", render::render_diagnostic(&d, false));
                return Ok(EXIT_FAIL);
            }
        },
    };
    let files = crate::output::export::export(g, subset.as_ref(), format);
    match (output, files.len()) {
        (None, 1) => out.write_all(files[0].1.as_bytes())?,
        (None, _) => {
            eprintln!(
                "mbckg: {} writes {} files; give a directory with -o",
                format.as_str(),
                files.len()
            );
            return Ok(EXIT_ERROR);
        }
        (Some(path), 1) if !path.is_dir() => {
            if let Err(e) = super::atomic::write(path, files[0].1.as_bytes()) {
                eprintln!("mbckg: cannot write {}: {e}", path.display());
                return Ok(EXIT_ERROR);
            }
        }
        (Some(dir), _) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("mbckg: cannot create {}: {e}", dir.display());
                return Ok(EXIT_ERROR);
            }
            for (name, text) in &files {
                if let Err(e) = super::atomic::write(&dir.join(name), text.as_bytes()) {
                    eprintln!("mbckg: cannot write {}: {e}", dir.join(name).display());
                    return Ok(EXIT_ERROR);
                }
            }
        }
    }
    Ok(EXIT_OK)
}
