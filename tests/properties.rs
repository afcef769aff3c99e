//! Property tests over generated input (issue 12): generated statements print → parse → print
//! the same; generated graph-data loads or reports every problem with a file and line; a
//! generated graph exported to KGX reads back as the same graph; mangled KGX TSV never makes
//! the reader panic.

use std::sync::LazyLock;

use mbckg::graph::KnowledgeGraph;
use mbckg::load;
use mbckg::load::kgx::KgxOptions;
use mbckg::model::{Dataset, Statement};
use mbckg::output::export::{self, ExportFormat};
use mbckg::query::syntax;
use proptest::prelude::*;

/// A KGX graph read as one graph, its warnings dropped.
fn parse_kgx(
    nodes: &str,
    edges: &str,
) -> Result<mbckg::model::Dataset, Vec<mbckg::diag::Diagnostic>> {
    mbckg::load::kgx::parse_kgx(nodes, edges, KgxOptions::default()).map(|l| l.dataset)
}

// ---------------------------------------------------------------------------------------------
// Statements

/// Words a generated statement is made of: kinds, relation phrases, names (some needing quotes).
const WORDS: &[&str] = &[
    "drugs",
    "side effects",
    "targeting HER2",
    "causing diarrhea",
    "treating triple-negative",
    "oral drugs",
    "cardiac monitoring",
    "in class \"CDK4/6 inhibitor\"",
    "requiring \"ESR1 mutation\"",
    "\"a \\\"quoted\\\" and name\"",
    "Herceptin",
];

