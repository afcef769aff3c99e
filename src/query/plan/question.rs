//! Questions as people ask them, read onto the precise forms: a leading `which` / `what` /
//! `list` / `show me` / `find` / `give me` before what to find; `what is X` and `tell me about X`
//! (X's card); `what does X target`, `how is X given`, `what monitoring does X need` (the nodes X
//! links to by that relation); `what treats Y` (every kind that fits); `how many …` (a count,
//! grouped by `in each <kind>` / `per <kind>`).
//!
//! Uses the tokens of `reading` and the filters of `phrase`.

use super::phrase::Pending;
use super::{leftmost, GroupBy, PlanKind, Planner, Query, Target, Tok};
use crate::lexicon;
use crate::lexicon::phrasing::{Role, THERAPY_KINDS};
use crate::model::NodeKind;
use crate::query::ast::{Expr, Phrase, Span, Word};
use crate::query::syntax::QueryError;

/// Phrases that ask for the class of a name after `what`: `what kind of drug is olaparib`.
const KIND_OF: &[&str] = &["kind of", "type of", "sort of"];

/// What the opening words of a statement asked.
#[derive(Debug, Default, Clone, Copy)]
struct Asked {
    /// `which`, `what`, `list`, `show me`, …
    open: bool,
    how_many: bool,
    how: bool,
    about: bool,
    /// `who …` first: the people a therapy is for (populations).
    who: bool,
}

impl Asked {
    fn any(self) -> bool {
        self.open || self.how_many || self.how || self.about
    }
}

