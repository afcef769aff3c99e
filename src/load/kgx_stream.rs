//! Streams a KGX TSV directory straight into a [`GraphSink`]: in mbckg's own columns (what `mbckg
//! export --format kgx` writes) as they are, in any other columns the full reader knows (a third
//! party's graph: other names, another order, columns of its own, some of ours missing) with
//! each line rewritten into ours first ([`remap`]); each file read in large blocks with plain reads, split into
//! lines and fields by one scan of each block for separators (which also tells whether the block
//! is plain ASCII; any other block is checked as UTF-8 whole); fields borrowed from the block, unescaped only in blocks that have a backslash; provenance,
//! qualifiers and relations parsed once per distinct text; edge ends found in a table of the
//! nodes' ids built while `nodes.tsv` is read. `edges.tsv` is cut in two at a line
//! boundary and read by two threads, each into its own [`StatementBlock`], handed to the sink in
//! file order so the graph is the one a single pass gives. It reads only clean files: a header
//! without the columns it needs, or any line the full reader ([`super::kgx`]) would report or
//! repair, and it answers `None` so the caller reads the directory the full way, which reports every problem. Equal
//! output to the full reader on the files it accepts is tested. Uses model and lexicon; reads
//! files (the I/O of `load`).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::kgx::{dangling_warning, qualifiers_from_columns};
use crate::diag::Diagnostic;
use crate::graph::{prefetch, same_bytes as same};
use crate::lexicon;
use crate::lexicon::biolink::Hierarchy;
use crate::model::kgx::{
    list_items, parse_origin, split_list, unescaped, CURIE_PREFIX, EDGE_COLUMNS, INFORES_PREFIX,
    NODE_COLUMNS, UNATTRIBUTED,
};
use crate::model::sink::{At, GraphSink, NodeExtra, Place, StatementBlock};
use crate::model::{Evidence, NodeKind, Origin, Provenance, Relation, Source};

mod remap;

use remap::{Columns, Remap, Rewritten};

/// Bytes asked of the file at a time: large enough that a read costs little beyond the copy,
/// small enough that the block is still in the core's cache when its lines are read after its
/// scan (two readers share one core's cache: 128 KiB blocks loaded 1 M drugs about a tenth
/// faster than 1 MiB ones).
const BLOCK: usize = 1 << 17;

/// Files smaller than this are read by one thread: a second would cost more than it saves.
const SPLIT_FROM: u64 = 4 << 20;

/// Bytes of `edges.tsv` a reader done with its part takes of the other's at the least: less
/// is left to the other (a millisecond or so of reading, against a new block's cost).
const LEAST_TAKEN: u64 = 1 << 20;

/// What a streamed directory gives besides the nodes and statements put in the sink.
#[derive(Debug, Default)]
pub struct Streamed {
    /// The sources the statements cite.
    pub sources: Vec<Source>,
    /// What the full reader tolerates and the stream did too, worded as the full reader words
    /// it: edges dropped because an end is not a node.
    pub warnings: Vec<Diagnostic>,
}

/// Reads `dir/nodes.tsv` and `dir/edges.tsv` into `sink`. `None` when the files are not clean
/// KGX (the sink is then half-filled: throw it away), and with `strict` when an edge ends at no
/// node (the full reader then reports each).
pub fn read_dir(dir: &Path, sink: &mut dyn GraphSink, strict: bool) -> Option<Streamed> {
    read_dir_cut(dir, sink, None, strict)
}

/// How [`read_dir_cut`] shares `edges.tsv` between its two readers.
#[derive(Debug, Clone, Copy)]
pub struct Cut {
    /// The second reader's part starts at the first line that starts at or after this byte (at
    /// or past the end: one reader).
    pub at: u64,
    /// The least a reader done with its part takes of what the other has left.
    pub least_taken: u64,
}

/// [`read_dir`], with `edges.tsv` shared as `cut` says (`None`: two readers from the middle of a
/// file of 4 MiB or more, each taking a part of the other's when done with its own and at least
/// [`LEAST_TAKEN`] is left). For tests, which cut small files in odd places.
pub fn read_dir_cut(
    dir: &Path,
    sink: &mut dyn GraphSink,
    cut: Option<Cut>,
    strict: bool,
) -> Option<Streamed> {
    // Room for the nodes the file's size suggests, so the store's columns do not grow by copying.
    let nodes = estimated_lines(&dir.join("nodes.tsv"), SHORTEST_NODE);
    sink.reserve(nodes, 0);
    // Places in the files are named as the full reader names them: under the directory.
    let base = format!("{}/", dir.display().to_string().trim_end_matches('/'));
    let edges = dir.join("edges.tsv");
    // Files in columns of their own are read with each line rewritten into ours.
    let node_columns = Columns::nodes(&remap::header_of(&dir.join("nodes.tsv"))?);
    let edge_columns = Columns::edges(&remap::header_of(&edges)?);
    if node_columns == Columns::Declined || edge_columns == Columns::Declined {
        return None;
    }
    let mut plan = EdgePlan::new(&edges, cut)?;
    let table = read_nodes(
        (&dir.join("nodes.tsv"), &node_columns),
        &format!("{base}nodes.tsv"),
        sink,
        (&mut plan.blocks, plan.to_touch),
    )?;
    read_edges(
        (&edges, &edge_columns),
        (&format!("{base}edges.tsv"), strict),
        (sink, &table),
        plan,
    )
}

/// How `edges.tsv` is to be read: its length, where the second reader starts, about how many
/// lines it holds, the least a reader takes of the other's part, and the two readers' first
/// blocks, made before the nodes are read so that a thread with nothing else to do then can
/// touch their pages.
struct EdgePlan {
    len: u64,
    split: u64,
    lines: usize,
    least: u64,
    blocks: [StatementBlock; 2],
    /// How many statements of each block to touch the room of while the nodes are read: the
    /// first reader's part (room it leaves unfilled takes the pieces after it later), half the
    /// second's (what the second reads at the least when the first takes of its part: room
    /// touched and never filled would be memory held for nothing).
    to_touch: [usize; 2],
}

impl EdgePlan {
    fn new(path: &Path, cut: Option<Cut>) -> Option<EdgePlan> {
        let len = std::fs::metadata(path).ok()?.len();
        let cut = cut.unwrap_or(Cut {
            at: if len < SPLIT_FROM { len } else { len / 2 },
            least_taken: LEAST_TAKEN,
        });
        let split = split_point(path, len, cut.at);
        let mut plan = EdgePlan {
            len,
            split,
            lines: estimated_lines(path, SHORTEST_EDGE),
            least: cut.least_taken,
            blocks: Default::default(),
            to_touch: [0; 2],
        };
        plan.to_touch = [plan.lines_in(0, split), plan.lines_in(split, len) / 2];
        // Room for the whole file in the first part's columns, so the other pieces can be
        // added to them without moving them (pages of room not used are never touched). Both
        // are made on this thread, so that they belong to its heap, which takes memory freed
        // by other threads back at once (a finished thread's memory would stay with the
        // process).
        plan.blocks = [plan.room(0, len), plan.room(split, len)];
        Some(plan)
    }

    /// About how many lines bytes `a..b` of the file hold.
    fn lines_in(&self, a: u64, b: u64) -> usize {
        (self.lines as f64 * b.saturating_sub(a) as f64 / self.len.max(1) as f64) as usize
    }

    /// A piece's columns, with room for the lines bytes `a..b` of the file suggest.
    fn room(&self, a: u64, b: u64) -> StatementBlock {
        let n = self.lines_in(a, b);
        let mut block = StatementBlock::default();
        // Room the allocator cannot give is not an error: the columns then grow as they fill.
        let _ = block.object.try_reserve(n);
        let _ = block.relation.try_reserve(n);
        let _ = block.facet.try_reserve(n);
        // The places take a run a stretch of lines without an origin column: few, grown as
        // they come.
        block
    }
}

/// Writes to a page at a time of the room of `blocks`' columns for their first `lines`
/// statements, in the order the readers fill them, for as long as `go` answers yes: pages the
/// system must zero before their first use are then zeroed by a thread that has nothing else
/// to do, not when a reader writes them. (Room past a reader's own part is left: the pieces
/// after it are added there only as the blocks they were read into are freed.)
fn touch_room(blocks: &mut [StatementBlock], lines: [usize; 2], go: impl Fn() -> bool) {
    fn touch<T: Copy + Default>(v: &mut Vec<T>, n: usize, go: &impl Fn() -> bool) -> bool {
        let page = (4096 / std::mem::size_of::<T>()).max(1);
        let room = v.spare_capacity_mut();
        let n = n.min(room.len());
        // Whether to go on asked every 64 pages.
        for pages in room[..n].chunks_mut(page * 64) {
            if !go() {
                return false;
            }
            for p in pages.chunks_mut(page) {
                if let Some(x) = p.first_mut() {
                    x.write(T::default());
                }
            }
        }
        // The writes are what is wanted, though nothing reads them.
        std::hint::black_box(v.spare_capacity_mut().as_mut_ptr());
        true
    }
    for (block, n) in blocks.iter_mut().zip(lines) {
        let _ = touch(&mut block.object, n, &go)
            && touch(&mut block.relation, n, &go)
            && touch(&mut block.facet, n, &go);
    }
}

/// About how many lines a file holds: its size over the mean length of the lines in its first
/// 64 KiB, with a twentieth to spare; never more than lines of `shortest` bytes would make (a
/// file that opens with blank lines would otherwise ask for room for one line a byte).
fn estimated_lines(path: &Path, shortest: usize) -> usize {
    let size = std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    let mut head = Vec::new();
    let sampled = std::fs::File::open(path)
        .and_then(|f| f.take(1 << 16).read_to_end(&mut head))
        .unwrap_or(0);
    let lines = head.iter().filter(|b| **b == b'\n').count();
    if lines == 0 || sampled == 0 {
        return 0;
    }
    let estimate = (size / sampled.div_ceil(lines)) + size / sampled.div_ceil(lines) / 20;
    estimate.min(size / shortest.max(1))
}

/// The shortest node line that can be read: eight fields (seven tabs), an id, a name and a kind
/// of at least a character each, and a newline.
const SHORTEST_NODE: usize = 11;

/// The shortest edge line that can be read: twenty-two fields (twenty-one tabs), a subject and
/// an object of at least a character each, and a newline.
const SHORTEST_EDGE: usize = 24;

/// Most nodes the node table makes room for before it has read any: a larger estimate (from a
/// file whose first lines are short) would fill memory with empty slots; past it, it grows.
const TABLE_ROOM: usize = 1 << 21;

/// Reads bytes `from..to` of `path` a block at a time and calls `each` with the whole lines of
/// each block, every line ending in `\n` (a last line without one is given one); the bytes are
/// not checked as UTF-8 here ([`for_lines`] does). `from` must be where a line starts. `None` on
/// a read error, when `each` answers `None`, or when `stop` is set (another reader gave up).
fn for_blocks(
    path: &Path,
    (from, to): (u64, u64),
    stop: &AtomicBool,
    each: impl FnMut(&[u8]) -> Option<()>,
) -> Option<()> {
    for_claimed_blocks(
        path,
        from,
        |at, want| want.min(to.saturating_sub(at)),
        stop,
        each,
    )
}

/// [`for_blocks`] from `from` for as long as `claim` gives bytes: asked for `want` bytes at
/// `at` (all before it read or claimed), it answers how many of them are the reader's (0: its
/// part ends at `at`, which must be where a line starts or the end of the file).
fn for_claimed_blocks(
    path: &Path,
    from: u64,
    mut claim: impl FnMut(u64, u64) -> u64,
    stop: &AtomicBool,
    mut each: impl FnMut(&[u8]) -> Option<()>,
) -> Option<()> {
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start(from)).ok()?;
    let mut at = from;
    let mut buf: Vec<u8> = vec![0; BLOCK];
    // Bytes at the front of `buf` carried over from the last block: a line not yet ended.
    let mut kept = 0;
    loop {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        if buf.len() - kept < BLOCK / 2 {
            // A line longer than the block: room for more of it.
            buf.resize(buf.len() * 2, 0);
        }
        let room = u64::try_from(buf.len() - kept).unwrap_or(u64::MAX);
        let want = usize::try_from(claim(at, room).min(room)).unwrap_or(0);
        let got = if want == 0 {
            0
        } else {
            match file.read(&mut buf[kept..kept + want]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            }
        };
        at += got as u64;
        let filled = kept + got;
        if got == 0 {
            // The end: a last line without a newline is given one.
            if filled > 0 {
                buf.truncate(filled);
                buf.push(b'\n');
                each(&buf)?;
            }
            return Some(());
        }
        let Some(last) = buf[..filled].iter().rposition(|b| *b == b'\n') else {
            kept = filled;
            continue;
        };
        // Whole lines end at a newline, which is never inside a UTF-8 sequence.
        each(&buf[..=last])?;
        buf.copy_within(last + 1..filled, 0);
        kept = filled - last - 1;
    }
}

/// Where the separators of a block are: bit `i % 64` of word `i / 64` of `tabs` (of
/// `newlines`) is set when byte `i` is a tab (a newline); whether the block has a backslash
/// (when not, no field needs unescaping) and a byte past ASCII (when not, it is UTF-8).
#[derive(Default)]
struct Scan {
    tabs: Vec<u64>,
    newlines: Vec<u64>,
    backslash: bool,
    non_ascii: bool,
}

