//! Reads KGX TSV (`nodes.tsv`, `edges.tsv`) into a [`Dataset`]. Pure: text in, data or every
//! problem with its `file:line:col` out.

use std::collections::{BTreeMap, HashMap};

use crate::diag::{self, Diagnostic};
use crate::lexicon;
use crate::model::kgx::*;
use crate::model::vocab::{Frequency, Line};
use crate::model::{
    Dataset, Evidence, Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Section, Source,
    Statement, Sym,
};

/// One line of a TSV file: its 1-based number, its text, and each field with its byte offset in
/// the line.
pub(crate) struct Record<'a> {
    line: u32,
    text: &'a str,
    fields: Vec<(usize, &'a str)>,
}

impl<'a> Record<'a> {
    fn new(line: u32, text: &'a str) -> Record<'a> {
        let mut fields = Vec::new();
        let mut pos = 0;
        for f in text.split('\t') {
            fields.push((pos, f));
            pos += f.len() + 1;
        }
        Record { line, text, fields }
    }

    /// A field's raw (escaped) text and offset; empty for a column the file does not have.
    fn get(&self, column: Option<usize>) -> (usize, &'a str) {
        column
            .and_then(|i| self.fields.get(i))
            .copied()
            .unwrap_or((0, ""))
    }

    fn raw(&self, column: Option<usize>) -> &'a str {
        self.get(column).1
    }
}

/// The lines of a TSV file, without line ends or a byte-order mark, numbered from 1.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n').enumerate().map(|(i, raw)| {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let line = if i == 0 {
            line.strip_prefix('\u{FEFF}').unwrap_or(line)
        } else {
            line
        };
        (i as u32 + 1, line)
    })
}

/// A TSV file being read: its name (for diagnostics) and its header. Records are read one at a
/// time, so a file of millions of lines is never held as fields.
pub(crate) struct Table<'a> {
    file: &'static str,
    text: &'a str,
    header: Record<'a>,
}

impl<'a> Table<'a> {
    /// Reads the header; `None` (and a diagnostic) when a required column is missing.
    fn open(
        file: &'static str,
        text: &'a str,
        required: &[&str],
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Table<'a>> {
        let (line, first) = lines(text).next().unwrap_or((1, ""));
        let table = Table {
            file,
            text,
            header: Record::new(line, first),
        };
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| table.col(c).is_none())
            .collect();
        if missing.is_empty() {
            return Some(table);
        }
        let message = format!("missing column `{}`", missing.join("`, `"));
        errors.push(table.diag(&table.header, 0, 0, message).with_help(format!(
            "the first line names the columns, tab-separated; needed: {}",
            required.join(", ")
        )));
        None
    }

    /// The position of a column in the header.
    fn col(&self, name: &str) -> Option<usize> {
        self.header.fields.iter().position(|(_, n)| *n == name)
    }

    /// The records after the header, skipping blank lines. A line whose number of fields differs
    /// from the header's is reported and skipped.
    fn records<'t>(
        &'t self,
        errors: &'t mut Vec<Diagnostic>,
    ) -> impl Iterator<Item = Record<'a>> + 't {
        let width = self.header.fields.len();
        lines(self.text)
            .skip(1)
            .filter(|(_, line)| !line.is_empty())
            .map(|(n, line)| Record::new(n, line))
            .filter(move |r| {
                if r.fields.len() == width {
                    return true;
                }
                let message = format!("line has {} fields; the header has {width}", r.fields.len());
                errors.push(self.diag(r, 0, 0, message));
                false
            })
    }

    /// A diagnostic at `len` bytes from byte `at` of a record's line. Built here rather than by
    /// `diag::at_span`, which would scan the file from its start for every error.
    fn diag(&self, r: &Record, at: usize, len: usize, message: impl Into<String>) -> Diagnostic {
        let col = r.text.get(..at).map_or(0, |s| s.chars().count()) as u32 + 1;
        let width = r.text.get(at..at + len).map_or(0, |s| s.chars().count());
        let mut d = Diagnostic::error(
            message,
            Origin {
                file: self.file.to_string(),
                line: r.line,
                col,
            },
        );
        d.snippet = Some((r.text.to_string(), width));
        d
    }

    /// A diagnostic pointing at one field of a record.
    fn at(&self, r: &Record, column: Option<usize>, message: impl Into<String>) -> Diagnostic {
        let (at, text) = r.get(column);
        self.diag(r, at, text.len(), message)
    }
}

