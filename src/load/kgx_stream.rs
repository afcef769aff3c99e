//! Streams a KGX TSV directory in mbckg's own columns (what `mbckg export --format kgx` writes)
//! straight into a [`GraphSink`]: one pass over each file a buffer at a time, fields borrowed
//! from the line, ids hashed once by the sink, provenance and qualifiers parsed once per
//! distinct text. It reads only clean files: any other header, or any line the full reader
//! ([`super::kgx`]) would report or repair, and it answers `None` so the caller reads the
//! directory the full way, which reports every problem. Equal output to the full reader on the
//! files it accepts is tested. Uses model and lexicon; reads files (the I/O of `load`).

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;

use super::kgx::qualifiers_from_columns;
use crate::lexicon;
use crate::model::kgx::{
    parse_origin, split_list, unescaped, CURIE_PREFIX, EDGE_COLUMNS, INFORES_PREFIX, NODE_COLUMNS,
    UNATTRIBUTED,
};
use crate::model::sink::{At, GraphSink, NodeExtra};
use crate::model::{Evidence, NodeKind, Origin, Provenance, Relation, Source};

/// Reads `dir/nodes.tsv` and `dir/edges.tsv` into `sink`; the sources the statements cite.
/// `None` when the files are not clean KGX in our columns (the sink is then half-filled: throw
/// it away).
pub fn read_dir(dir: &Path, sink: &mut dyn GraphSink) -> Option<Vec<Source>> {
    // Room for the lines the files' sizes suggest, so the store's columns do not grow by copying.
    sink.reserve(
        estimated_lines(&dir.join("nodes.tsv")),
        estimated_lines(&dir.join("edges.tsv")),
    );
    // Places in the files are named as the full reader names them: under the directory.
    let base = format!("{}/", dir.display().to_string().trim_end_matches('/'));
    read_nodes(&dir.join("nodes.tsv"), &format!("{base}nodes.tsv"), sink)?;
    read_edges(&dir.join("edges.tsv"), &format!("{base}edges.tsv"), sink)
}

/// About how many lines a file holds: its size over the mean length of the lines in its first
/// 64 KiB, with a twentieth to spare.
fn estimated_lines(path: &Path) -> usize {
    use std::io::Read;
    let size = std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    let mut head = Vec::new();
    let sampled = std::fs::File::open(path)
        .and_then(|f| f.take(1 << 16).read_to_end(&mut head))
        .unwrap_or(0);
    let lines = head.iter().filter(|b| **b == b'\n').count();
    if lines == 0 || sampled == 0 {
        return 0;
    }
    (size / sampled.div_ceil(lines)) + size / sampled.div_ceil(lines) / 20
}

/// Calls `each` with every non-blank line after the header and its 1-based number; stops with
/// `None` as soon as `each` does, or when the header is not `header`, or on a read error or text
/// that is not UTF-8.
fn for_lines(
    path: &Path,
    header: &[&str],
    mut each: impl FnMut(u32, &str) -> Option<()>,
) -> Option<()> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut number = 0u32;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).ok()? == 0 {
            return Some(());
        }
        number += 1;
        let mut line = std::str::from_utf8(&buf).ok()?;
        line = line.strip_suffix('\n').unwrap_or(line);
        line = line.strip_suffix('\r').unwrap_or(line);
        if number == 1 {
            let line = line.strip_prefix('\u{FEFF}').unwrap_or(line);
            if !line.split('\t').eq(header.iter().copied()) {
                return None;
            }
        } else if !line.is_empty() {
            each(number, line)?;
        }
    }
}

/// The line's fields, when it has exactly `N`.
fn fields<const N: usize>(line: &str) -> Option<[&str; N]> {
    let mut out = [""; N];
    let mut parts = line.split('\t');
    for slot in &mut out {
        *slot = parts.next()?;
    }
    parts.next().is_none().then_some(out)
}

/// Values remembered by a pair of strings, found again without allocating.
struct Memo<V> {
    state: std::collections::hash_map::RandomState,
    map: HashMap<u64, Vec<(String, String, V)>>,
}

impl<V: Copy> Memo<V> {
    fn new() -> Memo<V> {
        Memo {
            state: std::collections::hash_map::RandomState::new(),
            map: HashMap::new(),
        }
    }

    fn get(&self, a: &str, b: &str) -> Option<V> {
        let h = std::hash::BuildHasher::hash_one(&self.state, (a, b));
        self.map
            .get(&h)?
            .iter()
            .find(|(x, y, _)| x == a && y == b)
            .map(|(_, _, v)| *v)
    }

    fn insert(&mut self, a: &str, b: &str, v: V) {
        let h = std::hash::BuildHasher::hash_one(&self.state, (a, b));
        self.map
            .entry(h)
            .or_default()
            .push((a.to_string(), b.to_string(), v));
    }
}

