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

pub(crate) fn walk(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    errors: &mut Vec<Diagnostic>,
    depth: usize,
) {
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
