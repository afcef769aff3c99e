//! The closed vocabularies: lines of therapy, how often a side effect occurs, and the statement
//! fields a `where` compares or a count groups by. Each is an enum with `ALL`, `as_str` (its word
//! in data files and queries) and `parse`, so the rest of the code matches exhaustively instead of
//! comparing strings.

use std::fmt;

use super::{Provenance, Qualifiers};

/// Defines a closed vocabulary: the enum, `ALL`, `as_str`, `parse` (case-insensitive) and
/// `Display`.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $word:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order reports list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word for this value in data files and queries.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The value a word names (case-insensitive).
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            }

            /// Every word, in `ALL` order (for help texts and did-you-mean).
            pub fn words() -> Vec<&'static str> {
                $name::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The line of therapy a statement is about.
    Line {
        First => "first",
        Second => "second",
        ThirdOrLater => "third-or-later",
        /// After earlier treatment, without a number.
        Later => "later",
    }
}

vocabulary! {
    /// How often a side effect occurs, as the source words it.
    Frequency {
        Common => "common",
        Possible => "possible",
        Occasional => "occasional",
        LowRisk => "low-risk",
        Rare => "rare",
        VeryRare => "very-rare",
    }
}

vocabulary! {
    /// A field of a statement that `where` compares and `grouped by` groups by.
    Field {
        Line => "line",
        Frequency => "frequency",
        Risk => "risk",
        Population => "population",
        Schedule => "schedule",
        MinCount => "min_count",
        Condition => "condition",
        /// The `with` qualifier; `with` is a keyword of the language, so it is asked as `partner`.
        Partner => "partner",
        Evidence => "evidence",
        Source => "source",
        Section => "section",
    }
}

impl Field {
    /// The field a word names: `min count` and `min_count` alike, `with` as `partner`.
    pub fn from_word(word: &str) -> Option<Field> {
        let w = word.trim().to_lowercase().replace(' ', "_");
        if w == "with" {
            return Some(Field::Partner);
        }
        Field::parse(&w)
    }

    /// Whether the field holds a list (a statement matches when any member does).
    pub fn is_list(self) -> bool {
        matches!(self, Field::Population | Field::Partner)
    }

    /// The list a list field holds (empty when the statement does not say).
    pub fn list(self, q: &Qualifiers) -> &[String] {
        match self {
            Field::Population => &q.population,
            Field::Partner => &q.with,
            _ => &[],
        }
    }

    /// The value of a single-valued field, `None` when the statement does not say; list fields
    /// give their members joined by `, `.
    pub fn value(self, q: &Qualifiers, p: &Provenance) -> Option<String> {
        match self {
            Field::Line => q.line.map(|l| l.as_str().to_string()),
            Field::Frequency => q.frequency.map(|f| f.as_str().to_string()),
            Field::Risk => q.risk.clone(),
            Field::Schedule => q.schedule.clone(),
            Field::MinCount => q.min_count.map(|n| n.to_string()),
            Field::Condition => q.condition.clone(),
            Field::Population | Field::Partner => {
                let list = self.list(q);
                (!list.is_empty()).then(|| list.join(", "))
            }
            Field::Evidence => Some(p.evidence.as_str().to_string()),
            Field::Source => Some(p.source.clone()),
            Field::Section => Some(p.section.clone()),
        }
    }

    /// Whether a statement with these qualifiers gives the field (evidence, source and section:
    /// every statement does).
    pub fn given_by(self, q: &Qualifiers) -> bool {
        match self {
            Field::Line => q.line.is_some(),
            Field::Frequency => q.frequency.is_some(),
            Field::Risk => q.risk.is_some(),
            Field::Schedule => q.schedule.is_some(),
            Field::MinCount => q.min_count.is_some(),
            Field::Condition => q.condition.is_some(),
            Field::Population | Field::Partner => !self.list(q).is_empty(),
            Field::Evidence | Field::Source | Field::Section => true,
        }
    }

    /// The values a field may take, when it is a closed set.
    pub fn closed_values(self) -> Option<Vec<&'static str>> {
        match self {
            Field::Line => Some(Line::words()),
            Field::Frequency => Some(Frequency::words()),
            Field::Evidence => Some(super::Evidence::ALL.iter().map(|e| e.as_str()).collect()),
            _ => None,
        }
    }
}

/// An output format for a query's result (rendered by `output::render`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Aligned columns for a terminal, with a `3 drugs` footer.
    Table,
    /// One pretty-printed JSON document (shape documented on `output::render::render`).
    Json,
    /// One compact JSON object per row, one per line.
    Jsonl,
    /// RFC 4180 comma-separated values with a header line.
    Csv,
    /// Tab-separated values with a header line; tabs, newlines and backslashes escaped.
    Tsv,
    /// A GitHub table, the count, and a "Sources" list of the witness statements.
    Markdown,
    /// A Graphviz digraph of the rows' nodes and their witness statements.
    Dot,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 7] = [
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Tsv,
        Format::Markdown,
        Format::Dot,
    ];

    /// The name users type (`as csv`, `--format csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Markdown => "markdown",
            Format::Dot => "dot",
        }
    }

    /// Whether the format shows the statements behind each row.
    pub fn shows_witnesses(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Jsonl | Format::Markdown | Format::Dot
        )
    }

    /// Reads a format name, ignoring case; `md` is accepted for `markdown`.
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.to_ascii_lowercase();
        if s == "md" {
            return Some(Format::Markdown);
        }
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_parses_back() {
        for l in Line::ALL {
            assert_eq!(Line::parse(l.as_str()), Some(*l));
        }
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.as_str()), Some(*f));
        }
        for f in Field::ALL {
            assert_eq!(Field::from_word(f.as_str()), Some(*f));
        }
        assert_eq!(Field::from_word("min count"), Some(Field::MinCount));
        assert_eq!(Field::from_word("with"), Some(Field::Partner));
        assert_eq!(Line::parse("Third-Or-Later"), Some(Line::ThirdOrLater));
        assert_eq!(Line::parse("fourth"), None);
    }
}