/// An id from a CURIE field: `MBCKG:` removed, unescaped.
fn local_id(field: &str) -> std::borrow::Cow<'_, str> {
    unescaped(field.strip_prefix(CURIE_PREFIX).unwrap_or(field))
}

/// The first item of a `|` list, without allocating for a plain one.
fn first_of_list(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains(['|', '\\']) {
        std::borrow::Cow::Owned(split_list(field).into_iter().next().unwrap_or_default())
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

fn read_nodes(path: &Path, file: &str, sink: &mut dyn GraphSink) -> Option<()> {
    // (mbckg_kind, category) → kind, for the few distinct pairs a graph has.
    let mut kinds: Memo<NodeKind> = Memo::new();
    let mut origin_file = String::new();
    for_lines(path, &NODE_COLUMNS, |number, line| {
        let [id, category, name, description, synonym, xref, kind, origin] = fields::<8>(line)?;
        let id = local_id(id);
        // Several categories are left to the full reader, which picks the most specific.
        if id.is_empty() || category.contains('|') || sink.find_node(&id).is_some() {
            return None;
        }
        let kind = match kinds.get(kind, category) {
            Some(k) => k,
            None => {
                let (raw, cat) = (unescaped(kind), first_of_list(category));
                let k = match (raw.is_empty(), cat.is_empty()) {
                    (false, _) => NodeKind::named(&raw)?,
                    (true, false) => lexicon::kind_of_biolink(&cat)?,
                    (true, true) => return None,
                };
                kinds.insert(kind, category, k);
                k
            }
        };
        let name = unescaped(name);
        if name.trim().is_empty() {
            return None;
        }
        let note = unescaped(description);
        let extra = NodeExtra {
            aliases: split_list(synonym),
            xrefs: split_list(xref),
            note: (!note.is_empty()).then(|| note.into_owned()),
        };
        let at = match parse_origin(&unescaped(origin)) {
            Some(o) => {
                origin_file = o.file;
                At {
                    file: &origin_file,
                    line: o.line,
                    col: o.col,
                }
            }
            None => At {
                file,
                line: number,
                col: 1,
            },
        };
        sink.add_node(&id, kind, &name, extra, at);
        Some(())
    })
}

/// What one edge line shares with others, parsed once per distinct text.
struct Shared {
    /// (predicate, mbckg_relation) → the relation they name before kinds are considered.
    relations: Memo<Relation>,
    /// (relation named, mbckg_relation empty, subject kind, object kind) → the relation the
    /// statement has, `None` when the kinds do not allow it.
    allowed: HashMap<(Relation, bool, NodeKind, NodeKind), Option<Relation>>,
    /// Raw `source\tsection\tevidence\tnote` → provenance id.
    provenance: HashMap<String, u32>,
    /// Raw qualifiers → qualifiers id.
    qualifiers: HashMap<String, u32>,
    /// Source id → (sections in order first seen, where the source was first cited).
    cited: BTreeMap<String, (Vec<String>, Origin)>,
}

fn read_edges(path: &Path, file: &str, sink: &mut dyn GraphSink) -> Option<Vec<Source>> {
    let mut shared = Shared {
        relations: Memo::new(),
        allowed: HashMap::new(),
        provenance: HashMap::new(),
        qualifiers: HashMap::new(),
        cited: BTreeMap::new(),
    };
    let mut origin_file = String::new();
    // Edges come grouped by subject: the last subject's field and node.
    let mut last: (String, u32, NodeKind) = (String::new(), 0, NodeKind::Drug);
    // subclass_of edges, to look for cycles once all are read (the full reader reports them).
    let mut subclass_of: Vec<(String, String, Origin)> = Vec::new();
    // (subject, any-of group, relation) → statements; a group of one is the full reader's error.
    let mut any_of: HashMap<(String, String, Relation), u32> = HashMap::new();
    for_lines(path, &EDGE_COLUMNS, |number, line| {
        let f = fields::<22>(line)?;
        let (s, sk) = if !last.0.is_empty() && last.0 == f[1] {
            (last.1, last.2)
        } else {
            let (s, sk) = sink.find_node(&local_id(f[1]))?;
            last = (f[1].to_string(), s, sk);
            (s, sk)
        };
        let (o, ok) = sink.find_node(&local_id(f[3]))?;
        // A negated edge without our relation is left to the full reader.
        let ours = f[8].strip_prefix(CURIE_PREFIX).unwrap_or("");
        if ours.is_empty() && !matches!(f[4], "" | "false" | "False") {
            return None;
        }
        // Several sources are left to the full reader, which takes the first.
        if f[7].contains('|') {
            return None;
        }
        let relation = relation(&mut shared, f[2], ours, sk, ok)?;
        // The origin column, or the statement's place in edges.tsv.
        let at = match parse_origin(&unescaped(f[21])) {
            Some(origin) => {
                origin_file = origin.file;
                At {
                    file: &origin_file,
                    line: origin.line,
                    col: origin.col,
                }
            }
            None => At {
                file,
                line: number,
                col: 1,
            },
        };
        // The source, and section, evidence and note (adjacent): one slice is their key.
        let span = |a: &str, b: &str| {
            let start = a.as_ptr() as usize - line.as_ptr() as usize;
            let end = b.as_ptr() as usize - line.as_ptr() as usize + b.len();
            &line[start..end]
        };
        let p = provenance(
            &mut shared,
            sink,
            span(f[7], f[11]),
            [f[7], f[9], f[10], f[11]],
            at,
        )?;
        let key = span(f[12], f[20]);
        let q = match shared.qualifiers.get(key) {
            Some(q) => *q,
            None => {
                let q = sink.qualifiers(qualifiers_from_columns(&f[12..21]).ok()?);
                shared.qualifiers.insert(key.to_string(), q);
                q
            }
        };
        if !f[20].is_empty() {
            // Any-of groups are checked across statements, once all are read.
            if !super::validate::ANY_OF_RELATIONS.contains(&relation) {
                return None;
            }
            let group = unescaped(f[20]).into_owned();
            *any_of
                .entry((local_id(f[1]).into_owned(), group, relation))
                .or_insert(0) += 1;
        }
        if relation == Relation::SubclassOf {
            let origin = Origin {
                file: at.file.to_string(),
                line: at.line,
                col: at.col,
            };
            subclass_of.push((
                local_id(f[1]).into_owned(),
                local_id(f[3]).into_owned(),
                origin,
            ));
        }
        sink.add_statement(s, relation, o, (p, q), at);
        Some(())
    })?;
    let mut cycles = Vec::new();
    super::validate::check_cycles(
        subclass_of
            .iter()
            .map(|(s, o, at)| (s.as_str(), o.as_str(), at)),
        &mut cycles,
    );
    if !cycles.is_empty() || any_of.values().any(|n| *n < 2) {
        return None;
    }
    Some(sources(shared.cited))
}

/// The relation of an edge, as the full reader decides it; `None` when it would be an error.
fn relation(
    shared: &mut Shared,
    predicate: &str,
    raw_rel: &str,
    sk: NodeKind,
    ok: NodeKind,
) -> Option<Relation> {
    let named = match shared.relations.get(predicate, raw_rel) {
        Some(r) => r,
        None => {
            let (p, r) = (unescaped(predicate), unescaped(raw_rel));
            let named = match (r.is_empty(), p.is_empty()) {
                (false, _) => Relation::named(&r)?,
                (true, false) => lexicon::relation_of_biolink(&p)?,
                (true, true) => return None,
            };
            shared.relations.insert(predicate, raw_rel, named);
            named
        }
    };
    let no_rel = raw_rel.is_empty();
    *shared
        .allowed
        .entry((named, no_rel, sk, ok))
        .or_insert_with(|| {
            // A Biolink predicate read as one of our relations stays its own relation when the
            // kinds it joins here are not ones ours joins.
            let relation = if no_rel && !lexicon::allows(named, sk, ok) {
                Relation::named(&unescaped(predicate)).unwrap_or(named)
            } else {
                named
            };
            lexicon::allows(relation, sk, ok).then_some(relation)
        })
}

/// The provenance id of an edge, parsing its fields only the first time their text is seen.
fn provenance(
    shared: &mut Shared,
    sink: &mut dyn GraphSink,
    key: &str,
    [source, section, evidence, note]: [&str; 4],
    at: At,
) -> Option<u32> {
    if let Some(p) = shared.provenance.get(key) {
        return Some(*p);
    }
    let raw_ev = unescaped(evidence);
    let evidence = if raw_ev.is_empty() {
        Evidence::Unspecified
    } else {
        Evidence::parse(&raw_ev)?
    };
    let source = match unescaped(source) {
        s if s.is_empty() => UNATTRIBUTED.to_string(),
        s => match s.strip_prefix(INFORES_PREFIX) {
            Some(ours) => ours.to_string(),
            None => s.into_owned(),
        },
    };
    let section = match unescaped(section) {
        s if s.is_empty() => "(whole source)".to_string(),
        s => s.into_owned(),
    };
    match shared.cited.get_mut(&source) {
        Some((sections, _)) => {
            if !sections.contains(&section) {
                sections.push(section.clone());
            }
        }
        None => {
            let origin = Origin {
                file: at.file.to_string(),
                line: at.line,
                col: at.col,
            };
            shared
                .cited
                .insert(source.clone(), (vec![section.clone()], origin));
        }
    }
    let p = sink.provenance(Provenance {
        source,
        section,
        evidence,
        note: unescaped(note).into_owned(),
    });
    shared.provenance.insert(key.to_string(), p);
    Some(p)
}

/// One source per cited id, titled with the id, listing its sections in the order first seen.
fn sources(cited: BTreeMap<String, (Vec<String>, Origin)>) -> Vec<Source> {
    cited
        .into_iter()
        .map(|(id, (sections, origin))| Source::cited(id, sections, origin))
        .collect()
}
