//! Plain data: the kinds of node, the relations between them, statements and their provenance.
//!
//! Nothing here reads files, prints or knows about the query language; `lexicon` attaches words to
//! these types and `load` fills them from graph-data.

pub mod kgx;
pub mod sink;
pub mod vocab;

pub use vocab::{Field, Format, Frequency, Line};

use std::fmt;

/// The name of a kind or relation that an imported graph brings and the lexicon does not know
/// (`biolink:Gene`), held inline so that kinds and relations stay small `Copy` values with no
/// process-wide table behind them: two graphs loaded in one process never share such names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym {
    len: u8,
    bytes: [u8; Sym::CAP],
}

impl Sym {
    /// The longest name held, in bytes (Biolink's longest category and predicate names are
    /// under 50).
    pub const CAP: usize = 62;

    /// `name` as a symbol; `None` when it is empty or longer than [`Sym::CAP`] bytes.
    pub fn new(name: &str) -> Option<Sym> {
        if name.is_empty() || name.len() > Sym::CAP {
            return None;
        }
        let mut bytes = [0u8; Sym::CAP];
        bytes[..name.len()].copy_from_slice(name.as_bytes());
        Some(Sym {
            len: name.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // Built from a whole `&str` in `new`, so always valid UTF-8.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// The kind of a node. Every node has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Drug,
    Class,
    Target,
    Biomarker,
    Subtype,
    SideEffect,
    OrganSystem,
    Monitoring,
    Procedure,
    Regimen,
    Population,
    Route,
    /// A kind from an imported graph (its Biolink category, e.g. `biolink:Gene`).
    Other(Sym),
}

impl NodeKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [NodeKind; 12] = [
        NodeKind::Drug,
        NodeKind::Class,
        NodeKind::Target,
        NodeKind::Biomarker,
        NodeKind::Subtype,
        NodeKind::SideEffect,
        NodeKind::OrganSystem,
        NodeKind::Monitoring,
        NodeKind::Procedure,
        NodeKind::Regimen,
        NodeKind::Population,
        NodeKind::Route,
    ];

    /// The identifier used in data files and machine output (`side_effect`).
    pub fn as_str(&self) -> &str {
        match self {
            NodeKind::Drug => "drug",
            NodeKind::Class => "class",
            NodeKind::Target => "target",
            NodeKind::Biomarker => "biomarker",
            NodeKind::Subtype => "subtype",
            NodeKind::SideEffect => "side_effect",
            NodeKind::OrganSystem => "organ_system",
            NodeKind::Monitoring => "monitoring",
            NodeKind::Procedure => "procedure",
            NodeKind::Regimen => "regimen",
            NodeKind::Population => "population",
            NodeKind::Route => "route",
            NodeKind::Other(sym) => sym.as_str(),
        }
    }

    /// One of our kinds, by its identifier.
    pub fn parse(s: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// One of our kinds, or a kind of an imported graph kept under its own name; `None` for a
    /// name longer than [`Sym::CAP`] bytes.
    pub fn named(s: &str) -> Option<NodeKind> {
        NodeKind::parse(s).or_else(|| Sym::new(s).map(NodeKind::Other))
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The relation a statement asserts between its subject and its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relation {
    MemberOf,
    SubclassOf,
    Targets,
    HasComponent,
    Treats,
    RequiresBiomarker,
    Causes,
    RequiresMonitoring,
    /// A test whose result decides whether the therapy can be used (eligibility), as against
    /// monitoring during treatment.
    RequiresTest,
    Detects,
    Assesses,
    Affects,
    Defines,
    GivenBy,
    RequiresPrior,
    RequiresCotherapy,
    CombinedWith,
    NotCombinedWith,
    UsedIn,
    /// A relation from an imported graph (its Biolink predicate, e.g. `biolink:interacts_with`).
    Other(Sym),
}

impl Relation {
    pub const ALL: [Relation; 19] = [
        Relation::MemberOf,
        Relation::SubclassOf,
        Relation::Targets,
        Relation::HasComponent,
        Relation::Treats,
        Relation::RequiresBiomarker,
        Relation::Causes,
        Relation::RequiresMonitoring,
        Relation::RequiresTest,
        Relation::Detects,
        Relation::Assesses,
        Relation::Affects,
        Relation::Defines,
        Relation::GivenBy,
        Relation::RequiresPrior,
        Relation::RequiresCotherapy,
        Relation::CombinedWith,
        Relation::NotCombinedWith,
        Relation::UsedIn,
    ];

    /// The identifier used in data files (`requires_monitoring`).
    pub fn as_str(&self) -> &str {
        match self {
            Relation::MemberOf => "member_of",
            Relation::SubclassOf => "subclass_of",
            Relation::Targets => "targets",
            Relation::HasComponent => "has_component",
            Relation::Treats => "treats",
            Relation::RequiresBiomarker => "requires_biomarker",
            Relation::Causes => "causes",
            Relation::RequiresMonitoring => "requires_monitoring",
            Relation::RequiresTest => "requires_test",
            Relation::Detects => "detects",
            Relation::Assesses => "assesses",
            Relation::Affects => "affects",
            Relation::Defines => "defines",
            Relation::GivenBy => "given_by",
            Relation::RequiresPrior => "requires_prior",
            Relation::RequiresCotherapy => "requires_cotherapy",
            Relation::CombinedWith => "combined_with",
            Relation::NotCombinedWith => "not_combined_with",
            Relation::UsedIn => "used_in",
            Relation::Other(sym) => sym.as_str(),
        }
    }

    /// One of our relations, by its identifier.
    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// One of our relations, or a relation of an imported graph kept under its own name; `None`
    /// for a name longer than [`Sym::CAP`] bytes.
    pub fn named(s: &str) -> Option<Relation> {
        Relation::parse(s).or_else(|| Sym::new(s).map(Relation::Other))
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How strongly the source supports a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Evidence {
    FdaApproved,
    GuidelineRecommended,
    StandardOption,
    MayBeOption,
    ClinicalTrial,
    Background,
    /// An imported statement that does not say.
    Unspecified,
}

impl Evidence {
    pub const ALL: [Evidence; 7] = [
        Evidence::FdaApproved,
        Evidence::GuidelineRecommended,
        Evidence::StandardOption,
        Evidence::MayBeOption,
        Evidence::ClinicalTrial,
        Evidence::Background,
        Evidence::Unspecified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::FdaApproved => "fda-approved",
            Evidence::GuidelineRecommended => "guideline-recommended",
            Evidence::StandardOption => "standard-option",
            Evidence::MayBeOption => "may-be-option",
            Evidence::ClinicalTrial => "clinical-trial",
            Evidence::Background => "background",
            Evidence::Unspecified => "unspecified",
        }
    }

    pub fn parse(s: &str) -> Option<Evidence> {
        Evidence::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where something was read from: a file (relative to the data directory) and a 1-based position.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Origin {
    pub file: String,
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// A node of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Stable kebab-case identifier.
    pub id: String,
    pub kind: NodeKind,
    /// Display name (generic name for drugs).
    pub name: String,
    /// Brand names, abbreviations and synonyms; resolve to this node.
    pub aliases: Vec<String>,
    /// External identifiers (`HGNC:3430`); informative only, never resolved as names.
    pub xrefs: Vec<String>,
    /// A curator's note about the node.
    pub note: Option<String>,
    /// Its own Biolink category, where its kind's does not fit it (DNA, a target, is a
    /// `biolink:NucleicAcidEntity`, not a `biolink:Protein`); `None`: its kind's.
    pub category: Option<String>,
    /// Lint findings a reviewer has looked at and accepted: (rule id, why).
    pub accepted: Vec<(String, String)>,
    pub origin: Origin,
}

/// Optional qualifiers that narrow a statement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Qualifiers {
    /// Line of therapy.
    pub line: Option<Line>,
    /// How often a side effect occurs, as the source words it.
    pub frequency: Option<Frequency>,
    /// A risk figure given by the source, e.g. `2-5%`.
    pub risk: Option<String>,
    /// Population ids the statement is limited to.
    pub population: Vec<String>,
    /// Ids of the partners in the combination the statement is about.
    pub with: Vec<String>,
    pub schedule: Option<String>,
    /// "At least N" prior therapies.
    pub min_count: Option<u32>,
    pub condition: Option<String>,
    /// An any-of group: the statements of one subject and relation that share this id are
    /// alternatives, and one of them is enough (capivasertib needs a PIK3CA, AKT1 or PTEN
    /// alteration, not all three).
    pub any_of: Option<String>,
}

impl Qualifiers {
    /// The qualifiers as (name, value) pairs, in a fixed order, for display and comparison.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut opt = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
        };
        opt("line", &self.line.map(|l| l.as_str().to_string()));
        opt("frequency", &self.frequency.map(|f| f.as_str().to_string()));
        opt("risk", &self.risk);
        opt("schedule", &self.schedule);
        opt("condition", &self.condition);
        opt("any_of", &self.any_of);
        if !self.population.is_empty() {
            out.push(("population", self.population.join(", ")));
        }
        if !self.with.is_empty() {
            out.push(("with", self.with.join(", ")));
        }
        if let Some(n) = self.min_count {
            out.push(("min_count", n.to_string()));
        }
        out
    }

    /// The value of one qualifier by name, as text (lists joined by ", ").
    pub fn get(&self, name: &str) -> Option<String> {
        self.pairs()
            .into_iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }
}

/// Where a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Provenance {
    /// Id of an entry in sources.toml.
    pub source: String,
    /// A section heading that the source lists.
    pub section: String,
    pub evidence: Evidence,
    /// A short note in the curators' words.
    pub note: String,
}

/// An edge of the graph: subject —relation→ object, with qualifiers and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub subject: String,
    pub relation: Relation,
    pub object: String,
    pub qualifiers: Qualifiers,
    pub provenance: Provenance,
    pub origin: Origin,
}

/// A section of a source, with the date it was last updated if later than the source's own date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub updated: Option<String>,
}

/// A source document statements cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    /// Date the source was approved or published, `YYYY-MM` or `YYYY-MM-DD`.
    pub approved: Option<String>,
    pub url: Option<String>,
    pub sections: Vec<Section>,
    pub origin: Origin,
}

impl Source {
    /// A source known only from the statements that cite it (an imported graph's): titled with
    /// its id, listing the sections cited, first cited at `origin`.
    pub fn cited(id: String, sections: Vec<String>, origin: Origin) -> Source {
        Source {
            title: id.clone(),
            id,
            publisher: None,
            approved: None,
            url: None,
            sections: sections
                .into_iter()
                .map(|heading| Section {
                    heading,
                    updated: None,
                })
                .collect(),
            origin,
        }
    }

    pub fn section(&self, heading: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.heading == heading)
    }
}

/// Everything a data directory holds, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub sources: Vec<Source>,
    pub nodes: Vec<Node>,
    pub statements: Vec<Statement>,
}
