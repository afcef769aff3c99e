//! Binds the words of an [`ast::Statement`] to kinds, relations and nodes, by longest match against
//! the lexicon (`schema`) and the graph's names, and builds a [`Plan`].
//!
//! All the meaning lives here and in `schema`: the grammar only delimits phrases. Unknown words get a
//! "did you mean"; a phrase that cannot link two kinds says which phrases would.

use std::fmt;

use crate::diag;
use crate::graph::{normalize, KnowledgeGraph, NodeIx};
use crate::lexicon;
use crate::model::{Evidence, NodeKind, Relation};
use crate::query::ast::{self, BinOp, Expr, Order, Phrase, Span, StatementKind, Word};
use crate::query::syntax::QueryError;

/// Default and hard bound for `path`, in hops.
pub const DEFAULT_PATH_HOPS: usize = 4;
pub const MAX_PATH_HOPS: usize = 8;

/// Relations whose statements on a class hold for its member drugs (and their subclasses'
/// members). `treats` is deliberately absent: "chemotherapy or targeted therapy is given for
/// triple-negative disease" does not make every targeted drug a treatment for it.
pub const INHERITED: &[Relation] = &[
    Relation::Targets,
    Relation::Causes,
    Relation::RequiresMonitoring,
    Relation::GivenBy,
];

/// Relations that read the same both ways: `a combined_with b` is `b combined_with a`.
pub const SYMMETRIC: &[Relation] = &[Relation::CombinedWith, Relation::NotCombinedWith];

/// Which way a statement is read from the subject of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// subject —relation→ other
    Out,
    /// other —relation→ subject
    In,
}

/// A `where` comparison on the statements a link matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub field: String,
    pub negated: bool,
    pub value: String,
}

/// What the other end of a link must be.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// This node, or anything below it by `subclass_of`.
    Node(NodeIx),
    /// Any node linked to this node by one of `via` (a bridge: `treating HER2-positive` means
    /// subtypes the biomarker defines), or below such a node.
    Bridge {
        node: NodeIx,
        kind: NodeKind,
        via: Vec<(Relation, Dir)>,
    },
    /// Any node matching a sub-query (`cardiac monitoring`).
    Set(Box<Query>),
    /// Any node of the relation's range.
    Any(NodeKind),
}

/// A condition on the subject nodes of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every node of the kind.
    All,
    /// Exactly this node.
    Is(NodeIx),
    /// Linked by one of `rels` to a node matching `target`.
    Link {
        rels: Vec<(Relation, Dir)>,
        target: Target,
        conds: Vec<Cond>,
        /// Result column that lists the matched other ends, if any.
        column: Option<usize>,
    },
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

/// Nodes of one kind that pass a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub kind: NodeKind,
    pub filter: Filter,
}

/// How to group counted rows.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupBy {
    /// By the nodes of a kind linked to each row.
    Kind(NodeKind),
    /// By a statement field of the witnesses (evidence, line, source, ...).
    Field(String),
}

/// A statement, bound and ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanKind {
    Find(Query),
    Count(Query, Option<GroupBy>),
    Show(NodeIx),
    Path {
        from: NodeIx,
        to: NodeIx,
        all: bool,
        max: usize,
    },
    Why(Query),
    Explain(Box<Plan>),
    Compare(Vec<NodeIx>),
    Search(String),
}

/// A bound statement with what the modifiers asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: PlanKind,
    /// Extra result columns (titles), indexed by `Filter::Link::column`.
    pub columns: Vec<String>,
    /// Column to sort by, its span in the query, and the direction.
    pub sort: Option<(String, Span, Order)>,
    pub limit: Option<usize>,
    /// Output format asked for with `as`, already checked to be a known name.
    pub format: Option<String>,
    /// Canonical text of the statement.
    pub text: String,
}

/// Formats `as` accepts.
pub const FORMATS: &[&str] = &[
    "table", "json", "jsonl", "csv", "tsv", "markdown", "md", "dot",
];