impl Scan {
    /// Scans `bytes`, 64 at a time (the last few as if followed by zero bytes, which are no
    /// separators), with AVX-512 where the CPU has it.
    fn of(&mut self, bytes: &[u8]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512bw") {
            self.clear(bytes.len());
            // SAFETY: the CPU has AVX-512BW, just asked.
            (self.backslash, self.non_ascii) =
                unsafe { marks_avx512(bytes, &mut self.tabs, &mut self.newlines) };
            return;
        }
        self.of_portable(bytes);
    }

    /// No separators, a word for each 64 bytes of a block of `len` and one more.
    fn clear(&mut self, len: usize) {
        let words = len / 64 + 1;
        self.tabs.clear();
        self.tabs.resize(words, 0);
        self.newlines.clear();
        self.newlines.resize(words, 0);
    }

    /// [`Scan::of`] with SSE2 on x86-64 (every x86-64 CPU has it), in plain arithmetic
    /// elsewhere.
    fn of_portable(&mut self, bytes: &[u8]) {
        self.clear(bytes.len());
        let mut seen = Seen::default();
        let mut chunks = bytes.chunks_exact(64);
        let mut words = self.tabs.iter_mut().zip(&mut self.newlines);
        for (chunk, (tab, newline)) in chunks.by_ref().zip(words.by_ref()) {
            if let Ok(chunk) = <&[u8; 64]>::try_from(chunk) {
                (*tab, *newline) = marks(chunk, &mut seen);
            }
        }
        // One word is left for the bytes after the last whole chunk.
        if let Some((tab, newline)) = words.next() {
            let mut last = [0u8; 64];
            let rest = chunks.remainder();
            last[..rest.len()].copy_from_slice(rest);
            (*tab, *newline) = marks(&last, &mut seen);
        }
        (self.backslash, self.non_ascii) = seen.found();
    }
}

/// [`Scan::of`]'s work with AVX-512BW, where the CPU has it: each 64 bytes compared at once,
/// the compares giving the bits of `tabs` and `newlines` (one word per 64 bytes, the last for
/// the bytes after the last whole 64) directly; answers (a backslash seen, a byte past ASCII
/// seen). A quarter of the SSE2 path's instructions.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
fn marks_avx512(bytes: &[u8], tabs: &mut [u64], newlines: &mut [u64]) -> (bool, bool) {
    use std::arch::x86_64::{
        __m512i, _mm512_cmpeq_epi8_mask, _mm512_loadu_si512, _mm512_movepi8_mask, _mm512_set1_epi8,
    };
    let (tab, newline, backslash) = (
        _mm512_set1_epi8(b'\t' as i8),
        _mm512_set1_epi8(b'\n' as i8),
        _mm512_set1_epi8(b'\\' as i8),
    );
    let (mut back, mut high) = (0u64, 0u64);
    let mut mark = |chunk: &[u8; 64], t: &mut u64, n: &mut u64| {
        // SAFETY: reads the 64 bytes of `chunk`, a whole array; no alignment is needed.
        let v = unsafe { _mm512_loadu_si512(chunk.as_ptr().cast::<__m512i>()) };
        *t = _mm512_cmpeq_epi8_mask(v, tab);
        *n = _mm512_cmpeq_epi8_mask(v, newline);
        back |= _mm512_cmpeq_epi8_mask(v, backslash);
        high |= _mm512_movepi8_mask(v);
    };
    let mut chunks = bytes.chunks_exact(64);
    let mut words = tabs.iter_mut().zip(newlines.iter_mut());
    for (chunk, (t, n)) in chunks.by_ref().zip(words.by_ref()) {
        if let Ok(chunk) = <&[u8; 64]>::try_from(chunk) {
            mark(chunk, t, n);
        }
    }
    if let Some((t, n)) = words.next() {
        let mut last = [0u8; 64];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        mark(&last, t, n);
    }
    (back != 0, high != 0)
}

/// What the scan of a block has seen so far besides separators: a backslash, a byte past
/// ASCII (in SSE2 registers on x86-64, as flags elsewhere).
#[cfg(target_arch = "x86_64")]
struct Seen {
    backslash: std::arch::x86_64::__m128i,
    high: std::arch::x86_64::__m128i,
}

#[cfg(target_arch = "x86_64")]
impl Default for Seen {
    fn default() -> Seen {
        use std::arch::x86_64::_mm_setzero_si128;
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe {
            Seen {
                backslash: _mm_setzero_si128(),
                high: _mm_setzero_si128(),
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
impl Seen {
    /// (a backslash seen, a byte past ASCII seen).
    fn found(&self) -> (bool, bool) {
        use std::arch::x86_64::_mm_movemask_epi8;
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe {
            (
                _mm_movemask_epi8(self.backslash) != 0,
                _mm_movemask_epi8(self.high) != 0,
            )
        }
    }
}

/// (tabs, newlines) of 64 bytes, as bits; notes backslashes and bytes past ASCII in `seen`.
/// Sixteen bytes at a time with SSE2 compares.
#[cfg(target_arch = "x86_64")]
#[inline]
fn marks(chunk: &[u8; 64], seen: &mut Seen) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let (mut tabs, mut newlines) = (0u64, 0u64);
    // SAFETY: SSE2 is part of the x86-64 baseline; each load reads the 16 bytes at `16 * k`
    // (k < 4) of the 64-byte array, within it, and `_mm_loadu_si128` needs no alignment.
    unsafe {
        let (tab, newline, backslash) = (
            _mm_set1_epi8(b'\t' as i8),
            _mm_set1_epi8(b'\n' as i8),
            _mm_set1_epi8(b'\\' as i8),
        );
        let p = chunk.as_ptr().cast::<__m128i>();
        for k in 0..4 {
            let v = _mm_loadu_si128(p.add(k));
            let t = _mm_movemask_epi8(_mm_cmpeq_epi8(v, tab)) as u32 as u64;
            let n = _mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)) as u32 as u64;
            tabs |= t << (16 * k);
            newlines |= n << (16 * k);
            seen.backslash = _mm_or_si128(seen.backslash, _mm_cmpeq_epi8(v, backslash));
            seen.high = _mm_or_si128(seen.high, v);
        }
    }
    (tabs, newlines)
}

/// What the scan of a block has seen so far besides separators: a backslash, a byte past
/// ASCII (in SSE2 registers on x86-64, as flags elsewhere).
#[cfg(not(target_arch = "x86_64"))]
#[derive(Default)]
struct Seen {
    backslash: u64,
    high: u64,
}

#[cfg(not(target_arch = "x86_64"))]
impl Seen {
    /// (a backslash seen, a byte past ASCII seen).
    fn found(&self) -> (bool, bool) {
        (self.backslash != 0, self.high & 0x8080_8080_8080_8080 != 0)
    }
}

/// (tabs, newlines) of 64 bytes, as bits; notes backslashes and bytes past ASCII in `seen`.
/// Eight bytes at a time in plain integer arithmetic: each byte equal to a separator becomes a
/// zero byte, found with the carry-free zero-byte test, and the eight flags are gathered into
/// one byte by a multiply.
#[cfg(not(target_arch = "x86_64"))]
fn marks(chunk: &[u8; 64], seen: &mut Seen) -> (u64, u64) {
    let (mut tabs, mut newlines) = (0u64, 0u64);
    for (k, word) in chunk.chunks_exact(8).enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        tabs |= byte_flags(w, 0x0909_0909_0909_0909) << (8 * k);
        newlines |= byte_flags(w, 0x0a0a_0a0a_0a0a_0a0a) << (8 * k);
        seen.backslash |= zero_bytes(w ^ 0x5c5c_5c5c_5c5c_5c5c);
        seen.high |= w;
    }
    (tabs, newlines)
}

/// The high bit of each byte of `x` set where that byte is zero, others clear (no carries
/// between bytes, so no false hits next to a true one).
#[cfg(not(target_arch = "x86_64"))]
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
}

/// One bit for each byte of `w` (little-endian) equal to the byte repeated in `repeated`.
#[cfg(not(target_arch = "x86_64"))]
fn byte_flags(w: u64, repeated: u64) -> u64 {
    let hits = zero_bytes(w ^ repeated);
    // Bit 7 of byte k moves to bit k of the top byte.
    ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// `bytes` scanned into `scan`, as text: `None` when they are not UTF-8 (checked only when the
/// scan saw a byte past ASCII).
fn scanned<'a>(bytes: &'a [u8], scan: &mut Scan) -> Option<&'a str> {
    scan.of(bytes);
    if scan.non_ascii {
        std::str::from_utf8(bytes).ok()
    } else {
        // SAFETY: the scan found no byte past 0x7f: the bytes are ASCII, which is UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

/// Most tabs a line's positions are kept for; a line with more has too many fields anyway (our
/// columns are fewer, and a file whose lines are rewritten into them has at most
/// [`remap::WIDEST`] fields).
const MAX_TABS: usize = remap::WIDEST;

/// Calls `each` with every line of `bytes` (whole lines, each ending in `\n`), without its `\n`
/// or a `\r` before it, the positions of its tabs in the line (the first [`MAX_TABS`]), their
/// count, and whether the block has a backslash; stops with `None` when `each` does, and
/// answers `None` at once when `bytes` is not UTF-8. Each line is also given to `ahead` (without
/// the count) before the line before it is given to `each`, so that memory a line will need can
/// be asked for while the one before is read.
fn for_lines(
    bytes: &[u8],
    scan: &mut Scan,
    mut ahead: impl FnMut(&str, &[usize], bool),
    mut each: impl FnMut(&str, &[usize], usize, bool) -> Option<()>,
) -> Option<()> {
    let text = scanned(bytes, scan)?;
    let escaped = scan.backslash;
    // The tabs of the line being walked, and of the line before it (not yet given to `each`).
    let mut store = [[0usize; MAX_TABS]; 2];
    let [tabs, before_tabs] = &mut store;
    let (mut tabs, mut before_tabs) = (tabs, before_tabs);
    // The line before and its count of tabs.
    let mut pending: Option<(&str, usize)> = None;
    let mut count = 0;
    let mut start = 0;
    for (w, (&word_tabs, &word_newlines)) in scan.tabs.iter().zip(&scan.newlines).enumerate() {
        let (mut t, mut n) = (word_tabs, word_newlines);
        loop {
            // The word's tabs before its next newline (all of them when it has none): a tab
            // and a newline never share a bit, so the mask up to that newline's bit takes them.
            let mut before = if n == 0 { t } else { t & (n ^ (n - 1)) };
            t ^= before;
            while before != 0 {
                let at = w * 64 + before.trailing_zeros() as usize;
                before &= before - 1;
                if let Some(slot) = tabs.get_mut(count) {
                    *slot = at - start;
                }
                count += 1;
            }
            if n == 0 {
                break;
            }
            let at = w * 64 + n.trailing_zeros() as usize;
            n &= n - 1;
            let mut line = text.get(start..at)?;
            if let Some(l) = line.strip_suffix('\r') {
                line = l;
            }
            // A `\r` after the last tab belongs to no field: the tabs stay within the line.
            ahead(line, &tabs[..count.min(MAX_TABS)], escaped);
            if let Some((line, count)) = pending {
                each(line, &before_tabs[..count.min(MAX_TABS)], count, escaped)?;
            }
            pending = Some((line, count));
            std::mem::swap(&mut tabs, &mut before_tabs);
            start = at + 1;
            count = 0;
        }
    }
    match pending {
        Some((line, count)) => each(line, &before_tabs[..count.min(MAX_TABS)], count, escaped),
        None => Some(()),
    }
}

/// The tabs of one line of a scanned block, read off the scan's bits when asked for: a reader
/// that needs only the first few (most edge lines) does not walk the rest.
#[derive(Clone, Copy)]
struct LineTabs<'a> {
    /// The block's tab bits ([`Scan::tabs`]).
    bits: &'a [u64],
    /// Where the line starts in the block, and where it ends (its `\n`, or a `\r` before it).
    start: usize,
    end: usize,
}

impl LineTabs<'_> {
    /// Writes the positions in the line of its first tabs into `out`, in order, as many as fit;
    /// answers how many tabs the line has when `all`, else how many were written.
    fn fill(&self, out: &mut [usize], all: bool) -> usize {
        let mut count = 0;
        let last = self.end / 64;
        let mut w = self.start / 64;
        let mut bits = self.bits.get(w).copied().unwrap_or(0) & (!0u64 << (self.start % 64));
        loop {
            if w == last {
                // Only the bits before the line's end (none when it falls on a word's start).
                bits &= (1u64 << (self.end % 64)).wrapping_sub(1);
            }
            while bits != 0 {
                let at = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                match out.get_mut(count) {
                    Some(slot) => *slot = at - self.start,
                    None if !all => return count,
                    None => {}
                }
                count += 1;
            }
            if w >= last {
                return count;
            }
            w += 1;
            bits = self.bits.get(w).copied().unwrap_or(0);
        }
    }
}

/// The first tabs of a line an edge reader looks at before anything else: those that end the
/// id, the subject, the predicate and the object.
const HEAD_TABS: usize = 4;

/// A line as [`for_head_lines`] gives it: without its `\n` or a `\r` before it, the positions
/// of its first [`HEAD_TABS`] tabs (as many as it has), its [`LineTabs`] for the rest, and what
/// the reader's look ahead answered for it.
#[derive(Clone, Copy)]
struct HeadLine<'a> {
    text: &'a str,
    head: [usize; HEAD_TABS],
    found: usize,
    tabs: LineTabs<'a>,
    hint: u64,
}

impl HeadLine<'_> {
    /// The positions of the line's first tabs.
    fn head(&self) -> &[usize] {
        self.head.get(..self.found).unwrap_or_default()
    }
}

