//! Phrases into filters. A phrase is an optional head (modifiers and a kind noun, or a name) and
//! clauses (`<relation phrase> <object>`, a `not` in front negating one). `where` comparisons and
//! the field's words (`first-line`, `approved`, `once daily`) go with the clauses whose statements
//! can carry their field; a comparison no clause can carry reads the node's own statements, and
//! where those cannot carry it either, it is an error: nothing is dropped.
//!
//! Uses the lexicon (`schema`, `phrasing`) and the graph; the tokens come from `reading`.

use super::link::{Branch, RelWords};
use super::{and_all, Cond, Dir, Filter, Planner, Query, Target, Tok};
use crate::lexicon;
use crate::lexicon::phrasing::{self, Role};
use crate::model::{Field, NodeKind, Relation};
use crate::query::ast::{self, BinOp, Expr, Phrase, Span, Word};
use crate::query::syntax::QueryError;

/// One condition of a phrase, before the comparisons are attached.
#[derive(Debug, Clone)]
struct Clause {
    /// Alternative readings: the clause holds when any does.
    branches: Vec<Branch>,
    negated: bool,
    column: Option<usize>,
    conds: Vec<Cond>,
    span: Span,
}

/// A comparison, with the words it came from.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub cond: Cond,
    pub span: Span,
}

/// Clauses, and qualifier words with the number of clauses before each.
type ClauseList = (Vec<Clause>, Vec<(Pending, usize)>);

