//! Exports: every format escapes every string (a hostile graph whose names hold quotes,
//! backslashes, newlines, `<`, `&`, `'`, Cypher comments, pipes and tabs), the SVG of a query's
//! subset is a well-formed drawing, and KGX TSV reads back into the very same graph.

use std::collections::BTreeSet;

use mbckg::graph::KnowledgeGraph;
use mbckg::load;
use mbckg::load::kgx::{self as kgx_read, KgxOptions};
use mbckg::model::{Dataset, Statement};
use mbckg::output::export::{self, ExportFormat, Subset};

// ---------------------------------------------------------------------------------------------
// The hostile graph

const SOURCES: &str = r#"
[[source]]
id = "s"
title = "A source"
[[source.section]]
heading = "H \"q\" <sec> & 'x' | y\tz \\ // c /* d */"
"#;

const TARGETS: &str = r#"
[[node]]
id = "her2"
name = "HER2 \"quoted\" <b>&amp; 'single'"
aliases = ["a|pipe", "tab\there", "back\\slash"]
xrefs = ["HGNC:3430|x"]
note = "note with\nnewline and // comment /* block */"
"#;

const POPULATIONS: &str = r#"
[[node]]
id = "men"
name = "men's \"group\"; a=b | c"
"#;

const DRUG_X: &str = r#"
id = "x"
name = "drug \"x\" \\ back\nline <lt> & amp 'apos' // x /* y */ | pipe \t tab"
aliases = ["X'; DROP", "cr\r\nlf"]

[[statement]]
relation = "targets"
object = "her2"
source = "s"
section = "H \"q\" <sec> & 'x' | y\tz \\ // c /* d */"
evidence = "background"
note = "note \"q\" \\ \n <a> & 'b' // x /* y */ | p \t t"
line = "first"
risk = "2|5%"
condition = "when a|b; c=d \"q\" \\"
"#;

const DRUG_Y: &str = r#"
id = "y"
name = "plain y"

[[statement]]
relation = "combined_with"
object = "x"
source = "s"
section = "H \"q\" <sec> & 'x' | y\tz \\ // c /* d */"
evidence = "may-be-option"
note = "]]> and --> and\r\n<!-- and ?>"
population = ["men"]
with = ["x"]
schedule = "every 3 weeks; or 'weekly'"
"#;

fn hostile_data() -> Dataset {
    let files: Vec<(String, String)> = [
        ("sources.toml", SOURCES),
        ("targets.toml", TARGETS),
        ("populations.toml", POPULATIONS),
        ("drugs/x.toml", DRUG_X),
        ("drugs/y.toml", DRUG_Y),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect();
    load::load_files(&files).expect("the hostile graph is valid data")
}

fn hostile() -> KnowledgeGraph {
    KnowledgeGraph::new(hostile_data())
}

/// Every string of the hostile graph that an export must carry intact.
fn hostile_strings() -> Vec<String> {
    let d = hostile_data();
    let mut v: Vec<String> = d.nodes.iter().map(|n| n.name.clone()).collect();
    v.extend(d.statements.iter().map(|s| s.provenance.note.clone()));
    v.push(d.sources[0].sections[0].heading.clone());
    v
}

/// The content of a one-file export.
fn one(g: &KnowledgeGraph, subset: Option<&Subset>, format: ExportFormat) -> String {
    let mut files = export::export(g, subset, format);
    assert_eq!(files.len(), 1, "{format} writes one file");
    files.remove(0).1
}

fn kgx(g: &KnowledgeGraph) -> (String, String) {
    let files = export::export(g, None, ExportFormat::Kgx);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["nodes.tsv", "edges.tsv", "content_metadata.json"]);
    (files[0].1.clone(), files[1].1.clone())
}

/// Reads our KGX back as one graph.
fn parse_kgx(nodes: &str, edges: &str) -> Result<Dataset, Vec<mbckg::diag::Diagnostic>> {
    kgx_read::parse_kgx(nodes, edges, KgxOptions::default()).map(|l| l.dataset)
}

