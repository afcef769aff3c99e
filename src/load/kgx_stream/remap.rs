//! KGX files whose header names the columns its own way (a third party's graph: other columns,
//! in another order, some of ours missing), read by the streaming reader as if they were in ours:
//! each line is rewritten into our columns (a few copies into a buffer used again and again),
//! each field taken from the column the full reader ([`crate::load::kgx`]) takes it from, so that
//! what the stream then makes of it is what the full reader makes of the original line. A line
//! whose tail (the file's columns that decide ours after the object) an earlier line had is not
//! rewritten: the reader takes what that line decided, and the line's ends from their columns.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::model::kgx::{list_items, CURIE_PREFIX, EDGE_COLUMNS, NODE_COLUMNS};

/// Most fields a rewritten file's lines may have: a wider file is left to the full reader.
pub(super) const WIDEST: usize = 64;

/// Our edge columns by number, as [`EDGE_COLUMNS`] lists them.
const EDGE_SUBJECT: usize = 1;
const EDGE_PREDICATE: usize = 2;
const EDGE_OBJECT: usize = 3;
const EDGE_SOURCE: usize = 7;
const EDGE_ORIGINAL_PREDICATE: usize = 8;
const EDGE_ORIGIN: usize = 21;

/// How to rewrite the lines of one file into our columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Remap {
    /// The header line it was made from (without a byte-order mark or `\r`).
    header: String,
    /// Fields in the header: a line with more is one the full reader reports.
    width: usize,
    /// For each of our columns, the file's column that gives it (`None`: always empty).
    from: Vec<Option<usize>>,
    /// Edges: the provenance columns in the order the full reader asks them; a line's source
    /// is the first that is not blank.
    sources: [Option<usize>; 4],
    /// Edges: `mbckg_relation` (exports before `original_predicate` named our relation).
    relation: Option<usize>,
    /// How a line is rewritten, our columns in order.
    steps: Vec<Step>,
    /// Edges: the file's columns `first..=last` that hold every one that decides our columns
    /// after the object (negation, provenance, relation named, qualifiers), when none of them
    /// is the id, subject, object or origin: a line's tail, as a key of what it decided.
    tail: Option<(usize, usize)>,
}

/// One step of rewriting a line: the next of our columns from the file's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// `count` of our columns from as many of the file's side by side, from its column `first`:
    /// one copy, tabs and all.
    Copy { first: usize, count: usize },
    /// A column the file has not: empty.
    Empty,
    /// The edge's source: the first provenance column that is not blank.
    Source,
    /// `original_predicate`, or our relation named in `mbckg_relation`.
    Original,
}

/// The steps that give our columns from the file's `from`, columns side by side in both copied
/// at once; `special` says which of ours is not a plain column.
fn steps(from: &[Option<usize>], special: impl Fn(usize) -> Option<Step>) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for (ours, column) in from.iter().enumerate() {
        let step = match (special(ours), column) {
            (Some(step), _) => step,
            (None, None) => Step::Empty,
            (None, Some(k)) => {
                if let Some(Step::Copy { first, count }) = steps.last_mut() {
                    if *first + *count == *k {
                        *count += 1;
                        continue;
                    }
                }
                Step::Copy {
                    first: *k,
                    count: 1,
                }
            }
        };
        steps.push(step);
    }
    steps
}

/// What a header asks of the streaming reader.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Columns {
    /// Exactly our columns: lines are read as they are.
    Ours,
    /// Other columns the stream can read, each line rewritten.
    Mapped(Remap),
    /// Columns the stream leaves to the full reader (a required one missing, qualifiers packed
    /// in one column, more than [`WIDEST`]).
    Declined,
}

/// The first line of `path`, without a byte-order mark or line end (cut at 1 MiB: a longer one
/// then matches no header the stream reads); `None` when it cannot be read or is not UTF-8.
pub(super) fn header_of(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let mut line = Vec::new();
    BufReader::new(file)
        .take(1 << 20)
        .read_until(b'\n', &mut line)
        .ok()?;
    let line = String::from_utf8(line).ok()?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    Some(line.strip_prefix('\u{FEFF}').unwrap_or(line).to_string())
}

