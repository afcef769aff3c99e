//! The native snapshot: a graph written with `mbckg snapshot` and reopened answers exactly as
//! the graph it was made from (every query script, `show`, `why`, stats, exports; the shipped
//! graph, an imported KGX graph with its own words, the synthetic scale graph); and the binary
//! end to end: `snapshot -o FILE`, `--data FILE`, exit codes, errors on stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::rc::Rc;

use mbckg::app::meta::{Session, Width};
use mbckg::app::script;
use mbckg::graph::{snapshot, KnowledgeGraph};
use mbckg::load;
use mbckg::output::export::{export, ExportFormat};
use mbckg::output::render::{Format, RenderOptions};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mbckg-snap-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `g` written as a snapshot and read back as `--data FILE` reads it (in place, from aligned
/// bytes).
fn reopened(g: &KnowledgeGraph) -> KnowledgeGraph {
    let bytes = snapshot::to_bytes(g);
    snapshot::decode(snapshot::aligned(&bytes)).unwrap_or_else(|e| panic!("reopens: {e}"))
}

/// What a script prints against `g`, tables with interpretations, every statement echoed.
fn run_script(g: &Rc<KnowledgeGraph>, name: &str, text: &str) -> String {
    let mut session = Session::new(g.clone(), false);
    session.width = Width::Off;
    let opts = script::Options {
        default_format: Format::Table,
        render: RenderOptions {
            interpretation: true,
            color: false,
            width: None,
        },
        keep_going: true,
        echo: true,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let outcome =
        script::run(name, text, &mut session, &opts, &mut out, &mut err).expect("writes to memory");
    format!(
        "{}\n{}\n{} {} {}",
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&err),
        outcome.statements,
        outcome.expectations,
        outcome.failures
    )
}

/// Node for node, statement for statement, and what the graph tells about itself.
fn assert_same_store(a: &KnowledgeGraph, b: &KnowledgeGraph) {
    let nodes = |g: &KnowledgeGraph| g.nodes().map(|n| g.node(n).to_node()).collect::<Vec<_>>();
    assert_eq!(nodes(a), nodes(b));
    let statements = |g: &KnowledgeGraph| {
        g.statements()
            .map(|e| g.statement(e).to_statement())
            .collect::<Vec<_>>()
    };
    assert_eq!(statements(a), statements(b));
    assert_eq!(a.sources(), b.sources());
    assert_eq!(a.kind_counts(), b.kind_counts());
    assert_eq!(a.relation_counts(), b.relation_counts());
    assert_eq!(a.qualifier_sets(), b.qualifier_sets());
    assert_eq!(a.lexicon(), b.lexicon());
    assert_eq!(a.max_label_words(), b.max_label_words());
    let labels = |g: &KnowledgeGraph| {
        g.labels_with_prefix("")
            .map(|(l, n)| (l.to_string(), n))
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(a), labels(b));
    for n in a.nodes() {
        assert_eq!(a.sort_key(n), b.sort_key(n));
        assert_eq!(a.by_id(a.id(n)), b.by_id(a.id(n)));
        let edges = |g: &KnowledgeGraph| {
            (
                g.out_edges(n).collect::<Vec<_>>(),
                g.in_edges(n).collect::<Vec<_>>(),
            )
        };
        assert_eq!(edges(a), edges(b));
    }
    for kind in a.kind_counts().into_iter().map(|(k, _)| k) {
        assert_eq!(a.of_kind(kind), b.of_kind(kind));
    }
    for format in ExportFormat::ALL.iter() {
        assert_eq!(
            export(a, None, *format),
            export(b, None, *format),
            "{}",
            format.as_str()
        );
    }
}

#[test]
fn the_shipped_graph_reopened_answers_every_query_script_alike() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("the shipped graph loads"));
    let back = reopened(&g);
    assert_same_store(&g, &back);
    // DNA's own category, kept among the node's extras.
    let dna = back.by_id("dna").expect("dna");
    assert_eq!(back.node(dna).category, Some("biolink:NucleicAcidEntity"));
    assert_eq!(
        back.node(dna).biolink_category(),
        "biolink:NucleicAcidEntity"
    );
    let her2 = back.by_id("her2").expect("her2");
    assert_eq!(back.node(her2).biolink_category(), "biolink:Protein");
    let (g, back) = (Rc::new(g), Rc::new(back));
    let mut scripts = Vec::new();
    collect_scripts(Path::new("tests/queries"), &mut scripts);
    assert!(scripts.len() > 20, "the query scripts are found");
    for path in scripts {
        let text = std::fs::read_to_string(&path).expect("readable script");
        let name = path.display().to_string();
        assert_eq!(
            run_script(&g, &name, &text),
            run_script(&back, &name, &text),
            "{name}"
        );
    }
}

