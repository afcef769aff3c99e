//! The `mbckg` binary: everything happens in the library's `cli` module.

/// mimalloc: on a large graph, glibc's allocator spends most of a query consolidating a heap
/// fragmented by millions of small strings (see benches/query.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    mbckg::app::memory::return_freed_memory_soon();
    std::process::exit(mbckg::app::cli::main());
}
