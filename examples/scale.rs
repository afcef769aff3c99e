//! Scale benchmark: writes a synthetic KGX TSV graph in the shipped schema (about 13 statements a
//! drug), then loads it the way `--data DIR` does and times the REPL's own path (plan, run,
//! render) for the queries of issue 10, with the peak resident memory.
//!
//!     cargo run --release --example scale -- gen 200000 /work/bench-data/200k [synonyms]
//!     cargo run --release --example scale -- run /work/bench-data/200k [REPS [QUERY-WORD]]
//!     cargo run --release --example scale -- snapshot /work/bench-data/200k /tmp/200k.mbckg [REPS]
//!     cargo run --release --example scale -- run /tmp/200k.mbckg [REPS [QUERY-WORD]]
//!
//! `gen … synonyms` gives each drug two synonyms (`drug-7 brand`, `DRUG-7-X`), as a graph whose
//! nodes carry synonyms does: each is one more string and label.
//! `run` prints one line per measure (`name<TAB>median ms` or `name<TAB>MB`): medians over REPS
//! runs (default 21) of each query (those holding QUERY-WORD when given), planned and run alone,
//! then through the REPL with rendering; Tab after a relation and a typo's "did you mean". Load
//! and queries also as time on a CPU, which a busy machine does not inflate.
//! `run` on a snapshot file opens it instead (to time queries without the load).
//! `snapshot` writes the loaded graph as a snapshot, times reopening it, then the queries on it.
//! Uses the binary's allocator so the figures are the binary's.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `println!`, but a closed stdout (`scale run … | head`) ends the run quietly, not in a panic.
macro_rules! out {
    ($($arg:tt)*) => {
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    };
}

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A deterministic pseudo-random number generator (xorshift), so a size always gives one graph.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const NODE_HEAD: &str =
    "id\tcategory\tname\tdescription\tsynonym\txref\tmbckg_kind\tmbckg_origin\n";
const EDGE_HEAD: &str = "id\tsubject\tpredicate\tobject\tnegated\tknowledge_level\tagent_type\tprimary_knowledge_source\toriginal_predicate\tmbckg_section\tmbckg_evidence\tmbckg_note\tmbckg_line\tmbckg_frequency\tmbckg_risk\tmbckg_population\tmbckg_with\tmbckg_schedule\tmbckg_min_count\tmbckg_condition\tmbckg_any_of\tmbckg_origin\n";

