//! The I/O of loading: the embedded copy of graph-data, directories on disk, and graph-data at a git
//! revision. Everything read here goes on, as (path, text) pairs, to the pure readers.

use std::path::Path;

use super::*;

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

/// Deepest folder nesting read under a data directory.
const MAX_DEPTH: usize = 8;

/// Collects the `.toml` files under `dir`. A folder reached twice (a symbolic link looping back)
/// is reported once and not read again; a folder named like a data file, or nested deeper than
/// [`MAX_DEPTH`], is reported, never passed over in silence.
pub(crate) fn walk(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    errors: &mut Vec<Diagnostic>,
    depth: usize,
) {
    let mut seen = std::collections::HashSet::new();
    walk_in(dir, out, errors, depth, &mut seen);
}

fn walk_in(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    errors: &mut Vec<Diagnostic>,
    depth: usize,
    seen: &mut std::collections::HashSet<std::path::PathBuf>,
) {
    let whole = |p: &Path| Origin {
        file: p.display().to_string(),
        ..Origin::default()
    };
    if let Ok(real) = std::fs::canonicalize(dir) {
        if !seen.insert(real.clone()) {
            errors.push(Diagnostic::error(
                format!(
                    "folder loop: this folder is {}, which is already being read (a symbolic link points back)",
                    real.display()
                ),
                whole(dir),
            ));
            return;
        }
    }
    if depth > MAX_DEPTH {
        errors.push(Diagnostic::error(
            format!("folders nested more than {MAX_DEPTH} deep are not read"),
            whole(dir),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(Diagnostic::error(
                format!("cannot read directory: {e}"),
                whole(dir),
            ));
            return;
        }
    };
    let mut entries: Vec<std::path::PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        if path.is_dir() && is_toml {
            errors.push(Diagnostic::error(
                "this data file is a folder, not a file",
                whole(&path),
            ));
        } else if path.is_dir() {
            walk_in(&path, out, errors, depth + 1, seen);
        } else if is_toml {
            out.push(path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The shapes of the files, as serde reads them. Strings a user can get wrong keep their span.
