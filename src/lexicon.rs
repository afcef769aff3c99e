//! The lexicon: which words name which kinds and relations, which kinds each relation joins, and the
//! Biolink terms used for export.
//!
//! The grammar knows none of these words; the planner looks them up here after parsing, so the
//! vocabulary grows without grammar changes. The built-in tables are constants; what a loaded
//! graph brings (a third-party graph's kinds and relations) lives in that graph's own [`Lexicon`]
//! value, never in a process-wide table. Uses model only.

use std::borrow::Cow;

pub mod biolink;

use crate::model::{NodeKind, Relation};

pub mod phrasing;
mod tables;

pub use tables::{KINDS, RELATIONS};

use NodeKind as K;

/// What the lexicon knows about one kind of node.
#[derive(Debug)]
pub struct KindInfo {
    pub kind: NodeKind,
    /// Singular noun phrases, the first is canonical (`side effect`).
    pub singular: &'static [&'static str],
    /// Plural noun phrases, the first is canonical (`side effects`).
    pub plural: &'static [&'static str],
    /// The data file that holds this kind's nodes (drugs live in `drugs/`).
    pub file: &'static str,
    /// Biolink category for export.
    pub biolink: &'static str,
    /// What a node of this kind may carry as its own category instead (DNA, a target, is a
    /// `biolink:NucleicAcidEntity`, not a protein): a concrete class of the Biolink table that
    /// is one of these or falls under one (by is_a or a mixin). Mostly the kind's own category:
    /// a narrower class only, so every statement stays within its predicate's domain and range.
    pub category_under: &'static [&'static str],
}

/// What the lexicon knows about one relation.
#[derive(Debug)]
pub struct RelationInfo {
    pub relation: Relation,
    /// Kinds allowed as subject.
    pub domain: &'static [NodeKind],
    /// Kinds allowed as object.
    pub range: &'static [NodeKind],
    /// Phrases that read subject → object: `drugs targeting HER2`. The first is canonical.
    pub phrases: &'static [&'static str],
    /// Phrases that read object → subject: `side effects caused by X`. (`targets of X` needs
    /// none: `of` links any two kinds.) No phrase may begin with a kind noun or contain a
    /// reserved word other than a final `with` (see `plan`).
    pub inverse_phrases: &'static [&'static str],
    /// Biolink predicate for export.
    pub biolink: &'static str,
    /// What a row of this relation means, for `.schema`.
    pub gloss: &'static str,
}

/// Relations whose statements may be alternatives of an any-of group: requirements and parts.
/// The readers refuse a group on any other relation, so evaluation may rely on it.
pub const ANY_OF_RELATIONS: [Relation; 6] = [
    Relation::RequiresBiomarker,
    Relation::RequiresTest,
    Relation::RequiresMonitoring,
    Relation::RequiresPrior,
    Relation::RequiresCotherapy,
    Relation::HasComponent,
];

/// Kind nouns that narrow a link without a relation phrase (`monitoring for margetuximab`,
/// `eligibility tests for alpelisib`) to one relation; `tests for …` keeps both.
pub const NOUN_RELATIONS: &[(&str, Relation)] = &[
    ("monitoring", Relation::RequiresMonitoring),
    ("monitorings", Relation::RequiresMonitoring),
    ("monitoring test", Relation::RequiresMonitoring),
    ("monitoring tests", Relation::RequiresMonitoring),
    ("eligibility test", Relation::RequiresTest),
    ("eligibility tests", Relation::RequiresTest),
];

/// The relation a kind noun narrows a phrase-less link to, if it does.
pub fn relation_of_noun(noun: &str) -> Option<Relation> {
    let noun = noun.to_lowercase();
    NOUN_RELATIONS
        .iter()
        .find(|(n, _)| *n == noun)
        .map(|(_, r)| *r)
}

/// The lexicon entry of one of our kinds; a kind an imported graph brings has no entry (its words
/// come from its name: [`Lexicon`], [`singular`], [`plural`], [`biolink_category`]).
pub fn kind_info(kind: NodeKind) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// The lexicon entry of one of our relations; a relation an imported graph brings has none.
pub fn relation_info(relation: Relation) -> Option<&'static RelationInfo> {
    RELATIONS.iter().find(|r| r.relation == relation)
}

