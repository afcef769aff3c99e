//! Compares two versions of the graph data: which nodes and statements were added, removed or
//! changed, and for a change, each field before → after. For authors auditing a data update.
//!
//! Pure: takes two [`Dataset`]s, returns a [`Diff`] that renders itself as text or JSON; nothing
//! here reads files or prints.
//!
//! Nodes are matched by id. Statements are matched by their *identity* — subject, relation,
//! object, line of therapy, population and partners — because those say *what* is claimed: the
//! same drug may treat the same subtype as a first and as a later line, and those are two
//! statements. Everything else (the other qualifiers, evidence, source, section, note) says *how*
//! it is claimed, and a difference there is a change of the one statement. Where a statement sits
//! in the files (its origin) is not compared: moving it is no change.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde_json::{json, Value};

use crate::model::{Dataset, Line, Node, Relation, Statement};
use crate::output::export::{node_json, statement_json};

/// What makes two versions of a statement the same statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    pub subject: String,
    pub relation: Relation,
    pub object: String,
    pub line: Option<Line>,
    /// Sorted, so a reordered list is the same statement.
    pub population: Vec<String>,
    /// Sorted, as `population`.
    pub with: Vec<String>,
}

impl Identity {
    pub fn of(st: &Statement) -> Identity {
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        Identity {
            subject: st.subject.clone(),
            relation: st.relation,
            object: st.object.clone(),
            line: st.qualifiers.line,
            population: sorted(&st.qualifiers.population),
            with: sorted(&st.qualifiers.with),
        }
    }
}

impl fmt::Display for Identity {
    /// `x —treats→ y [line: first; population: men]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} —{}→ {}", self.subject, self.relation, self.object)?;
        let mut q = Vec::new();
        if let Some(line) = &self.line {
            q.push(format!("line: {line}"));
        }
        if !self.population.is_empty() {
            q.push(format!("population: {}", self.population.join(", ")));
        }
        if !self.with.is_empty() {
            q.push(format!("with: {}", self.with.join(", ")));
        }
        if !q.is_empty() {
            write!(f, " [{}]", q.join("; "))?;
        }
        Ok(())
    }
}

/// The value of one field on one side of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Absent,
    Text(String),
    List(Vec<String>),
    Number(u32),
}

impl FieldValue {
    fn opt(v: &Option<String>) -> FieldValue {
        v.clone().map_or(FieldValue::Absent, FieldValue::Text)
    }

    pub fn to_json(&self) -> Value {
        match self {
            FieldValue::Absent => Value::Null,
            FieldValue::Text(s) => json!(s),
            FieldValue::List(v) => json!(v),
            FieldValue::Number(n) => json!(n),
        }
    }
}

impl fmt::Display for FieldValue {
    /// Text quoted and escaped, so a note that ends in a space or holds `→` reads unambiguously.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Absent => f.write_str("(none)"),
            FieldValue::Text(s) => write!(f, "{s:?}"),
            FieldValue::List(v) => write!(f, "{v:?}"),
            FieldValue::Number(n) => write!(f, "{n}"),
        }
    }
}

/// One field that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: &'static str,
    pub before: FieldValue,
    pub after: FieldValue,
}

/// A node present in both versions with different fields.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeChange {
    pub old: Node,
    pub new: Node,
    pub changes: Vec<Change>,
}

/// A statement present in both versions (same [`Identity`]) with different fields.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementChange {
    pub identity: Identity,
    pub old: Statement,
    pub new: Statement,
    pub changes: Vec<Change>,
}

/// Everything that differs between two versions, each list sorted (nodes by id, statements by
/// identity, then origin).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub nodes_added: Vec<Node>,
    pub nodes_removed: Vec<Node>,
    pub nodes_changed: Vec<NodeChange>,
    pub statements_added: Vec<Statement>,
    pub statements_removed: Vec<Statement>,
    pub statements_changed: Vec<StatementChange>,
}

/// Compares two versions of the data.
pub fn diff(old: &Dataset, new: &Dataset) -> Diff {
    let mut d = Diff::default();
    diff_nodes(old, new, &mut d);
    diff_statements(old, new, &mut d);
    d
}

