//! The native snapshot: the store as one versioned, checksummed binary file whose big columns
//! are read in place once the file is mapped into memory. Encoding and decoding only; `load`
//! maps the file and `app` writes it (this room does no I/O).
//!
//! Layout (all integers in the writer's byte order, which the header records):
//!
//! ```text
//! 0   magic "MBCKGSNP"            8 bytes
//! 8   byte-order mark 0x0A0B0C0D  u32
//! 12  format version              u32   (FORMAT_VERSION)
//! 16  section count               u32
//! 20  reserved, 0                 u32
//! 24  file length                 u64
//! 32  checksum of the table       u64   (CRC-32; each section's own is in the table)
//! 40  writer's mbckg version      24 bytes, UTF-8, zero padded
//! 64  section table: per section (id u32, element size u32, offset u64, length u64, CRC-32 u64)
//! ..  sections, each starting at a multiple of 8, zero padding between
//! ```
//!
//! Columns (`Col`) are sections of plain elements; a statement's place is its line in one
//! column and its file and column in another, of runs (first statement, file, column) that the
//! statements after a run's first share until the next run (a file's statements are one run),
//! kept after the metadata. A node's aliases, xrefs, note, accepted findings and own Biolink
//! category are string ids too, in two columns after that: five offsets an extra (a node's
//! index into them; 0 for none), and the ids. Everything small or irregular (kinds, relations,
//! provenances, qualifier sets, files, sources, the kind index's runs, the lexicon) is one
//! `META` section in a compact length-prefixed encoding, decoded into owned values. Opening
//! checks the header, the checksums, and then every index once (in range, offsets and runs
//! ascending, a note or category one string at most, string ends at character boundaries, text
//! UTF-8, sections apart and aligned), so the accessors can trust them: a file that passes
//! never makes a later lookup panic or read out of bounds. Each section is hashed and checked in
//! one pass, piece by piece while the piece is in the cache, the sections shared among the cores:
//! opening costs about one read of the file. What is not checked, being a matter of answers
//! rather than safety and guarded by the checksums against accident: that what should be sorted
//! (the id and label indexes, relation codes within a node's statements) is sorted, that the
//! node ranks give each node's place in name order, that the reverse index mirrors the
//! forward one, and that a node's own category is a Biolink class that fits its kind (the
//! loaders that made the store checked it).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::col::{bytes_of, Backing, Col, ColError, Plain};
use super::strings::Strings;
use super::{KnowledgeGraph, NodeIx, PlaceRun, Pos, EXTRA_LISTS, SINGLE_LISTS};
use crate::lexicon::Lexicon;
use crate::model::{
    Evidence, Frequency, Line, NodeKind, Origin, Provenance, Qualifiers, Relation, Section, Source,
};

/// The first bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"MBCKGSNP";
/// The layout this mbckg writes and reads; bumped whenever the layout or encoding changes.
pub const FORMAT_VERSION: u32 = 5;
const ORDER_MARK: u32 = 0x0A0B_0C0D;
const HEADER: usize = 64;
const ENTRY: usize = 32;

/// The sections, by id. Their order here is their order in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Part {
    Text = 1,
    Ends,
    NodeId,
    NodeName,
    NodeKey,
    NodeRank,
    NodeKind,
    NodeExtra,
    NodeOrigin,
    OutStart,
    StObject,
    StRelation,
    StFacet,
    StLine,
    InStart,
    InEdge,
    InSubject,
    Facets,
    ById,
    Labels,
    ByKind,
    Carried,
    Meta,
    StPlaces,
    ExtraStart,
    ExtraItems,
}

const SECTIONS: usize = 26;

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Text => "string text",
            Part::Ends => "string ends",
            Part::NodeId => "node ids",
            Part::NodeName => "node names",
            Part::NodeKey => "node sort keys",
            Part::NodeRank => "node ranks",
            Part::NodeKind => "node kinds",
            Part::NodeExtra => "node extras",
            Part::NodeOrigin => "node origins",
            Part::OutStart => "outgoing offsets",
            Part::StObject => "statement objects",
            Part::StRelation => "statement relations",
            Part::StFacet => "statement facets",
            Part::StLine => "statement lines",
            Part::InStart => "incoming offsets",
            Part::InEdge => "incoming statements",
            Part::InSubject => "incoming subjects",
            Part::Facets => "facets",
            Part::ById => "id index",
            Part::Labels => "label index",
            Part::ByKind => "kind index",
            Part::Carried => "carried fields",
            Part::Meta => "metadata",
            Part::StPlaces => "statement files and columns",
            Part::ExtraStart => "extras' offsets",
            Part::ExtraItems => "extras' strings",
        }
    }
}

/// Why bytes are not a snapshot this mbckg can open. The loader names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// The file does not begin with [`MAGIC`].
    NotSnapshot,
    /// Written on a machine of the other byte order.
    ByteOrder { big_endian: bool },
    /// Another format version.
    Version { found: u32, written_by: String },
    /// Shorter (or longer) than its header says.
    Length { expected: u64, actual: u64 },
    /// A checksum does not match: the file was damaged after it was written.
    Checksum {
        part: &'static str,
        expected: u64,
        actual: u64,
    },
    /// The checksum matches but the contents do not hold together.
    Inconsistent(String),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotSnapshot => f.write_str(
                "not an mbckg snapshot (it does not begin with the snapshot signature)",
            ),
            SnapshotError::ByteOrder { big_endian } => {
                let (file, here) = if *big_endian {
                    ("big", "little")
                } else {
                    ("little", "big")
                };
                write!(
                    f,
                    "a snapshot written on a {file}-endian machine; this one is {here}-endian and reads only its own byte order"
                )
            }
            SnapshotError::Version { found, written_by } => write!(
                f,
                "a snapshot of format version {found}{}; this mbckg ({}) reads version {FORMAT_VERSION}",
                if written_by.is_empty() {
                    String::new()
                } else {
                    format!(" (written by mbckg {written_by})")
                },
                env!("CARGO_PKG_VERSION"),
            ),
            SnapshotError::Length { expected, actual } => write!(
                f,
                "the snapshot is {actual} bytes but its header says {expected}: it was cut short or added to"
            ),
            SnapshotError::Checksum {
                part,
                expected,
                actual,
            } => write!(
                f,
                "the snapshot is damaged: the checksum of its {part} is {actual:08x}, the file says {expected:08x}"
            ),
            SnapshotError::Inconsistent(what) => write!(
                f,
                "the snapshot's checksum matches but its contents do not hold together: {what}"
            ),
        }
    }
}

impl SnapshotError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            SnapshotError::NotSnapshot => "--data takes a data folder (TOML or KGX) or a file written by `mbckg snapshot -o FILE`",
            SnapshotError::Length { .. } => "an interrupted copy? copy it again, or re-create it with `mbckg --data SOURCE snapshot -o FILE`",
            _ => "re-create it from its source with `mbckg --data SOURCE snapshot -o FILE`",
        }
    }
}

impl std::error::Error for SnapshotError {}

fn bad(what: impl Into<String>) -> SnapshotError {
    SnapshotError::Inconsistent(what.into())
}

/// The checksum of a section or of the section table: CRC-32 (IEEE), which the `crc32fast`
/// crate computes at memory speed with the processor's carry-less multiply; stored widened to
/// 64 bits.
fn crc32(bytes: &[u8]) -> u64 {
    u64::from(crc32fast::hash(bytes))
}