/// Calls `each` with every line of `bytes` (whole lines, each ending in `\n`) as a [`HeadLine`],
/// and whether the block has a backslash; stops with `None` when `each` does, and answers `None`
/// at once when `bytes` is not UTF-8. Each line is given to `ahead` (with its first tabs) before
/// the line before it is given to `each`, so that memory a line will need can be asked for
/// while the one before is read; what `ahead` answers is the line's `hint`.
fn for_head_lines(
    bytes: &[u8],
    scan: &mut Scan,
    mut ahead: impl FnMut(&str, &[usize], &LineTabs<'_>) -> u64,
    mut each: impl FnMut(&HeadLine<'_>, bool) -> Option<()>,
) -> Option<()> {
    let text = scanned(bytes, scan)?;
    let escaped = scan.backslash;
    let bits = &scan.tabs[..];
    // The line before, not yet given to `each`.
    let mut pending: Option<HeadLine<'_>> = None;
    let mut start = 0;
    for (w, &word) in scan.newlines.iter().enumerate() {
        let mut n = word;
        while n != 0 {
            let at = w * 64 + n.trailing_zeros() as usize;
            n &= n - 1;
            let mut text = text.get(start..at)?;
            if let Some(l) = text.strip_suffix('\r') {
                text = l;
            }
            let tabs = LineTabs {
                bits,
                start,
                end: start + text.len(),
            };
            let mut head = [0usize; HEAD_TABS];
            let found = tabs.fill(&mut head, false);
            let hint = ahead(text, head.get(..found).unwrap_or_default(), &tabs);
            if let Some(line) = &pending {
                each(line, escaped)?;
            }
            pending = Some(HeadLine {
                text,
                head,
                found,
                tabs,
                hint,
            });
            start = at + 1;
        }
    }
    match &pending {
        Some(line) => each(line, escaped),
        None => Some(()),
    }
}

/// A line and the positions of its tabs: fields taken by number, as text or as bytes, without
/// cutting out the ones not asked for.
struct Fields<'a, 't> {
    line: &'a str,
    tabs: &'t [usize],
}

impl<'a, 't> Fields<'a, 't> {
    /// The line's fields, when it has exactly `N` (`N - 1` tabs at `tabs`).
    fn new<const N: usize>(
        line: &'a str,
        tabs: &'t [usize],
        count: usize,
    ) -> Option<Fields<'a, 't>> {
        (count + 1 == N && tabs.len() == count).then_some(Fields { line, tabs })
    }

    /// Where fields `a..=b` (with the tabs between them) lie in the line.
    #[inline]
    fn range(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        let start = match a.checked_sub(1) {
            Some(t) => self.tabs.get(t).map_or(self.line.len(), |t| t + 1),
            None => 0,
        };
        let end = self.tabs.get(b).copied().unwrap_or(self.line.len());
        start..end.max(start)
    }

    /// Fields `a..=b` as text.
    #[inline]
    fn get(&self, a: usize, b: usize) -> Option<&'a str> {
        self.line.get(self.range(a, b))
    }

    /// Fields `a..=b` as bytes (to compare: no check that they fall between characters).
    #[inline]
    fn bytes(&self, a: usize, b: usize) -> &'a [u8] {
        self.line
            .as_bytes()
            .get(self.range(a, b))
            .unwrap_or_default()
    }

    /// Every field, in order.
    fn all<const N: usize>(&self) -> Option<[&'a str; N]> {
        let mut out = [""; N];
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = self.get(i, i)?;
        }
        Some(out)
    }
}

