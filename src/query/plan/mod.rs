//! Binds the words of an [`ast::Statement`] to kinds, relations and nodes, by longest match against
//! the lexicon and the graph's names, and builds a [`Plan`].
//!
//! All the meaning lives here and in the lexicon: the grammar only delimits phrases. Unknown words get a
//! "did you mean"; a phrase that cannot link two kinds says which phrases would.

mod bind;
mod explain;
mod link;
mod phrase;
mod question;
mod reading;

pub use explain::{FilterText, Interpretation};

use crate::diag;
use crate::graph::{KnowledgeGraph, NodeIx};
use crate::lexicon::{self, phrasing, phrasing::Role};
use crate::model::{Field, Format, NodeKind, Relation};
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
    Relation::RequiresTest,
    Relation::GivenBy,
    Relation::UsedIn,
    Relation::NotCombinedWith,
];

/// Inherited relations whose statements on the *target's* classes hold for the target too: a
/// drug is not to be combined with tamoxifen when it (or its class) is not to be combined with
/// hormonal therapy.
pub const TARGET_CLASSES: &[Relation] = &[Relation::NotCombinedWith];

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
    pub field: Field,
    pub negated: bool,
    /// Compare by substring (`~`, `contains`, and schedules in words).
    pub contains: bool,
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
    /// Any of these nodes (or below them): a group name such as `BRCA`.
    Nodes(Vec<NodeIx>),
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
    Field(Field),
}

/// A statement, bound and ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanKind {
    Find(Query),
    /// `what treats Y`: queries of several kinds, answered together.
    Union(Vec<Query>),
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
    /// Output format asked for with `as`.
    pub format: Option<Format>,
    /// Canonical text of the statement.
    pub text: String,
    /// Filler words the reading set aside, for the echo.
    pub ignored: Vec<String>,
    /// Show the qualifiers of the matched statements in a `details` column (`how is X given`).
    pub details: bool,
}

/// Binds a parsed statement against the lexicon and the graph.
pub fn plan(stmt: &ast::Statement, g: &KnowledgeGraph) -> Result<Plan, QueryError> {
    let mut p = Planner {
        g,
        columns: Vec::new(),
        negated: 0,
        ignored: Vec::new(),
        narrow: None,
        linking: false,
        details: false,
        nested: None,
        shapes: std::cell::OnceCell::new(),
        reversed: std::cell::Cell::new(0),
        members_of: None,
    };
    let kind = p
        .statement_kind(stmt)
        .and_then(|k| p.never_both(k, stmt.span))
        .map_err(|e| p.with_question_hint(stmt, e))?;
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
        Some(w) => match Format::parse(&w.text) {
            Some(f) => Some(f),
            None => {
                let names = Format::ALL.map(Format::as_str);
                return Err(
                    QueryError::new(format!("unknown output format `{}`", w.text), w.span)
                        .with_help_opt(diag::did_you_mean(&w.text, names))
                        .with_help_opt(route_hint(stmt, &w.text))
                        .with_help(format!("formats: {}", names.join(", "))),
                );
            }
        },
        None => None,
    };
    // `explain … as json`: the format asked for inside applies to the explanation.
    let format = match (&kind, format) {
        (PlanKind::Explain(inner), None) => inner.format,
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
        details: p.details,
        ignored: {
            let mut seen = std::collections::HashSet::new();
            p.ignored
                .into_iter()
                .filter(|w| seen.insert(w.clone()))
                .collect()
        },
    })
}

/// The nodes a filter requires its rows to be (`Is` under `and`, not under `not` or `or`).
fn names_required(f: &Filter, out: &mut Vec<NodeIx>) {
    match f {
        Filter::Is(n) if !out.contains(n) => out.push(*n),
        Filter::And(a, b) => {
            names_required(a, out);
            names_required(b, out);
        }
        _ => {}
    }
}

/// A word or run of words, classified.
#[derive(Debug, Clone)]
enum Tok {
    /// A kind noun, and the relation it narrows a phrase-less link to (`monitoring`).
    Kind(NodeKind, Span, Option<Relation>),
    /// A relation phrase: forward candidates and inverse candidates.
    Rel {
        text: String,
        fwd: Vec<Relation>,
        inv: Vec<Relation>,
        span: Span,
    },
    /// `of`, `linked to`: any relation, either way.
    Conn(String, Span),
    Node(NodeIx, Span),
    /// A group name (`BRCA`): any of these nodes.
    Nodes(Vec<NodeIx>, Span),
    /// A class named in the plural (`anthracyclines`): its member drugs.
    Plural(NodeIx, Span),
    /// A structure or filler word (see `phrasing`).
    Role(Role, String, Span),
    /// A word skipped only after a subtype, biomarker or population (`disease`, `women`).
    Ctx(String, Span),
    /// One of the field's words: a comparison on the statements of a clause.
    Qual(Field, String, Span),
    /// `options`, `treatments`, `therapies`: every kind of therapy.
    Therapies(Span),
    /// A word that is both a kind noun and a relation phrase (`targets`), until `read` decides.
    Either(NodeKind, Box<Tok>, Span),
}