/// The column named `name` in `names` (the first, when named twice, as the full reader takes it).
fn col(names: &[&str], name: &str) -> Option<usize> {
    names.iter().position(|n| *n == name)
}

/// The first of several names a column may have.
fn col_of(names: &[&str], options: &[&str]) -> Option<usize> {
    options.iter().find_map(|n| col(names, n))
}

impl Columns {
    /// How to read `nodes.tsv` with this header.
    pub(super) fn nodes(header: &str) -> Columns {
        let names: Vec<&str> = header.split('\t').collect();
        if names == NODE_COLUMNS {
            return Columns::Ours;
        }
        if col(&names, "id").is_none() || names.len() > WIDEST {
            return Columns::Declined;
        }
        // The full reader's node columns, by their own names.
        let from: Vec<Option<usize>> = NODE_COLUMNS.iter().map(|c| col(&names, c)).collect();
        Columns::Mapped(Remap {
            header: header.to_string(),
            width: names.len(),
            steps: steps(&from, |_| None),
            from,
            sources: [None; 4],
            relation: None,
            tail: None,
        })
    }

    /// How to read `edges.tsv` with this header.
    pub(super) fn edges(header: &str) -> Columns {
        let names: Vec<&str> = header.split('\t').collect();
        if names == EDGE_COLUMNS {
            return Columns::Ours;
        }
        let required = col(&names, "subject").is_some() && col(&names, "object").is_some();
        // Qualifiers packed in one column (exports before 0.2) are left to the full reader.
        if !required || col(&names, "qualifiers").is_some() || names.len() > WIDEST {
            return Columns::Declined;
        }
        let from: Vec<Option<usize>> = EDGE_COLUMNS
            .iter()
            .map(|c| match *c {
                // Never read by the stream: left empty rather than copied.
                "id" | "knowledge_level" | "agent_type" => None,
                "mbckg_section" => col_of(&names, &["mbckg_section", "section"]),
                "mbckg_evidence" => col_of(&names, &["mbckg_evidence", "evidence"]),
                "mbckg_note" => col_of(&names, &["mbckg_note", "note"]),
                "mbckg_origin" => col_of(&names, &["mbckg_origin", "origin"]),
                other => col(&names, other),
            })
            .collect();
        let sources = [
            "primary_knowledge_source",
            "knowledge_source",
            "aggregator_knowledge_source",
            "provided_by",
        ]
        .map(|c| col(&names, c));
        let relation = col(&names, "mbckg_relation");
        let special = |ours: usize| match ours {
            EDGE_SOURCE => Some(Step::Source),
            EDGE_ORIGINAL_PREDICATE if relation.is_some() => Some(Step::Original),
            _ => None,
        };
        // Our columns after the object, up to the origin, and where else the stream reads
        // what decides them.
        let deciding: Vec<usize> = from[EDGE_OBJECT + 1..EDGE_ORIGIN]
            .iter()
            .chain(&sources)
            .chain(&[relation])
            .flatten()
            .copied()
            .collect();
        // The columns that differ from line to line (the id is never copied, but is there).
        let apart = [
            col(&names, "id"),
            from[EDGE_SUBJECT],
            from[EDGE_OBJECT],
            from[EDGE_ORIGIN],
        ];
        let tail = match (deciding.iter().min(), deciding.iter().max()) {
            (Some(&first), Some(&last))
                if !apart.iter().flatten().any(|c| (first..=last).contains(c)) =>
            {
                Some((first, last))
            }
            _ => None,
        };
        Columns::Mapped(Remap {
            header: header.to_string(),
            width: names.len(),
            steps: steps(&from, special),
            from,
            sources,
            relation,
            tail,
        })
    }
}

/// Field `k` of a line whose tabs are at `tabs` (all of them, or at least its first `k + 1`), with
/// where it starts; `None` when the line has fewer fields.
pub(super) fn field_span<'a>(line: &'a str, tabs: &[usize], k: usize) -> Option<(usize, &'a str)> {
    let start = match k.checked_sub(1) {
        None => 0,
        Some(t) => tabs.get(t)? + 1,
    };
    let end = tabs.get(k).copied().unwrap_or(line.len());
    Some((start, line.get(start..end)?))
}

