//! Each lint rule fires on a small fixture made to break it, and stays quiet on a clean graph. A
//! fixture is the shared base (tests/lint-base/: the sources and classes every fixture needs) plus
//! the files of tests/lint-fixtures/<rule-id>/, put together in memory. The shipped graph passes
//! with no error and no unexplained warning.

use std::path::Path;

use mbckg::audit::{self, Finding, Options, RULES};
use mbckg::diag::Severity;
use mbckg::graph::KnowledgeGraph;
use mbckg::load;

/// The base's files with the fixture's on top (a fixture may replace a base file).
fn fixture_files(dir: Option<&str>) -> Vec<(String, String)> {
    let read = |d: &Path| load::read_dir_files(d).unwrap_or_else(|e| panic!("{}", e[0].render()));
    let mut files = read(Path::new("tests/lint-base"));
    if let Some(dir) = dir {
        for (path, text) in read(&Path::new("tests/lint-fixtures").join(dir)) {
            files.retain(|(p, _)| *p != path);
            files.push((path, text));
        }
    }
    files.sort();
    files
}

fn findings_in(dir: Option<&str>, opts: &Options) -> Vec<Finding> {
    let d = load::load_files(&fixture_files(dir))
        .unwrap_or_else(|e| panic!("{dir:?} loads: {}", e[0].render()));
    audit::run(&KnowledgeGraph::new(d), opts)
}

fn findings(dir: &str, opts: &Options) -> Vec<Finding> {
    findings_in(Some(dir), opts)
}

/// The base alone breaks two rules by construction (its classes are mentioned by no statement;
/// one section was updated after the page's date); every other rule stays quiet on it.
#[test]
fn the_rules_a_graph_does_not_break_stay_quiet() {
    let opts = Options {
        stale_before: Some("2000-01".into()),
    };
    let found = findings_in(None, &opts);
    let rules: std::collections::BTreeSet<&str> = found.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["orphan-node", "section-updated-after-source"],
        "{found:#?}"
    );
    assert_eq!(
        found.len(),
        3,
        "two orphan classes, one late section: {found:#?}"
    );
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