#[test]
fn the_hostile_fixture_really_is_hostile() {
    let all = hostile_strings().concat();
    for needle in ["\"", "\\", "\n", "\t", "<", "&", "'", "//", "/*", "|", "\r"] {
        assert!(all.contains(needle), "fixture lacks {needle:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// DOT

/// The quoted strings of one DOT line, unescaped; an error if a quote is left open.
fn dot_strings(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        loop {
            match chars.next() {
                None => return Err(format!("unterminated string in {line:?}")),
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('\\') => s.push('\\'),
                    Some('"') => s.push('"'),
                    other => return Err(format!("unknown escape {other:?} in {line:?}")),
                },
                Some(c) => s.push(c),
            }
        }
        out.push(s.replace("&amp;", "&"));
    }
    Ok(out)
}

#[test]
fn dot_escapes_every_label() {
    let g = hostile();
    let dot = one(&g, None, ExportFormat::Dot);
    assert!(dot.starts_with("digraph mbckg {\n") && dot.ends_with("}\n"));
    // One line per node and per edge, plus four: no newline escapes a label.
    assert_eq!(
        dot.lines().count(),
        g.node_count() + g.statement_count() + 4,
        "{dot}"
    );
    let mut strings = BTreeSet::new();
    for line in dot.lines() {
        strings.extend(dot_strings(line).unwrap());
    }
    let d = hostile_data();
    for n in &d.nodes {
        // A CR LF in a name is shown as one line break.
        assert!(
            strings.contains(&n.name.replace("\r\n", "\n")),
            "{:?}",
            n.name
        );
    }
    assert!(strings.contains("targets") && strings.contains("combined_with"));
}

// ---------------------------------------------------------------------------------------------
// XML (SVG and GraphML): a small well-formedness checker

/// Checks that `doc` is one well-formed XML element (after an optional declaration): tags
/// balanced, attributes quoted and unique, `<` and `&` only as markup or valid references. Returns
/// every text run and attribute value, unescaped.
fn check_xml(doc: &str) -> Result<Vec<String>, String> {
    let mut rest = doc;
    if let Some(after) = rest.strip_prefix("<?xml") {
        let end = after.find("?>").ok_or("unterminated declaration")?;
        rest = &after[end + 2..];
    }
    let mut strings = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    loop {
        let lt = rest.find('<');
        let text = &rest[..lt.unwrap_or(rest.len())];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root element: {text:?}"));
        }
        if !text.is_empty() {
            strings.push(unescape_xml(text)?);
        }
        let Some(lt) = lt else { break };
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            let end = after.find("-->").ok_or("unterminated comment")?;
            rest = &after[end + 3..];
            continue;
        }
        let gt = tag_end(rest)?;
        let tag = &rest[..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || ":-_.".contains(c))
        {
            return Err(format!("bad tag name {name:?}"));
        }
        strings.extend(attributes(&tag[name_end..])?);
        if stack.is_empty() {
            roots += 1;
        }
        if !empty {
            stack.push(name.to_string());
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(strings)
}

/// The position of the `>` that ends a tag, skipping quoted attribute values.
fn tag_end(s: &str) -> Result<usize, String> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Ok(i),
            (_, '<') => return Err(format!("`<` inside a tag: {:?}", &s[..i])),
            _ => {}
        }
    }
    Err("unterminated tag".into())
}

/// The unescaped values of `name="value"` pairs; an error for anything else.
fn attributes(mut s: &str) -> Result<Vec<String>, String> {
    let mut names = BTreeSet::new();
    let mut values = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(values);
        }
        let eq = s
            .find('=')
            .ok_or(format!("attribute without value: {s:?}"))?;
        let name = &s[..eq];
        if name.is_empty() || name.contains(char::is_whitespace) || !names.insert(name) {
            return Err(format!("bad or repeated attribute name {name:?}"));
        }
        let rest = &s[eq + 1..];
        let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        let q = q.ok_or(format!("unquoted value of {name}"))?;
        let end = rest[1..].find(q).ok_or("unterminated value")?;
        values.push(unescape_xml(&rest[1..1 + end])?);
        s = &rest[end + 2..];
    }
}

