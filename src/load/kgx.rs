//! Reads KGX TSV (`nodes.tsv`, `edges.tsv`) as KGX tools do: our own export back exactly, and a
//! third party's graph with the flaws real files have (short rows, edges to missing nodes,
//! duplicate ids, several categories, empty names, provenance in any of four columns) tolerated
//! and counted in warnings. The behaviours are listed in `biolink/NOTES.md` and pinned by
//! `tests/kgx_import.rs`.
//!
//! Pure: text in, a [`Layer`] (a dataset and its warnings) out. May use model, lexicon and diag.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diag::{self, Diagnostic, Severity};
use crate::lexicon;
use crate::lexicon::biolink::{self, Hierarchy};
use crate::model::kgx::{
    local_id, parse_origin, split_list, unescape, CURIE_PREFIX, INFORES_PREFIX, UNATTRIBUTED,
};
use crate::model::{
    Dataset, Evidence, Node, NodeKind, Origin, Provenance, Relation, Source, Statement, Sym,
};

mod qualifiers;

pub(crate) use qualifiers::from_columns as qualifiers_from_columns;

/// How to read one KGX graph.
#[derive(Debug, Clone, Copy, Default)]
pub struct KgxOptions<'a> {
    /// Edges to nodes that are not there are errors, not dropped with a warning.
    pub strict: bool,
    /// Where the files are (`tests/kgx-overlay/`, or empty): diagnostics and the origins of
    /// nodes and statements name the files with it, so every statement keeps its graph.
    pub base: &'a str,
    /// The graph this one is laid over: its nodes are matched by id or declared xref, and edges
    /// may end at them.
    pub over: Option<&'a Dataset>,
}

/// One KGX graph as read: its nodes (those matching a node of the graph below keep that node's id)
/// and statements, and what was tolerated on the way.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub dataset: Dataset,
    pub warnings: Vec<Diagnostic>,
}

/// Reads a KGX graph. Errors (a missing `id`, `subject` or `object` column, a row longer than the
/// header, an empty id, an unknown evidence or qualifier value, a relation of ours between kinds it
/// cannot join, and with `strict` an edge to a missing node) are all reported at once, each with
/// its `file:line:col`.
pub fn parse_kgx(
    nodes_tsv: &str,
    edges_tsv: &str,
    options: KgxOptions,
) -> Result<Layer, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let nodes_file = format!("{}nodes.tsv", options.base);
    let edges_file = format!("{}edges.tsv", options.base);
    let read = read_nodes(
        nodes_tsv,
        &nodes_file,
        options.over,
        &mut errors,
        &mut warnings,
    );
    let (statements, sources) = read_edges(
        edges_tsv,
        &edges_file,
        &read,
        options,
        &mut errors,
        &mut warnings,
    );
    super::validate::check_any_of(&statements, &mut errors);
    super::validate::check_cycles(
        statements
            .iter()
            .filter(|s| s.relation == Relation::SubclassOf)
            .map(|s| (s.subject.as_str(), s.object.as_str(), &s.origin)),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Layer {
        dataset: Dataset {
            sources,
            nodes: read.nodes,
            statements,
        },
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// TSV lines and fields

/// One line of a TSV file: its 1-based number, its text, and each field with its byte offset.
struct Record<'a> {
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

    /// A field's raw (escaped) text and offset. A column the file or this short row does not
    /// have is empty, as KGX tools pad short rows.
    fn get(&self, column: Option<usize>) -> (usize, &'a str) {
        column
            .and_then(|i| self.fields.get(i))
            .copied()
            .unwrap_or((self.text.len(), ""))
    }

    fn raw(&self, column: Option<usize>) -> &'a str {
        self.get(column).1
    }

    /// The unescaped text of a field.
    fn text(&self, column: Option<usize>) -> String {
        unescape(self.raw(column))
    }
}

/// The lines of a TSV file, without line ends or a byte-order mark, numbered from 1.
fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
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

