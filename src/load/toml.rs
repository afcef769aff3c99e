//! The curated TOML format: the file shapes serde reads, which file plays which role, and the
//! pipeline from (path, text) pairs to a checked [`Dataset`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use ::toml::Spanned;
use serde::Deserialize;

use crate::diag::{self, Diagnostic};
use crate::lexicon;
use crate::model::{Dataset, NodeKind, Origin, Relation};

use super::validate::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSourcesFile {
    #[serde(default)]
    pub(crate) source: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub(crate) id: Spanned<String>,
    pub(crate) title: String,
    pub(crate) publisher: Option<String>,
    pub(crate) approved: Option<String>,
    pub(crate) url: Option<String>,
    /// The stored copy of the source under shared/sources/, for reviewers.
    #[allow(dead_code)]
    pub(crate) file: Option<String>,
    #[serde(default)]
    pub(crate) section: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSection {
    pub(crate) heading: Spanned<String>,
    pub(crate) updated: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVocabFile {
    #[serde(default)]
    pub(crate) node: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNode {
    pub(crate) id: Spanned<String>,
    pub(crate) name: Spanned<String>,
    pub(crate) kind: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) xrefs: Vec<String>,
    pub(crate) note: Option<String>,
    /// Its own Biolink category, where its kind's does not fit it (`biolink:NucleicAcidEntity`).
    pub(crate) category: Option<Spanned<String>>,
    /// Lint rule id → why the finding is accepted.
    #[serde(default)]
    pub(crate) accept: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) statement: Vec<RawStatement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStatement {
    pub(crate) relation: Spanned<String>,
    pub(crate) object: Spanned<String>,
    pub(crate) source: Spanned<String>,
    pub(crate) section: Spanned<String>,
    pub(crate) evidence: Spanned<String>,
    pub(crate) note: Spanned<String>,
    pub(crate) line: Option<Spanned<String>>,
    pub(crate) frequency: Option<Spanned<String>>,
    pub(crate) risk: Option<String>,
    #[serde(default)]
    pub(crate) population: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) with: Vec<Spanned<String>>,
    pub(crate) schedule: Option<String>,
    pub(crate) min_count: Option<u32>,
    pub(crate) condition: Option<String>,
    /// Any-of group id: this statement is one alternative of several.
    pub(crate) any_of: Option<Spanned<String>>,
}

/// A byte range in one of the files being loaded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub(crate) file: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The files being loaded, so any span can become a diagnostic.
pub(crate) struct Files<'a> {
    pub(crate) files: &'a [(String, String)],
    /// Prefix for file names in diagnostics and origins (`graph-data/`).
    pub(crate) base: &'a str,
    /// Byte offset of each line's start, per file, so positions cost a binary search.
    pub(crate) line_starts: Vec<Vec<usize>>,
    /// Ids (of nodes and sources) that files with a syntax error would define, with the file.
    pub(crate) unreadable: HashMap<String, usize>,
    /// Per file, how many problems elsewhere were skipped because they name one of its ids.
    pub(crate) skipped: RefCell<Vec<usize>>,
    /// "Did you mean" answers already worked out, by (list, word).
    pub(crate) suggested: RefCell<HashMap<(&'static str, String), Option<String>>>,
}

/// Most words a load works out a "did you mean" for, per list: each costs a comparison with
/// every candidate, and a file naming thousands of missing ids would otherwise take minutes
/// (found by fuzzing). Only the first problems of each kind are shown anyway.
const MAX_SUGGESTED: usize = 100;

impl Files<'_> {
    /// Whether a missing `id` is a knock-on of a file that could not be read (then it is
    /// counted against that file, not reported).
    pub(crate) fn knock_on(&self, id: &str) -> bool {
        let Some(&file) = self.unreadable.get(id) else {
            return false;
        };
        if let Some(n) = self.skipped.borrow_mut().get_mut(file) {
            *n += 1;
        }
        true
    }

    /// [`diag::did_you_mean`] for `word` among the `list` candidates, worked out once per word
    /// and for at most [`MAX_SUGGESTED`] words of each list.
    pub(crate) fn did_you_mean<'c>(
        &self,
        list: &'static str,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<String> {
        let key = (list, word.to_string());
        if let Some(known) = self.suggested.borrow().get(&key) {
            return known.clone();
        }
        let asked = self
            .suggested
            .borrow()
            .keys()
            .filter(|(l, _)| *l == list)
            .count();
        if asked >= MAX_SUGGESTED {
            return None;
        }
        let answer = diag::did_you_mean(word, candidates);
        self.suggested.borrow_mut().insert(key, answer.clone());
        answer
    }

    pub(crate) fn name(&self, file: usize) -> String {
        format!("{}{}", self.base, self.files[file].0)
    }

    /// A diagnostic at `span`. Its line is found by binary search and only that line is
    /// scanned, so thousands of problems in a large file cost no more than the file.
    pub(crate) fn diag(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        let text = &self.files[span.file].1;
        let starts = &self.line_starts[span.file];
        let start = span.start.min(text.len());
        let line = starts.partition_point(|&s| s <= start).max(1);
        let line_start = starts[line - 1];
        let line_end = starts.get(line).copied().unwrap_or(text.len());
        let mut d = diag::at_span(
            &self.name(span.file),
            &text[line_start..line_end],
            start - line_start,
            span.end.saturating_sub(line_start),
            message,
        );
        d.origin.line += line as u32 - 1;
        d
    }

    pub(crate) fn origin(&self, span: Span) -> Origin {
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
    pub(crate) fn span<T>(&self, file: usize, s: &Spanned<T>) -> Span {
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
pub(crate) struct PendingNode {
    pub(crate) raw: RawNode,
    pub(crate) kind: NodeKind,
    pub(crate) file: usize,
}

/// What kind of file a path is.
pub(crate) enum FileRole {
    Sources,
    Vocabulary(NodeKind),
    Drug,
}

pub(crate) fn role_of(path: &str) -> Option<FileRole> {
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

pub(crate) fn known_file_names() -> Vec<&'static str> {
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
    let mut fs = Files {
        files,
        base,
        line_starts,
        unreadable: HashMap::new(),
        skipped: RefCell::new(vec![0; files.len()]),
        suggested: RefCell::new(HashMap::new()),
    };
    // Syntax and shape errors, one per file at most: shown first, as later problems may follow
    // from them.
    let mut syntax = Vec::new();
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
                    Err(d) => syntax.push((i, d)),
                }
            }
            FileRole::Vocabulary(kind) => {
                match parse::<RawVocabFile>(&fs.name(i), text) {
                    Ok(f) => pending.extend(f.node.into_iter().map(|raw| PendingNode {
                        raw,
                        kind,
                        file: i,
                    })),
                    Err(d) => syntax.push((i, d)),
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
                Err(d) => {
                    let stem = path.trim_start_matches("drugs/").trim_end_matches(".toml");
                    fs.unreadable.insert(stem.to_string(), i);
                    syntax.push((i, d));
                }
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

    for (i, _) in &syntax {
        for id in declared_ids(&files[*i].1) {
            fs.unreadable.entry(id).or_insert(*i);
        }
    }
    let sources = check_sources(&fs, raw_sources, &mut errors);
    let (nodes, kinds) = check_nodes(&fs, &pending, &mut errors);
    let statements = check_statements(&fs, &pending, &kinds, &sources, &mut errors);
    check_cycles(
        statements
            .iter()
            .filter(|(s, _)| s.relation == Relation::SubclassOf)
            .map(|(s, o)| (s.subject.as_str(), s.object.as_str(), o)),
        &mut errors,
    );
    check_any_of(statements.iter().map(|(s, _)| s), &mut errors);

    if errors.is_empty() && syntax.is_empty() {
        return Ok(Dataset {
            sources,
            nodes,
            statements: statements.into_iter().map(|(s, _)| s).collect(),
        });
    }
    errors.sort_by(|a, b| a.origin.cmp(&b.origin));
    let skipped = fs.skipped.into_inner();
    let mut all: Vec<Diagnostic> = syntax
        .into_iter()
        .map(|(i, d)| match skipped.get(i).copied().unwrap_or(0) {
            0 => d,
            1 => d.with_help(
                "1 problem elsewhere naming an id this file defines is not shown: fix this first",
            ),
            n => d.with_help(format!(
                "{n} problems elsewhere naming ids this file defines are not shown: fix this first"
            )),
        })
        .collect();
    all.sort_by(|a, b| a.origin.cmp(&b.origin));
    all.extend(errors);
    Err(all)
}

/// The ids a file declares (`id = "…"` lines), read from its text without parsing it, so that
/// a file with a syntax error still says which ids it was meant to define.
fn declared_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("id")?.trim_start();
            let rest = rest.strip_prefix('=')?.trim_start().strip_prefix('"')?;
            let id = &rest[..rest.find('"')?];
            (!id.is_empty()).then(|| id.to_string())
        })
        .collect()
}

/// Parses one TOML file into `T`, turning a syntax or shape error into a diagnostic.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    path: &str,
    text: &str,
) -> Result<T, Diagnostic> {
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

pub(crate) fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

/// For serde's "unknown field `x`, expected one of `a`, `b`", a "did you mean" and the list.
pub(crate) fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match diag::closest(field, expected.iter().copied()) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None => Some(format!("fields allowed here: {}", expected.join(", "))),
    }
}