fn diff_nodes(old: &Dataset, new: &Dataset, d: &mut Diff) {
    let by_id = |ds: &Dataset| -> BTreeMap<String, Node> {
        ds.nodes.iter().map(|n| (n.id.clone(), n.clone())).collect()
    };
    let (mut before, after) = (by_id(old), by_id(new));
    for (id, n) in after {
        match before.remove(&id) {
            None => d.nodes_added.push(n),
            Some(o) => {
                let changes = node_changes(&o, &n);
                if !changes.is_empty() {
                    d.nodes_changed.push(NodeChange {
                        old: o,
                        new: n,
                        changes,
                    });
                }
            }
        }
    }
    d.nodes_removed = before.into_values().collect();
    d.nodes_changed.sort_by(|a, b| a.new.id.cmp(&b.new.id));
}

fn node_changes(o: &Node, n: &Node) -> Vec<Change> {
    let fields = |x: &Node| {
        [
            ("name", FieldValue::Text(x.name.clone())),
            ("kind", FieldValue::Text(x.kind.as_str().to_string())),
            ("aliases", FieldValue::List(x.aliases.clone())),
            ("xrefs", FieldValue::List(x.xrefs.clone())),
            ("note", FieldValue::opt(&x.note)),
            ("category", FieldValue::opt(&x.category)),
            (
                "accepted",
                FieldValue::List(
                    x.accepted
                        .iter()
                        .map(|(rule, why)| format!("{rule}: {why}"))
                        .collect(),
                ),
            ),
        ]
    };
    changes(fields(o), fields(n))
}