/// Replaces the five named entities and numeric references; an error for a bare `&`.
fn unescape_xml(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').ok_or(format!("bare & in {s:?}"))?;
        let entity = &rest[amp + 1..amp + semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e => {
                let code = if let Some(hex) = e.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = e.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or(format!("bad entity &{e}; in {s:?}"))?
            }
        };
        out.push(c);
        rest = &rest[amp + semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[test]
fn the_xml_checker_rejects_what_it_should() {
    assert!(check_xml("<a x=\"1\"><b/>t &amp; u</a>").is_ok());
    assert!(check_xml("<a><b></a></b>").is_err());
    assert!(check_xml("<a>x & y</a>").is_err());
    assert!(check_xml("<a>x < y</a>").is_err());
    assert!(check_xml("<a x=\"1\" x=\"2\"/>").is_err());
    assert!(check_xml("<a x=1/>").is_err());
    assert!(check_xml("<a/><b/>").is_err());
}

fn assert_carries_every_string(strings: &[String], what: &str) {
    for s in hostile_strings() {
        assert!(strings.iter().any(|t| t.contains(&s)), "{what} lost {s:?}");
    }
}

#[test]
fn svg_of_the_hostile_graph_is_well_formed() {
    let svg = one(&hostile(), None, ExportFormat::Svg);
    let strings = check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    // Names and headings; the notes are not drawn.
    for n in hostile_data().nodes {
        assert!(strings.iter().any(|t| t.contains(&n.name)), "{:?}", n.name);
    }
}

#[test]
fn graphml_of_the_hostile_graph_is_well_formed_and_complete() {
    let g = hostile();
    let xml = one(&g, None, ExportFormat::Graphml);
    let strings = check_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_carries_every_string(&strings, "GraphML");
    // Every key is declared for one element, never `all` (igraph ignores those): a node's
    // note and an edge's note are two keys.
    for (on, key) in [
        ("node", "name"),
        ("node", "kind"),
        ("node", "aliases"),
        ("node", "note"),
        ("edge", "relation"),
        ("edge", "predicate"),
        ("edge", "negated"),
        ("edge", "source"),
        ("edge", "section"),
        ("edge", "evidence"),
        ("edge", "note"),
        ("edge", "qualifiers"),
    ] {
        let decl = format!("<key id=\"{on}_{key}\" for=\"{on}\" attr.name=\"{key}\"");
        assert!(xml.contains(&decl), "key {on} {key}");
    }
    assert!(!xml.contains("for=\"all\""));
    assert_eq!(xml.matches("<node ").count(), g.node_count());
    assert_eq!(xml.matches("<edge ").count(), g.statement_count());
}

// ---------------------------------------------------------------------------------------------
// Cypher

/// Splits a Cypher line into code outside string literals and the literals, unescaped.
fn cypher_split(line: &str) -> Result<(String, Vec<String>), String> {
    let mut code = String::new();
    let mut literals = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\'' {
            code.push(c);
            continue;
        }
        let mut s = String::new();
        loop {
            match chars.next() {
                None => return Err(format!("unterminated literal in {line:?}")),
                Some('\'') => break,
                Some('\\') => match chars.next() {
                    Some('\\') => s.push('\\'),
                    Some('\'') => s.push('\''),
                    Some('"') => s.push('"'),
                    Some('n') => s.push('\n'),
                    Some('r') => s.push('\r'),
                    Some('t') => s.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or(format!("bad \\u{hex}"))?;
                        s.push(c);
                    }
                    other => return Err(format!("unknown escape {other:?}")),
                },
                Some(c) => s.push(c),
            }
        }
        literals.push(s);
        code.push_str("''");
    }
    Ok((code, literals))
}