/// A fast hasher for the readers' memos (short texts and small keys); not resistant to chosen
/// collisions, which a data file cannot exploit beyond slowing its own load.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        // Mixed so that the table's bucket bits depend on every input bit.
        let h = self.0 ^ (self.0 >> 29);
        h.wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.write_u64(hash_bytes(bytes));
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A 64-bit hash of a short text: eight bytes at a time (the last eight overlapping the ones
/// before, so no byte is copied aside), folded by multiply and rotate, then mixed so that the
/// low bits (where the node table takes its slots from) depend on every byte: a product's low
/// bits depend only on its factors' low bits, and without the mix ids that differ only in
/// their last character (`drug-31246` to `drug-31249`) shared a slot and probed in long runs.
fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let word = |b: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        u64::from_le_bytes(w)
    };
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    if bytes.len() >= 8 {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            h = (h.rotate_left(5) ^ word(c)).wrapping_mul(K);
        }
        if !chunks.remainder().is_empty() {
            h = (h.rotate_left(5) ^ word(&bytes[bytes.len() - 8..])).wrapping_mul(K);
        }
    } else if bytes.len() >= 4 {
        let half = |b: &[u8]| {
            let mut w = [0u8; 4];
            w.copy_from_slice(b);
            u64::from(u32::from_le_bytes(w))
        };
        let w = half(&bytes[..4]) | half(&bytes[bytes.len() - 4..]) << 32;
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    } else {
        for b in bytes {
            h = (h.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
    h ^ (h >> 32)
}

/// A hash of a node kind, to mix into the relation cache's keys.
fn hash_kind(kind: NodeKind) -> u64 {
    use std::hash::Hash;
    let mut h = Fx::default();
    kind.hash(&mut h);
    h.finish()
}

/// An id from a CURIE field: `MBCKG:` removed, unescaped (only where `escaped` says the block
/// has a backslash).
fn local_id(field: &str, escaped: bool) -> Cow<'_, str> {
    let id = field.strip_prefix(CURIE_PREFIX).unwrap_or(field);
    if escaped {
        unescaped(id)
    } else {
        Cow::Borrowed(id)
    }
}

/// Ids up to this long are kept in their slot of the [`NodeTable`].
const INLINE_ID: usize = 20;

/// One slot of the [`NodeTable`]: a node, its kind's code, and its id (in place when short;
/// else its first 12 bytes and where the rest of it is in the table's arena).
#[derive(Clone, Copy)]
struct Slot {
    /// The node's number plus one; 0: an empty slot, so that a table of zero bytes is empty
    /// (memory the allocator gets zeroed from the system needs no pass to mark it empty).
    node: u32,
    kind: u32,
    len: u32,
    text: [u8; INLINE_ID],
}

/// `n` empty slots, in memory asked for zeroed: fresh pages from the system come zeroed
/// already, so the table is not written over once before its first node (64 MB at a million
/// nodes).
fn empty_slots(n: usize) -> Vec<Slot> {
    let Ok(layout) = std::alloc::Layout::array::<Slot>(n) else {
        // Past what an address space holds: let the vector report it as it would.
        return vec![Slot::EMPTY; n];
    };
    if layout.size() == 0 {
        return Vec::new();
    }
    // SAFETY: the layout has a non-zero size (checked above).
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<Slot>();
    if ptr.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout of `n` slots, which
    // is the layout a `Vec<Slot>` of capacity `n` frees with; all `n` are initialised, since a
    // slot is integers and bytes only, for which zero bytes are a value (an empty slot).
    unsafe { Vec::from_raw_parts(ptr, n, n) }
}

impl Slot {
    const EMPTY: Slot = Slot {
        node: 0,
        kind: 0,
        len: 0,
        text: [0; INLINE_ID],
    };

    fn is_empty(&self) -> bool {
        self.node == 0
    }
}

/// The nodes read, by id, for the edges to find their ends: open addressing over slots that
/// hold the id in place, so that finding a node costs one random memory access (the builder's
/// interner and node tables cost several, and most of an edge file's lookups miss the cache).
/// Dropped once the edges are read.
struct NodeTable {
    slots: Vec<Slot>,
    /// Ids longer than [`INLINE_ID`], end to end.
    long: Vec<u8>,
    filled: usize,
    /// Kinds by code, with their hashes for the relation cache.
    kinds: Vec<(NodeKind, u64)>,
    kind_code: FxMap<NodeKind, u32>,
    /// The kind of the last node added and its code: nodes come grouped by kind, so most take
    /// it without a lookup in `kind_code`.
    last_kind: Option<(NodeKind, u32)>,
}

impl NodeTable {
    fn with_room(nodes: usize) -> NodeTable {
        NodeTable {
            slots: empty_slots((nodes + nodes / 2).next_power_of_two().max(64)),
            long: Vec::new(),
            filled: 0,
            kinds: Vec::new(),
            kind_code: FxMap::default(),
            last_kind: None,
        }
    }

    /// Whether slot `slot` holds the id `id`.
    fn holds(&self, slot: &Slot, id: &[u8]) -> bool {
        if slot.len as usize != id.len() {
            return false;
        }
        if id.len() <= INLINE_ID {
            return slot.text.get(..id.len()).is_some_and(|t| same(t, id));
        }
        let mut at = [0u8; 8];
        at.copy_from_slice(&slot.text[12..]);
        let at = u64::from_le_bytes(at) as usize;
        same(&slot.text[..12], &id[..12]) && self.long.get(at..at + id.len()) == Some(id)
    }

    /// The index of the slot holding `id`, or of the empty slot where it would go.
    fn probe(&self, id: &[u8]) -> usize {
        self.probe_hashed(id, hash_bytes(id))
    }

    /// [`NodeTable::probe`], given the id's hash.
    fn probe_hashed(&self, id: &[u8], hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.is_empty() || self.holds(slot, id) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Asks for the slot where a probe for an id of hash `hash` starts to be brought into the
    /// cache, so that a lookup of it soon after does not wait for memory.
    fn prefetch_hashed(&self, hash: u64) {
        let i = hash as usize & (self.slots.len() - 1);
        if let Some(slot) = self.slots.get(i) {
            prefetch(slot);
        }
    }

    /// The node with id `id` and its kind's code (see [`NodeTable::kind`]).
    fn find(&self, id: &str) -> Option<(u32, u32)> {
        let slot = self.slots.get(self.probe(id.as_bytes()))?;
        let node = slot.node.checked_sub(1)?;
        Some((node, slot.kind))
    }

    /// [`NodeTable::find`], given the id's hash.
    fn find_hashed(&self, id: &[u8], hash: u64) -> Option<(u32, u32)> {
        let slot = self.slots.get(self.probe_hashed(id, hash))?;
        let node = slot.node.checked_sub(1)?;
        Some((node, slot.kind))
    }

    /// The kind with code `code`. Readers pass codes, not kinds, from line to line: a kind is
    /// 64 bytes (an imported graph's kind carries its name), a code four.
    fn kind(&self, code: u32) -> Option<NodeKind> {
        self.kinds.get(code as usize).map(|(k, _)| *k)
    }

    /// The code of a kind some node has.
    fn code(&self, kind: NodeKind) -> Option<u32> {
        self.kind_code.get(&kind).copied()
    }

    /// The code of `kind`, given one when new.
    fn kind_code(&mut self, kind: NodeKind) -> u32 {
        if let Some((last, code)) = self.last_kind {
            if last == kind {
                return code;
            }
        }
        let next = self.kinds.len() as u32;
        let code = *self.kind_code.entry(kind).or_insert(next);
        if code == next {
            self.kinds.push((kind, hash_kind(kind)));
        }
        self.last_kind = Some((kind, code));
        code
    }

    /// Adds a node; `false` when a node has this id (or the node is `u32::MAX`, which a slot
    /// cannot hold).
    #[cfg(test)]
    fn insert(&mut self, id: &str, node: u32, kind: NodeKind) -> bool {
        self.insert_hashed(id, hash_bytes(id.as_bytes()), node, kind)
    }

    /// [`NodeTable::insert`], given the id's hash.
    fn insert_hashed(&mut self, id: &str, hash: u64, node: u32, kind: NodeKind) -> bool {
        let Some(stored) = node.checked_add(1) else {
            return false;
        };
        if (self.filled + 1) * 3 > self.slots.len() * 2 {
            self.grow();
        }
        let id = id.as_bytes();
        let i = self.probe_hashed(id, hash);
        if !self.slots[i].is_empty() {
            return false;
        }
        let mut slot = Slot {
            node: stored,
            kind: self.kind_code(kind),
            len: id.len() as u32,
            text: [0; INLINE_ID],
        };
        if id.len() <= INLINE_ID {
            slot.text[..id.len()].copy_from_slice(id);
        } else {
            slot.text[..12].copy_from_slice(&id[..12]);
            slot.text[12..].copy_from_slice(&(self.long.len() as u64).to_le_bytes());
            self.long.extend_from_slice(id);
        }
        self.slots[i] = slot;
        self.filled += 1;
        true
    }

    /// Twice the slots, every node placed again.
    fn grow(&mut self) {
        let twice = empty_slots(self.slots.len() * 2);
        let old = std::mem::replace(&mut self.slots, twice);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| !s.is_empty()) {
            let mut i = hash_bytes(self.id_of(&slot)) as usize & mask;
            while !self.slots[i].is_empty() {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// Every node's number moved up by `first` (a table numbered from 0 for a sink whose
    /// first node has number `first`); `None` when a number would pass what a slot holds.
    fn numbered_from(mut self, first: u32) -> Option<NodeTable> {
        if first == 0 {
            return Some(self);
        }
        for slot in self.slots.iter_mut().filter(|s| !s.is_empty()) {
            slot.node = slot.node.checked_add(first)?;
        }
        Some(self)
    }

    /// The id a slot holds.
    fn id_of<'a>(&'a self, slot: &'a Slot) -> &'a [u8] {
        let len = slot.len as usize;
        if len <= INLINE_ID {
            return slot.text.get(..len).unwrap_or_default();
        }
        let mut at = [0u8; 8];
        at.copy_from_slice(&slot.text[12..]);
        let at = u64::from_le_bytes(at) as usize;
        self.long.get(at..at + len).unwrap_or_default()
    }
}

/// Reads `nodes.tsv` into `sink`, and into a [`NodeTable`] for the edges, on two threads: this
/// one adds each node to the sink, another reads the file again on its own and builds the
/// table (each spends most of its time waiting for memory, the other hardware thread of a core
/// fills those waits). The table numbers the `i`th node line `first + i`, where `first` is the
/// number the sink gave the first node: every line after the header is either empty or a node,
/// and any other line declines the whole load, so the two agree whenever neither declines. A
/// decline on either side stops the other at its next block; `None` then.
fn read_nodes(
    (path, columns): (&Path, &Columns),
    file: &str,
    sink: &mut dyn GraphSink,
    (blocks, lines): (&mut [StatementBlock], [usize; 2]),
) -> Option<NodeTable> {
    let stop = AtomicBool::new(false);
    let added = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (stop, added) = (&stop, &added);
        let tabler = scope.spawn(move || {
            let table = table_nodes((path, columns), stop);
            if table.is_none() {
                stop.store(true, Ordering::Relaxed);
            } else {
                // The table is most often done well before the nodes are added: the time
                // until then goes to the edge readers' pages.
                touch_room(blocks, lines, || !added.load(Ordering::Relaxed));
            }
            table
        });
        let first = add_nodes((path, columns), file, sink, stop);
        added.store(true, Ordering::Relaxed);
        if first.is_none() {
            stop.store(true, Ordering::Relaxed);
        }
        // A panic on the table's thread is taken as a decline: the full reader reads instead.
        let table = tabler.join().ok()??;
        table.numbered_from(first?)
    })
}

/// A node line (with its tabs and their count) in our columns: as it is, or rewritten into
/// `out` when the file has columns of its own; `None` when it cannot be.
fn node_fields<'a>(
    columns: &Columns,
    (line, tabs, count): (&'a str, &'a [usize], usize),
    out: &'a mut Rewritten,
) -> Option<(&'a str, &'a [usize], usize)> {
    match columns {
        Columns::Mapped(m) => {
            m.node_line(line, tabs, out)?;
            Some((&out.text, &out.tabs, out.tabs.len()))
        }
        _ => Some((line, tabs, count)),
    }
}

/// Whether a line is `nodes.tsv`'s header.
fn node_header(line: &str) -> bool {
    let line = line.strip_prefix('\u{FEFF}').unwrap_or(line);
    line.split('\t').eq(NODE_COLUMNS.iter().copied())
}

/// Node kinds by their (`mbckg_kind`, `category`) fields, for the few distinct pairs a graph
/// has; the last pair asked is kept apart, since nodes come grouped by kind.
#[derive(Default)]
struct KindMemo {
    by_fields: FxMap<(String, String), Kinded>,
    last: Option<(String, String, Kinded)>,
    /// The categories nodes keep as their own, each once.
    owns: Vec<String>,
    /// The Biolink table, read when a node of our kind first has a category of its own, or a
    /// node several categories.
    biolink: std::cell::OnceCell<Hierarchy>,
}

/// A node's kind, and the category it keeps as its own (DNA, a target, is a
/// `biolink:NucleicAcidEntity`), by its number in [`KindMemo::owns`].
#[derive(Clone, Copy)]
struct Kinded {
    kind: NodeKind,
    own_category: Option<u32>,
}

impl KindMemo {
    /// The kind a node line's `mbckg_kind` and `category` fields give (the kind field first,
    /// else the most specific category through the lexicon), and the category the node keeps
    /// as its own (as the full reader decides); `None` when neither names a kind.
    fn of(&mut self, kind: &str, category: &str) -> Option<Kinded> {
        if let Some((k, c, v)) = &self.last {
            if same(k.as_bytes(), kind.as_bytes()) && same(c.as_bytes(), category.as_bytes()) {
                return Some(*v);
            }
        }
        let key = (kind.to_string(), category.to_string());
        let v = match self.by_fields.get(&key) {
            Some(v) => *v,
            None => {
                let v = self.read(kind, category)?;
                self.by_fields.insert(key.clone(), v);
                v
            }
        };
        self.last = Some((key.0, key.1, v));
        Some(v)
    }

    /// The category numbered `n` in [`Self::owns`].
    fn own(&self, n: u32) -> &str {
        self.owns.get(n as usize).map_or("", String::as_str)
    }

    /// [`Self::of`] worked out.
    fn read(&mut self, kind: &str, category: &str) -> Option<Kinded> {
        let raw = unescaped(kind);
        // Most often one category, read without the table; of several, the most specific.
        let several = split_list(category);
        let cat = match several.as_slice() {
            [] => None,
            [one] => Some(one.as_str()),
            _ => self
                .biolink
                .get_or_init(Hierarchy::embedded)
                .most_specific(&several),
        };
        let kinded = match (raw.is_empty(), cat) {
            (false, given) => {
                let kind = NodeKind::named(&raw)?;
                // The common case, the kind's own category, without the table.
                let own = given
                    .filter(|c| lexicon::biolink_category(kind) != *c)
                    .and_then(|c| {
                        self.biolink
                            .get_or_init(Hierarchy::embedded)
                            .own_category(kind, Some(c))
                    });
                let own_category = own.map(|c| match self.owns.iter().position(|o| o == c) {
                    Some(n) => n as u32,
                    None => {
                        self.owns.push(c.to_string());
                        (self.owns.len() - 1) as u32
                    }
                });
                Kinded { kind, own_category }
            }
            (true, Some(cat)) => Kinded {
                kind: lexicon::kind_of_biolink(cat)?,
                own_category: None,
            },
            (true, None) => return None,
        };
        Some(kinded)
    }
}

/// Builds the [`NodeTable`] of `nodes.tsv`, numbering the node lines (every line after the
/// header but the empty ones) from 0; `None` when a line has not the node columns, names no
/// kind, or repeats an id, or when `stop` is set. What else makes [`add_nodes`] decline is not
/// checked here: it declines the load on its own.
fn table_nodes((path, columns): (&Path, &Columns), stop: &AtomicBool) -> Option<NodeTable> {
    let mut table = NodeTable::with_room(estimated_lines(path, SHORTEST_NODE).min(TABLE_ROOM));
    let mut kinds = KindMemo::default();
    let mut line_number = 0u32;
    let mut node = 0u32;
    // The last nodes read, by number modulo its length, not yet in the table.
    let mut held: Vec<Held> = (0..TABLE_AHEAD).map(|_| Held::default()).collect();
    let mut scan = Scan::default();
    let mut rewritten = Rewritten::default();
    for_blocks(path, (0, u64::MAX), stop, |text| {
        for_lines(
            text,
            &mut scan,
            |_, _, _| {},
            |line, tabs, count, escaped| {
                line_number = line_number.saturating_add(1);
                if line_number == 1 || line.is_empty() {
                    return Some(());
                }
                let (line, tabs, count) =
                    node_fields(columns, (line, tabs, count), &mut rewritten)?;
                let fields = Fields::new::<8>(line, tabs, count)?;
                let id = local_id(fields.get(0, 0)?, escaped);
                let kind = kinds.of(fields.get(6, 6)?, fields.get(1, 1)?)?.kind;
                let at = node as usize % TABLE_AHEAD;
                // The node read `TABLE_AHEAD` lines ago goes in; this one takes its place.
                if node as usize >= TABLE_AHEAD {
                    held[at].insert_into(&mut table)?;
                }
                let hash = hash_bytes(id.as_bytes());
                table.prefetch_hashed(hash);
                held[at].hold(&id, hash, node, kind);
                node = node.checked_add(1)?;
                Some(())
            },
        )
    })?;
    // The nodes still held, in the order read.
    for n in node.saturating_sub(TABLE_AHEAD as u32)..node {
        held[n as usize % TABLE_AHEAD].insert_into(&mut table)?;
    }
    Some(table)
}

/// How many node lines the table's thread reads past a node before it puts it in the table:
/// its slot, asked for when it is read, then has that long to come into the cache (a line is
/// read in less time than a slot takes to come from memory).
const TABLE_AHEAD: usize = 16;

/// A node read but not yet in the table: its id (a buffer used again and again), the id's hash,
/// its number and kind.
struct Held {
    id: String,
    hash: u64,
    node: u32,
    kind: NodeKind,
}

impl Default for Held {
    fn default() -> Held {
        Held {
            id: String::new(),
            hash: 0,
            node: 0,
            kind: NodeKind::Drug,
        }
    }
}

impl Held {
    fn hold(&mut self, id: &str, hash: u64, node: u32, kind: NodeKind) {
        self.id.clear();
        self.id.push_str(id);
        (self.hash, self.node, self.kind) = (hash, node, kind);
    }

    /// Puts the node in `table`; `None` when a node has its id.
    fn insert_into(&self, table: &mut NodeTable) -> Option<()> {
        table
            .insert_hashed(&self.id, self.hash, self.node, self.kind)
            .then_some(())
    }
}

/// Adds the nodes of `nodes.tsv` to `sink`; the number the sink gave the first (0 when there
/// is none). `None` on any line the full reader would report or repair, when the sink does not
/// number the nodes one after another, or when `stop` is set.
fn add_nodes(
    (path, columns): (&Path, &Columns),
    file: &str,
    sink: &mut dyn GraphSink,
    stop: &AtomicBool,
) -> Option<u32> {
    let mut kinds = KindMemo::default();
    let mut origin_file = String::new();
    let mut number = 0u32;
    // The first node's number and how many nodes were added.
    let mut first = None;
    let mut added = 0u32;
    let mut scan = Scan::default();
    let mut rewritten = Rewritten::default();
    // Where the file has the id: its first column in ours.
    let id_column = match columns {
        Columns::Mapped(m) => m.column_of(0),
        _ => Some(0),
    };
    // Shared by the reader of a line and the one that asks for its memory a line ahead.
    let sink = std::cell::RefCell::new(sink);
    for_blocks(path, (0, u64::MAX), stop, |text| {
        for_lines(
            text,
            &mut scan,
            |line, tabs, escaped| {
                // An escaped id is not worth it.
                if let (false, Some(field)) = (
                    escaped,
                    id_column.and_then(|c| remap::field_span(line, tabs, c)),
                ) {
                    let field = field.1;
                    sink.borrow()
                        .prefetch_node(field.strip_prefix(CURIE_PREFIX).unwrap_or(field));
                }
            },
            |line, tabs, count, escaped| {
                number = number.saturating_add(1);
                if number == 1 {
                    // The header the columns were made from.
                    let header = match columns {
                        Columns::Mapped(m) => m.is_header(line),
                        _ => node_header(line),
                    };
                    return header.then_some(());
                }
                if line.is_empty() {
                    return Some(());
                }
                let (line, tabs, count) =
                    node_fields(columns, (line, tabs, count), &mut rewritten)?;
                let [id, category, name, description, synonym, xref, kind, origin] =
                    Fields::new::<8>(line, tabs, count)?.all::<8>()?;
                let id = local_id(id, escaped);
                if id.is_empty() {
                    return None;
                }
                let Kinded { kind, own_category } = kinds.of(kind, category)?;
                let name = if escaped {
                    unescaped(name)
                } else {
                    Cow::Borrowed(name)
                };
                // Trimmed, as the full reader keeps a name; a node without one is named by its id.
                let name = match name.trim() {
                    "" => &*id,
                    name => name,
                };
                let note = unescaped(description);
                let own_category = own_category.map_or("", |n| kinds.own(n));
                let extra = NodeExtra {
                    aliases: synonym,
                    xrefs: xref,
                    note: &note,
                    category: own_category,
                };
                let parsed = if origin.is_empty() {
                    None
                } else {
                    parse_origin(&unescaped(origin))
                };
                let at = match parsed {
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
                // A second node of an id is left to the full reader, which reports it.
                let node = sink.borrow_mut().add_node(&id, kind, name, extra, at)?;
                // The table on the other thread numbers the nodes one after another.
                let first = *first.get_or_insert(node);
                if first.checked_add(added) != Some(node) {
                    return None;
                }
                added += 1;
                Some(())
            },
        )
    })?;
    Some(first.unwrap_or(0))
}

/// Where a statement or a citation was read: its own origin column, or (`None` for the file)
/// its line in `edges.tsv`, counted from the start of the reader's part of the file.
type Cited = BTreeMap<String, (Vec<String>, Origin, bool)>;

/// What one thread collects from its part of `edges.tsv`.
#[derive(Default)]
struct Part {
    block: StatementBlock,
    /// Lines in the part, blank ones and the header included.
    lines: u32,
    /// Source id → (sections in order first seen, where first cited, whether that place is a
    /// line of this part, to be moved by the lines before it).
    cited: Cited,
    /// subclass_of edges, to look for cycles once all are read (the full reader reports them).
    subclass_of: Vec<(String, String)>,
    /// (subject, any-of group, relation) → statements; a group of one is the full reader's error.
    any_of: HashMap<(String, String, Relation), u32>,
    /// Lines dropped because an end is not a node, and the first one's diagnostic (its line
    /// counted from the start of the part).
    dangling: u32,
    first_dangling: Option<Diagnostic>,
}

/// The relation an edge names before kinds are considered: from its `mbckg_relation`, or from
/// its predicate (then also what the predicate names as a relation of its own, for kinds ours
/// does not join).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Named {
    relation: Relation,
    from_predicate: Option<Option<Relation>>,
}

/// Slots in the relation cache (a power of two).
const RELATION_SLOTS: usize = 256;

/// Slots in the tail cache (a power of two).
const TAIL_SLOTS: usize = 256;

/// Lines a tail cache judges itself over: when most of a window's lines miss (every line's
/// tail its own, say a note per line), the next window's lines are read field by field without
/// asking it, and the window after tries it again.
const TAIL_WINDOW: u32 = 4096;

/// What an edge line's tail (every field after the object up to the origin: negation,
/// provenance, relation named, qualifiers) decided, for the lines of the same tail, which most
/// lines of a large graph share with some line before: the relation its `original_predicate`
/// names (`MBCKG:` taken off; empty when the predicate names it) and its facet (provenance and
/// qualifiers) in the block's numbering.
struct Tail {
    key: Box<[u8]>,
    hash: u64,
    ours: Box<str>,
    facet: u32,
    /// The relation the tail's `original_predicate` names between a subject and an object of
    /// these kinds, in the block's numbering: the last kinds its lines joined.
    relation: Option<(u32, u32, u16)>,
}

/// Tails seen lately, one per slot, by hash; and how well they serve.
struct Tails {
    slots: Vec<Option<Tail>>,
    /// Whether lines ask the cache (see [`TAIL_WINDOW`]).
    on: bool,
    lines: u32,
    misses: u32,
}

impl Tails {
    fn new() -> Tails {
        Tails {
            slots: (0..TAIL_SLOTS).map(|_| None).collect(),
            on: true,
            lines: 0,
            misses: 0,
        }
    }

    /// The slot holding the tail `key` (of hash `hash`).
    fn find(&self, key: &[u8], hash: u64) -> Option<usize> {
        let slot = hash as usize & (TAIL_SLOTS - 1);
        match self.slots.get(slot)? {
            Some(t) if t.hash == hash && same(&t.key, key) => Some(slot),
            _ => None,
        }
    }

    /// Remembers a tail, in place of the one in its slot.
    fn keep(&mut self, key: &[u8], hash: u64, ours: &str, facet: u32) {
        if let Some(slot) = self.slots.get_mut(hash as usize & (TAIL_SLOTS - 1)) {
            *slot = Some(Tail {
                key: key.into(),
                hash,
                ours: ours.into(),
                facet,
                relation: None,
            });
        }
    }

    /// Counts a line that asked the cache, found its tail or not; at the end of a window,
    /// decides whether the next asks.
    fn seen(&mut self, hit: bool) {
        self.lines += 1;
        self.misses += u32::from(!hit);
        if self.lines >= TAIL_WINDOW {
            self.on = self.misses * 2 <= self.lines;
            (self.lines, self.misses) = (0, 0);
        }
    }

    /// Counts a line that did not ask the cache while it was off: after a window of them, it
    /// is asked again.
    fn skipped(&mut self) {
        self.lines += 1;
        if self.lines >= TAIL_WINDOW {
            self.on = true;
            (self.lines, self.misses) = (0, 0);
        }
    }
}

/// The tail of an edge line whose first four tabs end at `object_end` (the last of them): the
/// fields after the object up to and with the tab before the last field (the origin), and the
/// origin. `None` when the line has no tab after the object.
fn tail_of(line: &str, object_end: usize) -> Option<(&[u8], &str)> {
    let bytes = line.as_bytes();
    // Most lines have no origin: their last byte is that tab.
    let end = if bytes.last() == Some(&b'\t') {
        bytes.len()
    } else {
        bytes.iter().rposition(|b| *b == b'\t')? + 1
    };
    let key = bytes.get(object_end + 1..end).filter(|k| !k.is_empty())?;
    Some((key, line.get(end..)?))
}

/// A 64-bit hash of a line's tail (about a hundred bytes): sixteen bytes a step in two
/// independent lanes, so the multiplies of one step do not wait for each other.
fn tail_hash(bytes: &[u8]) -> u64 {
    const K1: u64 = 0x9e37_79b9_7f4a_7c15;
    const K2: u64 = 0xc2b2_ae3d_27d4_eb4f;
    // Sixteen bytes as two words: a fixed-size read, which compiles to two loads (a slice of
    // any length copied into a word costs a call to `memmove` a word).
    let words = |c: &[u8; 16]| {
        let (mut x, mut y) = ([0u8; 8], [0u8; 8]);
        x.copy_from_slice(&c[..8]);
        y.copy_from_slice(&c[8..]);
        (u64::from_le_bytes(x), u64::from_le_bytes(y))
    };
    let (mut a, mut b) = (bytes.len() as u64, K2);
    let mut step = |c: &[u8; 16]| {
        let (x, y) = words(c);
        a = (a ^ x).wrapping_mul(K1).rotate_left(29);
        b = (b ^ y).wrapping_mul(K2).rotate_left(31);
    };
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        if let Ok(c) = <&[u8; 16]>::try_from(c) {
            step(c);
        }
    }
    if !chunks.remainder().is_empty() {
        // The last sixteen bytes, overlapping those hashed, read whole (a short remainder
        // copied aside byte by byte stalls the read of it many cycles); a text shorter than
        // sixteen bytes is padded with zeros.
        match bytes.len().checked_sub(16) {
            Some(from) => {
                if let Ok(c) = <&[u8; 16]>::try_from(&bytes[from..]) {
                    step(c);
                }
            }
            None => {
                let mut c = [0u8; 16];
                c[..bytes.len()].copy_from_slice(bytes);
                step(&c);
            }
        }
    }
    let h = a ^ b.rotate_left(32);
    let h = (h ^ (h >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 29)
}

/// One thread's reader of edge lines, with its memos.
struct EdgeReader<'a> {
    sink: &'a dyn GraphSink,
    nodes: &'a NodeTable,
    part: Part,
    /// `mbckg_relation` (our relation named) → the relation named.
    named_ours: FxMap<Box<str>, Named>,
    /// Predicate (of an edge without `mbckg_relation`) → the relation named.
    named_predicate: FxMap<Box<str>, Named>,
    /// (relation named, subject kind, object kind) → the statement's relation in the block's
    /// numbering, `None` when the kinds do not allow it.
    allowed: FxMap<(Named, NodeKind, NodeKind), Option<u16>>,
    /// Raw `source\toriginal_predicate\tsection\tevidence\tnote` → provenance (the predicate
    /// is no part of it, but makes the five fields one slice).
    provenance: FxMap<Box<str>, u32>,
    /// The last provenance read: its source field, its section, evidence and note fields (as
    /// one slice), and its number. Without the predicate, which changes from line to line
    /// where the provenance does not.
    last_provenance: (String, String, u32),
    /// Raw qualifier columns → qualifiers, and the last one read.
    qualifiers: FxMap<Box<str>, u32>,
    last_qualifiers: (String, u32),
    /// (provenance, qualifiers) → facet, and the last one.
    facets: FxMap<(u32, u32), u32>,
    last_facet: ((u32, u32), u32),
    /// File named in an origin column → its index in the block's files (0: this file).
    files: FxMap<Box<str>, u16>,
    /// The last subject's field, node and kind code.
    last_subject: (String, u32, u32),
    /// (hash, no `mbckg_relation`, subject kind, object kind, relation text, relation) last
    /// decided in each slot.
    #[allow(clippy::type_complexity)]
    relation_cache: Vec<(u64, bool, u32, u32, Box<str>, Option<u16>)>,
    /// Tails of lines read, with what they decided.
    tails: Tails,
    /// Set when a line was declined because an end is not a node (see [`Self::dropped`]).
    missing_end: bool,
    /// Whether such a line declines the load (the full reader then reports each).
    strict: bool,
}

