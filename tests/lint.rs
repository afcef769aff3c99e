//! Each lint rule fires on a small fixture made to break it (tests/lint-fixtures/<rule-id>/), and
//! the shipped graph passes with no error and no unexplained warning.

use std::path::Path;

use mbckg::audit::{self, Finding, Options, RULES};
use mbckg::diag::Severity;
use mbckg::graph::KnowledgeGraph;
use mbckg::load;

fn findings(dir: &str, opts: &Options) -> Vec<Finding> {
    let d = load::load_dir(&Path::new("tests/lint-fixtures").join(dir))
        .unwrap_or_else(|e| panic!("{dir} loads: {}", e[0].render()));
    audit::run(&KnowledgeGraph::new(d), opts)
}

#[test]
fn every_rule_fires_on_its_fixture() {
    let opts = Options {
        stale_before: Some("2024-01".into()),
    };
    for rule in RULES {
        let found = findings(rule.id, &opts);
        let hits: Vec<&Finding> = found.iter().filter(|f| f.rule == rule.id).collect();
        assert!(
            !hits.is_empty(),
            "rule {} did not fire on its fixture; got {found:#?}",
            rule.id
        );
        assert_eq!(hits[0].severity, rule.severity, "{}", rule.id);
        assert!(hits[0].origin.line > 0, "{} names a line", rule.id);
    }
}

#[test]
fn an_accepted_finding_is_info_with_its_reason() {
    let found = findings("accepted-finding", &Options::default());
    let f = found
        .iter()
        .find(|f| f.rule == "cardiac-side-effect-without-monitoring")
        .expect("still reported");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("The page names no test."));
}

#[test]
fn the_shipped_graph_has_no_error_and_no_unexplained_warning() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("loads"));
    let found = audit::run(&g, &Options::default());
    let bad: Vec<&Finding> = found
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_regimen_fact_is_looked_for_on_each_named_drug() {
    let found = findings("fact-not-on-drug", &Options::default());
    let hits: Vec<&Finding> = found
        .iter()
        .filter(|f| f.rule == "fact-not-on-drug")
        .collect();
    // x states the first-line treatment itself; y states it without the line.
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].subject, "y");
    assert_eq!(hits[0].about.as_deref(), Some("xy"));
}

#[test]
fn an_acceptance_can_name_the_regimen() {
    let found = findings("accepted-about", &Options::default());
    let f = found
        .iter()
        .find(|f| f.rule == "fact-not-on-drug")
        .expect("still reported");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("The page gives y no line of its own."));
}
