//! The words of questions as people ask them, as data the planner reads: question openers,
//! structure words (relative pronouns, auxiliaries), negations, the closed list of filler words,
//! the field's words for statement qualifiers (lines of therapy, evidence, schedules), names of
//! groups of nodes (`BRCA`), spelling variants, and which phrase joins which pair of kinds.
//!
//! Pure tables and small lookups; uses only `model`. Every word here either has a role in the
//! reading or is in [`FILLERS`]; nothing else is skipped.

use crate::model::{Field, NodeKind, Relation};

/// What a structure word does in a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `which`, `what`, `list`, `find`, `give me`: opens a question; the rest says what to find.
    Opener,
    /// `how many`: a count.
    HowMany,
    /// `how`: `how is X given`.
    How,
    /// `tell me about`, `describe`: the node card when a single name follows.
    About,
    /// `that`, `which`, `who`, `is`, `are`, `can`, `does`, `both`, `but`: structure, no meaning of
    /// its own once the phrase around it is read.
    Glue,
    /// `not`, `don't`, `doesn't`, `never`: negates the clause that follows.
    Neg,
    /// A word from [`FILLERS`] or, after a subtype, biomarker or population, [`CONTEXT_FILLERS`].
    Filler,
    /// `options`, `treatments`, `therapies`: any kind of therapy (drug, class, regimen, procedure).
    Therapies,
    /// `in each`, `per`, `for each`, `by`: groups a count by the kind that follows.
    Each,
}

/// Structure words and their roles. Multi-word entries are matched longest first.
pub const STRUCTURE: &[(&str, Role)] = &[
    ("which", Role::Opener),
    ("what", Role::Opener),
    ("what's", Role::Opener),
    ("whats", Role::Opener),
    ("list", Role::Opener),
    ("find", Role::Opener),
    ("get", Role::Opener),
    ("give", Role::Opener),
    ("display", Role::Opener),
    ("name", Role::Opener),
    ("who", Role::Glue),
    ("how many", Role::HowMany),
    ("how much", Role::HowMany),
    ("number of", Role::HowMany),
    ("how often", Role::How),
    ("how frequently", Role::How),
    ("how", Role::How),
    ("tell me about", Role::About),
    ("tell about", Role::About),
    ("describe", Role::About),
    ("information about", Role::About),
    ("info on", Role::About),
    ("that", Role::Glue),
    ("is", Role::Glue),
    ("are", Role::Glue),
    ("be", Role::Glue),
    ("been", Role::Glue),
    ("can", Role::Glue),
    ("could", Role::Glue),
    ("may", Role::Glue),
    ("might", Role::Glue),
    ("do", Role::Glue),
    ("does", Role::Glue),
    ("will", Role::Glue),
    ("would", Role::Glue),
    ("should", Role::Glue),
    ("must", Role::Glue),
    ("have", Role::Glue),
    ("has", Role::Glue),
    ("both", Role::Glue),
    ("either", Role::Glue),
    ("but", Role::Glue),
    ("also", Role::Glue),
    ("there", Role::Glue),
    ("not", Role::Neg),
    ("don't", Role::Neg),
    ("dont", Role::Neg),
    ("doesn't", Role::Neg),
    ("doesnt", Role::Neg),
    ("do not", Role::Neg),
    ("does not", Role::Neg),
    ("cannot", Role::Neg),
    ("can't", Role::Neg),
    ("won't", Role::Neg),
    ("aren't", Role::Neg),
    ("isn't", Role::Neg),
    ("never", Role::Neg),
    ("options", Role::Therapies),
    ("option", Role::Therapies),
    ("treatment options", Role::Therapies),
    ("treatments", Role::Therapies),
    ("treatment", Role::Therapies),
    ("therapies", Role::Therapies),
    ("therapy", Role::Therapies),
    ("in each", Role::Each),
    ("for each", Role::Each),
    ("per", Role::Each),
    ("by each", Role::Each),
];