impl<'a> EdgeReader<'a> {
    fn new(
        (sink, nodes): (&'a dyn GraphSink, &'a NodeTable),
        (file, strict): (&str, bool),
        block: StatementBlock,
    ) -> EdgeReader<'a> {
        let mut part = Part {
            block,
            ..Part::default()
        };
        part.block.files.push(file.to_string());
        EdgeReader {
            sink,
            nodes,
            part,
            named_ours: FxMap::default(),
            named_predicate: FxMap::default(),
            allowed: FxMap::default(),
            provenance: FxMap::default(),
            // Never a line's: the three fields of the second hold two tabs.
            last_provenance: (String::new(), String::new(), 0),
            qualifiers: FxMap::default(),
            last_qualifiers: (String::from("\0"), 0),
            facets: FxMap::default(),
            last_facet: ((u32::MAX, u32::MAX), 0),
            files: FxMap::default(),
            last_subject: (String::new(), u32::MAX, u32::MAX),
            relation_cache: vec![
                (0, false, u32::MAX, u32::MAX, Box::from("\0"), None);
                RELATION_SLOTS
            ],
            tails: Tails::new(),
            missing_end: false,
            strict,
        }
    }

    /// After a line was declined: when for an end that is not a node (an edge the full reader
    /// drops, with one warning for all), the line is dropped and counted, the first one kept for
    /// the warning, as the full reader words it: `line` the line as read, with the offsets and
    /// fields of its subject and object. `None` when the line was declined for anything else,
    /// or with `strict`.
    fn dropped(
        &mut self,
        line: &str,
        [subject, object]: [(usize, &str); 2],
        escaped: bool,
    ) -> Option<()> {
        if !std::mem::take(&mut self.missing_end) || self.strict {
            return None;
        }
        self.part.dangling += 1;
        if self.part.first_dangling.is_none() {
            // The full reader looks the subject up first.
            let missing = self.nodes.find(&local_id(subject.1, escaped)).is_none();
            let (what, (at, field)) = if missing {
                ("subject", subject)
            } else {
                ("object", object)
            };
            let written = crate::model::kgx::local_id(field);
            let origin = Origin {
                file: self.part.block.files.first().cloned().unwrap_or_default(),
                line: self.part.lines,
                col: line.get(..at).map_or(0, |s| s.chars().count()) as u32 + 1,
            };
            let mut d = Diagnostic::error(format!("{what} `{written}` is not a node"), origin);
            d.snippet = Some((line.to_string(), field.chars().count()));
            self.part.first_dangling = Some(d);
        }
        Some(())
    }

    /// The node an id field names and its kind's code.
    fn node(&self, field: &str, escaped: bool) -> Option<(u32, u32)> {
        self.nodes.find(&local_id(field, escaped))
    }

    /// The relation of an edge as [`EdgeReader::relation`] decides it, remembered for the
    /// last texts and kinds seen in each slot of a small cache.
    fn cached_relation(&mut self, predicate: &str, ours: &str, sk: u32, ok: u32) -> Option<u16> {
        let text = if ours.is_empty() { predicate } else { ours };
        let kinds = (u64::from(sk) << 32 | u64::from(ok)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let h = hash_bytes(text.as_bytes()) ^ kinds;
        let slot = (h as usize ^ usize::from(ours.is_empty())) & (RELATION_SLOTS - 1);
        if let Some(c) = self.relation_cache.get(slot) {
            if c.0 == h
                && c.1 == ours.is_empty()
                && c.2 == sk
                && c.3 == ok
                && same(c.4.as_bytes(), text.as_bytes())
            {
                return c.5;
            }
        }
        let code = self.relation(predicate, ours, self.nodes.kind(sk)?, self.nodes.kind(ok)?);
        if let Some(c) = self.relation_cache.get_mut(slot) {
            *c = (h, ours.is_empty(), sk, ok, text.into(), code);
        }
        code
    }

    /// Reads one edge line, `head` the positions of its first tabs (up to [`HEAD_TABS`]):
    /// from what an earlier line of the same tail decided when there is one, else field by
    /// field (and its tail remembered).
    fn line(&mut self, line: &HeadLine<'_>, escaped: bool) -> Option<()> {
        let head = line.head();
        let tail = if !self.tails.on {
            self.tails.skipped();
            None
        } else if !escaped && head.len() == HEAD_TABS {
            tail_of(line.text, head[HEAD_TABS - 1])
        } else {
            None
        };
        let hash = tail.map(|(key, _)| tail_hash(key));
        if let (Some((key, origin)), Some(hash)) = (tail, hash) {
            if let Some(slot) = self.tails.find(key, hash) {
                self.tails.seen(true);
                return self.line_of_tail(line, origin, slot);
            }
            self.tails.seen(false);
        }
        let mut all = [0usize; MAX_TABS];
        let count = line.tabs.fill(&mut all, true);
        let decided =
            self.line_by_fields(line.text, &all[..count.min(MAX_TABS)], count, escaped)?;
        if let (Some((key, _)), Some(hash), Some((ours, facet))) = (tail, hash, decided) {
            self.tails.keep(key, hash, ours, facet);
        }
        Some(())
    }

    /// Reads an edge line whose tail is that of tail slot `slot`: its subject, predicate and
    /// object at the tabs `head`, its origin `origin`; what the tail decides (its relation
    /// named, provenance and qualifiers) taken from the slot.
    fn line_of_tail(&mut self, line: &HeadLine<'_>, origin: &str, slot: usize) -> Option<()> {
        let [a, b, c, d] = <[usize; HEAD_TABS]>::try_from(line.head()).ok()?;
        let text = line.text;
        let ends = [
            text.get(a + 1..b)?,
            text.get(b + 1..c)?,
            text.get(c + 1..d)?,
        ];
        self.line_of_tail_fields(ends, origin, line.hint, slot)
    }

    /// [`Self::line_of_tail`] for the line's subject, predicate and object fields and origin,
    /// `hint` the hash of the object's id.
    fn line_of_tail_fields(
        &mut self,
        [subject, predicate, object]: [&str; 3],
        origin: &str,
        hint: u64,
        slot: usize,
    ) -> Option<()> {
        let number = self.part.lines;
        let sk = self.subject(subject, false)?;
        // Found by the hash the look ahead took (of the id without `MBCKG:`, as here: the
        // line has no escapes).
        let id = object.strip_prefix(CURIE_PREFIX).unwrap_or(object);
        let Some((o, ok)) = self.nodes.find_hashed(id.as_bytes(), hint) else {
            self.missing_end = true;
            return None;
        };
        let tail = self.tails.slots.get(slot)?.as_ref()?;
        let facet = tail.facet;
        let relation = match tail.relation {
            // The relation the tail names, between the kinds of the line before of this tail.
            Some((s, o, code)) if s == sk && o == ok => code,
            _ => {
                // Taken out of its slot while the relation is decided (which needs the
                // reader), and put back.
                let mut tail = self.tails.slots.get_mut(slot)?.take()?;
                let predicate = if tail.ours.is_empty() { predicate } else { "" };
                let relation = self.cached_relation(predicate, &tail.ours, sk, ok);
                // Where the predicate names the relation, it is not the tail's to remember.
                tail.relation = relation
                    .filter(|_| !tail.ours.is_empty())
                    .map(|code| (sk, ok, code));
                if let Some(s) = self.tails.slots.get_mut(slot) {
                    *s = Some(tail);
                }
                relation?
            }
        };
        let place = if origin.is_empty() {
            Place {
                line: number,
                file: 0,
                col: 1,
            }
        } else {
            self.place(origin)?
        };
        let rel = self.relation_of(relation)?;
        if rel == Relation::SubclassOf {
            self.part.subclass_of.push((
                local_id(subject, false).into_owned(),
                local_id(object, false).into_owned(),
            ));
        }
        let block = &mut self.part.block;
        block.object.push(o);
        block.relation.push(relation);
        block.facet.push(facet);
        block.origin.push(place);
        Some(())
    }

    /// Reads one line of a file in columns of its own, `tabs` all its tabs, `hint` the hash of
    /// its object's id: from what an earlier line of the same tail (the file's columns that
    /// decide ours after the object) decided when there is one, else rewritten into `out` and
    /// read field by field (and its tail remembered).
    fn mapped_line(
        &mut self,
        m: &Remap,
        (text, tabs, hint): (&str, &[usize], u64),
        escaped: bool,
        out: &mut Rewritten,
    ) -> Option<()> {
        // A line longer than the header is the full reader's to report, whatever its tail.
        if !m.fits(tabs) {
            return None;
        }
        let key = if !self.tails.on {
            self.tails.skipped();
            None
        } else if escaped {
            None
        } else {
            m.tail_key(text, tabs)
        };
        let hash = key.map(tail_hash);
        if let (Some(key), Some(hash)) = (key, hash) {
            if let Some(slot) = self.tails.find(key, hash) {
                self.tails.seen(true);
                let (ends, origin) = m.ends(text, tabs);
                return self.line_of_tail_fields(ends, origin, hint, slot);
            }
            self.tails.seen(false);
        }
        m.edge_line(text, tabs, escaped, out)?;
        let decided = self.line_by_fields(&out.text, &out.tabs, out.tabs.len(), escaped)?;
        if let (Some(key), Some(hash), Some((ours, facet))) = (key, hash, decided) {
            self.tails.keep(key, hash, ours, facet);
        }
        Some(())
    }

    /// The kind code of the node a subject field names; a new subject starts a run of the
    /// block's statements.
    fn subject(&mut self, field: &str, escaped: bool) -> Option<u32> {
        if !field.is_empty() && same(self.last_subject.0.as_bytes(), field.as_bytes()) {
            return Some(self.last_subject.2);
        }
        let id = local_id(field, escaped);
        // Edges come grouped by subject, often in the order of the nodes: try the next one
        // before the hash table.
        let next = self.last_subject.1.wrapping_add(1);
        let (s, sk) = match self.sink.node_at(next) {
            Some((next_id, kind)) if next_id == id => {
                // Most often the kind of the subject before.
                let code = match self.nodes.kind(self.last_subject.2) {
                    Some(k) if k == kind => self.last_subject.2,
                    _ => self.nodes.code(kind)?,
                };
                (next, code)
            }
            _ => match self.nodes.find(&id) {
                Some(found) => found,
                None => {
                    self.missing_end = true;
                    return None;
                }
            },
        };
        self.last_subject.0.clear();
        self.last_subject.0.push_str(field);
        (self.last_subject.1, self.last_subject.2) = (s, sk);
        self.part
            .block
            .runs
            .push((s, self.part.block.object.len() as u32));
        Some(sk)
    }

    /// Reads one edge line field by field; `number` counts from the start of this part. What
    /// its tail decided, to be remembered for lines of the same tail: the relation it names in
    /// `original_predicate` (`MBCKG:` taken off; empty when the predicate names it) and its
    /// facet; `None` inside when the line is not to be remembered (it has an any-of group,
    /// which is counted line by line, or escapes).
    fn line_by_fields<'l>(
        &mut self,
        line: &'l str,
        tabs: &[usize],
        count: usize,
        escaped: bool,
    ) -> Option<Option<(&'l str, u32)>> {
        let number = self.part.lines;
        let f = Fields::new::<22>(line, tabs, count)?;
        let sk = self.subject(f.get(1, 1)?, escaped)?;
        let Some((o, ok)) = self.node(f.get(3, 3)?, escaped) else {
            self.missing_end = true;
            return None;
        };
        // A negated edge without our relation is left to the full reader.
        let original = f.get(8, 8)?;
        // The full reader takes `MBCKG:` off the unescaped field: an escaped one is left to it.
        if escaped && original.contains('\\') {
            return None;
        }
        let ours = original.strip_prefix(CURIE_PREFIX).unwrap_or("");
        if ours.is_empty() && !matches!(f.bytes(4, 4), b"" | b"false" | b"False") {
            return None;
        }
        let predicate = if ours.is_empty() { f.get(2, 2)? } else { "" };
        let relation = self.cached_relation(predicate, ours, sk, ok)?;
        // The origin column, or the statement's place in edges.tsv (file 0).
        let place = if f.bytes(21, 21).is_empty() {
            Place {
                line: number,
                file: 0,
                col: 1,
            }
        } else {
            self.place(f.get(21, 21)?)?
        };
        // The source, and section, evidence and note.
        let p = if same(self.last_provenance.0.as_bytes(), f.bytes(7, 7))
            && same(self.last_provenance.1.as_bytes(), f.bytes(9, 11))
        {
            self.last_provenance.2
        } else {
            let key = f.get(7, 11)?;
            let p = match self.provenance.get(key) {
                Some(p) => *p,
                None => {
                    let parts = [f.get(7, 7)?, f.get(9, 9)?, f.get(10, 10)?, f.get(11, 11)?];
                    let p = self.new_provenance(parts, place)?;
                    self.provenance.insert(key.into(), p);
                    p
                }
            };
            let last = &mut self.last_provenance;
            last.0.clear();
            last.0.push_str(f.get(7, 7)?);
            last.1.clear();
            last.1.push_str(f.get(9, 11)?);
            last.2 = p;
            p
        };
        let key = f.bytes(12, 20);
        let q = if same(self.last_qualifiers.0.as_bytes(), key) {
            self.last_qualifiers.1
        } else {
            let key = f.get(12, 20)?;
            let q = match self.qualifiers.get(key) {
                Some(q) => *q,
                None => {
                    let columns: Vec<&str> = key.split('\t').collect();
                    let q = qualifiers_from_columns(&columns).ok()?;
                    let id = self.part.block.qualifiers.len() as u32;
                    self.part.block.qualifiers.push(q);
                    self.qualifiers.insert(key.into(), id);
                    id
                }
            };
            self.last_qualifiers.0.clear();
            self.last_qualifiers.0.push_str(key);
            self.last_qualifiers.1 = q;
            q
        };
        let facet = if self.last_facet.0 == (p, q) {
            self.last_facet.1
        } else {
            let next = self.part.block.facets.len() as u32;
            let facet = *self.facets.entry((p, q)).or_insert(next);
            if facet == next {
                self.part.block.facets.push((p, q));
            }
            self.last_facet = ((p, q), facet);
            facet
        };
        let rel = self.relation_of(relation)?;
        if !f.bytes(20, 20).is_empty() {
            // Any-of groups are checked across statements, once all are read.
            if !super::validate::ANY_OF_RELATIONS.contains(&rel) {
                return None;
            }
            let group = unescaped(f.get(20, 20)?).into_owned();
            *self
                .part
                .any_of
                .entry((local_id(f.get(1, 1)?, true).into_owned(), group, rel))
                .or_insert(0) += 1;
        }
        if rel == Relation::SubclassOf {
            self.part.subclass_of.push((
                local_id(f.get(1, 1)?, true).into_owned(),
                local_id(f.get(3, 3)?, true).into_owned(),
            ));
        }
        let block = &mut self.part.block;
        block.object.push(o);
        block.relation.push(relation);
        block.facet.push(facet);
        block.origin.push(place);
        Some((!escaped && f.bytes(20, 20).is_empty()).then_some((ours, facet)))
    }

    /// The relation of an edge in the block's numbering, as the full reader decides it; `None`
    /// when it would be an error.
    fn relation(&mut self, predicate: &str, ours: &str, sk: NodeKind, ok: NodeKind) -> Option<u16> {
        let (memo, text) = if ours.is_empty() {
            (&mut self.named_predicate, predicate)
        } else {
            (&mut self.named_ours, ours)
        };
        let named = match memo.get(text) {
            Some(n) => *n,
            None => {
                let n = if !ours.is_empty() {
                    Named {
                        relation: Relation::named(&unescaped(ours))?,
                        from_predicate: None,
                    }
                } else if !predicate.is_empty() {
                    let p = unescaped(predicate);
                    Named {
                        relation: lexicon::relation_of_biolink(&p)?,
                        from_predicate: Some(Relation::named(&p)),
                    }
                } else {
                    return None;
                };
                memo.insert(text.into(), n);
                n
            }
        };
        if let Some(code) = self.allowed.get(&(named, sk, ok)) {
            return *code;
        }
        // A Biolink predicate read as one of our relations stays its own relation when the
        // kinds it joins here are not ones ours joins.
        let relation = match named.from_predicate {
            Some(own) if !lexicon::allows(named.relation, sk, ok) => own.unwrap_or(named.relation),
            _ => named.relation,
        };
        let code = lexicon::allows(relation, sk, ok).then(|| {
            let relations = &mut self.part.block.relations;
            match relations.iter().position(|r| *r == relation) {
                Some(c) => c as u16,
                None => {
                    relations.push(relation);
                    (relations.len() - 1) as u16
                }
            }
        });
        self.allowed.insert((named, sk, ok), code);
        code
    }

    /// The place an origin column names, its file numbered in the block.
    /// The relation this part numbered `code`.
    fn relation_of(&self, code: u16) -> Option<Relation> {
        self.part.block.relations.get(usize::from(code)).copied()
    }

    fn place(&mut self, field: &str) -> Option<Place> {
        let Some(origin) = parse_origin(&unescaped(field)) else {
            return Some(Place {
                line: self.part.lines,
                file: 0,
                col: 1,
            });
        };
        let next = u16::try_from(self.part.block.files.len()).unwrap_or(u16::MAX);
        let file = *self
            .files
            .entry(origin.file.as_str().into())
            .or_insert(next);
        if file == next && next != u16::MAX {
            self.part.block.files.push(origin.file);
        }
        Some(Place {
            line: origin.line,
            file,
            col: u16::try_from(origin.col).unwrap_or(u16::MAX),
        })
    }

    /// A provenance seen for the first time: parsed, its source's citation noted.
    fn new_provenance(
        &mut self,
        [source, section, evidence, note]: [&str; 4],
        place: Place,
    ) -> Option<u32> {
        let raw_ev = unescaped(evidence);
        let evidence = if raw_ev.is_empty() {
            Evidence::Unspecified
        } else {
            Evidence::parse(&raw_ev)?
        };
        // The first item of the list (most often the whole field), as the full reader takes it;
        // a field whose items are all blank names no source.
        let source = match list_items(source).next() {
            None => UNATTRIBUTED.to_string(),
            Some(s) => match s.strip_prefix(INFORES_PREFIX) {
                Some(ours) => ours.to_string(),
                None => s.into_owned(),
            },
        };
        let section = match unescaped(section) {
            s if s.is_empty() => "(whole source)".to_string(),
            s => s.into_owned(),
        };
        match self.part.cited.get_mut(&source) {
            Some((sections, _, _)) => {
                if !sections.contains(&section) {
                    sections.push(section.clone());
                }
            }
            None => {
                let file = self
                    .part
                    .block
                    .files
                    .get(usize::from(place.file))
                    .cloned()
                    .unwrap_or_default();
                let origin = Origin {
                    file,
                    line: place.line,
                    col: u32::from(place.col),
                };
                self.part.cited.insert(
                    source.clone(),
                    (vec![section.clone()], origin, place.file == 0),
                );
            }
        }
        let p = self.part.block.provenances.len() as u32;
        self.part.block.provenances.push(Provenance {
            source,
            section,
            evidence,
            note: unescaped(note).into_owned(),
        });
        Some(p)
    }
}

