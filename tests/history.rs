//! The REPL's history file, driven in a real pseudo-terminal: a path that is not a regular file
//! warns and the shell works; two shells sharing a file keep each other's lines.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

const PROMPT: &str = "mbckg> ";

/// Starts the REPL with `history`; waits for the banner but not the prompt.
fn start(history: &Path) -> PtySession {
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "stty cols 160 rows 50; exec \"$0\"",
        env!("CARGO_BIN_EXE_mbckg"),
    ]);
    cmd.env("MBCKG_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    spawn_command(cmd, Some(20_000)).expect("spawns the REPL")
}

fn scratch(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("mbckg-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("creates a scratch folder");
    p
}

/// Types a statement and waits for its answer and the next prompt.
fn ask(s: &mut PtySession, line: &str, answer: &str) {
    s.send_line(line).expect("types");
    s.exp_string(answer).expect("the answer");
    s.exp_string(PROMPT).expect("the prompt again");
}

fn leave(s: &mut PtySession) {
    s.send_control('d').expect("ctrl-d");
    s.exp_eof().expect("leaves");
}

/// The statements a history file holds, in order.
fn entries(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("the history file")
        .lines()
        .filter(|l| !l.starts_with("#V"))
        .map(String::from)
        .collect()
}

#[test]
fn a_history_path_on_dev_full_warns_and_the_repl_works() {
    let mut s = start(Path::new("/dev/full"));
    s.exp_string("warning: history /dev/full is not a regular file")
        .expect("a warning");
    s.exp_string("Type .help").expect("the banner");
    s.exp_string(PROMPT).expect("a prompt");
    ask(&mut s, "drugs targeting HER2", "9 drugs");
    leave(&mut s);
}

#[test]
fn a_history_path_on_a_fifo_warns_and_the_repl_works() {
    let dir = scratch("fifo");
    let fifo = dir.join("history");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("runs mkfifo");
    assert!(made.success());
    let mut s = start(&fifo);
    s.exp_string("is not a regular file").expect("a warning");
    s.exp_string(PROMPT).expect("a prompt");
    ask(&mut s, "drugs targeting HER2", "9 drugs");
    leave(&mut s);
}

#[test]
fn two_repls_sharing_a_history_file_keep_both_sessions_lines() {
    let dir = scratch("shared");
    let history = dir.join("history");
    std::fs::write(&history, "#V2\nsearch cardiac\n").expect("an old history");
    let mut a = start(&history);
    a.exp_string(PROMPT).expect("A's prompt");
    let mut b = start(&history);
    b.exp_string(PROMPT).expect("B's prompt");
    ask(&mut a, "drugs targeting HER2", "9 drugs");
    ask(&mut b, "show Herceptin", PROMPT.trim_end());
    leave(&mut a);
    leave(&mut b);
    assert_eq!(
        entries(&history),
        ["search cardiac", "drugs targeting HER2", "show Herceptin"]
    );
}