/// Writes nodes.tsv and edges.tsv for `drugs` drugs into `dir`; each drug with two synonyms
/// when `synonyms`.
fn generate(drugs: usize, dir: &Path, synonyms: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut nodes = std::io::BufWriter::new(std::fs::File::create(dir.join("nodes.tsv"))?);
    let mut edges = std::io::BufWriter::new(std::fs::File::create(dir.join("edges.tsv"))?);
    nodes.write_all(NODE_HEAD.as_bytes())?;
    edges.write_all(EDGE_HEAD.as_bytes())?;
    let vocab: [(&str, usize, &str, &str); 8] = [
        ("class", 40, "biolink:Drug", "class"),
        ("target", 200, "biolink:Protein", "target"),
        ("subtype", 10, "biolink:Disease", "subtype"),
        (
            "se",
            60,
            "biolink:DiseaseOrPhenotypicFeature",
            "side_effect",
        ),
        ("organ", 15, "biolink:AnatomicalEntity", "organ_system"),
        ("mon", 20, "biolink:Procedure", "monitoring"),
        ("route", 4, "biolink:Procedure", "route"),
        ("marker", 30, "biolink:BiologicalEntity", "biomarker"),
    ];
    let mut line = String::new();
    let mut node = |id: &str, name: &str, cat: &str, kind: &str, out: &mut dyn std::io::Write| {
        line.clear();
        let _ = writeln!(line, "MBCKG:{id}\t{cat}\t{name}\t\t\t\t{kind}\t");
        out.write_all(line.as_bytes())
    };
    let drug = |id: &str, out: &mut dyn std::io::Write| {
        let caps = id.to_uppercase();
        let synonyms = if synonyms {
            format!("{id} brand|{caps}-X")
        } else {
            String::new()
        };
        writeln!(
            out,
            "MBCKG:{id}\tbiolink:Drug\t{id}\t\t{synonyms}\t\tdrug\t"
        )
    };
    for (prefix, n, cat, kind) in vocab {
        for i in 0..n {
            let id = format!("{prefix}-{i}");
            node(&id, &id, cat, kind, &mut nodes)?;
        }
    }
    node("her2", "HER2", "biolink:Protein", "target", &mut nodes)?;
    node(
        "cardiac",
        "cardiac",
        "biolink:AnatomicalEntity",
        "organ_system",
        &mut nodes,
    )?;
    for i in 0..drugs {
        drug(&format!("drug-{i}"), &mut nodes)?;
    }
    let mut count = 0usize;
    let mut buf = String::new();
    let mut edge = |s: &str, rel: &str, pred: &str, o: &str, out: &mut dyn std::io::Write| {
        count += 1;
        buf.clear();
        let _ = writeln!(
            buf,
            "MBCKG:e{count}\tMBCKG:{s}\tbiolink:{pred}\tMBCKG:{o}\tfalse\tknowledge_assertion\tmanual_agent\tinfores:mbckg-synthetic\tMBCKG:{rel}\tall\tstandard-option{}",
            "\t".repeat(11)
        );
        out.write_all(buf.as_bytes())
    };
    for i in 0..60 {
        let organ = if i % 10 == 0 {
            "cardiac".to_string()
        } else {
            format!("organ-{}", i % 15)
        };
        edge(&format!("se-{i}"), "affects", "affects", &organ, &mut edges)?;
    }
    for i in 0..20 {
        let organ = if i % 5 == 0 {
            "cardiac".to_string()
        } else {
            format!("organ-{}", i % 15)
        };
        edge(
            &format!("mon-{i}"),
            "assesses",
            "assesses",
            &organ,
            &mut edges,
        )?;
    }
    for i in 1..40 {
        let parent = format!("class-{}", i / 4);
        edge(
            &format!("class-{i}"),
            "subclass_of",
            "subclass_of",
            &parent,
            &mut edges,
        )?;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..drugs {
        let id = format!("drug-{i}");
        let mut e = |rel: &str, pred: &str, o: String| edge(&id, rel, pred, &o, &mut edges);
        e("member_of", "member_of", format!("class-{}", rng.below(40)))?;
        // One drug in 200 targets HER2.
        let target = if rng.below(200) == 0 {
            "her2".to_string()
        } else {
            format!("target-{}", rng.below(200))
        };
        e("targets", "directly_physically_interacts_with", target)?;
        e(
            "targets",
            "directly_physically_interacts_with",
            format!("target-{}", rng.below(200)),
        )?;
        for _ in 0..2 {
            e("treats", "treats", format!("subtype-{}", rng.below(10)))?;
        }
        for _ in 0..5 {
            e(
                "causes",
                "has_adverse_event",
                format!("se-{}", rng.below(60)),
            )?;
        }
        e(
            "requires_monitoring",
            "related_to",
            format!("mon-{}", rng.below(20)),
        )?;
        e("given_by", "related_to", format!("route-{}", rng.below(4)))?;
        e(
            "requires_biomarker",
            "related_to",
            format!("marker-{}", rng.below(30)),
        )?;
        if i > 0 {
            e(
                "combined_with",
                "related_to",
                format!("drug-{}", rng.below(i)),
            )?;
        }
    }
    nodes.flush()?;
    edges.flush()?;
    eprintln!(
        "wrote {} drugs, {count} statements to {}",
        drugs,
        dir.display()
    );
    Ok(())
}

/// Peak resident set size of this process so far, in MB (Linux: VmHWM).
fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// A size in kB from /proc/self/status (the line starting `key`), in MB.
fn status_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Time this thread has spent on a CPU, in ms (the thread's CPU clock), so figures on a shared,
/// busy machine are not inflated by waiting for a core.
fn cpu_ms() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    if ok {
        t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
    } else {
        f64::NAN
    }
}

/// Time all threads of this process have spent on a CPU, in ms (Linux: utime + stime of
/// /proc/self/stat, in clock ticks, taken as 100 a second), for a load that uses several threads.
fn process_cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    match (ticks(11), ticks(12)) {
        (Some(u), Some(s)) => (u + s) * 10.0,
        _ => f64::NAN,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

/// The drug count of a loaded graph (in whatever columns its files were).
fn drugs_of(graph: &mbckg::graph::KnowledgeGraph) -> usize {
    graph.of_kind(mbckg::model::NodeKind::Drug).len()
}

fn run(dir: &Path, reps: usize, only: Option<&str>) -> Result<(), String> {
    // A directory of KGX files, or a snapshot file (`scale snapshot` writes one).
    let started = Instant::now();
    let cpu_started = cpu_ms();
    let process_started = process_cpu_ms();
    let graph = mbckg::app::cli::load_graph(Some(&dir.to_path_buf()))
        .map_err(|d| format!("load: {} problems", d.len()))?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let drugs = drugs_of(&graph);
    out!("drugs\t{drugs}");
    out!("statements\t{}", graph.statement_count());
    out!(
        "load ms\t{load_ms:.1}\t(on CPU {:.1}; all threads {:.0})",
        cpu_ms() - cpu_started,
        process_cpu_ms() - process_started
    );
    out!(
        "peak RSS after load MB\t{:.0}\t(resident now {:.0})",
        peak_rss_mb(),
        status_mb("VmRSS:")
    );
    queries(graph, drugs, reps, only)
}

/// Times the queries of issue 10 (those holding `only`, when given) on `graph`: plan and run
/// alone, then through the REPL's path; medians of `reps` runs.
fn queries(
    graph: mbckg::graph::KnowledgeGraph,
    drugs: usize,
    reps: usize,
    only: Option<&str>,
) -> Result<(), String> {
    let far = format!("drug-{}", drugs.saturating_sub(3));
    let queries = [
        "drugs targeting HER2 with cardiac monitoring".to_string(),
        "count drugs causing cardiac side effects and not targeting HER2".to_string(),
        "count drugs grouped by subtype".to_string(),
        format!("path from drug-7 to {far}"),
    ];
    let chosen = || {
        queries
            .iter()
            .filter(|q| only.is_none_or(|o| q.contains(o)))
    };
    // Plan and run alone, without rendering: how much of each figure below is the answer.
    for q in chosen() {
        let (mut times, mut cpu) = (Vec::with_capacity(reps), Vec::with_capacity(reps));
        for _ in 0..reps {
            let (t, c) = (Instant::now(), cpu_ms());
            let answer = mbckg::execute_for(q, &graph, None, mbckg::output::render::Format::Table)
                .map_err(|e| e.message)?;
            std::hint::black_box(answer);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            cpu.push(cpu_ms() - c);
        }
        out!(
            "(plan + run only) {q} ms\t{:.3}\t(on CPU {:.3})",
            median(times),
            median(cpu)
        );
    }
    // Tab after a relation whose objects sort after every drug, and a typo's "did you mean".
    let no_files = |_: &str| Vec::new();
    for line in [
        "drugs targeting ",
        "drugs targeting tar",
        "show drug-1234x5",
    ] {
        if only.is_some_and(|o| !line.contains(o)) {
            continue;
        }
        let mut times = Vec::with_capacity(reps);
        let mut last = String::new();
        for _ in 0..reps {
            let t = Instant::now();
            last = if line.starts_with("show") {
                match mbckg::execute(line, &graph) {
                    Err(e) => e.help.join(" "),
                    Ok(_) => "answered".into(),
                }
            } else {
                let (_, c) = mbckg::app::complete::complete(line, line.len(), &graph, &no_files);
                format!("{} candidates", c.len())
            };
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let what = if line.starts_with("show") {
            "error for"
        } else {
            "Tab after"
        };
        out!("{what} `{line}` ms\t{:.3}\t({last})", median(times));
    }
    let mut shell = mbckg::app::repl::Shell::new(graph, false, false);
    for q in chosen() {
        let (mut times, mut cpu) = (Vec::with_capacity(reps), Vec::with_capacity(reps));
        let mut out = Vec::new();
        for _ in 0..reps {
            out.clear();
            let (t, c) = (Instant::now(), cpu_ms());
            shell.execute(q, &mut out).map_err(|e| e.to_string())?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            cpu.push(cpu_ms() - c);
        }
        let text = String::from_utf8_lossy(&out);
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        out!(
            "{q} ms\t{:.3}\t(on CPU {:.3})\t({last})",
            median(times),
            median(cpu)
        );
    }
    out!("peak RSS MB\t{:.0}", peak_rss_mb());
    Ok(())
}

/// Loads `dir`, writes it as a snapshot to `file`, then reopens the snapshot `reps` times (as
/// `--data FILE` does) and times the queries on the last one.
fn snapshot(dir: &Path, file: &Path, reps: usize) -> Result<(), String> {
    let graph = mbckg::app::cli::load_graph(Some(&dir.to_path_buf()))
        .map_err(|d| format!("load: {} problems", d.len()))?;
    let drugs = drugs_of(&graph);
    let t = Instant::now();
    let bytes = mbckg::app::cli::write_snapshot(&graph, file).map_err(|e| e.to_string())?;
    out!(
        "snapshot write ms\t{:.1}\t({:.1} MB)",
        t.elapsed().as_secs_f64() * 1000.0,
        bytes as f64 / 1e6
    );
    drop(graph);
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    let cpu_started = process_cpu_ms();
    for _ in 0..reps {
        drop(last.take());
        let t = Instant::now();
        let g = mbckg::load::snapshot::open(file).map_err(|d| d[0].render())?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(g);
    }
    let (lo, hi) = (
        times.iter().copied().fold(f64::INFINITY, f64::min),
        times.iter().copied().fold(0.0, f64::max),
    );
    let cpu = (process_cpu_ms() - cpu_started) / reps as f64;
    out!(
        "snapshot reopen ms\t{:.1}\t(min {lo:.1}, max {hi:.1}, {reps} runs; on CPUs {cpu:.1} each)",
        median(times)
    );
    out!("peak RSS MB\t{:.0}", peak_rss_mb());
    match last {
        Some(g) => queries(g, drugs, reps, None),
        None => Ok(()),
    }
}

fn main() {
    // As the binary does, so the memory figures are the binary's.
    mbckg::app::memory::return_freed_memory_soon();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", n, dir, more @ ..] if more.is_empty() || more == ["synonyms"] => n
            .parse::<usize>()
            .map_err(|e| e.to_string())
            .and_then(|n| {
                generate(n, &PathBuf::from(dir), !more.is_empty()).map_err(|e| e.to_string())
            }),
        ["run", dir] => run(Path::new(dir), 21, None),
        ["run", dir, reps, only @ ..] => reps
            .parse::<usize>()
            .map_err(|e| e.to_string())
            .and_then(|r| run(Path::new(dir), r.max(1), only.first().copied())),
        ["snapshot", dir, file] => snapshot(Path::new(dir), Path::new(file), 21),
        ["snapshot", dir, file, reps] => reps
            .parse::<usize>()
            .map_err(|e| e.to_string())
            .and_then(|r| snapshot(Path::new(dir), Path::new(file), r.max(1))),
        _ => Err(
            "usage: scale gen N DIR [synonyms] | scale run DIR|SNAPSHOT [REPS [QUERY-WORD]] | scale snapshot DIR FILE [REPS]"
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("scale: {e}");
        std::process::exit(2);
    }
}