#[test]
fn cypher_literals_round_trip_and_comments_stay_inside_them() {
    let g = hostile();
    let cypher = one(&g, None, ExportFormat::Cypher);
    let mut literals = Vec::new();
    let mut statements = 0;
    for line in cypher.lines() {
        if line.starts_with("// ") {
            continue;
        }
        let (code, lits) = cypher_split(line).unwrap();
        assert!(
            !code.contains("//") && !code.contains("/*"),
            "comment outside a literal: {code}"
        );
        assert!(code.ends_with(");"), "{code}");
        statements += 1;
        literals.extend(lits);
    }
    assert_eq!(statements, g.node_count() + g.statement_count());
    assert_carries_every_string(&literals, "Cypher");
    assert!(cypher.contains("CREATE (:Drug {id: 'x', name: "));
    assert!(cypher
        .contains("MATCH (a:Drug {id: 'y'}), (b:Drug {id: 'x'}) CREATE (a)-[:COMBINED_WITH {"));
    assert!(cypher.contains("population: ['men'], `with`: ['x']"));
    assert!(cypher.contains("CREATE (:Population {id: 'men'"));
}

// ---------------------------------------------------------------------------------------------
// KGX TSV

#[test]
fn kgx_lines_have_a_constant_number_of_fields() {
    let (nodes, edges) = kgx(&hostile());
    for (text, width) in [(&nodes, 8), (&edges, 22)] {
        assert!(!text.contains('\r'));
        for line in text.lines() {
            assert_eq!(line.split('\t').count(), width, "{line:?}");
        }
    }
    assert!(nodes
        .starts_with("id\tcategory\tname\tdescription\tsynonym\txref\tmbckg_kind\tmbckg_origin\n"));
    assert!(nodes.contains("MBCKG:her2\tbiolink:Protein\t"));
    assert!(nodes.contains("\ta\\|pipe|tab\\there|back\\\\slash\tHGNC:3430\\|x\ttarget\t"));
    assert!(edges.starts_with("id\tsubject\tpredicate\tobject\tnegated\tknowledge_level\tagent_type\tprimary_knowledge_source\toriginal_predicate\tmbckg_section\t"));
    assert!(edges.contains(
        "\tMBCKG:x\tbiolink:directly_physically_interacts_with\tMBCKG:her2\tfalse\tknowledge_assertion\tmanual_agent\tinfores:mbckg-s\tMBCKG:targets\t"
    ));
    // Each qualifier in its own column: population, with, schedule.
    assert!(
        edges.contains("\tMBCKG:men\tMBCKG:x\tevery 3 weeks; or 'weekly'\t"),
        "{edges}"
    );
}

/// Statements in a fixed order, for comparing datasets.
fn sorted(statements: &[Statement]) -> Vec<Statement> {
    let mut v = statements.to_vec();
    v.sort_by_key(export::StatementKey::of);
    v
}

