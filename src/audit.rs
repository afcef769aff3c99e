//! Lint rules over a loaded graph: things that are valid data but look wrong to a reviewer.
//!
//! Validation (in `data`) refuses a graph that cannot be built; these rules look at a built graph
//! and report findings with a rule id, a severity and the place to look. A node may accept a
//! finding in the data (`accept = { rule-id = "why" }`, or `"rule-id/other-id" = "why"` for the
//! findings of a rule that name one other node): it is then reported as info with the reason, so
//! every remaining warning is explained where a reviewer reads it. Pure; nothing prints.

use std::collections::{BTreeSet, HashMap};

use crate::diag::Severity;
use crate::graph::{normalize, EdgeIx, KnowledgeGraph, NodeIx};
use crate::model::{Evidence, Line, NodeKind, Origin, Relation};

/// The source id whose statements are general background, not read off a page.
pub const BACKGROUND_SOURCE: &str = "pharmacology-background";

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The node id the finding is about.
    pub subject: String,
    /// The other node a finding names (the regimen or class whose statement a drug lacks), so an
    /// acceptance can be about that one finding: `"rule-id/other-id" = "why"`.
    pub about: Option<String>,
    pub origin: Origin,
}

/// Settings of a run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Warn about sources approved before this date (`YYYY-MM` or `YYYY-MM-DD`).
    pub stale_before: Option<String>,
}

/// A lint rule: an id, its severity, what it checks, and the check.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub help: &'static str,
    check: fn(&Ctx, &mut Vec<Finding>),
}

/// What a rule sees.
struct Ctx<'a> {
    g: &'a KnowledgeGraph,
    rule: &'a Rule,
    opts: &'a Options,
}

impl Ctx<'_> {
    fn node(&self, n: NodeIx, message: String) -> Finding {
        let node = self.g.node(n);
        Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            message: format!("{} `{}`: {message}", node.kind, node.id),
            subject: node.id.to_string(),
            about: None,
            origin: node.origin.to_origin(),
        }
    }

    fn source(&self, s: &crate::model::Source, message: String) -> Finding {
        Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            message: format!("source `{}`: {message}", s.id),
            subject: s.id.clone(),
            about: None,
            origin: s.origin.clone(),
        }
    }

    fn statement(&self, e: EdgeIx, message: String) -> Finding {
        let st = self.g.statement(e);
        Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            message: format!("{} —{}→ {}: {message}", st.subject, st.relation, st.object),
            subject: st.subject.to_string(),
            about: None,
            origin: st.origin.to_origin(),
        }
    }
}