impl Planner<'_> {
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
            Expr::Binary(op, l, r, span) => {
                if *op == BinOp::With {
                    if let Some(moved) = self.qualifier_to_link(l, r, *span) {
                        return self.expr(&moved, kind, head, linked);
                    }
                }
                let left = self.expr(l, kind, head, linked)?;
                let negate = usize::from(*op == BinOp::Without);
                self.negated += negate;
                let right_linked = linked || matches!(op, BinOp::With | BinOp::Without);
                let right = self.expr(r, kind, false, right_linked);
                self.negated -= negate;
                let right = right?;
                Ok(match op {
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

    /// `side effects are common with palbociclib`: the field's words that end a phrase of a kind
    /// alone, before `with`, are about the link `with` makes: moved to the start of its operand
    /// (`side effects are` with `common palbociclib`), where they go with that link. `None` when
    /// the phrase before `with` links by anything of its own, or ends otherwise.
    fn qualifier_to_link(&self, l: &Expr, r: &Expr, span: Span) -> Option<Expr> {
        let (Expr::Phrase(left), Expr::Phrase(right)) = (l, r) else {
            return None;
        };
        let toks = self.tokens(left).ok()?;
        let quals = toks
            .iter()
            .rev()
            .take_while(|t| matches!(t, Tok::Qual(..)))
            .count();
        let (head, tail) = toks.split_at(toks.len().checked_sub(quals)?);
        let first = tail.first()?.span();
        let alone = head.iter().all(|t| {
            matches!(
                t,
                Tok::Kind(..) | Tok::Plural(..) | Tok::Therapies(..) | Tok::Role(..) | Tok::Ctx(..)
            )
        });
        if !alone
            || !head
                .iter()
                .any(|t| matches!(t, Tok::Kind(..) | Tok::Plural(..) | Tok::Therapies(..)))
        {
            return None;
        }
        let (keep, moved): (Vec<Word>, Vec<Word>) = left
            .words
            .iter()
            .cloned()
            .partition(|w| w.span.end <= first.start);
        let mut left = left.clone();
        let mut right = right.clone();
        left.span = Span::new(left.span.start, keep.last()?.span.end);
        left.words = keep;
        right.span = Span::new(moved.first()?.span.start, right.span.end);
        right.words = moved.into_iter().chain(right.words).collect();
        Some(Expr::Binary(
            BinOp::With,
            Box::new(Expr::Phrase(left)),
            Box::new(Expr::Phrase(right)),
            span,
        ))
    }

    /// The tokens of a phrase, read (fillers set aside, structure words dropped).
    pub(super) fn read_phrase(&mut self, p: &Phrase) -> Result<Vec<Tok>, QueryError> {
        let mut toks = self.tokens(p)?;
        self.cancer_as_context(p, &mut toks);
        let toks = self.read(toks)?;
        if toks.is_empty() {
            return Err(QueryError::new(
                "nothing here to read: every word is a filler word",
                p.span,
            ));
        }
        Ok(toks)
    }

    /// `cancer` after a biomarker or subtype the phrase links to (`drugs for PIK3CA-mutated
    /// cancer`, `drugs for triple-negative cancer`) is the context word, not the noun for
    /// subtypes. Read as the noun, it asked for the subtypes the biomarker defines, and a
    /// biomarker that defines none (PIK3CA, BRCA, ESR1, PD-L1) gave no drug at all where the
    /// drugs that require it are the answer; after a subtype, for the subtypes above or below
    /// it, not the subtype.
    fn cancer_as_context(&self, p: &Phrase, toks: &mut [Tok]) {
        for j in 2..toks.len() {
            let Tok::Kind(NodeKind::Subtype, span, _) = toks[j] else {
                continue;
            };
            let named = match &toks[j - 1] {
                Tok::Node(n, _) => vec![*n],
                Tok::Nodes(ns, _) => ns.clone(),
                _ => continue,
            };
            let linked = toks[..j - 1]
                .iter()
                .any(|t| matches!(t, Tok::Rel { .. } | Tok::Conn(..)));
            if !linked
                || !named.iter().all(|n| {
                    matches!(
                        self.g.node(*n).kind,
                        NodeKind::Biomarker | NodeKind::Subtype
                    )
                })
            {
                continue;
            }
            let text = ast::words_text(
                &p.words
                    .iter()
                    .filter(|w| w.span.start >= span.start && w.span.end <= span.end)
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            if phrasing::context_filler(&text) {
                toks[j] = Tok::Ctx(crate::graph::normalize(&text), span);
            }
        }
    }

    /// One phrase as a filter on nodes of `kind`. `head`: the phrase that names the kind.
    fn phrase(
        &mut self,
        p: &Phrase,
        kind: NodeKind,
        head: bool,
        linked: bool,
    ) -> Result<Filter, QueryError> {
        let mut toks = self.read_phrase(p)?;
        // The class a question opens on stands for its member drugs, as its plural does.
        if let (true, Some((c, _)), Some(Tok::Node(n, span))) =
            (head, self.members_of, toks.first())
        {
            if *n == c {
                toks[0] = Tok::Plural(c, *span);
            }
        }
        let conds = self.conditions(p)?;
        if let Some(n) = &p.nested {
            self.nested = Some(self.nested_query(n)?);
        }
        let saved = self.linking;
        self.linking = linked;
        let f = self.phrase_toks(p, &toks, conds, kind, head, linked);
        self.linking = saved;
        if self.nested.take().is_some() && f.is_ok() {
            return Err(QueryError::new(
                "the part in parentheses must follow a relation phrase, as in `side effects of (drugs targeting HER2)`",
                p.span,
            ));
        }
        f
    }

    /// The query in parentheses after a relation phrase.
    fn nested_query(&mut self, e: &Expr) -> Result<Query, QueryError> {
        let saved = std::mem::take(&mut self.columns);
        let plan = self.question(
            &super::merge_with(e.clone(), self.g.lexicon()),
            false,
            false,
        );
        self.columns = saved;
        match plan? {
            super::PlanKind::Find(q) => Ok(q),
            _ => Err(QueryError::new(
                "the part in parentheses must be a query of one kind, e.g. `(drugs targeting HER2)`",
                e.span(),
            )),
        }
    }

    fn phrase_toks(
        &mut self,
        p: &Phrase,
        toks: &[Tok],
        conds: Vec<Pending>,
        kind: NodeKind,
        head: bool,
        linked: bool,
    ) -> Result<Filter, QueryError> {
        let toks = toks.to_vec();
        let lead = toks
            .iter()
            .take_while(|t| matches!(t, Tok::Node(..) | Tok::Nodes(..) | Tok::Qual(..)))
            .count();
        let noun = match toks.get(lead) {
            Some(Tok::Kind(k, s, n)) => Some((*k, *s, None, *n)),
            Some(Tok::Plural(c, s)) => Some((NodeKind::Drug, *s, Some(*c), None)),
            Some(Tok::Therapies(s)) => Some((kind, *s, None, None)),
            _ => None,
        };
        if let Some((noun_kind, span, class, narrow)) = noun {
            let mut mods = toks[..lead].to_vec();
            if let Some(c) = class {
                mods.push(Tok::Node(c, span));
            }
            let saved = std::mem::replace(&mut self.narrow, narrow);
            let sub = self.noun_phrase(noun_kind, &mods, &toks[lead + 1..], conds);
            self.narrow = saved;
            let sub = sub?;
            if linked {
                let rels = super::narrowed(self.link_rels(kind, noun_kind, span)?, narrow);
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
                    span,
                )
                .with_help(format!(
                    "use `with {}` to ask for {} linked to them",
                    ast::words_text(&p.words),
                    lexicon::plural(kind)
                )));
            }
            return Ok(sub.filter);
        }
        let names = toks[..lead]
            .iter()
            .filter(|t| !matches!(t, Tok::Qual(..)))
            .count();
        if lead == toks.len() && names > 1 && !linked {
            let span = toks
                .iter()
                .map(Tok::span)
                .reduce(Span::join)
                .unwrap_or(p.span);
            let kinds: Vec<NodeKind> = toks.iter().filter_map(|t| self.tok_kind(t)).collect();
            // `is tamoxifen a hormonal therapy`: the therapy, then the class it would be in.
            let in_class = head
                && matches!(kinds.as_slice(), [k, NodeKind::Class] if *k == kind)
                && matches!(toks.get(1), Some(Tok::Node(..)))
                && phrasing::THERAPY_KINDS.contains(&kind);
            if !in_class && (kinds.windows(2).any(|w| w[0] == w[1]) || kinds.contains(&kind)) {
                return Err(QueryError::new(
                    "several names in a row: join them with `and` or `or`",
                    span,
                ));
            }
        }
        // A name of the kind asked for is that node (`… and not Herceptin`), except after `with`.
        if let [Tok::Node(n, span)] = toks.as_slice() {
            if !linked && self.g.node(*n).kind == kind {
                if let Some(c) = conds.first() {
                    return Err(QueryError::new(
                        "`where` compares the statements a phrase links by, and a bare name links by none",
                        c.span.join(*span),
                    )
                    .with_help(format!(
                        "ask about its statements, e.g. `{} treating … where …` or `show {}`",
                        lexicon::plural(kind),
                        self.g.node(*n).name
                    )));
                }
                return Ok(Filter::Is(*n));
            }
        }
        let mut pre = Vec::new();
        let mut rest: &[Tok] = &toks;
        if head {
            if let Some(Tok::Node(n, _)) = rest.first() {
                if self.g.node(*n).kind == kind {
                    // `trastuzumab requires echocardiogram`: the node, then its links.
                    pre.push(Filter::Is(*n));
                    rest = &rest[1..];
                }
            }
        }
        let (clauses, quals) = self.clause_list(kind, rest)?;
        let f = self.attach(kind, pre, clauses, quals, conds)?;
        Ok(f)
    }

    fn tok_kind(&self, t: &Tok) -> Option<NodeKind> {
        match t {
            Tok::Node(n, _) => Some(self.g.node(*n).kind),
            Tok::Nodes(ns, _) => ns.first().map(|n| self.g.node(*n).kind),
            Tok::Plural(..) => Some(NodeKind::Class),
            _ => None,
        }
    }

    /// `hepatic side effects causing …`: nodes of `kind` linked to each modifier, then clauses.
    pub(super) fn noun_phrase(
        &mut self,
        kind: NodeKind,
        mods: &[Tok],
        rest: &[Tok],
        conds: Vec<Pending>,
    ) -> Result<Query, QueryError> {
        let mut clauses = Vec::new();
        let mut quals = Vec::new();
        for m in mods {
            match m {
                Tok::Qual(f, v, s) => quals.push((self.pending_qual(f, v, s), clauses.len())),
                _ => {
                    let Some(other) = self.tok_kind(m) else {
                        continue;
                    };
                    let target = self.target_of(m);
                    let branches = self.branches(kind, None, &target, other, m.span())?;
                    clauses.push(Clause {
                        branches,
                        negated: false,
                        column: None,
                        conds: Vec::new(),
                        span: m.span(),
                    });
                }
            }
        }
        let (more, more_quals) = self.clause_list(kind, rest)?;
        let offset = clauses.len();
        clauses.extend(more);
        quals.extend(more_quals.into_iter().map(|(q, i)| (q, i + offset)));
        let filter = self.attach(kind, Vec::new(), clauses, quals, conds)?;
        Ok(Query { kind, filter })
    }

    fn target_of(&self, t: &Tok) -> Target {
        match t {
            Tok::Node(n, _) | Tok::Plural(n, _) => Target::Node(*n),
            Tok::Nodes(ns, _) => Target::Nodes(ns.clone()),
            _ => Target::Any(NodeKind::Drug),
        }
    }

    pub(super) fn pending_qual(&self, field: &Field, value: &str, span: &Span) -> Pending {
        Pending {
            cond: Cond {
                field: *field,
                negated: false,
                contains: *field == Field::Schedule,
                value: value.to_string(),
            },
            span: *span,
        }
    }

    /// A run of clauses; qualifier words come back with the number of clauses before them.
    fn clause_list(&mut self, kind: NodeKind, toks: &[Tok]) -> Result<ClauseList, QueryError> {
        let mut clauses = Vec::new();
        let mut quals = Vec::new();
        let mut negate = false;
        let mut i = 0;
        while i < toks.len() {
            let (words, span) = match &toks[i] {
                Tok::Role(Role::Neg, _, _) => {
                    negate = !negate;
                    i += 1;
                    continue;
                }
                Tok::Qual(f, v, s) => {
                    quals.push((self.pending_qual(f, v, s), clauses.len()));
                    i += 1;
                    continue;
                }
                Tok::Rel {
                    text,
                    fwd,
                    inv,
                    span,
                } => {
                    i += 1;
                    (Some((text.clone(), fwd.clone(), inv.clone())), *span)
                }
                Tok::Conn(text, span) => {
                    i += 1;
                    (Some((text.clone(), Vec::new(), Vec::new())), *span)
                }
                Tok::Node(..) | Tok::Nodes(..) | Tok::Plural(..) => (None, toks[i].span()),
                Tok::Role(Role::Each, text, span) => {
                    return Err(QueryError::new(format!("`{text}` groups a count"), *span)
                        .with_help("e.g. `how many drugs are in each class`"))
                }
                t => {
                    return Err(QueryError::new(
                        "expected a relation phrase here, such as `targeting` or `causing`",
                        t.span(),
                    )
                    .with_help("join two conditions with `and`, `or`, `with` or `without`"))
                }
            };
            let start = i;
            while i < toks.len()
                && matches!(toks[i], Tok::Node(..) | Tok::Nodes(..) | Tok::Plural(..))
            {
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
            if negate {
                // The kinds of what the phrase links to (none when it is left out): `not need
                // an echocardiogram` cannot mean "never combined with" a test.
                let objects: Vec<NodeKind> = names
                    .iter()
                    .flat_map(|t| match t {
                        Tok::Node(n, _) => vec![self.g.node(*n).kind],
                        Tok::Plural(n, _) => vec![self.g.node(*n).kind, NodeKind::Drug],
                        Tok::Nodes(ns, _) => ns.iter().map(|n| self.g.node(*n).kind).collect(),
                        _ => Vec::new(),
                    })
                    .chain(noun.map(|(k, _)| k))
                    .collect();
                let fits = |r: &Relation| {
                    objects.is_empty() || objects.iter().any(|o| lexicon::allows(*r, kind, *o))
                };
                if let Some((text, fwd, _)) = &words {
                    if let Some((_, _, twin)) = phrasing::NEGATIVE_TWINS
                        .iter()
                        .find(|(r, _, _)| fwd.contains(r) && fits(r))
                    {
                        return Err(QueryError::new(
                            format!("`not {text}` can be read two ways"),
                            span,
                        )
                        .with_help(format!(
                            "the source says not to combine them: `… {twin} …`; or no statement links them: `… without {text} …`"
                        )));
                    }
                }
            }
            let mut object_quals = Vec::new();
            if names.is_empty() && noun.is_none() {
                while let Some(Tok::Qual(f, v, s)) = toks.get(i) {
                    object_quals.push(self.pending_qual(f, v, s));
                    i += 1;
                }
            }
            if negate {
                self.negated += 1;
            }
            let nested = match noun {
                Some((k, s))
                    if matches!(
                        toks.get(i),
                        Some(Tok::Rel { .. } | Tok::Conn(..) | Tok::Role(Role::Neg, _, _))
                    ) =>
                {
                    self.nested_noun(kind, words.as_ref(), span, names, (k, s), &toks[i..])
                }
                _ => None,
            };
            if nested.is_some() {
                i = toks.len();
            }
            let made = match nested {
                Some(c) => Ok(vec![c]),
                None => self.clause_objects(kind, words.as_ref(), span, names, noun),
            };
            if negate {
                self.negated -= 1;
            }
            for mut c in made? {
                c.negated = negate;
                for q in &object_quals {
                    c.conds.push(q.cond.clone());
                }
                clauses.push(c);
            }
            negate = false;
        }
        if negate {
            let span = toks.last().map_or(Span::default(), Tok::span);
            return Err(QueryError::new("`not` needs a condition after it", span)
                .with_help("e.g. `drugs that do not cause hair loss`"));
        }
        Ok((clauses, quals))
    }

    /// The clauses one relation phrase makes with its object: one per name when the names are
    /// of different kinds (`for PD-L1 positive triple-negative breast cancer`).
    fn clause_objects(
        &mut self,
        kind: NodeKind,
        words: Option<&(String, Vec<Relation>, Vec<Relation>)>,
        span: Span,
        names: &[Tok],
        noun: Option<(NodeKind, Span)>,
    ) -> Result<Vec<Clause>, QueryError> {
        let rel = words.map(|(text, fwd, inv)| RelWords { text, fwd, inv });
        let mut out = Vec::new();
        match (names, noun) {
            ([], None) => {
                let Some(rel) = rel else {
                    return Ok(out);
                };
                if let Some(q) = self.nested.take() {
                    let k = q.kind;
                    let target = Target::Set(Box::new(q));
                    out.push(self.clause(kind, Some(&rel), target, k, span)?);
                    return Ok(out);
                }
                let kinds = self.range_kinds(kind, rel.fwd, rel.inv);
                let [k] = kinds.as_slice() else {
                    return Err(QueryError::new(
                        format!("`{}` needs an object, e.g. a name", rel.text),
                        span,
                    )
                    .with_help("add what it links to, e.g. `targeting HER2`"));
                };
                let target = Target::Any(*k);
                out.push(self.clause(kind, Some(&rel), target, *k, span)?);
            }
            (mods, Some((k, s))) => {
                let q = self.noun_phrase(k, mods, &[], Vec::new())?;
                let target = Target::Set(Box::new(q));
                out.push(self.clause(kind, rel.as_ref(), target, k, span.join(s))?);
            }
            (many, None) => {
                let kinds: Vec<NodeKind> = many.iter().filter_map(|t| self.tok_kind(t)).collect();
                // Names in a row qualify each other only as subtype, biomarker and population
                // (`PD-L1 positive triple-negative`); otherwise they need `and` or `or`.
                let context = [NodeKind::Subtype, NodeKind::Biomarker, NodeKind::Population];
                let mut sorted = kinds.clone();
                sorted.sort();
                sorted.dedup();
                if many.len() > 1
                    && (sorted.len() < kinds.len() || !kinds.iter().all(|k| context.contains(k)))
                {
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
                for (t, k) in many.iter().zip(kinds) {
                    let target = self.target_of(t);
                    let mut c = self.clause(kind, rel.as_ref(), target, k, span.join(t.span()))?;
                    // Read as membership (`drugs of taxanes`), the class already is its members.
                    let membership = c
                        .branches
                        .iter()
                        .any(|b| b.rels.contains(&(Relation::MemberOf, Dir::Out)));
                    if let (Tok::Plural(class, _), Some(_), false) = (t, rel.as_ref(), membership) {
                        // A class in the plural: the class and its member drugs.
                        let members = Query {
                            kind: NodeKind::Drug,
                            filter: Filter::Link {
                                rels: vec![(Relation::MemberOf, Dir::Out)],
                                target: Target::Node(*class),
                                conds: Vec::new(),
                                column: None,
                            },
                        };
                        if let Ok(more) = self.branches(
                            kind,
                            rel.as_ref(),
                            &Target::Set(Box::new(members)),
                            NodeKind::Drug,
                            span,
                        ) {
                            c.branches.extend(more);
                        }
                    }
                    out.push(c);
                }
            }
        }
        Ok(out)
    }

    /// `side effects of drugs in class X`: the object noun takes the clauses after it, when they
    /// plan on it; otherwise they are the outer phrase's.
    fn nested_noun(
        &mut self,
        kind: NodeKind,
        words: Option<&(String, Vec<Relation>, Vec<Relation>)>,
        span: Span,
        mods: &[Tok],
        (k, s): (NodeKind, Span),
        rest: &[Tok],
    ) -> Option<Clause> {
        let columns = self.columns.len();
        let ignored = self.ignored.len();
        let q = self.noun_phrase(k, mods, rest, Vec::new()).ok();
        let made = q.and_then(|q| {
            let rel = words.map(|(text, fwd, inv)| RelWords { text, fwd, inv });
            self.clause(
                kind,
                rel.as_ref(),
                Target::Set(Box::new(q)),
                k,
                span.join(s),
            )
            .ok()
        });
        if made.is_none() {
            self.columns.truncate(columns);
            self.ignored.truncate(ignored);
        }
        made
    }

    fn clause(
        &mut self,
        kind: NodeKind,
        rel: Option<&RelWords>,
        target: Target,
        other: NodeKind,
        span: Span,
    ) -> Result<Clause, QueryError> {
        let branches = self.branches(kind, rel, &target, other, span)?;
        let bridge = branches.iter().find_map(|b| match b.target {
            Target::Bridge { kind, .. } => Some(kind),
            _ => None,
        });
        let column = match (&target, bridge) {
            (Target::Set(_) | Target::Any(_), _) => self.column(&lexicon::plural(other)),
            (_, Some(mid)) => self.column(&lexicon::plural(mid)),
            _ => None,
        };
        Ok(Clause {
            branches,
            negated: false,
            column,
            conds: Vec::new(),
            span,
        })
    }

    /// Attaches comparisons to clauses and builds the filter: `where` comparisons go with every
    /// clause that can carry their field, a qualifier word with the nearest such clause after it
    /// (else before it); with none, the node's own statements; with none of those, an error.
    fn attach(
        &mut self,
        kind: NodeKind,
        pre: Vec<Filter>,
        mut clauses: Vec<Clause>,
        quals: Vec<(Pending, usize)>,
        conds: Vec<Pending>,
    ) -> Result<Filter, QueryError> {
        for p in conds {
            let carriers: Vec<usize> = (0..clauses.len())
                .filter(|i| self.clause_carries(&clauses[*i], p.cond.field))
                .collect();
            if carriers.is_empty() {
                if !clauses.is_empty() {
                    return Err(self.cannot_apply(&p, &clauses));
                }
                clauses.push(self.own_clause(kind, &p)?);
                if let Some(last) = clauses.last_mut() {
                    last.conds.push(p.cond.clone());
                }
                continue;
            }
            for i in carriers {
                clauses[i].conds.push(p.cond.clone());
            }
        }
        for (p, at) in quals {
            // The clause of the word's home relation first (`recommended` goes with `treats`),
            // else the nearest clause after it that can carry it, else before it.
            let home = phrasing::home_relation(p.cond.field).and_then(|r| {
                (0..clauses.len()).find(|i| {
                    self.clause_carries(&clauses[*i], p.cond.field)
                        && clauses[*i]
                            .branches
                            .iter()
                            .any(|b| b.rels.iter().any(|(x, _)| *x == r))
                })
            });
            if let (None, Some(r)) = (home, phrasing::home_relation(p.cond.field)) {
                if !clauses.is_empty() {
                    // `recommended for men`: the word is said of treatments, and this phrase
                    // links by none; reading it on another link would answer another question.
                    return Err(QueryError::new(
                        format!(
                            "`{}` is said of `{}` statements, and this phrase has none",
                            p.cond.value,
                            r.as_str()
                        ),
                        p.span,
                    )
                    .with_help("put it in the phrase that says what the drug treats, e.g. `drugs recommended for HR-positive`"));
                }
            }
            let after =
                (at..clauses.len()).find(|i| self.clause_carries(&clauses[*i], p.cond.field));
            let before = (0..at.min(clauses.len()))
                .rev()
                .find(|i| self.clause_carries(&clauses[*i], p.cond.field));
            match home.or(after).or(before) {
                Some(i) => clauses[i].conds.push(p.cond.clone()),
                None => {
                    let mut own = self.own_clause(kind, &p)?;
                    own.conds.push(p.cond.clone());
                    clauses.push(own);
                }
            }
        }
        let mut filters = pre;
        for c in clauses {
            filters.push(self.clause_filter(c)?);
        }
        Ok(if filters.is_empty() {
            Filter::All
        } else {
            and_all(filters)
        })
    }

    fn clause_carries(&self, c: &Clause, field: Field) -> bool {
        c.branches.iter().any(|b| self.rels_carry(&b.rels, field))
    }

    fn rels_carry(&self, rels: &[(Relation, Dir)], field: Field) -> bool {
        rels.iter().any(|(r, _)| self.carries(*r, field))
    }

    fn clause_filter(&self, c: Clause) -> Result<Filter, QueryError> {
        let branches: Vec<Branch> = c
            .branches
            .into_iter()
            .filter(|b| c.conds.iter().all(|k| self.rels_carry(&b.rels, k.field)))
            .collect();
        if branches.is_empty() {
            return Err(QueryError::new(
                "these comparisons cannot all hold on one statement of this link",
                c.span,
            ));
        }
        // A column named for the middle of a bridge (`subtypes`, in `drugs for HER2-positive`)
        // shows what the bridge reaches; a branch to the named node itself (the biomarker a drug
        // requires) shows nothing there, not a biomarker under `subtypes`.
        let bridged = branches
            .iter()
            .any(|b| matches!(b.target, Target::Bridge { .. }));
        let links: Vec<Filter> = branches
            .into_iter()
            .map(|b| {
                let direct = matches!(b.target, Target::Node(_) | Target::Nodes(_));
                Filter::Link {
                    rels: b.rels,
                    target: b.target,
                    conds: c.conds.clone(),
                    column: if bridged && direct { None } else { c.column },
                }
            })
            .collect();
        let Some(f) = links
            .into_iter()
            .reduce(|a, b| Filter::Or(Box::new(a), Box::new(b)))
        else {
            return Ok(Filter::All);
        };
        Ok(if c.negated {
            Filter::Not(Box::new(f))
        } else {
            f
        })
    }

    /// The node's own statements that can carry a comparison's field, as one clause.
    fn own_clause(&self, kind: NodeKind, p: &Pending) -> Result<Clause, QueryError> {
        let mut branches = Vec::new();
        for (rel, object) in self.shapes_from(kind) {
            if self.carries(rel, p.cond.field) {
                match branches
                    .iter_mut()
                    .find(|b: &&mut Branch| b.target == Target::Any(object))
                {
                    Some(b) => b.rels.push((rel, Dir::Out)),
                    None => branches.push(Branch {
                        rels: vec![(rel, Dir::Out)],
                        target: Target::Any(object),
                    }),
                }
            }
        }
        if branches.is_empty() {
            return Err(QueryError::new(
                format!(
                    "no statement about {} gives `{}`",
                    lexicon::plural(kind),
                    p.cond.field
                ),
                p.span,
            ));
        }
        Ok(Clause {
            branches,
            negated: false,
            column: None,
            conds: Vec::new(),
            span: p.span,
        })
    }

    fn cannot_apply(&self, p: &Pending, clauses: &[Clause]) -> QueryError {
        let rels: Vec<Relation> = clauses
            .iter()
            .flat_map(|c| {
                c.branches
                    .iter()
                    .flat_map(|b| b.rels.iter().map(|(r, _)| *r))
            })
            .collect();
        self.cannot_apply_to(p, &rels)
    }

    /// The error for a comparison no statement of `rels` can give the field of.
    pub(super) fn cannot_apply_to(&self, p: &Pending, rels: &[Relation]) -> QueryError {
        let fields: Vec<&str> = Field::ALL
            .iter()
            .filter(|f| rels.iter().any(|r| self.carries(*r, **f)))
            .map(|f| f.as_str())
            .collect();
        let names: Vec<&str> = rels.iter().map(|r| r.as_str()).collect();
        QueryError::new(
            format!(
                "`{}` cannot apply here: no {} statement gives it",
                p.cond.field.as_str(),
                names.join(" or ")
            ),
            p.span,
        )
        .with_help(format!(
            "fields these statements give: {}",
            fields.join(", ")
        ))
    }
}
