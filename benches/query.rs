//! Benchmarks: the curated graph (start-up and the design card's queries) and synthetic graphs at
//! scale (the card query, a grouped count, a drug-to-drug shortest path).
//!
//! `cargo bench --bench query`; `MBCKG_BENCH_DRUGS=200000` sets the synthetic size (default 20 000).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use mbckg::graph::KnowledgeGraph;
use mbckg::model::{
    Dataset, Evidence, Node, NodeKind, Origin, Provenance, Qualifiers, Relation, Section, Source,
    Statement,
};
use mbckg::output::render::Format;

fn curated(c: &mut Criterion) {
    mbckg::app::memory::return_freed_memory_soon();
    c.bench_function("curated/load embedded + build graph", |b| {
        b.iter(|| KnowledgeGraph::new(mbckg::load::load_embedded().expect("loads")))
    });
    c.bench_function("curated/open the prepared graph (start-up)", |b| {
        b.iter(|| mbckg::load::prepared_embedded().expect("the prepared graph matches"))
    });
    let g = KnowledgeGraph::new(mbckg::load::load_embedded().expect("loads"));
    for q in [
        "drugs targeting HER2 with cardiac monitoring",
        "count drugs causing diarrhea grouped by class",
        "show Herceptin",
        "path from olaparib to BRCA1",
        "why drugs targeting HER2 with cardiac monitoring",
    ] {
        c.bench_function(&format!("curated/{q}"), |b| {
            b.iter(|| mbckg::execute(black_box(q), &g).expect("runs"))
        });
    }
}

/// A deterministic pseudo-random number generator (xorshift), so the graph is the same each run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn node(id: String, kind: NodeKind) -> Node {
    Node {
        name: id.clone(),
        id,
        kind,
        aliases: Vec::new(),
        xrefs: Vec::new(),
        note: None,
        category: None,
        accepted: Vec::new(),
        origin: Origin::default(),
    }
}

fn st(subject: &str, relation: Relation, object: &str) -> Statement {
    Statement {
        subject: subject.to_string(),
        relation,
        object: object.to_string(),
        qualifiers: Qualifiers::default(),
        provenance: Provenance {
            source: "synthetic".into(),
            section: "all".into(),
            evidence: Evidence::StandardOption,
            note: String::new(),
        },
        origin: Origin::default(),
    }
}

/// About 13 statements per drug: class, 1–2 targets, 2 subtypes, 5 side effects, monitoring,
/// route, biomarker, a combination partner.
fn synthetic(drugs: usize) -> Dataset {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut d = Dataset {
        sources: vec![Source {
            id: "synthetic".into(),
            title: "synthetic".into(),
            publisher: None,
            approved: None,
            url: None,
            sections: vec![Section {
                heading: "all".into(),
                updated: None,
            }],
            origin: Origin::default(),
        }],
        ..Dataset::default()
    };
    let vocab = |prefix: &str, n: usize, kind: NodeKind, d: &mut Dataset| {
        for i in 0..n {
            d.nodes.push(node(format!("{prefix}-{i}"), kind));
        }
    };
    vocab("class", 40, NodeKind::Class, &mut d);
    vocab("target", 200, NodeKind::Target, &mut d);
    vocab("subtype", 10, NodeKind::Subtype, &mut d);
    vocab("se", 60, NodeKind::SideEffect, &mut d);
    vocab("organ", 15, NodeKind::OrganSystem, &mut d);
    vocab("mon", 20, NodeKind::Monitoring, &mut d);
    vocab("route", 4, NodeKind::Route, &mut d);
    vocab("marker", 30, NodeKind::Biomarker, &mut d);
    d.nodes.push(node("her2".into(), NodeKind::Target));
    d.nodes.push(node("cardiac".into(), NodeKind::OrganSystem));
    for i in 0..60 {
        let organ = if i % 10 == 0 {
            "cardiac".to_string()
        } else {
            format!("organ-{}", i % 15)
        };
        d.statements
            .push(st(&format!("se-{i}"), Relation::Affects, &organ));
    }
    for i in 0..20 {
        let organ = if i % 5 == 0 {
            "cardiac".to_string()
        } else {
            format!("organ-{}", i % 15)
        };
        d.statements
            .push(st(&format!("mon-{i}"), Relation::Assesses, &organ));
    }
    for i in 1..40 {
        d.statements.push(st(
            &format!("class-{i}"),
            Relation::SubclassOf,
            &format!("class-{}", i / 4),
        ));
    }
    for i in 0..drugs {
        let id = format!("drug-{i}");
        d.nodes.push(node(id.clone(), NodeKind::Drug));
        d.statements.push(st(
            &id,
            Relation::MemberOf,
            &format!("class-{}", rng.below(40)),
        ));
        // One drug in 200 targets HER2, as a handful of the 48 curated drugs do among all targets.
        let target = if rng.below(200) == 0 {
            "her2".to_string()
        } else {
            format!("target-{}", rng.below(200))
        };
        d.statements.push(st(&id, Relation::Targets, &target));
        d.statements.push(st(
            &id,
            Relation::Targets,
            &format!("target-{}", rng.below(200)),
        ));
        for _ in 0..2 {
            d.statements.push(st(
                &id,
                Relation::Treats,
                &format!("subtype-{}", rng.below(10)),
            ));
        }
        for _ in 0..5 {
            d.statements
                .push(st(&id, Relation::Causes, &format!("se-{}", rng.below(60))));
        }
        d.statements.push(st(
            &id,
            Relation::RequiresMonitoring,
            &format!("mon-{}", rng.below(20)),
        ));
        d.statements.push(st(
            &id,
            Relation::GivenBy,
            &format!("route-{}", rng.below(4)),
        ));
        d.statements.push(st(
            &id,
            Relation::RequiresBiomarker,
            &format!("marker-{}", rng.below(30)),
        ));
        if i > 0 {
            d.statements.push(st(
                &id,
                Relation::CombinedWith,
                &format!("drug-{}", rng.below(i)),
            ));
        }
    }
    d
}

