//! Reads graph-data (the embedded copy or a directory) and validates it, reporting **every** problem
//! with its file:line:col and, where it can, a "did you mean".
//!
//! The only module that reads files. [`load_dir`] is a thin wrapper over [`load_files`], which is
//! pure: it takes (path, text) pairs and returns a [`Dataset`] or the list of diagnostics.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{self, Diagnostic};
use crate::lexicon;
use crate::model::vocab::{FREQUENCIES, LINES};
use crate::model::{
    Dataset, Evidence, Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Section, Source,
    Statement,
};

pub mod kgx;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Largest data file accepted, in bytes; bigger files are refused before parsing.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// The shipped graph-data, as embedded in the binary.
pub fn embedded_files() -> Vec<(String, String)> {
    embedded::EMBEDDED
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

/// Loads and validates the shipped graph-data.
pub fn load_embedded() -> Result<Dataset, Vec<Diagnostic>> {
    load_files_at(&embedded_files(), "graph-data/")
}

/// Reads a data directory: every `.toml` file under `dir` (sorted), validated as one graph; or,
/// when it holds `nodes.tsv` and `edges.tsv` and no `sources.toml`, a KGX TSV graph.
pub fn load_dir(dir: &Path) -> Result<Dataset, Vec<Diagnostic>> {
    let (nodes, edges) = (dir.join("nodes.tsv"), dir.join("edges.tsv"));
    if nodes.is_file() && edges.is_file() && !dir.join("sources.toml").exists() {
        return load_kgx(&nodes, &edges);
    }
    let files = read_dir_files(dir)?;
    let base = format!("{}/", dir.display().to_string().trim_end_matches('/'));
    load_files_at(&files, &base)
}

/// Reads a KGX TSV graph (`nodes.tsv`, `edges.tsv`).
pub fn load_kgx(nodes: &Path, edges: &Path) -> Result<Dataset, Vec<Diagnostic>> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| {
            vec![Diagnostic::error(
                format!("cannot read KGX file: {e}"),
                Origin {
                    file: p.display().to_string(),
                    ..Origin::default()
                },
            )]
        })
    };
    kgx::parse_kgx(&read(nodes)?, &read(edges)?)
}

/// Loads `graph-data/` as it was at a git revision of the repository around the current folder
/// (`HEAD~3`, a tag, a commit), for `mbckg diff`.
pub fn load_git_revision(rev: &str) -> Result<Dataset, Vec<Diagnostic>> {
    let fail = |message: String| {
        vec![Diagnostic::error(
            message,
            Origin {
                file: format!("{rev}:graph-data"),
                ..Origin::default()
            },
        )]
    };
    let git = |args: &[&str]| -> Result<Vec<u8>, Vec<Diagnostic>> {
        let out = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| fail(format!("cannot run git: {e}")))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(fail(format!("git {}: {}", args.join(" "), err.trim())));
        }
        Ok(out.stdout)
    };
    let prefix = String::from_utf8_lossy(&git(&["rev-parse", "--show-prefix"])?)
        .trim()
        .to_string();
    let listing = git(&["ls-tree", "-r", "--name-only", rev, "--", "graph-data"])?;
    let mut files = Vec::new();
    for path in String::from_utf8_lossy(&listing)
        .lines()
        .filter(|p| p.ends_with(".toml"))
    {
        let full = format!("{prefix}{path}");
        let bytes = git(&["show", &format!("{rev}:{full}")])?;
        let text =
            String::from_utf8(bytes).map_err(|_| fail(format!("{path} is not valid UTF-8")))?;
        let rel = path.strip_prefix("graph-data/").unwrap_or(path).to_string();
        files.push((rel, text));
    }
    if files.is_empty() {
        return Err(fail("no graph-data files at this revision".into()));
    }
    load_files_at(&files, &format!("{rev}:graph-data/"))
}

