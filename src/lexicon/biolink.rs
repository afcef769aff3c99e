//! The Biolink model as far as mbckg uses it: the table `biolink/terms.tsv`, generated from the
//! `biolink-model` package by `biolink/make_table.py`, with the classes and predicates we export
//! (their ancestors, domains and ranges) and every other class's parent; the predicate each
//! statement exports as; and which Biolink terms read back as our kinds and relations.
//!
//! Pure data and lookups; parsed from the embedded text when asked, never held globally. May use
//! model.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::{Evidence, NodeKind, Relation};

/// The generated table, embedded.
pub const TABLE: &str = include_str!("../../biolink/terms.tsv");

/// The most general category; a node without one is read as one.
pub const NAMED_THING: &str = "biolink:NamedThing";

/// What every statement we curated says about how it was made: asserted by a person reading a
/// source (Biolink `knowledge_level` and `agent_type`).
pub const CURATED_KNOWLEDGE_LEVEL: &str = "knowledge_assertion";
pub const CURATED_AGENT_TYPE: &str = "manual_agent";
/// … and of a statement read from another graph that did not say.
pub const NOT_PROVIDED: &str = "not_provided";

/// What a row of the table describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// A class we export as or read back (with all its ancestors).
    Class,
    /// A predicate we export as (with its ancestors, domain and range).
    Predicate,
    /// An edge or node property we write.
    Slot,
    /// A permissible value of an enum (`KnowledgeLevelEnum:knowledge_assertion`).
    Enum,
    /// Any other class, with only its direct parent.
    Parent,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub kind: TermKind,
    /// `biolink:Drug`, `biolink:treats`.
    pub curie: &'static str,
    /// `mixin`, `abstract`, `deprecated`, `symmetric`, `canonical`.
    pub flags: Vec<&'static str>,
    /// Classes (or predicates) it falls under, nearest first; for a `Parent` row, its parent.
    pub ancestors: Vec<&'static str>,
    pub domain: Option<&'static str>,
    pub range: Option<&'static str>,
}

impl Term {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    /// The flag that says no node can be of this class (`mixin`, `abstract`, `deprecated`), if
    /// one does.
    pub fn not_concrete(&self) -> Option<&'static str> {
        ["mixin", "abstract", "deprecated"]
            .into_iter()
            .find(|f| self.has_flag(f))
    }
}

/// The Biolink version the table was generated from (`4.4.6`).
pub fn version() -> &'static str {
    TABLE
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# Biolink model "))
        .and_then(|l| l.split(',').next())
        .unwrap_or("unknown")
}

/// Every row of the table.
pub fn terms() -> impl Iterator<Item = Term> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("kind\t"))
        .filter_map(|line| {
            let f: Vec<&'static str> = line.split('\t').collect();
            let kind = match *f.first()? {
                "class" => TermKind::Class,
                "predicate" => TermKind::Predicate,
                "slot" => TermKind::Slot,
                "enum" => TermKind::Enum,
                "parent" => TermKind::Parent,
                _ => return None,
            };
            let list = |s: &'static str| -> Vec<&'static str> {
                s.split(['|', ','])
                    .filter(|x| !x.is_empty() && *x != "-")
                    .collect()
            };
            let opt = |i: usize| f.get(i).copied().filter(|s| !s.is_empty());
            Some(Term {
                kind,
                curie: f.get(1)?,
                flags: list(f.get(2)?),
                ancestors: list(f.get(3).copied().unwrap_or("")),
                domain: opt(4),
                range: opt(5),
            })
        })
}

/// The row of one term.
pub fn term(curie: &str) -> Option<Term> {
    terms().find(|t| t.curie == curie && t.kind != TermKind::Parent)
}

/// The Biolink class hierarchy, by each class's direct parent, and the classes the table lists
/// in full (with every ancestor, mixins included).
pub struct Hierarchy {
    parent: HashMap<&'static str, &'static str>,
    classes: HashMap<&'static str, Term>,
}