/// A line's fields by number, from the positions of its tabs; a field past the last is empty
/// (the full reader pads short lines).
struct Split<'a, 't> {
    line: &'a str,
    tabs: &'t [usize],
}

impl<'a> Split<'a, '_> {
    fn field(&self, k: usize) -> &'a str {
        field_span(self.line, self.tabs, k).map_or("", |(_, f)| f)
    }

    fn at(&self, column: Option<usize>) -> &'a str {
        column.map_or("", |k| self.field(k))
    }

    /// Fields `first..first + count` as one slice, tabs between them and all, when the line has
    /// them all.
    fn fields(&self, first: usize, count: usize) -> Option<(usize, &'a str)> {
        let last = first + count - 1;
        let start = match first.checked_sub(1) {
            None => 0,
            Some(t) => self.tabs.get(t)? + 1,
        };
        let end = match self.tabs.get(last) {
            Some(t) => *t,
            // The last field of the line.
            None if last == self.tabs.len() => self.line.len(),
            None => return None,
        };
        Some((start, self.line.get(start..end)?))
    }
}

/// A line rewritten into our columns: its text and the positions of its tabs.
#[derive(Default)]
pub(super) struct Rewritten {
    pub text: String,
    pub tabs: Vec<usize>,
    /// Whether a field has been pushed since the start.
    begun: bool,
}

impl Rewritten {
    fn push(&mut self, field: &str) {
        if self.begun {
            self.tabs.push(self.text.len());
            self.text.push('\t');
        }
        self.begun = true;
        self.text.push_str(field);
    }

    /// `count` fields at once, `text` holding them with their tabs at `tabs` (the line's tab
    /// positions) less `from` (where `text` starts in the line).
    fn push_run(&mut self, text: &str, tabs: &[usize], from: usize) {
        if self.begun {
            self.tabs.push(self.text.len());
            self.text.push('\t');
        }
        self.begun = true;
        let base = self.text.len();
        self.tabs.extend(tabs.iter().map(|t| t - from + base));
        self.text.push_str(text);
    }

    fn start(&mut self) {
        self.text.clear();
        self.tabs.clear();
        self.begun = false;
    }
}

impl Remap {
    /// Whether a line with tabs at `tabs` (all of them) has no more fields than the header.
    pub(super) fn fits(&self, tabs: &[usize]) -> bool {
        tabs.len() < self.width
    }

    /// The file's column that gives our column `ours` (by its number in our columns).
    pub(super) fn column_of(&self, ours: usize) -> Option<usize> {
        self.from.get(ours).copied().flatten()
    }

    /// `line` (with its tabs at `tabs`, all of them) in our node columns, into `out`; `None`
    /// when it has more fields than the header.
    pub(super) fn node_line(&self, line: &str, tabs: &[usize], out: &mut Rewritten) -> Option<()> {
        if !self.fits(tabs) {
            return None;
        }
        self.rewrite(Split { line, tabs }, false, out)
    }

    /// `line` (with its tabs at `tabs`, all of them) in our edge columns, into `out`; `None`
    /// when it has more fields than the header, or when the stream could not read it as the
    /// full reader does.
    pub(super) fn edge_line(
        &self,
        line: &str,
        tabs: &[usize],
        escaped: bool,
        out: &mut Rewritten,
    ) -> Option<()> {
        if !self.fits(tabs) {
            return None;
        }
        self.rewrite(Split { line, tabs }, escaped, out)
    }

    /// The line `split` in our columns, into `out`; `escaped` when it may hold a backslash.
    fn rewrite(&self, split: Split<'_, '_>, escaped: bool, out: &mut Rewritten) -> Option<()> {
        out.start();
        for step in &self.steps {
            match *step {
                Step::Copy { first, count } => match split.fields(first, count) {
                    Some((start, text)) => {
                        let tabs = split.tabs.get(first..first + count - 1).unwrap_or_default();
                        out.push_run(text, tabs, start);
                    }
                    // A short line: each field there is, the rest empty.
                    None => (first..first + count).for_each(|k| out.push(split.field(k))),
                },
                Step::Empty => out.push(""),
                Step::Source => out.push(self.source(&split, escaped)?),
                Step::Original => {
                    let original = split.at(self.column_of(EDGE_ORIGINAL_PREDICATE));
                    let relation = split.at(self.relation);
                    // Whether an escaped one names ours is the full reader's to say.
                    if escaped && original.contains('\\') {
                        return None;
                    }
                    // The full reader takes our relation from `original_predicate` when it
                    // names one, else from `mbckg_relation`.
                    if original.starts_with(CURIE_PREFIX) || relation.is_empty() {
                        out.push(original);
                    } else {
                        out.push(CURIE_PREFIX);
                        out.text.push_str(relation);
                    }
                }
            }
        }
        Some(())
    }

