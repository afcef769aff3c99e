//! The REPL driven in a real pseudo-terminal: what a researcher types, what comes back.
#![cfg(unix)]

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};

const PROMPT: &str = "mbckg> ";

fn shell(history: &std::path::Path) -> PtySession {
    shell_sized(history, 160, &[])
}

/// A REPL in a terminal `cols` wide, with extra environment variables.
fn shell_sized(history: &std::path::Path, cols: u16, env: &[(&str, &str)]) -> PtySession {
    // A pseudo-terminal starts with no size; give it one as a terminal window would have.
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        &format!("stty cols {cols} rows 50; exec \"$0\""),
        env!("CARGO_BIN_EXE_mbckg"),
    ]);
    cmd.env("MBCKG_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("COLUMNS")
        .envs(env.iter().copied());
    let mut s = spawn_command(cmd, Some(15_000)).expect("spawns the REPL");
    s.exp_string("Type .help").expect("banner");
    s.exp_string(PROMPT).expect("prompt");
    s
}

fn exit_code(s: &PtySession) -> i32 {
    match s.process().wait().expect("waits") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("REPL did not exit normally: {other:?}"),
    }
}

fn temp_history(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("mbckg-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

#[test]
fn a_query_prints_its_table_and_ctrl_d_exits_zero() {
    let history = temp_history("query");
    let mut s = shell(&history);
    s.send_line("drugs targeting HER2 with cardiac monitoring")
        .expect("types");
    s.exp_string("Interpreted as:").expect("interpretation");
    s.exp_string("margetuximab").expect("a row");
    s.exp_string("3 drugs").expect("footer");
    s.exp_string(PROMPT).expect("prompt again");
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

#[test]
fn tab_completes_names_and_relation_phrases() {
    let history = temp_history("tab");
    let mut s = shell(&history);
    s.send("trast\t").expect("types");
    s.flush().expect("flush");
    s.exp_string("uzumab").expect("completes the common prefix");
    s.send("\t").expect("second tab");
    s.flush().expect("flush");
    s.exp_string("deruxtecan")
        .expect("the trastuzumab family is listed");
    s.send_control('u').expect("ctrl-u clears the line");
    s.flush().expect("flush");
    // Completion redraws only part of the line, so check what the completed line means.
    s.send("drugs tar\t").expect("types");
    s.flush().expect("flush");
    s.send_line(" HER2").expect("finishes the line");
    s.exp_string("9 drugs")
        .expect("`tar` completed to `targeting`");
    s.exp_string(PROMPT).expect("prompt");
    s.send_line(".quit").expect("quits");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

#[test]
fn ctrl_c_on_a_half_typed_line_keeps_the_repl_alive() {
    let history = temp_history("ctrlc");
    let mut s = shell(&history);
    s.send("drugs causing diarr").expect("types");
    s.flush().expect("flush");
    s.send_control('c').expect("ctrl-c");
    s.exp_string(PROMPT).expect("a fresh prompt");
    s.send_line("count drugs").expect("types");
    s.exp_string("48").expect("still answers");
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

#[test]
fn a_multi_line_statement_is_one_history_entry() {
    let history = temp_history("multi");
    let mut s = shell(&history);
    s.send_line("drugs targeting HER2 and").expect("first line");
    s.exp_string("...>").expect("the continuation prompt");
    s.send_line("causing diarrhea").expect("continuation");
    s.exp_string("5 drugs").expect("one statement ran");
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);

    // A second REPL recalls the whole statement with one Up arrow.
    let mut s = shell(&history);
    s.send("\x1b[A").expect("up arrow");
    s.flush().expect("flush");
    s.send_line("").expect("enter");
    s.exp_string("5 drugs")
        .expect("the recalled statement ran whole");
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
    let _ = std::fs::remove_file(&history);
}

#[test]
fn an_unwritable_history_file_is_a_warning_not_a_crash() {
    let mut s = shell(std::path::Path::new("/proc/mbckg/cannot/exist"));
    s.send_line("count drugs").expect("types");
    s.exp_string("48").expect("answers");
    s.send_control('d').expect("ctrl-d");
    s.exp_string("warning: cannot write history")
        .expect("warns");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

#[test]
fn errors_point_at_the_word_and_the_repl_goes_on() {
    let history = temp_history("errors");
    let mut s = shell(&history);
    s.send_line("drugs targting HER2").expect("types");
    s.exp_string("did you mean `targeting`?")
        .expect("a suggestion");
    s.exp_string(PROMPT).expect("prompt");
    s.send_line(".mode csv").expect("meta");
    s.exp_string("mode: csv").expect("mode set");
    s.send_line("count drugs").expect("types");
    s.exp_string("drugs").expect("csv header");
    s.send_line(".nope").expect("unknown meta");
    s.exp_string("unknown command `.nope`").expect("said so");
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

/// The longest line the REPL printed, ignoring lines the line editor redraws (escape sequences).
fn widest_printed(text: &str) -> usize {
    // rexpect hands over one char per byte; put the UTF-8 back together.
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let text = String::from_utf8_lossy(&bytes);
    text.split(['\r', '\n'])
        .filter(|l| !l.contains('\x1b'))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn show_why_and_compare_fit_an_80_column_terminal() {
    let history = temp_history("width");
    let mut s = shell_sized(&history, 80, &[]);
    for (statement, footer) in [
        ("show T-DXd", r"\d+ statements"),
        (
            "why drugs targeting HER2 with cardiac monitoring",
            r"\d+ statements",
        ),
        (
            "compare palbociclib, ribociclib, abemaciclib",
            r"\d+ relations",
        ),
    ] {
        s.send_line(statement).expect("types");
        let (printed, _) = s.exp_regex(footer).expect("the answer");
        assert!(widest_printed(&printed) <= 80, "{statement}:\n{printed}");
        s.exp_string(PROMPT).expect("prompt");
    }
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

#[test]
fn columns_overrides_the_terminal_width() {
    let history = temp_history("columns");
    let mut s = shell_sized(&history, 200, &[("COLUMNS", "60")]);
    s.send_line("show T-DXd").expect("types");
    let (printed, _) = s.exp_regex(r"\d+ statements").expect("the answer");
    assert!(widest_printed(&printed) <= 60, "{printed}");
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

#[test]
fn tab_completes_formats_after_mode_and_files_after_read() {
    let history = temp_history("tab-meta");
    let mut s = shell(&history);
    s.send(".mode js\t").expect("types");
    s.flush().expect("flush");
    s.send_line("").expect("enter");
    s.exp_string("mode: json")
        .expect("`js` completed to `json`");
    s.send_line(".mode table").expect("back to tables");
    s.exp_string("mode: table").expect("mode set");
    s.send(".read tests/scripts/pass\t").expect("types");
    s.flush().expect("flush");
    s.send_line("").expect("enter");
    s.exp_string("2 statements, 0 failures")
        .expect("the file name was completed and the script ran");
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}

#[test]
fn tab_after_a_relation_offers_what_it_reaches() {
    let history = temp_history("tab-rel");
    let mut s = shell(&history);
    // `hepatic` is an organ system that modifies `side effects`; completion offers it after
    // `causing` (and never a drug name such as Herceptin there: see app::complete's tests).
    s.send("drugs causing hepati\t").expect("types");
    s.flush().expect("flush");
    s.send_line(" side effects").expect("finishes the line");
    s.exp_string("increased liver enzymes")
        .expect("`hepati` completed to `hepatic`: a liver side effect row");
    s.exp_string(PROMPT).expect("prompt");
    s.send_line(".quit").expect("quits");
    s.exp_eof().expect("leaves");
    assert_eq!(exit_code(&s), 0);
}
