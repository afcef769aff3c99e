//! Reads graph-data (the embedded copy or a directory) and validates it, reporting **every** problem
//! with its file:line:col and, where it can, a "did you mean".
//!
//! The only module that reads files. [`load_dir`] is a thin wrapper over [`load_files`], which is
//! pure: it takes (path, text) pairs and returns a [`Dataset`] or the list of diagnostics; KGX
//! directories go to [`kgx::parse_kgx`]. [`load_layers`] lays several graphs one over another
//! (`--data` given more than once, or `+DIR` over the embedded graph).

use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic};
use crate::model::{Dataset, Origin};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

mod fs;
pub mod kgx;
pub mod kgx_stream;
mod overlay;
pub mod prepared;
pub mod snapshot;
mod toml;
mod validate;

pub use self::toml::{load_files, load_files_at};
pub use fs::{load_git_revision, read_dir_files};
pub use overlay::overlay;

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

/// The shipped graph as a ready store, without parsing its TOML: the snapshot `graph-data/
/// prepared.mbckg` embedded beside the TOML, used only when it was made from exactly the TOML
/// embedded (else `None`, and the caller reads the TOML). `cargo test` fails when the two
/// disagree, and `MBCKG_PREPARE=1 cargo test --test prepared` makes it again.
pub fn prepared_embedded() -> Option<crate::graph::KnowledgeGraph> {
    prepared::open(&prepared::PREPARED.0, embedded_hash())
}

/// A hash of the shipped graph-data as embedded: every file's path and text.
pub fn embedded_hash() -> u64 {
    prepared::hash_files(embedded::EMBEDDED.iter().copied())
}

/// Reads a data directory: every `.toml` file under `dir` (sorted), validated as one graph; or,
/// when it holds `nodes.tsv` and `edges.tsv` and no `sources.toml`, a KGX TSV graph (whose
/// tolerated flaws are dropped here: [`load_dir_with`] returns them).
pub fn load_dir(dir: &Path) -> Result<Dataset, Vec<Diagnostic>> {
    load_dir_with(dir, None, LoadOptions::default()).map(|l| l.dataset)
}

/// Whether `dir` holds a KGX TSV graph: `nodes.tsv` and `edges.tsv`, and no `sources.toml`.
pub fn is_kgx_dir(dir: &Path) -> bool {
    dir.join("nodes.tsv").is_file()
        && dir.join("edges.tsv").is_file()
        && !dir.join("sources.toml").exists()
}

/// How to read graph data.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// KGX edges to nodes that are not there are errors, not dropped with a warning.
    pub strict: bool,
}

/// A graph as loaded, with the warnings for what was tolerated on the way (KGX flaws).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub dataset: Dataset,
    pub warnings: Vec<Diagnostic>,
}

/// Reads a data directory as [`load_dir`] does, laid over `over` when given: a KGX graph's nodes
/// then match the nodes of `over` by id or declared xref, and its edges may end at them. The
/// result holds only this directory's nodes and statements (see [`overlay`]).
pub fn load_dir_with(
    dir: &Path,
    over: Option<&Dataset>,
    options: LoadOptions,
) -> Result<Loaded, Vec<Diagnostic>> {
    let base = format!("{}/", dir.display().to_string().trim_end_matches('/'));
    let (nodes, edges) = (dir.join("nodes.tsv"), dir.join("edges.tsv"));
    let kgx = !dir.join("sources.toml").exists();
    if kgx && nodes.is_file() != edges.is_file() {
        let (have, missing) = if nodes.is_file() {
            ("nodes.tsv", &edges)
        } else {
            ("edges.tsv", &nodes)
        };
        return Err(vec![Diagnostic::error(
            format!("a KGX graph needs nodes.tsv and edges.tsv; this folder has {have} but not the other"),
            Origin {
                file: missing.display().to_string(),
                ..Origin::default()
            },
        )]);
    }
    if kgx && nodes.is_file() && edges.is_file() {
        let layer = kgx::parse_kgx(
            &read_text(&nodes)?,
            &read_text(&edges)?,
            kgx::KgxOptions {
                strict: options.strict,
                base: &base,
                over,
            },
        )?;
        return Ok(Loaded {
            dataset: layer.dataset,
            warnings: layer.warnings,
        });
    }
    let files = read_dir_files(dir)?;
    Ok(Loaded {
        dataset: load_files_at(&files, &base)?,
        warnings: Vec::new(),
    })
}

/// The graph of one or more `--data` values: the first is the base (the embedded graph when there
/// is none, or when the first starts with `+`: `+DIR` lays DIR over the embedded graph), and each
/// further one is laid over the graphs before it.
pub fn load_layers(specs: &[PathBuf], options: LoadOptions) -> Result<Loaded, Vec<Diagnostic>> {
    let over_embedded = specs
        .first()
        .is_none_or(|s| s.to_string_lossy().starts_with('+'));
    let dirs: Vec<PathBuf> = specs
        .iter()
        .map(|s| match s.to_string_lossy().strip_prefix('+') {
            Some(rest) => PathBuf::from(rest),
            None => s.clone(),
        })
        .collect();
    let (mut loaded, rest) = if over_embedded {
        let base = Loaded {
            dataset: load_embedded()?,
            warnings: Vec::new(),
        };
        (base, &dirs[..])
    } else {
        (load_dir_with(&dirs[0], None, options)?, &dirs[1..])
    };
    for dir in rest {
        let layer = load_dir_with(dir, Some(&loaded.dataset), options)?;
        loaded.warnings.extend(layer.warnings);
        loaded.dataset = overlay(std::mem::take(&mut loaded.dataset), layer.dataset);
    }
    Ok(loaded)
}

/// The text of a file, or a diagnostic naming it.
fn read_text(p: &Path) -> Result<String, Vec<Diagnostic>> {
    std::fs::read_to_string(p).map_err(|e| {
        vec![Diagnostic::error(
            format!("cannot read {}: {e}", p.display()),
            Origin {
                file: p.display().to_string(),
                ..Origin::default()
            },
        )]
    })
}

#[cfg(test)]
mod tests {
    use super::validate::*;
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