/// An id from a CURIE column: `MBCKG:` removed, unescaped.
pub(crate) fn local_id(field: &str) -> String {
    unescape(field.strip_prefix(CURIE_PREFIX).unwrap_or(field))
}

/// `file:line:col` back into an [`Origin`].
pub(crate) fn parse_origin(s: &str) -> Option<Origin> {
    let mut it = s.rsplitn(3, ':');
    let col = it.next()?.parse().ok()?;
    let line = it.next()?.parse().ok()?;
    let file = it.next()?.to_string();
    Some(Origin { file, line, col })
}

/// Reads the KGX TSV that [`export`] writes (`nodes.tsv`, `edges.tsv`) back into a [`Dataset`].
///
/// Columns are found by their header names; extra columns are ignored. Every problem is reported
/// with its `nodes.tsv:line:col` or `edges.tsv:line:col`: a missing column, a line with the wrong
/// number of fields, a node without a known `mbckg_kind` (kinds outside our schema are not
/// supported), a duplicate id, an unknown relation, evidence or qualifier, an edge end that is
/// not a node, a relation the schema does not allow between the two kinds.
///
/// Sources are rebuilt from the distinct (`primary_knowledge_source`, `section`) pairs: one source
/// per id, titled with the id, listing those sections. Statements keep the origin of their
/// `origin` column (where the statement was curated) or, without one, their place in edges.tsv.
pub fn parse_kgx(nodes_tsv: &str, edges_tsv: &str) -> Result<Dataset, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut kinds: HashMap<String, Option<NodeKind>> = HashMap::new();
    let nodes = parse_nodes(nodes_tsv, &mut kinds, &mut errors);
    let (statements, sources) = parse_edges(edges_tsv, &kinds, &mut errors);
    super::validate::check_any_of(&statements, &mut errors);
    if errors.is_empty() {
        Ok(Dataset {
            sources,
            nodes,
            statements,
        })
    } else {
        Err(errors)
    }
}