impl Hierarchy {
    /// The hierarchy of the embedded table.
    pub fn embedded() -> Hierarchy {
        let mut parent = HashMap::new();
        let mut classes = HashMap::new();
        for t in terms() {
            if matches!(t.kind, TermKind::Class | TermKind::Parent) {
                if let Some(p) = t.ancestors.first() {
                    parent.insert(t.curie, *p);
                }
            }
            if t.kind == TermKind::Class {
                classes.insert(t.curie, t);
            }
        }
        Hierarchy { parent, classes }
    }

    /// Whether a node of `kind` may carry `category` as its own (see
    /// [`KindInfo::category_under`](super::KindInfo::category_under)): a class the table lists
    /// in full, concrete, and one of the kind's classes or under one. The kind's own category
    /// fits too; whether to keep it is the reader's call.
    pub fn fits(&self, kind: NodeKind, category: &str) -> Result<(), Misfit> {
        let Some(info) = super::kind_info(kind) else {
            return Err(Misfit::ImportedKind);
        };
        let Some(term) = self.classes.get(category) else {
            return Err(if self.parent.contains_key(category) {
                Misfit::NotInTable
            } else {
                Misfit::Unknown
            });
        };
        if let Some(flag) = term.not_concrete() {
            return Err(Misfit::NotConcrete(flag));
        }
        let under = |root: &&str| category == *root || term.ancestors.contains(root);
        if info.category_under.iter().any(under) {
            Ok(())
        } else {
            Err(Misfit::OutsideKind(info.category_under))
        }
    }

    /// The category a node of our `kind` read from another graph keeps as its own, given the
    /// most specific of its categories: that category when it is not the kind's (what every
    /// node of the kind is exported as) and [fits](Self::fits) the kind. Otherwise none: the
    /// kind decides alone, as a kind named beside a category always has (a node of a kind an
    /// imported graph brought has its category in its kind's name).
    pub fn own_category<'c>(&self, kind: NodeKind, category: Option<&'c str>) -> Option<&'c str> {
        category
            .filter(|c| super::biolink_category(kind) != *c)
            .filter(|c| self.fits(kind, c).is_ok())
    }

    /// The classes a node may carry as its own category, for "did you mean": those the table
    /// lists in full that are concrete.
    pub fn concrete_classes(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .classes
            .values()
            .filter(|t| t.not_concrete().is_none())
            .map(|t| t.curie)
            .collect();
        out.sort_unstable();
        out
    }

    /// `category` and its ancestors by is_a, nearest first (a class the table does not know has
    /// no known ancestor, but every class is a named thing).
    fn lineage<'c>(&self, category: &'c str) -> Vec<&'c str>
    where
        'static: 'c,
    {
        let mut out = vec![category];
        let mut current = category;
        while let Some(p) = self.parent.get(current) {
            if out.contains(p) {
                break;
            }
            out.push(p);
            current = p;
        }
        if !out.contains(&NAMED_THING) && category != "biolink:Entity" {
            out.push(NAMED_THING);
        }
        out
    }

    /// The most specific of a node's categories: one that is no other's ancestor, the deepest of
    /// those, and of equals the last listed.
    pub fn most_specific<'c>(&self, categories: &'c [String]) -> Option<&'c str> {
        let lineages: Vec<Vec<&str>> = categories.iter().map(|c| self.lineage(c)).collect();
        let is_ancestor_of_another = |i: usize| {
            lineages.iter().enumerate().any(|(j, l)| {
                j != i && categories[j] != categories[i] && l[1..].contains(&categories[i].as_str())
            })
        };
        (0..categories.len())
            .filter(|i| !is_ancestor_of_another(*i))
            .max_by_key(|i| (lineages[*i].len(), *i))
            .map(|i| categories[i].as_str())
    }
}

