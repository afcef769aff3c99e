//! Neo4j Cypher: one CREATE per node and per statement, every string a quoted literal.

use std::fmt::Write as _;

use super::*;
use crate::output::escape::cypher_str;

// ---------------------------------------------------------------------------------------------
// Cypher

pub(crate) fn to_cypher(sel: &Selection) -> String {
    let mut out = format!(
        "// mbckg export: {} nodes, {} statements\n",
        sel.nodes.len(),
        sel.statements.len()
    );
    let kinds: HashMap<&str, NodeKind> =
        sel.nodes.iter().map(|n| (n.id.as_str(), n.kind)).collect();
    for n in &sel.nodes {
        let mut props = vec![
            format!("id: {}", cypher_str(&n.id)),
            format!("name: {}", cypher_str(&n.name)),
        ];
        push_list(&mut props, "aliases", &n.aliases);
        push_list(&mut props, "xrefs", &n.xrefs);
        if let Some(note) = &n.note {
            props.push(format!("note: {}", cypher_str(note)));
        }
        let _ = writeln!(
            out,
            "CREATE (:{} {{{}}});",
            cypher_name(&pascal_case(n.kind.as_str())),
            props.join(", ")
        );
    }
    for st in &sel.statements {
        let end = |id: &str| {
            kinds
                .get(id)
                .map(|k| format!(":{}", cypher_name(&pascal_case(k.as_str()))))
                .unwrap_or_default()
        };
        let p = &st.provenance;
        let q = &st.qualifiers;
        let mut props = vec![
            format!("source: {}", cypher_str(&p.source)),
            format!("section: {}", cypher_str(&p.section)),
            format!("evidence: {}", cypher_str(p.evidence.as_str())),
            format!("note: {}", cypher_str(&p.note)),
        ];
        for (k, v) in text_qualifiers(q) {
            props.push(format!("{k}: {}", cypher_str(v)));
        }
        push_list(&mut props, "population", &q.population);
        // `with` is a Cypher keyword: quoted as a property name.
        push_list(&mut props, "`with`", &q.with);
        if let Some(n) = q.min_count {
            props.push(format!("min_count: {n}"));
        }
        props.push(format!("origin: {}", cypher_str(&st.origin.to_string())));
        let _ = writeln!(
            out,
            "MATCH (a{} {{id: {}}}), (b{} {{id: {}}}) CREATE (a)-[:{} {{{}}}]->(b);",
            end(&st.subject),
            cypher_str(&st.subject),
            end(&st.object),
            cypher_str(&st.object),
            cypher_name(&st.relation.as_str().to_ascii_uppercase()),
            props.join(", ")
        );
    }
    out
}

/// Adds `name: ['a', 'b']` unless the list is empty (Neo4j stores no empty lists).
pub(crate) fn push_list(props: &mut Vec<String>, name: &str, items: &[String]) {
    if !items.is_empty() {
        let items: Vec<String> = items.iter().map(|s| cypher_str(s)).collect();
        props.push(format!("{name}: [{}]", items.join(", ")));
    }
}

/// A label or relationship type as Cypher reads it: bare when it is a plain identifier,
/// otherwise in backticks (`biolink:Gene` from an imported graph).
pub(crate) fn cypher_name(s: &str) -> String {
    if !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
    {
        s.to_string()
    } else {
        format!("`{}`", s.replace('`', "``"))
    }
}

/// `side_effect` → `SideEffect`.
pub(crate) fn pascal_case(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::escape::cypher_str;

    #[test]
    fn cypher_strings_escape_quotes_and_comments() {
        assert_eq!(cypher_str("it's // a\\b\n"), "'it\\'s // a\\\\b\\n'");
        assert_eq!(pascal_case("organ_system"), "OrganSystem");
        assert_eq!(cypher_name("SideEffect"), "SideEffect");
        assert_eq!(cypher_name("Biolink:Gene"), "`Biolink:Gene`");
        assert_eq!(cypher_name("a`b"), "`a``b`");
    }
}