/// The parts of `edges.tsv` its readers are to read: for each, where its next read starts
/// (what is before it the reader has read or is reading) and where its part ends. A reader done
/// with its part takes the second half of what is left of the other's, so that a reader that
/// runs slower (on a busy core) does not keep the other waiting.
struct Shares<'a> {
    path: &'a Path,
    left: std::sync::Mutex<Vec<(u64, u64)>>,
    /// The least a reader takes of another's part.
    least: u64,
}

impl Shares<'_> {
    fn left(&self) -> std::sync::MutexGuard<'_, Vec<(u64, u64)>> {
        // A reader that panicked while it held the lock left plain numbers, still good (and the
        // load is declined).
        self.left
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many of `want` bytes at `at` reader `me` may read (0: its part ends at `at`).
    fn claim(&self, me: usize, at: u64, want: u64) -> u64 {
        let mut left = self.left();
        let Some((next, end)) = left.get_mut(me) else {
            return 0;
        };
        let n = want.min(end.saturating_sub(at));
        *next = (*next).max(at.saturating_add(n));
        n
    }

    /// A new part for reader `me`, done with its own: the second half of the most another has
    /// left, from the first line that starts there; `None` when no other has `least` bytes left.
    fn take(&self, me: usize) -> Option<(u64, u64)> {
        let mut left = self.left();
        let (other, (next, end)) = left
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| *i != me)
            .max_by_key(|(_, (next, end))| end.saturating_sub(*next))?;
        let rest = end.saturating_sub(next);
        if rest < self.least.max(2) {
            return None;
        }
        // Past what the other has read or is reading; a line start, as its end is.
        let cut = split_point(self.path, end, next + rest / 2);
        if cut <= next || cut >= end {
            return None;
        }
        *left.get_mut(other)? = (next, cut);
        *left.get_mut(me)? = (cut, end);
        Some((cut, end))
    }
}

/// Reads `edges.tsv` as reader `me` of `shares`, into `block`: its part, then parts it takes of
/// the other's (the first into `spare`, others into blocks `room` makes). Each piece read, from
/// its first byte, with what it gives. The header is the first line of the piece at byte 0.
fn read_share(
    sink: (&dyn GraphSink, &NodeTable),
    (path, file, columns): (&Path, (&str, bool), &Columns),
    (me, shares): (usize, &Shares<'_>),
    (block, spare, room): (
        StatementBlock,
        StatementBlock,
        &(dyn Fn(u64, u64) -> StatementBlock + Sync),
    ),
    stop: &AtomicBool,
) -> Option<Vec<(u64, Part)>> {
    let mut spare = Some(spare);
    let mut reader = EdgeReader::new(sink, file, block);
    let mut scan = Scan::default();
    let nodes = sink.1;
    let mut from = shares.left().get(me)?.0;
    let mut pieces = Vec::new();
    // A file in columns of its own: each line rewritten into ours before it is read.
    let remap = match columns {
        Columns::Mapped(m) => Some(m),
        _ => None,
    };
    let object_column = remap.map_or(Some(3), |m| m.column_of(3));
    let mut rewritten = Rewritten::default();
    let mut all = [0usize; MAX_TABS];
    let mut object_tabs = [0usize; MAX_TABS];
    loop {
        let claim = |at, want| shares.claim(me, at, want);
        let read = for_claimed_blocks(path, from, claim, stop, |text| {
            let ahead = |line: &str, head: &[usize], tabs: &LineTabs<'_>| {
                // The object's id, as `EdgeReader::node` finds it; its hash is the line's hint
                // (an escaped id's is of no use, and the slot asked for then only a wasted
                // hint). A rewritten line's object is the field of its column, empty when the
                // line is short of it, as the rewriting gives it.
                let field = match (remap, head.get(2), head.get(3)) {
                    (None, Some(&a), Some(&b)) => line.as_bytes().get(a + 1..b).unwrap_or_default(),
                    (None, _, _) => return 0,
                    (Some(_), _, _) => {
                        let Some(k) = object_column else { return 0 };
                        let found = tabs.fill(&mut object_tabs[..(k + 1).min(MAX_TABS)], false);
                        remap::field_span(line, &object_tabs[..found], k)
                            .map_or(&b""[..], |(_, f)| f.as_bytes())
                    }
                };
                let id = field.strip_prefix(CURIE_PREFIX.as_bytes()).unwrap_or(field);
                let hash = hash_bytes(id);
                nodes.prefetch_hashed(hash);
                hash
            };
            for_head_lines(text, &mut scan, ahead, |line, escaped| {
                reader.part.lines = reader.part.lines.saturating_add(1);
                if from == 0 && reader.part.lines == 1 {
                    let text = line.text.strip_prefix('\u{FEFF}').unwrap_or(line.text);
                    let header = match columns {
                        Columns::Mapped(m) => m.is_header(text),
                        _ => text.split('\t').eq(EDGE_COLUMNS.iter().copied()),
                    };
                    return header.then_some(());
                }
                if line.text.is_empty() {
                    return Some(());
                }
                // A line declined for an end that is not a node is dropped, as the full reader
                // drops it (see `EdgeReader::dropped`).
                let text = line.text;
                let Some(m) = remap else {
                    return reader.line(line, escaped).or_else(|| {
                        let [a, b, c, d] = <[usize; HEAD_TABS]>::try_from(line.head()).ok()?;
                        let ends = [(a + 1, text.get(a + 1..b)?), (c + 1, text.get(c + 1..d)?)];
                        reader.dropped(text, ends, escaped)
                    });
                };
                let count = line.tabs.fill(&mut all, true);
                let tabs = &all[..count.min(MAX_TABS)];
                reader
                    .mapped_line(m, (text, tabs, line.hint), escaped, &mut rewritten)
                    .or_else(|| reader.dropped(text, m.end_fields(text, tabs), escaped))
            })
        });
        if read.is_none() {
            // The other reader need not finish: the whole load is declined.
            stop.store(true, Ordering::Relaxed);
            return None;
        }
        let taken = shares.take(me);
        let next = match taken {
            Some((a, b)) => spare.take().unwrap_or_else(|| room(a, b)),
            None => StatementBlock::default(),
        };
        // Each piece numbered its own way, by a reader of its own (whose memos start empty):
        // pieces handed over in file order then number as a read line by line does, in
        // whatever order a reader read them.
        let done = std::mem::replace(&mut reader, EdgeReader::new(sink, file, next));
        pieces.push((from, done.part));
        match taken {
            Some((a, _)) => from = a,
            None => return Some(pieces),
        }
    }
}