/// Every rule, in the order reports list them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "drug-without-class",
        severity: Severity::Error,
        help: "every drug is a member of at least one class",
        check: |c, out| drug_lacks(c, out, Relation::MemberOf, "no class"),
    },
    Rule {
        id: "drug-without-target",
        severity: Severity::Error,
        help: "every drug has at least one molecular target",
        check: |c, out| drug_lacks(c, out, Relation::Targets, "no target"),
    },
    Rule {
        id: "drug-without-subtype",
        severity: Severity::Error,
        help: "every drug treats at least one subtype",
        check: |c, out| drug_lacks(c, out, Relation::Treats, "no subtype it treats"),
    },
    Rule {
        id: "side-effect-without-organ-system",
        severity: Severity::Error,
        help: "every side effect affects an organ system, so `hepatic side effects` means something",
        check: |c, out| {
            for &n in c.g.of_kind(NodeKind::SideEffect) {
                if c.g.out_rel(n, Relation::Affects).next().is_none() {
                    out.push(c.node(n, "affects no organ system".into()));
                }
            }
        },
    },
    Rule {
        id: "monitoring-assesses-nothing",
        severity: Severity::Error,
        help: "every monitoring test assesses an organ system or detects a biomarker",
        check: |c, out| {
            for &n in c.g.of_kind(NodeKind::Monitoring) {
                let any = c
                    .g
                    .out_edges(n)
                    .any(|(e, _)| matches!(c.g.statement(e).relation, Relation::Assesses | Relation::Detects));
                if !any {
                    out.push(c.node(n, "assesses nothing and detects nothing".into()));
                }
            }
        },
    },
    Rule {
        id: "monitoring-without-side-effect",
        severity: Severity::Warning,
        help: "a drug monitored for an organ system should be recorded to cause a side effect there",
        check: |c, out| {
            for &d in c.g.of_kind(NodeKind::Drug) {
                let harmed = organs_harmed(c.g, d);
                for (e, m) in c.g.out_rel(d, Relation::RequiresMonitoring) {
                    for (_, organ) in c.g.out_rel(m, Relation::Assesses) {
                        if !harmed.contains(&organ) {
                            out.push(c.statement(
                                e,
                                format!(
                                    "monitors the {} system, but no side effect of the drug affects it",
                                    c.g.node(organ).name
                                ),
                            ));
                        }
                    }
                }
            }
        },
    },
    Rule {
        id: "test-as-monitoring",
        severity: Severity::Warning,
        help: "a test that finds a biomarker decides eligibility before treatment: requires_test, not requires_monitoring",
        check: |c, out| {
            for e in c.g.statements() {
                if c.g.statement(e).relation != Relation::RequiresMonitoring {
                    continue;
                }
                let (_, m) = c.g.ends(e);
                if let Some((_, b)) = c.g.out_rel(m, Relation::Detects).next() {
                    out.push(c.statement(
                        e,
                        format!(
                            "the test finds {}, so it decides eligibility; use requires_test",
                            c.g.node(b).name
                        ),
                    ));
                }
            }
        },
    },
    Rule {
        id: "fact-not-on-drug",
        severity: Severity::Warning,
        help: "a fact stated on a regimen or class that names a drug belongs on the drug's own file too",
        check: fact_not_on_drug,
    },
    Rule {
        id: "cardiac-side-effect-without-monitoring",
        severity: Severity::Warning,
        help: "a drug with a cardiac side effect and no cardiac monitoring needs a reviewer's look",
        check: |c, out| {
            let Some(cardiac) = c.g.by_id("cardiac") else { return };
            for &d in c.g.of_kind(NodeKind::Drug) {
                if !organs_harmed(c.g, d).contains(&cardiac) {
                    continue;
                }
                let monitored = c.g.out_rel(d, Relation::RequiresMonitoring).any(|(_, m)| {
                    c.g.out_rel(m, Relation::Assesses).any(|(_, o)| o == cardiac)
                });
                if !monitored {
                    out.push(c.node(d, "has a cardiac side effect but no cardiac monitoring".into()));
                }
            }
        },
    },
    Rule {
        id: "orphan-node",
        severity: Severity::Warning,
        help: "a node no statement mentions is unreachable from every query",
        check: |c, out| {
            for n in c.g.nodes() {
                if c.g.out_edges(n).next().is_none() && c.g.in_edges(n).next().is_none() {
                    out.push(c.node(n, "no statement mentions this node".into()));
                }
            }
        },
    },
    Rule {
        id: "alias-near-collision",
        severity: Severity::Warning,
        help: "two nodes whose names differ only in case, spaces or punctuation confuse readers",
        check: |c, out| {
            let mut seen: HashMap<String, NodeIx> = HashMap::new();
            let mut pairs = BTreeSet::new();
            for (label, n) in c.g.labels() {
                let key = loose_key(label);
                if key.is_empty() {
                    continue;
                }
                match seen.get(&key) {
                    Some(&other) if other != n => {
                        let (a, b) = (c.g.node(other).id.to_string(), c.g.node(n).id.to_string());
                        if pairs.insert((a.clone().min(b.clone()), a.max(b))) {
                            out.push(c.node(n, format!("`{label}` reads like a name of `{}`", c.g.node(other).id)));
                        }
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key, n);
                    }
                }
            }
        },
    },
    Rule {
        id: "section-updated-after-source",
        severity: Severity::Info,
        help: "statements citing a section updated after the source's own date; check them against the update",
        check: |c, out| {
            for s in c.g.sources() {
                for sec in &s.sections {
                    let (Some(updated), Some(approved)) = (&sec.updated, &s.approved) else { continue };
                    if updated <= approved {
                        continue;
                    }
                    let n = c
                        .g
                        .statements()
                        .filter(|e| {
                            let p = &c.g.statement(*e).provenance;
                            p.source == s.id && p.section == sec.heading
                        })
                        .count();
                    out.push(c.source(
                        s,
                        format!("section “{}” was updated {updated}, after the source's date {approved}; {n} statements cite it", sec.heading),
                    ));
                }
            }
        },
    },
    Rule {
        id: "stale-source",
        severity: Severity::Warning,
        help: "a source older than --stale-after should be checked for a newer version",
        check: |c, out| {
            let Some(limit) = &c.opts.stale_before else { return };
            for s in c.g.sources() {
                let newest = s
                    .sections
                    .iter()
                    .filter_map(|x| x.updated.as_ref())
                    .chain(s.approved.as_ref())
                    .max();
                if let Some(date) = newest {
                    if date.as_str() < limit.as_str() && s.id != BACKGROUND_SOURCE {
                        out.push(c.source(s, format!("last updated {date}, before {limit}")));
                    }
                }
            }
        },
    },
    Rule {
        id: "duplicate-statement",
        severity: Severity::Warning,
        help: "the same statement twice, with the same qualifiers",
        check: |c, out| {
            let mut seen: HashMap<(String, Relation, String, crate::model::Qualifiers, String), EdgeIx> = HashMap::new();
            for e in c.g.statements() {
                let st = c.g.statement(e);
                let key = (
                    st.subject.to_string(),
                    st.relation,
                    st.object.to_string(),
                    st.qualifiers.clone(),
                    st.provenance.section.clone(),
                );
                if let Some(first) = seen.get(&key) {
                    out.push(c.statement(e, format!("repeats the statement at {}", c.g.statement(*first).origin)));
                } else {
                    seen.insert(key, e);
                }
            }
        },
    },
    Rule {
        id: "contradictory-combination",
        severity: Severity::Error,
        help: "a drug or class both combined and not combined with the same partner",
        check: |c, out| {
            for e in c.g.statements() {
                let st = c.g.statement(e);
                if st.relation != Relation::NotCombinedWith {
                    continue;
                }
                let (s, o) = c.g.ends(e);
                let clash = [(s, o), (o, s)].iter().any(|&(a, b)| {
                    let partners: Vec<NodeIx> = c.g.descendants(b);
                    c.g.out_rel(a, Relation::CombinedWith).any(|(_, p)| partners.contains(&p))
                        || c.g.out_rel(a, Relation::RequiresCotherapy).any(|(_, p)| partners.contains(&p))
                });
                if clash {
                    out.push(c.statement(e, "is also recorded as combined with it".into()));
                }
            }
        },
    },
    Rule {
        id: "background-evidence-source",
        severity: Severity::Warning,
        help: "evidence `background` cites the background source, and the background source only has background evidence",
        check: |c, out| {
            for e in c.g.statements() {
                let p = &c.g.statement(e).provenance;
                let background = p.evidence == Evidence::Background;
                if background != (p.source == BACKGROUND_SOURCE) {
                    out.push(c.statement(e, format!("evidence `{}` with source `{}`", p.evidence, p.source)));
                }
            }
        },
    },
];

