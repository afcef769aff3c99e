//! The prepared shipped graph (`graph-data/prepared.mbckg`) is the graph its TOML builds: same
//! hash, same bytes, same answers. `MBCKG_PREPARE=1 cargo test --test prepared` writes it anew
//! (after a change to graph-data or to the store's layout); then build again and commit it.

use mbckg::graph::KnowledgeGraph;
use mbckg::load::prepared;

fn built() -> KnowledgeGraph {
    KnowledgeGraph::new(mbckg::load::load_embedded().expect("shipped graph"))
}

#[test]
fn the_prepared_graph_is_the_one_its_toml_builds() {
    let fresh = prepared::make(&built(), mbckg::load::embedded_hash());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(prepared::PREPARED_PATH);
    if std::env::var_os("MBCKG_PREPARE").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).expect("write the prepared graph");
        return;
    }
    assert!(
        prepared::PREPARED.0 == fresh[..],
        "{} is not the graph graph-data builds (graph-data or the snapshot layout changed): \
         run `MBCKG_PREPARE=1 cargo test --test prepared`, build again and commit the file",
        prepared::PREPARED_PATH
    );
    assert!(mbckg::load::prepared_embedded().is_some());
}

#[test]
fn a_prepared_file_from_other_toml_is_not_used() {
    let bytes: &'static [u8] = prepared::PREPARED.0.to_vec().leak();
    let hash = mbckg::load::embedded_hash();
    assert!(prepared::open(bytes, hash ^ 1).is_none());
    assert!(prepared::open(&bytes[..4], hash).is_none());
    // The hash covers each file's path and text: moving a byte between them changes it.
    let a = prepared::hash_files([("a.toml", "xy")]);
    assert_ne!(a, prepared::hash_files([("a.tomlx", "y")]));
    assert_ne!(a, prepared::hash_files([("a.toml", "xy"), ("", "")]));
}

#[test]
fn the_prepared_graph_answers_as_the_toml_does() {
    let Some(prepared) = mbckg::load::prepared_embedded() else {
        panic!("the prepared graph is stale: see the_prepared_graph_is_the_one_its_toml_builds");
    };
    let toml = built();
    for q in [
        "drugs targeting HER2 with cardiac monitoring",
        "show trastuzumab",
        "why drugs requiring PIK3CA mutation",
        "count drugs grouped by class",
        "path from olaparib to BRCA1",
        "what should not be combined with chemotherapy",
    ] {
        let a = mbckg::execute(q, &prepared).map(|a| a.map(|a| a.result));
        let b = mbckg::execute(q, &toml).map(|a| a.map(|a| a.result));
        assert_eq!(a, b, "{q}");
    }
    assert_eq!(prepared.sources(), toml.sources());
    assert_eq!(prepared.kind_counts(), toml.kind_counts());
    assert_eq!(prepared.relation_counts(), toml.relation_counts());
}
