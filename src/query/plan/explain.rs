//! The interpretation of a plan as text: what the echo and `explain` show.

use std::fmt;

use super::*;

// ---------------------------------------------------------------------------------------------
// The interpretation, as users read it.

/// Prints a plan's meaning: `drug —targets→ HER2 ∧ drug —requires_monitoring→ monitoring —assesses→ cardiac`.
pub struct Interpretation<'a> {
    pub plan: &'a Plan,
    pub graph: &'a KnowledgeGraph,
}

impl fmt::Display for Interpretation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_kind(f)?;
        if !self.plan.ignored.is_empty() {
            write!(f, " (ignored: {})", self.plan.ignored.join(", "))?;
        }
        Ok(())
    }
}

impl Interpretation<'_> {
    fn fmt_kind(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = self.graph;
        match &self.plan.kind {
            PlanKind::Find(q) => write_query(f, g, q),
            PlanKind::Union(qs) => {
                for (i, q) in qs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ∪ ")?;
                    }
                    write_query(f, g, q)?;
                }
                Ok(())
            }
            PlanKind::Why(q) => {
                f.write_str("the statements behind: ")?;
                write_query(f, g, q)
            }
            PlanKind::Count(q, group) => {
                f.write_str("count of ")?;
                write_query(f, g, q)?;
                match group {
                    Some(GroupBy::Kind(k)) => {
                        write!(f, ", grouped by linked {}", &lexicon::singular(*k))
                    }
                    Some(GroupBy::Field(s)) => write!(f, ", grouped by statement {s}"),
                    None => Ok(()),
                }
            }
            PlanKind::Show(n) => write!(f, "the card of {} `{}`", g.node(*n).kind, g.node(*n).name),
            PlanKind::Path { from, to, all, max } => {
                let what = if *all {
                    "every simple path"
                } else {
                    "one shortest path"
                };
                let hops = if *max == 1 { "hop" } else { "hops" };
                write!(f, "{what} of at most {max} {hops} between `{}` and `{}`, statements read in either direction", g.node(*from).name, g.node(*to).name)
            }
            PlanKind::Compare(nodes) => {
                let names: Vec<&str> = nodes.iter().map(|n| g.node(*n).name).collect();
                write!(f, "{} side by side, by relation", names.join(", "))
            }
            PlanKind::Search(text) => {
                write!(f, "names, aliases, ids and notes containing `{text}`")
            }
            PlanKind::Explain(p) => Interpretation { plan: p, graph: g }.fmt_kind(f),
        }
    }
}

/// A filter as the interpretation prints it (`drug —targets→ HER2`).
pub struct FilterText<'a> {
    pub graph: &'a KnowledgeGraph,
    pub kind: NodeKind,
    pub filter: &'a Filter,
}

impl fmt::Display for FilterText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_filter(
            f,
            self.graph,
            &lexicon::singular(self.kind),
            self.filter,
            false,
        )
    }
}

fn write_query(f: &mut fmt::Formatter<'_>, g: &KnowledgeGraph, q: &Query) -> fmt::Result {
    let subject = lexicon::singular(q.kind);
    match &q.filter {
        Filter::All => f.write_str(&lexicon::plural(q.kind)),
        other => write_filter(f, g, &subject, other, false),
    }
}

fn write_filter(
    f: &mut fmt::Formatter<'_>,
    g: &KnowledgeGraph,
    subject: &str,
    filter: &Filter,
    nested: bool,
) -> fmt::Result {
    match filter {
        Filter::All => write!(f, "every {subject}"),
        Filter::Is(n) => write!(f, "{subject} = {}", g.node(*n).name),
        Filter::Not(inner) => {
            f.write_str("¬(")?;
            write_filter(f, g, subject, inner, false)?;
            f.write_str(")")
        }
        Filter::And(a, b) => {
            write_filter(f, g, subject, a, true)?;
            f.write_str(" ∧ ")?;
            write_filter(f, g, subject, b, true)
        }
        Filter::Or(a, b) => {
            if nested {
                f.write_str("(")?;
            }
            write_filter(f, g, subject, a, false)?;
            f.write_str(" ∨ ")?;
            write_filter(f, g, subject, b, false)?;
            if nested {
                f.write_str(")")?;
            }
            Ok(())
        }
        Filter::Link {
            rels,
            target,
            conds,
            ..
        } => {
            f.write_str(subject)?;
            write_rels(f, rels)?;
            write_target(f, g, target)?;
            if !conds.is_empty() {
                let list: Vec<String> = conds
                    .iter()
                    .map(|c| {
                        let op = match (c.negated, c.contains) {
                            (false, false) => "=",
                            (true, false) => "≠",
                            (false, true) => "∋",
                            (true, true) => "∌",
                        };
                        format!("{} {op} {}", c.field, c.value)
                    })
                    .collect();
                write!(f, " [{}]", list.join(", "))?;
            }
            Ok(())
        }
    }
}

fn write_rels(f: &mut fmt::Formatter<'_>, rels: &[(Relation, Dir)]) -> fmt::Result {
    let out: Vec<&str> = rels
        .iter()
        .filter(|(_, d)| *d == Dir::Out)
        .map(|(r, _)| r.as_str())
        .collect();
    let inn: Vec<&str> = rels
        .iter()
        .filter(|(_, d)| *d == Dir::In)
        .map(|(r, _)| r.as_str())
        .collect();
    match (out.is_empty(), inn.is_empty()) {
        (false, true) => write!(f, " —{}→ ", out.join("|")),
        (true, false) => write!(f, " ←{}— ", inn.join("|")),
        _ => write!(f, " —{}→|←{}— ", out.join("|"), inn.join("|")),
    }
}

fn write_target(f: &mut fmt::Formatter<'_>, g: &KnowledgeGraph, t: &Target) -> fmt::Result {
    match t {
        Target::Node(n) => f.write_str(g.node(*n).name),
        Target::Any(k) => write!(f, "any {}", lexicon::singular(*k)),
        Target::Nodes(ns) => {
            let names: Vec<&str> = ns.iter().map(|n| g.node(*n).name).collect();
            write!(f, "({})", names.join(" | "))
        }
        Target::Bridge { node, kind, via } => {
            f.write_str(&lexicon::singular(*kind))?;
            write_rels(f, via)?;
            f.write_str(g.node(*node).name)
        }
        Target::Set(q) => {
            let subject = lexicon::singular(q.kind);
            match &q.filter {
                Filter::All => f.write_str(&subject),
                Filter::Link { rels, target, .. } => {
                    f.write_str(&subject)?;
                    write_rels(f, rels)?;
                    write_target(f, g, target)
                }
                other => {
                    f.write_str("(")?;
                    write_filter(f, g, &subject, other, false)?;
                    f.write_str(")")
                }
            }
        }
    }
}