/// Whether `bytes` (the start of a file) begin as a snapshot does.
pub fn has_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// A snapshot ready to be written: its pieces in order, borrowing the store's columns.
pub struct Encoded<'g> {
    pub pieces: Vec<Cow<'g, [u8]>>,
}

impl Encoded<'_> {
    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        self.pieces.iter().map(|p| p.len() as u64).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// Lays `g` out as a snapshot (see the module). Nothing is copied but the small parts.
pub fn encode(g: &KnowledgeGraph) -> Encoded<'_> {
    let (text, ends) = g.strings.parts();
    let by_kind: Vec<u32> = g
        .by_kind
        .iter()
        .flat_map(|(_, v)| v.iter().map(|n| n.index() as u32))
        .collect();
    let mut sections: Vec<(Part, usize, Cow<'_, [u8]>)> = vec![
        col(Part::Text, text),
        col(Part::Ends, ends),
        col(Part::NodeId, &g.node_id),
        col(Part::NodeName, &g.node_name),
        col(Part::NodeKey, &g.node_key),
        col(Part::NodeRank, &g.node_rank),
        col(Part::NodeKind, &g.node_kind),
        col(Part::NodeExtra, &g.node_extra),
        col(Part::NodeOrigin, &g.node_origin),
        col(Part::OutStart, &g.out_start),
        col(Part::StObject, &g.st_object),
        col(Part::StRelation, &g.st_relation),
        col(Part::StFacet, &g.st_facet),
        col(Part::StLine, &g.st_line),
        col(Part::InStart, &g.in_start),
        col(Part::InEdge, &g.in_edge),
        col(Part::InSubject, &g.in_subject),
        col(Part::Facets, &g.facets),
        col(Part::ById, &g.by_id),
        col(Part::Labels, &g.labels),
    ];
    sections.push((Part::ByKind, 4, Cow::Owned(bytes_of(&by_kind).to_vec())));
    sections.push(col(Part::Carried, &g.carried));
    sections.push((Part::Meta, 1, Cow::Owned(meta(g))));
    sections.push(col(Part::StPlaces, &g.st_places));
    sections.push(col(Part::ExtraStart, &g.extra_start));
    sections.push(col(Part::ExtraItems, &g.extra_items));
    debug_assert_eq!(sections.len(), SECTIONS);

    let mut table = Vec::with_capacity(sections.len() * ENTRY);
    let mut offset = (HEADER + sections.len() * ENTRY) as u64;
    let mut body: Vec<Cow<'_, [u8]>> = Vec::with_capacity(2 * sections.len());
    for (id, size, bytes) in sections {
        let pad = offset.next_multiple_of(8) - offset;
        if pad > 0 {
            body.push(Cow::Owned(vec![0u8; pad as usize]));
            offset += pad;
        }
        table.extend_from_slice(&(id as u32).to_ne_bytes());
        table.extend_from_slice(&(size as u32).to_ne_bytes());
        table.extend_from_slice(&offset.to_ne_bytes());
        table.extend_from_slice(&(bytes.len() as u64).to_ne_bytes());
        table.extend_from_slice(&crc32(&bytes).to_ne_bytes());
        offset += bytes.len() as u64;
        body.push(bytes);
    }
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(&MAGIC);
    header.extend_from_slice(&ORDER_MARK.to_ne_bytes());
    header.extend_from_slice(&FORMAT_VERSION.to_ne_bytes());
    header.extend_from_slice(&(SECTIONS as u32).to_ne_bytes());
    header.extend_from_slice(&0u32.to_ne_bytes());
    header.extend_from_slice(&offset.to_ne_bytes());
    header.extend_from_slice(&crc32(&table).to_ne_bytes());
    let mut version = [0u8; 24];
    let v = env!("CARGO_PKG_VERSION").as_bytes();
    version[..v.len().min(24)].copy_from_slice(&v[..v.len().min(24)]);
    header.extend_from_slice(&version);
    debug_assert_eq!(header.len(), HEADER);
    let mut pieces = vec![Cow::Owned(header), Cow::Owned(table)];
    pieces.extend(body);
    Encoded { pieces }
}

fn col<T: Plain>(id: Part, c: &Col<T>) -> (Part, usize, Cow<'_, [u8]>) {
    (id, std::mem::size_of::<T>(), Cow::Borrowed(c.as_bytes()))
}

