//! Lint rules over a loaded graph: things that are valid data but look wrong to a reviewer.
//!
//! Validation (in `data`) refuses a graph that cannot be built; these rules look at a built graph
//! and report findings with a rule id, a severity and the place to look. Pure; nothing prints.

use crate::diag::Severity;
use crate::graph::{KnowledgeGraph, NodeIx};
use crate::model::{NodeKind, Origin, Relation};

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The node or statement the finding is about.
    pub subject: String,
    pub origin: Origin,
}

/// A lint rule: an id, what it checks, and the check.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub help: &'static str,
    check: fn(&KnowledgeGraph, &Rule, &mut Vec<Finding>),
}

/// Every rule, in the order reports list them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "drug-without-class",
        severity: Severity::Error,
        help: "every drug is a member of at least one class",
        check: |g, r, out| drug_lacks(g, r, out, Relation::MemberOf, "no class"),
    },
    Rule {
        id: "drug-without-target",
        severity: Severity::Error,
        help: "every drug has at least one molecular target",
        check: |g, r, out| drug_lacks(g, r, out, Relation::Targets, "no target"),
    },
    Rule {
        id: "drug-without-subtype",
        severity: Severity::Error,
        help: "every drug treats at least one subtype",
        check: |g, r, out| drug_lacks(g, r, out, Relation::Treats, "no subtype it treats"),
    },
    Rule {
        id: "side-effect-without-organ-system",
        severity: Severity::Error,
        help:
            "every side effect affects an organ system, so `hepatic side effects` means something",
        check: |g, r, out| {
            for &n in g.of_kind(NodeKind::SideEffect) {
                if g.out_rel(n, Relation::Affects).next().is_none() {
                    out.push(finding(g, r, n, "side effect affects no organ system"));
                }
            }
        },
    },
    Rule {
        id: "monitoring-assesses-nothing",
        severity: Severity::Error,
        help: "every monitoring test assesses an organ system or detects a biomarker",
        check: |g, r, out| {
            for &n in g.of_kind(NodeKind::Monitoring) {
                let any = g.out_edges(n).any(|(e, _)| {
                    matches!(
                        g.statement(e).relation,
                        Relation::Assesses | Relation::Detects
                    )
                });
                if !any {
                    out.push(finding(
                        g,
                        r,
                        n,
                        "monitoring test assesses nothing and detects nothing",
                    ));
                }
            }
        },
    },
    Rule {
        id: "orphan-node",
        severity: Severity::Warning,
        help: "a node no statement mentions is unreachable from every query",
        check: |g, r, out| {
            for n in g.nodes() {
                if g.out_edges(n).next().is_none() && g.in_edges(n).next().is_none() {
                    out.push(finding(g, r, n, "no statement mentions this node"));
                }
            }
        },
    },
];

fn finding(g: &KnowledgeGraph, rule: &Rule, n: NodeIx, message: &str) -> Finding {
    let node = g.node(n);
    Finding {
        rule: rule.id,
        severity: rule.severity,
        message: format!("{} `{}`: {message}", node.kind, node.id),
        subject: node.id.clone(),
        origin: node.origin.clone(),
    }
}

fn drug_lacks(g: &KnowledgeGraph, rule: &Rule, out: &mut Vec<Finding>, rel: Relation, what: &str) {
    for &n in g.of_kind(NodeKind::Drug) {
        if g.out_rel(n, rel).next().is_none() {
            out.push(finding(g, rule, n, what));
        }
    }
}

/// Runs every rule; findings sorted by place.
pub fn run(g: &KnowledgeGraph) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        (rule.check)(g, rule, &mut out);
    }
    out.sort_by(|a, b| (&a.origin, a.rule).cmp(&(&b.origin, b.rule)));
    out
}