/// Statement fields `where` can compare.
pub const FIELDS: &[&str] = &[
    "line",
    "frequency",
    "risk",
    "population",
    "schedule",
    "min_count",
    "condition",
    "partner",
    "evidence",
    "source",
    "section",
];

/// Binds a parsed statement against the lexicon and the graph.
pub fn plan(stmt: &ast::Statement, g: &KnowledgeGraph) -> Result<Plan, QueryError> {
    let mut p = Planner {
        g,
        columns: Vec::new(),
        negated: 0,
    };
    let kind = p.statement_kind(stmt)?;
    let m = &stmt.modifiers;
    if m.group_by.is_some() && !matches!(stmt.kind, StatementKind::Count(_)) {
        let span = m
            .group_by
            .as_deref()
            .map(ast::words_span)
            .unwrap_or(stmt.span);
        return Err(QueryError::new("`grouped by` only goes with `count`", span)
            .with_help("write `count … grouped by …`"));
    }
    let format = match &m.format {
        Some(w) => {
            let f = w.text.to_lowercase();
            if !FORMATS.contains(&f.as_str()) {
                return Err(
                    QueryError::new(format!("unknown output format `{}`", w.text), w.span)
                        .with_help_opt(diag::did_you_mean(&w.text, FORMATS.iter().copied()))
                        .with_help(format!("formats: {}", FORMATS.join(", "))),
                );
            }
            Some(f)
        }
        None => None,
    };
    // `explain … as json`: the format asked for inside applies to the explanation.
    let format = match (&kind, format) {
        (PlanKind::Explain(inner), None) => inner.format.clone(),
        (_, f) => f,
    };
    Ok(Plan {
        kind,
        columns: p.columns,
        sort: m
            .sort_by
            .as_ref()
            .map(|(w, o)| (ast::words_text(w).to_lowercase(), ast::words_span(w), *o)),
        limit: m
            .limit
            .map(|(n, _)| usize::try_from(n).unwrap_or(usize::MAX)),
        format,
        text: stmt.to_string(),
    })
}

/// A word or run of words, classified.
#[derive(Debug, Clone)]
enum Tok {
    Kind(NodeKind, Span),
    /// A relation phrase: forward candidates and inverse candidates.
    Rel {
        text: String,
        fwd: Vec<Relation>,
        inv: Vec<Relation>,
        span: Span,
    },
    /// `of`, `for`, `linked to`: any relation, either way.
    Conn(String, Span),
    Node(NodeIx, Span),
}

impl Tok {
    fn span(&self) -> Span {
        match self {
            Tok::Kind(_, s) | Tok::Conn(_, s) | Tok::Node(_, s) | Tok::Rel { span: s, .. } => *s,
        }
    }
}

/// Words that link two kinds by whatever relation joins them.
const CONNECTORS: &[&str] = &["of", "for", "linked to", "related to", "about"];

struct Planner<'g> {
    g: &'g KnowledgeGraph,
    columns: Vec<String>,
    /// How many `not`/`without` enclose the phrase being planned: negated links get no column.
    negated: usize,
}

impl<'g> Planner<'g> {
    fn statement_kind(&mut self, stmt: &ast::Statement) -> Result<PlanKind, QueryError> {
        Ok(match &stmt.kind {
            StatementKind::Find(e) => PlanKind::Find(self.query(e)?),
            StatementKind::Why(e) => PlanKind::Why(self.query(e)?),
            StatementKind::Count(e) => {
                let q = self.query(e)?;
                let group = match &stmt.modifiers.group_by {
                    Some(w) => Some(self.group_by(w)?),
                    None => None,
                };
                PlanKind::Count(q, group)
            }
            StatementKind::Show(w) => PlanKind::Show(self.one_node(w)?),
            StatementKind::Compare(items) => {
                let mut nodes = Vec::new();
                for w in items {
                    nodes.push(self.one_node(w)?);
                }
                PlanKind::Compare(nodes)
            }
            StatementKind::Search(w) => PlanKind::Search(ast::words_text(w)),
            StatementKind::Path { from, to, all, max } => {
                let max = match max {
                    Some((n, span)) => {
                        let n = usize::try_from(*n).unwrap_or(usize::MAX);
                        if n == 0 || n > MAX_PATH_HOPS {
                            return Err(QueryError::new(
                                format!("a path may have 1 to {MAX_PATH_HOPS} hops"),
                                *span,
                            ));
                        }
                        n
                    }
                    None => DEFAULT_PATH_HOPS,
                };
                PlanKind::Path {
                    from: self.one_node(from)?,
                    to: self.one_node(to)?,
                    all: *all,
                    max,
                }
            }
            StatementKind::Explain(inner) => PlanKind::Explain(Box::new(plan(inner, self.g)?)),
        })
    }