pub(crate) fn parse_nodes(
    text: &str,
    kinds: &mut HashMap<String, Option<NodeKind>>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Node> {
    let first_error = errors.len();
    let Some(t) = Table::open("nodes.tsv", text, &["id", "name"], errors) else {
        return Vec::new();
    };
    let [id_c, name_c, kind_c, category_c, synonym_c, xref_c, description_c] = [
        "id",
        "name",
        "mbckg_kind",
        "category",
        "synonym",
        "xref",
        "description",
    ]
    .map(|c| t.col(c));
    let mut problems = Vec::new();
    let mut first_line: HashMap<String, u32> = HashMap::new();
    let mut nodes = Vec::new();
    for r in t.records(errors) {
        let id = local_id(r.raw(id_c));
        if id.is_empty() {
            problems.push(t.at(&r, id_c, "empty node id"));
            continue;
        }
        if let Some(first) = first_line.get(&id) {
            problems.push(
                t.at(&r, id_c, format!("duplicate node id `{id}`"))
                    .with_help(format!("first defined at nodes.tsv:{first}")),
            );
            continue;
        }
        first_line.insert(id.clone(), r.line);
        // Our kind when the file names one; else the Biolink category, ours if it maps to one
        // kind, kept under its own name if not.
        let raw_kind = unescape(r.raw(kind_c));
        let category = split_list(r.raw(category_c))
            .into_iter()
            .next()
            .unwrap_or_default();
        let kind = match (raw_kind.is_empty(), category.is_empty()) {
            (false, _) => NodeKind::named(&raw_kind),
            (true, false) => lexicon::kind_of_biolink(&category),
            (true, true) => None,
        };
        kinds.insert(id.clone(), kind);
        let name = unescape(r.raw(name_c));
        if name.trim().is_empty() {
            problems.push(t.at(&r, name_c, format!("node `{id}` has an empty name")));
        }
        let Some(kind) = kind else {
            problems.push(unknown_kind(&t, &r, kind_c, &id));
            continue;
        };
        let note = unescape(r.raw(description_c));
        nodes.push(Node {
            id,
            kind,
            name,
            aliases: split_list(r.raw(synonym_c)),
            xrefs: split_list(r.raw(xref_c)),
            note: (!note.is_empty()).then_some(note),
            accepted: Vec::new(),
            origin: Origin {
                file: "nodes.tsv".to_string(),
                line: r.line,
                col: 1,
            },
        });
    }
    errors.append(&mut problems);
    errors[first_error..].sort_by(|a, b| a.origin.cmp(&b.origin));
    nodes
}

pub(crate) fn unknown_kind(t: &Table, r: &Record, kind_c: Option<usize>, id: &str) -> Diagnostic {
    t.at(
        r,
        kind_c,
        format!("node `{id}` has neither an mbckg_kind nor a category"),
    )
    .with_help(
        "give the node one of our kinds in `mbckg_kind`, or its Biolink category in `category`",
    )
}

/// The columns of edges.tsv that the reader uses, by position.
pub(crate) struct EdgeColumns {
    subject: Option<usize>,
    object: Option<usize>,
    relation: Option<usize>,
    predicate: Option<usize>,
    source: Option<usize>,
    section: Option<usize>,
    evidence: Option<usize>,
    note: Option<usize>,
    qualifiers: Option<usize>,
    origin: Option<usize>,
}

pub(crate) fn parse_edges(
    text: &str,
    kinds: &HashMap<String, Option<NodeKind>>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Statement>, Vec<Source>) {
    // Our own export writes every column; a third-party file needs only these.
    let required = ["subject", "object"];
    let first_error = errors.len();
    let Some(t) = Table::open("edges.tsv", text, &required, errors) else {
        return (Vec::new(), Vec::new());
    };
    let c = EdgeColumns {
        subject: t.col("subject"),
        object: t.col("object"),
        relation: t.col("mbckg_relation"),
        predicate: t.col("predicate"),
        source: t.col("primary_knowledge_source"),
        section: t.col("section"),
        evidence: t.col("evidence"),
        note: t.col("note"),
        qualifiers: t.col("qualifiers"),
        origin: t.col("origin"),
    };
    // Source id → (sections in order first seen, where the source was first cited).
    let mut cited: BTreeMap<String, (Vec<String>, Origin)> = BTreeMap::new();
    let mut statements = Vec::new();
    let mut problems = Vec::new();
    for r in t.records(errors) {
        let Some(st) = parse_edge(&t, &r, &c, kinds, &mut problems) else {
            continue;
        };
        let p = &st.provenance;
        match cited.get_mut(&p.source) {
            Some((sections, _)) => {
                if !sections.contains(&p.section) {
                    sections.push(p.section.clone());
                }
            }
            None => {
                let entry = (vec![p.section.clone()], st.origin.clone());
                cited.insert(p.source.clone(), entry);
            }
        }
        statements.push(st);
    }
    errors.append(&mut problems);
    errors[first_error..].sort_by(|a, b| a.origin.cmp(&b.origin));
    let sources = cited
        .into_iter()
        .map(|(id, (sections, origin))| Source {
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
        })
        .collect();
    (statements, sources)
}

/// One statement from one line of edges.tsv; `None` after reporting its problems.
pub(crate) fn parse_edge(
    t: &Table,
    r: &Record,
    c: &EdgeColumns,
    kinds: &HashMap<String, Option<NodeKind>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let before = errors.len();
    let mut end = |column: Option<usize>, what: &str| {
        let id = local_id(r.raw(column));
        match kinds.get(&id) {
            Some(kind) => Some((id, *kind)),
            None => {
                errors.push(t.at(
                    r,
                    column,
                    format!("{what} `{id}` is not a node in nodes.tsv"),
                ));
                None
            }
        }
    };
    let subject = end(c.subject, "subject");
    let object = end(c.object, "object");
    // Our relation when the file names one; else the Biolink predicate, ours if it maps to one
    // relation, kept under its own name if not.
    let raw_rel = unescaped(r.raw(c.relation));
    let predicate = unescaped(r.raw(c.predicate));
    let relation = match (raw_rel.is_empty(), predicate.is_empty()) {
        (false, _) | (true, false) => {
            let named = if raw_rel.is_empty() {
                lexicon::relation_of_biolink(&predicate)
            } else {
                Relation::named(&raw_rel)
            };
            if named.is_none() {
                errors.push(t.at(
                    r,
                    c.relation,
                    format!("a relation name may hold at most {} bytes", Sym::CAP),
                ));
            }
            named
        }
        (true, true) => {
            errors.push(t.at(
                r,
                c.relation,
                "an edge needs a predicate or an mbckg_relation",
            ));
            None
        }
    };
    let raw_ev = unescaped(r.raw(c.evidence));
    let evidence = if raw_ev.is_empty() {
        Some(Evidence::Unspecified)
    } else {
        Evidence::parse(&raw_ev)
    };
    if evidence.is_none() {
        errors.push(
            t.at(
                r,
                c.evidence,
                format!("unknown evidence category `{raw_ev}`"),
            )
            .with_help_opt(diag::did_you_mean(
                &raw_ev,
                Evidence::ALL.iter().map(|e| e.as_str()),
            )),
        );
    }
    let mut source = unescape(r.raw(c.source));
    if source.is_empty() {
        source = "unattributed".to_string();
    }
    let qualifiers = parse_qualifiers(r.raw(c.qualifiers))
        .map_err(|message| errors.push(t.at(r, c.qualifiers, message)))
        .unwrap_or_default();
    let ((subject, sk), (object, ok), mut relation, evidence) =
        (subject?, object?, relation?, evidence?);
    // A Biolink predicate we read as one of our relations stays its own relation when the kinds
    // it joins here are not ones ours joins (a `biolink:treats` between third-party kinds).
    if raw_rel.is_empty() {
        if let (Some(sk), Some(ok)) = (sk, ok) {
            if !lexicon::allows(relation, sk, ok) {
                if let Some(own) = Relation::named(&predicate) {
                    relation = own;
                }
            }
        }
    }
    if let (Some(sk), Some(ok)) = (sk, ok) {
        if !lexicon::allows(relation, sk, ok) {
            let message = format!("relation `{relation}` cannot join a {sk} to a {ok}");
            errors.push(t.at(r, c.relation, message));
        }
    }
    if errors.len() > before {
        return None;
    }
    let (at, raw_origin) = r.get(c.origin);
    let origin = parse_origin(&unescaped(raw_origin)).unwrap_or_else(|| Origin {
        file: "edges.tsv".to_string(),
        line: r.line,
        col: r.text[..at].chars().count() as u32 + 1,
    });
    Some(Statement {
        subject,
        relation,
        object,
        qualifiers,
        provenance: Provenance {
            source,
            section: match unescape(r.raw(c.section)) {
                s if s.is_empty() => "(whole source)".to_string(),
                s => s,
            },
            evidence,
            note: unescape(r.raw(c.note)),
        },
        origin,
    })
}

/// Reads the qualifiers column written by [`qualifiers_text`].
pub(crate) fn parse_qualifiers(field: &str) -> Result<Qualifiers, String> {
    let mut q = Qualifiers::default();
    if field.is_empty() {
        return Ok(q);
    }
    for part in split_unescaped(field, '|') {
        let Some((name, value)) = part.split_once('=') else {
            return Err(format!(
                "qualifier `{}` has no value (write name=value)",
                unescape(part)
            ));
        };
        let text = || unescape(value);
        let list = || -> Vec<String> {
            split_unescaped(value, ';')
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(unescape)
                .collect()
        };
        let choice = |what: &str, allowed: Vec<&str>| {
            let v = unescape(value);
            Err(format!(
                "unknown {what} `{v}`; {what} is one of: {}",
                allowed.join(", ")
            ))
        };
        match name {
            "line" => match Line::parse(&unescape(value)) {
                Some(l) => q.line = Some(l),
                None => return choice("line of therapy", Line::words()),
            },
            "frequency" => match Frequency::parse(&unescape(value)) {
                Some(f) => q.frequency = Some(f),
                None => return choice("frequency", Frequency::words()),
            },
            "risk" => q.risk = Some(text()),
            "schedule" => q.schedule = Some(text()),
            "condition" => q.condition = Some(text()),
            "any_of" => q.any_of = Some(text()),
            "population" => q.population = list(),
            "with" => q.with = list(),
            "min_count" => {
                let n = value
                    .parse()
                    .map_err(|_| format!("min_count `{}` is not a whole number", text()))?;
                q.min_count = Some(n);
            }
            other => {
                let known = [
                    "line",
                    "frequency",
                    "risk",
                    "schedule",
                    "condition",
                    "any_of",
                    "population",
                    "with",
                    "min_count",
                ];
                let hint = diag::did_you_mean(other, known)
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                return Err(format!("unknown qualifier `{}`{hint}", unescape(other)));
            }
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_parse_back() {
        let o = Origin {
            file: "graph-data/drugs/x.toml".into(),
            line: 4,
            col: 1,
        };
        assert_eq!(parse_origin(&o.to_string()), Some(o));
        assert_eq!(parse_origin("nowhere"), None);
    }

    #[test]
    fn kgx_node_without_kind_is_reported_with_its_line() {
        let nodes = "id\tname\tmbckg_kind\nMBCKG:a\tA\tdrug\nMBCKG:b\tB\tgene\nMBCKG:c\tC\t\n";
        let errs = parse_kgx(
            nodes,
            "subject\tobject\tmbckg_relation\tprimary_knowledge_source\tsection\tevidence\tnote\n",
        )
        .unwrap_err();
        // `gene` is a kind of its own; a node with no kind at all is an error.
        let places: Vec<String> = errs.iter().map(|d| d.origin.to_string()).collect();
        assert_eq!(places, ["nodes.tsv:4:11"]);
        assert!(
            errs[0]
                .message
                .contains("has neither an mbckg_kind nor a category"),
            "{errs:#?}"
        );
    }

    #[test]
    fn kgx_reports_missing_columns_and_ragged_lines() {
        let errs = parse_kgx("id\tname\n", "subject\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(errs[0].message.contains("`object`"), "{errs:#?}");
        let errs = parse_kgx("id\tname\tmbckg_kind\nMBCKG:a\tA\n", "").unwrap_err();
        assert!(errs[0].message.contains("has 2 fields"), "{errs:#?}");
    }

    #[test]
    fn qualifiers_round_trip() {
        let q = Qualifiers {
            line: Some(Line::First),
            risk: Some("2|5%".into()),
            population: vec!["a;b".into(), "c".into()],
            with: vec!["d".into()],
            min_count: Some(2),
            condition: Some("x=y; z".into()),
            ..Qualifiers::default()
        };
        let text = qualifiers_text(&q, true);
        assert_eq!(
            text,
            "line=first|risk=2\\|5%|condition=x=y; z|population=a\\;b;c|with=d|min_count=2"
        );
        assert_eq!(parse_qualifiers(&text), Ok(q));
        assert!(parse_qualifiers("line=1st").is_err());
        assert!(parse_qualifiers("lines=first")
            .unwrap_err()
            .contains("`line`"));
    }
}