/// A generated expression: words joined by connectives, with `not` and parentheses.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(WORDS).prop_map(String::from);
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(&["and", "or", "with", "without"][..]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

/// A generated statement: an opener, an expression and modifiers.
fn statement() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["", "count ", "why ", "explain ", "explain count "][..]),
        expr(),
        prop::option::of(prop::sample::select(
            &[
                "line = second",
                "evidence != fda-approved",
                "frequency = common",
            ][..],
        )),
        prop::option::of(prop::sample::select(
            &[
                "grouped by class",
                "sorted by drug desc",
                "limit 3",
                "as json",
            ][..],
        )),
    )
        .prop_map(|(opener, e, cond, modifier)| {
            let mut s = format!("{opener}{e}");
            if let Some(c) = cond {
                s.push_str(&format!(" where {c}"));
            }
            if let Some(m) = modifier {
                s.push_str(&format!(" {m}"));
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_statements_print_parse_print_the_same(text in statement()) {
        if let Ok(Some(stmt)) = syntax::parse(&text) {
            let printed = stmt.to_string();
            let again = syntax::parse(&printed);
            prop_assert!(again.is_ok(), "`{}` (from `{}`) does not parse: {:?}", printed, text, again);
            if let Ok(Some(s2)) = again {
                prop_assert_eq!(s2.to_string(), printed);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Graph data

/// Text for a TOML basic string: quotes, backslashes and control characters escaped.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Free text for names and notes, with the characters exports must escape.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"'<>&|;#/*\\\\\t\né\u{1F600}-]{1,24}".prop_map(|s| {
        let t = s.trim().to_string();
        if t.is_empty() {
            "x".to_string()
        } else {
            t
        }
    })
}

const EVIDENCE: &[&str] = &[
    "fda-approved",
    "standard-option",
    "may-be-option",
    "background",
];

/// One generated drug: a name, and statements (target index, evidence, note).
type GenDrug = (String, Vec<(usize, usize, String)>);

/// The graph-data files of a generated graph: `targets` target names, drugs with statements.
fn files_of(
    targets: &[String],
    drugs: &[GenDrug],
    breakage: Option<(usize, &str)>,
) -> Vec<(String, String)> {
    let mut files = vec![(
        "sources.toml".to_string(),
        "[[source]]\nid = \"s\"\ntitle = \"A source\"\n[[source.section]]\nheading = \"H\"\n"
            .to_string(),
    )];
    let mut t = String::new();
    for (i, name) in targets.iter().enumerate() {
        t.push_str(&format!(
            "[[node]]\nid = \"t{i}\"\nname = {}\n\n",
            toml_str(&format!("{name} {i}"))
        ));
    }
    files.push(("targets.toml".to_string(), t));
    for (d, (name, statements)) in drugs.iter().enumerate() {
        let mut text = format!(
            "id = \"d{d}\"\nname = {}\n",
            toml_str(&format!("{name} d{d}"))
        );
        for (k, (target, evidence, note)) in statements.iter().enumerate() {
            let mut object = format!("t{}", target % targets.len());
            let mut relation = "targets".to_string();
            let mut evidence = EVIDENCE[evidence % EVIDENCE.len()].to_string();
            if let Some((at, how)) = breakage {
                if at == d * 7 + k {
                    match how {
                        "object" => object.push_str("-missing"),
                        "relation" => relation = "targetz".into(),
                        _ => evidence = "proven".into(),
                    }
                }
            }
            text.push_str(&format!(
                "\n[[statement]]\nrelation = \"{relation}\"\nobject = \"{object}\"\nsource = \"s\"\nsection = \"H\"\nevidence = \"{evidence}\"\nnote = {}\n",
                toml_str(note)
            ));
        }
        files.push((format!("drugs/d{d}.toml"), text));
    }
    files
}

fn graph_parts() -> impl Strategy<Value = (Vec<String>, Vec<GenDrug>)> {
    (
        prop::collection::vec(text(), 1..5),
        prop::collection::vec(
            (
                text(),
                prop::collection::vec((0usize..10, 0usize..10, text()), 0..4),
            ),
            1..5,
        ),
    )
}

/// Nodes without their origins, in a fixed order.
fn nodes_of(d: &Dataset) -> Vec<(String, String, Vec<String>)> {
    let mut v: Vec<_> = d
        .nodes
        .iter()
        .map(|n| (n.id.clone(), n.name.clone(), n.aliases.clone()))
        .collect();
    v.sort();
    v
}

fn statements_of(d: &Dataset) -> Vec<Statement> {
    let mut v = d.statements.clone();
    v.sort_by_key(export::StatementKey::of);
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_graphs_read_back_the_same_from_their_kgx_export((targets, drugs) in graph_parts()) {
        let original = load::load_files(&files_of(&targets, &drugs, None))
            .unwrap_or_else(|e| panic!("generated data is valid: {e:#?}"));
        let g = KnowledgeGraph::new(original.clone());
        let files = export::export(&g, None, ExportFormat::Kgx);
        let back = parse_kgx(&files[0].1, &files[1].1)
            .unwrap_or_else(|e| panic!("the export reads back: {e:#?}"));
        prop_assert_eq!(nodes_of(&back), nodes_of(&original));
        prop_assert_eq!(statements_of(&back), statements_of(&original));
    }

    #[test]
    fn broken_generated_data_reports_each_problem_with_a_file_and_line(
        (targets, drugs) in graph_parts(),
        at in 0usize..35,
        how in prop::sample::select(&["object", "relation", "evidence"][..]),
    ) {
        match load::load_files(&files_of(&targets, &drugs, Some((at, how)))) {
            Ok(_) => {}
            Err(diags) => {
                prop_assert!(!diags.is_empty());
                for d in &diags {
                    prop_assert!(d.origin.file.starts_with("drugs/d"), "{:?}", d);
                    prop_assert!(d.origin.line > 0, "{:?}", d);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// KGX

/// The shipped graph as KGX TSV, to mangle.
static SHIPPED_KGX: LazyLock<(String, String)> = LazyLock::new(|| {
    let g = KnowledgeGraph::new(load::load_embedded().expect("the shipped graph loads"));
    let files = export::export(&g, None, ExportFormat::Kgx);
    // The first 60 lines of each are enough to reach every column and keep cases quick.
    let cut = |t: &str| t.lines().take(60).collect::<Vec<_>>().join("\n") + "\n";
    (cut(&files[0].1), cut(&files[1].1))
});

const KGX_PIECES: &[&str] = &[
    "\t",
    "\n",
    "\r\n",
    "biolink:",
    "|",
    "\"",
    "\\",
    "\u{feff}",
    "é",
    "id\tsubject\n",
    "",
];

fn mangle(text: &str, cuts: &[(usize, usize, usize)]) -> String {
    let mut t: Vec<char> = text.chars().collect();
    for &(at, len, how) in cuts {
        let at = at % (t.len() + 1);
        let end = (at + len).min(t.len());
        match how % 3 {
            0 => {
                t.drain(at..end);
            }
            1 => {
                let piece: Vec<char> = t[at..end].to_vec();
                t.splice(at..at, piece);
            }
            _ => {
                t.splice(at..at, KGX_PIECES[len % KGX_PIECES.len()].chars());
            }
        }
    }
    t.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mangled_kgx_never_makes_the_reader_panic(
        nodes_cuts in prop::collection::vec((0usize..20_000, 0usize..40, 0usize..3), 0..4),
        edges_cuts in prop::collection::vec((0usize..40_000, 0usize..40, 0usize..3), 0..4),
    ) {
        let (nodes, edges) = &*SHIPPED_KGX;
        let (nodes, edges) = (mangle(nodes, &nodes_cuts), mangle(edges, &edges_cuts));
        match parse_kgx(&nodes, &edges) {
            Ok(d) => {
                let g = KnowledgeGraph::new(d);
                let _ = mbckg::execute("count drugs", &g);
            }
            Err(diags) => {
                for d in &diags {
                    prop_assert!(!d.origin.file.is_empty() && !d.message.is_empty(), "{:?}", d);
                }
            }
        }
    }
}
