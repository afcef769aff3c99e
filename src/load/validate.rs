//! The checks every loaded graph passes: sources and sections, node ids and names, statements
//! (relation between the right kinds, known qualifier values, references), cycles of `subclass_of`.
//! Each problem is reported with its place; none stops the others.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use ::toml::Spanned;

use crate::diag::{self, Diagnostic};
use crate::lexicon;
use crate::lexicon::biolink::{Hierarchy, Misfit};
use crate::model::vocab::{Frequency, Line};
use crate::model::{
    Evidence, Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Section, Source, Statement,
};

use super::toml::*;

pub(crate) fn check_sources(
    fs: &Files,
    raw: Vec<(RawSource, usize)>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Source> {
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut out = Vec::new();
    for (s, file) in raw {
        let span = fs.span(file, &s.id);
        if let Some(first) = seen.get(s.id.get_ref()) {
            errors.push(
                fs.diag(span, format!("duplicate source id `{}`", s.id.get_ref()))
                    .with_help(format!("first defined at {}", fs.origin(*first))),
            );
            continue;
        }
        seen.insert(s.id.get_ref().clone(), span);
        let mut headings: HashSet<String> = HashSet::new();
        let mut sections = Vec::new();
        for sec in s.section {
            if !headings.insert(sec.heading.get_ref().clone()) {
                let span = fs.span(file, &sec.heading);
                errors.push(fs.diag(
                    span,
                    format!("section `{}` is listed twice", sec.heading.get_ref()),
                ));
                continue;
            }
            sections.push(Section {
                heading: sec.heading.into_inner(),
                updated: sec.updated,
            });
        }
        out.push(Source {
            id: s.id.get_ref().clone(),
            title: s.title,
            publisher: s.publisher,
            approved: s.approved,
            url: s.url,
            sections,
            origin: fs.origin(span),
        });
    }
    out
}

pub(crate) fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Checks node ids, kinds, names, aliases and categories; returns the nodes and a map id → kind.
pub(crate) fn check_nodes(
    fs: &Files,
    pending: &[PendingNode],
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Node>, HashMap<String, NodeKind>) {
    let mut kinds: HashMap<String, NodeKind> = HashMap::new();
    let mut first_at: HashMap<String, Span> = HashMap::new();
    // lower-cased name or alias → (node id, where it was claimed)
    let mut names: HashMap<String, (String, Span)> = HashMap::new();
    let mut nodes = Vec::new();
    // The Biolink table, read when a node first names a category.
    let biolink = OnceCell::new();
    for p in pending {
        let raw = &p.raw;
        let id = raw.id.get_ref();
        let id_span = fs.span(p.file, &raw.id);
        if let Some(k) = &raw.kind {
            if k.get_ref() != p.kind.as_str() {
                let span = fs.span(p.file, k);
                let kinds: Vec<&str> = NodeKind::ALL.iter().map(|k| k.as_str()).collect();
                errors.push(
                    fs.diag(
                        span,
                        format!(
                            "kind `{}` does not belong in this file, which holds {} nodes",
                            k.get_ref(),
                            p.kind
                        ),
                    )
                    .with_help_opt(if NodeKind::parse(k.get_ref()).is_none() {
                        diag::did_you_mean(k.get_ref(), kinds)
                    } else {
                        Some(format!(
                            "move the node to {}",
                            lexicon::kind_file(NodeKind::parse(k.get_ref()).unwrap_or(p.kind))
                        ))
                    }),
                );
            }
        }
        if !is_kebab_id(id) {
            errors.push(
                fs.diag(id_span, format!("id `{id}` is not kebab-case"))
                    .with_help("ids are lower-case ASCII letters and digits joined by single hyphens, e.g. `trastuzumab-deruxtecan`"),
            );
        }
        if let Some(first) = first_at.get(id) {
            errors.push(
                fs.diag(id_span, format!("duplicate node id `{id}`"))
                    .with_help(format!("first defined at {}", fs.origin(*first))),
            );
            continue;
        }
        first_at.insert(id.clone(), id_span);
        kinds.insert(id.clone(), p.kind);
        if raw.name.get_ref().trim().is_empty() {
            errors.push(fs.diag(fs.span(p.file, &raw.name), "empty name"));
        }
        let mut own: HashSet<String> = HashSet::new();
        for label in std::iter::once(&raw.name).chain(raw.aliases.iter()) {
            let key = label.get_ref().trim().to_lowercase();
            if key.is_empty() || !own.insert(key.clone()) {
                continue;
            }
            let span = fs.span(p.file, label);
            if let Some((other, other_span)) = names.get(&key) {
                errors.push(
                    fs.diag(
                        span,
                        format!(
                            "name or alias `{}` is claimed by both `{other}` and `{id}`",
                            label.get_ref()
                        ),
                    )
                    .with_help(format!("`{other}` claims it at {}", fs.origin(*other_span))),
                );
            } else {
                names.insert(key, (id.clone(), span));
            }
        }
        let category = raw.category.as_ref().and_then(|c| {
            let biolink = biolink.get_or_init(Hierarchy::embedded);
            check_category(fs, p, c, biolink, errors)
        });
        nodes.push(Node {
            id: id.clone(),
            kind: p.kind,
            name: raw.name.get_ref().clone(),
            aliases: raw.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            xrefs: raw.xrefs.clone(),
            note: raw.note.clone(),
            category,
            accepted: raw
                .accept
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            origin: fs.origin(id_span),
        });
    }
    (nodes, kinds)
}

/// A node's own Biolink category when a node of its kind may carry it (see
/// [`lexicon::KindInfo::category_under`]); the kind's own category is an error too, since it
/// goes without saying.
fn check_category(
    fs: &Files,
    p: &PendingNode,
    category: &Spanned<String>,
    biolink: &Hierarchy,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    let span = fs.span(p.file, category);
    let category = category.get_ref();
    if let Err(misfit) = biolink.fits(p.kind, category) {
        let help = match misfit {
            Misfit::Unknown => fs.did_you_mean("categories", category, biolink.concrete_classes()),
            other => other.help(p.kind),
        };
        errors.push(
            fs.diag(span, misfit.message(category, p.kind))
                .with_help_opt(help),
        );
        return None;
    }
    if lexicon::biolink_category(p.kind) == category.as_str() {
        errors.push(
            fs.diag(
                span,
                format!(
                    "category `{category}` is what every {} is exported as",
                    lexicon::singular(p.kind)
                ),
            )
            .with_help("leave `category` out: a node carries its own only where its kind's does not fit it"),
        );
        return None;
    }
    Some(category.clone())
}

/// Checks every statement; returns the valid ones with the span of their relation field.
pub(crate) fn check_statements(
    fs: &Files,
    pending: &[PendingNode],
    kinds: &HashMap<String, NodeKind>,
    sources: &[Source],
    errors: &mut Vec<Diagnostic>,
) -> Vec<(Statement, Origin)> {
    let check = StatementCheck {
        fs,
        kinds,
        ids: kinds.keys().map(String::as_str).collect(),
        sources,
    };
    let mut out = Vec::new();
    for p in pending {
        for st in &p.raw.statement {
            out.extend(check.one(p, st, errors));
        }
    }
    out
}

/// What checking one statement needs to know about the whole graph.
struct StatementCheck<'a> {
    fs: &'a Files<'a>,
    kinds: &'a HashMap<String, NodeKind>,
    /// Every node id, for did-you-mean.
    ids: Vec<&'a str>,
    sources: &'a [Source],
}

