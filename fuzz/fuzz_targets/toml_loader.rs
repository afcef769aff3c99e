//! The TOML loader on the shipped graph-data with one file mutated: the input's first line is a
//! path relative to graph-data (`drugs/neratinib.toml`), the rest is that file's new text (a
//! path not shipped adds a file). Loads or reports problems, each with a file; never panics.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use mbckg::graph::KnowledgeGraph;

static FILES: LazyLock<Vec<(String, String)>> = LazyLock::new(mbckg::load::embedded_files);

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (path, text) = input.split_once('\n').unwrap_or((input, ""));
    // A directory never holds a file without a name.
    if path.is_empty() {
        return;
    }
    let mut files = FILES.clone();
    match files.iter_mut().find(|(p, _)| p == path) {
        Some(f) => f.1 = text.to_string(),
        None => files.push((path.to_string(), text.to_string())),
    }
    match mbckg::load::load_files(&files) {
        Ok(d) => {
            let _ = KnowledgeGraph::new(d);
        }
        Err(diags) => {
            assert!(diags.iter().all(|d| !d.origin.file.is_empty()));
            for d in &diags {
                let _ = d.render();
            }
        }
    }
});