/// Opens the snapshot in `bytes` (a mapped file, or any buffer starting 8-byte aligned): checks
/// it whole (see the module) and reads its columns in place.
pub fn decode(bytes: Arc<dyn Backing>) -> Result<KnowledgeGraph, SnapshotError> {
    let all = bytes.bytes();
    if !has_magic(all) {
        return Err(SnapshotError::NotSnapshot);
    }
    if all.len() < HEADER {
        return Err(SnapshotError::Length {
            expected: HEADER as u64,
            actual: all.len() as u64,
        });
    }
    let u32_at = |at: usize| u32::from_ne_bytes(all[at..at + 4].try_into().unwrap_or([0; 4]));
    let u64_at = |at: usize| u64::from_ne_bytes(all[at..at + 8].try_into().unwrap_or([0; 8]));
    let mark = u32_at(8);
    if mark != ORDER_MARK {
        if mark.swap_bytes() == ORDER_MARK {
            return Err(SnapshotError::ByteOrder {
                big_endian: cfg!(target_endian = "little"),
            });
        }
        return Err(bad("its byte-order mark is neither order's"));
    }
    let version = u32_at(12);
    if version != FORMAT_VERSION {
        let v = &all[40..64];
        let written_by = std::str::from_utf8(&v[..v.iter().position(|b| *b == 0).unwrap_or(24)])
            .unwrap_or("")
            .to_string();
        return Err(SnapshotError::Version {
            found: version,
            written_by,
        });
    }
    let length = u64_at(24);
    if length != all.len() as u64 {
        return Err(SnapshotError::Length {
            expected: length,
            actual: all.len() as u64,
        });
    }
    let count = u32_at(16) as usize;
    let table = all
        .get(HEADER..HEADER + count.min(SECTIONS + 1) * ENTRY)
        .ok_or_else(|| bad("the section table runs past the end"))?;
    let (expected, actual) = (u64_at(32), crc32(table));
    if actual != expected {
        return Err(SnapshotError::Checksum {
            part: "section table",
            expected,
            actual,
        });
    }
    if count != SECTIONS {
        return Err(bad(format!("{count} sections, not {SECTIONS}")));
    }
    let mut spans = Vec::with_capacity(count);
    let mut end = (HEADER + count * ENTRY) as u64;
    for (i, e) in table.chunks_exact(ENTRY).enumerate() {
        let word = |at: usize| u64::from_ne_bytes(e[at..at + 8].try_into().unwrap_or([0; 8]));
        let id = u32::from_ne_bytes(e[0..4].try_into().unwrap_or([0; 4]));
        let size = u32::from_ne_bytes(e[4..8].try_into().unwrap_or([0; 4]));
        let (offset, len, digest) = (word(8), word(16), word(24));
        if id as usize != i + 1 {
            return Err(bad(format!("section {} has id {id}", i + 1)));
        }
        if offset % 8 != 0 {
            return Err(bad(format!(
                "section {id} starts at {offset}, not a multiple of 8"
            )));
        }
        // In order, apart, and inside the file: no byte is read as two things.
        if offset < end || offset.checked_add(len).is_none_or(|e| e > length) {
            return Err(bad(format!(
                "section {id} ({offset}, {len} bytes) overlaps the one before or runs past the end"
            )));
        }
        end = offset + len;
        spans.push(Span {
            size,
            offset,
            len,
            digest,
        });
    }
    let sec = Sections {
        owner: &bytes,
        spans,
    };
    let cols = Columns::read(&sec)?;
    let (n, m) = (cols.node_id.len(), cols.st_object.len());
    for (what, len, expected) in [
        ("node names", cols.node_name.len(), n),
        ("node sort keys", cols.node_key.len(), n),
        ("node ranks", cols.node_rank.len(), n),
        ("node kinds", cols.node_kind.len(), n),
        ("node extras", cols.node_extra.len(), n),
        ("node origins", cols.node_origin.len(), n),
        ("outgoing offsets", cols.out_start.len(), n + 1),
        ("incoming offsets", cols.in_start.len(), n + 1),
        ("statement relations", cols.st_relation.len(), m),
        ("statement facets", cols.st_facet.len(), m),
        ("statement lines", cols.st_line.len(), m),
        ("incoming statements", cols.in_edge.len(), m),
        ("incoming subjects", cols.in_subject.len(), m),
        ("id index entries", cols.by_id.len(), n),
    ] {
        if len != expected {
            return Err(bad(format!("{len} {what} for {expected}")));
        }
    }
    if cols.extra_start.len() % EXTRA_LISTS != 1 {
        return Err(bad(format!(
            "{} extras' offsets, not {EXTRA_LISTS} an extra and one",
            cols.extra_start.len()
        )));
    }
    let meta_bytes: Col<u8> = sec.col(Part::Meta)?;
    // A small file is checked sooner than a thread starts.
    let threads = if all.len() < 8 << 20 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |t| t.get().min(4))
    };
    let meta = scan_all(&sec, &cols, &meta_bytes, threads)?;
    let rels = meta.relations.len();
    if meta.relations.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bad("the relations are not in ascending order"));
    }
    if cols.carried.len() != rels {
        return Err(bad(format!(
            "{} carried-field masks for {rels} relations",
            cols.carried.len()
        )));
    }
    // SAFETY: `scan_all` checked that the text is UTF-8 (the `Text` rule).
    let strings = unsafe { Strings::from_utf8_parts(cols.text, cols.ends) };
    let by_kind = by_kind(n, &cols.by_kind, meta.by_kind)?;
    let kinds = by_kind.len();
    Ok(KnowledgeGraph {
        strings,
        node_id: cols.node_id,
        node_name: cols.node_name,
        node_key: cols.node_key,
        node_rank: cols.node_rank,
        node_kind: cols.node_kind,
        kinds: meta.kinds,
        node_extra: cols.node_extra,
        node_origin: cols.node_origin,
        extra_start: cols.extra_start,
        extra_items: cols.extra_items,
        out_start: cols.out_start,
        st_object: cols.st_object,
        st_relation: cols.st_relation,
        st_facet: cols.st_facet,
        st_line: cols.st_line,
        st_places: cols.st_places,
        in_start: cols.in_start,
        in_edge: cols.in_edge,
        in_subject: cols.in_subject,
        builtin_codes: super::builtin_codes(&meta.relations),
        relations: meta.relations,
        facets: cols.facets,
        provenances: meta.provenances,
        qualifiers: meta.qualifiers,
        files: meta.files,
        sources: meta.sources,
        by_id: cols.by_id,
        labels: cols.labels,
        by_kind,
        max_label_words: meta.max_label_words,
        imported_links: meta.imported_links,
        carried: cols.carried,
        lexicon: Lexicon::new(meta.lexicon_kinds, meta.lexicon_relations),
        kind_bits: super::unmade_kind_bits(kinds),
        any_of_groups: std::sync::OnceLock::new(),
    })
}

/// Where a section lies and what its bytes hash to.
#[derive(Clone, Copy)]
struct Span {
    size: u32,
    offset: u64,
    len: u64,
    digest: u64,
}

struct Sections<'a> {
    owner: &'a Arc<dyn Backing>,
    /// By id - 1.
    spans: Vec<Span>,
}

impl Sections<'_> {
    fn span(&self, id: Part) -> Span {
        self.spans[id as usize - 1]
    }

    fn col<T: Plain>(&self, id: Part) -> Result<Col<T>, SnapshotError> {
        let Span {
            size, offset, len, ..
        } = self.span(id);
        if size as usize != std::mem::size_of::<T>() {
            return Err(bad(format!(
                "the {} have elements of {size} bytes, not {}",
                id.name(),
                std::mem::size_of::<T>()
            )));
        }
        let (Ok(start), Ok(len)) = (usize::try_from(offset), usize::try_from(len)) else {
            return Err(bad(format!("the {} lie past the end", id.name())));
        };
        Col::shared(self.owner, start, len).map_err(|e| {
            bad(match e {
                ColError::OutOfBounds => format!("the {} lie past the end", id.name()),
                ColError::Misaligned => format!("the {} are misaligned", id.name()),
                ColError::Ragged => format!("the {} are not whole elements", id.name()),
            })
        })
    }
}

/// The columns of a snapshot, in place, before their contents are checked.
struct Columns {
    text: Col<u8>,
    ends: Col<u32>,
    node_id: Col<u32>,
    node_name: Col<u32>,
    node_key: Col<u32>,
    node_rank: Col<u32>,
    node_kind: Col<u32>,
    node_extra: Col<u32>,
    node_origin: Col<Pos>,
    extra_start: Col<u32>,
    extra_items: Col<u32>,
    out_start: Col<u32>,
    st_object: Col<u32>,
    st_relation: Col<u16>,
    st_facet: Col<u32>,
    st_line: Col<u32>,
    st_places: Col<PlaceRun>,
    in_start: Col<u32>,
    in_edge: Col<u32>,
    in_subject: Col<u32>,
    facets: Col<[u32; 2]>,
    by_id: Col<u32>,
    labels: Col<[u32; 2]>,
    by_kind: Col<u32>,
    carried: Col<u16>,
}

impl Columns {
    fn read(sec: &Sections<'_>) -> Result<Columns, SnapshotError> {
        Ok(Columns {
            text: sec.col(Part::Text)?,
            ends: sec.col(Part::Ends)?,
            node_id: sec.col(Part::NodeId)?,
            node_name: sec.col(Part::NodeName)?,
            node_key: sec.col(Part::NodeKey)?,
            node_rank: sec.col(Part::NodeRank)?,
            node_kind: sec.col(Part::NodeKind)?,
            node_extra: sec.col(Part::NodeExtra)?,
            node_origin: sec.col(Part::NodeOrigin)?,
            extra_start: sec.col(Part::ExtraStart)?,
            extra_items: sec.col(Part::ExtraItems)?,
            out_start: sec.col(Part::OutStart)?,
            st_object: sec.col(Part::StObject)?,
            st_relation: sec.col(Part::StRelation)?,
            st_facet: sec.col(Part::StFacet)?,
            st_line: sec.col(Part::StLine)?,
            st_places: sec.col(Part::StPlaces)?,
            in_start: sec.col(Part::InStart)?,
            in_edge: sec.col(Part::InEdge)?,
            in_subject: sec.col(Part::InSubject)?,
            facets: sec.col(Part::Facets)?,
            by_id: sec.col(Part::ById)?,
            labels: sec.col(Part::Labels)?,
            by_kind: sec.col(Part::ByKind)?,
            carried: sec.col(Part::Carried)?,
        })
    }
}