/// Canonical plural noun of a kind (`side effects`; `small molecules` for `biolink:SmallMolecule`).
pub fn plural(kind: NodeKind) -> Cow<'static, str> {
    match kind_info(kind) {
        Some(info) => Cow::Borrowed(info.plural[0]),
        None => Cow::Owned(plural_of(&words_of(kind.as_str()))),
    }
}

/// Canonical singular noun of a kind (`side effect`; `small molecule`).
pub fn singular(kind: NodeKind) -> Cow<'static, str> {
    match kind_info(kind) {
        Some(info) => Cow::Borrowed(info.singular[0]),
        None => Cow::Owned(words_of(kind.as_str())),
    }
}

/// The Biolink category a kind is exported as: ours from the table, an imported kind its own
/// name when that is a Biolink category (`biolink:Gene`), else `biolink:NamedThing`.
pub fn biolink_category(kind: NodeKind) -> Cow<'static, str> {
    match kind_info(kind) {
        Some(info) => Cow::Borrowed(info.biolink),
        None if kind.as_str().starts_with("biolink:") => Cow::Owned(kind.as_str().to_string()),
        None => Cow::Borrowed(biolink::NAMED_THING),
    }
}

/// The Biolink category of a node: its own when it has one (see [`KindInfo::category_under`]),
/// else its kind's.
pub fn node_category<'a>(kind: NodeKind, own: Option<&'a str>) -> Cow<'a, str> {
    match own {
        Some(category) => Cow::Borrowed(category),
        None => biolink_category(kind),
    }
}

/// The Biolink predicate a relation is exported as; an imported relation keeps its own (a
/// negated one, `negated biolink:treats`, the predicate it negates).
pub fn biolink_predicate(relation: Relation) -> Cow<'static, str> {
    match relation_info(relation) {
        Some(info) => Cow::Borrowed(info.biolink),
        None => {
            let name = relation.as_str();
            Cow::Owned(curie(name.strip_prefix(NEGATED_PREFIX).unwrap_or(name)))
        }
    }
}

/// The canonical phrase of a relation (`targeting`; `interacts with` for an imported one;
/// `negated treats` for `negated biolink:treats`, never `treats`).
pub fn phrase(relation: Relation) -> Cow<'static, str> {
    match relation_info(relation) {
        Some(info) => Cow::Borrowed(info.phrases[0]),
        None => {
            let name = relation.as_str();
            Cow::Owned(match name.strip_prefix(NEGATED_PREFIX) {
                Some(rest) => format!("{NEGATED_PREFIX}{}", words_of(rest)),
                None => words_of(name),
            })
        }
    }
}

/// The kinds a relation allows as subject (none listed for an imported relation: it may join any).
pub fn domain(relation: Relation) -> &'static [NodeKind] {
    relation_info(relation).map_or(&[], |r| r.domain)
}

/// The kinds a relation allows as object (none listed for an imported relation).
pub fn range(relation: Relation) -> &'static [NodeKind] {
    relation_info(relation).map_or(&[], |r| r.range)
}

/// The data file that holds a kind's nodes (`nodes.tsv` for a kind an imported graph brings).
pub fn kind_file(kind: NodeKind) -> &'static str {
    kind_info(kind).map_or("nodes.tsv", |k| k.file)
}

/// What a statement of the relation means, for `.schema`.
pub fn gloss(relation: Relation) -> &'static str {
    relation_info(relation).map_or("a relation of an imported graph", |r| r.gloss)
}

/// `Gene` → `biolink:Gene`; a name with a prefix stays as it is.
fn curie(name: &str) -> String {
    if name.contains(':') {
        name.to_string()
    } else {
        format!("biolink:{name}")
    }
}