impl Planner<'_> {
    /// A bare query, `show me …` or `count …`, read as a question when it opens like one.
    pub(super) fn question(
        &mut self,
        e: &Expr,
        show_me: bool,
        count: bool,
    ) -> Result<PlanKind, QueryError> {
        let (mut asked, e) = self.strip_openers(e)?;
        asked.open |= show_me;
        let saved_members = self.members_of;
        self.members_of = if asked.open && !asked.who {
            self.class_asked_about(&e)
        } else {
            None
        };
        let plan = self.question_read(e, asked, count);
        self.members_of = saved_members;
        plan
    }

    /// `which CDK4/6 inhibitor causes diarrhea`, `what taxane is given weekly`: a class named in
    /// the singular first, before a relation phrase, asks which of its member drugs (the class
    /// itself links to nothing by most relations, so read as the class it answered with nothing);
    /// and whether a structure word follows the class (`is`: a question about the members for
    /// sure, never about what the class links to).
    fn class_asked_about(&self, e: &Expr) -> Option<(crate::graph::NodeIx, bool)> {
        let toks = self.tokens(leftmost(e)?).ok()?;
        let mut words = toks.iter().filter(|t| !matches!(t, Tok::Role(..)));
        let class = match (words.next(), words.next()) {
            (
                Some(Tok::Node(n, _)),
                Some(Tok::Rel { .. } | Tok::Conn(..) | Tok::Either(..) | Tok::Qual(..)),
            ) if self.g.node(*n).kind == NodeKind::Class => *n,
            _ => return None,
        };
        // `which taxane is given weekly` asks which member; `what does taxane cause` (its
        // `does` taken off with the opener) what the class links to.
        let said_of = matches!(toks.get(1), Some(Tok::Role(..)));
        Some((class, said_of))
    }

    fn question_read(
        &mut self,
        e: Expr,
        asked: Asked,
        count: bool,
    ) -> Result<PlanKind, QueryError> {
        // `how often does tamoxifen cause hot flashes`: the answer is in the statements'
        // qualifiers, shown beside the rows.
        if asked.how && !asked.how_many {
            self.details = true;
        }
        if asked.how_many || count {
            let (e, group) = self.strip_each(&e)?;
            let kinds = self.head_kinds(&e, asked)?;
            let [kind] = kinds.as_slice() else {
                return Err(QueryError::new(
                    "a count is of one kind: name it, e.g. `how many drugs …`",
                    e.span(),
                ));
            };
            let filter = self.expr(&e, *kind, true, false)?;
            return Ok(PlanKind::Count(
                Query {
                    kind: *kind,
                    filter,
                },
                group,
            ));
        }
        if let Expr::Phrase(p) = &e {
            if asked.any() && !asked.who {
                if let Some(plan) = self.single_phrase_question(p, asked)? {
                    return Ok(plan);
                }
            }
        }
        let kinds = self.head_kinds(&e, asked)?;
        let mut queries = Vec::new();
        let mut first_err = None;
        // Each kind's query, and whether it reads a phrase the other way round from how it was
        // said (the kinds fit only that way).
        let mut reversed = Vec::new();
        for k in &kinds {
            let before = self.reversed.get();
            match self.expr(&e, *k, true, false) {
                Ok(filter) => {
                    queries.push(Query { kind: *k, filter });
                    reversed.push(self.reversed.get() > before);
                }
                Err(err) => {
                    first_err.get_or_insert(err);
                }
            }
        }
        // Several kinds (`options after trastuzumab deruxtecan`): those read as said, not a
        // kind that fits only the other way round (the classes given before it).
        if reversed.contains(&false) && reversed.contains(&true) {
            let mut keep = reversed.iter().map(|r| !r);
            queries.retain(|_| keep.next().unwrap_or(true));
        }
        match (queries.len(), first_err) {
            (0, Some(err)) => Err(err),
            (1, _) if kinds.len() == 1 => Ok(PlanKind::Find(queries.remove(0))),
            (0, None) => Err(QueryError::new("nothing to look for", e.span())),
            _ => Ok(PlanKind::Union(queries)),
        }
    }

    /// Removes `which`, `what is`, `how many`, `tell me about`, `show me the` … from the front of
    /// the statement and says what they asked.
    fn strip_openers(&mut self, e: &Expr) -> Result<(Asked, Expr), QueryError> {
        let mut asked = Asked::default();
        let Some(first) = leftmost(e) else {
            return Ok((asked, e.clone()));
        };
        let toks = self.tokens(first)?;
        let mut end: Option<Span> = None;
        let mut fillers = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t {
                Tok::Role(role, text, span) => {
                    match role {
                        Role::Opener => asked.open = true,
                        Role::Glue if i == 0 && text == "who" => {
                            asked.open = true;
                            asked.who = true;
                        }
                        Role::HowMany => asked.how_many = true,
                        Role::How => asked.how = true,
                        Role::About => asked.about = true,
                        Role::Glue => {}
                        Role::Filler => fillers.push(text.clone()),
                        _ => break,
                    }
                    end = Some(*span);
                }
                _ => break,
            }
        }
        let Some(end) = end.filter(|_| asked.any()) else {
            return Ok((asked, e.clone()));
        };
        self.ignored.extend(fillers);
        let keep: Vec<Word> = first
            .words
            .iter()
            .filter(|w| w.span.start >= end.end)
            .cloned()
            .collect();
        if keep.is_empty() {
            let mut err = QueryError::new(
                "the question is incomplete: say what to look for",
                Span::new(end.end, end.end),
            );
            err.incomplete = true;
            return Err(err.with_help("e.g. `which drugs cause nausea`, `what is Kadcyla`"));
        }
        let mut e = e.clone();
        if let Some(p) = leftmost_mut(&mut e) {
            p.span = Span::new(keep[0].span.start, p.span.end);
            p.words = keep;
        }
        Ok((asked, e))
    }

    /// `… in each class`, `… per route`: the grouping, and the statement without it.
    fn strip_each(&mut self, e: &Expr) -> Result<(Expr, Option<GroupBy>), QueryError> {
        let mut e = e.clone();
        let Some(p) = rightmost_mut(&mut e) else {
            return Ok((e, None));
        };
        let toks = self.tokens(p)?;
        let n = toks.len();
        let (Some(Tok::Role(Role::Each, _, each)), Some(Tok::Kind(k, _, _))) =
            (n.checked_sub(2).and_then(|i| toks.get(i)), toks.last())
        else {
            return Ok((e, None));
        };
        let cut = each.start;
        p.words.retain(|w| w.span.start < cut);
        if let Some(last) = p.words.last() {
            p.span = Span::new(p.span.start, last.span.end);
        }
        Ok((e, Some(GroupBy::Kind(*k))))
    }

    /// `what is X` (the card), `what does X target` (X's targets), `what treats Y` (any kind).
    fn single_phrase_question(
        &mut self,
        p: &Phrase,
        asked: Asked,
    ) -> Result<Option<PlanKind>, QueryError> {
        let saved = self.ignored.len();
        let read = self.read_phrase(p)?;
        // `where` comparisons and the field's words (`what common side effects does X cause`)
        // go with the link the question asks about.
        let mut conds = self.conditions(p)?;
        let mut toks = Vec::with_capacity(read.len());
        for t in read {
            match t {
                Tok::Qual(f, v, s) => conds.push(self.pending_qual(&f, &v, &s)),
                t => toks.push(t),
            }
        }
        let conds = &conds[..];
        match toks.as_slice() {
            [Tok::Node(n, _)] if (asked.open || asked.about) && conds.is_empty() => {
                return Ok(Some(PlanKind::Show(*n)))
            }
            // `which taxane is given weekly`: which member, below.
            [Tok::Node(n, _), ..] if self.members_of == Some((*n, true)) => {}
            // `what monitoring does X need`, `what does X target`; a class in the plural (`what
            // side effects do taxanes cause`): the class and its member drugs, as `side effects of
            // taxanes` reads them.
            [Tok::Kind(k, _, narrow), named @ (Tok::Node(..) | Tok::Plural(..)), Tok::Rel {
                fwd,
                inv,
                text,
                span,
            }] => {
                self.narrow = *narrow;
                let plan = self.inverse_of(Some(*k), named, (fwd, inv), (text, *span), conds);
                self.narrow = None;
                return plan.map(Some);
            }
            // `what kind of drug is olaparib`, `what type of therapy is tamoxifen`: the classes
            // it is in (for a class, the classes it is under).
            [Tok::Rel { text, span, .. }, noun, named @ Tok::Node(n, _)]
                if KIND_OF.contains(&text.as_str())
                    && match noun {
                        Tok::Kind(k, _, _) => *k == self.g.node(*n).kind,
                        Tok::Therapies(_) => THERAPY_KINDS.contains(&self.g.node(*n).kind),
                        _ => false,
                    } =>
            {
                let rels = [
                    crate::model::Relation::MemberOf,
                    crate::model::Relation::SubclassOf,
                ];
                return self
                    .inverse_of(
                        Some(NodeKind::Class),
                        named,
                        (&rels, &[]),
                        (text, *span),
                        conds,
                    )
                    .map(Some);
            }
            [named @ (Tok::Node(..) | Tok::Plural(..)), Tok::Rel {
                fwd,
                inv,
                text,
                span,
            }] => {
                return self
                    .inverse_of(None, named, (fwd, inv), (text, *span), conds)
                    .map(Some)
            }
            [first @ (Tok::Rel { .. } | Tok::Conn(..)), ..] if asked.open => {
                // `what treats Y`: every kind the phrase can link to its object (the phrase read
                // whole again, its comparisons with it).
                self.ignored.truncate(saved);
                let mut queries = Vec::new();
                let mut first_err = None;
                for k in NodeKind::ALL {
                    match self.expr(&Expr::Phrase(p.clone()), k, true, false) {
                        Ok(filter) => queries.push(Query { kind: k, filter }),
                        Err(e) => {
                            first_err.get_or_insert(e);
                        }
                    }
                    self.ignored.truncate(saved);
                }
                let _ = self.read_phrase(p)?;
                // The readings that say what was asked, where there are any: a kind the phrase
                // links to the name the way round it was said (`what requires trastuzumab`: the
                // drugs and regimens given after or with it), before a kind linked the other
                // way round (what trastuzumab requires), before one that reaches the name only
                // through what both link to (`what is monitored with trastuzumab`: the drugs
                // that need trastuzumab's monitoring).
                let rank = |q: &Query| match first {
                    _ if shares_with(&q.filter) => 2,
                    Tok::Rel { fwd, inv, .. } if backwards(&q.filter, fwd, inv) => 1,
                    _ => 0,
                };
                if let Some(best) = queries.iter().map(rank).min() {
                    queries.retain(|q| rank(q) == best);
                }
                return match (queries.len(), first_err) {
                    (0, Some(e)) => Err(e),
                    (1, _) => Ok(Some(PlanKind::Find(queries.remove(0)))),
                    _ => Ok(Some(PlanKind::Union(queries))),
                };
            }
            _ => {}
        }
        self.ignored.truncate(saved);
        Ok(None)
    }

    /// `what does palbociclib target`: the nodes a name links to by the relation, of `kind` or of
    /// every kind the relation reaches from it. For a class named in the plural (`what do
    /// taxanes cause`), the nodes the class or one of its member drugs links to.
    fn inverse_of(
        &mut self,
        kind: Option<NodeKind>,
        named: &Tok,
        rels: (&[crate::model::Relation], &[crate::model::Relation]),
        (text, span): (&str, Span),
        conds: &[Pending],
    ) -> Result<PlanKind, QueryError> {
        let ends = match named {
            Tok::Node(x, _) => vec![(self.g.node(*x).kind, Target::Node(*x))],
            Tok::Plural(class, _) => {
                let members = Query {
                    kind: NodeKind::Drug,
                    filter: super::Filter::Link {
                        rels: vec![(crate::model::Relation::MemberOf, super::Dir::Out)],
                        target: Target::Node(*class),
                        conds: Vec::new(),
                        column: None,
                    },
                };
                vec![
                    (self.g.node(*class).kind, Target::Node(*class)),
                    (NodeKind::Drug, Target::Set(Box::new(members))),
                ]
            }
            _ => return Err(QueryError::new("a name was expected here", span)),
        };
        self.inverse_from(kind, &ends, rels, (text, span), conds)
    }

    /// The nodes of `kind` (of every kind the relation reaches) that one of `ends` (a kind and
    /// the nodes of it) links to by the relation: a query a kind, its filter one link an end.
    fn inverse_from(
        &mut self,
        kind: Option<NodeKind>,
        ends: &[(NodeKind, Target)],
        (fwd, inv): (&[crate::model::Relation], &[crate::model::Relation]),
        (text, span): (&str, Span),
        conds: &[Pending],
    ) -> Result<PlanKind, QueryError> {
        self.details = true;
        let kinds = match kind {
            Some(k) => vec![k],
            None => {
                let mut all: Vec<NodeKind> = ends
                    .iter()
                    .flat_map(|(xk, _)| self.range_kinds(*xk, fwd, inv))
                    .collect();
                all.sort();
                all.dedup();
                all
            }
        };
        let mut queries = Vec::new();
        // The relations the question names, to say which fields their statements give when a
        // comparison cannot apply to any.
        let mut named: Vec<crate::model::Relation> = Vec::new();
        for k in kinds {
            let mut filter: Option<super::Filter> = None;
            for (xk, target) in ends {
                let mut rels: Vec<(crate::model::Relation, super::Dir)> = fwd
                    .iter()
                    .filter(|r| lexicon::allows(**r, *xk, k))
                    .map(|r| (*r, super::Dir::In))
                    .collect();
                rels.extend(
                    inv.iter()
                        .filter(|r| lexicon::allows(**r, k, *xk))
                        .map(|r| (*r, super::Dir::Out)),
                );
                // Said either way round (`what is trastuzumab combined with`: also docetaxel,
                // whose statement names trastuzumab).
                for r in fwd {
                    let back = (*r, super::Dir::Out);
                    if super::SYMMETRIC.contains(r)
                        && lexicon::allows(*r, k, *xk)
                        && !rels.contains(&back)
                    {
                        rels.push(back);
                    }
                }
                let mut rels = super::narrowed(rels, self.narrow);
                named.extend(rels.iter().map(|(r, _)| *r));
                // A comparison goes with the relations whose statements can give its field.
                rels.retain(|(r, _)| conds.iter().all(|p| self.carries(*r, p.cond.field)));
                if rels.is_empty() {
                    continue;
                }
                let link = super::Filter::Link {
                    rels,
                    target: target.clone(),
                    conds: conds.iter().map(|p| p.cond.clone()).collect(),
                    column: None,
                };
                filter = Some(match filter {
                    None => link,
                    Some(f) => super::Filter::Or(Box::new(f), Box::new(link)),
                });
            }
            if let Some(filter) = filter {
                queries.push(Query { kind: k, filter });
            }
        }
        if let (true, Some(p)) = (queries.is_empty(), conds.first()) {
            named.sort();
            named.dedup();
            if !named.is_empty() {
                return Err(self.cannot_apply_to(p, &named));
            }
        }
        match queries.len() {
            0 => Err(QueryError::new(
                format!(
                    "`{text}` does not link {} to {}",
                    lexicon::plural(ends.first().map_or(NodeKind::Drug, |e| e.0)),
                    kind.map_or("anything".into(), lexicon::plural)
                ),
                span,
            )),
            1 => Ok(PlanKind::Find(queries.remove(0))),
            _ => Ok(PlanKind::Union(queries)),
        }
    }

    /// The kinds a statement looks for: its kind noun, a class named in the plural (drugs),
    /// `options` / `treatments` (every kind of therapy), or its first name's kind.
    fn head_kinds(&mut self, e: &Expr, asked: Asked) -> Result<Vec<NodeKind>, QueryError> {
        if asked.who {
            return Ok(vec![NodeKind::Population]);
        }
        if self.members_of.is_some() {
            return Ok(vec![NodeKind::Drug]);
        }
        let Some(first) = leftmost(e) else {
            return Err(QueryError::new(
                "a query starts with what it looks for, e.g. `drugs …` or a name",
                e.span(),
            ));
        };
        let saved = self.ignored.len();
        let toks = self.read_phrase(first)?;
        self.ignored.truncate(saved);
        let head = toks
            .iter()
            .find(|t| !matches!(t, Tok::Node(..) | Tok::Nodes(..) | Tok::Qual(..)));
        Ok(match head {
            Some(Tok::Kind(k, _, _)) => vec![*k],
            Some(Tok::Plural(..)) => vec![NodeKind::Drug],
            Some(Tok::Therapies(_)) => THERAPY_KINDS.to_vec(),
            _ => match toks.first() {
                Some(Tok::Node(n, _)) => vec![self.g.node(*n).kind],
                Some(t) => {
                    let mut err = QueryError::new(
                        "a query starts with what it looks for, e.g. `drugs …` or a name",
                        t.span(),
                    );
                    if !asked.any() {
                        if let Some(ex) = self.examples(&first.words) {
                            err = err.with_help(ex);
                        }
                    }
                    return Err(err);
                }
                None => return Err(QueryError::new("empty query", first.span)),
            },
        })
    }
}