/// What the values of one column must satisfy.
enum Rule<'a> {
    /// Anything (origins, masks).
    Any,
    /// Each value below a limit (ids into another column).
    Below(&'a [u32], usize),
    /// Each relation code below a limit.
    Codes(&'a [u16], usize),
    /// Each pair's members below their limits.
    Pairs(&'a [[u32; 2]], usize, usize),
    /// Runs of statements' places: first statements ascending, the first 0, each below the
    /// count of statements (none when there are none).
    Runs(&'a [PlaceRun], usize),
    /// Ascending, from 0 to a total.
    Offsets(&'a [u32], usize),
    /// The extras' offsets: as `Offsets`, and each extra's note and category one string at
    /// most.
    ExtraOffsets(&'a [u32], usize),
    /// UTF-8.
    Text(&'a [u8]),
    /// Ascending string ends, each at a character boundary of the text (or its end).
    Ends(&'a [u32], &'a [u8]),
}

/// One section to hash and check.
struct Job<'a> {
    part: Part,
    digest: u64,
    bytes: &'a [u8],
    rule: Rule<'a>,
}

/// Hashes and checks in pieces this big, so each piece is checked while it is in the cache.
const PIECE: usize = 64 * 1024;

impl Job<'_> {
    /// Hashes the section and checks its values in one pass; a wrong checksum is reported
    /// before wrong values (damage explains them).
    fn run(&self) -> Result<(), SnapshotError> {
        let mut hasher = crc32fast::Hasher::new();
        let mut first_bad: Option<SnapshotError> = None;
        let name = self.part.name();
        let mut check = |at: usize, ok: Result<(), String>| {
            if let (Err(what), None) = (ok, &first_bad) {
                first_bad = Some(bad(format!("{name}, at {at}: {what}")));
            }
        };
        match &self.rule {
            Rule::Any => hasher.update(self.bytes),
            Rule::Below(v, limit) => {
                let lim = u32::try_from(*limit).unwrap_or(u32::MAX);
                let all = *limit > u32::MAX as usize;
                for (k, c) in v.chunks(PIECE / 4).enumerate() {
                    hasher.update(bytes_of(c));
                    if !all && !c.iter().fold(true, |ok, x| ok & (*x < lim)) {
                        let i = c.iter().position(|x| *x >= lim).unwrap_or(0);
                        check(
                            k * PIECE / 4 + i,
                            Err(format!("{} is past the {limit} there are", c[i])),
                        );
                    }
                }
            }
            Rule::Codes(v, limit) => {
                let lim = u16::try_from(*limit).unwrap_or(u16::MAX);
                let all = *limit > u16::MAX as usize;
                for (k, c) in v.chunks(PIECE / 2).enumerate() {
                    hasher.update(bytes_of(c));
                    let base = k * PIECE / 2;
                    if !all && !c.iter().fold(true, |ok, x| ok & (*x < lim)) {
                        let i = c.iter().position(|x| *x >= lim).unwrap_or(0);
                        check(
                            base + i,
                            Err(format!(
                                "relation code {} is past the {limit} relations",
                                c[i]
                            )),
                        );
                    }
                }
            }
            Rule::Pairs(v, a, b) => {
                let (la, lb) = (
                    u32::try_from(*a).unwrap_or(u32::MAX),
                    u32::try_from(*b).unwrap_or(u32::MAX),
                );
                for (k, c) in v.chunks(PIECE / 8).enumerate() {
                    hasher.update(bytes_of(c));
                    let fine = |p: &[u32; 2]| {
                        (p[0] < la || *a > la as usize) & (p[1] < lb || *b > lb as usize)
                    };
                    if !c.iter().fold(true, |ok, p| ok & fine(p)) {
                        let i = c.iter().position(|p| !fine(p)).unwrap_or(0);
                        check(
                            k * PIECE / 8 + i,
                            Err(format!("{:?} is past the {a} and {b} there are", c[i])),
                        );
                    }
                }
            }
            Rule::Runs(v, total) => {
                hasher.update(bytes_of(v));
                if let Some(first) = v.first().filter(|r| r.first != 0) {
                    check(0, Err(format!("the first run starts at {}", first.first)));
                }
                let up = |i: usize| v[i].first > v[i - 1].first;
                if let Some(i) = (1..v.len()).find(|i| !up(*i)) {
                    check(i, Err("the runs do not start in ascending order".into()));
                }
                if let Some(last) = v.last().filter(|r| r.first as usize >= *total) {
                    check(
                        v.len() - 1,
                        Err(format!(
                            "a run starts at {}, past the {total} statements",
                            last.first
                        )),
                    );
                }
            }
            Rule::Offsets(v, total) | Rule::ExtraOffsets(v, total) => {
                let extras = matches!(self.rule, Rule::ExtraOffsets(..));
                let mut prev = 0u32;
                for (k, c) in v.chunks(PIECE / 4).enumerate() {
                    hasher.update(bytes_of(c));
                    let up =
                        c.first().is_none_or(|x| *x >= prev) && c.windows(2).all(|w| w[0] <= w[1]);
                    if !up {
                        check(k * PIECE / 4, Err("the offsets go down".into()));
                    }
                    if let Some((at, n)) = extras
                        .then(|| overlong_single(v, k * PIECE / 4..k * PIECE / 4 + c.len()))
                        .flatten()
                    {
                        check(
                            at,
                            Err(format!(
                                "an extra's note or category is {n} strings, not one at most"
                            )),
                        );
                    }
                    prev = c.last().copied().unwrap_or(prev);
                }
                if v.first().is_some_and(|x| *x != 0)
                    || v.last().map(|x| *x as usize) != Some(*total)
                {
                    check(0, Err(format!("the offsets do not run from 0 to {total}")));
                }
            }
            Rule::Text(t) => {
                // Checked in pieces: a character cut by a piece's end is checked with the next.
                let mut from = 0;
                for (k, c) in t.chunks(PIECE).enumerate() {
                    hasher.update(c);
                    let to = k * PIECE + c.len();
                    match std::str::from_utf8(&t[from..to]) {
                        Ok(_) => from = to,
                        Err(e) if e.error_len().is_none() && to < t.len() => {
                            from += e.valid_up_to()
                        }
                        Err(e) => {
                            check(from + e.valid_up_to(), Err("not UTF-8".into()));
                            from = to;
                        }
                    }
                }
            }
            Rule::Ends(v, text) => {
                let mut prev = 0u32;
                let boundary = |e: u32| match text.get(e as usize) {
                    Some(b) => (b & 0xC0) != 0x80,
                    None => e as usize == text.len(),
                };
                for (k, c) in v.chunks(PIECE / 4).enumerate() {
                    hasher.update(bytes_of(c));
                    for (i, e) in c.iter().enumerate() {
                        if *e < prev || !boundary(*e) {
                            check(
                                k * PIECE / 4 + i,
                                Err(format!("a string ends at {e}, not after {prev} at a character boundary within the {} bytes of text", text.len())),
                            );
                        }
                        prev = *e;
                    }
                }
            }
        }
        let actual = u64::from(hasher.finalize());
        if actual != self.digest {
            return Err(SnapshotError::Checksum {
                part: name,
                expected: self.digest,
                actual,
            });
        }
        match first_bad {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The first list among the extras' offsets `v[range]` that holds one string at most (a note,
/// a category: see `SINGLE_LISTS`) but holds more: where its offsets are, and how many it holds.
fn overlong_single(v: &[u32], range: std::ops::Range<usize>) -> Option<(usize, u32)> {
    let extras = range.start / EXTRA_LISTS..range.end.div_ceil(EXTRA_LISTS);
    extras
        .flat_map(|x| SINGLE_LISTS.map(|k| x * EXTRA_LISTS + k))
        .filter(|i| range.contains(i))
        .find_map(|i| {
            let n = v.get(i + 1)?.saturating_sub(v[i]);
            (n > 1).then_some((i, n))
        })
}

/// Hashes and checks every section, the big ones shared among `threads` threads while this one
/// reads the metadata (and then the columns whose limits it gives); returns the metadata.
fn scan_all(
    sec: &Sections<'_>,
    c: &Columns,
    meta_bytes: &[u8],
    threads: usize,
) -> Result<Meta, SnapshotError> {
    let (n, m, strings) = (c.node_id.len(), c.st_object.len(), c.ends.len());
    let bytes = |part: Part| {
        let s = sec.span(part);
        &sec.owner.bytes()[s.offset as usize..(s.offset + s.len) as usize]
    };
    let make = |part: Part, rule| Job {
        part,
        digest: sec.span(part).digest,
        bytes: bytes(part),
        rule,
    };
    // Biggest first, so the threads finish together.
    let free = vec![
        make(Part::StLine, Rule::Any),
        make(Part::StPlaces, Rule::Runs(&c.st_places, m)),
        make(Part::StObject, Rule::Below(&c.st_object, n)),
        make(Part::InEdge, Rule::Below(&c.in_edge, m)),
        make(Part::InSubject, Rule::Below(&c.in_subject, n)),
        make(Part::StFacet, Rule::Below(&c.st_facet, c.facets.len())),
        make(Part::Text, Rule::Text(&c.text)),
        make(Part::NodeOrigin, Rule::Any),
        make(Part::Labels, Rule::Pairs(&c.labels, strings, n)),
        make(Part::Ends, Rule::Ends(&c.ends, &c.text)),
        make(Part::NodeId, Rule::Below(&c.node_id, strings)),
        make(Part::NodeName, Rule::Below(&c.node_name, strings)),
        make(Part::NodeKey, Rule::Below(&c.node_key, strings)),
        make(Part::NodeRank, Rule::Below(&c.node_rank, n)),
        make(Part::OutStart, Rule::Offsets(&c.out_start, m)),
        make(Part::InStart, Rule::Offsets(&c.in_start, m)),
        make(Part::ById, Rule::Below(&c.by_id, n)),
        make(Part::ByKind, Rule::Below(&c.by_kind, n)),
        make(Part::Carried, Rule::Any),
        make(
            Part::NodeExtra,
            Rule::Below(
                &c.node_extra,
                (c.extra_start.len().saturating_sub(1)) / EXTRA_LISTS,
            ),
        ),
        make(
            Part::ExtraStart,
            Rule::ExtraOffsets(&c.extra_start, c.extra_items.len()),
        ),
        make(Part::ExtraItems, Rule::Below(&c.extra_items, strings)),
    ];
    let next = std::sync::atomic::AtomicUsize::new(0);
    let take_free = || -> Vec<Result<(), SnapshotError>> {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match free.get(i) {
                Some(j) => out.push(j.run()),
                None => return out,
            }
        }
    };
    let (meta, results) = std::thread::scope(|s| {
        let workers: Vec<_> = (1..threads.max(1)).map(|_| s.spawn(take_free)).collect();
        let meta = (|| {
            let mut h = crc32fast::Hasher::new();
            h.update(meta_bytes);
            let (expected, actual) = (sec.span(Part::Meta).digest, u64::from(h.finalize()));
            if actual != expected {
                return Err(SnapshotError::Checksum {
                    part: Part::Meta.name(),
                    expected,
                    actual,
                });
            }
            Meta::read(meta_bytes)
        })();
        let mut results = Vec::new();
        if let Ok(meta) = &meta {
            let q = meta.qualifiers.len();
            for j in [
                make(
                    Part::StRelation,
                    Rule::Codes(&c.st_relation, meta.relations.len()),
                ),
                make(Part::NodeKind, Rule::Below(&c.node_kind, meta.kinds.len())),
                make(
                    Part::Facets,
                    Rule::Pairs(&c.facets, meta.provenances.len(), q),
                ),
            ] {
                results.push(j.run());
            }
        }
        results.extend(take_free());
        for w in workers {
            match w.join() {
                Ok(r) => results.extend(r),
                Err(_) => results.push(Err(bad("a checking thread failed"))),
            }
        }
        (meta, results)
    });
    let meta = meta?;
    // Damage first: a wrong checksum explains wrong values.
    let mut first = None;
    for e in results.into_iter().filter_map(Result::err) {
        if matches!(e, SnapshotError::Checksum { .. }) {
            return Err(e);
        }
        first.get_or_insert(e);
    }
    match first {
        Some(e) => Err(e),
        None => Ok(meta),
    }
}

fn by_kind(
    n: usize,
    nodes: &[u32],
    runs: Vec<(NodeKind, u32)>,
) -> Result<Vec<(NodeKind, Vec<NodeIx>)>, SnapshotError> {
    let mut out = Vec::with_capacity(runs.len());
    let mut at = 0usize;
    for (kind, len) in runs {
        let end = at
            .checked_add(len as usize)
            .filter(|e| *e <= nodes.len())
            .ok_or_else(|| bad("the kind index's runs are longer than its nodes"))?;
        out.push((
            kind,
            nodes[at..end]
                .iter()
                .map(|x| NodeIx::new(*x as usize))
                .collect(),
        ));
        at = end;
    }
    if at != nodes.len() {
        return Err(bad("the kind index's runs are shorter than its nodes"));
    }
    debug_assert!(nodes.iter().all(|x| (*x as usize) < n));
    Ok(out)
}

/// The small parts, decoded.
struct Meta {
    kinds: Vec<NodeKind>,
    relations: Vec<Relation>,
    provenances: Vec<Provenance>,
    qualifiers: Vec<Qualifiers>,
    files: Vec<String>,
    sources: Vec<Source>,
    by_kind: Vec<(NodeKind, u32)>,
    max_label_words: usize,
    imported_links: Vec<(NodeKind, Relation, NodeKind)>,
    lexicon_kinds: Vec<NodeKind>,
    lexicon_relations: Vec<Relation>,
}

/// Tag of a kind or relation an imported graph brought (then its name follows); ours are
/// their index in `ALL`.
const OTHER: u8 = 255;

/// Items of a decoded list room is reserved for before they are read (see `Reader::list`).
const RESERVED_ITEMS: usize = 4096;

fn meta(g: &KnowledgeGraph) -> Vec<u8> {
    let mut w = Writer::default();
    w.list(&g.kinds, |w, k| w.kind(*k));
    w.list(&g.relations, |w, r| w.relation(*r));
    w.list(&g.provenances, |w, p| {
        w.str(&p.source);
        w.str(&p.section);
        w.u8(Evidence::ALL
            .iter()
            .position(|e| *e == p.evidence)
            .unwrap_or(0) as u8);
        w.str(&p.note);
    });
    w.list(&g.qualifiers, |w, q| {
        w.u8(q
            .line
            .and_then(|l| Line::ALL.iter().position(|x| *x == l))
            .map_or(0, |i| i as u8 + 1));
        w.u8(q
            .frequency
            .and_then(|f| Frequency::ALL.iter().position(|x| *x == f))
            .map_or(0, |i| i as u8 + 1));
        w.opt(&q.risk);
        w.list(&q.population, |w, s| w.str(s));
        w.list(&q.with, |w, s| w.str(s));
        w.opt(&q.schedule);
        match q.min_count {
            Some(c) => {
                w.u8(1);
                w.u32(c);
            }
            None => w.u8(0),
        }
        w.opt(&q.condition);
        w.opt(&q.any_of);
    });
    w.list(&g.files, |w, f| w.str(f));
    w.list(&g.sources, |w, s| {
        w.str(&s.id);
        w.str(&s.title);
        w.opt(&s.publisher);
        w.opt(&s.approved);
        w.opt(&s.url);
        w.list(&s.sections, |w, sec| {
            w.str(&sec.heading);
            w.opt(&sec.updated);
        });
        w.str(&s.origin.file);
        w.u32(s.origin.line);
        w.u32(s.origin.col);
    });
    w.list(&g.by_kind, |w, (k, v)| {
        w.kind(*k);
        w.u32(v.len() as u32);
    });
    w.u64(g.max_label_words as u64);
    w.list(&g.imported_links, |w, (s, r, o)| {
        w.kind(*s);
        w.relation(*r);
        w.kind(*o);
    });
    let kinds: Vec<NodeKind> = g.lexicon.imported_kinds().collect();
    let relations: Vec<Relation> = g.lexicon.imported_relations().collect();
    w.list(&kinds, |w, k| w.kind(*k));
    w.list(&relations, |w, r| w.relation(*r));
    w.0
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_ne_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_ne_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt(&mut self, s: &Option<String>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
        self.u32(items.len() as u32);
        for i in items {
            each(self, i);
        }
    }
    fn kind(&mut self, k: NodeKind) {
        match NodeKind::ALL.iter().position(|x| *x == k) {
            Some(i) => self.u8(i as u8),
            None => {
                self.u8(OTHER);
                self.str(k.as_str());
            }
        }
    }
    fn relation(&mut self, r: Relation) {
        match Relation::ALL.iter().position(|x| *x == r) {
            Some(i) => self.u8(i as u8),
            None => {
                self.u8(OTHER);
                self.str(r.as_str());
            }
        }
    }
}

/// Reads what [`Writer`] wrote; running out or a bad value is an error naming the part.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    part: &'static str,
}

impl<'a> Reader<'a> {
    fn fail(&self, what: &str) -> SnapshotError {
        bad(format!(
            "metadata, {}: {what} at byte {}",
            self.part, self.at
        ))
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.at..end];
                self.at = end;
                Ok(s)
            }
            None => Err(self.fail("runs past the end")),
        }
    }
    fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, SnapshotError> {
        Ok(u32::from_ne_bytes(
            self.take(4)?.try_into().unwrap_or([0; 4]),
        ))
    }
    fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_ne_bytes(
            self.take(8)?.try_into().unwrap_or([0; 8]),
        ))
    }
    fn str(&mut self) -> Result<String, SnapshotError> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err(self.fail("a string that is not UTF-8")),
        }
    }
    fn flag(&mut self) -> Result<bool, SnapshotError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.fail("a flag that is neither 0 nor 1")),
        }
    }
    fn opt(&mut self) -> Result<Option<String>, SnapshotError> {
        if self.flag()? {
            self.str().map(Some)
        } else {
            Ok(None)
        }
    }
    /// A count of items, each at least `min` bytes: a count the rest cannot hold is refused
    /// before anything is allocated for it.
    fn count(&mut self, min: usize) -> Result<usize, SnapshotError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min) > self.bytes.len() - self.at {
            return Err(self.fail("a count larger than the bytes left"));
        }
        Ok(n)
    }
    fn list<T>(
        &mut self,
        min: usize,
        mut each: impl FnMut(&mut Reader<'a>) -> Result<T, SnapshotError>,
    ) -> Result<Vec<T>, SnapshotError> {
        let n = self.count(min)?;
        // A count is believed only as far as the bytes left could hold it at `min` bytes an
        // item, but an item in memory is larger than that: room is reserved for at most
        // `RESERVED_ITEMS` up front and grows with what is really read, so a hostile count
        // cannot ask for gigabytes before the first item fails to read.
        let mut out = Vec::with_capacity(n.min(RESERVED_ITEMS));
        for _ in 0..n {
            out.push(each(self)?);
        }
        Ok(out)
    }
    fn strs(&mut self) -> Result<Vec<String>, SnapshotError> {
        self.list(4, Reader::str)
    }
    fn kind(&mut self) -> Result<NodeKind, SnapshotError> {
        match self.u8()? {
            OTHER => {
                let name = self.str()?;
                NodeKind::named(&name).ok_or_else(|| self.fail("a kind name too long"))
            }
            i => NodeKind::ALL
                .get(usize::from(i))
                .copied()
                .ok_or_else(|| self.fail("an unknown kind")),
        }
    }
    fn relation(&mut self) -> Result<Relation, SnapshotError> {
        match self.u8()? {
            OTHER => {
                let name = self.str()?;
                Relation::named(&name).ok_or_else(|| self.fail("a relation name too long"))
            }
            i => Relation::ALL
                .get(usize::from(i))
                .copied()
                .ok_or_else(|| self.fail("an unknown relation")),
        }
    }
    fn coded<T: Copy>(&mut self, all: &[T]) -> Result<Option<T>, SnapshotError> {
        match self.u8()? {
            0 => Ok(None),
            i => all
                .get(usize::from(i) - 1)
                .copied()
                .map(Some)
                .ok_or_else(|| self.fail("an unknown value")),
        }
    }
}