impl Tok {
    fn span(&self) -> Span {
        match self {
            Tok::Kind(_, s, _)
            | Tok::Conn(_, s)
            | Tok::Node(_, s)
            | Tok::Nodes(_, s)
            | Tok::Plural(_, s)
            | Tok::Role(_, _, s)
            | Tok::Ctx(_, s)
            | Tok::Qual(_, _, s)
            | Tok::Therapies(s)
            | Tok::Either(_, _, s)
            | Tok::Rel { span: s, .. } => *s,
        }
    }
}

/// Words that link two kinds by whatever relation joins them.
pub const CONNECTORS: &[&str] = &["of", "for", "linked to", "related to", "about"];

struct Planner<'g> {
    g: &'g KnowledgeGraph,
    columns: Vec<String>,
    /// How many `not`/`without` enclose the phrase being planned: negated links get no column.
    negated: usize,
    /// Filler words set aside, for the echo.
    ignored: Vec<String>,
    /// The relation the noun of the phrase being planned narrows phrase-less links to.
    narrow: Option<Relation>,
    /// Planning the operand of `with`/`without`: names link by the table's `with` readings.
    linking: bool,
    /// The statement asked for the qualifiers of what it finds (`how is X given`).
    details: bool,
    /// The query in parentheses at the end of the phrase being planned (`side effects of
    /// (drugs targeting HER2)`): the object of its last relation phrase.
    nested: Option<Query>,
    /// (subject kind, relation, object kind) of the graph's statements, when first needed.
    shapes: std::cell::OnceCell<std::collections::BTreeSet<(NodeKind, Relation, NodeKind)>>,
    /// How many links were read the other way round from how their phrase names them, because
    /// the kinds fit only that way (`classes after trastuzumab deruxtecan`: what it comes after).
    reversed: std::cell::Cell<usize>,
    /// A question that opens on a class named in the singular before what it asks (`which
    /// CDK4/6 inhibitor causes diarrhea`): the class whose member drugs it asks about.
    /// With it, whether a structure word follows the class (`which taxane is given weekly`).
    members_of: Option<(NodeIx, bool)>,
}

impl<'g> Planner<'g> {
    /// `kind`, unless it asks for one node that is two (`what do tamoxifen and letrozole have`:
    /// drug = tamoxifen and drug = letrozole), which no answer can be: an error, not an empty
    /// list.
    fn never_both(&self, kind: PlanKind, span: Span) -> Result<PlanKind, QueryError> {
        let (PlanKind::Find(q) | PlanKind::Count(q, _) | PlanKind::Why(q)) = &kind else {
            return Ok(kind);
        };
        let mut named = Vec::new();
        names_required(&q.filter, &mut named);
        let [a, b, ..] = named.as_slice() else {
            return Ok(kind);
        };
        let (a, b) = (self.g.node(*a).name, self.g.node(*b).name);
        Err(QueryError::new(
            format!(
                "no {} is both {a} and {b}: `and` asks for one thing that is both",
                lexicon::singular(q.kind)
            ),
            span,
        )
        .with_help(format!(
            "for either, `{a} or {b}`; to set them side by side, `compare {a}, {b}`"
        )))
    }