/// Whether a filter is a link through a middle node by the relation it starts with: nodes that
/// have a middle node in common with the one named (`drug —targets→ target ←targets— X`).
fn shares_with(filter: &super::Filter) -> bool {
    match filter {
        super::Filter::Link {
            rels,
            target: Target::Bridge { via, .. },
            ..
        } => rels.iter().any(|(r, _)| via.iter().any(|(v, _)| v == r)),
        _ => false,
    }
}

/// Whether a filter links by a phrase's relations only the other way round from how the phrase
/// names them (`biomarker ←requires_biomarker— X` for `what requires X`).
fn backwards(
    filter: &super::Filter,
    fwd: &[crate::model::Relation],
    inv: &[crate::model::Relation],
) -> bool {
    match filter {
        super::Filter::Link { rels, .. } => {
            !rels.is_empty()
                && rels.iter().all(|(r, dir)| {
                    *dir == super::Dir::In
                        && fwd.contains(r)
                        && !inv.contains(r)
                        && !super::SYMMETRIC.contains(r)
                })
        }
        _ => false,
    }
}

fn leftmost_mut(e: &mut Expr) -> Option<&mut Phrase> {
    match e {
        Expr::Phrase(p) => Some(p),
        Expr::Binary(_, l, _, _) => leftmost_mut(l),
        Expr::Not(..) => None,
    }
}

fn rightmost_mut(e: &mut Expr) -> Option<&mut Phrase> {
    match e {
        Expr::Phrase(p) => Some(p),
        Expr::Binary(_, _, r, _) => rightmost_mut(r),
        Expr::Not(inner, _) => rightmost_mut(inner),
    }
}