/// Structure words that, right after a word that is a kind noun and a relation phrase, show it
/// is the noun: the auxiliary of a question about that kind (`what targets does X have`, `which
/// targets are hit by X`).
pub const AUXILIARIES: &[&str] = &[
    "do", "does", "can", "could", "may", "might", "will", "would", "should", "must", "is", "are",
    "has", "have",
];

/// Words of a question about how named things differ or what they share, which `compare`
/// answers (`in common` is looked for as two words).
pub const COMPARE_CUES: &[&str] = &[
    "difference",
    "differences",
    "differ",
    "differs",
    "similar",
    "similarities",
    "alike",
    "share",
    "shared",
    "versus",
    "vs",
    "different",
    "comparison",
];

/// Words of a question about where a fact comes from, which `why` answers.
pub const PROVENANCE_CUES: &[&str] = &[
    "source",
    "sources",
    "section",
    "sections",
    "evidence",
    "cite",
    "cites",
    "cited",
    "citation",
    "citations",
    "reference",
    "references",
    "says",
    "provenance",
];

/// Words that may be ignored anywhere: they carry no condition. The echo lists the ones it skipped.
pub const FILLERS: &[&str] = &[
    "the",
    "a",
    "an",
    "me",
    "all",
    "any",
    "please",
    "metastatic",
    "available",
    "currently",
    "some",
    // `which side effects do tamoxifen and letrozole have in common`: `and` already asks for
    // what both have.
    "in common",
];

/// Words that may be ignored right after a subtype, a biomarker or a population (`HR-positive
/// disease`, `BRCA-mutated breast cancer`, `postmenopausal women`).
pub const CONTEXT_FILLERS: &[&str] = &[
    "breast cancer",
    "breast cancers",
    "cancer",
    "cancers",
    "disease",
    "tumors",
    "tumours",
    "tumor",
    "tumour",
    "patients",
    "patient",
    "women",
    "woman",
    "people",
    "cases",
];

/// The field's words: each is a comparison on the statements of the clause it goes with.
pub const QUALIFIERS: &[(&str, Field, &str)] = &[
    ("first-line", Field::Line, "first"),
    ("first line", Field::Line, "first"),
    ("1st-line", Field::Line, "first"),
    ("1st line", Field::Line, "first"),
    ("front-line", Field::Line, "first"),
    ("frontline", Field::Line, "first"),
    ("initial", Field::Line, "first"),
    ("second-line", Field::Line, "second"),
    ("second line", Field::Line, "second"),
    ("2nd-line", Field::Line, "second"),
    ("2nd line", Field::Line, "second"),
    ("third-line", Field::Line, "third-or-later"),
    ("third line", Field::Line, "third-or-later"),
    ("3rd-line", Field::Line, "third-or-later"),
    ("3rd line", Field::Line, "third-or-later"),
    ("third-line or later", Field::Line, "third-or-later"),
    ("later-line", Field::Line, "later"),
    ("approved", Field::Evidence, "fda-approved"),
    ("fda-approved", Field::Evidence, "fda-approved"),
    ("fda approved", Field::Evidence, "fda-approved"),
    ("recommended", Field::Evidence, "guideline-recommended"),
    (
        "guideline-recommended",
        Field::Evidence,
        "guideline-recommended",
    ),
    // How often a side effect comes, as the data grades it (`possible` is left out: "the
    // possible side effects" asks for all of them).
    ("common", Field::Frequency, "common"),
    ("commonly", Field::Frequency, "common"),
    ("rarely", Field::Frequency, "rare"),
    ("occasional", Field::Frequency, "occasional"),
    ("rare", Field::Frequency, "rare"),
    ("very rare", Field::Frequency, "very-rare"),
    ("very-rare", Field::Frequency, "very-rare"),
    ("low-risk", Field::Frequency, "low-risk"),
    ("low risk", Field::Frequency, "low-risk"),
    ("once daily", Field::Schedule, "once daily"),
    ("once a day", Field::Schedule, "once daily"),
    ("twice daily", Field::Schedule, "twice daily"),
    ("twice a day", Field::Schedule, "twice daily"),
    ("daily", Field::Schedule, "daily"),
    ("every day", Field::Schedule, "daily"),
    ("weekly", Field::Schedule, "weekly"),
    ("once a week", Field::Schedule, "weekly"),
    ("every week", Field::Schedule, "weekly"),
    ("monthly", Field::Schedule, "monthly"),
    ("once a month", Field::Schedule, "monthly"),
    ("every month", Field::Schedule, "monthly"),
];