/// Where the second thread starts: where the first line at or after byte `cut` starts (`len`
/// when there is none).
fn split_point(path: &Path, len: u64, cut: u64) -> u64 {
    if cut == 0 || cut >= len {
        return cut.min(len);
    }
    let find = || -> std::io::Result<Option<u64>> {
        let mut file = std::fs::File::open(path)?;
        // The byte before `cut` tells whether a line starts at `cut`.
        let mut at = cut - 1;
        file.seek(SeekFrom::Start(at))?;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                return Ok(None);
            }
            if let Some(i) = buf[..n].iter().position(|b| *b == b'\n') {
                return Ok(Some(at + i as u64 + 1));
            }
            at += n as u64;
        }
    };
    find().ok().flatten().unwrap_or(len)
}

fn read_edges(
    (path, columns): (&Path, &Columns),
    file: (&str, bool),
    (sink, nodes): (&mut dyn GraphSink, &NodeTable),
    mut plan: EdgePlan,
) -> Option<Streamed> {
    let (len, split) = (plan.len, plan.split);
    let [first_block, second_block] = std::mem::take(&mut plan.blocks);
    let room = |a: u64, b: u64| plan.room(a, b);
    // Blocks for the first part each reader takes of the other's, made on this thread for the
    // reason the first blocks are: room for half the larger part, more than a first take can
    // be (a part taken is half of what is left of one; room not used is never touched).
    let spare = || room(0, split.max(len - split) / 2);
    let (spare0, spare1) = (spare(), spare());
    let parts = if split < len {
        vec![(0, split), (split, len)]
    } else {
        vec![(0, len)]
    };
    let shares = Shares {
        path,
        left: std::sync::Mutex::new(parts),
        least: plan.least,
    };
    let stop = AtomicBool::new(false);
    let shared: (&dyn GraphSink, &NodeTable) = (sink, nodes);
    let file_path = (path, file, columns);
    let (first, second) = std::thread::scope(|scope| {
        let (shares, stop, room) = (&shares, &stop, &room);
        let second = (split < len).then(|| {
            scope.spawn(move || {
                read_share(
                    shared,
                    file_path,
                    (1, shares),
                    (second_block, spare1, room),
                    stop,
                )
            })
        });
        let first = read_share(
            shared,
            file_path,
            (0, shares),
            (first_block, spare0, room),
            stop,
        );
        // A reader that panicked (a bug) declines the load rather than ending the program.
        let second = second.map(|h| h.join().ok().flatten());
        (first, second)
    });
    let mut pieces = first?;
    if let Some(second) = second {
        pieces.extend(second?);
    }
    // In file order (a piece with no lines, which gives nothing, may start where another does).
    pieces.sort_by_key(|(from, _)| *from);
    let mut cited = Cited::new();
    let mut dangling = 0usize;
    let mut first_dangling: Option<Diagnostic> = None;
    let mut subclass_of = Vec::new();
    let mut any_of = HashMap::new();
    // Lines of the file before the piece.
    let mut before = 0u32;
    for (_, mut part) in pieces {
        // Lines of a piece counted from its start: moved past the pieces' before it (a run's
        // first place moved, the rest of its run follows).
        if before > 0 {
            for place in part.block.origin.firsts_mut() {
                if place.file == 0 {
                    place.line = place.line.saturating_add(before);
                }
            }
        }
        for (source, (sections, mut origin, here)) in part.cited {
            match cited.get_mut(&source) {
                Some((known, _, _)) => {
                    for s in sections {
                        if !known.contains(&s) {
                            known.push(s);
                        }
                    }
                }
                None => {
                    if here {
                        origin.line = origin.line.saturating_add(before);
                    }
                    cited.insert(source, (sections, origin, here));
                }
            }
        }
        dangling += part.dangling as usize;
        if let (None, Some(mut d)) = (&first_dangling, part.first_dangling) {
            d.origin.line = d.origin.line.saturating_add(before);
            first_dangling = Some(d);
        }
        subclass_of.extend(part.subclass_of);
        for (key, n) in part.any_of {
            *any_of.entry(key).or_insert(0) += n;
        }
        before = before.saturating_add(part.lines);
        sink.add_block(part.block);
    }
    let mut cycles = Vec::new();
    // Only whether there is a cycle matters here (the full reader reports it), not where.
    let nowhere = Origin {
        file: String::new(),
        line: 0,
        col: 0,
    };
    super::validate::check_cycles(
        subclass_of
            .iter()
            .map(|(s, o)| (s.as_str(), o.as_str(), &nowhere)),
        &mut cycles,
    );
    if !cycles.is_empty() || any_of.values().any(|n| *n < 2) {
        return None;
    }
    let warnings = first_dangling
        .map(|first| dangling_warning(&first, dangling))
        .into_iter()
        .collect();
    Some(Streamed {
        sources: sources(cited),
        warnings,
    })
}

