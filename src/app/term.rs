//! Terminal helpers shared by the CLI and the REPL: exit codes, whether a stream is a terminal,
//! whether to colour, which format a result is shown in. No I/O beyond asking the OS about a stream.

use crate::output::render::Format;

/// Exit code: everything went well.
pub const EXIT_OK: i32 = 0;
/// Exit code: a query, an expectation or the audit failed.
pub const EXIT_FAIL: i32 = 1;
/// Exit code: bad usage, unreadable files or invalid data.
pub const EXIT_ERROR: i32 = 2;

/// Whether stdout is a terminal.
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

/// Colour only on a terminal, and never with `NO_COLOR` set (to anything non-empty).
pub fn use_color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The format a statement's result is shown in: `--format`, else the statement's `as`, else a
/// table on a terminal and TSV in a pipe.
pub fn choose_format(flag: Option<Format>, plan_format: Option<&str>, terminal: bool) -> Format {
    flag.or_else(|| plan_format.and_then(Format::parse))
        .unwrap_or(if terminal { Format::Table } else { Format::Tsv })
}
