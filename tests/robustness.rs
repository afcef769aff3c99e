//! Property tests: no query, however random or mangled, makes the parser, planner or evaluator
//! panic; each gives a result or an error. And print → parse → print is stable.

use std::sync::LazyLock;

use mbckg::graph::KnowledgeGraph;
use mbckg::load;
use mbckg::query::syntax;
use proptest::prelude::*;

static GRAPH: LazyLock<KnowledgeGraph> =
    LazyLock::new(|| KnowledgeGraph::new(load::load_embedded().expect("the shipped graph loads")));

/// Queries the language should accept, to mutate.
const SEEDS: &[&str] = &[
    "drugs targeting HER2 with cardiac monitoring",
    "drugs targeting HER2 without cardiac monitoring",
    "oral drugs causing diarrhea and not causing neutropenia",
    "drugs in class \"CDK4/6 inhibitor\"",
    "count drugs causing diarrhea grouped by class",
    "show Herceptin",
    "path from olaparib to BRCA1",
    "paths from olaparib to BRCA1 max 3",
    "why trastuzumab requires echocardiogram",
    "explain drugs targeting HER2",
    "compare palbociclib, ribociclib, abemaciclib",
    "drugs treating HER2-positive where line = second",
    "(drugs causing rash or causing diarrhea) and not oral drugs sorted by drug desc limit 3 as json",
    "search cardiac",
    "side effects of trastuzumab",
];

/// Words and symbols that mutations splice in.
const PIECES: &[&str] = &[
    "and",
    "or",
    "not",
    "with",
    "without",
    "(",
    ")",
    "\"",
    ",",
    "where",
    "=",
    "!=",
    "as",
    "limit",
    "grouped by",
    "sorted by",
    "drugs",
    "HER2",
    "#",
    "\n",
    "é",
    "😀",
    "\\",
    "targeting",
    "show",
    "path from",
    "to",
    "max 99999999999999999999999",
    "count",
    "explain explain",
    "",
];

fn mutate(seed: &str, cuts: &[(usize, usize)]) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for &(pos, piece) in cuts {
        let at = pos % (s.len() + 1);
        match piece % 3 {
            0 => {
                let p: Vec<char> = format!(" {} ", PIECES[piece % PIECES.len()])
                    .chars()
                    .collect();
                s.splice(at..at, p);
            }
            1 if !s.is_empty() => {
                s.remove(at.min(s.len() - 1));
            }
            _ => {
                let p: Vec<char> = PIECES[piece % PIECES.len()].chars().collect();
                s.splice(at..at, p);
            }
        }
    }
    s.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,80}") {
        let _ = mbckg::execute(&text, &GRAPH);
    }

    #[test]
    fn mutated_queries_never_panic(seed in 0..SEEDS.len(), cuts in proptest::collection::vec((0usize..200, 0usize..200), 0..6)) {
        let text = mutate(SEEDS[seed], &cuts);
        let _ = mbckg::execute(&text, &GRAPH);
    }

    #[test]
    fn printing_is_stable(seed in 0..SEEDS.len(), cuts in proptest::collection::vec((0usize..200, 0usize..200), 0..4)) {
        let text = mutate(SEEDS[seed], &cuts);
        if let Ok(Some(stmt)) = syntax::parse(&text) {
            let printed = stmt.to_string();
            let again = syntax::parse(&printed);
            prop_assert!(again.is_ok(), "canonical text `{}` of `{}` does not parse: {:?}", printed, text, again);
            if let Ok(Some(s2)) = again {
                prop_assert_eq!(s2.to_string(), printed);
            }
        }
    }
}

#[test]
fn huge_and_deep_inputs_are_refused_with_a_message() {
    for text in [
        "(".repeat(100_000),
        format!("{}drugs{}", "(".repeat(5_000), ")".repeat(5_000)),
        "not ".repeat(20_000) + "drugs",
        "drugs and ".repeat(10_000) + "drugs",
        "a".repeat(1 << 20),
        "\"".repeat(3),
    ] {
        let e = mbckg::execute(&text, &GRAPH).expect_err("refused");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn every_shipped_name_can_be_typed() {
    // Each name and alias works as written in `show`, quoted or not (when it holds no keyword).
    for (label, node) in GRAPH.labels() {
        let quoted = format!(
            "show \"{}\"",
            label.replace('\\', "\\\\").replace('"', "\\\"")
        );
        let answer =
            mbckg::execute(&quoted, &GRAPH).unwrap_or_else(|e| panic!("{quoted}: {}", e.message));
        assert!(answer.is_some());
        let plain = format!("show {label}");
        if let Ok(Some(a)) = mbckg::execute(&plain, &GRAPH) {
            assert!(a.result.notes[0].contains(GRAPH.node(node).id), "{plain}");
        }
    }
}

/// Shipped data files to mutate for the loader.
fn shipped() -> Vec<(String, String)> {
    mbckg::load::embedded_files()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A data directory with one file mangled (bytes cut, spliced or duplicated) never makes the
    /// loader panic: it loads or reports problems, each with a place.
    #[test]
    fn mangled_data_files_never_panic(file in 0usize..1000, cuts in proptest::collection::vec((0usize..100_000, 0usize..64, 0usize..4), 1..5)) {
        let mut files = shipped();
        let i = file % files.len();
        let mut text: Vec<char> = files[i].1.chars().collect();
        for (at, len, how) in cuts {
            let at = at % (text.len() + 1);
            let end = (at + len).min(text.len());
            match how {
                0 => { text.drain(at..end); }
                1 => { let piece: Vec<char> = text[at..end].to_vec(); text.splice(at..at, piece); }
                2 => { text.splice(at..at, "\"]]}[[=\n#\\".chars()); }
                _ => { text.splice(at..at, "relation = \"x\"\nobject = \"".chars()); }
            }
        }
        files[i].1 = text.into_iter().collect();
        match mbckg::load::load_files(&files) {
            Ok(d) => { let _ = KnowledgeGraph::new(d); }
            Err(diags) => prop_assert!(diags.iter().all(|d| !d.origin.file.is_empty() && !d.message.is_empty())),
        }
    }
}