impl StatementCheck<'_> {
    /// Checks one statement of node `p`, reporting each problem; the statement when it has none.
    fn one(
        &self,
        p: &PendingNode,
        st: &RawStatement,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<(Statement, Origin)> {
        let fs = self.fs;
        let before = errors.len();
        let sp = |s: &Spanned<String>| fs.span(p.file, s);
        let relation = self.relation(p, st, errors);
        let evidence = self.evidence(p, st, errors);
        check_source_section(fs, p.file, st, self.sources, errors);
        if st.note.get_ref().trim().is_empty() {
            errors.push(fs.diag(
                sp(&st.note),
                "empty note: say in a few words what the source says",
            ));
        }
        self.object(p, st, relation, errors);
        check_choice(
            fs,
            p.file,
            st.line.as_ref(),
            "line of therapy",
            &Line::words(),
            errors,
        );
        check_choice(
            fs,
            p.file,
            st.frequency.as_ref(),
            "frequency",
            &Frequency::words(),
            errors,
        );
        check_refs(
            fs,
            p.file,
            &st.population,
            &[NodeKind::Population],
            self.kinds,
            errors,
        );
        check_refs(
            fs,
            p.file,
            &st.with,
            &[NodeKind::Drug, NodeKind::Class, NodeKind::Procedure],
            self.kinds,
            errors,
        );
        self.any_of(p, st, relation, errors);
        if errors.len() > before {
            return None;
        }
        let origin = fs.origin(sp(&st.relation));
        Some((
            statement(p.raw.id.get_ref(), st, relation?, evidence?, origin.clone()),
            origin,
        ))
    }

    /// The statement's relation, or a report with a did-you-mean.
    fn relation(
        &self,
        p: &PendingNode,
        st: &RawStatement,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Relation> {
        let relation = Relation::parse(st.relation.get_ref());
        if relation.is_none() {
            errors.push(
                self.fs
                    .diag(
                        self.fs.span(p.file, &st.relation),
                        format!("unknown relation `{}`", st.relation.get_ref()),
                    )
                    .with_help_opt(diag::did_you_mean(
                        st.relation.get_ref(),
                        Relation::ALL.iter().map(|r| r.as_str()),
                    )),
            );
        }
        relation
    }

    /// The statement's evidence category, or a report. `unspecified` is for imported
    /// statements; curated ones say what the source supports.
    fn evidence(
        &self,
        p: &PendingNode,
        st: &RawStatement,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Evidence> {
        let evidence =
            Evidence::parse(st.evidence.get_ref()).filter(|e| *e != Evidence::Unspecified);
        if evidence.is_none() {
            let all: Vec<&str> = Evidence::ALL
                .iter()
                .filter(|e| **e != Evidence::Unspecified)
                .map(|e| e.as_str())
                .collect();
            errors.push(
                self.fs
                    .diag(
                        self.fs.span(p.file, &st.evidence),
                        format!("unknown evidence category `{}`", st.evidence.get_ref()),
                    )
                    .with_help_opt(diag::did_you_mean(
                        st.evidence.get_ref(),
                        all.iter().copied(),
                    ))
                    .with_help(format!("evidence is one of: {}", all.join(", "))),
            );
        }
        evidence
    }

    /// The object: a node id, not the subject itself, of a kind the relation may join.
    fn object(
        &self,
        p: &PendingNode,
        st: &RawStatement,
        relation: Option<Relation>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let fs = self.fs;
        let span = fs.span(p.file, &st.object);
        let object = st.object.get_ref();
        let object_kind = self.kinds.get(object).copied();
        if object_kind.is_none() && !fs.knock_on(object) {
            errors.push(
                fs.diag(span, format!("object `{object}` is not a node id"))
                    .with_help_opt(fs.did_you_mean("ids", object, self.ids.iter().copied())),
            );
        }
        let subject = p.raw.id.get_ref();
        if object == subject {
            errors.push(fs.diag(span, format!("statement links `{subject}` to itself")));
        }
        if let (Some(r), Some(ok)) = (relation, object_kind) {
            if !lexicon::allows(r, p.kind, ok) {
                errors.push(
                    fs.diag(
                        fs.span(p.file, &st.relation),
                        format!(
                            "relation `{r}` cannot join a {} to a {ok} (`{object}`)",
                            p.kind
                        ),
                    )
                    .with_help(format!(
                        "`{r}` joins {} → {}",
                        kinds_text(lexicon::domain(r)),
                        kinds_text(lexicon::range(r))
                    )),
                );
            }
        }
    }

    /// An any-of group id: kebab-case, on a relation whose statements can be alternatives.
    fn any_of(
        &self,
        p: &PendingNode,
        st: &RawStatement,
        relation: Option<Relation>,
        errors: &mut Vec<Diagnostic>,
    ) {
        let Some(group) = &st.any_of else {
            return;
        };
        let span = self.fs.span(p.file, group);
        if !is_kebab_id(group.get_ref()) {
            errors.push(self.fs.diag(
                span,
                format!("any_of `{}` is not a kebab-case group id", group.get_ref()),
            ));
        }
        if let Some(r) = relation.filter(|r| !ANY_OF_RELATIONS.contains(r)) {
            let allowed: Vec<&str> = ANY_OF_RELATIONS.iter().map(|r| r.as_str()).collect();
            errors.push(
                self.fs
                    .diag(span, format!("`{r}` statements cannot be alternatives"))
                    .with_help(format!("any_of goes with: {}", allowed.join(", "))),
            );
        }
    }
}

/// A checked statement of the curated format as a [`Statement`].
fn statement(
    subject: &str,
    st: &RawStatement,
    relation: Relation,
    evidence: Evidence,
    origin: Origin,
) -> Statement {
    Statement {
        subject: subject.to_string(),
        relation,
        object: st.object.get_ref().clone(),
        qualifiers: Qualifiers {
            line: st.line.as_ref().and_then(|s| Line::parse(s.get_ref())),
            frequency: st
                .frequency
                .as_ref()
                .and_then(|s| Frequency::parse(s.get_ref())),
            risk: st.risk.clone(),
            population: st.population.iter().map(|s| s.get_ref().clone()).collect(),
            with: st.with.iter().map(|s| s.get_ref().clone()).collect(),
            schedule: st.schedule.clone(),
            min_count: st.min_count,
            condition: st.condition.clone(),
            any_of: st.any_of.as_ref().map(|s| s.get_ref().clone()),
        },
        provenance: Provenance {
            source: st.source.get_ref().clone(),
            section: st.section.get_ref().clone(),
            evidence,
            note: st.note.get_ref().clone(),
        },
        origin,
    }
}

pub(crate) fn kinds_text(kinds: &[NodeKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

pub(crate) fn check_source_section(
    fs: &Files,
    file: usize,
    st: &RawStatement,
    sources: &[Source],
    errors: &mut Vec<Diagnostic>,
) {
    let Some(source) = sources.iter().find(|s| &s.id == st.source.get_ref()) else {
        if fs.knock_on(st.source.get_ref()) {
            return;
        }
        errors.push(
            fs.diag(
                fs.span(file, &st.source),
                format!("unknown source `{}`", st.source.get_ref()),
            )
            .with_help_opt(fs.did_you_mean(
                "sources",
                st.source.get_ref(),
                sources.iter().map(|s| s.id.as_str()),
            ))
            .with_help("sources are listed in sources.toml"),
        );
        return;
    };
    if source.section(st.section.get_ref()).is_none() {
        errors.push(
            fs.diag(
                fs.span(file, &st.section),
                format!(
                    "source `{}` has no section `{}`",
                    source.id,
                    st.section.get_ref()
                ),
            )
            .with_help_opt(diag::did_you_mean(
                st.section.get_ref(),
                source.sections.iter().map(|s| s.heading.as_str()),
            )),
        );
    }
}

pub(crate) fn check_choice(
    fs: &Files,
    file: usize,
    value: Option<&Spanned<String>>,
    what: &str,
    allowed: &[&str],
    errors: &mut Vec<Diagnostic>,
) {
    let Some(v) = value else { return };
    if !allowed.contains(&v.get_ref().as_str()) {
        errors.push(
            fs.diag(
                fs.span(file, v),
                format!("unknown {what} `{}`", v.get_ref()),
            )
            .with_help_opt(diag::did_you_mean(v.get_ref(), allowed.iter().copied()))
            .with_help(format!("{what} is one of: {}", allowed.join(", "))),
        );
    }
}

pub(crate) fn check_refs(
    fs: &Files,
    file: usize,
    refs: &[Spanned<String>],
    allowed: &[NodeKind],
    kinds: &HashMap<String, NodeKind>,
    errors: &mut Vec<Diagnostic>,
) {
    for r in refs {
        match kinds.get(r.get_ref()) {
            None if fs.knock_on(r.get_ref()) => {}
            None => errors.push(
                fs.diag(
                    fs.span(file, r),
                    format!("`{}` is not a node id", r.get_ref()),
                )
                .with_help_opt(fs.did_you_mean(
                    "ids",
                    r.get_ref(),
                    kinds.keys().map(String::as_str),
                )),
            ),
            Some(k) if !allowed.contains(k) => errors.push(fs.diag(
                fs.span(file, r),
                format!(
                    "`{}` is a {k}; only {} may stand here",
                    r.get_ref(),
                    kinds_text(allowed)
                ),
            )),
            Some(_) => {}
        }
    }
}

/// Relations whose statements may be alternatives of an any-of group (vocabulary: the lexicon's).
pub use crate::lexicon::ANY_OF_RELATIONS;

/// An any-of group needs two or more statements of one subject and relation: a "one of" with a
/// single member is a slip (a misspelt group id, or a member on the wrong relation). Shared by
/// the TOML and the KGX readers.
pub(crate) fn check_any_of<'a>(
    statements: impl IntoIterator<Item = &'a Statement>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut groups: BTreeMap<(&str, &str, Relation), Vec<&Origin>> = BTreeMap::new();
    for s in statements {
        if let Some(g) = &s.qualifiers.any_of {
            groups
                .entry((&s.subject, g, s.relation))
                .or_default()
                .push(&s.origin);
        }
    }
    for ((subject, group, relation), origins) in groups {
        if let [only] = origins.as_slice() {
            errors.push(
                Diagnostic::error(
                    format!(
                        "any_of group `{group}` of `{subject}` has one `{relation}` statement; a choice needs two or more"
                    ),
                    (*only).clone(),
                )
                .with_help("give each alternative the same any_of id, on the same relation"),
            );
        }
    }
}

/// Reports every cycle among `subclass_of` edges, given as (subject, object, where stated): the
/// TOML loader, the KGX reader and the streaming KGX load all ask here.
pub(crate) fn check_cycles<'a>(
    subclass_of: impl IntoIterator<Item = (&'a str, &'a str, &'a Origin)>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut parents: BTreeMap<&str, Vec<(&str, &Origin)>> = BTreeMap::new();
    for (subject, object, origin) in subclass_of {
        parents.entry(subject).or_default().push((object, origin));
    }
    // Iterative DFS with colours: 0 unseen, 1 on stack, 2 done.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    for &start in parents.keys() {
        if colour.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        colour.insert(start, 1);
        while let Some((node, i)) = stack.pop() {
            let next = parents.get(node).and_then(|v| v.get(i));
            let Some(&(parent, origin)) = next else {
                colour.insert(node, 2);
                continue;
            };
            stack.push((node, i + 1));
            match colour.get(parent).copied().unwrap_or(0) {
                0 => {
                    colour.insert(parent, 1);
                    stack.push((parent, 0));
                }
                1 => {
                    let pos = stack.iter().position(|(n, _)| *n == parent).unwrap_or(0);
                    let mut path: Vec<&str> = stack[pos..].iter().map(|(n, _)| *n).collect();
                    path.push(parent);
                    errors.push(
                        Diagnostic::error(
                            format!("subclass_of forms a cycle: {}", path.join(" → ")),
                            origin.clone(),
                        )
                        .with_help(
                            "a class cannot be a subclass of itself, directly or through others",
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}