/// One source per cited id, titled with the id, listing its sections in the order first seen.
fn sources(cited: Cited) -> Vec<Source> {
    cited
        .into_iter()
        .map(|(id, (sections, origin, _))| Source::cited(id, sections, origin))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tab and newline positions a plain scan finds.
    fn plain(bytes: &[u8]) -> Vec<usize> {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b'\t' | b'\n'))
            .map(|(i, _)| i)
            .collect()
    }

    /// The tab and newline positions the scan finds, after checking its other findings and
    /// that tabs are tabs and newlines newlines.
    fn masked(bytes: &[u8]) -> Vec<usize> {
        let mut scan = Scan::default();
        scan.of_portable(bytes);
        let portable = (
            scan.tabs.clone(),
            scan.newlines.clone(),
            scan.backslash,
            scan.non_ascii,
        );
        // The CPU's widest path finds what the portable one does.
        scan.of(bytes);
        assert_eq!(
            (
                scan.tabs.clone(),
                scan.newlines.clone(),
                scan.backslash,
                scan.non_ascii
            ),
            portable
        );
        assert_eq!(scan.backslash, bytes.contains(&b'\\'));
        assert_eq!(scan.non_ascii, !bytes.is_ascii());
        let mut out = Vec::new();
        for (w, (t, n)) in scan.tabs.iter().zip(&scan.newlines).enumerate() {
            for bit in 0..64 {
                let at = w * 64 + bit;
                if t >> bit & 1 == 1 {
                    assert_eq!(bytes[at], b'\t');
                    out.push(at);
                }
                if n >> bit & 1 == 1 {
                    assert_eq!(bytes[at], b'\n');
                    out.push(at);
                }
            }
        }
        out
    }

    #[test]
    fn separators_are_found_wherever_they_fall_and_nothing_else() {
        // Every byte value, separators next to each other, at word and mask edges, and bytes
        // one away from a separator (8, 11, 0x89, 0x8a), which a sloppy zero test confuses.
        let mut bytes: Vec<u8> = (0..=255u8).collect();
        bytes.extend(b"\t\t\n\n\x08\x0b\x89\x8a\t");
        for len in [0, 1, 7, 8, 63, 64, 65, 127, 200] {
            let mut b: Vec<u8> = (0..len)
                .map(|i| [b'a', b'\t', 0x89, b'\n', 0x0b][i % 5])
                .collect();
            b.extend_from_slice(&bytes);
            assert_eq!(masked(&b), plain(&b), "length {len}");
        }
        assert_eq!(masked(b"no\tbackslash\n"), [2, 12]);
        // A backslash or a byte past ASCII only in the bytes after the last whole chunk.
        for tail in [&b"\\"[..], "é".as_bytes()] {
            let mut b = vec![b'a'; 64];
            b.extend_from_slice(tail);
            masked(&b);
        }
    }

    #[test]
    fn the_node_table_finds_every_node_it_was_given_and_no_other() {
        // Few slots to start with, so it grows several times; short and long ids, long ones
        // sharing their first bytes.
        let mut t = NodeTable::with_room(1);
        let id = |i: u32| {
            if i.is_multiple_of(3) {
                format!("a-rather-long-shared-prefix-{i}")
            } else {
                format!("n{i}")
            }
        };
        let kinds = [NodeKind::Drug, NodeKind::Target];
        for i in 0..5000 {
            assert!(t.insert(&id(i), i, kinds[i as usize % 2]));
        }
        for i in 0..5000 {
            let (node, code) = t.find(&id(i)).expect("added");
            assert_eq!((node, t.kind(code)), (i, Some(kinds[i as usize % 2])));
            assert_eq!(t.code(kinds[i as usize % 2]), Some(code));
        }
        assert!(
            !t.insert(&id(7), 1, NodeKind::Drug),
            "a second node of an id"
        );
        assert!(
            !t.insert(&id(9), 1, NodeKind::Drug),
            "a second node of a long id"
        );
        for absent in [
            "",
            "n",
            "n5000",
            "a-rather-long-shared-prefix-5001",
            "a-rather-long",
        ] {
            assert!(t.find(absent).is_none(), "{absent}");
        }
    }

    #[test]
    fn ids_that_differ_in_their_last_character_do_not_share_a_slot() {
        // The node table's slots come from a hash's low bits; these once all had one slot.
        let mut slots: Vec<u64> = (0..10)
            .map(|d| hash_bytes(format!("drug-31246{d}").as_bytes()) & 0xffff)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(slots.len(), 10);
    }

    #[test]
    fn the_estimate_of_lines_never_exceeds_what_the_shortest_lines_would_make() {
        let dir = std::env::temp_dir().join(format!("mbckg-estimate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("edges.tsv");
        // A head of blank lines: one byte a line, by the sample.
        let text = format!("{}{}", "\n".repeat(1 << 16), "x".repeat(1 << 20));
        std::fs::write(&path, &text).expect("write");
        assert_eq!(
            estimated_lines(&path, SHORTEST_EDGE),
            text.len() / SHORTEST_EDGE
        );
        // Lines of a steady length: about the count.
        let line = format!("{}\n", "y".repeat(99));
        std::fs::write(&path, line.repeat(10_000)).expect("write");
        let n = estimated_lines(&path, SHORTEST_EDGE);
        assert!((10_000..=10_600).contains(&n), "{n}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn same_is_byte_equality() {
        let texts: [&[u8]; 8] = [
            b"",
            b"a",
            b"ab",
            b"abcdefg",
            b"abcdefgh",
            b"abcdefghi",
            b"abcdefghijklmnopq",
            b"abcdefghijklmnopr",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn lines_lose_their_newline_and_a_carriage_return_and_keep_their_tabs() {
        let text = "a\tb\r\n\nc\td\te\n";
        let mut seen = Vec::new();
        let mut scan = Scan::default();
        for_lines(
            text.as_bytes(),
            &mut scan,
            |_, _, _| {},
            |line, tabs, count, escaped| {
                assert!(!escaped);
                seen.push((line.to_string(), tabs.to_vec(), count));
                Some(())
            },
        );
        assert_eq!(
            seen,
            [
                ("a\tb".to_string(), vec![1], 1),
                (String::new(), vec![], 0),
                ("c\td\te".to_string(), vec![1, 3], 2),
            ]
        );
        let line = "x\t\ty";
        let f = Fields::new::<3>(line, &[1, 2], 2).expect("three fields");
        assert_eq!(f.all::<3>(), Some(["x", "", "y"]));
        assert_eq!((f.get(1, 2), f.bytes(0, 0)), (Some("\ty"), &b"x"[..]));
        assert!(Fields::new::<2>(line, &[1, 2], 2).is_none());
        assert!(Fields::new::<4>(line, &[1, 2], 2).is_none());
    }

    #[test]
    fn lines_read_by_their_first_tabs_are_the_lines_read_with_all_their_tabs() {
        // Lines of every length up to a few words, with runs of tabs, tabs at word edges, a
        // `\r` before the newline (and one after a last tab), and lines with fewer tabs than
        // the head asks for.
        let mut text = String::new();
        let mut seed = 7u32;
        for n in 0..300 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let len = (seed >> 16) as usize % 200;
            for i in 0..len {
                let r = seed.rotate_left(i as u32) % 7;
                text.push(if r == 0 || (n % 5 == 0 && i % 3 == 0) {
                    '\t'
                } else {
                    'x'
                });
            }
            text.push_str(["\n", "\r\n", "\t\r\n"][n % 3]);
        }
        let mut all = Vec::new();
        for_lines(
            text.as_bytes(),
            &mut Scan::default(),
            |_, _, _| {},
            |line, tabs, count, _| {
                all.push((line.to_string(), tabs.to_vec(), count));
                Some(())
            },
        );
        let mut headed = Vec::new();
        let mut ahead = Vec::new();
        for_head_lines(
            text.as_bytes(),
            &mut Scan::default(),
            |line, head, _| {
                ahead.push((line.to_string(), head.to_vec()));
                ahead.len() as u64
            },
            |line, _| {
                let mut every = [0usize; MAX_TABS];
                let count = line.tabs.fill(&mut every, true);
                let mut two = [0usize; 2];
                let found = line.tabs.fill(&mut two, false);
                assert_eq!(&two[..found], &every[..found.min(count)]);
                // Each line's hint is what the look ahead answered for it.
                assert_eq!(line.hint, headed.len() as u64 + 1);
                headed.push((
                    line.text.to_string(),
                    line.head().to_vec(),
                    every[..count.min(MAX_TABS)].to_vec(),
                    count,
                ));
                Some(())
            },
        );
        assert_eq!(all.len(), 300);
        assert_eq!(headed.len(), all.len());
        for ((line, tabs, count), (l, head, every, c)) in all.iter().zip(&headed) {
            assert_eq!((line, tabs, count), (l, every, c));
            assert_eq!(head[..], tabs[..tabs.len().min(HEAD_TABS)]);
        }
        // Each line is given ahead, with its head, before the one before it is read.
        let read: Vec<(String, Vec<usize>)> = headed
            .iter()
            .map(|(l, h, _, _)| (l.clone(), h.clone()))
            .collect();
        assert_eq!(ahead, read);
    }

    #[test]
    fn a_tail_is_what_follows_the_object_up_to_the_origin() {
        let line = "e\ts\tp\to\tfalse\tx\t\t\tfile.toml:3:1";
        let object_end = 7;
        assert_eq!(&line[object_end..=object_end], "\t");
        assert_eq!(
            tail_of(line, object_end),
            Some((&b"false\tx\t\t\t"[..], "file.toml:3:1"))
        );
        assert_eq!(
            tail_of("e\ts\tp\to\tfalse\t\t", object_end),
            Some((&b"false\t\t"[..], ""))
        );
        // No tab after the object's: no tail.
        assert_eq!(tail_of("e\ts\tp\to\tfalse", object_end), None);
        // Equal tails hash alike, tails a byte apart (at either end, or in length) do not.
        let t = b"false\tknowledge_assertion\tmanual_agent\tinfores:x\tMBCKG:targets\t\t\t";
        assert_eq!(tail_hash(t), tail_hash(&t.to_vec()[..]));
        let mut other = t.to_vec();
        other[0] = b'F';
        assert_ne!(tail_hash(t), tail_hash(&other));
        let mut other = t.to_vec();
        other[t.len() - 2] = b'x';
        assert_ne!(tail_hash(t), tail_hash(&other));
        assert_ne!(tail_hash(t), tail_hash(&t[..t.len() - 1]));
        assert_ne!(tail_hash(b""), tail_hash(b"\0"));
    }

    /// Touching the room of a reader's columns leaves them empty, with their room, and stops
    /// when told to.
    #[test]
    fn touching_room_leaves_the_columns_empty_and_stops_when_told() {
        let mut blocks = [StatementBlock::default(), StatementBlock::default()];
        for b in &mut blocks {
            b.object.reserve(100_000);
            b.relation.reserve(100_000);
            b.facet.reserve(100_000);
        }
        let asked = std::cell::Cell::new(0);
        touch_room(&mut blocks, [100_000, 50_000], || {
            asked.set(asked.get() + 1);
            true
        });
        // 64 pages between questions: 2 for 100 000 objects or facets, 1 for 100 000 relations
        // and for each column of 50 000.
        assert!(asked.get() >= 6, "asked {}", asked.get());
        for b in &blocks {
            assert!(b.object.is_empty() && b.relation.is_empty() && b.facet.is_empty());
            assert!(b.object.capacity() >= 100_000);
        }
        let asked = std::cell::Cell::new(0);
        touch_room(&mut blocks, [100_000, 100_000], || {
            asked.set(asked.get() + 1);
            false
        });
        // Told no at the first question of each block.
        assert_eq!(asked.get(), 2);
        blocks[0].object.push(7);
        assert_eq!(blocks[0].object, [7]);
    }

    /// A reader done with its part takes the second half of what the other has left, from a
    /// line start past what the other has claimed; the other then stops there; less than the
    /// least is not taken.
    #[test]
    fn a_reader_done_takes_the_second_half_of_what_the_other_has_left() {
        let dir = std::env::temp_dir().join(format!("mbckg-shares-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("lines.tsv");
        // Lines of 10 bytes: line `k` starts at byte `10 k`.
        let text: String = (0..100).map(|k| format!("line {k:04}\n")).collect();
        std::fs::write(&path, &text).expect("write");
        let shares = Shares {
            path: &path,
            left: std::sync::Mutex::new(vec![(0, 300), (300, 1000)]),
            least: 150,
        };
        assert_eq!(shares.claim(0, 0, 500), 300, "no further than its part");
        assert_eq!(shares.claim(1, 300, 100), 100);
        // 600 bytes left to reader 1 past 400: the cut is at 700, a line start.
        assert_eq!(shares.take(0), Some((700, 1000)));
        assert_eq!(shares.claim(1, 400, 1000), 300, "reader 1 stops at the cut");
        assert_eq!(shares.claim(0, 700, 50), 50);
        // Reader 1 done, with 250 bytes left to reader 0 past 750: a cut inside a line goes on
        // to the next line's start.
        assert_eq!(shares.take(1), Some((880, 1000)));
        assert_eq!(shares.claim(0, 750, 1000), 130);
        // 120 bytes left to reader 1, 0 to reader 0: nothing worth taking.
        assert_eq!(shares.take(0), None);
        assert_eq!(shares.claim(1, 880, 1000), 120);
        assert_eq!(shares.take(0), None);
        assert_eq!(shares.take(1), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn blocks_give_whole_lines_whatever_the_block_size_and_end() {
        let dir = std::env::temp_dir().join(format!("mbckg-blocks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("lines.tsv");
        // Lines longer than a block, and a last line without a newline.
        let long = "é".repeat(BLOCK);
        let text = format!("one\n{long}\ntwo\r\nthree");
        std::fs::write(&path, &text).expect("write");
        let stop = AtomicBool::new(false);
        let mut lines = Vec::new();
        let mut scan = Scan::default();
        let read = for_blocks(&path, (0, u64::MAX), &stop, |t| {
            assert!(t.ends_with(b"\n"));
            for_lines(
                t,
                &mut scan,
                |_, _, _| {},
                |l, _, _, _| {
                    lines.push(l.to_string());
                    Some(())
                },
            )
        });
        assert_eq!(read, Some(()));
        assert_eq!(lines, ["one", long.as_str(), "two", "three"]);
        // From a line start to a byte bound, as the two readers of edges.tsv cut the file.
        let from = "one\n".len() as u64 + long.len() as u64 + 1;
        let mut tail = Vec::new();
        let to = from + "two\r\n".len() as u64;
        for_blocks(&path, (from, to), &stop, |t| {
            tail.push(t.to_vec());
            Some(())
        });
        assert_eq!(tail, [b"two\r\n"]);
        // Not UTF-8: declined, wherever the bad byte falls.
        for at in [3, 64, 70] {
            let mut bad = b"ok\n".repeat(30);
            bad.insert(at, 0xff);
            std::fs::write(&path, &bad).expect("write");
            let read = for_blocks(&path, (0, u64::MAX), &stop, |t| {
                for_lines(t, &mut scan, |_, _, _| {}, |_, _, _, _| Some(()))
            });
            assert_eq!(read, None, "a bad byte at {at}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The table of `path`'s nodes, read into `sink` with no reader's columns to touch.
    fn nodes_read(path: &Path, sink: &mut dyn GraphSink) -> Option<NodeTable> {
        read_nodes((path, &Columns::Ours), "nodes.tsv", sink, (&mut [], [0, 0]))
    }

    /// A file of `lines` in the test directory `name`, header first.
    fn nodes_file(name: &str, lines: &[String]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("mbckg-nodes-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("nodes.tsv");
        let mut text = NODE_COLUMNS.join("\t");
        text.push('\n');
        for line in lines {
            text.push_str(line);
        }
        std::fs::write(&path, text).expect("write nodes");
        path
    }

    /// Node lines of every shape the reader takes: blank lines between, a carriage return,
    /// escaped and long ids, kinds from the kind column or the category; enough of them
    /// (some 1.6 MB) that the file is read in more than one block.
    fn varied_lines(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| match i % 7 {
                0 => format!("MBCKG:drug-{i}\tbiolink:Drug\tdrug-{i}\t\t\t\tdrug\t\n"),
                1 => format!("MBCKG:a-rather-long-id-with-a-shared-start-{i}\tbiolink:Protein\tT {i}\t\t\t\ttarget\t\r\n"),
                2 => format!("MBCKG:esc\\.{i}\tbiolink:Drug\tEscaped\\t{i}\ta note\tA|B\tX:1\tdrug\t\n"),
                3 => "\n".to_string(),
                4 => format!("se-{i}\tbiolink:PhenotypicFeature\tnausea {i}\t\t\t\t\t\n"),
                5 => format!("MBCKG:padded-{i}\tbiolink:Drug\t  padded {i} \t\t\t\tdrug\t\n"),
                _ => format!("MBCKG:drug-{i}\tbiolink:Drug\tdrug-{i}\t\t\t\tdrug\t\n"),
            })
            .collect()
    }

    /// Every node the sink holds is in the table under its own number and kind, and no other.
    fn assert_table_matches(table: &NodeTable, sink: &crate::graph::Builder, nodes: usize) {
        assert_eq!(table.filled, nodes);
        for n in 0..nodes as u32 {
            let (id, kind) = sink.node_at(n).expect("a node");
            let (node, code) = table.find(id).expect("in the table");
            assert_eq!((node, table.kind(code)), (n, Some(kind)), "{id}");
        }
    }

    #[test]
    fn the_node_table_numbers_nodes_as_the_sink_does() {
        let lines = varied_lines(30_000);
        let path = nodes_file("numbers", &lines);
        assert!(std::fs::metadata(&path).map_or(0, |m| m.len()) > BLOCK as u64);
        let mut sink = crate::graph::Builder::new();
        // With columns to touch while the nodes are added, as a load has.
        let mut blocks = [StatementBlock::default(), StatementBlock::default()];
        for b in &mut blocks {
            b.object.reserve(1 << 20);
        }
        let table = read_nodes(
            (&path, &Columns::Ours),
            "nodes.tsv",
            &mut sink,
            (&mut blocks, [1 << 20; 2]),
        )
        .expect("clean nodes");
        let nodes = lines.iter().filter(|l| l.as_str() != "\n").count();
        assert_table_matches(&table, &sink, nodes);
        assert!(blocks.iter().all(|b| b.object.is_empty()));
        let _ = std::fs::remove_dir_all(path.parent().expect("a directory"));
    }

    #[test]
    fn the_node_table_numbers_from_the_sinks_first_node() {
        let lines = varied_lines(100);
        let path = nodes_file("offset", &lines);
        let mut sink = crate::graph::Builder::new();
        let at = At {
            file: "before",
            line: 1,
            col: 1,
        };
        for id in ["before-1", "before-2"] {
            GraphSink::add_node(
                &mut sink,
                id,
                NodeKind::Target,
                id,
                NodeExtra::default(),
                at,
            )
            .expect("a new node");
        }
        let table = nodes_read(&path, &mut sink).expect("clean nodes");
        let nodes = lines.iter().filter(|l| l.as_str() != "\n").count();
        assert_eq!(table.filled, nodes);
        for n in 2..2 + nodes as u32 {
            let (id, kind) = sink.node_at(n).expect("a node");
            let found = table.find(id).map(|(n, code)| (n, table.kind(code)));
            assert_eq!(found, Some((n, Some(kind))));
        }
        assert!(table.find("before-1").is_none());
        let _ = std::fs::remove_dir_all(path.parent().expect("a directory"));
    }

    /// A sink that takes every node, a second of an id too, numbering them one after another:
    /// it declines nothing, so the table's side alone must.
    #[derive(Default)]
    struct Trusting(Vec<String>);

    impl GraphSink for Trusting {
        fn add_node(
            &mut self,
            id: &str,
            _: NodeKind,
            _: &str,
            _: NodeExtra<'_>,
            _: At,
        ) -> Option<u32> {
            self.0.push(id.to_string());
            Some(self.0.len() as u32 - 1)
        }
        fn node_at(&self, _: u32) -> Option<(&str, NodeKind)> {
            None
        }
        fn add_block(&mut self, _: StatementBlock) {}
    }

    #[test]
    fn a_decline_on_either_thread_declines_the_nodes() {
        let mut lines = varied_lines(30_000);
        // A second node of an id, far into the file: the trusting sink takes it, the table not.
        lines.push("MBCKG:drug-6\tbiolink:Drug\tagain\t\t\t\tdrug\t\n".to_string());
        let path = nodes_file("twice", &lines);
        assert!(nodes_read(&path, &mut Trusting::default()).is_none());
        let _ = std::fs::remove_dir_all(path.parent().expect("a directory"));
        // The same, the second right after the first, in a file of fewer nodes than the table's
        // thread holds back.
        let twice = "MBCKG:d\tbiolink:Drug\td\t\t\t\tdrug\t\n".to_string();
        let path = nodes_file("short", &[twice.clone(), twice]);
        assert!(nodes_read(&path, &mut Trusting::default()).is_none());
        let _ = std::fs::remove_dir_all(path.parent().expect("a directory"));
        // An empty id: the table takes it, the sink's side declines it.
        let mut lines = varied_lines(30_000);
        lines.insert(
            20_000,
            "\tbiolink:Drug\tnameless\t\t\t\tdrug\t\n".to_string(),
        );
        let path = nodes_file("idless", &lines);
        assert!(table_nodes((&path, &Columns::Ours), &AtomicBool::new(false)).is_some());
        assert!(nodes_read(&path, &mut Trusting::default()).is_none());
        assert!(nodes_read(&path, &mut crate::graph::Builder::new()).is_none());
        // Stopped from the other side before it starts: no table.
        assert!(table_nodes((&path, &Columns::Ours), &AtomicBool::new(true)).is_none());
        let _ = std::fs::remove_dir_all(path.parent().expect("a directory"));
    }
}
