//! Linking bound words into filters: phrases, noun phrases, clauses and the relation that joins
//! two kinds.

use std::borrow::Cow;

use super::*;

impl Planner<'_> {
    /// The top-level query of a find, count or why.
    pub(super) fn query(&mut self, e: &Expr) -> Result<Query, QueryError> {
        let merged = merge_with(e.clone(), self.g.lexicon());
        let e = &merged;
        let Some(first) = leftmost(e) else {
            return Err(QueryError::new(
                "a query starts with what it looks for, e.g. `drugs …` or a name",
                e.span(),
            ));
        };
        let toks = self.tokens(first)?;
        let kind = match toks.iter().find(|t| !matches!(t, Tok::Node(..))) {
            Some(Tok::Kind(k, _, _)) => *k,
            _ => match toks.first() {
                Some(Tok::Node(n, _)) => self.g.node(*n).kind,
                Some(t) => {
                    return Err(QueryError::new(
                        "a query starts with what it looks for, e.g. `drugs …` or a name",
                        t.span(),
                    ))
                }
                None => return Err(QueryError::new("empty query", first.span)),
            },
        };
        let filter = self.expr(e, kind, true, false)?;
        Ok(Query { kind, filter })
    }

    /// `linked`: inside the operand of `with`/`without`, where a noun phrase means "linked to
    /// such nodes" (`with (cardiac monitoring or hepatic side effects)`).
    pub(super) fn expr(
        &mut self,
        e: &Expr,
        kind: NodeKind,
        head: bool,
        linked: bool,
    ) -> Result<Filter, QueryError> {
        match e {
            Expr::Phrase(p) => self.phrase(p, kind, head, linked),
            Expr::Not(inner, _) => {
                self.negated += 1;
                let f = self.expr(inner, kind, false, linked);
                self.negated -= 1;
                Ok(Filter::Not(Box::new(f?)))
            }
            Expr::Binary(op, l, r, _) => {
                let left = self.expr(l, kind, head, linked)?;
                let negate = usize::from(*op == BinOp::Without);
                self.negated += negate;
                let right_linked = linked || matches!(op, BinOp::With | BinOp::Without);
                let right = self.expr(r, kind, false, right_linked);
                self.negated -= negate;
                let right = right?;
                Ok(match op {
                    // `drugs with X`: every drug ∧ … is just …
                    BinOp::And | BinOp::With if left == Filter::All => right,
                    BinOp::Without if left == Filter::All => Filter::Not(Box::new(right)),
                    BinOp::And | BinOp::With => Filter::And(Box::new(left), Box::new(right)),
                    BinOp::Without => {
                        Filter::And(Box::new(left), Box::new(Filter::Not(Box::new(right))))
                    }
                    BinOp::Or => Filter::Or(Box::new(left), Box::new(right)),
                })
            }
        }
    }

    /// One phrase as a filter on nodes of `kind`. `head`: the phrase that names the kind.
    /// `linked`: after `with`/`without`, a noun phrase means "linked to such nodes".
    pub(super) fn phrase(
        &mut self,
        p: &Phrase,
        kind: NodeKind,
        head: bool,
        linked: bool,
    ) -> Result<Filter, QueryError> {
        let toks = self.tokens(p)?;
        let conds = self.conditions(p)?;
        let mut filters = Vec::new();
        let mut rest: &[Tok] = &toks;

        // Leading names and a kind noun: `cardiac monitoring`, `oral drugs`, or a bare name.
        let lead = rest
            .iter()
            .take_while(|t| matches!(t, Tok::Node(..)))
            .count();
        match rest.get(lead) {
            Some(Tok::Kind(k, span, narrow)) => {
                let noun_kind = *k;
                let mods = &rest[..lead];
                rest = &rest[lead + 1..];
                let saved = std::mem::replace(&mut self.narrow, *narrow);
                let sub = self.noun_phrase(noun_kind, mods, rest, &conds);
                self.narrow = saved;
                let sub = sub?;
                if linked {
                    // `with cardiac monitoring`: linked to nodes of that noun phrase.
                    let rels = narrowed(self.link_rels(kind, noun_kind, *span)?, *narrow);
                    let column = self.column(&lexicon::plural(noun_kind));
                    return Ok(Filter::Link {
                        rels,
                        target: Target::Set(Box::new(sub)),
                        conds: Vec::new(),
                        column,
                    });
                }
                if noun_kind != kind {
                    return Err(QueryError::new(
                        format!(
                            "this asks for {}, but the query is about {}",
                            lexicon::plural(noun_kind),
                            lexicon::plural(kind)
                        ),
                        *span,
                    )
                    .with_help(format!(
                        "use `with {}` to ask for {} linked to them",
                        ast::words_text(&p.words),
                        lexicon::plural(kind)
                    )));
                }
                return Ok(sub.filter);
            }
            _ if lead > 1 && lead == rest.len() && !linked => {
                let span = rest
                    .iter()
                    .map(Tok::span)
                    .reduce(Span::join)
                    .unwrap_or(p.span);
                return Err(QueryError::new(
                    "several names in a row: join them with `and` or `or`",
                    span,
                ));
            }
            _ if lead > 0 && lead == rest.len() => {
                // Only names.
                let names = &rest[..lead];
                for t in names {
                    let Tok::Node(n, span) = t else { continue };
                    let other = self.g.node(*n).kind;
                    // A name of the kind asked for is that node (`… and not Herceptin`), except
                    // after `with`, where it means "linked to it".
                    if !linked && other == kind && names.len() == 1 {
                        return Ok(Filter::Is(*n));
                    }
                    let rels = self.link_rels(kind, other, *span)?;
                    filters.push(Filter::Link {
                        rels,
                        target: Target::Node(*n),
                        conds: conds.clone(),
                        column: None,
                    });
                }
                return Ok(and_all(filters));
            }
            _ if lead == 1 && head => {
                // `trastuzumab requires echocardiogram`: the node, then its links.
                if let Some(Tok::Node(n, _)) = rest.first() {
                    if self.g.node(*n).kind == kind {
                        filters.push(Filter::Is(*n));
                        rest = &rest[1..];
                    }
                }
            }
            _ => {}
        }
        let clauses = self.clauses(kind, rest, &conds)?;
        filters.extend(clauses);
        if filters.is_empty() {
            return Ok(Filter::All);
        }
        Ok(and_all(filters))
    }

    /// `hepatic side effects causing …`: nodes of `kind` linked to each modifier, then clauses.
    pub(super) fn noun_phrase(
        &mut self,
        kind: NodeKind,
        mods: &[Tok],
        rest: &[Tok],
        conds: &[Cond],
    ) -> Result<Query, QueryError> {
        let mut filters = Vec::new();
        for m in mods {
            let Tok::Node(n, span) = m else { continue };
            let other = self.g.node(*n).kind;
            let rels = self.link_rels(kind, other, *span)?;
            filters.push(Filter::Link {
                rels,
                target: Target::Node(*n),
                conds: Vec::new(),
                column: None,
            });
        }
        filters.extend(self.clauses(kind, rest, conds)?);
        Ok(Query {
            kind,
            filter: if filters.is_empty() {
                Filter::All
            } else {
                and_all(filters)
            },
        })
    }

    /// A run of `<relation phrase> <object>` clauses, all of which must hold.
    pub(super) fn clauses(
        &mut self,
        kind: NodeKind,
        toks: &[Tok],
        conds: &[Cond],
    ) -> Result<Vec<Filter>, QueryError> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let (phrase, fwd, inv, connector, span) = match &toks[i] {
                Tok::Rel {
                    text,
                    fwd,
                    inv,
                    span,
                } => (
                    text.clone(),
                    fwd.clone(),
                    inv.clone(),
                    CONNECTORS.contains(&text.as_str()),
                    *span,
                ),
                Tok::Conn(text, span) => (text.clone(), Vec::new(), Vec::new(), true, *span),
                t => {
                    return Err(QueryError::new(
                        "expected a relation phrase here, such as `targeting` or `causing`",
                        t.span(),
                    )
                    .with_help("join two conditions with `and`, `or`, `with` or `without`"))
                }
            };
            i += 1;
            // The object: names then an optional kind noun, then (for a noun) its own clauses
            // are not allowed without `with`, so stop at the next relation phrase.
            let start = i;
            while i < toks.len() && matches!(toks[i], Tok::Node(..)) {
                i += 1;
            }
            let names = &toks[start..i];
            let noun = match toks.get(i) {
                Some(Tok::Kind(k, s, _)) => {
                    i += 1;
                    Some((*k, *s))
                }
                _ => None,
            };
            let (target, other_kind, target_span) = match (names, noun) {
                ([], None) => {
                    // `drugs requiring monitoring` with the object left out: anything.
                    let kinds = self.range_kinds(kind, &fwd, &inv);
                    match kinds.as_slice() {
                        [k] => (Target::Any(*k), *k, span),
                        _ => {
                            return Err(QueryError::new(
                                format!("`{phrase}` needs an object, e.g. a name"),
                                span,
                            )
                            .with_help("add what it links to, e.g. `targeting HER2`"))
                        }
                    }
                }
                ([Tok::Node(n, s)], None) => (Target::Node(*n), self.g.node(*n).kind, *s),
                (mods, Some((k, s))) => {
                    let q = self.noun_phrase(k, mods, &[], &[])?;
                    (Target::Set(Box::new(q)), k, s)
                }
                (many, None) => {
                    let span = many
                        .iter()
                        .map(Tok::span)
                        .reduce(Span::join)
                        .unwrap_or(span);
                    return Err(QueryError::new(
                        "several names in a row: join them with `and` or `or`",
                        span,
                    ));
                }
            };
            let filter = self.link(
                kind,
                &phrase,
                &fwd,
                &inv,
                connector,
                target,
                other_kind,
                span.join(target_span),
                conds,
            )?;
            out.push(filter);
        }
        Ok(out)
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

    /// Chooses the relations a phrase means between `kind` and `other`, and builds the link.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn link(
        &mut self,
        kind: NodeKind,
        phrase: &str,
        fwd: &[Relation],
        inv: &[Relation],
        connector: bool,
        target: Target,
        other: NodeKind,
        span: Span,
        conds: &[Cond],
    ) -> Result<Filter, QueryError> {
        let column = match &target {
            Target::Set(_) | Target::Any(_) => self.column(&lexicon::plural(other)),
            _ => None,
        };
        let direct = |k: NodeKind| -> Vec<(Relation, Dir)> {
            let mut rels: Vec<(Relation, Dir)> = fwd
                .iter()
                .filter(|r| lexicon::allows(**r, kind, k))
                .map(|r| (*r, Dir::Out))
                .collect();
            rels.extend(
                inv.iter()
                    .filter(|r| lexicon::allows(**r, k, kind))
                    .map(|r| (*r, Dir::In)),
            );
            // Symmetric relations hold whichever side the statement was written on.
            let symmetric: Vec<(Relation, Dir)> = fwd
                .iter()
                .filter(|r| SYMMETRIC.contains(r) && lexicon::allows(**r, k, kind))
                .map(|r| (*r, Dir::In))
                .collect();
            for s in symmetric {
                if !rels.contains(&s) {
                    rels.push(s);
                }
            }
            if rels.is_empty() {
                // A forward phrase read backwards: `monitoring used for …` is rare, but
                // `combined with` is symmetric.
                rels.extend(
                    fwd.iter()
                        .filter(|r| lexicon::allows(**r, k, kind))
                        .map(|r| (*r, Dir::In)),
                );
            }
            rels
        };
        let mut rels = direct(other);
        if rels.is_empty() {
            // An imported graph's relation named by the Biolink predicate of one the phrase
            // means: `treating` finds `biolink:treats` between third-party kinds. Only a predicate
            // that is this relation's alone (not `biolink:associated_with`, which several of ours
            // export as) carries its meaning.
            let biolink: Vec<Cow<'static, str>> = fwd
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
            rels = narrowed(any_rels(self.g, kind, other), self.narrow);
        }
        if !rels.is_empty() {
            return Ok(Filter::Link {
                rels,
                target,
                conds: conds.to_vec(),
                column,
            });
        }
        // A bridge: the object is one hop from a node of the kind the relation expects.
        if let Target::Node(n) = target {
            for r in fwd {
                if !lexicon::domain(*r).contains(&kind) {
                    continue;
                }
                for &mid in lexicon::range(*r) {
                    let via = any_rels(self.g, mid, other);
                    if !via.is_empty() {
                        return Ok(Filter::Link {
                            rels: vec![(*r, Dir::Out)],
                            target: Target::Bridge {
                                node: n,
                                kind: mid,
                                via,
                            },
                            conds: conds.to_vec(),
                            column: self.column(&lexicon::plural(mid)),
                        });
                    }
                }
            }
        }
        let alternatives: Vec<Cow<'static, str>> = lexicon::relations_between(kind, other)
            .into_iter()
            .chain(lexicon::relations_between(other, kind))
            .map(lexicon::phrase)
            .collect();
        let mut err = QueryError::new(
            format!(
                "`{phrase}` does not link {} to {}",
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
