//! Version diffs: each directory under tests/diff-fixtures/ holds an `old/` and a `new/` graph-data
//! directory that differ in one way. The diff must name that difference and nothing else; its
//! table is snapshotted.

use std::path::Path;

use mbckg::diff::{diff, Diff, FieldValue};
use mbckg::load;

const FIXTURES: &str = "tests/diff-fixtures";

/// The diff between a fixture's two versions (paths relative to the package root, where cargo
/// runs tests, so origins in snapshots are stable).
fn case(name: &str) -> Diff {
    let load = |side: &str| {
        let dir = format!("{FIXTURES}/{name}/{side}");
        load::load_dir(Path::new(&dir)).unwrap_or_else(|e| panic!("{dir} loads: {e:#?}"))
    };
    diff(&load("old"), &load("new"))
}

/// (field, before, after) of every change of the one changed statement.
fn statement_changes(d: &Diff) -> Vec<(&str, String, String)> {
    assert_eq!(d.statements_changed.len(), 1, "{}", d.render_table());
    d.statements_changed[0]
        .changes
        .iter()
        .map(|c| (c.field, c.before.to_string(), c.after.to_string()))
        .collect()
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_string())
}

#[test]
fn every_fixture_differs_and_loads() {
    let mut names: Vec<String> = std::fs::read_dir(FIXTURES)
        .expect("fixtures exist")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let d = case(&name);
        assert_eq!(d.is_empty(), name == "moved-only", "{name}");
    }
}

#[test]
fn moving_a_statement_in_its_file_is_no_change() {
    let d = case("moved-only");
    assert!(d.is_empty());
    assert_eq!(d.render_table(), "no differences\n");
}

#[test]
fn node_added() {
    let d = case("node-added");
    let ids: Vec<&str> = d.nodes_added.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["her3"]);
    assert!(d.nodes_removed.is_empty() && d.nodes_changed.is_empty());
    assert!(d.statements_added.is_empty() && d.statements_removed.is_empty());
    insta::assert_snapshot!("node_added", d.render_table());
}

#[test]
fn node_removed() {
    let d = case("node-removed");
    let ids: Vec<&str> = d.nodes_removed.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["esr1"]);
    assert!(d.nodes_added.is_empty() && d.nodes_changed.is_empty());
    insta::assert_snapshot!("node_removed", d.render_table());
}

#[test]
fn node_changed_lists_name_aliases_and_xrefs() {
    let d = case("node-changed");
    assert_eq!(d.nodes_changed.len(), 1);
    let c = &d.nodes_changed[0];
    assert_eq!(c.new.id, "her2");
    let fields: Vec<&str> = c.changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, ["name", "aliases", "xrefs"]);
    assert_eq!(
        (&c.changes[0].before, &c.changes[0].after),
        (&text("HER2"), &text("HER2/neu"))
    );
    insta::assert_snapshot!("node_changed", d.render_table());
}

#[test]
fn statement_added() {
    let d = case("statement-added");
    assert_eq!(d.statements_added.len(), 1);
    let st = &d.statements_added[0];
    assert_eq!(
        (
            st.subject.as_str(),
            st.relation.as_str(),
            st.object.as_str()
        ),
        ("x", "treats", "her2-positive")
    );
    assert_eq!(st.qualifiers.line.map(|v| v.as_str()), Some("later"));
    assert!(d.statements_removed.is_empty() && d.statements_changed.is_empty());
    insta::assert_snapshot!("statement_added", d.render_table());
}

#[test]
fn statement_removed() {
    let d = case("statement-removed");
    assert_eq!(d.statements_removed.len(), 1);
    assert_eq!(d.statements_removed[0].relation.as_str(), "targets");
    assert!(d.statements_added.is_empty() && d.statements_changed.is_empty());
    insta::assert_snapshot!("statement_removed", d.render_table());
}

#[test]
fn a_new_line_of_therapy_is_another_statement() {
    // The line is part of what a statement claims: first line and second line are two claims.
    let d = case("line-changed");
    assert_eq!(d.statements_removed.len(), 1);
    assert_eq!(d.statements_added.len(), 1);
    assert_eq!(
        d.statements_removed[0].qualifiers.line.map(|v| v.as_str()),
        Some("first")
    );
    assert_eq!(
        d.statements_added[0].qualifiers.line.map(|v| v.as_str()),
        Some("second")
    );
    assert!(d.statements_changed.is_empty());
    insta::assert_snapshot!("line_changed", d.render_table());
}

#[test]
fn evidence_changed() {
    let d = case("evidence-changed");
    assert_eq!(
        statement_changes(&d),
        [(
            "evidence",
            "\"fda-approved\"".to_string(),
            "\"standard-option\"".to_string()
        )]
    );
    assert!(d.statements_added.is_empty() && d.statements_removed.is_empty());
    insta::assert_snapshot!("evidence_changed", d.render_table());
}

#[test]
fn source_and_section_changed() {
    let d = case("source-changed");
    let fields: Vec<&str> = statement_changes(&d).into_iter().map(|c| c.0).collect();
    assert_eq!(fields, ["source", "section"]);
    let c = &d.statements_changed[0];
    assert_eq!(c.changes[0].before, text("page"));
    assert_eq!(c.changes[0].after, text("background"));
    assert_eq!(c.changes[1].after, text("Pharmacology"));
    insta::assert_snapshot!("source_changed", d.render_table());
}

#[test]
fn note_changed() {
    let d = case("note-changed");
    let changes = statement_changes(&d);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].0, "note");
    assert_eq!(d.statements_changed[0].new.relation.as_str(), "targets");
    insta::assert_snapshot!("note_changed", d.render_table());
}

#[test]
fn a_condition_added_is_a_change_of_the_statement() {
    let d = case("qualifier-changed");
    assert_eq!(
        statement_changes(&d),
        [(
            "condition",
            "(none)".to_string(),
            "\"after a taxane\"".to_string()
        )]
    );
    insta::assert_snapshot!("qualifier_changed", d.render_table());
}

#[test]
fn json_lists_each_group_and_change() {
    let d = case("evidence-changed");
    let v = d.to_json();
    assert_eq!(v["summary"]["statements_changed"], 1);
    assert_eq!(v["statements"]["added"].as_array().map(Vec::len), Some(0));
    let change = &v["statements"]["changed"][0];
    assert_eq!(change["identity"], "x —treats→ her2-positive [line: first]");
    assert_eq!(change["changes"][0]["field"], "evidence");
    assert_eq!(change["changes"][0]["before"], "fda-approved");
    assert_eq!(change["changes"][0]["after"], "standard-option");
    assert_eq!(change["new"]["evidence"], "standard-option");
    let d = case("node-added");
    assert_eq!(d.to_json()["nodes"]["added"][0]["id"], "her3");
}

#[test]
fn a_diff_is_symmetric() {
    // old → new and new → old swap added and removed, and before and after.
    let load = |side: &str| {
        load::load_dir(Path::new(&format!("{FIXTURES}/source-changed/{side}"))).expect("loads")
    };
    let (old, new) = (load("old"), load("new"));
    let back = diff(&new, &old);
    let forth = diff(&old, &new);
    assert_eq!(
        back.statements_changed[0].changes[0].before,
        forth.statements_changed[0].changes[0].after
    );
    let d = case("node-added");
    let reverse = diff(
        &load::load_dir(Path::new(&format!("{FIXTURES}/node-added/new"))).expect("loads"),
        &load::load_dir(Path::new(&format!("{FIXTURES}/node-added/old"))).expect("loads"),
    );
    assert_eq!(reverse.nodes_removed, d.nodes_added);
}