/// A TSV file being read: its name (for diagnostics) and its header.
struct Table<'a> {
    file: &'a str,
    text: &'a str,
    header: Record<'a>,
}

impl<'a> Table<'a> {
    /// Reads the header; `None` (and a diagnostic) when a required column is missing.
    fn open(
        file: &'a str,
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

    /// The first of several names a column may have.
    fn col_of(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.col(n))
    }

    /// The records after the header, skipping blank lines. A short line is padded (see
    /// [`Record::get`]); a line with more fields than the header is reported and skipped.
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
                if r.fields.len() <= width {
                    return true;
                }
                let message = format!("line has {} fields; the header has {width}", r.fields.len());
                let at = r.fields.get(width).map_or(0, |f| f.0);
                errors.push(self.diag(r, at, r.text.len() - at, message));
                false
            })
    }

    fn origin(&self, r: &Record, at: usize) -> Origin {
        let col = r.text.get(..at).map_or(0, |s| s.chars().count()) as u32 + 1;
        Origin {
            file: self.file.to_string(),
            line: r.line,
            col,
        }
    }

    /// A diagnostic at `len` bytes from byte `at` of a record's line.
    fn diag(&self, r: &Record, at: usize, len: usize, message: impl Into<String>) -> Diagnostic {
        let width = r.text.get(at..at + len).map_or(0, |s| s.chars().count());
        let mut d = Diagnostic::error(message, self.origin(r, at));
        d.snippet = Some((r.text.to_string(), width));
        d
    }

    /// A diagnostic pointing at one field of a record.
    fn at(&self, r: &Record, column: Option<usize>, message: impl Into<String>) -> Diagnostic {
        let (at, text) = r.get(column);
        self.diag(r, at, text.len(), message)
    }
}

/// One warning for a tolerated flaw, placed at its first occurrence; the message counts them.
fn warning(first: &Origin, message: String, help: &str) -> Diagnostic {
    let mut d = Diagnostic::error(message, first.clone()).with_help(help);
    d.severity = Severity::Warning;
    d
}