fn collect_scripts(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("lists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_scripts(&p, out);
        } else if p.extension().is_some_and(|e| e == "kgq") {
            out.push(p);
        }
    }
}

#[test]
fn an_imported_graph_comes_back_with_its_own_words() {
    let g = KnowledgeGraph::new(load::load_dir(Path::new("tests/kgx-third-party")).expect("loads"));
    assert!(
        g.lexicon().imported_kinds().count() > 0 && g.lexicon().imported_relations().count() > 0,
        "the fixture brings kinds and relations of its own"
    );
    let back = reopened(&g);
    assert_same_store(&g, &back);
    // A second generation is byte for byte the first.
    assert_eq!(snapshot::to_bytes(&g), snapshot::to_bytes(&back));
}

#[test]
fn an_overlay_comes_back_whole() {
    let loaded = load::load_layers(
        &[PathBuf::from("+tests/kgx-overlay")],
        load::LoadOptions::default(),
    )
    .expect("the overlay loads");
    let g = KnowledgeGraph::new(loaded.dataset);
    assert_same_store(&g, &reopened(&g));
}

/// The scale example's synthetic graph (when `cargo test` built the example), streamed from
/// KGX, snapshotted and reopened.
#[test]
fn the_synthetic_graph_comes_back_whole() {
    let Some(exe) = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("examples/scale")))
        .filter(|p| p.is_file())
    else {
        return; // not built in this configuration
    };
    let dir = temp_dir("scale");
    let gen = Command::new(&exe)
        .args(["gen", "300"])
        .arg(&dir)
        .status()
        .expect("runs");
    assert!(gen.success());
    let g = mbckg::app::cli::load_graph(Some(&dir)).expect("loads");
    assert!(g.statement_count() > 4000);
    assert_same_store(&g, &reopened(&g));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// The binary

fn mbckg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mbckg"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("MBCKG_HISTORY", "off")
        .env_remove("COLUMNS")
        .output()
        .expect("runs mbckg")
}

/// stderr with the temporary folder's path made stable.
fn stderr_of(o: &Output, dir: &Path) -> String {
    String::from_utf8_lossy(&o.stderr).replace(&dir.display().to_string(), "[DIR]")
}

