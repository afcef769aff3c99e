//! The streaming KGX reader gives the graph the full reader gives, on every file it accepts, and
//! declines (so the full reader reports) anything else.

use std::path::{Path, PathBuf};

use mbckg::app::cli::load_graph;
use mbckg::graph::{snapshot, Builder, KnowledgeGraph};
use mbckg::load;
use mbckg::output::export::{export, ExportFormat};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mbckg-stream-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &Path, nodes: &str, edges: &str) {
    std::fs::write(dir.join("nodes.tsv"), nodes).expect("write nodes");
    std::fs::write(dir.join("edges.tsv"), edges).expect("write edges");
}

fn streamed(dir: &Path) -> Option<KnowledgeGraph> {
    let mut b = Builder::new();
    let streamed = load::kgx_stream::read_dir(dir, &mut b, false)?;
    Some(b.finish(streamed.sources))
}

fn full(dir: &Path) -> KnowledgeGraph {
    KnowledgeGraph::new(load::load_dir(dir).unwrap_or_else(|e| panic!("{}", e[0].render())))
}

/// Node for node, statement for statement (in store order), source for source.
fn assert_same(a: &KnowledgeGraph, b: &KnowledgeGraph) {
    let nodes = |g: &KnowledgeGraph| g.nodes().map(|n| g.node(n).to_node()).collect::<Vec<_>>();
    assert_eq!(nodes(a), nodes(b));
    let statements = |g: &KnowledgeGraph| {
        g.statements()
            .map(|e| g.statement(e).to_statement())
            .collect::<Vec<_>>()
    };
    assert_eq!(statements(a), statements(b));
    assert_eq!(a.sources(), b.sources());
    assert_eq!(a.relation_counts(), b.relation_counts());
}