/// Words for a number up to twelve, for schedules (`every three weeks`).
const NUMBERS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
];

/// `every 3 weeks`, `every three weeks`, `q3w`: the schedule text it stands for.
pub fn schedule_pattern(words: &[&str]) -> Option<String> {
    let [every, n, unit] = words else {
        return None;
    };
    if !every.eq_ignore_ascii_case("every") {
        return None;
    }
    let n = n.to_lowercase();
    let n = NUMBERS
        .iter()
        .position(|w| *w == n)
        .map_or(n.clone(), |i| i.to_string());
    n.parse::<u32>().ok()?;
    let unit = unit.to_lowercase();
    let unit = unit.trim_end_matches('s');
    ["day", "week", "month"]
        .contains(&unit)
        .then(|| format!("every {n} {unit}s"))
}

/// Names that stand for any one of several nodes (by id): `BRCA` is a BRCA1 or a BRCA2 mutation.
pub const GROUPS: &[(&str, &[&str])] = &[
    ("brca", &["brca1-mutation", "brca2-mutation"]),
    ("brca mutation", &["brca1-mutation", "brca2-mutation"]),
    ("brca-mutated", &["brca1-mutation", "brca2-mutation"]),
    ("brca mutated", &["brca1-mutation", "brca2-mutation"]),
    ("brca1/2", &["brca1-mutation", "brca2-mutation"]),
    ("brca1/2 mutation", &["brca1-mutation", "brca2-mutation"]),
    ("gbrca", &["brca1-mutation", "brca2-mutation"]),
    ("germline brca", &["brca1-mutation", "brca2-mutation"]),
    ("injection", &["intramuscular", "subcutaneous"]),
    ("injected", &["intramuscular", "subcutaneous"]),
    ("injectable", &["intramuscular", "subcutaneous"]),
    ("by injection", &["intramuscular", "subcutaneous"]),
    ("as an injection", &["intramuscular", "subcutaneous"]),
    ("shot", &["intramuscular", "subcutaneous"]),
];

/// Whole-word spelling variants tried when a name is not found as typed.
pub const SPELLINGS: &[(&str, &str)] = &[
    ("tumour", "tumor"),
    ("tumours", "tumors"),
    ("oestrogen", "estrogen"),
    ("haematological", "hematological"),
    ("haemoglobin", "hemoglobin"),
    ("anaemia", "anemia"),
    ("diarrhoea", "diarrhea"),
    ("oesophageal", "esophageal"),
    ("behaviour", "behavior"),
    ("leukaemia", "leukemia"),
];

/// Ways of writing a biomarker status: the ending typed and the ending of the name.
pub const ENDINGS: &[(&str, &str)] = &[
    ("-mutated", " mutation"),
    (" mutated", " mutation"),
    ("-mutant", " mutation"),
    (" mutant", " mutation"),
    (" mutations", " mutation"),
    (" alterations", " alteration"),
    ("-altered", " alteration"),
    (" fusions", " fusion"),
    ("-fusion", " fusion"),
    (" fusion-positive", " fusion"),
    (" positive", "-positive"),
    (" negative", "-negative"),
    (" pos", "-positive"),
    (" neg", "-negative"),
    (" high", "-high"),
    ("-mutation", " mutation"),
    (" testing", " test"),
    (" tests", " test"),
    (" low", "-low"),
];

