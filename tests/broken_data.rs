//! Every directory under tests/broken-data/ is a graph-data directory with problems. Loading it
//! must fail (never panic) and report every problem with its place; the report is snapshotted.

use std::path::Path;

use mbckg::load;

fn report(dir: &Path) -> String {
    match load::load_dir(dir) {
        Ok(_) => "loaded without errors".to_string(),
        Err(diags) => diags
            .iter()
            .map(|d| d.render())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn broken_data_directories_are_reported() {
    // Relative to the package root (cargo runs tests there), so reports name stable paths.
    let root = Path::new("tests/broken-data");
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .expect("tests/broken-data exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "at least ten broken fixtures");
    for dir in dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = report(&dir);
        assert_ne!(text, "loaded without errors", "{name} should not load");
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("broken_data", text);
        });
    }
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let errs = load::load_dir(Path::new("/nonexistent/mbckg")).expect_err("fails");
    assert!(errs[0].message.contains("not a data directory"));
}