impl Meta {
    fn read(bytes: &[u8]) -> Result<Meta, SnapshotError> {
        let mut r = Reader {
            bytes,
            at: 0,
            part: "kinds",
        };
        let kinds = r.list(1, Reader::kind)?;
        r.part = "relations";
        let relations = r.list(1, Reader::relation)?;
        r.part = "provenances";
        let provenances = r.list(13, |r| {
            Ok(Provenance {
                source: r.str()?,
                section: r.str()?,
                evidence: *Evidence::ALL
                    .get(usize::from(r.u8()?))
                    .ok_or_else(|| r.fail("an unknown evidence"))?,
                note: r.str()?,
            })
        })?;
        r.part = "qualifier sets";
        let qualifiers = r.list(15, |r| {
            Ok(Qualifiers {
                line: r.coded(Line::ALL)?,
                frequency: r.coded(Frequency::ALL)?,
                risk: r.opt()?,
                population: r.strs()?,
                with: r.strs()?,
                schedule: r.opt()?,
                min_count: if r.flag()? { Some(r.u32()?) } else { None },
                condition: r.opt()?,
                any_of: r.opt()?,
            })
        })?;
        r.part = "files";
        let files = r.strs()?;
        r.part = "sources";
        let sources = r.list(27, |r| {
            Ok(Source {
                id: r.str()?,
                title: r.str()?,
                publisher: r.opt()?,
                approved: r.opt()?,
                url: r.opt()?,
                sections: r.list(5, |r| {
                    Ok(Section {
                        heading: r.str()?,
                        updated: r.opt()?,
                    })
                })?,
                origin: Origin {
                    file: r.str()?,
                    line: r.u32()?,
                    col: r.u32()?,
                },
            })
        })?;
        r.part = "kind index";
        let by_kind = r.list(5, |r| Ok((r.kind()?, r.u32()?)))?;
        let max_label_words = r.u64()? as usize;
        r.part = "imported links";
        let imported_links = r.list(3, |r| Ok((r.kind()?, r.relation()?, r.kind()?)))?;
        r.part = "lexicon";
        let lexicon_kinds = r.list(1, Reader::kind)?;
        let lexicon_relations = r.list(1, Reader::relation)?;
        if r.at != bytes.len() {
            return Err(r.fail("bytes left over"));
        }
        Ok(Meta {
            kinds,
            relations,
            provenances,
            qualifiers,
            files,
            sources,
            by_kind,
            max_label_words,
            imported_links,
            lexicon_kinds,
            lexicon_relations,
        })
    }
}

