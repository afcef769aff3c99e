//! The KGX export against the Biolink table (`biolink/terms.tsv`, generated from the
//! `biolink-model` package by `biolink/make_table.py`): every category is a concrete Biolink class,
//! every predicate a Biolink predicate, every statement's subject and object within its
//! predicate's domain and range, every edge says how it was made, negative statements are
//! negated, and the `MBCKG:` prefix is declared.
//!
//! The export is read as files, the way a KGX tool reads it; the table is parsed here on its own,
//! not through the library, so a slip in either shows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

/// One row of the Biolink table.
struct Term {
    flags: Vec<String>,
    ancestors: Vec<String>,
    domain: Option<String>,
    range: Option<String>,
}

/// The table's rows of one kind (`class`, `predicate`, `enum`), by CURIE.
fn table(kind: &str) -> HashMap<String, Term> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("biolink/terms.tsv");
    let text = std::fs::read_to_string(path).expect("biolink/terms.tsv");
    text.lines()
        .filter(|l| l.starts_with(&format!("{kind}\t")))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let list = |s: &str| -> Vec<String> {
                s.split(['|', ','])
                    .filter(|x| !x.is_empty() && *x != "-")
                    .map(String::from)
                    .collect()
            };
            let opt = |i: usize| f.get(i).filter(|s| !s.is_empty()).map(|s| s.to_string());
            let term = Term {
                flags: list(f[2]),
                ancestors: list(f.get(3).copied().unwrap_or("")),
                domain: opt(4),
                range: opt(5),
            };
            (f[1].to_string(), term)
        })
        .collect()
}

/// A KGX TSV file as rows of (column → value).
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

struct Export {
    nodes: Vec<BTreeMap<String, String>>,
    edges: Vec<BTreeMap<String, String>>,
    metadata: serde_json::Value,
}

