//! The relation that joins two kinds: the lexicon's table for `for`, `with` and no phrase, else the
//! relations a phrase names (or a bridge through a middle kind).

use super::*;
use crate::lexicon::phrasing::Reading;

/// One reading of a link: the relations and what the other end must be.
#[derive(Debug, Clone)]
pub(super) struct Branch {
    pub(super) rels: Vec<(Relation, Dir)>,
    pub(super) target: Target,
}

/// A relation phrase as typed: its words and the relations it may mean either way.
pub(super) struct RelWords<'a> {
    pub(super) text: &'a str,
    pub(super) fwd: &'a [Relation],
    pub(super) inv: &'a [Relation],
}

impl Planner<'_> {
    /// The readings of a link between `kind` and `other`: the lexicon's table for `for`, `with`
    /// and no phrase at all, else the relations the phrase names that join the kinds.
    pub(super) fn branches(
        &self,
        kind: NodeKind,
        rel: Option<&RelWords>,
        target: &Target,
        other: NodeKind,
        span: Span,
    ) -> Result<Vec<Branch>, QueryError> {
        let table_word = match rel {
            None if self.linking => Some("with"),
            None => Some(""),
            Some(r) if r.text == "for" || r.text == "of" => Some(r.text),
            // `drugs treating ESR1-mutated cancer`: a biomarker read as `for` reads it, the
            // therapies that require it and those treating the subtypes it defines (not every
            // biomarker a therapy is chosen by defines a subtype).
            Some(r)
                if r.fwd == [Relation::Treats]
                    && r.inv.is_empty()
                    && other == NodeKind::Biomarker =>
            {
                Some("for")
            }
            Some(_) => None,
        };
        if let Some(readings) = table_word.and_then(|w| phrasing::pair_readings(w, kind, other)) {
            let out = self.readings(readings, target);
            if !out.is_empty() {
                return Ok(out);
            }
        }
        let Some(rel) = rel else {
            let rels = self.link_rels(kind, other, span)?;
            return Ok(vec![Branch {
                rels,
                target: target.clone(),
            }]);
        };
        let connector = CONNECTORS.contains(&rel.text);
        self.phrase_branch(kind, rel, connector, target, other, span)
    }
    pub(super) fn readings(&self, readings: &[Reading], target: &Target) -> Vec<Branch> {
        let mut out = Vec::new();
        for r in readings {
            match r {
                Reading::Direct(rel, forward) => out.push(Branch {
                    rels: vec![(*rel, if *forward { Dir::Out } else { Dir::In })],
                    target: target.clone(),
                }),
                Reading::TreatsDefined => {
                    let nodes = match target {
                        Target::Node(n) => vec![*n],
                        Target::Nodes(ns) => ns.clone(),
                        _ => Vec::new(),
                    };
                    for n in nodes {
                        out.push(Branch {
                            rels: vec![(Relation::Treats, Dir::Out)],
                            target: Target::Bridge {
                                node: n,
                                kind: NodeKind::Subtype,
                                via: vec![(Relation::Defines, Dir::In)],
                            },
                        });
                    }
                }
            }
        }
        out
    }
    /// The relations a phrase means between `kind` and `other`, as one reading (or a bridge).
    pub(super) fn phrase_branch(
        &self,
        kind: NodeKind,
        rel: &RelWords,
        connector: bool,
        target: &Target,
        other: NodeKind,
        span: Span,
    ) -> Result<Vec<Branch>, QueryError> {
        let (fwd, inv) = (rel.fwd, rel.inv);
        let mut rels: Vec<(Relation, Dir)> = fwd
            .iter()
            .filter(|r| lexicon::allows(**r, kind, other))
            .map(|r| (*r, Dir::Out))
            .collect();
        rels.extend(
            inv.iter()
                .filter(|r| lexicon::allows(**r, other, kind))
                .map(|r| (*r, Dir::In)),
        );
        for r in fwd {
            let s = (*r, Dir::In);
            if SYMMETRIC.contains(r) && lexicon::allows(*r, other, kind) && !rels.contains(&s) {
                rels.push(s);
            }
        }
        if rels.is_empty() {
            // The kinds fit only the other way round. Never for the order of treatments: read
            // backwards, `classes after X` would be what comes before X.
            let back: Vec<Relation> = fwd
                .iter()
                .copied()
                .filter(|r| lexicon::allows(*r, other, kind))
                .collect();
            if !back.is_empty() && back.iter().all(|r| *r == Relation::RequiresPrior) {
                return Err(QueryError::new(
                    format!(
                        "`{}` does not link {} to {}: a {} comes before a {} here, not after",
                        rel.text,
                        lexicon::plural(kind),
                        lexicon::plural(other),
                        lexicon::singular(kind),
                        lexicon::singular(other)
                    ),
                    span,
                )
                .with_help(format!(
                    "for what comes before, ask `{} before …`",
                    lexicon::plural(kind)
                )));
            }
            rels.extend(
                back.into_iter()
                    .filter(|r| *r != Relation::RequiresPrior)
                    .map(|r| (r, Dir::In)),
            );
            if !rels.is_empty() {
                self.reversed.set(self.reversed.get() + 1);
            }
        }
        if rels.is_empty() {
            let biolink: Vec<std::borrow::Cow<'static, str>> = fwd
                .iter()
                .chain(inv)
                .map(|r| lexicon::biolink_predicate(*r))
                .filter(|p| lexicon::sole_relation_of(p).is_some())
                .collect();
            rels = any_rels(self.g, kind, other)
                .into_iter()
                .filter(|(r, _)| {
                    matches!(r, Relation::Other(_)) && biolink.iter().any(|b| b == r.as_str())
                })
                .collect();
        }
        if rels.is_empty() && connector {
            rels = super::narrowed(any_rels(self.g, kind, other), self.narrow);
        }
        if !rels.is_empty() {
            return Ok(vec![Branch {
                rels,
                target: target.clone(),
            }]);
        }
        if let Target::Node(n) = target {
            for r in fwd {
                if !lexicon::domain(*r).contains(&kind) {
                    continue;
                }
                for &mid in lexicon::range(*r) {
                    let via = any_rels(self.g, mid, other);
                    if !via.is_empty() {
                        return Ok(vec![Branch {
                            rels: vec![(*r, Dir::Out)],
                            target: Target::Bridge {
                                node: *n,
                                kind: mid,
                                via,
                            },
                        }]);
                    }
                }
            }
        }
        let mut alternatives: Vec<String> = Vec::new();
        // Each once: between a kind and itself, both directions are the same relations.
        for r in lexicon::relations_between(kind, other)
            .into_iter()
            .chain(lexicon::relations_between(other, kind))
        {
            let phrase = lexicon::phrase(r).to_string();
            if !alternatives.contains(&phrase) {
                alternatives.push(phrase);
            }
        }
        let mut err = QueryError::new(
            format!(
                "`{}` does not link {} to {}",
                rel.text,
                lexicon::plural(kind),
                lexicon::plural(other)
            ),
            span,
        );
        if !alternatives.is_empty() {
            err = err.with_help(format!("phrases that do: {}", alternatives.join(", ")));
        }
        Err(err)
    }
    /// Kinds a relation phrase can reach from `kind`, for an object left out.
    pub(super) fn range_kinds(
        &self,
        kind: NodeKind,
        fwd: &[Relation],
        inv: &[Relation],
    ) -> Vec<NodeKind> {
        let mut out = Vec::new();
        for r in fwd {
            if lexicon::domain(*r).contains(&kind) {
                out.extend(lexicon::range(*r).iter().copied());
            }
        }
        for r in inv {
            if lexicon::range(*r).contains(&kind) {
                out.extend(lexicon::domain(*r).iter().copied());
            }
        }
        out.sort();
        out.dedup();
        out
    }
    /// The query of a `why`.
    pub(super) fn query(&mut self, e: &Expr) -> Result<Query, QueryError> {
        match self.question(&merge_with(e.clone(), self.g.lexicon()), false, false)? {
            PlanKind::Find(q) => Ok(q),
            _ => Err(QueryError::new(
                "`why` takes a query of one kind, e.g. `why drugs targeting HER2`",
                e.span(),
            )),
        }
    }

    /// Relations that join two kinds either way, for a link with no relation phrase.
    pub(super) fn link_rels(
        &self,
        kind: NodeKind,
        other: NodeKind,
        span: Span,
    ) -> Result<Vec<(Relation, Dir)>, QueryError> {
        let rels = any_rels(self.g, kind, other);
        if rels.is_empty() {
            return Err(QueryError::new(
                format!(
                    "nothing links {} to {}",
                    lexicon::plural(kind),
                    lexicon::plural(other)
                ),
                span,
            ));
        }
        Ok(rels)
    }

    pub(super) fn column(&mut self, title: &str) -> Option<usize> {
        if self.negated > 0 {
            return None;
        }
        if let Some(i) = self.columns.iter().position(|c| c == title) {
            return Some(i);
        }
        self.columns.push(title.to_string());
        Some(self.columns.len() - 1)
    }
}