/// The whole snapshot in one buffer (tests, and callers that hold the bytes already).
pub fn to_bytes(g: &KnowledgeGraph) -> Vec<u8> {
    let e = encode(g);
    let mut out = Vec::with_capacity(e.len() as usize);
    for p in &e.pieces {
        out.extend_from_slice(p);
    }
    out
}

/// Bytes copied into a buffer that starts 8-byte aligned, as a mapped file does.
pub fn aligned(bytes: &[u8]) -> Arc<dyn Backing> {
    let mut words = vec![0u64; bytes.len().div_ceil(8)];
    let len = bytes.len();
    for (w, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        *w = u64::from_ne_bytes(b);
    }
    Arc::new(Aligned { len, words })
}

/// Words holding `len` bytes.
struct Aligned {
    len: usize,
    words: Vec<u64>,
}

impl Backing for Aligned {
    fn bytes(&self) -> &[u8] {
        let all = self.words.bytes();
        &all[..self.len.min(all.len())]
    }
}

/// A `Pos` is what the file holds; kept here so a change to its fields shows in this module.
const _: () = assert!(std::mem::size_of::<Pos>() == 8);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dataset, Node, Statement, Sym};
    use proptest::prelude::*;

    fn node(id: &str, kind: NodeKind, aliases: &[&str]) -> Node {
        Node {
            id: id.into(),
            kind,
            name: id.to_uppercase(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            xrefs: vec![format!("X:{id}")],
            note: Some("née ✓".into()),
            // A target of its own category, as DNA is.
            category: (kind == NodeKind::Target).then(|| "biolink:NucleicAcidEntity".into()),
            accepted: vec![("rule".into(), "why".into())],
            origin: Origin {
                file: format!("{id}.toml"),
                line: 1,
                col: 2,
            },
        }
    }

    fn st(s: &str, r: Relation, o: &str, line: u32) -> Statement {
        Statement {
            subject: s.into(),
            relation: r,
            object: o.into(),
            qualifiers: Qualifiers {
                line: Some(Line::Second),
                frequency: Some(Frequency::Rare),
                risk: Some("2-5%".into()),
                population: vec!["men".into()],
                with: vec!["a".into(), "b".into()],
                schedule: None,
                min_count: Some(line),
                condition: None,
                any_of: Some("g".into()),
            },
            provenance: Provenance {
                source: "src".into(),
                section: format!("sec {}", line % 2),
                evidence: Evidence::ClinicalTrial,
                note: String::new(),
            },
            // Two files, so the statements' places are more than one run.
            origin: Origin {
                file: if line < 5 { "x.toml" } else { "y.toml" }.into(),
                line,
                col: 3,
            },
        }
    }

    fn small() -> KnowledgeGraph {
        let gene = NodeKind::Other(Sym::new("biolink:Gene").expect("short"));
        let interacts = Relation::Other(Sym::new("biolink:interacts_with").expect("short"));
        KnowledgeGraph::new(Dataset {
            sources: vec![Source::cited(
                "src".into(),
                vec!["sec 0".into(), "sec 1".into()],
                Origin::default(),
            )],
            nodes: vec![
                node("b", NodeKind::Drug, &["Bee  Drug"]),
                node("a", NodeKind::Drug, &[]),
                node("t", NodeKind::Target, &[]),
                node("g", gene, &["Gène"]),
            ],
            statements: vec![
                st("b", Relation::Targets, "t", 1),
                st("a", Relation::Targets, "t", 3),
                st("a", Relation::CombinedWith, "b", 5),
                st("g", interacts, "t", 6),
                st("t", interacts, "g", 7),
            ],
        })
    }

    fn open(bytes: &[u8]) -> Result<KnowledgeGraph, SnapshotError> {
        decode(aligned(bytes))
    }

    /// Writes fresh checksums into the table and the header, so a change reaches the checks
    /// past them.
    fn reseal(bytes: &mut [u8]) {
        if bytes.len() < HEADER + SECTIONS * ENTRY {
            return;
        }
        for i in 0..SECTIONS {
            let e = HEADER + i * ENTRY;
            let word =
                |b: &[u8], at: usize| u64::from_ne_bytes(b[at..at + 8].try_into().expect("8"));
            let (offset, len) = (word(bytes, e + 8) as usize, word(bytes, e + 16) as usize);
            if let Some(section) = offset
                .checked_add(len)
                .and_then(|end| bytes.get(offset..end))
            {
                let d = crc32(section);
                bytes[e + 24..e + 32].copy_from_slice(&d.to_ne_bytes());
            }
        }
        let sum = crc32(&bytes[HEADER..HEADER + SECTIONS * ENTRY]);
        bytes[32..40].copy_from_slice(&sum.to_ne_bytes());
    }

    /// The byte range of a section, from the table.
    fn span(bytes: &[u8], id: Part) -> std::ops::Range<usize> {
        let e = HEADER + (id as usize - 1) * ENTRY;
        let word =
            |at: usize| u64::from_ne_bytes(bytes[at..at + 8].try_into().expect("8")) as usize;
        let (offset, len) = (word(e + 8), word(e + 16));
        offset..offset + len
    }

    fn put_u32(bytes: &mut [u8], at: usize, v: u32) {
        bytes[at..at + 4].copy_from_slice(&v.to_ne_bytes());
    }

    /// Touches everything a query could: a graph that opened must answer without panicking.
    fn exercise(g: &KnowledgeGraph) {
        for n in g.nodes() {
            let v = g.node(n);
            let _ = (v.to_node(), g.sort_key(n), g.degree(n));
            let _ = (g.name_rank(n), g.kind_test(v.kind).has(n));
            for (e, _) in g.out_edges(n).chain(g.in_edges(n)) {
                let s = g.statement(e);
                let _ = (
                    s.qualifiers.pairs(),
                    s.provenance.source.len(),
                    s.origin.to_string(),
                );
            }
            for r in Relation::ALL {
                let _ = (
                    g.out_rel(n, r).count(),
                    g.in_rel(n, r).count(),
                    g.in_rel_subjects(n, r),
                );
            }
            let _ = (
                g.descendants(n),
                g.ancestors(n),
                g.lookup(v.name),
                g.by_id(v.id),
            );
        }
        let _ = (
            g.kind_counts(),
            g.relation_counts(),
            g.labels_with_prefix("b").count(),
        );
    }

    #[test]
    fn a_snapshot_reads_back_as_the_graph_it_was_made_from() {
        let g = small();
        assert!(g.st_places.len() > 1, "places in more than one run");
        let bytes = to_bytes(&g);
        assert_eq!(bytes.len() as u64, encode(&g).len());
        let back = open(&bytes).expect("opens");
        let nodes = |g: &KnowledgeGraph| g.nodes().map(|n| g.node(n).to_node()).collect::<Vec<_>>();
        let sts = |g: &KnowledgeGraph| {
            g.statements()
                .map(|e| g.statement(e).to_statement())
                .collect::<Vec<_>>()
        };
        assert_eq!(nodes(&back), nodes(&g));
        let t = back.by_id("t").expect("t");
        assert_eq!(back.node(t).category, Some("biolink:NucleicAcidEntity"));
        assert_eq!(back.node(t).biolink_category(), "biolink:NucleicAcidEntity");
        let b = back.by_id("b").expect("b");
        assert_eq!(back.node(b).category, None);
        assert_eq!(back.node(b).biolink_category(), "biolink:Drug");
        assert_eq!(sts(&back), sts(&g));
        assert_eq!(back.sources(), g.sources());
        assert_eq!(back.lexicon(), g.lexicon());
        assert_eq!(back.lexicon().imported_kinds().count(), 1);
        assert_eq!(back.lookup("bee drug"), g.lookup("bee drug"));
        assert_eq!(back.relation_counts(), g.relation_counts());
        assert_eq!(
            to_bytes(&back),
            bytes,
            "a snapshot of a snapshot is the same bytes"
        );
        exercise(&back);
        // An empty graph too.
        let empty = KnowledgeGraph::new(Dataset::default());
        let back = open(&to_bytes(&empty)).expect("opens");
        assert_eq!(back.node_count(), 0);
        exercise(&back);
    }

    #[test]
    fn every_kind_of_bad_file_is_told_apart() {
        let bytes = to_bytes(&small());
        assert_eq!(
            open(b"PK\x03\x04 a zip").err(),
            Some(SnapshotError::NotSnapshot)
        );
        assert_eq!(open(b"").err(), Some(SnapshotError::NotSnapshot));
        assert!(matches!(
            open(&bytes[..20]),
            Err(SnapshotError::Length { .. })
        ));
        assert!(matches!(
            open(&bytes[..bytes.len() - 8]),
            Err(SnapshotError::Length { .. })
        ));
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 8]);
        assert!(matches!(open(&longer), Err(SnapshotError::Length { .. })));

        let mut swapped = bytes.clone();
        swapped[8..12].reverse();
        let e = open(&swapped).expect_err("refused");
        assert_eq!(
            e,
            SnapshotError::ByteOrder {
                big_endian: cfg!(target_endian = "little")
            }
        );
        assert!(e.to_string().contains("-endian machine"), "{e}");

        let mut newer = bytes.clone();
        put_u32(&mut newer, 12, FORMAT_VERSION + 1);
        let e = open(&newer).expect_err("refused");
        assert!(matches!(e, SnapshotError::Version { found, .. } if found == FORMAT_VERSION + 1));
        assert!(
            e.to_string()
                .contains(&format!("reads version {FORMAT_VERSION}")),
            "{e}"
        );

        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(
            open(&flipped),
            Err(SnapshotError::Checksum { .. })
        ));
    }

    /// Files whose checksum matches but whose contents do not hold together, one per check.
    #[test]
    fn inconsistent_contents_are_refused_at_open() {
        let bytes = to_bytes(&small());
        type Damage = Box<dyn Fn(&mut Vec<u8>)>;
        // A value written over the u32 `offset` bytes into a section.
        let word = |part: Part, offset: usize, value: u32| -> Damage {
            Box::new(move |b: &mut Vec<u8>| {
                let at = span(b, part).start + offset;
                put_u32(b, at, value);
            })
        };
        // A section's table entry changed: the u64 `field` bytes into it (8: offset, 16: length).
        let entry = |part: Part, field: usize, change: fn(u64) -> u64| -> Damage {
            Box::new(move |b: &mut Vec<u8>| {
                let at = HEADER + (part as usize - 1) * ENTRY + field;
                let v = u64::from_ne_bytes(b[at..at + 8].try_into().expect("8"));
                b[at..at + 8].copy_from_slice(&change(v).to_ne_bytes());
            })
        };
        let cases: Vec<(&str, Damage)> = vec![
            ("statement object", word(Part::StObject, 0, 1000)),
            ("outgoing offsets", word(Part::OutStart, 4, 4)),
            ("string ends", word(Part::Ends, 0, 1 << 30)),
            (
                "not UTF-8",
                Box::new(|b: &mut Vec<u8>| {
                    let at = span(b, Part::Text).start;
                    b[at] = 0xff;
                }),
            ),
            ("node kind", word(Part::NodeKind, 0, 77)),
            (
                "relation code 500",
                Box::new(|b: &mut Vec<u8>| {
                    let at = span(b, Part::StRelation).start;
                    b[at..at + 2].copy_from_slice(&500u16.to_ne_bytes());
                }),
            ),
            ("metadata, kinds", word(Part::Meta, 0, u32::MAX)),
            ("the first run starts at 1", word(Part::StPlaces, 0, 1)),
            (
                "the runs do not start in ascending order",
                word(Part::StPlaces, 8, 0),
            ),
            (
                "a run starts at 1000, past the 5 statements",
                Box::new(|b: &mut Vec<u8>| {
                    let at = span(b, Part::StPlaces).end - 8;
                    put_u32(b, at, 1000);
                }),
            ),
            (
                "node extras, at 0: 9 is past the 5 there are",
                word(Part::NodeExtra, 0, 9),
            ),
            // The second extra's first offset (5) made 0.
            (
                "extras' offsets, at 0: the offsets go down",
                word(Part::ExtraStart, 4 * 10, 0),
            ),
            (
                "extras' strings, at 2: 4000 is past",
                word(Part::ExtraItems, 8, 4000),
            ),
            (
                "25 extras' offsets, not 5 an extra and one",
                entry(Part::ExtraStart, 16, |len| len - 4),
            ),
            // Drug `b`'s extra (the first) with its xrefs' end moved back: a note of two.
            (
                "extras' offsets, at 7: an extra's note or category is 2 strings",
                word(Part::ExtraStart, 4 * 7, 1),
            ),
            // Target `t`'s (the third) with its accepted finding's end moved back: a category
            // of two.
            (
                "extras' offsets, at 19: an extra's note or category is 2 strings",
                word(Part::ExtraStart, 4 * 19, 12),
            ),
            ("overlaps", entry(Part::StLine, 8, |offset| offset - 8)),
            (
                "not a multiple of 8",
                entry(Part::StLine, 8, |offset| offset + 4),
            ),
        ];
        for (expect, damage) in cases {
            let mut b = bytes.clone();
            damage(&mut b);
            reseal(&mut b);
            match open(&b) {
                Err(SnapshotError::Inconsistent(what)) => {
                    assert!(what.contains(expect), "{expect}: {what}");
                }
                other => panic!("{expect}: {:?}", other.map(|_| "opened")),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Flipped bytes, resealed or not, and cut files: an error or a graph that answers,
        /// never a panic.
        #[test]
        fn damaged_files_never_panic(
            flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..6),
            cut in any::<prop::sample::Index>(),
            resealed in any::<bool>(),
        ) {
            let bytes = to_bytes(&small());
            let mut b = bytes.clone();
            for (at, x) in &flips {
                let i = at.index(b.len());
                b[i] ^= x;
            }
            if resealed {
                reseal(&mut b);
            }
            if let Ok(g) = open(&b) {
                exercise(&g);
            }
            let short = &bytes[..cut.index(bytes.len())];
            prop_assert!(open(short).is_err());
        }
    }
}