/// `text` with what changes whenever the shipped graph or the version does masked: numbers of
/// many digits, checksums (8 hex digits), mbckg's version.
fn stable(text: &str) -> String {
    let text = text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let hex = word.len() == 8 && word.bytes().all(|b| b.is_ascii_hexdigit());
        let long = word.len() >= 4 && word.bytes().all(|b| b.is_ascii_digit());
        out.push_str(if hex {
            "[CHECKSUM]"
        } else if long {
            "[N]"
        } else {
            word
        });
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[test]
fn the_binary_writes_a_snapshot_and_answers_from_it() {
    let dir = temp_dir("cli");
    let file = dir.join("graph.mbckg");
    let f = file.to_str().expect("a UTF-8 path");
    let made = mbckg(&["snapshot", "-o", f]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr_of(&made, &dir));
    assert!(made.stdout.is_empty(), "nothing on stdout");
    assert!(stderr_of(&made, &dir).starts_with("mbckg: wrote [DIR]/graph.mbckg ("));
    for args in [
        &[
            "query",
            "drugs targeting HER2 with cardiac monitoring",
            "--format",
            "json",
        ][..],
        &["query", "count drugs grouped by class", "--format", "tsv"],
        &["query", "show trastuzumab", "--format", "json"],
        &[
            "query",
            "why trastuzumab treats HER2-positive",
            "--format",
            "json",
        ],
        &["stats", "--format", "json"],
        &["sources", "--format", "json"],
        &["export", "--format", "cypher"],
        &["audit", "--format", "json"],
    ] {
        let plain = mbckg(args);
        let mut with: Vec<&str> = vec!["--data", f];
        with.extend_from_slice(args);
        let snap = mbckg(&with);
        assert_eq!(plain.status.code(), snap.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&plain.stdout),
            String::from_utf8_lossy(&snap.stdout),
            "{args:?}"
        );
        assert_eq!(plain.stderr, snap.stderr, "{args:?}");
    }
    // A snapshot of a snapshot is the same file.
    let again = dir.join("again.mbckg");
    let o = mbckg(&[
        "--data",
        f,
        "snapshot",
        "-o",
        again.to_str().expect("UTF-8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read(&file).expect("reads"),
        std::fs::read(&again).expect("reads")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_foreign_or_damaged_file_is_an_error_naming_it() {
    let dir = temp_dir("bad");
    let good = dir.join("graph.mbckg");
    let o = mbckg(&["snapshot", "-o", good.to_str().expect("UTF-8")]);
    assert_eq!(o.status.code(), Some(0));
    let bytes = std::fs::read(&good).expect("reads");
    // One bit of the statement objects (section 10; its offset is in the section table, which
    // starts at byte 64 with 32 bytes a section and the offset 8 bytes into each).
    let mut damaged = bytes.clone();
    let entry = 64 + 9 * 32 + 8;
    let at = u64::from_ne_bytes(bytes[entry..entry + 8].try_into().expect("8 bytes")) as usize;
    damaged[at] ^= 0x40;
    let mut newer = bytes.clone();
    newer[12] = 99;
    let cases: [(&str, Vec<u8>); 5] = [
        ("notes.txt", b"just some text\n".to_vec()),
        ("empty.mbckg", Vec::new()),
        ("cut.mbckg", bytes[..bytes.len() - 100].to_vec()),
        ("damaged.mbckg", damaged),
        ("newer.mbckg", newer),
    ];
    let mut transcript = String::new();
    for (name, content) in cases {
        let path = dir.join(name);
        std::fs::write(&path, content).expect("writes");
        let o = mbckg(&["--data", path.to_str().expect("UTF-8"), "stats"]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(o.stdout.is_empty(), "{name}: nothing on stdout");
        transcript.push_str(&format!(
            "$ mbckg --data [DIR]/{name} stats\n{}\n",
            stderr_of(&o, &dir)
        ));
    }
    // A snapshot cannot be laid over another graph.
    let o = mbckg(&["--data", &format!("+{}", good.display()), "stats"]);
    assert_eq!(o.status.code(), Some(2));
    transcript.push_str(&format!(
        "$ mbckg --data +[DIR]/graph.mbckg stats\n{}\n",
        stderr_of(&o, &dir)
    ));
    // Nowhere to write: an error, and nothing left behind.
    let o = mbckg(&[
        "snapshot",
        "-o",
        dir.join("missing/graph.mbckg").to_str().expect("UTF-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    transcript.push_str(&format!(
        "$ mbckg snapshot -o [DIR]/missing/graph.mbckg\n{}\n",
        stderr_of(&o, &dir)
    ));
    insta::assert_snapshot!(stable(&transcript));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A full disk (Linux's /dev/full refuses every write) fails the write and leaves no file.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = temp_dir("full");
    let o = mbckg(&["snapshot", "-o", "/dev/full"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot write the snapshot /dev/full"), "{err}");
    // An unwritable folder: the temporary file cannot be made, nothing is left.
    let ro = dir.join("ro");
    std::fs::create_dir_all(&ro).expect("mkdir");
    let mut perm = std::fs::metadata(&ro).expect("stat").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o555);
    std::fs::set_permissions(&ro, perm).expect("chmod");
    let o = mbckg(&[
        "snapshot",
        "-o",
        ro.join("g.mbckg").to_str().expect("UTF-8"),
    ]);
    // Root may write anyway; either way no temporary file is left.
    if o.status.code() == Some(2) {
        assert_eq!(std::fs::read_dir(&ro).expect("lists").count(), 0);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