#[test]
fn the_shipped_graph_exported_streams_back_as_the_full_reader_reads_it() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    let dir = temp_dir("shipped");
    write(&dir, &files[0].1, &files[1].1);
    let fast = streamed(&dir).expect("our own export streams");
    assert_same(&fast, &full(&dir));
    assert_eq!(fast.statement_count(), g.statement_count());
    // DNA keeps its own category (a target, not a protein).
    let dna = fast.by_id("dna").expect("dna");
    assert_eq!(fast.node(dna).category, Some("biolink:NucleicAcidEntity"));
    let files_again = export(&fast, None, ExportFormat::Kgx);
    assert!(
        files_again[0].1 == files[0].1,
        "nodes.tsv differs streamed back"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const NODES_HEAD: &str =
    "id\tcategory\tname\tdescription\tsynonym\txref\tmbckg_kind\tmbckg_origin\n";
const EDGES_HEAD: &str = "id\tsubject\tpredicate\tobject\tnegated\tknowledge_level\tagent_type\tprimary_knowledge_source\toriginal_predicate\tmbckg_section\tmbckg_evidence\tmbckg_note\tmbckg_line\tmbckg_frequency\tmbckg_risk\tmbckg_population\tmbckg_with\tmbckg_schedule\tmbckg_min_count\tmbckg_condition\tmbckg_any_of\tmbckg_origin\n";

/// One edge line in our columns: the fields given, every qualifier but `line` and `frequency`
/// empty.
fn edge(
    id: &str,
    [s, predicate, o]: [&str; 3],
    [source, ours, section, evidence, note]: [&str; 5],
    [line, frequency]: [&str; 2],
    origin: &str,
) -> String {
    format!("{id}\t{s}\t{predicate}\t{o}\tfalse\tknowledge_assertion\tmanual_agent\t{source}\t{ours}\t{section}\t{evidence}\t{note}\t{line}\t{frequency}\t\t\t\t\t\t\t\t{origin}\n")
}

#[test]
fn a_category_beside_our_kind_streams_as_the_full_reader_reads_it() {
    // Kept where the kind allows it; else the kind decides, as in the full reader.
    let mut nodes = NODES_HEAD.to_string();
    for (id, category, kind) in [
        ("dna", "biolink:NucleicAcidEntity", "target"),
        ("her2", "biolink:Protein", "target"),
        ("bare", "", "target"),
        ("taxane", "biolink:Drug", "class"),
        ("odd", "biolink:Disease", "target"),
        ("typo", "biolink:NucleicAcidEntty", "target"),
        ("cisplatin", "biolink:Drug", "drug"),
    ] {
        nodes.push_str(&format!("MBCKG:{id}\t{category}\t{id}\t\t\t\t{kind}\t\n"));
    }
    let edges = format!(
        "{EDGES_HEAD}{}",
        edge(
            "e1",
            [
                "MBCKG:cisplatin",
                "biolink:directly_physically_interacts_with",
                "MBCKG:dna",
            ],
            [
                "infores:mbckg-src",
                "MBCKG:targets",
                "Sec A",
                "background",
                ""
            ],
            ["", ""],
            "",
        )
    );
    let dir = temp_dir("categories");
    write(&dir, &nodes, &edges);
    let fast = streamed(&dir).expect("categories of our kinds stream");
    assert_same(&fast, &full(&dir));
    let own: Vec<(&str, Option<&str>)> = fast
        .nodes()
        .map(|n| (fast.id(n), fast.node(n).category))
        .filter(|(_, c)| c.is_some())
        .collect();
    assert_eq!(own, [("dna", Some("biolink:NucleicAcidEntity"))]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn escapes_lists_qualifiers_and_defaults_stream_as_they_read() {
    let nodes = format!(
        "{NODES_HEAD}MBCKG:d\\.1\tbiolink:Drug\tDrug \\tOne\tA note\\nwith a line\tAlpha|Be\\|ta\tX:1\tdrug\t\r\n\
         MBCKG:t\tbiolink:Protein\tHER2\t\tAlias One||  |ALIAS  Two\tX:2|X:3\ttarget\t\n\
         \n\
         MBCKG:s\tbiolink:PhenotypicFeature\tnausea\t\t\t\tside_effect\t\n"
    );
    let edges = [
        edge(
            "e1",
            [
                "MBCKG:d\\.1",
                "biolink:directly_physically_interacts_with",
                "MBCKG:t",
            ],
            [
                "infores:mbckg-src",
                "MBCKG:targets",
                "Sec A",
                "fda-approved",
                "note \\t1",
            ],
            ["first", ""],
            "",
        ),
        edge(
            "e2",
            ["MBCKG:d\\.1", "biolink:has_side_effect", "MBCKG:s"],
            ["infores:mbckg-src", "", "Sec B", "", ""],
            ["", ""],
            "graph-data/drugs/d.toml:12:3",
        ),
        edge(
            "e3",
            ["MBCKG:d\\.1", "biolink:has_side_effect", "MBCKG:s"],
            ["", "MBCKG:causes", "", "standard-option", ""],
            ["", "common"],
            "",
        ),
    ]
    .concat();
    let edges = format!("{EDGES_HEAD}{edges}");
    let dir = temp_dir("escapes");
    write(&dir, &nodes, &edges);
    let fast = streamed(&dir).expect("clean files stream");
    assert_same(&fast, &full(&dir));
    let d = fast.by_id("d.1").expect("unescaped id");
    assert_eq!(fast.node(d).aliases, ["Alpha", "Be|ta"]);
    assert_eq!(fast.node(d).note, Some("A note\nwith a line"));
    // Blank items are dropped; aliases are found as names are, and by their own words.
    let t = fast.by_id("t").expect("a target");
    assert_eq!(fast.node(t).aliases, ["Alias One", "ALIAS  Two"]);
    assert_eq!(fast.node(t).xrefs, ["X:2", "X:3"]);
    assert_eq!(fast.lookup("alias two"), [t]);
    assert_eq!(fast.lookup("be|ta"), [d]);
    let labels: Vec<&str> = fast.labels_with_prefix("Alias").map(|(l, _)| l).collect();
    assert_eq!(labels, ["alias one", "alias two"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn anything_the_full_reader_would_report_or_repair_is_left_to_it() {
    let dir = temp_dir("declines");
    let node = "MBCKG:a\tbiolink:Drug\ta\t\t\t\tdrug\t\n";
    let combined = |o: &str, evidence: &str| {
        let fields = ["s", "MBCKG:combined_with", "x", evidence, ""];
        edge(
            "e",
            ["MBCKG:a", "biolink:coexists_with", o],
            fields,
            ["", ""],
            "",
        )
    };
    // A duplicate node, a short line, an unknown evidence, a line longer than its file's header.
    let cases = [
        (format!("{NODES_HEAD}{node}{node}"), EDGES_HEAD.to_string()),
        (
            format!("{NODES_HEAD}MBCKG:a\tbiolink:Drug\n"),
            EDGES_HEAD.to_string(),
        ),
        (
            format!("{NODES_HEAD}{node}"),
            format!("{EDGES_HEAD}{}", combined("MBCKG:a", "maybe")),
        ),
        (format!("id\tname\n{node}"), EDGES_HEAD.to_string()),
    ];
    for (nodes, edges) in cases {
        write(&dir, &nodes, &edges);
        assert!(streamed(&dir).is_none(), "{nodes}{edges}");
    }
    // Through the command line's loader, the full reader then reports or reads it.
    write(&dir, &format!("{NODES_HEAD}{node}{node}"), EDGES_HEAD);
    assert_eq!(load_graph(Some(&dir)).is_ok(), load::load_dir(&dir).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The scale example (`cargo test` builds it), run small: its synthetic graph streams, and its
/// queries run through the REPL's path.
#[test]
fn the_scale_benchmark_runs_small() {
    let Some(exe) = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("examples/scale")))
        .filter(|p| p.is_file())
    else {
        // `cargo test --test kgx_stream` alone builds no examples; the full `cargo test` does,
        // and in CI the example must have run.
        assert!(
            std::env::var_os("CI").is_none(),
            "the scale example was not built: run the full `cargo test`"
        );
        eprintln!(
            "the scale example was not built, so it was not run (the full `cargo test` builds it)"
        );
        return;
    };
    let dir = temp_dir("scale");
    let gen = std::process::Command::new(&exe)
        .args(["gen", "300"])
        .arg(&dir)
        .status()
        .expect("runs");
    assert!(gen.success());
    let g = streamed(&dir).expect("the synthetic graph streams");
    assert_same(&g, &full(&dir));
    let run = std::process::Command::new(&exe)
        .args(["run"])
        .arg(&dir)
        .arg("1")
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("statements\t4318"), "{out}");
    // Every query answered through the REPL's path, with its rows.
    assert!(
        out.contains("cardiac monitoring ms") && out.contains("drugs)"),
        "{out}"
    );
    assert!(
        out.contains("(1 path)") && out.contains("(10 groups)"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    // With synonyms: streamed as the full reader reads them, and each found as a name is.
    let dir = temp_dir("scale-synonyms");
    let gen = std::process::Command::new(&exe)
        .args(["gen", "300"])
        .arg(&dir)
        .arg("synonyms")
        .status()
        .expect("runs");
    assert!(gen.success());
    let g = streamed(&dir).expect("the synthetic graph streams");
    assert_same(&g, &full(&dir));
    let d = g.by_id("drug-7").expect("a drug");
    assert_eq!(g.node(d).aliases, ["drug-7 brand", "DRUG-7-X"]);
    assert_eq!(g.lookup("DRUG-7-x"), [d]);
    assert_eq!(g.lookup("drug-7  BRAND"), [d]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `subclass_of` cycle in KGX is an error by either road: the full reader reports it, and the
/// streaming load declines so that the full reader can.
#[test]
fn a_subclass_cycle_in_kgx_is_reported_by_either_road() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    let edges = &files[1].1;
    let line = edges
        .lines()
        .find(|l| l.starts_with("MBCKG:alkylating-agent.subclass_of.chemotherapy\t"))
        .expect("alkylating agents are chemotherapy");
    let back = line
        .replace(
            "MBCKG:alkylating-agent.subclass_of.chemotherapy",
            "MBCKG:back",
        )
        .replacen("MBCKG:alkylating-agent", "MBCKG:TMP", 1)
        .replacen("MBCKG:chemotherapy", "MBCKG:alkylating-agent", 1)
        .replacen("MBCKG:TMP", "MBCKG:chemotherapy", 1);
    let dir = temp_dir("cycle");
    write(&dir, &files[0].1, &format!("{edges}{back}\n"));
    assert!(streamed(&dir).is_none(), "the streaming load declines");
    let errors = load_graph(Some(&dir)).expect_err("a cycle is an error");
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("subclass_of forms a cycle")),
        "{}",
        errors[0].render()
    );
}

/// `edges.tsv` read by two readers, the second from the first line at or after byte `cut`,
/// neither taking any of the other's part.
fn streamed_cut(dir: &Path, cut: u64) -> Option<KnowledgeGraph> {
    streamed_shared(dir, cut, u64::MAX)
}

/// `edges.tsv` read by two readers, the second from the first line at or after byte `cut`, a
/// reader done with its part taking half of what the other has left when that is at least
/// `least` bytes.
fn streamed_shared(dir: &Path, cut: u64, least: u64) -> Option<KnowledgeGraph> {
    streamed_warned(dir, cut, least).map(|(g, _)| g)
}

/// [`streamed_shared`], with the warnings the stream gives, rendered.
fn streamed_warned(dir: &Path, cut: u64, least: u64) -> Option<(KnowledgeGraph, Vec<String>)> {
    let mut b = Builder::new();
    let cut = load::kgx_stream::Cut {
        at: cut,
        least_taken: least,
    };
    let streamed = load::kgx_stream::read_dir_cut(dir, &mut b, Some(cut), false)?;
    let warnings = streamed.warnings.iter().map(|d| d.render()).collect();
    Some((b.finish(streamed.sources), warnings))
}

/// The full reader's graph of `dir` and its warnings, rendered.
fn full_warned(dir: &Path) -> (KnowledgeGraph, Vec<String>) {
    let loaded = load::load_dir_with(dir, None, load::LoadOptions::default())
        .unwrap_or_else(|e| panic!("{}", e[0].render()));
    let warnings = loaded.warnings.iter().map(|d| d.render()).collect();
    (KnowledgeGraph::new(loaded.dataset), warnings)
}

/// The same graph stored the same way: relations, provenance, qualifiers and files numbered
/// alike, every column equal (as their snapshots are).
fn assert_stored_alike(a: &KnowledgeGraph, b: &KnowledgeGraph, what: &str) {
    assert!(
        snapshot::to_bytes(a) == snapshot::to_bytes(b),
        "{what}: stored otherwise"
    );
}

/// `edges.tsv` read by two threads gives the graph one thread gives, wherever the file is cut:
/// in the header, inside a line (the line goes to the first part), just before or after a
/// newline, between the `\r` and `\n` of CRLF lines, and in a last line without a newline;
/// statements keep their lines in the file. So it does when the readers take parts of each
/// other's (in pieces read in any order), and it is stored alike, numbered as one reader
/// numbers.
#[test]
fn edges_read_in_two_parts_give_the_graph_one_part_gives_wherever_the_cut_falls() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    let (nodes, edges) = (&files[0].1, &files[1].1);
    // Statements without an origin column, so that their place is their line in edges.tsv.
    let lines: Vec<String> = edges
        .lines()
        .enumerate()
        .map(|(i, l)| match l.rsplit_once('\t') {
            Some((rest, _)) if i > 0 => format!("{rest}\t"),
            _ => l.to_string(),
        })
        .collect();
    let variants = [
        ("lf", format!("{}\n", lines.join("\n"))),
        ("crlf", format!("{}\r\n", lines.join("\r\n"))),
        ("no final newline", lines.join("\n")),
    ];
    let dir = temp_dir("cuts");
    for (name, text) in &variants {
        write(&dir, nodes, text);
        let whole = streamed_cut(&dir, u64::MAX).expect("one part streams");
        assert_same(&whole, &full(&dir));
        let len = text.len() as u64;
        let newline = text.find('\n').expect("a header") as u64;
        let mut cuts = vec![0, 1, newline, newline + 1, len / 2, len - 1, len];
        // Places through the file, an odd stride apart.
        cuts.extend((0..len).step_by((len / 23) as usize | 1));
        for cut in cuts {
            let two = streamed_cut(&dir, cut).unwrap_or_else(|| panic!("{name}: cut at {cut}"));
            assert_same(&two, &whole);
            assert_stored_alike(&two, &whole, &format!("{name}: cut at {cut}"));
            // Readers that take parts of each other's (as many as the timing of the two
            // threads makes, down to a byte).
            for least in [1, 100, 5000] {
                let shared = streamed_shared(&dir, cut, least)
                    .unwrap_or_else(|| panic!("{name}: cut at {cut}, taking {least}"));
                assert_same(&shared, &whole);
                assert_stored_alike(&shared, &whole, &format!("{name}: {cut}, {least}"));
            }
        }
    }
    // A file the full reader reports (a line longer than the header) is declined whichever part
    // holds the flaw.
    let mut flawed = lines.clone();
    let last = flawed.len() - 1;
    flawed[last].push_str("\textra");
    write(&dir, nodes, &format!("{}\n", flawed.join("\n")));
    for cut in [0, 1000, u64::MAX] {
        assert!(streamed_cut(&dir, cut).is_none(), "cut at {cut}");
        assert!(
            streamed_shared(&dir, cut, 1).is_none(),
            "cut at {cut}, shared"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Files that open with many blank lines (so that their lines look one byte long to the reader's
/// estimate of room) stream as the full reader reads them.
#[test]
fn files_opening_with_many_blank_lines_stream_as_the_full_reader_reads_them() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    let blank = "\n".repeat(1 << 17);
    let (nodes, edges) = (&files[0].1, &files[1].1);
    let (nodes_head, nodes_rest) = nodes.split_once('\n').expect("a header");
    let (edges_head, edges_rest) = edges.split_once('\n').expect("a header");
    let dir = temp_dir("blank");
    write(
        &dir,
        &format!("{nodes_head}\n{blank}{nodes_rest}"),
        &format!("{edges_head}\n{blank}{edges_rest}"),
    );
    let fast = streamed(&dir).expect("blank lines are skipped");
    assert_eq!(fast.statement_count(), g.statement_count());
    assert_same(&fast, &full(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The shipped graph's export, damaged in small ways (a separator, a backslash, a bad byte or a
/// CURIE prefix put in; a few bytes cut out; the file cut short) at pseudo-random places: the
/// stream never panics, and whatever it accepts, with the file read in one part or two (or in
/// pieces the readers take of each other's), is what the full reader reads. So too in columns
/// of another order and other names, whose lines the stream rewrites into ours.
#[test]
fn damaged_files_are_declined_or_streamed_as_the_full_reader_reads_them() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    damage(&files[0].1, &files[1].1, "damaged");
    let (nodes, edges) = (
        reshaped(&files[0].1, NODES_AS),
        reshaped(&files[1].1, EDGES_AS),
    );
    damage(&nodes, &edges, "damaged-reshaped");
}

/// [`damaged_files_are_declined_or_streamed_as_the_full_reader_reads_them`] for one pair of files.
fn damage(nodes_tsv: &str, edges_tsv: &str, name: &str) {
    let dir = temp_dir(name);
    let mut seed = 0x0123_4567_89ab_cdefu64;
    let mut below = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let insertions: [&[u8]; 9] = [
        b"\t", b"\n", b"\r", b"\\", b"|", b"\xff", b"\xc3", b"MBCKG:", b"\r\n",
    ];
    let mut accepted = 0;
    for case in 0..200 {
        let mut nodes = nodes_tsv.as_bytes().to_vec();
        let mut edges = edges_tsv.as_bytes().to_vec();
        for _ in 0..1 + below(3) {
            let target = if below(3) == 0 {
                &mut nodes
            } else {
                &mut edges
            };
            let at = below(target.len());
            match below(3) {
                0 => {
                    let bytes = insertions[below(insertions.len())];
                    target.splice(at..at, bytes.iter().copied());
                }
                1 => {
                    let end = (at + below(40)).min(target.len());
                    target.drain(at..end);
                }
                _ => target.truncate(at),
            }
        }
        std::fs::write(dir.join("nodes.tsv"), &nodes).expect("write nodes");
        std::fs::write(dir.join("edges.tsv"), &edges).expect("write edges");
        let cut = below(edges.len()) as u64;
        for (g, warnings) in [
            streamed_warned(&dir, u64::MAX, u64::MAX),
            streamed_warned(&dir, cut, u64::MAX),
            streamed_warned(&dir, cut, 1),
        ]
        .into_iter()
        .flatten()
        {
            let full = load::load_dir_with(&dir, None, load::LoadOptions::default())
                .unwrap_or_else(|e| panic!("{name} case {case}: streamed, but {}", e[0].render()));
            assert_same(&g, &KnowledgeGraph::new(full.dataset));
            let full: Vec<String> = full.warnings.iter().map(|d| d.render()).collect();
            assert_eq!(warnings, full, "{name} case {case}");
            accepted += 1;
        }
    }
    assert!(
        accepted > 0,
        "{name}: some damage leaves a file the stream reads"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A column of a reshaped file: its name, and the column of ours it takes its fields from
/// (`""`: every field empty; `"=TEXT"`: every field `TEXT`).
type As = (&'static str, &'static str);

/// Our node columns in another order, beside one the reader does not know.
const NODES_AS: &[As] = &[
    ("name", "name"),
    ("provided_by", "=infores:elsewhere"),
    ("id", "id"),
    ("mbckg_kind", "mbckg_kind"),
    ("synonym", "synonym"),
    ("category", "category"),
    ("xref", "xref"),
    ("description", "description"),
    ("mbckg_origin", "mbckg_origin"),
];

/// Our edge columns in another order, some under the names exports before the `mbckg_` prefix
/// gave them, the source in `provided_by` behind a blank `knowledge_source`, the id last, and
/// columns the reader does not know.
const EDGES_AS: &[As] = &[
    ("object", "object"),
    ("category", "=biolink:Association"),
    ("subject", "subject"),
    ("knowledge_source", "= "),
    ("section", "mbckg_section"),
    ("predicate", "predicate"),
    ("negated", "negated"),
    ("original_predicate", "original_predicate"),
    ("provided_by", "primary_knowledge_source"),
    ("evidence", "mbckg_evidence"),
    ("note", "mbckg_note"),
    ("mbckg_condition", "mbckg_condition"),
    ("mbckg_line", "mbckg_line"),
    ("mbckg_frequency", "mbckg_frequency"),
    ("mbckg_risk", "mbckg_risk"),
    ("mbckg_population", "mbckg_population"),
    ("mbckg_with", "mbckg_with"),
    ("publications", ""),
    ("mbckg_schedule", "mbckg_schedule"),
    ("mbckg_min_count", "mbckg_min_count"),
    ("mbckg_any_of", "mbckg_any_of"),
    ("origin", "mbckg_origin"),
    ("id", "id"),
];

/// A TSV file of ours with its columns as `columns` says. Lines lose their trailing empty
/// fields (the readers pad short lines).
fn reshaped(tsv: &str, columns: &[As]) -> String {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    let mut out = names.join("\t") + "\n";
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let row: Vec<&str> = columns
            .iter()
            .map(|(_, from)| match from.strip_prefix('=') {
                Some(text) => text,
                None => header
                    .iter()
                    .position(|h| h == from)
                    .and_then(|i| fields.get(i))
                    .copied()
                    .unwrap_or(""),
            })
            .collect();
        out.push_str(row.join("\t").trim_end_matches('\t'));
        out.push('\n');
    }
    out
}

/// A KGX graph in columns of its own (another order, other names, columns unknown to us, our
/// relation named in `mbckg_relation`, the source in a later provenance column, short lines)
/// streams: each line rewritten into our columns, it gives the graph the full reader gives, in
/// one part or two.
#[test]
fn files_in_columns_of_their_own_stream_as_the_full_reader_reads_them() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    let dir = temp_dir("reshaped");
    let nodes = reshaped(&files[0].1, NODES_AS);
    let edges = reshaped(&files[1].1, EDGES_AS);
    write(&dir, &nodes, &edges);
    let fast = streamed(&dir).expect("streams, rewritten");
    assert_eq!(fast.statement_count(), g.statement_count());
    assert_same(&fast, &full(&dir));
    for cut in [1, edges.len() as u64 / 3, edges.len() as u64 / 2] {
        let two = streamed_cut(&dir, cut).expect("streams in two parts");
        assert_stored_alike(&two, &fast, "cut in two");
    }
    // Our relation in `mbckg_relation` (exports before `original_predicate`).
    let older: Vec<As> = EDGES_AS
        .iter()
        .map(|c| match c.0 {
            "original_predicate" => ("mbckg_relation", "original_predicate"),
            _ => *c,
        })
        .collect();
    let edges = reshaped(&files[1].1, &older).replace("\tMBCKG:", "\t");
    write(&dir, &nodes, &edges);
    let fast = streamed(&dir).expect("streams, rewritten");
    assert_same(&fast, &full(&dir));
    assert_eq!(fast.statement_count(), g.statement_count());
    // A third party's graph: Biolink categories and predicates alone.
    let third = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kgx-third-party");
    let fast = streamed(&third).expect("a third party's graph streams");
    assert_same(&fast, &full(&third));
    assert!(fast.statement_count() > 0);
    // Nodes of several categories: the most specific decides, beside our kind or alone.
    let listed = nodes.replace("\tbiolink:", "\tbiolink:NamedThing|biolink:");
    write(&dir, &listed, &edges);
    let fast = streamed(&dir).expect("several categories stream");
    assert_same(&fast, &full(&dir));
    let dna = fast.by_id("dna").expect("dna");
    assert_eq!(fast.node(dna).category, Some("biolink:NucleicAcidEntity"));
    let listed = std::fs::read_to_string(third.join("nodes.tsv"))
        .expect("nodes")
        .replace(
            "\tbiolink:Gene",
            "\tbiolink:NamedThing|biolink:Gene|biolink:BiologicalEntity",
        );
    write(
        &dir,
        &listed,
        &std::fs::read_to_string(third.join("edges.tsv")).expect("edges"),
    );
    let fast = streamed(&dir).expect("several categories stream");
    assert_same(&fast, &full(&dir));
    let brca1 = fast.by_id("HGNC:1100").expect("BRCA1");
    assert_eq!(fast.node(brca1).kind.to_string(), "biolink:Gene");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Headers the stream leaves to the full reader: no `subject` column, qualifiers packed in one
/// column; and a line longer than its header, which the full reader reports.
#[test]
fn columns_the_stream_cannot_rewrite_are_left_to_the_full_reader() {
    let dir = temp_dir("unrewritable");
    let nodes = "id\tcategory\tname\nA\tbiolink:Gene\tA\nB\tbiolink:Gene\tB\n";
    write(
        &dir,
        nodes,
        "source\tobject\tpredicate\nA\tB\tbiolink:related_to\n",
    );
    assert!(streamed(&dir).is_none());
    write(
        &dir,
        nodes,
        "subject\tobject\tpredicate\tqualifiers\nA\tB\tbiolink:related_to\t\n",
    );
    assert!(streamed(&dir).is_none());
    write(
        &dir,
        nodes,
        "subject\tobject\tpredicate\nA\tB\tbiolink:related_to\tmore\n",
    );
    assert!(streamed(&dir).is_none());
    write(
        &dir,
        nodes,
        "subject\tobject\tpredicate\nA\tB\tbiolink:related_to\n",
    );
    let fast = streamed(&dir).expect("streams");
    assert_same(&fast, &full(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A name with blanks around it (the full reader trims it) streams trimmed; an escaped
/// `original_predicate` (the full reader unescapes it before taking `MBCKG:` off) is left to the
/// full reader.
#[test]
fn a_padded_name_streams_trimmed_and_an_escaped_relation_column_is_left_to_the_full_reader() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    let nodes = files[0]
        .1
        .replacen("\tbiolink:Drug\t", "\tbiolink:Drug\t \r", 1);
    assert_ne!(nodes, files[0].1);
    let dir = temp_dir("padded");
    write(&dir, &nodes, &files[1].1);
    let fast = streamed(&dir).expect("a padded name streams");
    assert_same(&fast, &full(&dir));
    let edges = files[1].1.replacen(
        "\tMBCKG:requires_biomarker\t",
        "\tM\\BCKG:requires_biomarker\t",
        1,
    );
    assert_ne!(edges, files[1].1);
    write(&dir, &files[0].1, &edges);
    assert!(streamed(&dir).is_none());
    assert_eq!(full(&dir).statement_count(), g.statement_count());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file in which most lines share their tail (every field after the object but the origin)
/// with a line before, as in any large graph, with stretches where each line's tail is its own
/// (a note per line: the reader stops remembering tails, then tries again), lines with an
/// origin of their own, relations named by `original_predicate` or by the predicate, and
/// subclass statements: it streams as the full reader reads it, in one part or cut in two.
#[test]
fn lines_that_share_their_tails_stream_as_the_full_reader_reads_them() {
    let mut nodes = NODES_HEAD.to_string();
    for d in 0..400 {
        nodes.push_str(&format!("MBCKG:d{d}\tbiolink:Drug\td{d}\t\t\t\tdrug\t\n"));
    }
    for t in 0..30 {
        nodes.push_str(&format!(
            "MBCKG:t{t}\tbiolink:Protein\tt{t}\t\t\t\ttarget\t\n"
        ));
    }
    for c in 0..5 {
        nodes.push_str(&format!("MBCKG:c{c}\tbiolink:Drug\tc{c}\t\t\t\tclass\t\n"));
    }
    for s in 0..10 {
        nodes.push_str(&format!(
            "MBCKG:s{s}\tbiolink:PhenotypicFeature\ts{s}\t\t\t\tside_effect\t\n"
        ));
    }
    let mut edges = EDGES_HEAD.to_string();
    let src = "infores:mbckg-src";
    for i in 0..12_000usize {
        // Runs of thirty lines a subject; no two lines state the same thing.
        let s = format!("MBCKG:d{}", i / 30 % 400);
        let section = ["Sec A", "Sec B"][i / 4 % 2];
        let e = format!("e{i}");
        let line = match i % 6 {
            0 => edge(
                &e,
                [
                    &s,
                    "biolink:directly_physically_interacts_with",
                    &format!("MBCKG:t{}", i % 10),
                ],
                [src, "MBCKG:targets", section, "fda-approved", ""],
                ["", ""],
                "",
            ),
            1 => edge(
                &e,
                [&s, "biolink:member_of", &format!("MBCKG:c{}", i % 5)],
                [src, "MBCKG:member_of", section, "", ""],
                ["", ""],
                "",
            ),
            2 => edge(
                &e,
                [&s, "biolink:has_side_effect", &format!("MBCKG:s{}", i % 5)],
                [src, "", "Sec C", "", ""],
                ["", ["common", ""][i / 6 % 2]],
                "",
            ),
            3 => edge(
                &e,
                [
                    &s,
                    "biolink:has_side_effect",
                    &format!("MBCKG:s{}", 5 + i % 5),
                ],
                [src, "MBCKG:causes", section, "standard-option", ""],
                ["", ""],
                "",
            ),
            // From line 4,000 to 9,000, a note of its own on these lines and the next.
            4 | 5 if (4000..9000).contains(&i) => edge(
                &e,
                [
                    &s,
                    "biolink:directly_physically_interacts_with",
                    &format!("MBCKG:t{}", 10 + i % 20),
                ],
                [src, "MBCKG:targets", section, "", &format!("note {i}")],
                ["", ""],
                "",
            ),
            4 => edge(
                &e,
                [
                    &s,
                    "biolink:directly_physically_interacts_with",
                    &format!("MBCKG:t{}", 10 + i % 10),
                ],
                [src, "MBCKG:targets", section, "", ""],
                ["first", ""],
                &format!("graph-data/g.toml:{i}:3"),
            ),
            _ => edge(
                &e,
                [
                    &s,
                    "biolink:directly_physically_interacts_with",
                    &format!("MBCKG:t{}", 20 + i % 10),
                ],
                [src, "MBCKG:targets", section, "", ""],
                ["", ""],
                ["", "graph-data/h.toml:9:1"][i / 6 % 2],
            ),
        };
        edges.push_str(&line);
    }
    for (sub, sup) in [("c1", "c0"), ("c2", "c0"), ("c3", "c1"), ("c4", "c1")] {
        edges.push_str(&edge(
            &format!("{sub}-{sup}"),
            [
                &format!("MBCKG:{sub}"),
                "biolink:subclass_of",
                &format!("MBCKG:{sup}"),
            ],
            [src, "MBCKG:subclass_of", "Sec D", "", ""],
            ["", ""],
            "",
        ));
    }
    let dir = temp_dir("tails");
    write(&dir, &nodes, &edges);
    let whole = streamed_cut(&dir, u64::MAX).expect("one part streams");
    let reference = full(&dir);
    assert_same(&whole, &reference);
    assert_eq!(whole.statement_count(), 12_004);
    let len = edges.len() as u64;
    for cut in [len / 3, len / 2, len * 4 / 5] {
        let two = streamed_cut(&dir, cut).unwrap_or_else(|| panic!("cut at {cut}"));
        assert_same(&two, &reference);
        // In pieces, each read with its memos of tails empty at its start.
        for least in [1, 3000] {
            let shared = streamed_shared(&dir, cut, least)
                .unwrap_or_else(|| panic!("cut at {cut}, taking {least}"));
            assert_same(&shared, &reference);
            assert_stored_alike(&shared, &whole, &format!("cut at {cut}, taking {least}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A blank source field names no source: the statement is unattributed by either road (the full
/// reader takes a list's items that are not blank); of several, the first is the source.
#[test]
fn a_blank_source_streams_unattributed_as_the_full_reader_reads_it() {
    let nodes = format!(
        "{NODES_HEAD}MBCKG:a\tbiolink:Drug\ta\t\t\t\tdrug\t\nMBCKG:b\tbiolink:Drug\tb\t\t\t\tdrug\t\n"
    );
    let line = |source: &str| {
        let fields = [source, "MBCKG:combined_with", "", "", ""];
        edge(
            "e",
            ["MBCKG:a", "biolink:coexists_with", "MBCKG:b"],
            fields,
            ["", ""],
            "",
        )
    };
    let dir = temp_dir("blank-source");
    for source in [
        "  ",
        "",
        " infores:x",
        "infores:x ",
        "infores:x|infores:y",
        "|infores:y",
        " | ",
        "infores:mbckg-ours|infores:y",
    ] {
        write(&dir, &nodes, &format!("{EDGES_HEAD}{}", line(source)));
        let fast = streamed(&dir).expect("streams");
        assert_same(&fast, &full(&dir));
    }
    // In a third party's columns: the first provenance column whose list has an item.
    let nodes = "id\tcategory\tname\nA\tbiolink:Gene\tA\nB\tbiolink:Gene\tB\n";
    for (first, second) in [
        ("|", "infores:z"),
        (" ", "infores:z|x"),
        ("infores:w|", "z"),
    ] {
        let edges = format!(
            "subject\tobject\tpredicate\tknowledge_source\tprovided_by\n\
             A\tB\tbiolink:related_to\t{first}\t{second}\n"
        );
        write(&dir, nodes, &edges);
        let fast = streamed(&dir).expect("streams");
        assert_same(&fast, &full(&dir));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A node without a name (blank, or no `name` column at all) is named by its id, by either road.
#[test]
fn a_node_without_a_name_streams_named_by_its_id() {
    let dir = temp_dir("nameless");
    let edges = "subject\tobject\tpredicate\nHGNC:1\tGO:2\tbiolink:participates_in\n";
    for nodes in [
        "id\tcategory\tname\nHGNC:1\tbiolink:Gene\t  \nGO:2\tbiolink:BiologicalProcess\trepair\n",
        "id\tcategory\nHGNC:1\tbiolink:Gene\nGO:2\tbiolink:BiologicalProcess\n",
    ] {
        write(&dir, nodes, edges);
        let fast = streamed(&dir).expect("streams");
        assert_same(&fast, &full(&dir));
        let gene = fast.by_id("HGNC:1").expect("the gene");
        assert_eq!(fast.node(gene).name, "HGNC:1");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Edges to nodes that are not there stream as the full reader reads them: dropped, with its one
/// warning that counts them and shows the first (found by either reader, wherever the file is
/// cut, in our columns or a third party's). With `--strict` the stream declines, so the full
/// reader reports each.
#[test]
fn edges_to_missing_nodes_are_dropped_with_the_full_readers_warning() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let files = export(&g, None, ExportFormat::Kgx);
    let dir = temp_dir("dangling");
    // Nodes taken out: every edge to or from them dangles, subjects and objects both.
    let gone = ["MBCKG:trastuzumab\t", "MBCKG:her2\t", "MBCKG:nausea\t"];
    let nodes: String = files[0]
        .1
        .lines()
        .filter(|l| !gone.iter().any(|g| l.starts_with(g)))
        .map(|l| format!("{l}\n"))
        .collect();
    for (nodes, edges) in [
        (nodes.clone(), files[1].1.clone()),
        (reshaped(&nodes, NODES_AS), reshaped(&files[1].1, EDGES_AS)),
    ] {
        write(&dir, &nodes, &edges);
        let (full, full_warnings) = full_warned(&dir);
        assert_eq!(full_warnings.len(), 1);
        assert!(full.statement_count() < g.statement_count());
        for cut in [u64::MAX, 1, edges.len() as u64 / 3, edges.len() as u64 / 2] {
            for least in [u64::MAX, 1] {
                let (fast, warnings) = streamed_warned(&dir, cut, least).expect("streams");
                assert_same(&fast, &full);
                assert_eq!(warnings, full_warnings, "cut at {cut}");
            }
        }
        // Strict: left to the full reader, which makes each an error.
        let mut b = Builder::new();
        assert!(load::kgx_stream::read_dir(&dir, &mut b, true).is_none());
        let strict = load::LoadOptions { strict: true };
        let Err(errors) = mbckg::app::cli::load_graph_with(std::slice::from_ref(&dir), strict)
        else {
            panic!("strict: errors");
        };
        assert!(errors.len() > 1, "each edge an error");
        let (_, warnings) =
            mbckg::app::cli::load_graph_with(std::slice::from_ref(&dir), Default::default())
                .expect("loads");
        let warnings: Vec<String> = warnings.iter().map(|d| d.render()).collect();
        assert_eq!(warnings, full_warnings);
    }
    // A line whose subject and object are both missing counts once, named by its subject.
    let nodes = "id\tcategory\tname\nA\tbiolink:Gene\tA\n";
    let edges = "subject\tobject\tpredicate\nX\tY\tbiolink:related_to\nA\tZ\tbiolink:related_to\n";
    write(&dir, nodes, edges);
    let (full, full_warnings) = full_warned(&dir);
    let (fast, warnings) = streamed_warned(&dir, u64::MAX, u64::MAX).expect("streams");
    assert_same(&fast, &full);
    assert_eq!(warnings, full_warnings);
    assert!(warnings[0].contains("2 edges dropped"), "{}", warnings[0]);
    assert!(warnings[0].contains("subject `X`"), "{}", warnings[0]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A blank category beside no kind names no kind: the full reader reads such a node as a named
/// thing and warns, so the stream leaves the file to it.
#[test]
fn a_blank_category_without_a_kind_is_left_to_the_full_reader() {
    let dir = temp_dir("blank-category");
    write(
        &dir,
        &format!("{NODES_HEAD}MBCKG:a\t  \ta\t\t\t\t\t\n"),
        EDGES_HEAD,
    );
    let (full, warnings) = full_warned(&dir);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(full.by_id("a").is_some());
    assert!(streamed(&dir).is_none());
    let _ = std::fs::remove_dir_all(&dir);
}