/// Why a node may not carry a category as its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misfit {
    /// Not a Biolink class at all (as far as the table knows): a typo, another prefix.
    Unknown,
    /// A Biolink class the table lists only by its parent: no export uses it yet.
    NotInTable,
    /// A mixin, abstract or deprecated class, which no node is (KGX refuses it).
    NotConcrete(&'static str),
    /// A class outside what the kind allows: neither one of these nor under one.
    OutsideKind(&'static [&'static str]),
    /// A kind an imported graph brought: its category is its own name.
    ImportedKind,
}

impl Misfit {
    /// What is wrong with `category` on a node of `kind`, in a sentence.
    pub fn message(&self, category: &str, kind: NodeKind) -> String {
        match self {
            Misfit::Unknown => format!("category `{category}` is not a Biolink class"),
            Misfit::NotInTable => format!(
                "category `{category}` is a Biolink class mbckg does not export (not in biolink/terms.tsv)"
            ),
            Misfit::NotConcrete(flag) => {
                format!("category `{category}` is a {flag} Biolink class, which no node can be")
            }
            Misfit::OutsideKind(_) => format!(
                "category `{category}` does not fit a {}",
                super::singular(kind)
            ),
            Misfit::ImportedKind => {
                format!("a node of kind `{kind}` cannot carry its own category `{category}`")
            }
        }
    }

