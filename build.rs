//! Embeds graph-data/ in the binary: writes a list of (relative path, include_str!) pairs.

use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let data = root.join("graph-data");
    println!("cargo:rerun-if-changed=graph-data");
    println!("cargo:rerun-if-changed=graph-data/drugs");
    let mut files = Vec::new();
    collect(&data, &mut files);
    files.sort();
    let mut code = String::from("/// graph-data/ as shipped: (path relative to graph-data, text).\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&data)
            .expect("under graph-data")
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.to_string_lossy()
        ));
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(out, code).expect("write embedded.rs");
}