    fn group_by(&self, words: &[Word]) -> Result<GroupBy, QueryError> {
        let text = ast::words_text(words);
        if let Some((k, _)) = lexicon::kind_by_noun(&text) {
            return Ok(GroupBy::Kind(k));
        }
        let lower = text.to_lowercase();
        if FIELDS.contains(&lower.as_str()) {
            return Ok(GroupBy::Field(lower));
        }
        let mut candidates = lexicon::all_nouns();
        candidates.extend(FIELDS);
        Err(QueryError::new(format!("cannot group by `{text}`"), ast::words_span(words))
            .with_help_opt(diag::did_you_mean(&text, candidates))
            .with_help("group by a kind (class, target, subtype, …) or a statement field (evidence, line, …)"))
    }

    /// A run of words that must name exactly one node.
    fn one_node(&self, words: &[Word]) -> Result<NodeIx, QueryError> {
        let text = ast::words_text(words);
        let span = ast::words_span(words);
        let found = self.g.lookup(&text);
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(self.unknown_name(&text, span)),
            many => Err(self.ambiguous(&text, many, span)),
        }
    }

    fn unknown_name(&self, text: &str, span: Span) -> QueryError {
        QueryError::new(format!("no node is named `{text}`"), span)
            .with_help_opt(diag::did_you_mean(text, self.g.labels().map(|(l, _)| l)))
    }

    fn ambiguous(&self, text: &str, many: &[NodeIx], span: Span) -> QueryError {
        let list: Vec<String> = many
            .iter()
            .map(|n| {
                let node = self.g.node(*n);
                format!("`{}` ({})", node.id, node.kind)
            })
            .collect();
        QueryError::new(
            format!("`{text}` names several nodes: {}", list.join(", ")),
            span,
        )
        .with_help("use the node's id to say which one")
    }

    /// Splits a phrase into tokens by longest match: node names, kind nouns, relation phrases.
    fn tokens(&self, phrase: &Phrase) -> Result<Vec<Tok>, QueryError> {
        let words = &phrase.words;
        let mut out = Vec::new();
        let mut i = 0;
        let longest = self.g.max_label_words().max(4);
        while i < words.len() {
            if words[i].quoted {
                let w = &words[i];
                let nodes = self.g.lookup(&w.text);
                match nodes.as_slice() {
                    [one] => out.push(Tok::Node(*one, w.span)),
                    [] => return Err(self.unknown_name(&w.text, w.span)),
                    many => return Err(self.ambiguous(&w.text, many, w.span)),
                }
                i += 1;
                continue;
            }
            let mut matched = None;
            let max = longest.min(words.len() - i);
            for len in (1..=max).rev() {
                let run = &words[i..i + len];
                if run.iter().any(|w| w.quoted) {
                    continue;
                }
                let text = ast::words_text(run);
                let span = ast::words_span(run);
                if let Some(t) = self.classify(&text, span)? {
                    matched = Some((t, len));
                    break;
                }
            }
            match matched {
                Some((t, len)) => {
                    out.push(t);
                    i += len;
                }
                None => return Err(self.unknown_word(&words[i])),
            }
        }
        Ok(out)
    }

    fn classify(&self, text: &str, span: Span) -> Result<Option<Tok>, QueryError> {
        let nodes = self.g.lookup(text);
        match nodes.as_slice() {
            [one] => return Ok(Some(Tok::Node(*one, span))),
            [] => {}
            many => return Err(self.ambiguous(text, many, span)),
        }
        if let Some((k, _)) = lexicon::kind_by_noun(text) {
            return Ok(Some(Tok::Kind(k, span)));
        }
        let lower = normalize(text);
        let fwd = lexicon::relations_by_phrase(&lower);
        let inv = lexicon::relations_by_inverse_phrase(&lower);
        if !fwd.is_empty() || !inv.is_empty() {
            return Ok(Some(Tok::Rel {
                text: lower,
                fwd,
                inv,
                span,
            }));
        }
        if CONNECTORS.contains(&lower.as_str()) {
            return Ok(Some(Tok::Conn(lower, span)));
        }
        Ok(None)
    }

    fn unknown_word(&self, w: &Word) -> QueryError {
        let mut candidates: Vec<&str> = self.g.labels().map(|(l, _)| l).collect();
        candidates.extend(lexicon::all_nouns());
        candidates.extend(lexicon::all_phrases());
        QueryError::new(
            format!("unknown word `{}`: not a kind, relation or name", w.text),
            w.span,
        )
        .with_help_opt(diag::did_you_mean(&w.text, candidates))
    }

    /// The top-level query of a find, count or why.
    fn query(&mut self, e: &Expr) -> Result<Query, QueryError> {
        let merged = merge_with(e.clone());
        let e = &merged;
        let Some(first) = leftmost(e) else {
            return Err(QueryError::new(
                "a query starts with what it looks for, e.g. `drugs …` or a name",
                e.span(),
            ));
        };
        let toks = self.tokens(first)?;
        let kind = match toks.iter().find(|t| !matches!(t, Tok::Node(..))) {
            Some(Tok::Kind(k, _)) => *k,
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
    fn expr(
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
    fn phrase(
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
            Some(Tok::Kind(k, span)) => {
                let noun_kind = *k;
                let mods = &rest[..lead];
                rest = &rest[lead + 1..];
                let sub = self.noun_phrase(noun_kind, mods, rest, &conds)?;
                if linked {
                    // `with cardiac monitoring`: linked to nodes of that noun phrase.
                    let rels = self.link_rels(kind, noun_kind, *span)?;
                    let column = self.column(lexicon::plural(noun_kind));
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
    fn noun_phrase(
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
    fn clauses(
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
                Some(Tok::Kind(k, s)) => {
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
    fn range_kinds(&self, kind: NodeKind, fwd: &[Relation], inv: &[Relation]) -> Vec<NodeKind> {
        let mut out = Vec::new();
        for r in fwd {
            let info = lexicon::relation_info(*r);
            if info.domain.contains(&kind) {
                out.extend(info.range.iter().copied());
            }
        }
        for r in inv {
            let info = lexicon::relation_info(*r);
            if info.range.contains(&kind) {
                out.extend(info.domain.iter().copied());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Chooses the relations a phrase means between `kind` and `other`, and builds the link.
    #[allow(clippy::too_many_arguments)]
    fn link(
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
            Target::Set(_) | Target::Any(_) => self.column(lexicon::plural(other)),
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
            // means: `treating` finds `biolink:treats` between third-party kinds.
            let biolink: Vec<&str> = fwd
                .iter()
                .chain(inv)
                .map(|r| lexicon::relation_info(*r).biolink)
                .collect();
            rels = any_rels(self.g, kind, other)
                .into_iter()
                .filter(|(r, _)| matches!(r, Relation::Other(_)) && biolink.contains(&r.as_str()))
                .collect();
        }
        if rels.is_empty() && connector {
            rels = any_rels(self.g, kind, other);
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
                let info = lexicon::relation_info(*r);
                if !info.domain.contains(&kind) {
                    continue;
                }
                for &mid in info.range {
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
                            column: self.column(lexicon::plural(mid)),
                        });
                    }
                }
            }
        }
        let alternatives: Vec<&str> = lexicon::relations_between(kind, other)
            .into_iter()
            .chain(lexicon::relations_between(other, kind))
            .map(|r| lexicon::relation_info(r).phrases[0])
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
    fn link_rels(
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

    fn column(&mut self, title: &str) -> Option<usize> {
        if self.negated > 0 {
            return None;
        }
        if let Some(i) = self.columns.iter().position(|c| c == title) {
            return Some(i);
        }
        self.columns.push(title.to_string());
        Some(self.columns.len() - 1)
    }

    fn conditions(&self, p: &Phrase) -> Result<Vec<Cond>, QueryError> {
        let mut out = Vec::new();
        for c in &p.conditions {
            let mut field = c.field.text.to_lowercase().replace(' ', "_");
            if !FIELDS.contains(&field.as_str()) {
                return Err(QueryError::new(
                    format!("unknown field `{}`", c.field.text),
                    c.field.span,
                )
                .with_help_opt(diag::did_you_mean(&c.field.text, FIELDS.iter().copied()))
                .with_help(format!("fields: {}", FIELDS.join(", "))));
            }
            // `with` is a keyword of the language, so the `with` qualifier is asked for as `partner`.
            if field == "partner" {
                field = "with".into();
            }
            let value = c.value.text.clone();
            let allowed: Option<Vec<&str>> = match field.as_str() {
                "line" => Some(crate::model::vocab::LINES.to_vec()),
                "frequency" => Some(crate::model::vocab::FREQUENCIES.to_vec()),
                "evidence" => Some(Evidence::ALL.iter().map(|e| e.as_str()).collect()),
                "source" => Some(self.g.sources().iter().map(|s| s.id.as_str()).collect()),
                _ => None,
            };
            if let Some(allowed) = allowed {
                if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&value)) {
                    return Err(QueryError::new(
                        format!("`{value}` is not a value of `{field}`"),
                        c.value.span,
                    )
                    .with_help_opt(diag::did_you_mean(&value, allowed.iter().copied()))
                    .with_help(format!("values: {}", allowed.join(", "))));
                }
            }
            let value = match field.as_str() {
                // Lists of node ids: accept a name or alias too.
                "population" | "with" => match self.g.lookup(&value).as_slice() {
                    [one] => self.g.node(*one).id.clone(),
                    _ => value,
                },
                _ => value,
            };
            out.push(Cond {
                field,
                negated: c.op == ast::Op::Ne,
                value,
            });
        }
        Ok(out)
    }
}

/// Every relation joining two kinds, forward then backward.
fn any_rels(g: &KnowledgeGraph, kind: NodeKind, other: NodeKind) -> Vec<(Relation, Dir)> {
    let forward = lexicon::relations_between(kind, other)
        .into_iter()
        .chain(g.imported_relations_between(kind, other));
    let backward = lexicon::relations_between(other, kind)
        .into_iter()
        .chain(g.imported_relations_between(other, kind));
    let mut rels: Vec<(Relation, Dir)> = forward.map(|r| (r, Dir::Out)).collect();
    rels.extend(backward.map(|r| (r, Dir::In)));
    rels
}

fn and_all(mut filters: Vec<Filter>) -> Filter {
    let Some(first) = (!filters.is_empty()).then(|| filters.remove(0)) else {
        return Filter::All;
    };
    filters
        .into_iter()
        .fold(first, |acc, f| Filter::And(Box::new(acc), Box::new(f)))
}

/// Re-joins relation phrases that end in the keyword `with` (`combined with`, `given with`):
/// the grammar reads `drugs combined with capecitabine` as `drugs combined` *with*
/// `capecitabine`; when the words before `with` and `with` itself form a relation phrase of the
/// lexicon, the two phrases are one.
fn merge_with(e: Expr) -> Expr {
    match e {
        Expr::Binary(op, l, r, span) => {
            let mut l = merge_with(*l);
            let r = merge_with(*r);
            if op == BinOp::With {
                if let (Some(left), Expr::Phrase(right)) = (rightmost_mut(&mut l), &r) {
                    if left.conditions.is_empty() && ends_with_with_phrase(&left.words) {
                        let with_span = Span::new(left.span.end, right.span.start);
                        left.words.push(Word {
                            text: "with".into(),
                            quoted: false,
                            span: with_span,
                        });
                        left.words.extend(right.words.iter().cloned());
                        left.conditions = right.conditions.clone();
                        left.span = left.span.join(right.span);
                        return l;
                    }
                }
            }
            Expr::Binary(op, Box::new(l), Box::new(r), span)
        }
        Expr::Not(inner, span) => Expr::Not(Box::new(merge_with(*inner)), span),
        p => p,
    }
}

fn rightmost_mut(e: &mut Expr) -> Option<&mut Phrase> {
    match e {
        Expr::Phrase(p) => Some(p),
        Expr::Binary(_, _, r, _) => rightmost_mut(r),
        Expr::Not(inner, _) => rightmost_mut(inner),
    }
}

fn ends_with_with_phrase(words: &[Word]) -> bool {
    (1..=3.min(words.len())).any(|n| {
        let run = &words[words.len() - n..];
        if run.iter().any(|w| w.quoted) {
            return false;
        }
        let phrase = format!("{} with", ast::words_text(run)).to_lowercase();
        !lexicon::relations_by_phrase(&phrase).is_empty()
            || !lexicon::relations_by_inverse_phrase(&phrase).is_empty()
    })
}

fn leftmost(e: &Expr) -> Option<&Phrase> {
    match e {
        Expr::Phrase(p) => Some(p),
        Expr::Binary(_, l, _, _) => leftmost(l),
        Expr::Not(..) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The interpretation, as users read it.

/// Prints a plan's meaning: `drug —targets→ HER2 ∧ drug —requires_monitoring→ monitoring —assesses→ cardiac`.
pub struct Interpretation<'a> {
    pub plan: &'a Plan,
    pub graph: &'a KnowledgeGraph,
}

impl fmt::Display for Interpretation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = self.graph;
        match &self.plan.kind {
            PlanKind::Find(q) => write_query(f, g, q),
            PlanKind::Why(q) => {
                f.write_str("the statements behind: ")?;
                write_query(f, g, q)
            }
            PlanKind::Count(q, group) => {
                f.write_str("count of ")?;
                write_query(f, g, q)?;
                match group {
                    Some(GroupBy::Kind(k)) => {
                        write!(f, ", grouped by linked {}", lexicon::singular(*k))
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
                let names: Vec<&str> = nodes.iter().map(|n| g.node(*n).name.as_str()).collect();
                write!(f, "{} side by side, by relation", names.join(", "))
            }
            PlanKind::Search(text) => {
                write!(f, "names, aliases, ids and notes containing `{text}`")
            }
            PlanKind::Explain(p) => Interpretation { plan: p, graph: g }.fmt(f),
        }
    }
}

fn write_query(f: &mut fmt::Formatter<'_>, g: &KnowledgeGraph, q: &Query) -> fmt::Result {
    let subject = lexicon::singular(q.kind);
    match &q.filter {
        Filter::All => f.write_str(lexicon::plural(q.kind)),
        other => write_filter(f, g, subject, other, false),
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
                        format!(
                            "{} {} {}",
                            c.field,
                            if c.negated { "≠" } else { "=" },
                            c.value
                        )
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
        Target::Node(n) => f.write_str(&g.node(*n).name),
        Target::Any(k) => write!(f, "any {}", lexicon::singular(*k)),
        Target::Bridge { node, kind, via } => {
            f.write_str(lexicon::singular(*kind))?;
            write_rels(f, via)?;
            f.write_str(&g.node(*node).name)
        }
        Target::Set(q) => {
            let subject = lexicon::singular(q.kind);
            match &q.filter {
                Filter::All => f.write_str(subject),
                Filter::Link { rels, target, .. } => {
                    f.write_str(subject)?;
                    write_rels(f, rels)?;
                    write_target(f, g, target)
                }
                other => {
                    f.write_str("(")?;
                    write_filter(f, g, subject, other, false)?;
                    f.write_str(")")
                }
            }
        }
    }
}