fn at_scale(c: &mut Criterion) {
    mbckg::app::memory::return_freed_memory_soon();
    let drugs: usize = std::env::var("MBCKG_BENCH_DRUGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let data = synthetic(drugs);
    let statements = data.statements.len();
    let g = KnowledgeGraph::new(data);
    eprintln!(
        "synthetic graph: {drugs} drugs, {} nodes, {statements} statements",
        g.node_count()
    );
    let mut group = c.benchmark_group(format!("synthetic-{drugs}"));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    // As a table: the rows without the statements behind them.
    let table =
        |q: &str| mbckg::execute_for(q, &g, Some(Format::Table), Format::Table).expect("runs");
    let path = format!("path from drug-7 to drug-{}", drugs.saturating_sub(3));
    for q in [
        "drugs targeting her2 with cardiac monitoring",
        "count drugs causing cardiac side effects and not targeting her2",
        "count drugs grouped by subtype",
        path.as_str(),
    ] {
        group.bench_function(q, |b| b.iter(|| table(black_box(q))));
    }
    // As JSON: every row with its witness statements.
    let q = "drugs targeting her2 with cardiac monitoring";
    group.bench_function(format!("{q} as json"), |b| {
        b.iter(|| mbckg::execute(black_box(q), &g).expect("runs"))
    });
    // Loading the same graph from KGX TSV (what `--data DIR` does with nodes.tsv/edges.tsv).
    let kgx = mbckg::output::export::export(&g, None, mbckg::output::export::ExportFormat::Kgx);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("load from KGX TSV, full reader", |b| {
        b.iter(|| {
            let options = mbckg::load::kgx::KgxOptions::default();
            let layer = mbckg::load::kgx::parse_kgx(&kgx[0].1, &kgx[1].1, options);
            KnowledgeGraph::new(layer.expect("reads back").dataset)
        })
    });
    // What `--data DIR` does with our own columns: the streaming load.
    let dir = std::env::temp_dir().join(format!("mbckg-bench-kgx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    for (name, text) in &kgx {
        std::fs::write(dir.join(name), text).expect("writes the KGX files");
    }
    group.bench_function("load from KGX TSV, streaming (--data DIR)", |b| {
        b.iter(|| mbckg::app::cli::load_graph(Some(&dir)).expect("loads"))
    });
    // Reopening a snapshot of it (`--data FILE`), from bytes already in memory.
    let bytes = mbckg::graph::snapshot::to_bytes(&g);
    group.bench_function("reopen a snapshot", |b| {
        b.iter(|| {
            let backing = mbckg::graph::snapshot::aligned(&bytes);
            mbckg::graph::snapshot::decode(backing).expect("reads back")
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, curated, at_scale);
criterion_main!(benches);