fn export() -> Export {
    // One directory per call: the tests run in parallel.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mbckg-biolink-{}-{n}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_mbckg"))
        .args(["export", "--format", "kgx", "-o"])
        .arg(&dir)
        .output()
        .expect("mbckg runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read =
        |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let export = Export {
        nodes: rows(&read("nodes.tsv")),
        edges: rows(&read("edges.tsv")),
        metadata: serde_json::from_str(&read("content_metadata.json")).expect("JSON"),
    };
    let _ = std::fs::remove_dir_all(&dir);
    export
}

/// A class, or one of its ancestors, is `wanted`.
fn within(classes: &HashMap<String, Term>, class: &str, wanted: &str) -> bool {
    class == wanted
        || classes
            .get(class)
            .is_some_and(|t| t.ancestors.iter().any(|a| a == wanted))
}

#[test]
fn every_category_is_a_concrete_biolink_class() {
    let classes = table("class");
    let ex = export();
    let used: BTreeSet<&str> = ex.nodes.iter().map(|n| n["category"].as_str()).collect();
    for category in used {
        let term = classes.get(category).unwrap_or_else(|| {
            panic!("{category} is not in biolink/terms.tsv; add it to make_table.py")
        });
        for flag in ["mixin", "abstract", "deprecated"] {
            assert!(
                !term.flags.iter().any(|f| f == flag),
                "{category} is {flag}"
            );
        }
    }
}

#[test]
fn every_predicate_is_a_biolink_predicate_and_no_meaning_is_lost() {
    let predicates = table("predicate");
    let ex = export();
    for e in &ex.edges {
        let p = e["predicate"].as_str();
        let term = predicates
            .get(p)
            .unwrap_or_else(|| panic!("{p} is not in biolink/terms.tsv; add it to make_table.py"));
        assert!(
            !term.flags.iter().any(|f| f == "deprecated"),
            "{p} is deprecated"
        );
        // `treats` is a mixin in Biolink 4.x, and still the predicate Biolink describes for an
        // approved or established treatment; every other predicate we write is concrete.
        if p != "biolink:treats" {
            assert!(!term.flags.iter().any(|f| f == "mixin"), "{p} is a mixin");
        }
        assert_ne!(p, "biolink:related_to", "{e:?}");
        assert!(e["original_predicate"].starts_with("MBCKG:"), "{e:?}");
    }
}

#[test]
fn every_statement_is_within_its_predicates_domain_and_range() {
    let (classes, predicates) = (table("class"), table("predicate"));
    let ex = export();
    let category: HashMap<&str, &str> = ex
        .nodes
        .iter()
        .map(|n| (n["id"].as_str(), n["category"].as_str()))
        .collect();
    let mut broken = Vec::new();
    for e in &ex.edges {
        let term = &predicates[e["predicate"].as_str()];
        let (s, o) = (
            category[e["subject"].as_str()],
            category[e["object"].as_str()],
        );
        if let Some(d) = &term.domain {
            if !within(&classes, s, d) {
                broken.push(format!(
                    "{} {} {}: {s} is not a {d}",
                    e["subject"], e["predicate"], e["object"]
                ));
            }
        }
        if let Some(r) = &term.range {
            if !within(&classes, o, r) {
                broken.push(format!(
                    "{} {} {}: {o} is not a {r}",
                    e["subject"], e["predicate"], e["object"]
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} statements break domain or range: {:#?}",
        broken.len(),
        &broken[..broken.len().min(10)]
    );
}

#[test]
fn every_edge_says_how_it_was_made_and_where_it_comes_from() {
    let values = table("enum");
    let ex = export();
    for e in &ex.edges {
        assert_eq!(e["knowledge_level"], "knowledge_assertion");
        assert_eq!(e["agent_type"], "manual_agent");
        for (column, enumeration) in [
            ("knowledge_level", "KnowledgeLevelEnum"),
            ("agent_type", "AgentTypeEnum"),
        ] {
            assert!(
                values.contains_key(&format!("{enumeration}:{}", e[column])),
                "{e:?}"
            );
        }
        assert!(
            e["primary_knowledge_source"].starts_with("infores:"),
            "{e:?}"
        );
        assert!(matches!(e["negated"].as_str(), "true" | "false"), "{e:?}");
    }
    // Every infores id we mint is declared, as not registered.
    let declared: BTreeSet<&str> = ex.metadata["knowledge_sources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    for e in &ex.edges {
        assert!(
            declared.contains(e["primary_knowledge_source"].as_str()),
            "{e:?}"
        );
    }
}

#[test]
fn negative_statements_are_negated_not_positive() {
    let ex = export();
    let negative: Vec<_> = ex
        .edges
        .iter()
        .filter(|e| e["original_predicate"] == "MBCKG:not_combined_with")
        .collect();
    assert!(!negative.is_empty());
    for e in &negative {
        assert_eq!(e["negated"], "true", "{e:?}");
    }
    let negated = ex.edges.iter().filter(|e| e["negated"] == "true").count();
    assert_eq!(negated, negative.len());
}

#[test]
fn our_prefix_is_declared_and_qualifiers_have_their_own_columns() {
    let ex = export();
    assert_eq!(ex.metadata["curie_map"]["MBCKG"], "urn:mbckg:");
    assert!(ex.nodes.iter().all(|n| n["id"].starts_with("MBCKG:")));
    let columns: BTreeSet<&String> = ex.edges[0].keys().collect();
    assert!(!columns.iter().any(|c| c.as_str() == "qualifiers"));
    for q in [
        "line",
        "frequency",
        "risk",
        "population",
        "with",
        "schedule",
        "min_count",
        "condition",
    ] {
        assert!(columns.contains(&format!("mbckg_{q}")), "mbckg_{q}");
    }
    // Two statements that differ only in a qualifier stay two rows with different values.
    let second_line = ex
        .edges
        .iter()
        .filter(|e| e["mbckg_line"] == "second")
        .count();
    assert!(second_line > 0);
}
