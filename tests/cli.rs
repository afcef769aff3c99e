//! The binary end to end: exit codes, pipes, scripts with expectations, machine output.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mbckg(args: &[&str], stdin: Option<&[u8]>) -> Output {
    mbckg_with(args, stdin, &[])
}

/// As [`mbckg`], with extra environment variables (`COLUMNS` is unset unless given here).
fn mbckg_with(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mbckg"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("MBCKG_HISTORY", "off")
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs mbckg");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(bytes) = stdin {
            input.write_all(bytes).expect("writes stdin");
        }
    }
    child.wait_with_output().expect("finishes")
}

/// stdout, stderr and the exit code, as one text for a snapshot.
fn transcript(o: &Output) -> String {
    format!(
        "--- stdout ---\n{}--- stderr ---\n{}--- exit: {} ---\n",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
        o.status.code().unwrap_or(-1)
    )
}

#[test]
fn passing_script_exits_zero() {
    let o = mbckg(&["run", "tests/scripts/passing.kgq"], None);
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn failing_expectation_stops_and_exits_one() {
    let o = mbckg(&["run", "tests/scripts/failing.kgq"], None);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn keep_going_reports_every_failure() {
    let o = mbckg(&["run", "--keep-going", "tests/scripts/failing.kgq"], None);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn a_syntax_error_on_line_7_is_reported_as_line_7() {
    let o = mbckg(&["run", "tests/scripts/syntax-error-line-7.kgq"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("tests/scripts/syntax-error-line-7.kgq:7:7"),
        "{err}"
    );
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn continuation_lines_make_one_statement() {
    let o = mbckg(&["run", "tests/scripts/continuation.kgq"], None);
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn piped_stdin_is_the_same_as_run() {
    let script = std::fs::read("tests/scripts/failing.kgq").expect("fixture");
    let piped = mbckg(&[], Some(&script));
    let run = mbckg(&["run", "-"], Some(&script));
    assert_eq!(piped.stdout, run.stdout);
    assert_eq!(piped.status.code(), run.status.code());
    assert_eq!(
        String::from_utf8_lossy(&piped.stderr),
        String::from_utf8_lossy(&run.stderr)
    );
    let by_file = mbckg(&["run", "tests/scripts/failing.kgq"], None);
    assert_eq!(
        piped.stdout, by_file.stdout,
        "no prompt, no banner in a pipe"
    );
}

#[test]
fn invalid_utf8_script_names_the_place_and_exits_two() {
    let o = mbckg(&["run", "tests/scripts/invalid-utf8.kgq"], None);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn missing_script_is_an_io_error() {
    let o = mbckg(&["run", "tests/scripts/does-not-exist.kgq"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(mbckg(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(mbckg(&["query"], None).status.code(), Some(2));
    assert_eq!(
        mbckg(&["query", "drugs", "--format", "yaml"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn query_errors_exit_one_with_a_caret() {
    let o = mbckg(&["query", "drugs targting HER2"], None);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn json_output_is_clean_and_parses() {
    let o = mbckg(
        &[
            "query",
            "drugs targeting HER2 with cardiac monitoring",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty());
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    let ids: Vec<&str> = v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["ado-trastuzumab-emtansine", "margetuximab", "trastuzumab"]
    );
    let witness = &v["rows"][2]["witnesses"][0][0];
    assert_eq!(witness["source"], "cancer-net-mbc");
    assert!(witness["section"].as_str().is_some_and(|s| !s.is_empty()));
}

#[test]
fn piped_output_defaults_to_tsv_without_interpretation() {
    let o = mbckg(&["query", "drugs in class aromatase inhibitor"], None);
    insta::assert_snapshot!(transcript(&o));
}

#[test]
fn stats_json_reports_every_kind() {
    let o = mbckg(&["stats", "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["nodes"]["by_kind"]["drug"].as_u64().unwrap_or(0) >= 48);
    for (kind, n) in v["nodes"]["by_kind"].as_object().expect("kinds") {
        assert!(n.as_u64().unwrap_or(0) > 0, "no {kind} nodes");
    }
}

#[test]
fn audit_fails_on_broken_data_and_passes_on_shipped_data() {
    assert_eq!(mbckg(&["audit"], None).status.code(), Some(0));
    assert_eq!(
        mbckg(&["--data", "graph-data", "audit"], None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        mbckg(
            &["--data", "tests/broken-data/dangling-object", "audit"],
            None
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mbckg"))
        .args(["query", "drugs"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("finishes");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The longest line of a text, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn tables_fit_columns_when_asked() {
    for q in [
        "show T-DXd",
        "why drugs targeting HER2 with cardiac monitoring",
        "compare palbociclib, ribociclib, abemaciclib",
        "drugs targeting HER2 with cardiac monitoring",
    ] {
        let o = mbckg_with(
            &["query", q, "--format", "table"],
            None,
            &[("COLUMNS", "80")],
        );
        assert_eq!(o.status.code(), Some(0), "{q}: {}", stderr(&o));
        assert!(widest(&stdout(&o)) <= 80, "{q}:\n{}", stdout(&o));
    }
}

#[test]
fn a_table_in_a_pipe_is_not_wrapped_unless_asked() {
    let o = mbckg(&["query", "show T-DXd", "--format", "table"], None);
    assert!(widest(&stdout(&o)) > 200, "{}", stdout(&o));
}

#[test]
fn machine_formats_keep_full_text_whatever_the_width() {
    for format in ["json", "csv", "tsv"] {
        let narrow = mbckg_with(
            &["query", "show T-DXd", "--format", format],
            None,
            &[("COLUMNS", "40")],
        );
        let wide = mbckg(&["query", "show T-DXd", "--format", format], None);
        assert_eq!(narrow.stdout, wide.stdout, "{format}");
        assert!(stdout(&narrow).contains("Targeted therapy for people with metastatic breast cancer whose tumors express low levels of HER2"), "{format}");
    }
}
#[test]
fn piped_timer_on_is_a_meta_command_not_an_unknown_word() {
    let o = mbckg(&[], Some(b".timer on\ncount drugs\n"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("unknown word"), "{}", stderr(&o));
    // Timings are diagnostics: stderr, so stdout stays clean for a pipe.
    assert!(stderr(&o).contains("time: "), "{}", stderr(&o));
    assert_eq!(stdout(&o), "drugs\n48\n");
}

#[test]
fn piped_mode_json_gives_clean_json() {
    let o = mbckg(
        &[],
        Some(b".mode json\ndrugs targeting HER2 with cardiac monitoring\n"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    assert_eq!(v["count"], 3);
}

#[test]
fn run_scripts_take_meta_commands() {
    let o = mbckg(&["run", "tests/scripts/meta.kgq"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "drug,monitoring tests\n\
         ado-trastuzumab emtansine,cardiac function monitoring\n\
         margetuximab,\"echocardiogram, MUGA scan\"\n\
         trastuzumab,echocardiogram\n\
         drugs\n48\n"
    );
    assert_eq!(stderr(&o).matches("time: ").count(), 1, "{}", stderr(&o));
}

#[test]
fn an_unknown_meta_command_in_a_script_fails_at_its_place() {
    let o = mbckg(&["run", "tests/scripts/unknown-meta.kgq"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("tests/scripts/unknown-meta.kgq:3:3"), "{err}");
    assert!(err.contains("did you mean `.mode`?"), "{err}");
    assert_eq!(stdout(&o), "drugs\n48\n", "stops at the failure");
}

#[test]
fn an_unknown_mode_in_a_script_fails() {
    let o = mbckg(&["run", "tests/scripts/bad-mode.kgq"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("tests/scripts/bad-mode.kgq:2:1"), "{err}");
    assert!(err.contains("yaml"), "{err}");
}

#[test]
fn a_script_reading_itself_stops_at_a_depth_limit() {
    let o = mbckg(&["run", "tests/scripts/reads-itself.kgq"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nested too deep"), "{}", stderr(&o));
}

#[test]
fn output_to_dev_stdout_reaches_a_pipe() {
    // `/dev/stdout` is a link to a pipe here, which has no file name to resolve.
    let o = mbckg(&["export", "--format", "json", "-o", "/dev/stdout"], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the export, as JSON");
    assert!(v.is_object() || v.is_array());
}