/// A connecting word, the subject kinds and object kinds it joins, and how it reads between them.
pub type PairReading = (
    &'static str,
    &'static [NodeKind],
    &'static [NodeKind],
    &'static [Reading],
);

/// One way a connecting word reads between a pair of kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A direct statement: subject —rel→ object (`Out`) or object —rel→ subject (`In`).
    Direct(Relation, bool),
    /// Through the subtypes a biomarker defines: therapy —treats→ subtype ←defines— biomarker.
    TreatsDefined,
}

/// How `for`, `of`, `with` (after the keyword `with`) and no phrase at all (`""`) join a pair of
/// kinds. Every reading listed for a pair is part of the answer (a union), and the echo names
/// each; a pair with no entry joins by whatever relation the lexicon allows between the kinds.
pub const PAIR_READINGS: &[PairReading] = &[
    // No phrase at all: a modifier (`chemotherapy drugs`, `HR-positive drugs`) or a bare object
    // (`drugs that are taxanes`).
    (
        "",
        MEMBER_KINDS,
        &[NodeKind::Class],
        &[Reading::Direct(Relation::MemberOf, true)],
    ),
    (
        "",
        &[NodeKind::Class],
        &[NodeKind::Class],
        &[Reading::Direct(Relation::SubclassOf, true)],
    ),
    // A class and a therapy (`what class is palbociclib`, `classes of palbociclib`): the
    // classes it is in, not those it is given with or never with.
    (
        "",
        &[NodeKind::Class],
        MEMBER_KINDS,
        &[Reading::Direct(Relation::MemberOf, false)],
    ),
    // `drugs of taxanes`: the members, not the drugs given with or after one.
    (
        "of",
        MEMBER_KINDS,
        &[NodeKind::Class],
        &[Reading::Direct(Relation::MemberOf, true)],
    ),
    // `classes of chemotherapy`, `the class of taxanes`: up or down the hierarchy (the echo
    // shows both), not the classes given with one.
    (
        "of",
        &[NodeKind::Class],
        &[NodeKind::Class],
        &[
            Reading::Direct(Relation::SubclassOf, true),
            Reading::Direct(Relation::SubclassOf, false),
        ],
    ),
    (
        "of",
        &[NodeKind::Class],
        MEMBER_KINDS,
        &[Reading::Direct(Relation::MemberOf, false)],
    ),
    (
        "",
        &[NodeKind::Drug, NodeKind::Regimen],
        &[NodeKind::Biomarker],
        &[
            Reading::Direct(Relation::RequiresBiomarker, true),
            Reading::TreatsDefined,
        ],
    ),
    (
        "",
        &[NodeKind::Class, NodeKind::Procedure],
        &[NodeKind::Biomarker],
        &[Reading::TreatsDefined],
    ),
    (
        "for",
        &[NodeKind::Drug, NodeKind::Regimen],
        &[NodeKind::Biomarker],
        &[
            Reading::Direct(Relation::RequiresBiomarker, true),
            Reading::TreatsDefined,
        ],
    ),
    (
        "for",
        &[NodeKind::Class, NodeKind::Procedure],
        &[NodeKind::Biomarker],
        &[Reading::TreatsDefined],
    ),
    (
        "for",
        THERAPY_KINDS,
        &[NodeKind::Subtype],
        &[Reading::Direct(Relation::Treats, true)],
    ),
    (
        "for",
        THERAPY_KINDS,
        &[NodeKind::Population],
        &[Reading::Direct(Relation::UsedIn, true)],
    ),
    (
        "with",
        &[NodeKind::Drug, NodeKind::Regimen],
        &[NodeKind::Biomarker],
        &[
            Reading::Direct(Relation::RequiresBiomarker, true),
            Reading::TreatsDefined,
        ],
    ),
    (
        "with",
        &[NodeKind::Class, NodeKind::Procedure],
        &[NodeKind::Biomarker],
        &[Reading::TreatsDefined],
    ),
];