/// Adds the items not already in `list`, keeping order. Short lists are searched; long ones
/// (a node repeated with thousands of synonyms) go through a set, so that merging costs no
/// more than the lists' length.
fn unite(list: &mut Vec<String>, items: Vec<String>) {
    if list.len().saturating_add(items.len()) <= 32 {
        for item in items {
            if !list.contains(&item) {
                list.push(item);
            }
        }
        return;
    }
    let mut seen: std::collections::HashSet<String> = list.iter().cloned().collect();
    for item in items {
        if seen.insert(item.clone()) {
            list.push(item);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Nodes

/// A node being gathered from one or more rows of the same id.
struct Gathered {
    node: Node,
    categories: Vec<String>,
    /// Our kind, from an `mbckg_kind` column.
    kind: Option<String>,
}

/// The nodes of a layer, and how the ids its edges use resolve.
struct ReadNodes {
    nodes: Vec<Node>,
    /// Id as written (local) → the id of the node it is and that node's kind.
    ends: HashMap<String, (String, NodeKind)>,
}

fn read_nodes(
    text: &str,
    file: &str,
    over: Option<&Dataset>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> ReadNodes {
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut duplicates: Vec<Origin> = Vec::new();
    if let Some(t) = Table::open(file, text, &["id"], errors) {
        let c = NodeColumns::of(&t);
        let mut problems = Vec::new();
        for r in t.records(errors) {
            let id = local_id(r.raw(c.id));
            if id.trim().is_empty() {
                problems.push(t.at(&r, c.id, "empty node id"));
                continue;
            }
            let row = gather(&t, &r, &c, &id);
            match index.get(&id) {
                Some(&i) => {
                    duplicates.push(t.origin(&r, 0));
                    merge_rows(&mut gathered[i], row);
                }
                None => {
                    index.insert(id, gathered.len());
                    gathered.push(row);
                }
            }
        }
        errors.append(&mut problems);
        if let Some(first) = duplicates.first() {
            warnings.push(warning(
                first,
                format!(
                    "{} node row{} an id given before; merged into the first",
                    duplicates.len(),
                    if duplicates.len() == 1 { " repeats" } else { "s repeat" }
                ),
                "categories, synonyms and xrefs are united; the name and description are the first given",
            ));
        }
    }
    finish_nodes(gathered, over, errors, warnings)
}

/// The columns of nodes.tsv the reader uses.
struct NodeColumns {
    id: Option<usize>,
    name: Option<usize>,
    kind: Option<usize>,
    category: Option<usize>,
    synonym: Option<usize>,
    xref: Option<usize>,
    description: Option<usize>,
    origin: Option<usize>,
}

impl NodeColumns {
    fn of(t: &Table) -> NodeColumns {
        NodeColumns {
            id: t.col("id"),
            name: t.col("name"),
            kind: t.col("mbckg_kind"),
            category: t.col("category"),
            synonym: t.col("synonym"),
            xref: t.col("xref"),
            description: t.col("description"),
            origin: t.col("mbckg_origin"),
        }
    }
}

fn gather(t: &Table, r: &Record, c: &NodeColumns, id: &str) -> Gathered {
    let kind = r.text(c.kind);
    let note = r.text(c.description);
    Gathered {
        node: Node {
            id: id.to_string(),
            kind: NodeKind::Drug,
            name: r.text(c.name).trim().to_string(),
            aliases: split_list(r.raw(c.synonym)),
            xrefs: split_list(r.raw(c.xref)),
            note: (!note.is_empty()).then_some(note),
            category: None,
            accepted: Vec::new(),
            origin: parse_origin(&r.text(c.origin)).unwrap_or_else(|| t.origin(r, 0)),
        },
        categories: split_list(r.raw(c.category)),
        kind: (!kind.is_empty()).then_some(kind),
    }
}

/// Unites a later row of the same id into the first.
fn merge_rows(first: &mut Gathered, later: Gathered) {
    let (a, b) = (&mut first.node, later.node);
    if a.name.is_empty() {
        a.name = b.name;
    }
    if a.note.is_none() {
        a.note = b.note;
    }
    unite(&mut a.aliases, b.aliases);
    unite(&mut a.xrefs, b.xrefs);
    unite(&mut first.categories, later.categories);
    if first.kind.is_none() {
        first.kind = later.kind;
    }
}

/// Gives every gathered node its kind and name, and matches it to the graph below.
fn finish_nodes(
    gathered: Vec<Gathered>,
    over: Option<&Dataset>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> ReadNodes {
    let hierarchy = Hierarchy::embedded();
    let below = Below::of(over);
    let mut uncategorized: Vec<Origin> = Vec::new();
    let mut nodes = Vec::with_capacity(gathered.len());
    let mut ends = HashMap::with_capacity(gathered.len());
    for g in gathered {
        let mut node = g.node;
        let most_specific = hierarchy.most_specific(&g.categories);
        let (name, kind) = match (&g.kind, most_specific) {
            (Some(kind), _) => (kind.as_str(), NodeKind::named(kind)),
            (None, Some(category)) => (category, lexicon::kind_of_biolink(category)),
            (None, None) => {
                uncategorized.push(node.origin.clone());
                let thing = biolink::NAMED_THING;
                (thing, lexicon::kind_of_biolink(thing))
            }
        };
        let Some(kind) = kind else {
            let message = format!("kind `{name}` is longer than {} bytes", Sym::CAP);
            errors.push(Diagnostic::error(message, node.origin.clone()));
            continue;
        };
        node.kind = kind;
        // The kind column decides the kind; the category is the node's own where the kind
        // allows it (DNA, a target, is a nucleic acid entity).
        if g.kind.is_some() {
            node.category = hierarchy
                .own_category(kind, most_specific)
                .map(str::to_string);
        }
        if node.name.is_empty() {
            node.name = node.id.clone();
        }
        let written = node.id.clone();
        if let Some((id, kind)) = below.matching(&node) {
            // The node of the graph below: this layer adds its names and ids to it.
            if node.name != id && !node.aliases.contains(&node.name) {
                node.aliases.insert(0, node.name.clone());
            }
            if written != id {
                node.xrefs.insert(0, written.clone());
            }
            node.id = id.to_string();
            node.kind = kind;
        }
        ends.insert(written, (node.id.clone(), node.kind));
        nodes.push(node);
    }
    if let Some(first) = uncategorized.first() {
        warnings.push(warning(
            first,
            format!(
                "{} node{} without a category read as {}",
                uncategorized.len(),
                plural(uncategorized.len()),
                biolink::NAMED_THING
            ),
            "KGX requires a category on every node",
        ));
    }
    ReadNodes { nodes, ends }
}

/// The nodes of the graph below a layer, by id and by declared xref.
struct Below<'d> {
    kinds: HashMap<&'d str, NodeKind>,
    xrefs: HashMap<&'d str, &'d str>,
}

impl<'d> Below<'d> {
    fn of(over: Option<&'d Dataset>) -> Below<'d> {
        let nodes = over.map(|d| d.nodes.as_slice()).unwrap_or_default();
        Below {
            kinds: nodes.iter().map(|n| (n.id.as_str(), n.kind)).collect(),
            xrefs: nodes
                .iter()
                .flat_map(|n| n.xrefs.iter().map(move |x| (x.as_str(), n.id.as_str())))
                .collect(),
        }
    }

    /// The node below that `node` is: the same id, an id the node below declares as an xref,
    /// or a node below that `node` declares as an xref.
    fn matching(&self, node: &Node) -> Option<(&'d str, NodeKind)> {
        let by_id = |id: &str| self.kinds.get_key_value(id).map(|(k, v)| (*k, *v));
        by_id(&node.id)
            .or_else(|| self.xrefs.get(node.id.as_str()).and_then(|id| by_id(id)))
            .or_else(|| node.xrefs.iter().find_map(|x| by_id(&local_id(x))))
    }

    fn kind(&self, id: &str) -> Option<NodeKind> {
        self.kinds.get(id).copied()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

// ---------------------------------------------------------------------------------------------
// Edges

/// The columns of edges.tsv the reader uses. Ours are written with an `mbckg_` prefix; the names
/// without it are read too (exports before the prefix).
struct EdgeColumns {
    subject: Option<usize>,
    object: Option<usize>,
    predicate: Option<usize>,
    relation: Option<usize>,
    original_predicate: Option<usize>,
    negated: Option<usize>,
    /// Provenance, most direct first: the first one given is the statement's source.
    provenance: [Option<usize>; 4],
    section: Option<usize>,
    evidence: Option<usize>,
    note: Option<usize>,
    origin: Option<usize>,
    /// The qualifiers packed in one column (`line=first|…`), as exports before 0.2 wrote them.
    packed: Option<usize>,
    /// One column per qualifier, in [`QUALIFIERS`] order.
    qualifiers: Vec<Option<usize>>,
}

impl EdgeColumns {
    fn of(t: &Table) -> EdgeColumns {
        EdgeColumns {
            subject: t.col("subject"),
            object: t.col("object"),
            predicate: t.col("predicate"),
            relation: t.col_of(&["mbckg_relation"]),
            original_predicate: t.col("original_predicate"),
            negated: t.col("negated"),
            provenance: [
                "primary_knowledge_source",
                "knowledge_source",
                "aggregator_knowledge_source",
                "provided_by",
            ]
            .map(|c| t.col(c)),
            section: t.col_of(&["mbckg_section", "section"]),
            evidence: t.col_of(&["mbckg_evidence", "evidence"]),
            note: t.col_of(&["mbckg_note", "note"]),
            origin: t.col_of(&["mbckg_origin", "origin"]),
            packed: t.col("qualifiers"),
            qualifiers: crate::model::kgx::QUALIFIERS
                .iter()
                .map(|q| t.col(&format!("mbckg_{q}")))
                .collect(),
        }
    }
}

fn read_edges(
    text: &str,
    file: &str,
    nodes: &ReadNodes,
    options: KgxOptions,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<Statement>, Vec<Source>) {
    let Some(t) = Table::open(file, text, &["subject", "object"], errors) else {
        return (Vec::new(), Vec::new());
    };
    let c = EdgeColumns::of(&t);
    let below = Below::of(options.over);
    let mut dangling: Vec<Diagnostic> = Vec::new();
    let mut statements = Vec::new();
    let mut problems = Vec::new();
    for r in t.records(errors) {
        let mut end = |column: Option<usize>, what: &str| {
            let written = local_id(r.raw(column));
            let found = nodes
                .ends
                .get(&written)
                .cloned()
                .or_else(|| below.kind(&written).map(|k| (written.clone(), k)));
            if found.is_none() {
                let message = format!("{what} `{written}` is not a node");
                dangling.push(t.at(&r, column, message));
            }
            found
        };
        let (subject, object) = (end(c.subject, "subject"), end(c.object, "object"));
        let (Some(subject), Some(object)) = (subject, object) else {
            continue;
        };
        if let Some(st) = read_edge(&t, &r, &c, subject, object, &mut problems) {
            statements.push(st);
        }
    }
    errors.append(&mut problems);
    report_dangling(dangling, options.strict, errors, warnings);
    let sources = cited_sources(&statements);
    (statements, sources)
}

/// Edges to missing nodes: each an error when strict, else one warning that counts them.
fn report_dangling(
    dangling: Vec<Diagnostic>,
    strict: bool,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let Some(first) = dangling.first() else {
        return;
    };
    if strict {
        errors.extend(dangling);
        return;
    }
    let edges: BTreeSet<(String, u32)> = dangling
        .iter()
        .map(|d| (d.origin.file.clone(), d.origin.line))
        .collect();
    warnings.push(dangling_warning(first, edges.len()));
}

/// The one warning for `n` edges dropped because an end is not a node, `first` the first such
/// end's diagnostic (the streaming reader words it the same way).
pub(crate) fn dangling_warning(first: &Diagnostic, n: usize) -> Diagnostic {
    let mut w = warning(
        &first.origin,
        format!(
            "{n} edge{} dropped: an end is not a node (first: {})",
            plural(n),
            first.message
        ),
        "KGX tools drop such edges too; --strict makes each one an error",
    );
    w.snippet = first.snippet.clone();
    w
}

/// One statement from one line of edges.tsv; `None` after reporting its problems.
fn read_edge(
    t: &Table,
    r: &Record,
    c: &EdgeColumns,
    (subject, sk): (String, NodeKind),
    (object, ok): (String, NodeKind),
    errors: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let before = errors.len();
    let relation = relation_of(t, r, c, sk, ok, errors);
    let raw_ev = r.text(c.evidence);
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
    let qualifiers = qualifiers::read(t, r, c, errors);
    let (relation, evidence) = (relation?, evidence?);
    if errors.len() > before {
        return None;
    }
    let origin = parse_origin(&r.text(c.origin)).unwrap_or_else(|| t.origin(r, 0));
    Some(Statement {
        subject,
        relation,
        object,
        qualifiers,
        provenance: Provenance {
            source: source_of(r, c),
            section: match r.text(c.section) {
                s if s.is_empty() => "(whole source)".to_string(),
                s => s,
            },
            evidence,
            note: r.text(c.note),
        },
        origin,
    })
}

/// The statement's relation: ours when the file names it (`original_predicate` `MBCKG:…` or
/// `mbckg_relation`); else the Biolink predicate, read as ours only where it is the predicate our
/// relation exports as and the kinds fit, and never a negated edge as a positive one.
fn relation_of(
    t: &Table,
    r: &Record,
    c: &EdgeColumns,
    sk: NodeKind,
    ok: NodeKind,
    errors: &mut Vec<Diagnostic>,
) -> Option<Relation> {
    let original = r.text(c.original_predicate);
    let ours = match original.strip_prefix(CURIE_PREFIX) {
        Some(rel) => rel.to_string(),
        None => r.text(c.relation),
    };
    let too_long = |errors: &mut Vec<Diagnostic>, column: Option<usize>, name: &str| {
        let message = format!("relation `{name}` is longer than {} bytes", Sym::CAP);
        errors.push(t.at(r, column, message));
    };
    let (relation, column) = if !ours.is_empty() {
        let column = if original.is_empty() {
            c.relation
        } else {
            c.original_predicate
        };
        let Some(relation) = Relation::named(&ours) else {
            too_long(errors, column, &ours);
            return None;
        };
        (relation, column)
    } else {
        let predicate = r.text(c.predicate);
        if predicate.is_empty() {
            errors.push(t.at(r, c.predicate, "an edge needs a predicate"));
            return None;
        }
        let relation = if is_true(&r.text(c.negated)) {
            lexicon::negated_relation_of_biolink(&predicate, sk, ok)
        } else {
            lexicon::relation_of_biolink(&predicate)
                .filter(|mine| lexicon::allows(*mine, sk, ok))
                .or_else(|| Relation::named(&predicate))
        };
        if relation.is_none() {
            too_long(errors, c.predicate, &predicate);
        }
        return relation;
    };
    if !lexicon::allows(relation, sk, ok) {
        let message = format!("relation `{relation}` cannot join a {sk} to a {ok}");
        errors.push(t.at(r, column, message));
        return None;
    }
    Some(relation)
}

/// `true`, `True`, `TRUE`, `t`, `1`, `yes`: the spellings KGX files use for a true boolean.
fn is_true(field: &str) -> bool {
    matches!(
        field.trim().to_ascii_lowercase().as_str(),
        "true" | "t" | "1" | "yes"
    )
}

/// The first provenance column given; our own `infores:mbckg-X` is our source `X`.
fn source_of(r: &Record, c: &EdgeColumns) -> String {
    let given = c
        .provenance
        .iter()
        .filter_map(|col| split_list(r.raw(*col)).into_iter().next())
        .next();
    match given {
        Some(s) => match s.strip_prefix(INFORES_PREFIX) {
            Some(ours) => ours.to_string(),
            None => s,
        },
        None => UNATTRIBUTED.to_string(),
    }
}

/// Sources rebuilt from the distinct (source, section) pairs the statements cite: one source per
/// id, titled with the id, listing those sections in the order first cited.
fn cited_sources(statements: &[Statement]) -> Vec<Source> {
    let mut cited: BTreeMap<&str, (Vec<&str>, &Origin)> = BTreeMap::new();
    for st in statements {
        let p = &st.provenance;
        let entry = cited
            .entry(p.source.as_str())
            .or_insert_with(|| (Vec::new(), &st.origin));
        if !entry.0.contains(&p.section.as_str()) {
            entry.0.push(&p.section);
        }
    }
    cited
        .into_iter()
        .map(|(id, (sections, origin))| {
            let sections = sections.into_iter().map(str::to_string).collect();
            Source::cited(id.to_string(), sections, origin.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::unite;

    #[test]
    fn uniting_lists_keeps_the_first_of_each_item_in_order_short_or_long() {
        for n in [3usize, 20, 40, 5_000] {
            let list: Vec<String> = (0..n).map(|i| format!("s{}", i % (n / 2 + 1))).collect();
            let items: Vec<String> = (0..n).map(|i| format!("s{}", (i * 7) % (n + 3))).collect();
            // The first of each, in the order met: the list's own repeats stay as they were.
            let mut want = list.clone();
            for item in &items {
                if !want.contains(item) {
                    want.push(item.clone());
                }
            }
            let mut got = list.clone();
            unite(&mut got, items);
            assert_eq!(got, want, "{n} items");
        }
    }
}
