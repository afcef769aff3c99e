//! A third-party KGX graph (tests/kgx-third-party/) loads through `--data`, and the kinds and
//! relations it brings that our lexicon does not know are queryable by their own names.
//! (Its own process: imported names are registered for the life of the process.)

use std::path::Path;

use mbckg::graph::KnowledgeGraph;
use mbckg::load;
use mbckg::load::kgx::{parse_kgx, KgxOptions};
use mbckg::output::export::{export, ExportFormat};

fn graph() -> KnowledgeGraph {
    KnowledgeGraph::new(
        load::load_dir(Path::new("tests/kgx-third-party"))
            .unwrap_or_else(|e| panic!("{}", e[0].render())),
    )
}

fn names(g: &KnowledgeGraph, query: &str) -> Vec<String> {
    let answer = mbckg::execute(query, g)
        .unwrap_or_else(|e| panic!("{query}: {}", e.message))
        .expect("a statement");
    answer
        .result
        .rows
        .iter()
        .map(|r| r.cells[0].clone())
        .collect()
}

#[test]
fn imported_kinds_and_relations_answer_by_their_own_names() {
    let g = graph();
    assert_eq!(names(&g, "genes"), ["BRCA1", "BRCA2"]);
    assert_eq!(
        names(&g, "genes participates in DNA repair"),
        ["BRCA1", "BRCA2"]
    );
    assert_eq!(
        names(&g, "small molecules biolink:affects DNA repair"),
        ["olaparib"]
    );
    assert_eq!(
        names(&g, "genes with biological processes"),
        ["BRCA1", "BRCA2"]
    );
    // Our phrase for `treats` finds the imported `biolink:treats`, and synonyms resolve.
    assert_eq!(
        names(&g, "small molecules treating breast cancer"),
        ["olaparib", "talazoparib"]
    );
    assert_eq!(
        names(
            &g,
            "small molecules treating breast cancer and not Lynparza"
        ),
        ["talazoparib"]
    );
    let path = names(&g, "path from Lynparza to BRCA2");
    assert_eq!(path, ["2"]);
}

#[test]
fn an_imported_graph_round_trips_through_our_kgx() {
    let g = graph();
    let files = export(&g, None, ExportFormat::Kgx);
    let (nodes, edges) = (&files[0].1, &files[1].1);
    let again = KnowledgeGraph::new(
        parse_kgx(nodes, edges, KgxOptions::default())
            .expect("our own export reads back")
            .dataset,
    );
    assert_eq!(again.node_count(), 6);
    assert_eq!(again.statement_count(), 5);
    assert_eq!(export(&again, None, ExportFormat::Kgx), files);
}

#[test]
fn an_unknown_kind_is_counted_under_its_name() {
    let g = graph();
    let kinds: Vec<(String, usize)> = g
        .kind_counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.as_str().to_string(), n))
        .collect();
    assert!(
        kinds.contains(&("biolink:Gene".to_string(), 2)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("biolink:Disease".to_string(), 1)),
        "a biolink:Disease is a disease, not one of our subtypes: {kinds:?}"
    );
}

#[test]
fn two_graphs_in_one_process_never_see_each_others_words() {
    let imported = graph();
    assert!(!names(&imported, "genes").is_empty());
    let curated = KnowledgeGraph::new(load::load_embedded().expect("shipped graph"));
    let err = mbckg::execute("genes", &curated).expect_err("the curated graph has no genes");
    assert!(err.message.contains("genes"), "{}", err.message);
    // And the imported graph still knows them after the curated one was built.
    assert!(!names(&imported, "genes").is_empty());
}
