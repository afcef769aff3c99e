//! Regression tests for what a hostile user found (issue 12), each named after what it pins.
//! Messages are snapshots, so a change of wording is reviewed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::LazyLock;

use mbckg::app::repl::{self, Shell};
use mbckg::app::script;
use mbckg::graph::KnowledgeGraph;
use mbckg::load;
use mbckg::output::render::{Format, RenderOptions};

static GRAPH: LazyLock<KnowledgeGraph> =
    LazyLock::new(|| KnowledgeGraph::new(load::load_embedded().expect("the shipped graph loads")));

fn mbckg(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mbckg"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("MBCKG_HISTORY", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs mbckg");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(bytes) = stdin {
            input.write_all(bytes).expect("writes stdin");
        }
    }
    child.wait_with_output().expect("finishes")
}

/// stdout, stderr and the exit code, as one text for a snapshot; `dir` is shown as `DIR`.
fn transcript(o: &Output, dir: Option<&Path>) -> String {
    let text = format!(
        "--- stdout ---\n{}--- stderr ---\n{}--- exit: {} ---\n",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
        o.status.code().unwrap_or(-1)
    );
    match dir {
        Some(d) => text.replace(&d.display().to_string(), "DIR"),
        None => text,
    }
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("mbckg-regr-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("creates a scratch folder");
    p
}

/// A copy of the shipped graph-data in a fresh folder.
fn graph_data_copy(name: &str) -> PathBuf {
    let dir = scratch(name);
    for (rel, text) in load::embedded_files() {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("creates folders");
        std::fs::write(path, text).expect("writes a data file");
    }
    dir
}

/// Runs a script as the snapshot tests do; (output, diagnostics, outcome).
fn run_script(text: &str) -> (String, String, script::Outcome) {
    let opts = script::Options {
        default_format: Format::Table,
        render: RenderOptions {
            interpretation: false,
            color: false,
            width: None,
        },
        keep_going: true,
        echo: false,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut session = shell().session;
    let outcome =
        script::run("t.kgq", text, &mut session, &opts, &mut out, &mut err).expect("runs");
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
        outcome,
    )
}

// Case 3: `paths` lists the shortest paths first, bounds its work and says when it stopped.

/// The hop counts of a `paths` answer, in the order shown.
fn hops(query: &str) -> Vec<usize> {
    let a = mbckg::execute(query, &GRAPH)
        .expect("runs")
        .expect("a statement");
    a.result
        .rows
        .iter()
        .map(|r| r.cells[0].parse().expect("a hop count"))
        .collect()
}

#[test]
fn paths_with_a_large_bound_still_list_the_shortest_paths_first() {
    let short = hops("paths from nausea to fatigue max 2");
    assert_eq!(short, vec![2, 2, 2, 2]);
    let long = hops("paths from nausea to fatigue max 8");
    assert_eq!(&long[..4], &short[..], "the four 2-hop paths come first");
    assert!(long.windows(2).all(|w| w[0] <= w[1]), "{long:?}");
    let same = |q: &str| {
        let a = mbckg::execute(q, &GRAPH)
            .expect("runs")
            .expect("a statement");
        a.result
            .rows
            .iter()
            .take(4)
            .map(|r| r.cells[1].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        same("paths from nausea to fatigue max 2"),
        same("paths from nausea to fatigue max 8")
    );
}

#[test]
fn paths_say_when_more_were_found_than_are_shown() {
    let a = mbckg::execute("paths from nausea to fatigue max 8", &GRAPH)
        .expect("runs")
        .expect("a statement");
    assert_eq!(a.result.rows.len(), 100);
    insta::assert_snapshot!(a.result.notes.join("\n"));
}

// Case 4: an expectation that cannot fail.

#[test]
fn an_expectation_naming_an_unknown_node_is_an_error() {
    let (_, err, outcome) = run_script("drugs causing rash\nexpect excludes tamoxifenn\n");
    assert_eq!(outcome.failures, 1, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn an_expectation_on_value_rows_still_checks_their_first_cell() {
    let (_, err, outcome) = run_script(
        "count drugs causing diarrhea grouped by frequency\nexpect includes common\nexpect excludes sometimes-maybe\n",
    );
    assert_eq!(outcome.failures, 0, "{err}");
}

// Case 7: smaller ones.

#[test]
fn a_byte_order_mark_at_the_start_of_piped_input_is_skipped() {
    let o = mbckg(&[], Some("\u{feff}drugs targeting HER2\n".as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", transcript(&o, None));
    assert!(String::from_utf8_lossy(&o.stdout).contains("trastuzumab"));
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_script_file_is_skipped() {
    let dir = scratch("bom");
    let file = dir.join("bom.kgq");
    std::fs::write(
        &file,
        "\u{feff}drugs targeting HER2\nexpect includes trastuzumab\n",
    )
    .expect("writes");
    let o = mbckg(&["run", &file.display().to_string()], None);
    assert_eq!(o.status.code(), Some(0), "{}", transcript(&o, Some(&dir)));
}

#[test]
fn stale_after_refuses_a_month_that_does_not_exist() {
    let o = mbckg(&["audit", "--stale-after", "2099-13"], None);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&o, None));
}

#[test]
fn an_empty_query_is_an_error() {
    let o = mbckg(&["query", ""], None);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&o, None));
}

#[test]
fn a_query_of_only_a_comment_is_an_error() {
    let o = mbckg(&["query", "  # nothing"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_data_directory_is_named_once() {
    let dir = graph_data_copy("symlink-loop");
    std::os::unix::fs::symlink(&dir, dir.join("drugs").join("again")).expect("makes a loop");
    let o = mbckg(&["--data", &dir.display().to_string(), "stats"], None);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&o, Some(&dir)));
}

#[test]
fn a_data_file_that_is_a_directory_is_named() {
    let dir = graph_data_copy("targets-dir");
    std::fs::remove_file(dir.join("targets.toml")).expect("removes");
    std::fs::create_dir(dir.join("targets.toml")).expect("makes a folder");
    let o = mbckg(&["--data", &dir.display().to_string(), "stats"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.lines().take(2).any(|l| l.contains("targets.toml")),
        "{err}"
    );
    insta::assert_snapshot!(transcript(&o, Some(&dir)));
}

#[test]
fn a_kgx_directory_without_edges_tsv_says_so() {
    let dir = scratch("kgx-no-edges");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kgx-third-party/nodes.tsv");
    std::fs::copy(src, dir.join("nodes.tsv")).expect("copies");
    let o = mbckg(&["--data", &dir.display().to_string(), "stats"], None);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&o, Some(&dir)));
}

/// A shell on the shipped graph, as the REPL makes it, without a terminal.
fn shell() -> Shell {
    let graph = KnowledgeGraph::new(load::load_embedded().expect("the shipped graph loads"));
    let mut sh = Shell::new(graph, false, false);
    sh.session.width = mbckg::app::meta::Width::Off;
    sh
}

/// What the shell prints for one line of input.
fn type_line(sh: &mut Shell, line: &str) -> String {
    let mut out = Vec::new();
    sh.execute(line, &mut out).expect("writes to memory");
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn one_failure_one_row_and_one_problem_are_singular() {
    let dir = scratch("plural");
    let file = dir.join("one.kgq");
    std::fs::write(&file, "show Herceptin\nexpect count 2\n").expect("writes");
    let mut sh = shell();
    let read = type_line(&mut sh, &format!(".read {}", file.display()));
    assert!(read.contains("1 statement, 1 failure"), "{read}");
    let (_, err, _) = run_script("drugs requiring ESR1 mutation\nexpect error\n");
    assert!(
        err.contains("returned 1 row") && !err.contains("1 rows"),
        "{err}"
    );
    let broken = scratch("plural-data");
    std::fs::write(broken.join("sources.toml"), "[[source]\n").expect("writes");
    let data = type_line(&mut sh, &format!(".data {}", broken.display()));
    assert!(data.contains("1 problem;"), "{data}");
}

#[test]
fn timer_refuses_words_other_than_on_and_off() {
    let mut sh = shell();
    type_line(&mut sh, ".timer on");
    let said = type_line(&mut sh, ".timer maybe");
    assert!(sh.session.timer, "`.timer maybe` left the timer as it was");
    insta::assert_snapshot!(said);
}

#[test]
fn a_statement_that_more_input_cannot_complete_is_an_error_not_a_continuation() {
    let mut said = String::new();
    // (`compare CDK4/6 inhibitors` compares the class's members: issue 8.)
    for text in ["compare palbociclib", "show", "count"] {
        assert!(!repl::needs_more(text), "`{text}` waits for more input");
        let e = mbckg::execute(text, &GRAPH).expect_err("an error");
        assert!(!e.incomplete, "{text}: {}", e.message);
        said.push_str(&e.to_diagnostic("<input>", text, 1).render());
    }
    insta::assert_snapshot!(said);
}

#[test]
fn a_trailing_connective_comma_quote_or_parenthesis_continues() {
    for text in [
        "compare palbociclib,",
        "drugs targeting HER2 and",
        "paths from olaparib to",
        "drugs causing rash where",
        "show \"Herc",
        "(drugs",
    ] {
        assert!(repl::needs_more(text), "`{text}` is not continued");
    }
}

#[test]
fn a_pasted_two_line_block_runs_as_two_statements() {
    let mut sh = shell();
    let out = type_line(&mut sh, "show Herceptin\ndrugs targeting HER2");
    assert!(
        out.contains("node card") || out.contains("trastuzumab"),
        "{out}"
    );
    assert_eq!(out.matches("Interpreted as:").count(), 2, "{out}");
}

// Case 5: a million diagnostics.

#[test]
fn a_flood_of_one_diagnostic_is_cut_to_twenty_and_a_count() {
    let dir = scratch("kgx-flood");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kgx-third-party/nodes.tsv");
    std::fs::copy(src, dir.join("nodes.tsv")).expect("copies");
    let mut edges = String::from("id\tsubject\tpredicate\tobject\tprimary_knowledge_source\n");
    for i in 0..50_000 {
        edges.push_str(&format!(
            "e{i}\tCHEBI:83766\tbiolink:treats\tMONDO:missing\tinfores:example\n"
        ));
    }
    std::fs::write(dir.join("edges.tsv"), edges).expect("writes");
    // KGX tools drop edges to missing nodes: one warning counts them all.
    let o = mbckg(&["--data", &dir.display().to_string(), "stats"], None);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains("50000 edges dropped"), "{err}");
    // With --strict each is an error, and the flood is cut.
    let o = mbckg(
        &["--strict", "--data", &dir.display().to_string(), "stats"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.len() < 20_000, "{} bytes of diagnostics", err.len());
    insta::assert_snapshot!(transcript(&o, Some(&dir)));
}

// Case 6: the root cause first.

#[test]
fn a_syntax_error_comes_first_and_its_knock_ons_are_counted_not_shown() {
    let dir = graph_data_copy("unterminated");
    let file = dir.join("drugs").join("neratinib.toml");
    let text = std::fs::read_to_string(&file).expect("reads");
    let broken = text.replacen("name = \"neratinib\"", "name = \"neratinib", 1);
    assert_ne!(
        broken, text,
        "the fixture still has the line this test breaks"
    );
    std::fs::write(&file, broken).expect("writes");
    let o = mbckg(&["--data", &dir.display().to_string(), "stats"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.lines()
            .nth(1)
            .is_some_and(|l| l.contains("neratinib.toml")),
        "{err}"
    );
    assert!(!err.contains("`neratinib` is not a node id"), "{err}");
    insta::assert_snapshot!(transcript(&o, Some(&dir)));
}

// Atomic writes: a full disk leaves the old file as it was.

/// A small tmpfs mounted for one test, unmounted when dropped; `None` where mounting is not
/// allowed (not root, not Linux).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(name: &str, size: &str) -> Option<SmallDisk> {
        let dir = scratch(name);
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_old_export_intact() {
    let Some(disk) = SmallDisk::mount("full-disk", "64k") else {
        eprintln!("skipped: cannot mount a small tmpfs here");
        return;
    };
    let out = disk.0.join("graph.dot");
    std::fs::write(&out, "old export\n").expect("writes the old file");
    // Fill what is left, so the new export cannot fit beside the old one.
    let filler = vec![b'x'; 4096];
    let mut f = std::fs::File::create(disk.0.join("filler")).expect("creates");
    while f.write_all(&filler).is_ok() {}
    drop(f);
    let o = mbckg(
        &[
            "export",
            "--format",
            "dot",
            "-o",
            &out.display().to_string(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", transcript(&o, None));
    assert_eq!(
        std::fs::read_to_string(&out).expect("reads"),
        "old export\n"
    );
    let left: Vec<_> = std::fs::read_dir(&disk.0)
        .expect("lists")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 2, "a temporary file was left: {left:?}");
}

// Fuzzing (kgx_reader, LeakSanitizer): every imported kind and relation name was leaked into a
// process-wide registry, so memory grew with each KGX graph read, and one graph's names leaked
// into every other graph's vocabulary. Names now live in the graph's own lexicon.

#[test]
fn imported_kind_names_stay_with_their_graph() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kgx-third-party");
    let imported = KnowledgeGraph::new(load::load_dir(&dir).expect("the fixture loads"));
    assert!(mbckg::execute("genes", &imported).is_ok());
    let e = mbckg::execute("genes", &GRAPH).expect_err("the shipped graph has no genes");
    assert!(e.message.contains("genes"), "{}", e.message);
}

// Fuzzing (toml_loader, timeout): subtypes.toml cut down to one node made every statement
// naming a subtype an error, and each error compared its id with every id for a "did you mean":
// 1.6 s of CPU for one load, minutes for a file naming thousands of missing ids.

#[test]
fn a_data_file_naming_thousands_of_missing_ids_suggests_for_a_hundred_at_most() {
    let mut files = load::embedded_files();
    let mut drug = String::from("id = \"many\"\nname = \"many\"\n");
    for i in 0..2_000 {
        drug.push_str(&format!(
            "\n[[statement]]\nrelation = \"targets\"\nobject = \"missing-{i}\"\nsource = \"cancer-net-mbc\"\nsection = \"x\"\nevidence = \"background\"\nnote = \"n\"\n"
        ));
    }
    files.push(("drugs/many.toml".into(), drug));
    let diags = load::load_files(&files).expect_err("missing ids are errors");
    let missing = diags
        .iter()
        .filter(|d| d.message.contains("is not a node id"))
        .count();
    assert_eq!(missing, 2_000);
    let suggested = diags
        .iter()
        .filter(|d| d.message.contains("is not a node id"))
        .filter(|d| d.help.iter().any(|h| h.starts_with("did you mean")))
        .count();
    assert!(suggested <= 100, "{suggested} suggestions");
}

#[test]
fn subtypes_cut_to_one_node_gives_errors_not_a_hang() {
    let mut files = load::embedded_files();
    let subtypes = files
        .iter_mut()
        .find(|(p, _)| p == "subtypes.toml")
        .expect("the shipped subtypes.toml");
    subtypes.1 = "[[node]]\nid = \"s\"\nname = \"S\"\n".into();
    let diags = load::load_files(&files).expect_err("statements name subtypes that are gone");
    assert!(diags.iter().all(|d| d.origin.line > 0), "{diags:#?}");
}

/// A graph with more kinds than fit in 16 bits keeps every node's own kind (the store once gave
/// the 65 537th kind and later ones the code of the last that fit).
#[test]
fn a_graph_of_seventy_thousand_kinds_keeps_each_nodes_kind() {
    use mbckg::model::{Dataset, Node, NodeKind};
    let nodes: Vec<Node> = (0..70_000)
        .map(|i| Node {
            id: format!("n{i}"),
            kind: NodeKind::named(&format!("x:Kind{i}")).expect("a short name"),
            name: format!("node {i}"),
            aliases: Vec::new(),
            xrefs: Vec::new(),
            note: None,
            category: None,
            accepted: Vec::new(),
            origin: Default::default(),
        })
        .collect();
    let g = KnowledgeGraph::new(Dataset {
        sources: Vec::new(),
        nodes,
        statements: Vec::new(),
    });
    for i in [0, 65_535, 65_536, 69_999] {
        let n = g.by_id(&format!("n{i}")).expect("a node");
        assert_eq!(g.node(n).kind.as_str(), format!("x:Kind{i}"));
    }
}

// Fuzzing (kgx_stream, differential): in a file of a third party's columns, a line longer than
// the header whose tail (the columns that decide the statement after its object) an earlier line
// had was streamed from that line's decisions, where the full reader reports it. Every line is
// now held to the header first.

#[test]
fn a_line_longer_than_its_header_is_reported_even_when_its_tail_was_seen() {
    let dir = scratch("kgx-long-line");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kgx-third-party/nodes.tsv");
    std::fs::copy(src, dir.join("nodes.tsv")).expect("copies the nodes");
    let edges = "id\tsubject\tpredicate\tobject\tprimary_knowledge_source\tknowledge_level\n\
                 e1\tCHEBI:83766\tbiolink:treats\tMONDO:0007254\tinfores:example\tknowledge_assertion\n\
                 e2\tCHEBI:0001\tbiolink:treats\tMONDO:0007254\tinfores:example\tknowledge_assertion\textra\n";
    std::fs::write(dir.join("edges.tsv"), edges).expect("writes the edges");
    let out = mbckg(
        &["--data", dir.to_str().expect("a UTF-8 path"), "stats"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        transcript(&out, Some(&dir))
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line has 7 fields; the header has 6"), "{err}");
    assert!(err.contains("edges.tsv:3:"), "{err}");
}