/// `biolink:SmallMolecule` → `small molecule`; `biolink:interacts_with` → `interacts with`.
pub fn words_of(name: &str) -> String {
    let local = name.rsplit(':').next().unwrap_or(name);
    let mut out = String::new();
    let mut prev_lower = false;
    for c in local.chars() {
        if c == '_' || c == '-' || c.is_whitespace() {
            out.push(' ');
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plural_of(noun: &str) -> String {
    if noun.ends_with('s') || noun.ends_with('x') || noun.ends_with("ch") || noun.ends_with("sh") {
        format!("{noun}es")
    } else if noun.ends_with('y')
        && !noun.ends_with("ay")
        && !noun.ends_with("ey")
        && !noun.ends_with("oy")
    {
        format!("{}ies", &noun[..noun.len() - 1])
    } else {
        format!("{noun}s")
    }
}

/// The Biolink categories that mean one of our kinds: a `biolink:Drug` is a drug. The others we
/// export as are broader than our kind (a `biolink:Protein` need not be a drug target, a
/// `biolink:Disease` is not necessarily one of our subtypes), so they are not read back as ours.
const CATEGORIES_READ_AS_OURS: [(&str, NodeKind); 2] = [
    ("biolink:Drug", K::Drug),
    ("biolink:PopulationOfIndividualOrganisms", K::Population),
];

/// Our kind for a Biolink category that means it; otherwise the category itself, as a kind of its
/// own (an imported graph's): `biolink:Disease` is read as `diseases`, not as our subtypes. `None`
/// for a name too long to keep.
pub fn kind_of_biolink(category: &str) -> Option<NodeKind> {
    match CATEGORIES_READ_AS_OURS.iter().find(|(c, _)| *c == category) {
        Some((_, k)) => Some(*k),
        None => NodeKind::named(category),
    }
}

/// How a negated edge of an imported graph is named when none of our relations is its negation:
/// `negated biolink:treats`.
pub const NEGATED_PREFIX: &str = "negated ";

/// Our negative relations, each with the positive one whose predicate it negates.
const NEGATIONS: [(Relation, Relation); 1] = [(Relation::NotCombinedWith, Relation::CombinedWith)];

/// Whether a relation says that something does not hold (exported as a negated predicate).
pub fn is_negative(relation: Relation) -> bool {
    NEGATIONS.iter().any(|(neg, _)| *neg == relation)
        || relation.as_str().starts_with(NEGATED_PREFIX)
}

/// The relation of a negated edge: our negative relation when its predicate is the one our
/// relation's positive twin exports as and the kinds fit; else `negated <predicate>`. A negated
/// edge is never read as the positive statement. `None` for a name too long to keep.
pub fn negated_relation_of_biolink(
    predicate: &str,
    subject: NodeKind,
    object: NodeKind,
) -> Option<Relation> {
    let ours = NEGATIONS
        .iter()
        .find(|(neg, pos)| biolink_predicate(*pos) == predicate && allows(*neg, subject, object));
    match ours {
        Some((neg, _)) => Some(*neg),
        None => Relation::named(&format!("{NEGATED_PREFIX}{predicate}")),
    }
}

/// Our relation for a Biolink predicate when exactly one of ours uses it; otherwise the
/// predicate itself, as a relation of its own; `None` for a name too long to keep.
pub fn relation_of_biolink(predicate: &str) -> Option<Relation> {
    sole_relation_of(predicate).or_else(|| Relation::named(predicate))
}

/// The one relation of ours that exports as `predicate`, if exactly one does.
pub fn sole_relation_of(predicate: &str) -> Option<Relation> {
    let mut ours = RELATIONS.iter().filter(|r| r.biolink == predicate);
    match (ours.next(), ours.next()) {
        (Some(one), None) => Some(one.relation),
        _ => None,
    }
}

/// The words of one graph: the built-in table plus the kinds and relations the graph's own data
/// brings (a third-party KGX graph's categories and predicates). A value owned by the graph, so
/// what one loaded graph brings never changes which words another graph's queries accept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// Imported kinds with their (singular, plural) nouns, in the order first seen.
    kinds: Vec<(NodeKind, String, String)>,
    /// Imported relations with their phrase, in the order first seen.
    relations: Vec<(Relation, String)>,
}

impl Lexicon {
    /// The built-in lexicon plus the imported kinds and relations among `kinds` and `relations`.
    pub fn new(
        kinds: impl IntoIterator<Item = NodeKind>,
        relations: impl IntoIterator<Item = Relation>,
    ) -> Lexicon {
        let mut lex = Lexicon::default();
        let mut seen_kinds = std::collections::HashSet::new();
        for k in kinds {
            if matches!(k, NodeKind::Other(_)) && seen_kinds.insert(k) {
                lex.kinds
                    .push((k, singular(k).into_owned(), plural(k).into_owned()));
            }
        }
        let mut seen_relations = std::collections::HashSet::new();
        for r in relations {
            if matches!(r, Relation::Other(_)) && seen_relations.insert(r) {
                lex.relations.push((r, phrase(r).into_owned()));
            }
        }
        lex
    }

    /// The kinds this graph brought that the built-in lexicon does not know.
    pub fn imported_kinds(&self) -> impl Iterator<Item = NodeKind> + '_ {
        self.kinds.iter().map(|(k, _, _)| *k)
    }

    /// The relations this graph brought that the built-in lexicon does not know.
    pub fn imported_relations(&self) -> impl Iterator<Item = Relation> + '_ {
        self.relations.iter().map(|(r, _)| *r)
    }

    /// The kind a noun phrase names, if any (singular or plural, case-insensitive), with whether
    /// it was plural.
    pub fn kind_by_noun(&self, noun: &str) -> Option<(NodeKind, bool)> {
        let noun = noun.to_lowercase();
        for info in KINDS {
            if info.plural.contains(&noun.as_str()) {
                return Some((info.kind, true));
            }
            if info.singular.contains(&noun.as_str()) {
                return Some((info.kind, false));
            }
        }
        for (k, one, many) in &self.kinds {
            // A `biolink:NamedThing` is a thing: the category of nodes no narrower one fits.
            let thing = k.as_str() == biolink::NAMED_THING;
            if *many == noun || (thing && noun == "things") {
                return Some((*k, true));
            }
            if *one == noun || k.as_str().to_lowercase() == noun || (thing && noun == "thing") {
                return Some((*k, false));
            }
        }
        None
    }

    /// Every relation a phrase can mean, in lexicon order. A relation's own identifier
    /// (`requires_monitoring`, or with spaces) is always one of its phrases.
    pub fn relations_by_phrase(&self, phrase: &str) -> Vec<Relation> {
        let phrase = phrase.to_lowercase();
        let named = |id: &str| id == phrase || id.replace('_', " ") == phrase;
        let builtin = RELATIONS
            .iter()
            .filter(|r| r.phrases.contains(&phrase.as_str()) || named(r.relation.as_str()))
            .map(|r| r.relation);
        let imported = self
            .relations
            .iter()
            .filter(|(r, words)| *words == phrase || named(&r.as_str().to_lowercase()))
            .map(|(r, _)| *r);
        builtin.chain(imported).collect()
    }

    /// All kind nouns, singular and plural, built-in and imported.
    pub fn all_nouns(&self) -> Vec<String> {
        let mut out: Vec<String> = all_nouns().into_iter().map(str::to_string).collect();
        for (_, one, many) in &self.kinds {
            out.push(one.clone());
            out.push(many.clone());
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Whether `relation` may join a subject of kind `subject` to an object of kind `object`.
/// A relation an imported graph brings may join anything.
pub fn allows(relation: Relation, subject: NodeKind, object: NodeKind) -> bool {
    match relation_info(relation) {
        Some(info) => info.domain.contains(&subject) && info.range.contains(&object),
        None => true,
    }
}

/// Every relation whose inverse phrase this is.
pub fn relations_by_inverse_phrase(phrase: &str) -> Vec<Relation> {
    let phrase = phrase.to_lowercase();
    RELATIONS
        .iter()
        .filter(|r| r.inverse_phrases.contains(&phrase.as_str()))
        .map(|r| r.relation)
        .collect()
}

/// All the words the lexicon knows, for completion and "did you mean".
pub fn all_phrases() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in RELATIONS {
        out.extend(r.phrases.iter().copied());
        out.extend(r.inverse_phrases.iter().copied());
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// All kind nouns, singular and plural.
pub fn all_nouns() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in KINDS {
        out.extend(k.singular.iter().copied());
        out.extend(k.plural.iter().copied());
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The relations that can join `subject` to `object` kinds directly, in lexicon order.
pub fn relations_between(subject: NodeKind, object: NodeKind) -> Vec<Relation> {
    RELATIONS
        .iter()
        .filter(|r| r.domain.contains(&subject) && r.range.contains(&object))
        .map(|r| r.relation)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_relation_has_one_entry() {
        for k in NodeKind::ALL {
            assert_eq!(KINDS.iter().filter(|i| i.kind == k).count(), 1, "{k}");
        }
        for r in Relation::ALL {
            assert_eq!(
                RELATIONS.iter().filter(|i| i.relation == r).count(),
                1,
                "{r}"
            );
        }
    }

    #[test]
    fn the_forms_of_a_verb_name_the_same_relations() {
        // `drugs that require X` is `drugs requiring X`: a form that named fewer relations
        // would read the others through what both link to, a different question.
        let named = |p: &str| {
            let mut r: Vec<Relation> = RELATIONS
                .iter()
                .filter(|i| i.phrases.contains(&p))
                .map(|i| i.relation)
                .collect();
            r.sort();
            r
        };
        for forms in [
            &[
                "requiring",
                "requires",
                "require",
                "needing",
                "needs",
                "need",
            ][..],
            &["causing", "causes", "cause"],
            &["requiring prior", "requires prior", "require prior"],
            &["following", "follows", "follow"],
            &[
                "containing",
                "contains",
                "contain",
                "including",
                "includes",
                "include",
            ],
        ] {
            for f in forms {
                assert_eq!(named(f), named(forms[0]), "{f}");
            }
        }
    }

    #[test]
    fn nouns_name_one_kind_each() {
        let mut seen = std::collections::HashMap::new();
        for k in KINDS {
            for n in k.singular.iter().chain(k.plural) {
                assert!(seen.insert(*n, k.kind).is_none(), "{n} names two kinds");
            }
        }
    }

    #[test]
    fn phrases_resolve() {
        assert_eq!(
            Lexicon::default().relations_by_phrase("targeting"),
            vec![Relation::Targets]
        );
        assert_eq!(
            Lexicon::default().relations_by_phrase("Requires_Monitoring"),
            vec![Relation::RequiresMonitoring]
        );
        assert!(Lexicon::default()
            .relations_by_phrase("requiring")
            .contains(&Relation::RequiresBiomarker));
        assert_eq!(
            Lexicon::default().kind_by_noun("Side Effects"),
            Some((NodeKind::SideEffect, true))
        );
        assert_eq!(
            relations_by_inverse_phrase("caused by"),
            vec![Relation::Causes]
        );
    }

    #[test]
    fn imported_names_become_words() {
        assert_eq!(words_of("biolink:SmallMolecule"), "small molecule");
        assert_eq!(words_of("biolink:interacts_with"), "interacts with");
        assert_eq!(plural_of("small molecule"), "small molecules");
        assert_eq!(plural_of("pathway"), "pathways");
        assert_eq!(plural_of("process"), "processes");
        // Names no other test registers (the registry lives for the whole test process).
        let zymogen = NodeKind::named("biolink:Zymogen").expect("short name");
        let rel = Relation::named("biolink:cleaves_into").expect("short name");
        let lex = Lexicon::new([zymogen, NodeKind::Drug], [rel, Relation::Targets]);
        assert_eq!(lex.kind_by_noun("zymogens"), Some((zymogen, true)));
        assert_eq!(lex.relations_by_phrase("cleaves into"), vec![rel]);
        assert!(allows(rel, zymogen, NodeKind::Drug));
        assert_eq!(plural(zymogen), "zymogens");
        assert_eq!(biolink_category(zymogen), "biolink:Zymogen");
    }

    #[test]
    fn two_lexicons_never_see_each_others_words() {
        let gene = NodeKind::named("biolink:Gene").expect("short name");
        let with_genes = Lexicon::new([gene], []);
        let builtin = Lexicon::default();
        assert_eq!(with_genes.kind_by_noun("genes"), Some((gene, true)));
        assert_eq!(builtin.kind_by_noun("genes"), None);
        assert!(builtin.relations_by_phrase("interacts with").is_empty());
    }

    #[test]
    fn names_too_long_to_keep_are_refused() {
        assert!(NodeKind::named(&"x".repeat(crate::model::Sym::CAP + 1)).is_none());
        assert!(NodeKind::named("").is_none());
    }

    #[test]
    fn allows_checks_both_ends() {
        assert!(allows(Relation::Targets, NodeKind::Drug, NodeKind::Target));
        assert!(!allows(Relation::Targets, NodeKind::Target, NodeKind::Drug));
    }
}