    /// A question that failed, with the statement that answers its kind of question first: where
    /// a fact comes from (`what is the source for …`: `why`), or how two or more named things
    /// differ or what they share (`what's the difference between olaparib and talazoparib`: how
    /// to set them side by side).
    fn with_question_hint(&self, stmt: &ast::Statement, err: QueryError) -> QueryError {
        let mut words: Vec<&ast::Word> = Vec::new();
        if let StatementKind::Find(e) | StatementKind::ShowMe(e) | StatementKind::Count(e) =
            &stmt.kind
        {
            collect_words(e, &mut words);
        }
        let lower: Vec<String> = words.iter().map(|w| w.text.to_lowercase()).collect();
        let cue = lower.iter().enumerate().any(|(i, w)| {
            phrasing::COMPARE_CUES.contains(&w.as_str())
                || (w == "common" && i > 0 && lower[i - 1] == "in")
        });
        if lower
            .iter()
            .any(|w| phrasing::PROVENANCE_CUES.contains(&w.as_str()))
            && !err.help.iter().any(|h| h.contains("`why"))
        {
            // First: the statement examples after it answer other questions.
            let mut err = err;
            err.help
                .insert(0, crate::query::syntax::WHY_HELP.to_string());
            return err;
        }
        if !cue || err.help.iter().any(|h| h.contains("`compare ")) {
            return err;
        }
        let mut names: Vec<&str> = Vec::new();
        let owned: Vec<ast::Word> = words.iter().map(|w| (*w).clone()).collect();
        for len in (1..=3).rev() {
            for run in owned.windows(len) {
                if let [one] = self.g.lookup(&ast::words_text(run)).as_slice() {
                    let name = self.g.node(*one).name;
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
        }
        if names.len() < 2 {
            return err;
        }
        names.truncate(4);
        // First: the statement examples after it answer other questions.
        let mut err = err;
        err.help.insert(
            0,
            format!("to set them side by side: `compare {}`", names.join(", ")),
        );
        err
    }

    fn statement_kind(&mut self, stmt: &ast::Statement) -> Result<PlanKind, QueryError> {
        Ok(match &stmt.kind {
            StatementKind::Find(e) => {
                self.question(&merge_with(e.clone(), self.g.lexicon()), false, false)?
            }
            StatementKind::ShowMe(e) => {
                self.question(&merge_with(e.clone(), self.g.lexicon()), true, false)?
            }
            StatementKind::Why(e) => PlanKind::Why(self.query(e)?),
            StatementKind::Count(e) => {
                let plan = self.question(&merge_with(e.clone(), self.g.lexicon()), false, true)?;
                let PlanKind::Count(q, asked) = plan else {
                    return Err(QueryError::new("`count` takes a query", e.span()));
                };
                let group = match &stmt.modifiers.group_by {
                    Some(w) => Some(self.group_by(w)?),
                    None => asked,
                };
                PlanKind::Count(q, group)
            }
            StatementKind::Show(w) => PlanKind::Show(self.one_node(w)?),
            StatementKind::Compare(items) => {
                PlanKind::Compare(self.compare_nodes(items, stmt.span)?)
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

/// Keeps only the relation a kind noun narrows to (`monitoring` → requires_monitoring) when it is
/// among `rels`; otherwise `rels` as they are.
fn narrowed(mut rels: Vec<(Relation, Dir)>, narrow: Option<Relation>) -> Vec<(Relation, Dir)> {
    if let Some(r) = narrow {
        if rels.iter().any(|(x, _)| *x == r) {
            rels.retain(|(x, _)| *x == r);
        }
    }
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
fn merge_with(e: Expr, lex: &lexicon::Lexicon) -> Expr {
    match e {
        Expr::Binary(op, l, r, span) => {
            let mut l = merge_with(*l, lex);
            let r = merge_with(*r, lex);
            if op == BinOp::With {
                if let (Some(left), Expr::Phrase(right)) = (rightmost_mut(&mut l), &r) {
                    if left.conditions.is_empty() && ends_with_with_phrase(&left.words, lex) {
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
        Expr::Not(inner, span) => Expr::Not(Box::new(merge_with(*inner, lex)), span),
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

fn ends_with_with_phrase(words: &[Word], lex: &lexicon::Lexicon) -> bool {
    (1..=3.min(words.len())).any(|n| {
        let run = &words[words.len() - n..];
        if run.iter().any(|w| w.quoted) {
            return false;
        }
        let phrase = format!("{} with", ast::words_text(run)).to_lowercase();
        !lex.relations_by_phrase(&phrase).is_empty()
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

/// For `which drugs are given as injections`, where `as` starts the output format: how to ask
/// for the route.
fn route_hint(stmt: &ast::Statement, word: &str) -> Option<String> {
    let mut words = Vec::new();
    if let StatementKind::Find(e) | StatementKind::ShowMe(e) | StatementKind::Count(e) = &stmt.kind
    {
        collect_words(e, &mut words);
    }
    let last = words.last()?.text.to_lowercase();
    ["given", "taken", "administered"]
        .contains(&last.as_str())
        .then(|| {
            format!("`as` starts an output format; to ask how it is given, say `{last} by {word}`")
        })
}

/// Every word of an expression's phrases, in order.
fn collect_words<'e>(e: &'e Expr, out: &mut Vec<&'e ast::Word>) {
    match e {
        Expr::Phrase(p) => out.extend(p.words.iter()),
        Expr::Not(inner, _) => collect_words(inner, out),
        Expr::Binary(_, l, r, _) => {
            collect_words(l, out);
            collect_words(r, out);
        }
    }
}