/// Reads the data files of a directory as (relative path, text) pairs.
pub fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let origin = |p: &Path| Origin {
        file: p.display().to_string(),
        line: 0,
        col: 0,
    };
    if !dir.is_dir() {
        return Err(vec![Diagnostic::error(
            "not a data directory (expected a folder holding sources.toml)",
            origin(dir),
        )]);
    }
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    walk(dir, &mut paths, &mut errors, 0);
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(&path) {
            Err(e) => errors.push(Diagnostic::error(
                format!("cannot read file: {e}"),
                origin(&path),
            )),
            Ok(bytes) if bytes.len() > MAX_FILE_BYTES => errors.push(Diagnostic::error(
                format!(
                    "file is {} bytes, over the limit of {MAX_FILE_BYTES}",
                    bytes.len()
                ),
                origin(&path),
            )),
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push((rel, text)),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    errors.push(diag::at_span(
                        &path.display().to_string(),
                        &text,
                        at,
                        at + 1,
                        "file is not valid UTF-8",
                    ));
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>, errors: &mut Vec<Diagnostic>, depth: usize) {
    if depth > 8 {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(Diagnostic::error(
                format!("cannot read directory: {e}"),
                Origin {
                    file: dir.display().to_string(),
                    ..Origin::default()
                },
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out, errors, depth + 1);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The shapes of the files, as serde reads them. Strings a user can get wrong keep their span.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourcesFile {
    #[serde(default)]
    source: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Spanned<String>,
    title: String,
    publisher: Option<String>,
    approved: Option<String>,
    url: Option<String>,
    /// The stored copy of the source under shared/sources/, for reviewers.
    #[allow(dead_code)]
    file: Option<String>,
    #[serde(default)]
    section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    heading: Spanned<String>,
    updated: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocabFile {
    #[serde(default)]
    node: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: Spanned<String>,
    name: Spanned<String>,
    kind: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    xrefs: Vec<String>,
    note: Option<String>,
    /// Lint rule id → why the finding is accepted.
    #[serde(default)]
    accept: BTreeMap<String, String>,
    #[serde(default)]
    statement: Vec<RawStatement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatement {
    relation: Spanned<String>,
    object: Spanned<String>,
    source: Spanned<String>,
    section: Spanned<String>,
    evidence: Spanned<String>,
    note: Spanned<String>,
    line: Option<Spanned<String>>,
    frequency: Option<Spanned<String>>,
    risk: Option<String>,
    #[serde(default)]
    population: Vec<Spanned<String>>,
    #[serde(default)]
    with: Vec<Spanned<String>>,
    schedule: Option<String>,
    min_count: Option<u32>,
    condition: Option<String>,
}

/// A byte range in one of the files being loaded.
#[derive(Clone, Copy, Debug)]
struct Span {
    file: usize,
    start: usize,
    end: usize,
}

/// The files being loaded, so any span can become a diagnostic.
struct Files<'a> {
    files: &'a [(String, String)],
    /// Prefix for file names in diagnostics and origins (`graph-data/`).
    base: &'a str,
    /// Byte offset of each line's start, per file, so positions cost a binary search.
    line_starts: Vec<Vec<usize>>,
}

impl Files<'_> {
    fn name(&self, file: usize) -> String {
        format!("{}{}", self.base, self.files[file].0)
    }

    fn diag(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        let text = &self.files[span.file].1;
        diag::at_span(&self.name(span.file), text, span.start, span.end, message)
    }

    fn origin(&self, span: Span) -> Origin {
        let text = &self.files[span.file].1;
        let starts = &self.line_starts[span.file];
        let at = span.start.min(text.len());
        let line = starts.partition_point(|&s| s <= at).max(1);
        let line_start = starts[line - 1];
        let col = text
            .get(line_start..at)
            .map_or(1, |t| t.chars().count() + 1);
        let (line, col) = (line as u32, col as u32);
        Origin {
            file: self.name(span.file),
            line,
            col,
        }
    }

    /// The span of a value; for a quoted string, the text inside the quotes.
    fn span<T>(&self, file: usize, s: &Spanned<T>) -> Span {
        let (mut start, mut end) = (s.span().start, s.span().end);
        let text = self.files[file].1.as_bytes();
        if end >= start + 2 && text.get(start) == Some(&b'"') && text.get(end - 1) == Some(&b'"') {
            start += 1;
            end -= 1;
        }
        Span { file, start, end }
    }
}

/// A node read from a file, before cross-file checks.
struct PendingNode {
    raw: RawNode,
    kind: NodeKind,
    file: usize,
}

/// What kind of file a path is.
enum FileRole {
    Sources,
    Vocabulary(NodeKind),
    Drug,
}

fn role_of(path: &str) -> Option<FileRole> {
    if path == "sources.toml" {
        return Some(FileRole::Sources);
    }
    if let Some(rest) = path.strip_prefix("drugs/") {
        return (!rest.contains('/')).then_some(FileRole::Drug);
    }
    lexicon::KINDS
        .iter()
        .find(|k| k.file == path)
        .map(|k| FileRole::Vocabulary(k.kind))
}

fn known_file_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = lexicon::KINDS
        .iter()
        .map(|k| k.file)
        .filter(|f| f.ends_with(".toml"))
        .collect();
    v.push("sources.toml");
    v
}

/// Parses and validates a set of data files as one graph. Pure; never panics on any input.
pub fn load_files(files: &[(String, String)]) -> Result<Dataset, Vec<Diagnostic>> {
    load_files_at(files, "")
}

/// As [`load_files`], naming each file `base` + its path in diagnostics and origins.
pub fn load_files_at(files: &[(String, String)], base: &str) -> Result<Dataset, Vec<Diagnostic>> {
    let line_starts = files
        .iter()
        .map(|(_, t)| {
            std::iter::once(0)
                .chain(t.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
        .collect();
    let fs = Files {
        files,
        base,
        line_starts,
    };
    let mut errors = Vec::new();
    let mut raw_sources = Vec::new();
    let mut pending = Vec::new();
    let mut saw_sources = false;

    for (i, (path, text)) in files.iter().enumerate() {
        let whole = Origin {
            file: fs.name(i),
            ..Origin::default()
        };
        let Some(role) = role_of(path) else {
            let name = path.rsplit('/').next().unwrap_or(path);
            errors.push(
                Diagnostic::error("unknown data file: its name says nothing about what it holds", whole)
                    .with_help_opt(diag::did_you_mean(name, known_file_names()))
                    .with_help("data files are sources.toml, drugs/<id>.toml and one file per kind (classes.toml, targets.toml, ...)"),
            );
            continue;
        };
        match role {
            FileRole::Sources => {
                saw_sources = true;
                match parse::<RawSourcesFile>(&fs.name(i), text) {
                    Ok(f) => raw_sources.extend(f.source.into_iter().map(|s| (s, i))),
                    Err(d) => errors.push(d),
                }
            }
            FileRole::Vocabulary(kind) => {
                match parse::<RawVocabFile>(path, text) {
                    Ok(f) => pending.extend(f.node.into_iter().map(|raw| PendingNode {
                        raw,
                        kind,
                        file: i,
                    })),
                    Err(d) => errors.push(d),
                }
            }
            FileRole::Drug => match parse::<RawNode>(&fs.name(i), text) {
                Ok(raw) => {
                    let stem = path.trim_start_matches("drugs/").trim_end_matches(".toml");
                    if raw.id.get_ref() != stem {
                        let span = fs.span(i, &raw.id);
                        errors.push(
                            fs.diag(
                                span,
                                format!(
                                    "drug id `{}` does not match its file name",
                                    raw.id.get_ref()
                                ),
                            )
                            .with_help(format!(
                                "rename the file to drugs/{}.toml or the id to `{stem}`",
                                raw.id.get_ref()
                            )),
                        );
                    }
                    pending.push(PendingNode {
                        raw,
                        kind: NodeKind::Drug,
                        file: i,
                    });
                }
                Err(d) => errors.push(d),
            },
        }
    }
    if !saw_sources {
        errors.push(Diagnostic::error(
            "no sources.toml: every statement must cite a source listed there",
            Origin {
                file: format!("{base}sources.toml"),
                ..Origin::default()
            },
        ));
    }

    let sources = check_sources(&fs, raw_sources, &mut errors);
    let (nodes, kinds) = check_nodes(&fs, &pending, &mut errors);
    let statements = check_statements(&fs, &pending, &kinds, &sources, &mut errors);
    check_cycles(&statements, &mut errors);

    if errors.is_empty() {
        Ok(Dataset {
            sources,
            nodes,
            statements: statements.into_iter().map(|(s, _)| s).collect(),
        })
    } else {
        errors.sort_by(|a, b| a.origin.cmp(&b.origin));
        Err(errors)
    }
}

/// Parses one TOML file into `T`, turning a syntax or shape error into a diagnostic.
fn parse<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T, Diagnostic> {
    toml::from_str::<T>(text).map_err(|e| {
        let message = e.message().trim().to_string();
        let (start, end) = e.span().map_or((0, 0), |r| (r.start, r.end));
        let mut d = diag::at_span(path, text, start, end, first_line(&message));
        if let Some(help) = unknown_field_help(&message) {
            d = d.with_help(help);
        }
        d
    })
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

/// For serde's "unknown field `x`, expected one of `a`, `b`", a "did you mean" and the list.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match diag::closest(field, expected.iter().copied()) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None => Some(format!("fields allowed here: {}", expected.join(", "))),
    }
}

fn check_sources(
    fs: &Files,
    raw: Vec<(RawSource, usize)>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Source> {
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut out = Vec::new();
    for (s, file) in raw {
        let span = fs.span(file, &s.id);
        if let Some(first) = seen.get(s.id.get_ref()) {
            errors.push(
                fs.diag(span, format!("duplicate source id `{}`", s.id.get_ref()))
                    .with_help(format!("first defined at {}", fs.origin(*first))),
            );
            continue;
        }
        seen.insert(s.id.get_ref().clone(), span);
        let mut headings: HashSet<String> = HashSet::new();
        let mut sections = Vec::new();
        for sec in s.section {
            if !headings.insert(sec.heading.get_ref().clone()) {
                let span = fs.span(file, &sec.heading);
                errors.push(fs.diag(
                    span,
                    format!("section `{}` is listed twice", sec.heading.get_ref()),
                ));
                continue;
            }
            sections.push(Section {
                heading: sec.heading.into_inner(),
                updated: sec.updated,
            });
        }
        out.push(Source {
            id: s.id.get_ref().clone(),
            title: s.title,
            publisher: s.publisher,
            approved: s.approved,
            url: s.url,
            sections,
            origin: fs.origin(span),
        });
    }
    out
}

fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Checks node ids, kinds, names and aliases; returns the nodes and a map id → kind.
fn check_nodes(
    fs: &Files,
    pending: &[PendingNode],
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Node>, HashMap<String, NodeKind>) {
    let mut kinds: HashMap<String, NodeKind> = HashMap::new();
    let mut first_at: HashMap<String, Span> = HashMap::new();
    // lower-cased name or alias → (node id, where it was claimed)
    let mut names: HashMap<String, (String, Span)> = HashMap::new();
    let mut nodes = Vec::new();
    for p in pending {
        let raw = &p.raw;
        let id = raw.id.get_ref();
        let id_span = fs.span(p.file, &raw.id);
        if let Some(k) = &raw.kind {
            if k.get_ref() != p.kind.as_str() {
                let span = fs.span(p.file, k);
                let kinds: Vec<&str> = NodeKind::ALL.iter().map(|k| k.as_str()).collect();
                errors.push(
                    fs.diag(
                        span,
                        format!(
                            "kind `{}` does not belong in this file, which holds {} nodes",
                            k.get_ref(),
                            p.kind
                        ),
                    )
                    .with_help_opt(if NodeKind::parse(k.get_ref()).is_none() {
                        diag::did_you_mean(k.get_ref(), kinds)
                    } else {
                        Some(format!(
                            "move the node to {}",
                            lexicon::kind_info(NodeKind::parse(k.get_ref()).unwrap_or(p.kind)).file
                        ))
                    }),
                );
            }
        }
        if !is_kebab_id(id) {
            errors.push(
                fs.diag(id_span, format!("id `{id}` is not kebab-case"))
                    .with_help("ids are lower-case ASCII letters and digits joined by single hyphens, e.g. `trastuzumab-deruxtecan`"),
            );
        }
        if let Some(first) = first_at.get(id) {
            errors.push(
                fs.diag(id_span, format!("duplicate node id `{id}`"))
                    .with_help(format!("first defined at {}", fs.origin(*first))),
            );
            continue;
        }
        first_at.insert(id.clone(), id_span);
        kinds.insert(id.clone(), p.kind);
        if raw.name.get_ref().trim().is_empty() {
            errors.push(fs.diag(fs.span(p.file, &raw.name), "empty name"));
        }
        let mut own: HashSet<String> = HashSet::new();
        for label in std::iter::once(&raw.name).chain(raw.aliases.iter()) {
            let key = label.get_ref().trim().to_lowercase();
            if key.is_empty() || !own.insert(key.clone()) {
                continue;
            }
            let span = fs.span(p.file, label);
            if let Some((other, other_span)) = names.get(&key) {
                errors.push(
                    fs.diag(
                        span,
                        format!(
                            "name or alias `{}` is claimed by both `{other}` and `{id}`",
                            label.get_ref()
                        ),
                    )
                    .with_help(format!("`{other}` claims it at {}", fs.origin(*other_span))),
                );
            } else {
                names.insert(key, (id.clone(), span));
            }
        }
        nodes.push(Node {
            id: id.clone(),
            kind: p.kind,
            name: raw.name.get_ref().clone(),
            aliases: raw.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            xrefs: raw.xrefs.clone(),
            note: raw.note.clone(),
            accepted: raw
                .accept
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            origin: fs.origin(id_span),
        });
    }
    (nodes, kinds)
}

/// Checks every statement; returns the valid ones with the span of their relation field.
fn check_statements(
    fs: &Files,
    pending: &[PendingNode],
    kinds: &HashMap<String, NodeKind>,
    sources: &[Source],
    errors: &mut Vec<Diagnostic>,
) -> Vec<(Statement, Origin)> {
    let ids: Vec<&str> = kinds.keys().map(String::as_str).collect();
    let mut out = Vec::new();
    for p in pending {
        let subject = p.raw.id.get_ref();
        for st in &p.raw.statement {
            let before = errors.len();
            let sp = |s: &Spanned<String>| fs.span(p.file, s);
            let relation = Relation::parse(st.relation.get_ref());
            if relation.is_none() {
                errors.push(
                    fs.diag(
                        sp(&st.relation),
                        format!("unknown relation `{}`", st.relation.get_ref()),
                    )
                    .with_help_opt(diag::did_you_mean(
                        st.relation.get_ref(),
                        Relation::ALL.iter().map(|r| r.as_str()),
                    )),
                );
            }
            // `unspecified` is for imported statements; curated ones say what the source supports.
            let evidence =
                Evidence::parse(st.evidence.get_ref()).filter(|e| *e != Evidence::Unspecified);
            if evidence.is_none() {
                let all: Vec<&str> = Evidence::ALL
                    .iter()
                    .filter(|e| **e != Evidence::Unspecified)
                    .map(|e| e.as_str())
                    .collect();
                errors.push(
                    fs.diag(
                        sp(&st.evidence),
                        format!("unknown evidence category `{}`", st.evidence.get_ref()),
                    )
                    .with_help_opt(diag::did_you_mean(
                        st.evidence.get_ref(),
                        all.iter().copied(),
                    ))
                    .with_help(format!("evidence is one of: {}", all.join(", "))),
                );
            }
            check_source_section(fs, p.file, st, sources, errors);
            if st.note.get_ref().trim().is_empty() {
                errors.push(fs.diag(
                    sp(&st.note),
                    "empty note: say in a few words what the source says",
                ));
            }
            let object_kind = kinds.get(st.object.get_ref()).copied();
            if object_kind.is_none() {
                errors.push(
                    fs.diag(
                        sp(&st.object),
                        format!("object `{}` is not a node id", st.object.get_ref()),
                    )
                    .with_help_opt(diag::did_you_mean(st.object.get_ref(), ids.iter().copied())),
                );
            }
            if st.object.get_ref() == subject {
                errors.push(fs.diag(
                    sp(&st.object),
                    format!("statement links `{subject}` to itself"),
                ));
            }
            if let (Some(r), Some(ok)) = (relation, object_kind) {
                let info = lexicon::relation_info(r);
                if !info.domain.contains(&p.kind) || !info.range.contains(&ok) {
                    errors.push(
                        fs.diag(
                            sp(&st.relation),
                            format!(
                                "relation `{r}` cannot join a {} to a {} (`{}`)",
                                p.kind,
                                ok,
                                st.object.get_ref()
                            ),
                        )
                        .with_help(format!(
                            "`{r}` joins {} → {}",
                            kinds_text(info.domain),
                            kinds_text(info.range)
                        )),
                    );
                }
            }
            check_choice(
                fs,
                p.file,
                st.line.as_ref(),
                "line of therapy",
                LINES,
                errors,
            );
            check_choice(
                fs,
                p.file,
                st.frequency.as_ref(),
                "frequency",
                FREQUENCIES,
                errors,
            );
            check_refs(
                fs,
                p.file,
                &st.population,
                &[NodeKind::Population],
                kinds,
                errors,
            );
            check_refs(
                fs,
                p.file,
                &st.with,
                &[NodeKind::Drug, NodeKind::Class, NodeKind::Procedure],
                kinds,
                errors,
            );
            if errors.len() > before {
                continue;
            }
            let (Some(relation), Some(evidence)) = (relation, evidence) else {
                continue;
            };
            let origin = fs.origin(sp(&st.relation));
            out.push((
                Statement {
                    subject: subject.clone(),
                    relation,
                    object: st.object.get_ref().clone(),
                    qualifiers: Qualifiers {
                        line: st.line.as_ref().map(|s| s.get_ref().clone()),
                        frequency: st.frequency.as_ref().map(|s| s.get_ref().clone()),
                        risk: st.risk.clone(),
                        population: st.population.iter().map(|s| s.get_ref().clone()).collect(),
                        with: st.with.iter().map(|s| s.get_ref().clone()).collect(),
                        schedule: st.schedule.clone(),
                        min_count: st.min_count,
                        condition: st.condition.clone(),
                    },
                    provenance: Provenance {
                        source: st.source.get_ref().clone(),
                        section: st.section.get_ref().clone(),
                        evidence,
                        note: st.note.get_ref().clone(),
                    },
                    origin: origin.clone(),
                },
                origin,
            ));
        }
    }
    out
}

fn kinds_text(kinds: &[NodeKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn check_source_section(
    fs: &Files,
    file: usize,
    st: &RawStatement,
    sources: &[Source],
    errors: &mut Vec<Diagnostic>,
) {
    let Some(source) = sources.iter().find(|s| &s.id == st.source.get_ref()) else {
        errors.push(
            fs.diag(
                fs.span(file, &st.source),
                format!("unknown source `{}`", st.source.get_ref()),
            )
            .with_help_opt(diag::did_you_mean(
                st.source.get_ref(),
                sources.iter().map(|s| s.id.as_str()),
            ))
            .with_help("sources are listed in sources.toml"),
        );
        return;
    };
    if source.section(st.section.get_ref()).is_none() {
        errors.push(
            fs.diag(
                fs.span(file, &st.section),
                format!(
                    "source `{}` has no section `{}`",
                    source.id,
                    st.section.get_ref()
                ),
            )
            .with_help_opt(diag::did_you_mean(
                st.section.get_ref(),
                source.sections.iter().map(|s| s.heading.as_str()),
            )),
        );
    }
}

fn check_choice(
    fs: &Files,
    file: usize,
    value: Option<&Spanned<String>>,
    what: &str,
    allowed: &[&str],
    errors: &mut Vec<Diagnostic>,
) {
    let Some(v) = value else { return };
    if !allowed.contains(&v.get_ref().as_str()) {
        errors.push(
            fs.diag(
                fs.span(file, v),
                format!("unknown {what} `{}`", v.get_ref()),
            )
            .with_help_opt(diag::did_you_mean(v.get_ref(), allowed.iter().copied()))
            .with_help(format!("{what} is one of: {}", allowed.join(", "))),
        );
    }
}

fn check_refs(
    fs: &Files,
    file: usize,
    refs: &[Spanned<String>],
    allowed: &[NodeKind],
    kinds: &HashMap<String, NodeKind>,
    errors: &mut Vec<Diagnostic>,
) {
    for r in refs {
        match kinds.get(r.get_ref()) {
            None => errors.push(
                fs.diag(
                    fs.span(file, r),
                    format!("`{}` is not a node id", r.get_ref()),
                )
                .with_help_opt(diag::did_you_mean(
                    r.get_ref(),
                    kinds.keys().map(String::as_str),
                )),
            ),
            Some(k) if !allowed.contains(k) => errors.push(fs.diag(
                fs.span(file, r),
                format!(
                    "`{}` is a {k}; only {} may stand here",
                    r.get_ref(),
                    kinds_text(allowed)
                ),
            )),
            Some(_) => {}
        }
    }
}

/// Reports each cycle in `subclass_of` once, at the statement that closes it.
fn check_cycles(statements: &[(Statement, Origin)], errors: &mut Vec<Diagnostic>) {
    let mut parents: BTreeMap<&str, Vec<(&str, &Origin)>> = BTreeMap::new();
    for (s, origin) in statements {
        if s.relation == Relation::SubclassOf {
            parents
                .entry(&s.subject)
                .or_default()
                .push((&s.object, origin));
        }
    }
    // Iterative DFS with colours: 0 unseen, 1 on stack, 2 done.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    for &start in parents.keys() {
        if colour.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        colour.insert(start, 1);
        while let Some((node, i)) = stack.pop() {
            let next = parents.get(node).and_then(|v| v.get(i));
            let Some(&(parent, origin)) = next else {
                colour.insert(node, 2);
                continue;
            };
            stack.push((node, i + 1));
            match colour.get(parent).copied().unwrap_or(0) {
                0 => {
                    colour.insert(parent, 1);
                    stack.push((parent, 0));
                }
                1 => {
                    let pos = stack.iter().position(|(n, _)| *n == parent).unwrap_or(0);
                    let mut path: Vec<&str> = stack[pos..].iter().map(|(n, _)| *n).collect();
                    path.push(parent);
                    errors.push(
                        Diagnostic::error(
                            format!("subclass_of forms a cycle: {}", path.join(" → ")),
                            origin.clone(),
                        )
                        .with_help(
                            "a class cannot be a subclass of itself, directly or through others",
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    const SOURCES: &str =
        "[[source]]\nid = \"s\"\ntitle = \"t\"\n[[source.section]]\nheading = \"H\"\n";

    #[test]
    fn kebab_ids() {
        assert!(is_kebab_id("cdk4-6-inhibitor"));
        assert!(!is_kebab_id("CDK"));
        assert!(!is_kebab_id("a--b"));
        assert!(!is_kebab_id(""));
    }

    #[test]
    fn minimal_graph_loads() {
        let f = files(&[
            ("sources.toml", SOURCES),
            ("targets.toml", "[[node]]\nid = \"her2\"\nname = \"HER2\"\n"),
            (
                "drugs/x.toml",
                "id = \"x\"\nname = \"x\"\n[[statement]]\nrelation = \"targets\"\nobject = \"her2\"\nsource = \"s\"\nsection = \"H\"\nevidence = \"background\"\nnote = \"n\"\n",
            ),
        ]);
        let d = load_files(&f).expect("loads");
        assert_eq!(d.nodes.len(), 2);
        assert_eq!(d.statements[0].origin.line, 4);
    }

    #[test]
    fn every_problem_is_reported() {
        let f = files(&[
            ("sources.toml", SOURCES),
            ("drugs/x.toml", "id = \"x\"\nname = \"x\"\n[[statement]]\nrelation = \"tagets\"\nobject = \"nope\"\nsource = \"s\"\nsection = \"Hh\"\nevidence = \"bg\"\nnote = \"n\"\n"),
        ]);
        let errs = load_files(&f).unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:#?}");
    }

    #[test]
    fn cycles_are_found() {
        let st = |o: &str| {
            format!("[[node.statement]]\nrelation = \"subclass_of\"\nobject = \"{o}\"\nsource = \"s\"\nsection = \"H\"\nevidence = \"background\"\nnote = \"n\"\n")
        };
        let classes = format!(
            "[[node]]\nid = \"a\"\nname = \"a\"\n{}[[node]]\nid = \"b\"\nname = \"b\"\n{}",
            st("b"),
            st("a")
        );
        let f = files(&[("sources.toml", SOURCES), ("classes.toml", &classes)]);
        let errs = load_files(&f).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("a → b → a"), "{}", errs[0].message);
    }
}