    /// What would make it right, when something would.
    pub fn help(&self, kind: NodeKind) -> Option<String> {
        match self {
            Misfit::Unknown => None,
            Misfit::NotInTable => Some(
                "add it to CLASSES in biolink/make_table.py and regenerate biolink/terms.tsv"
                    .into(),
            ),
            Misfit::NotConcrete(_) => Some("use one of the concrete classes under it".into()),
            Misfit::OutsideKind(under) => Some(format!(
                "a {}'s own category is {} or a class under {}",
                super::singular(kind),
                match under {
                    [one] => one.to_string(),
                    [first @ .., last] => format!("{}, {last}", first.join(", ")),
                    [] => "nothing".to_string(),
                },
                if under.len() == 1 {
                    "it"
                } else {
                    "one of them"
                }
            )),
            Misfit::ImportedKind => Some(
                "only mbckg's own kinds carry a category of their own; the kind is the category"
                    .into(),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Our terms as Biolink terms

/// The predicate a statement exports as. Most relations have one; `treats` says how firmly:
/// Biolink keeps `treats` for approved or established treatments, `in_clinical_trials_for` for
/// trials and `applied_to_treat` for options that are used.
pub fn predicate_of(relation: Relation, evidence: Evidence) -> Cow<'static, str> {
    match (relation, evidence) {
        (Relation::Treats, Evidence::ClinicalTrial) => {
            Cow::Borrowed("biolink:in_clinical_trials_for")
        }
        (
            Relation::Treats,
            Evidence::MayBeOption | Evidence::Background | Evidence::Unspecified,
        ) => Cow::Borrowed("biolink:applied_to_treat"),
        (r, _) => super::biolink_predicate(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::KINDS;

    #[test]
    fn every_kind_allows_its_own_category_and_names_classes_the_table_knows() {
        let h = Hierarchy::embedded();
        for info in KINDS {
            assert_eq!(h.fits(info.kind, info.biolink), Ok(()), "{}", info.kind);
            for root in info.category_under {
                assert!(
                    h.classes.contains_key(root) || h.parent.contains_key(root),
                    "{root} is not in biolink/terms.tsv"
                );
            }
        }
    }

    #[test]
    fn a_target_may_be_a_nucleic_acid_entity_and_not_a_drug_or_a_disease() {
        let h = Hierarchy::embedded();
        let t = NodeKind::Target;
        assert_eq!(h.fits(t, "biolink:NucleicAcidEntity"), Ok(()));
        let under = |m: Result<(), Misfit>| matches!(m, Err(Misfit::OutsideKind(_)));
        assert!(
            under(h.fits(t, "biolink:Drug")),
            "a drug is no molecular target"
        );
        assert!(under(h.fits(t, "biolink:Disease")));
        // Only a narrower class for the other kinds: DNA is no drug, HER2 no subtype.
        assert!(under(h.fits(NodeKind::Drug, "biolink:NucleicAcidEntity")));
        assert!(under(h.fits(NodeKind::Subtype, "biolink:Protein")));
        assert_eq!(
            h.fits(NodeKind::SideEffect, "biolink:ClinicalFinding"),
            Ok(())
        );
    }

    #[test]
    fn a_category_must_be_a_concrete_class_the_table_lists() {
        let h = Hierarchy::embedded();
        let t = NodeKind::Target;
        assert_eq!(h.fits(t, "biolink:NucleicAcid"), Err(Misfit::Unknown));
        assert_eq!(h.fits(t, "NucleicAcidEntity"), Err(Misfit::Unknown));
        assert_eq!(h.fits(t, ""), Err(Misfit::Unknown));
        // Biolink has it, under a molecular entity, but no export uses it yet.
        assert_eq!(h.fits(t, "biolink:SmallMolecule"), Err(Misfit::NotInTable));
        // A mixin is listed by its parent only; the kind's roots are not categories.
        assert_eq!(
            h.fits(t, "biolink:GeneOrGeneProduct"),
            Err(Misfit::NotInTable)
        );
        let gene = NodeKind::named("biolink:Gene").expect("short");
        assert_eq!(h.fits(gene, "biolink:Protein"), Err(Misfit::ImportedKind));
        assert!(h.concrete_classes().contains(&"biolink:NucleicAcidEntity"));
        // Broader than the kind allows, though a class of the table.
        assert!(matches!(
            h.fits(t, NAMED_THING),
            Err(Misfit::OutsideKind(_))
        ));
        // A mixin the table listed in full (none is, today) is still no category.
        let mut h = h;
        let mixin = Term {
            kind: TermKind::Class,
            curie: "biolink:GeneOrGeneProduct",
            flags: vec!["mixin"],
            ancestors: vec!["biolink:MacromolecularMachineMixin"],
            domain: None,
            range: None,
        };
        h.classes.insert(mixin.curie, mixin);
        assert_eq!(
            h.fits(t, "biolink:GeneOrGeneProduct"),
            Err(Misfit::NotConcrete("mixin"))
        );
    }

    #[test]
    fn a_node_read_from_another_graph_keeps_only_a_category_its_kind_allows() {
        let h = Hierarchy::embedded();
        let t = NodeKind::Target;
        let nae = Some("biolink:NucleicAcidEntity");
        assert_eq!(h.own_category(t, nae), nae);
        assert_eq!(h.own_category(t, Some("biolink:Protein")), None);
        assert_eq!(h.own_category(t, None), None);
        // A category the kind does not allow leaves the kind to decide, as before.
        assert_eq!(h.own_category(NodeKind::Class, Some("biolink:Drug")), None);
        assert_eq!(h.own_category(t, Some("biolink:Nonsense")), None);
        let gene = NodeKind::named("biolink:Gene").expect("short");
        assert_eq!(h.own_category(gene, nae), None);
    }

    #[test]
    fn a_misfit_says_what_is_wrong_and_what_would_fit() {
        let t = NodeKind::Target;
        let m = Misfit::OutsideKind(&["biolink:GeneOrGeneProduct", "biolink:MolecularEntity"]);
        assert_eq!(
            m.message("biolink:Drug", t),
            "category `biolink:Drug` does not fit a target"
        );
        assert_eq!(
            m.help(t).as_deref(),
            Some("a target's own category is biolink:GeneOrGeneProduct, biolink:MolecularEntity or a class under one of them")
        );
        assert!(Misfit::NotInTable
            .help(t)
            .is_some_and(|h| h.contains("make_table.py")));
    }
}
