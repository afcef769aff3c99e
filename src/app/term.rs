//! Terminal helpers shared by the CLI and the REPL: exit codes, whether a stream is a terminal,
//! whether to colour, which format a result is shown in, how wide tables may be. No I/O beyond
//! asking the OS about a stream and reading `NO_COLOR` and `COLUMNS`.

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
pub fn choose_format(flag: Option<Format>, plan_format: Option<Format>, terminal: bool) -> Format {
    flag.or(plan_format)
        .unwrap_or(if terminal { Format::Table } else { Format::Tsv })
}

/// The width to fit tables to when none was set: `COLUMNS` when it holds a number (asked for,
/// terminal or not), else the terminal's width when stdout is a terminal, else none (a pipe
/// gets lines as long as they are).
pub fn auto_width(terminal: bool) -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok();
    let size = if terminal {
        terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
    } else {
        None
    };
    pick_width(columns.as_deref(), size)
}

/// [`auto_width`] given what `COLUMNS` holds and what the terminal says.
pub fn pick_width(columns: Option<&str>, terminal: Option<usize>) -> Option<usize> {
    let asked = columns.and_then(|c| c.trim().parse::<usize>().ok());
    asked.or(terminal).filter(|&n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_overrides_the_terminal_and_a_pipe_gets_no_width() {
        assert_eq!(pick_width(Some("80"), Some(200)), Some(80));
        assert_eq!(pick_width(Some(" 100 "), None), Some(100));
        assert_eq!(pick_width(None, Some(120)), Some(120));
        assert_eq!(pick_width(Some("wide"), Some(120)), Some(120));
        assert_eq!(pick_width(Some(""), None), None);
        assert_eq!(pick_width(None, None), None);
        assert_eq!(pick_width(Some("0"), Some(0)), None);
    }
}