#[test]
fn kgx_of_the_hostile_graph_reads_back_field_for_field() {
    let original = hostile_data();
    let (nodes, edges) = kgx(&hostile());
    let back = parse_kgx(&nodes, &edges).unwrap_or_else(|e| panic!("{e:#?}"));
    let strip = |d: &Dataset| {
        let mut v: Vec<_> = d
            .nodes
            .iter()
            .map(|n| {
                (
                    n.id.clone(),
                    n.kind,
                    n.name.clone(),
                    n.aliases.clone(),
                    n.xrefs.clone(),
                    n.note.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(strip(&back), strip(&original));
    assert_eq!(sorted(&back.statements), sorted(&original.statements));
    assert_eq!(back.sources.len(), 1);
    assert_eq!(back.sources[0].sections, original.sources[0].sections);
}

#[test]
fn kgx_round_trip_of_the_shipped_graph_is_byte_identical() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph loads"));
    let (nodes, edges) = kgx(&g);
    let back = KnowledgeGraph::new(parse_kgx(&nodes, &edges).unwrap_or_else(|e| panic!("{e:#?}")));
    assert_eq!(back.node_count(), g.node_count());
    assert_eq!(back.statement_count(), g.statement_count());
    assert_eq!(nodes.lines().count(), g.node_count() + 1);
    assert_eq!(edges.lines().count(), g.statement_count() + 1);
    let (nodes2, edges2) = kgx(&back);
    assert!(nodes == nodes2, "nodes.tsv differs after a round trip");
    assert!(edges == edges2, "edges.tsv differs after a round trip");
}

#[test]
fn kgx_carries_any_of_groups_as_a_qualifier() {
    // Capivasertib's three alternatives keep their group through the `mbckg_any_of` column.
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph loads"));
    let (nodes, edges) = kgx(&g);
    let grouped = edges
        .lines()
        .filter(|l| l.contains("capivasertib") && l.contains("\tpik3ca-akt1-pten\t"))
        .count();
    assert!(grouped >= 3, "{grouped} capivasertib lines carry the group");
    let back = parse_kgx(&nodes, &edges).unwrap_or_else(|e| panic!("{e:#?}"));
    let kept = back
        .statements
        .iter()
        .filter(|s| s.subject == "capivasertib")
        .filter(|s| s.qualifiers.any_of.as_deref() == Some("pik3ca-akt1-pten"))
        .count();
    assert_eq!(kept, 3);
}

#[test]
fn kgx_errors_name_the_file_and_line() {
    let (nodes, edges) = kgx(&hostile());
    let edges = edges.replace("\tbackground\t", "\tproven\t");
    let errs = parse_kgx(&nodes, &edges).unwrap_err();
    let report: Vec<String> = errs
        .iter()
        .map(|d| format!("{}: {}", d.origin, d.message))
        .collect();
    assert_eq!(report.len(), 1, "{report:#?}");
    assert!(
        report[0].starts_with("edges.tsv:2:")
            && report[0].ends_with(": unknown evidence category `proven`"),
        "{report:#?}"
    );
}

#[test]
fn kgx_kinds_we_do_not_know_are_kept_under_their_own_name() {
    let (nodes, edges) = kgx(&hostile());
    let nodes = nodes.replace("\ttarget\t", "\tgene\t");
    // The kind is kept; our own `targets` still refuses to point at it.
    let errs = parse_kgx(&nodes, &edges).unwrap_err();
    assert!(
        errs.iter()
            .all(|d| d.message.contains("cannot join a drug to a gene")),
        "{errs:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// A node's own Biolink category

const NUCLEIC_ACID: &str = "biolink:NucleicAcidEntity";

fn shipped() -> KnowledgeGraph {
    KnowledgeGraph::new(load::load_embedded().expect("shipped graph loads"))
}

/// The items of a JSON array (none for anything else).
fn items(v: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    v.as_array().into_iter().flatten()
}

/// The fields of the line of `nodes.tsv` that has our node `id`.
fn node_fields<'a>(nodes: &'a str, id: &str) -> Vec<&'a str> {
    let line = nodes
        .lines()
        .find(|l| l.starts_with(&format!("MBCKG:{id}\t")))
        .unwrap_or_else(|| panic!("no line for {id}"));
    line.split('\t').collect()
}

#[test]
fn dna_exports_as_a_nucleic_acid_entity_and_the_protein_targets_as_proteins() {
    let g = shipped();
    let files = export::export(&g, None, ExportFormat::Kgx);
    let nodes = &files[0].1;
    // id, category, name, description, synonym, xref, mbckg_kind, mbckg_origin
    let dna = node_fields(nodes, "dna");
    assert_eq!((dna[1], dna[2], dna[6]), (NUCLEIC_ACID, "DNA", "target"));
    for protein in ["her2", "estrogen-receptor", "parp"] {
        let line = node_fields(nodes, protein);
        assert_eq!(
            (line[1], line[6]),
            ("biolink:Protein", "target"),
            "{protein}"
        );
    }
    // The metadata counts DNA apart, and the statements that reach it.
    let meta: serde_json::Value = serde_json::from_str(&files[2].1).expect("JSON");
    let count = |category: &str| {
        items(&meta["nodes"])
            .find(|n| n["category"] == category)
            .map_or(0, |n| n["count"].as_u64().unwrap_or(0))
    };
    let targets = g.of_kind(mbckg::model::NodeKind::Target).len() as u64;
    assert_eq!(count(NUCLEIC_ACID), 1);
    assert_eq!(count("biolink:Protein"), targets - 1);
    let to_dna = items(&meta["edges"])
        .filter(|e| e["object_category"] == NUCLEIC_ACID)
        .filter_map(|e| e["count"].as_u64())
        .sum::<u64>();
    let dna_ix = g.by_id("dna").expect("dna");
    assert_eq!(to_dna, g.in_edges(dna_ix).count() as u64);
    // JSON and GraphML say the same.
    let json: serde_json::Value =
        serde_json::from_str(&one(&g, None, ExportFormat::Json)).expect("JSON");
    let category = |id: &str| {
        items(&json["nodes"])
            .find(|n| n["id"] == id)
            .map(|n| n["category"].clone())
    };
    assert_eq!(category("dna"), Some(NUCLEIC_ACID.into()));
    assert_eq!(category("her2"), Some("biolink:Protein".into()));
    let graphml = one(&g, None, ExportFormat::Graphml);
    let dna_node = graphml
        .split("<node ")
        .find(|n| n.starts_with("id=\"dna\""))
        .expect("dna in GraphML");
    assert!(
        dna_node.contains(&format!(
            "<data key=\"node_category\">{NUCLEIC_ACID}</data>"
        )),
        "{dna_node}"
    );
}

#[test]
fn dna_keeps_its_category_through_kgx_and_back() {
    let g = shipped();
    let (nodes, edges) = kgx(&g);
    let back = parse_kgx(&nodes, &edges).unwrap_or_else(|e| panic!("{e:#?}"));
    let dna = back.nodes.iter().find(|n| n.id == "dna").expect("dna");
    assert_eq!(dna.kind, mbckg::model::NodeKind::Target);
    assert_eq!(dna.category.as_deref(), Some(NUCLEIC_ACID));
    // The others have their kind's.
    let own: Vec<&str> = back
        .nodes
        .iter()
        .filter(|n| n.category.is_some())
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(own, ["dna"]);
    let (nodes2, _) = kgx(&KnowledgeGraph::new(back));
    assert_eq!(node_fields(&nodes2, "dna"), node_fields(&nodes, "dna"));
}

/// A `nodes.tsv` of one node a line: (id, category, mbckg_kind).
fn kgx_nodes(lines: &[(&str, &str, &str)]) -> String {
    let mut out =
        "id\tcategory\tname\tdescription\tsynonym\txref\tmbckg_kind\tmbckg_origin\n".to_string();
    for (id, category, kind) in lines {
        out.push_str(&format!("{id}\t{category}\t{id}\t\t\t\t{kind}\t\n"));
    }
    out
}

#[test]
fn a_category_beside_our_kind_is_the_nodes_own_only_where_the_kind_allows_it() {
    let nodes = kgx_nodes(&[
        ("MBCKG:dna", NUCLEIC_ACID, "target"),
        ("MBCKG:her2", "biolink:Protein", "target"),
        ("MBCKG:bare", "", "target"),
        ("MBCKG:taxane", "biolink:Drug", "class"),
        ("MBCKG:odd", "biolink:Disease", "target"),
        ("MBCKG:typo", "biolink:NucleicAcidEntty", "target"),
        (
            "MBCKG:most",
            &format!("biolink:NamedThing|{NUCLEIC_ACID}"),
            "target",
        ),
        // A third party's node: the category is its kind, as before.
        ("EX:rna", NUCLEIC_ACID, ""),
    ]);
    let back =
        parse_kgx(&nodes, "subject\tpredicate\tobject\n").unwrap_or_else(|e| panic!("{e:#?}"));
    let got: Vec<(&str, &str, Option<&str>)> = back
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.kind.as_str(), n.category.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("dna", "target", Some(NUCLEIC_ACID)),
            ("her2", "target", None),
            ("bare", "target", None),
            // The kind decides where the category does not fit it, as it always has.
            ("taxane", "class", None),
            ("odd", "target", None),
            ("typo", "target", None),
            ("most", "target", Some(NUCLEIC_ACID)),
            ("EX:rna", NUCLEIC_ACID, None),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// JSON

#[test]
fn json_carries_every_field() {
    let g = hostile();
    let text = one(&g, None, ExportFormat::Json);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let nodes = doc["nodes"].as_array().expect("nodes");
    let statements = doc["statements"].as_array().expect("statements");
    assert_eq!(nodes.len(), g.node_count());
    assert_eq!(statements.len(), g.statement_count());
    assert_eq!(doc["sources"][0]["id"], "s");
    let x = nodes.iter().find(|n| n["id"] == "x").expect("node x");
    assert_eq!(x["kind"], "drug");
    assert_eq!(x["aliases"][1], "cr\r\nlf");
    let st = statements
        .iter()
        .find(|s| s["subject"] == "y")
        .expect("y's statement");
    assert_eq!(st["qualifiers"]["with"][0], "x");
    assert_eq!(st["qualifiers"]["schedule"], "every 3 weeks; or 'weekly'");
    assert_eq!(st["evidence"], "may-be-option");
    assert!(st["origin"].as_str().unwrap().starts_with("drugs/y.toml:"));
    let mut all = Vec::new();
    collect_strings(&doc, &mut all);
    assert_carries_every_string(&all, "JSON");
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Subsets

#[test]
fn svg_of_drugs_targeting_her2_draws_the_nine_drugs() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph loads"));
    let answer = mbckg::execute("drugs targeting HER2", &g)
        .expect("the query runs")
        .expect("a statement");
    let subset = export::subset_from_result(&g, &answer.result);
    let svg = one(&g, Some(&subset), ExportFormat::Svg);
    assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
    let strings = check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let head = &svg[..svg.find("<title>").expect("a title")];
    for attr in ["width=\"", "height=\"", "viewBox=\"0 0 "] {
        assert!(head.contains(attr), "{attr} on <svg>");
    }
    let drugs = [
        "ado-trastuzumab emtansine",
        "lapatinib",
        "margetuximab",
        "neratinib",
        "pertuzumab",
        "pertuzumab/trastuzumab/hyaluronidase",
        "trastuzumab",
        "trastuzumab deruxtecan",
        "tucatinib",
    ];
    assert_eq!(answer.result.rows.len(), drugs.len());
    for drug in drugs {
        assert!(strings.iter().any(|s| s == drug), "{drug} is drawn");
    }
    assert!(strings.iter().any(|s| s == "HER2"));
    assert!(svg.contains("marker-end=\"url(#arrow)\""));
    // Only what the query touched: the nine drugs, HER2 and whatever linked them.
    assert!(subset.nodes.len() < g.node_count() / 4, "{subset:?}");
    assert!(!strings.iter().any(|s| s == "tamoxifen"));
}

#[test]
fn a_subset_exports_its_statements_and_their_ends() {
    let g = hostile();
    let mut subset = Subset::default();
    let x = g.statements().find(|e| g.statement(*e).subject == "y");
    subset.statements.insert(x.expect("y's statement"));
    let (nodes, edges) = {
        let files = export::export(&g, Some(&subset), ExportFormat::Kgx);
        (files[0].1.clone(), files[1].1.clone())
    };
    let ids: Vec<&str> = nodes
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["MBCKG:x", "MBCKG:y"]);
    assert_eq!(edges.lines().count(), 2);
}

#[test]
fn exports_are_deterministic() {
    let g = KnowledgeGraph::new(load::load_embedded().expect("shipped graph loads"));
    for format in ExportFormat::ALL {
        let a = export::export(&g, None, format);
        let b = export::export(&g, None, format);
        assert!(a == b, "{format} differs between two runs");
    }
}
