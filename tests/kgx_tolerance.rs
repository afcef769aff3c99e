//! Third-party KGX read as KGX tools read it, through the command line, so the behaviours hold
//! whatever the reader looks like inside (`biolink/NOTES.md` lists them):
//!
//! - `tests/kgx-flawed/`: short rows, CRLF and a byte-order mark, edges to missing nodes, a node
//!   id given twice, several categories, empty names, provenance in four different columns, a
//!   negated edge;
//! - `tests/kgx-overlay/`: a gene graph laid over the curated graph, matching our nodes by id and
//!   by declared xref;
//! - the curated graph exported as KGX and read back: the same graph, negative statements too.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const FLAWED: &str = "tests/kgx-flawed";
const OVERLAY: &str = "tests/kgx-overlay";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mbckg"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("mbckg runs")
}

fn ok(args: &[&str]) -> (String, String) {
    let out = run(args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "mbckg {args:?}: {stderr}");
    (stdout, stderr)
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args).0).expect("JSON on stdout")
}

/// The first cell of every row of a query's answer.
fn names(data: &[&str], query: &str) -> Vec<String> {
    let mut args: Vec<&str> = data.iter().flat_map(|d| ["--data", *d]).collect();
    args.extend(["query", query, "--format", "json"]);
    let result = json(&args);
    result["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["cells"][0].as_str().unwrap_or_default().to_string())
        .collect()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("mbckg-{name}-{}", std::process::id()))
}

// ---------------------------------------------------------------------------------------------
// Every flaw at once

#[test]
fn a_flawed_graph_loads_with_one_warning_per_kind_of_flaw() {
    let (stdout, stderr) = ok(&["--data", FLAWED, "stats", "--format", "json"]);
    let stats: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(stats["nodes"]["total"], 7, "{stats}");
    assert_eq!(stats["statements"]["total"], 5, "{stats}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        stderr.contains("2 edges dropped: an end is not a node"),
        "{stderr}"
    );
    assert!(stderr.contains("tests/kgx-flawed/edges.tsv:4"), "{stderr}");
    assert!(stderr.contains("1 node row repeats an id"), "{stderr}");
    assert!(stderr.contains("tests/kgx-flawed/nodes.tsv:5"), "{stderr}");
    assert!(!stderr.lines().any(|l| l.starts_with("error")), "{stderr}");
}

