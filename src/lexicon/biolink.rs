//! The Biolink model as far as mbckg uses it: the table `biolink/terms.tsv`, generated from the
//! `biolink-model` package by `biolink/make_table.py`, with the classes and predicates we export
//! (their ancestors, domains and ranges) and every other class's parent; the predicate each
//! statement exports as; and which Biolink terms read back as our kinds and relations.
//!
//! Pure data and lookups; parsed from the embedded text when asked, never held globally. May use
//! model.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::{Evidence, Relation};

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

/// The Biolink class hierarchy, by each class's direct parent.
pub struct Hierarchy {
    parent: HashMap<&'static str, &'static str>,
}

impl Hierarchy {
    /// The hierarchy of the embedded table.
    pub fn embedded() -> Hierarchy {
        let parent = terms()
            .filter(|t| matches!(t.kind, TermKind::Class | TermKind::Parent))
            .filter_map(|t| Some((t.curie, *t.ancestors.first()?)))
            .collect();
        Hierarchy { parent }
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