/// The kinds that can be members of a class.
pub const MEMBER_KINDS: &[NodeKind] = &[NodeKind::Drug, NodeKind::Regimen, NodeKind::Procedure];

/// The kinds `options`, `treatments` and `therapies` stand for.
pub const THERAPY_KINDS: &[NodeKind] = &[
    NodeKind::Drug,
    NodeKind::Regimen,
    NodeKind::Class,
    NodeKind::Procedure,
];

/// Relations with a negative twin: `not` before a phrase of the first may mean "no such
/// statement" or "a statement of the twin" (`drugs not given with chemotherapy`), so it asks.
pub const NEGATIVE_TWINS: &[(Relation, Relation, &str)] = &[
    (
        Relation::CombinedWith,
        Relation::NotCombinedWith,
        "never combined with",
    ),
    (
        Relation::RequiresCotherapy,
        Relation::NotCombinedWith,
        "never combined with",
    ),
];

/// The relation a qualifier word is mostly about: `approved`, `recommended` and the lines of
/// therapy are said of treatments, schedules of how a drug is given.
pub fn home_relation(field: Field) -> Option<Relation> {
    match field {
        Field::Evidence | Field::Line => Some(Relation::Treats),
        Field::Schedule => Some(Relation::GivenBy),
        _ => None,
    }
}

/// Statements that plan, by the kind of a name the user typed (`{}` is the name).
const EXAMPLES: &[(NodeKind, &[&str])] = &[
    (
        NodeKind::Drug,
        &[
            "what are the side effects of {}",
            "how is {} given",
            "show {}",
        ],
    ),
    (
        NodeKind::SideEffect,
        &["which drugs cause {}", "how many drugs cause {}"],
    ),
    (
        NodeKind::Target,
        &["which drugs target {}", "what targets {}"],
    ),
    (NodeKind::Subtype, &["drugs for {}", "what treats {}"]),
    (NodeKind::Biomarker, &["drugs for {}", "drugs requiring {}"]),
    (
        NodeKind::Class,
        &["drugs in class \"{}\"", "side effects of {}"],
    ),
    (NodeKind::Route, &["drugs given by {}"]),
    (NodeKind::Monitoring, &["which drugs need {}"]),
    (NodeKind::Population, &["drugs for {}"]),
    (NodeKind::OrganSystem, &["drugs with {} side effects"]),
    (NodeKind::Procedure, &["show {}"]),
    (NodeKind::Regimen, &["show {}"]),
];

/// Statements shown when nothing the user typed names anything.
pub const GENERIC_EXAMPLES: &[&str] = &[
    "which drugs cause nausea",
    "what are the side effects of tamoxifen",
    "drugs for HER2-positive where line = second",
];

/// Example statements for a name of a kind.
pub fn examples_for(kind: NodeKind) -> &'static [&'static str] {
    EXAMPLES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(&[][..], |(_, e)| *e)
}

/// The readings of `word` between a subject kind and an object kind, if the table has them.
pub fn pair_readings(
    word: &str,
    subject: NodeKind,
    object: NodeKind,
) -> Option<&'static [Reading]> {
    PAIR_READINGS
        .iter()
        .find(|(w, s, o, _)| *w == word && s.contains(&subject) && o.contains(&object))
        .map(|(_, _, _, r)| *r)
}

/// The role of a structure word or phrase, if it has one.
pub fn role(text: &str) -> Option<Role> {
    let t = text.to_lowercase().replace('’', "'");
    if FILLERS.contains(&t.as_str()) {
        return Some(Role::Filler);
    }
    STRUCTURE.iter().find(|(w, _)| *w == t).map(|(_, r)| *r)
}