/// The compared fields of a statement, in the order a change lists them.
fn statement_fields(st: &Statement) -> [(&'static str, FieldValue); 10] {
    let q = &st.qualifiers;
    let p = &st.provenance;
    [
        (
            "evidence",
            FieldValue::Text(p.evidence.as_str().to_string()),
        ),
        ("source", FieldValue::Text(p.source.clone())),
        ("section", FieldValue::Text(p.section.clone())),
        (
            "frequency",
            FieldValue::opt(&q.frequency.map(|f| f.to_string())),
        ),
        ("risk", FieldValue::opt(&q.risk)),
        ("schedule", FieldValue::opt(&q.schedule)),
        ("condition", FieldValue::opt(&q.condition)),
        ("any_of", FieldValue::opt(&q.any_of)),
        (
            "min_count",
            q.min_count.map_or(FieldValue::Absent, FieldValue::Number),
        ),
        ("note", FieldValue::Text(p.note.clone())),
    ]
}

fn changes<const N: usize>(
    before: [(&'static str, FieldValue); N],
    after: [(&'static str, FieldValue); N],
) -> Vec<Change> {
    before
        .into_iter()
        .zip(after)
        .filter(|((_, b), (_, a))| a != b)
        .map(|((field, before), (_, after))| Change {
            field,
            before,
            after,
        })
        .collect()
}

/// A version's statements grouped by identity, each group in file order.
fn by_identity(ds: &Dataset) -> BTreeMap<Identity, Vec<&Statement>> {
    let mut groups: BTreeMap<Identity, Vec<&Statement>> = BTreeMap::new();
    for st in &ds.statements {
        groups.entry(Identity::of(st)).or_default().push(st);
    }
    groups
}

fn diff_statements(old: &Dataset, new: &Dataset, d: &mut Diff) {
    let (mut before, after) = (by_identity(old), by_identity(new));
    for (identity, mut news) in after {
        let mut olds = before.remove(&identity).unwrap_or_default();
        // Statements equal in every compared field are unchanged, whatever their place.
        news.retain(|n| {
            let same = olds
                .iter()
                .position(|o| statement_fields(o) == statement_fields(n));
            match same {
                Some(i) => {
                    olds.remove(i);
                    false
                }
                None => true,
            }
        });
        // The rest pair up in file order as changes; what is left over was added or removed.
        let pairs = olds.len().min(news.len());
        for (o, n) in olds.drain(..pairs).zip(news.drain(..pairs)) {
            d.statements_changed.push(StatementChange {
                identity: identity.clone(),
                old: o.clone(),
                new: n.clone(),
                changes: changes(statement_fields(o), statement_fields(n)),
            });
        }
        d.statements_added.extend(news.into_iter().cloned());
        d.statements_removed.extend(olds.into_iter().cloned());
    }
    d.statements_removed
        .extend(before.into_values().flatten().cloned());
    let order = |st: &Statement| (Identity::of(st), st.origin.clone());
    d.statements_added.sort_by_cached_key(order);
    d.statements_removed.sort_by_cached_key(order);
}

impl Diff {
    /// Whether the two versions hold the same nodes and statements.
    pub fn is_empty(&self) -> bool {
        self.nodes_added.is_empty()
            && self.nodes_removed.is_empty()
            && self.nodes_changed.is_empty()
            && self.statements_added.is_empty()
            && self.statements_removed.is_empty()
            && self.statements_changed.is_empty()
    }

    /// The diff for a reader: groups of added (`+`), removed (`-`) and changed (`~`) nodes and
    /// statements, each change with its fields as `field: before → after`, then a count line.
    ///
    /// ```text
    /// statements changed (1)
    ///   ~ x —targets→ her2  (drugs/x.toml:5:12)
    ///       evidence: "standard-option" → "fda-approved"
    /// ```
    pub fn render_table(&self) -> String {
        if self.is_empty() {
            return "no differences\n".to_string();
        }
        let mut out = String::new();
        let node = |n: &Node| format!("{} ({} {:?})", n.id, n.kind, n.name);
        let st = |s: &Statement| format!("{}  ({})", Identity::of(s), s.origin);
        group(&mut out, "nodes added", &self.nodes_added, |n| {
            format!("+ {}", node(n))
        });
        group(&mut out, "nodes removed", &self.nodes_removed, |n| {
            format!("- {}", node(n))
        });
        group(&mut out, "nodes changed", &self.nodes_changed, |c| {
            format!("~ {}{}", node(&c.new), fields(&c.changes))
        });
        group(&mut out, "statements added", &self.statements_added, |s| {
            format!("+ {}\n      {}", st(s), provenance(s))
        });
        group(
            &mut out,
            "statements removed",
            &self.statements_removed,
            |s| format!("- {}\n      {}", st(s), provenance(s)),
        );
        group(
            &mut out,
            "statements changed",
            &self.statements_changed,
            |c| format!("~ {}{}", st(&c.new), fields(&c.changes)),
        );
        let _ = writeln!(
            out,
            "nodes: {} added, {} removed, {} changed; statements: {} added, {} removed, {} changed",
            self.nodes_added.len(),
            self.nodes_removed.len(),
            self.nodes_changed.len(),
            self.statements_added.len(),
            self.statements_removed.len(),
            self.statements_changed.len()
        );
        out
    }

    /// The diff as one JSON document: `nodes` and `statements`, each with `added`, `removed` and
    /// `changed` (changes carry `field`, `before`, `after`), and `summary` counts.
    pub fn to_json(&self) -> Value {
        let changes = |cs: &[Change]| -> Vec<Value> {
            cs.iter()
                .map(|c| {
                    json!({
                        "field": c.field,
                        "before": c.before.to_json(),
                        "after": c.after.to_json(),
                    })
                })
                .collect()
        };
        json!({
            "nodes": {
                "added": self.nodes_added.iter().map(node_json).collect::<Vec<_>>(),
                "removed": self.nodes_removed.iter().map(node_json).collect::<Vec<_>>(),
                "changed": self.nodes_changed.iter().map(|c| json!({
                    "id": c.new.id,
                    "changes": changes(&c.changes),
                    "old": node_json(&c.old),
                    "new": node_json(&c.new),
                })).collect::<Vec<_>>(),
            },
            "statements": {
                "added": self.statements_added.iter().map(statement_json).collect::<Vec<_>>(),
                "removed": self.statements_removed.iter().map(statement_json).collect::<Vec<_>>(),
                "changed": self.statements_changed.iter().map(|c| json!({
                    "identity": c.identity.to_string(),
                    "changes": changes(&c.changes),
                    "old": statement_json(&c.old),
                    "new": statement_json(&c.new),
                })).collect::<Vec<_>>(),
            },
            "summary": {
                "nodes_added": self.nodes_added.len(),
                "nodes_removed": self.nodes_removed.len(),
                "nodes_changed": self.nodes_changed.len(),
                "statements_added": self.statements_added.len(),
                "statements_removed": self.statements_removed.len(),
                "statements_changed": self.statements_changed.len(),
            },
        })
    }
}

/// Appends `title (n)` and one indented line per item; nothing for an empty list.
fn group<T>(out: &mut String, title: &str, items: &[T], line: impl Fn(&T) -> String) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title} ({})", items.len());
    for item in items {
        let _ = writeln!(out, "  {}", line(item));
    }
}

/// Where an added or removed statement comes from, and its other qualifiers:
/// `page § Targeted therapy · fda-approved · risk: "2-5%" · "note"`.
fn provenance(st: &Statement) -> String {
    let p = &st.provenance;
    let mut parts = vec![
        format!("{} § {}", p.source, p.section),
        p.evidence.as_str().to_string(),
    ];
    for (field, value) in statement_fields(st) {
        let shown = !matches!(field, "evidence" | "source" | "section" | "note");
        if shown && value != FieldValue::Absent {
            parts.push(format!("{field}: {value}"));
        }
    }
    parts.push(format!("{:?}", p.note));
    parts.join(" · ")
}

/// The changed fields, one per line below the item.
fn fields(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| format!("\n      {}: {} → {}", c.field, c.before, c.after))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, NodeKind, Origin, Provenance, Qualifiers};

    fn node(id: &str, name: &str) -> Node {
        Node {
            id: id.into(),
            kind: NodeKind::Drug,
            name: name.into(),
            aliases: vec![],
            xrefs: vec![],
            note: None,
            category: None,
            accepted: vec![],
            origin: Origin::default(),
        }
    }

    fn st(object: &str, line: Option<&str>, note: &str, at: u32) -> Statement {
        Statement {
            subject: "x".into(),
            relation: Relation::Treats,
            object: object.into(),
            qualifiers: Qualifiers {
                line: line.and_then(Line::parse),
                ..Qualifiers::default()
            },
            provenance: Provenance {
                source: "s".into(),
                section: "H".into(),
                evidence: Evidence::StandardOption,
                note: note.into(),
            },
            origin: Origin {
                file: "drugs/x.toml".into(),
                line: at,
                col: 1,
            },
        }
    }

    fn data(nodes: Vec<Node>, statements: Vec<Statement>) -> Dataset {
        Dataset {
            sources: vec![],
            nodes,
            statements,
        }
    }

    #[test]
    fn identical_data_has_no_diff_even_when_moved() {
        let a = data(vec![node("x", "x")], vec![st("y", None, "n", 3)]);
        let b = data(vec![node("x", "x")], vec![st("y", None, "n", 9)]);
        assert!(diff(&a, &b).is_empty());
        assert_eq!(diff(&a, &b).render_table(), "no differences\n");
    }

    #[test]
    fn a_note_edit_is_a_change_and_a_new_line_is_an_addition() {
        let a = data(vec![], vec![st("y", Some("first"), "n", 3)]);
        let b = data(
            vec![],
            vec![
                st("y", Some("first"), "m", 3),
                st("y", Some("later"), "n", 9),
            ],
        );
        let d = diff(&a, &b);
        assert_eq!(d.statements_changed.len(), 1);
        assert_eq!(d.statements_changed[0].changes[0].field, "note");
        assert_eq!(d.statements_added.len(), 1);
        assert!(d.statements_removed.is_empty());
    }

    #[test]
    fn duplicates_pair_up_before_counting_as_added() {
        let a = data(vec![], vec![st("y", None, "n", 3), st("y", None, "o", 4)]);
        let b = data(vec![], vec![st("y", None, "o", 3)]);
        let d = diff(&a, &b);
        assert_eq!(d.statements_removed.len(), 1);
        assert_eq!(d.statements_removed[0].provenance.note, "n");
        assert!(d.statements_changed.is_empty());
    }

    #[test]
    fn node_renames_list_each_field() {
        let mut n = node("x", "y");
        n.aliases = vec!["Y".into()];
        let d = diff(&data(vec![node("x", "x")], vec![]), &data(vec![n], vec![]));
        let fields: Vec<&str> = d.nodes_changed[0].changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["name", "aliases"]);
        assert_eq!(d.to_json()["summary"]["nodes_changed"], 1);
    }

    #[test]
    fn a_category_given_is_a_change() {
        let mut n = node("x", "x");
        n.category = Some("biolink:NucleicAcidEntity".into());
        let d = diff(&data(vec![node("x", "x")], vec![]), &data(vec![n], vec![]));
        let c = &d.nodes_changed[0].changes;
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].field, "category");
        assert_eq!(c[0].after.to_json(), "biolink:NucleicAcidEntity");
    }
}
