//! The `mbckg` binary: everything happens in the library's `cli` module.

fn main() {
    std::process::exit(mbckg::cli::main());
}