    /// The tail of an edge line (see [`Remap::tail`]) whose tabs are at `tabs`, all of them;
    /// `None` when the file's columns have none, or the line is short of it or has it empty.
    pub(super) fn tail_key<'a>(&self, line: &'a str, tabs: &[usize]) -> Option<&'a [u8]> {
        let (first, last) = self.tail?;
        let (_, key) = Split { line, tabs }.fields(first, last - first + 1)?;
        Some(key.as_bytes()).filter(|k| !k.is_empty())
    }

    /// Where an edge line's subject and object fields start in it, and the fields (a column the
    /// line is short of at its end, empty, as the full reader places it).
    pub(super) fn end_fields<'a>(&self, line: &'a str, tabs: &[usize]) -> [(usize, &'a str); 2] {
        [EDGE_SUBJECT, EDGE_OBJECT].map(|ours| {
            self.column_of(ours)
                .and_then(|k| field_span(line, tabs, k))
                .unwrap_or((line.len(), ""))
        })
    }

    /// Whether `line` (the first of the file) is the header these columns were made from.
    pub(super) fn is_header(&self, line: &str) -> bool {
        self.header == line.strip_prefix('\u{FEFF}').unwrap_or(line)
    }

    /// An edge line's subject, predicate and object fields, and its origin.
    pub(super) fn ends<'a>(&self, line: &'a str, tabs: &[usize]) -> ([&'a str; 3], &'a str) {
        let split = Split { line, tabs };
        let at = |c: usize| split.at(self.column_of(c));
        (
            [at(EDGE_SUBJECT), at(EDGE_PREDICATE), at(EDGE_OBJECT)],
            at(EDGE_ORIGIN),
        )
    }

    /// The source field: the first provenance column whose list has an item that is not blank
    /// (the reader takes that item); `None` for one with escapes, left to the full reader.
    fn source<'a>(&self, split: &Split<'a, '_>, escaped: bool) -> Option<&'a str> {
        for column in self.sources {
            let field = split.at(column);
            if escaped && field.contains('\\') {
                return None;
            }
            // The first column whose list has an item that is not blank; most often one field
            // that starts with a letter, known without a look at the rest.
            let plainly = field
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_graphic())
                && !field.contains('|');
            if plainly || list_items(field).next().is_some() {
                return Some(field);
            }
        }
        Some("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tabs(line: &str) -> Vec<usize> {
        line.match_indices('\t').map(|(i, _)| i).collect()
    }

    #[test]
    fn our_own_headers_are_read_as_they_are_and_a_header_without_ends_is_declined() {
        assert_eq!(Columns::nodes(&NODE_COLUMNS.join("\t")), Columns::Ours);
        assert_eq!(Columns::edges(&EDGE_COLUMNS.join("\t")), Columns::Ours);
        assert_eq!(Columns::nodes("name\tcategory"), Columns::Declined);
        assert_eq!(Columns::edges("id\tsubject\tpredicate"), Columns::Declined);
        assert_eq!(
            Columns::edges("subject\tobject\tqualifiers"),
            Columns::Declined
        );
        let wide: Vec<String> = (0..=WIDEST).map(|i| format!("c{i}")).collect();
        assert_eq!(
            Columns::edges(&format!("subject\tobject\t{}", wide.join("\t"))),
            Columns::Declined
        );
    }

    #[test]
    fn an_edge_line_takes_each_of_our_fields_from_where_the_full_reader_takes_it() {
        let header = "object\tnote\tpredicate\tsubject\tprovided_by\tknowledge_source\tmbckg_relation\textra";
        let Columns::Mapped(m) = Columns::edges(header) else {
            panic!("mapped");
        };
        let mut out = Rewritten::default();
        let line = "MBCKG:b\tsaid\tbiolink:treats\tMBCKG:a\tinfores:x\t  \ttreats\tjunk";
        m.edge_line(line, &tabs(line), false, &mut out)
            .expect("fits");
        let fields: Vec<&str> = out.text.split('\t').collect();
        assert_eq!(fields.len(), EDGE_COLUMNS.len());
        assert_eq!(out.tabs, tabs(&out.text));
        let of = |name: &str| fields[EDGE_COLUMNS.iter().position(|c| *c == name).unwrap()];
        assert_eq!(of("subject"), "MBCKG:a");
        assert_eq!(of("object"), "MBCKG:b");
        assert_eq!(of("predicate"), "biolink:treats");
        // The blank knowledge_source is passed over for provided_by, as the full reader does.
        assert_eq!(of("primary_knowledge_source"), "infores:x");
        assert_eq!(of("original_predicate"), "MBCKG:treats");
        assert_eq!(of("mbckg_note"), "said");
        assert_eq!(of("mbckg_origin"), "");
        // A short line is padded; a long one is the full reader's to report.
        let short = "MBCKG:b\tsaid\tbiolink:treats\tMBCKG:a";
        m.edge_line(short, &tabs(short), false, &mut out)
            .expect("padded");
        assert_eq!(out.text.split('\t').count(), EDGE_COLUMNS.len());
        let long = format!("{line}\tmore");
        assert!(m.edge_line(&long, &tabs(&long), false, &mut out).is_none());
        // An escape in a provenance column is left to the full reader.
        let escaped = "MBCKG:b\t\tp\tMBCKG:a\t\\t\t\t\t";
        assert!(m
            .edge_line(escaped, &tabs(escaped), true, &mut out)
            .is_none());
    }

    #[test]
    fn a_tail_is_the_columns_that_decide_ours_when_no_end_lies_among_them() {
        let tail = |header: &str| match Columns::edges(header) {
            Columns::Mapped(m) => m.tail,
            other => panic!("{other:?}"),
        };
        let header =
            "subject\tpredicate\tobject\tprimary_knowledge_source\tx\tmbckg_section\torigin\tid";
        assert_eq!(tail(header), Some((3, 5)));
        let Columns::Mapped(m) = Columns::edges(header) else {
            panic!("mapped");
        };
        let line = "MBCKG:a\tbiolink:treats\tMBCKG:b\tinfores:x\t\tSec\tf.toml:3:1\te1";
        let tabs = tabs(line);
        assert_eq!(m.tail_key(line, &tabs), Some(&b"infores:x\t\tSec"[..]));
        assert_eq!(
            m.ends(line, &tabs),
            (["MBCKG:a", "biolink:treats", "MBCKG:b"], "f.toml:3:1")
        );
        // A line short of the tail has none.
        let short = "MBCKG:a\tbiolink:treats\tMBCKG:b\tinfores:x";
        assert_eq!(m.tail_key(short, &self::tabs(short)), None);
        // The subject or the id among the columns that decide: every line is rewritten.
        assert_eq!(
            tail("primary_knowledge_source\tsubject\tobject\tmbckg_section"),
            None
        );
        assert_eq!(
            tail("subject\tobject\tmbckg_section\tid\tprimary_knowledge_source"),
            None
        );
    }

    #[test]
    fn a_node_line_is_put_in_our_columns() {
        let Columns::Mapped(m) = Columns::nodes("name\tid\tprovided_by\tcategory") else {
            panic!("mapped");
        };
        let mut out = Rewritten::default();
        let line = "BRCA1\tHGNC:1100\texample\tbiolink:Gene";
        m.node_line(line, &tabs(line), &mut out).expect("fits");
        assert_eq!(out.text, "HGNC:1100\tbiolink:Gene\tBRCA1\t\t\t\t\t");
        assert_eq!(out.tabs, tabs(&out.text));
        assert!(m.is_header("\u{FEFF}name\tid\tprovided_by\tcategory"));
    }
}