/// Relations whose regimen statements each named drug should repeat on its own file.
const REGIMEN_FACTS: [Relation; 3] = [Relation::Treats, Relation::UsedIn, Relation::RequiresPrior];

/// A class this small, without subclasses, is a named handful (the taxanes, the aromatase
/// inhibitors, the CDK4/6 inhibitors): a regimen naming the class names each of its drugs.
const HANDFUL: usize = 3;

/// The drugs a regimen names: its drug components, and the drugs of a component class that is a
/// named handful.
fn named_drugs(g: &KnowledgeGraph, regimen: NodeIx) -> Vec<NodeIx> {
    let mut out = Vec::new();
    for (_, part) in g.out_rel(regimen, Relation::HasComponent) {
        match g.node(part).kind {
            NodeKind::Drug => out.push(part),
            NodeKind::Class if g.in_rel(part, Relation::SubclassOf).next().is_none() => {
                let members: Vec<NodeIx> = g
                    .in_rel(part, Relation::MemberOf)
                    .map(|(_, m)| m)
                    .filter(|m| g.node(*m).kind == NodeKind::Drug)
                    .collect();
                if members.len() <= HANDFUL {
                    out.extend(members);
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether drug `d` states `rel` to `object` itself (for `treats`, on the same line when the
/// regimen gives one).
fn drug_states(
    g: &KnowledgeGraph,
    d: NodeIx,
    rel: Relation,
    object: NodeIx,
    line: Option<Line>,
) -> bool {
    g.out_rel(d, rel)
        .any(|(e, o)| o == object && (line.is_none() || g.statement(e).qualifiers.line == line))
}

/// Whether drug `d` states `rel` back to `class` or to a member of it, or names it as a partner.
fn drug_states_back(g: &KnowledgeGraph, d: NodeIx, rel: Relation, class: NodeIx) -> bool {
    let class_id = &g.node(class).id;
    let members: Vec<NodeIx> = g
        .in_rel(class, Relation::MemberOf)
        .map(|(_, m)| m)
        .collect();
    g.out_rel(d, rel).any(|(e, o)| {
        o == class
            || members.contains(&o)
            || g.statement(e).qualifiers.with.iter().any(|w| w == class_id)
    }) || g.in_rel(d, rel).any(|(_, s)| members.contains(&s))
}

fn fact_not_on_drug(c: &Ctx, out: &mut Vec<Finding>) {
    let mut push = |d: NodeIx, about: NodeIx, e: EdgeIx| {
        let st = c.g.statement(e);
        let line = st
            .qualifiers
            .line
            .as_ref()
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default();
        let mut f = c.node(
            d,
            format!(
                "{} `{}` states {} {}{line} at {}, naming this drug; its own file does not",
                c.g.node(about).kind,
                st.subject,
                st.relation,
                st.object,
                st.origin
            ),
        );
        f.about = Some(c.g.node(about).id.to_string());
        out.push(f);
    };
    for &r in c.g.of_kind(NodeKind::Regimen) {
        let drugs = named_drugs(c.g, r);
        for rel in REGIMEN_FACTS {
            for (e, o) in c.g.out_rel(r, rel) {
                let line = c.g.statement(e).qualifiers.line;
                for &d in &drugs {
                    if !drug_states(c.g, d, rel, o, line) {
                        push(d, r, e);
                    }
                }
            }
        }
    }
    // A class statement whose object, or partner, is a drug.
    for &class in c.g.of_kind(NodeKind::Class) {
        for (e, o) in c.g.out_edges(class) {
            let st = c.g.statement(e);
            let partners = st.qualifiers.with.iter().filter_map(|w| c.g.by_id(w));
            let named = std::iter::once(o).chain(partners);
            for d in named.filter(|d| c.g.node(*d).kind == NodeKind::Drug) {
                if !drug_states_back(c.g, d, st.relation, class) {
                    push(d, class, e);
                }
            }
        }
    }
}

/// A label with case, spaces, dots, underscores and inner hyphens dropped (`T-DM1` → `tdm1`);
/// a sign at the end stays (`HER2-` and `HER2+` differ from `HER2`).
fn loose_key(label: &str) -> String {
    let chars: Vec<char> = normalize(label).chars().collect();
    let mut key = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let inner = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphanumeric()
            && chars[i + 1].is_alphanumeric();
        match c {
            ' ' | '_' | '.' => {}
            '-' if inner => {}
            _ => key.push(c),
        }
    }
    key
}

/// Organ systems a drug's side effects affect, its classes' included.
fn organs_harmed(g: &KnowledgeGraph, d: NodeIx) -> Vec<NodeIx> {
    let mut carriers = vec![d];
    for (_, class) in g.out_rel(d, Relation::MemberOf) {
        carriers.extend(g.ancestors(class));
    }
    let mut organs = Vec::new();
    for c in carriers {
        for (_, se) in g.out_rel(c, Relation::Causes) {
            organs.extend(g.out_rel(se, Relation::Affects).map(|(_, o)| o));
        }
    }
    organs
}

fn drug_lacks(c: &Ctx, out: &mut Vec<Finding>, rel: Relation, what: &str) {
    for &n in c.g.of_kind(NodeKind::Drug) {
        if c.g.out_rel(n, rel).next().is_none() {
            out.push(c.node(n, what.into()));
        }
    }
}

/// Runs every rule; findings a node accepts become info; sorted by place.
pub fn run(g: &KnowledgeGraph, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        (rule.check)(&Ctx { g, rule, opts }, &mut out);
    }
    for f in &mut out {
        let Some(n) = g.by_id(&f.subject) else {
            continue;
        };
        let narrow = f.about.as_ref().map(|a| format!("{}/{a}", f.rule));
        let accepts = |r: &str| r == f.rule || Some(r) == narrow.as_deref();
        if let Some((_, why)) = g.node(n).accepted.iter().find(|(r, _)| accepts(r)) {
            f.severity = Severity::Info;
            f.message = format!("{} (accepted: {why})", f.message);
        }
    }
    out.sort_by(|a, b| (&a.origin, a.rule).cmp(&(&b.origin, b.rule)));
    out
}

/// Reads `--stale-after`: a date (`2024-01`), or an age (`18m`, `3y`) counted back from `today`
/// (`YYYY-MM`). Returns the cut-off date.
pub fn stale_cutoff(spec: &str, today: &str) -> Option<String> {
    let spec = spec.trim();
    if spec.len() >= 7 && spec.as_bytes().get(4) == Some(&b'-') {
        return is_date(spec).then(|| spec.to_string());
    }
    let (num, unit) = spec.split_at(spec.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let months = match unit {
        "m" | "mo" | "months" => n,
        "y" | "years" => n.checked_mul(12)?,
        _ => return None,
    };
    let year: i64 = today.get(..4)?.parse().ok()?;
    let month: i64 = today.get(5..7)?.parse().ok()?;
    let total = (year * 12 + (month - 1)).checked_sub(months)?;
    if total < 0 {
        return None;
    }
    Some(format!(
        "{:04}-{:02}",
        total.div_euclid(12),
        total.rem_euclid(12) + 1
    ))
}

/// Whether `s` is a date as sources give them: `YYYY-MM` or `YYYY-MM-DD`, with a month of
/// 01–12 and a day of 01–31.
fn is_date(s: &str) -> bool {
    let number = |t: &str, lo: u32, hi: u32| {
        t.bytes().all(|b| b.is_ascii_digit())
            && t.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    let parts: Vec<&str> = s.split('-').collect();
    let shape = parts
        .first()
        .is_some_and(|y| y.len() == 4 && number(y, 0, 9999))
        && parts
            .get(1)
            .is_some_and(|m| m.len() == 2 && number(m, 1, 12));
    match parts.len() {
        2 => shape,
        3 => shape && parts[2].len() == 2 && number(parts[2], 1, 31),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_keys_keep_signs() {
        assert_eq!(loose_key("T-DM1"), loose_key("tdm1"));
        assert_ne!(loose_key("HER2-"), loose_key("HER2"));
        assert_ne!(loose_key("HER2+"), loose_key("HER2-"));
    }

    #[test]
    fn stale_cutoffs() {
        assert_eq!(stale_cutoff("2y", "2026-11").as_deref(), Some("2024-11"));
        assert_eq!(stale_cutoff("18m", "2026-03").as_deref(), Some("2024-09"));
        assert_eq!(
            stale_cutoff("2023-01", "2026-11").as_deref(),
            Some("2023-01")
        );
        assert_eq!(stale_cutoff("soon", "2026-11"), None);
        assert_eq!(
            stale_cutoff("2024-03-15", "2026-11").as_deref(),
            Some("2024-03-15")
        );
    }

    #[test]
    fn stale_cutoffs_refuse_dates_that_do_not_exist_and_ages_that_overflow() {
        for spec in [
            "2099-13",
            "2024-00",
            "2024-1x",
            "2024-01-32",
            "2024-01-5",
            "20x4-01",
        ] {
            assert_eq!(stale_cutoff(spec, "2026-11"), None, "{spec}");
        }
        assert_eq!(stale_cutoff("999999999999999999y", "2026-11"), None);
        assert_eq!(stale_cutoff("99999m", "2026-11"), None);
    }
}