/// The comparison a qualifier word stands for.
pub fn qualifier(words: &[&str]) -> Option<(Field, String)> {
    let text = words.join(" ").to_lowercase();
    if let Some((_, f, v)) = QUALIFIERS.iter().find(|(w, _, _)| *w == text) {
        return Some((*f, (*v).to_string()));
    }
    schedule_pattern(words).map(|s| (Field::Schedule, s))
}

/// Whether a word may be skipped after a subtype, biomarker or population.
pub fn context_filler(text: &str) -> bool {
    CONTEXT_FILLERS.contains(&text.to_lowercase().as_str())
}

/// The node ids a group name stands for.
pub fn group(text: &str) -> Option<&'static [&'static str]> {
    let t = text.to_lowercase();
    GROUPS.iter().find(|(w, _)| *w == t).map(|(_, ids)| *ids)
}

/// Other ways to write a name: spelling variants, biomarker endings, a plural last word. The
/// text as typed is not included.
pub fn variants(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    let respelled: String = lower
        .split(' ')
        .map(|w| {
            SPELLINGS
                .iter()
                .find(|(b, _)| *b == w)
                .map_or(w, |(_, a)| *a)
        })
        .collect::<Vec<_>>()
        .join(" ");
    let bases = if respelled == lower {
        vec![lower.clone()]
    } else {
        vec![lower.clone(), respelled]
    };
    for base in &bases {
        if base != &lower {
            out.push(base.clone());
        }
        for (typed, canon) in ENDINGS {
            if let Some(stem) = base.strip_suffix(typed) {
                if !stem.is_empty() {
                    out.push(format!("{stem}{canon}"));
                }
            }
        }
        for s in singulars(base) {
            out.push(s);
        }
    }
    out.dedup();
    out
}

/// The text with its last word made singular, in the ways English plurals end.
pub fn singulars(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(stem) = text.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if let Some(stem) = text.strip_suffix("es") {
        out.push(stem.to_string());
    }
    if let Some(stem) = text.strip_suffix('s') {
        if !stem.ends_with('s') && !stem.is_empty() {
            out.push(stem.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_qualifier_word_stands_for_a_value_of_its_field() {
        for (word, field, value) in QUALIFIERS {
            if let Some(values) = field.closed_values() {
                assert!(values.contains(value), "{word}: {value} is no {field}");
            }
            let words: Vec<&str> = word.split(' ').collect();
            assert_eq!(
                qualifier(&words),
                Some((*field, value.to_string())),
                "{word}"
            );
        }
    }

    #[test]
    fn every_auxiliary_is_a_structure_word() {
        for aux in AUXILIARIES {
            assert_eq!(role(aux), Some(Role::Glue), "{aux}");
        }
    }

    #[test]
    fn schedules_read_numbers_in_words() {
        assert_eq!(
            schedule_pattern(&["every", "three", "weeks"]).as_deref(),
            Some("every 3 weeks")
        );
        assert_eq!(
            schedule_pattern(&["every", "2", "week"]).as_deref(),
            Some("every 2 weeks")
        );
        assert_eq!(schedule_pattern(&["every", "blue", "weeks"]), None);
    }

    #[test]
    fn variants_cover_plurals_spellings_and_endings() {
        assert!(variants("anthracyclines").contains(&"anthracycline".to_string()));
        assert!(variants("oestrogen receptor").contains(&"estrogen receptor".to_string()));
        assert!(variants("PIK3CA-mutated").contains(&"pik3ca mutation".to_string()));
        assert!(variants("PD-L1 positive").contains(&"pd-l1-positive".to_string()));
        assert!(variants("NTRK fusions").contains(&"ntrk fusion".to_string()));
    }

    #[test]
    fn fillers_are_not_structure() {
        for f in FILLERS {
            assert!(STRUCTURE.iter().all(|(w, _)| w != f), "{f}");
        }
    }
}