#[test]
fn strict_makes_each_dangling_edge_an_error() {
    let out = run(&["--strict", "--data", FLAWED, "stats"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("object `HGNC:0000000` is not a node"),
        "{stderr}"
    );
    assert!(stderr.contains("tests/kgx-flawed/edges.tsv:4:"), "{stderr}");
    assert!(
        stderr.contains("subject `EX:nowhere` is not a node"),
        "{stderr}"
    );
    assert!(stderr.contains("tests/kgx-flawed/edges.tsv:5:"), "{stderr}");
}

#[test]
fn the_most_specific_category_wins_and_only_our_own_kinds_become_ours() {
    // NamedThing|BiologicalEntity|Gene is a gene; SmallMolecule|ChemicalEntity a small molecule.
    assert_eq!(names(&[FLAWED], "genes"), ["BRCA1", "BRCA2"]);
    assert_eq!(
        names(&[FLAWED], "small molecules"),
        ["example small molecule"]
    );
    // A biolink:Drug is our drug; a Disease is a disease, not one of our subtypes.
    assert_eq!(names(&[FLAWED], "drugs"), ["example drug one"]);
    assert_eq!(names(&[FLAWED], "diseases"), ["EX:D1"]);
    assert_eq!(names(&[FLAWED], "named things"), ["an unclassified thing"]);
    assert_eq!(names(&[FLAWED], "things"), ["an unclassified thing"]);
}

#[test]
fn duplicate_rows_are_one_node_with_everything_they_say() {
    let card = json(&["--data", FLAWED, "query", "show BRCA1", "--format", "json"]);
    let notes: Vec<&str> = card["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("biolink:Gene")),
        "{notes:?}"
    );
    assert!(notes.contains(&"aliases: BRCA1 gene"), "{notes:?}");
    assert!(
        notes.contains(&"note: BRCA1 DNA repair associated"),
        "{notes:?}"
    );
}

#[test]
fn provenance_columns_become_the_source() {
    let export = json(&["--data", FLAWED, "export", "--format", "json"]);
    let mut sources: Vec<(String, String)> = export["statements"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            let subject = s["subject"].as_str().unwrap_or_default().to_string();
            (
                subject,
                s["source"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        [
            ("EX:R1", "infores:example-aggregator"),
            ("EX:R2", "infores:example-trials"),
            ("EX:T1", "infores:example-old"),
            ("HGNC:1100", "infores:example-genes"),
            ("HGNC:1101", "unattributed"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn a_negated_edge_is_never_read_as_the_positive_statement() {
    let export = json(&["--data", FLAWED, "export", "--format", "json"]);
    let of_r2: Vec<&Value> = export["statements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["subject"] == "EX:R2")
        .collect();
    assert_eq!(of_r2.len(), 1);
    assert_eq!(of_r2[0]["relation"], "negated biolink:treats");
    assert_eq!(of_r2[0]["predicate"], "biolink:treats");
    assert_eq!(of_r2[0]["negated"], true);
    // Asking what treats the disease finds the drug of e5; the small molecule of e6 is found by
    // the negated relation only.
    assert_eq!(
        names(&[FLAWED], "drugs treating EX:D1"),
        ["example drug one"]
    );
    assert!(
        !run(&["--data", FLAWED, "query", "small molecules treating EX:D1"])
            .status
            .success()
    );
    assert_eq!(
        names(&[FLAWED], "small molecules negated treats EX:D1"),
        ["example small molecule"]
    );
}

#[test]
fn ids_are_kept_as_they_are_through_our_export_and_back() {
    let dir = temp("flawed-again");
    let dir_s = dir.to_string_lossy().into_owned();
    ok(&["--data", FLAWED, "export", "--format", "kgx", "-o", &dir_s]);
    let nodes = std::fs::read_to_string(dir.join("nodes.tsv")).expect("nodes.tsv");
    assert!(
        nodes.lines().any(|l| l.starts_with("HGNC:1100\t")),
        "{nodes}"
    );
    assert!(!nodes.contains("MBCKG:HGNC"), "{nodes}");
    let first = json(&["--data", FLAWED, "export", "--format", "json"]);
    let again = json(&["--data", &dir_s, "export", "--format", "json"]);
    assert_eq!(statements(&first), statements(&again));
    assert_eq!(nodes_of(&first), nodes_of(&again));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Round trip of the curated graph

/// Statements without the `origin`, which a re-read graph gives as where it was read.
fn statements(doc: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = doc["statements"].as_array().cloned().unwrap_or_default();
    for s in &mut out {
        if let Some(o) = s.as_object_mut() {
            o.remove("origin");
        }
    }
    out
}

/// Nodes by what a graph says of them (not where they were read, nor lint acceptances).
fn nodes_of(doc: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = doc["nodes"].as_array().cloned().unwrap_or_default();
    for n in &mut out {
        if let Some(o) = n.as_object_mut() {
            o.remove("origin");
            o.remove("accepted");
        }
    }
    out
}

#[test]
fn the_curated_graph_exported_as_kgx_reads_back_as_the_same_graph() {
    let dir = temp("curated-kgx");
    let dir_s = dir.to_string_lossy().into_owned();
    ok(&["export", "--format", "kgx", "-o", &dir_s]);
    let curated = json(&["export", "--format", "json"]);
    let (stdout, stderr) = ok(&["--data", &dir_s, "export", "--format", "json"]);
    assert!(stderr.is_empty(), "{stderr}");
    let back: Value = serde_json::from_str(&stdout).expect("JSON");
    // Statements field for field, origins included (our export carries them).
    assert_eq!(curated["statements"], back["statements"]);
    assert_eq!(nodes_of(&curated), nodes_of(&back));
    let negative = back["statements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["relation"] == "not_combined_with")
        .count();
    assert!(negative > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Overlays

#[test]
fn an_overlay_answers_a_question_that_needs_both_graphs() {
    // Curated: olaparib requires the biomarker BRCA1 mutation. Overlay: a BRCA1 variant (declared
    // as an xref of our biomarker) is a sequence variant of the gene BRCA1 (HGNC:1100; the name
    // BRCA1 alone is ambiguous with our biomarker's alias).
    let plus = format!("+{OVERLAY}");
    let question = "path from olaparib to HGNC:1100";
    assert_eq!(names(&[&plus], question), ["2"], "two hops");
    let path = json(&["--data", &plus, "query", question, "--format", "json"]);
    let origins: Vec<&str> = path["rows"][0]["witnesses"][0]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["origin"].as_str())
        .collect();
    assert_eq!(origins.len(), 2, "{path}");
    assert!(
        origins[0].starts_with("graph-data/drugs/olaparib.toml:"),
        "{origins:?}"
    );
    assert!(
        origins[1].starts_with("tests/kgx-overlay/edges.tsv:2:"),
        "{origins:?}"
    );
    // The curated graph alone has no such node.
    let out = run(&["query", question]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn overlay_nodes_match_ours_by_id_and_by_declared_xref() {
    let plus = format!("+{OVERLAY}");
    // By id: MBCKG:olaparib brings an alias.
    let card = json(&["--data", &plus, "query", "show AZD2281", "--format", "json"]);
    let head = card["notes"][0].as_str().unwrap_or_default();
    assert!(head.starts_with("olaparib (drug"), "{head}");
    // By xref: the variant is our biomarker, under our kind, with its name as an alias.
    let card = json(&[
        "--data",
        &plus,
        "query",
        "show BRCA1 pathogenic variant",
        "--format",
        "json",
    ]);
    let head = card["notes"][0].as_str().unwrap_or_default();
    assert!(head.starts_with("BRCA1 mutation (biomarker"), "{head}");
    // Without the overlay, the curated graph alone has no gene.
    let out = run(&["query", "genes"]);
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn the_show_card_and_why_name_the_graph_of_each_statement() {
    let plus = format!("+{OVERLAY}");
    let why = json(&[
        "--data",
        &plus,
        "query",
        "why biomarkers is sequence variant of HGNC:1100",
        "--format",
        "json",
    ]);
    let cells = &why["rows"][0]["cells"];
    let last = cells
        .as_array()
        .and_then(|c| c.last())
        .and_then(Value::as_str);
    assert!(
        last.is_some_and(|a| a.starts_with("tests/kgx-overlay/edges.tsv:2:")),
        "{why}"
    );
    let card = json(&[
        "--data",
        &plus,
        "query",
        "show BRCA1 mutation",
        "--format",
        "json",
    ]);
    let at = card["columns"]
        .as_array()
        .and_then(|c| c.iter().position(|c| c == "at"))
        .expect("an `at` column");
    let ats: Vec<&str> = card["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["cells"][at].as_str())
        .collect();
    assert!(
        ats.iter()
            .any(|a| a.starts_with("tests/kgx-overlay/edges.tsv:")),
        "{ats:?}"
    );
    assert!(ats.iter().any(|a| a.starts_with("graph-data/")), "{ats:?}");
}

#[test]
fn data_given_twice_lays_the_second_over_the_first() {
    let dir = temp("curated-base");
    let dir_s = dir.to_string_lossy().into_owned();
    ok(&["export", "--format", "kgx", "-o", &dir_s]);
    assert_eq!(
        names(&[&dir_s, OVERLAY], "path from olaparib to HGNC:1100"),
        ["2"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
