//! The JSON Schema files in `schema/` hold for real output: the JSON export of the whole graph and
//! of a query's subgraph, and query results with and without witnesses. The one statement shape
//! (`schema/statement.schema.json`) is used by both, so a witness and an exported statement are the
//! same object.
//!
//! The checker below covers the keywords our schemas use (`type`, `enum`, `properties`,
//! `required`, `additionalProperties: false`, `items`, `minimum`, `pattern` for the two forms we
//! write, `$ref` to a `$defs` entry or to another file of `schema/`); a keyword it does not know
//! fails the test, so the schemas cannot quietly outgrow it.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn schema(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn mbckg(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_mbckg"))
        .args(args)
        .output()
        .expect("mbckg runs");
    assert!(
        out.status.success(),
        "mbckg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

/// Every way `value` breaks `schema` (of `file`), as `path: problem`.
fn check(file: &str, schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
    let Some(rules) = schema.as_object() else {
        out.push(format!("{path}: schema is not an object"));
        return;
    };
    for (key, rule) in rules {
        match key.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => {
                let (target_file, target) = resolve(file, rule.as_str().unwrap_or_default());
                check(&target_file, &target, value, path, out);
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    other => other.as_str().into_iter().collect(),
                };
                if !types.iter().any(|t| is_type(value, t)) {
                    out.push(format!("{path}: {value} is not of type {types:?}"));
                }
            }
            "enum" => {
                if !rule.as_array().is_some_and(|a| a.contains(value)) {
                    out.push(format!("{path}: {value} is not one of {rule}"));
                }
            }
            "required" => {
                for name in rule
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if value.as_object().is_some_and(|o| !o.contains_key(name)) {
                        out.push(format!("{path}: `{name}` is missing"));
                    }
                }
            }
            "properties" => {
                let (Some(props), Some(obj)) = (rule.as_object(), value.as_object()) else {
                    continue;
                };
                for (name, v) in obj {
                    if let Some(s) = props.get(name) {
                        check(file, s, v, &format!("{path}.{name}"), out);
                    }
                }
            }
            "additionalProperties" => {
                let props = rules.get("properties").and_then(Value::as_object);
                if let (Some(false), Some(obj)) = (rule.as_bool(), value.as_object()) {
                    for name in obj.keys() {
                        if !props.is_some_and(|p| p.contains_key(name)) {
                            out.push(format!("{path}: `{name}` is not in the schema"));
                        }
                    }
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    check(file, rule, item, &format!("{path}[{i}]"), out);
                }
            }
            "minimum" => {
                if let (Some(n), Some(min)) = (value.as_f64(), rule.as_f64()) {
                    if n < min {
                        out.push(format!("{path}: {n} is below {min}"));
                    }
                }
            }
            "pattern" => {
                if let Some(s) = value.as_str() {
                    if !matches_pattern(rule.as_str().unwrap_or_default(), s) {
                        out.push(format!("{path}: `{s}` does not match {rule}"));
                    }
                }
            }
            other => out.push(format!("{path}: the checker does not know `{other}`")),
        }
    }
}

/// The two patterns our schemas use, checked by hand (no regex crate here).
fn matches_pattern(pattern: &str, s: &str) -> bool {
    match pattern {
        // A CURIE: a prefix without spaces, a colon, a reference without spaces.
        r"^[^:\s]+:\S+$" => s.split_once(':').is_some_and(|(p, r)| {
            !p.is_empty() && !r.is_empty() && !s.contains(char::is_whitespace)
        }),
        // file:line:col
        r"^.+:[0-9]+:[0-9]+$" => {
            let mut parts = s.rsplitn(3, ':');
            let digits = |p: Option<&str>| {
                p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            };
            digits(parts.next())
                && digits(parts.next())
                && parts.next().is_some_and(|f| !f.is_empty())
        }
        other => panic!("pattern {other} is not known to the checker"),
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_u64() || v.is_i64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        _ => false,
    }
}

/// A `$ref`: `#/$defs/name` in the same file, or another file of `schema/`.
fn resolve(file: &str, reference: &str) -> (String, Value) {
    let (target_file, fragment) = match reference.split_once('#') {
        Some(("", f)) => (file.to_string(), f),
        Some((other, f)) => (other.to_string(), f),
        None => (reference.to_string(), ""),
    };
    let mut target = schema(&target_file);
    for part in fragment.split('/').filter(|p| !p.is_empty()) {
        target = target.get(part).cloned().unwrap_or(Value::Null);
    }
    (target_file, target)
}

fn assert_valid(file: &str, value: &Value) {
    let mut problems = Vec::new();
    check(file, &schema(file), value, "$", &mut problems);
    assert!(
        problems.is_empty(),
        "{file}: {} problems, first: {:#?}",
        problems.len(),
        &problems[..problems.len().min(10)]
    );
}

#[test]
fn schemas_use_only_what_the_checker_knows() {
    for file in [
        "statement.schema.json",
        "result.schema.json",
        "export.schema.json",
    ] {
        // An empty object against every schema finds its unknown keywords without failing early.
        let mut problems = Vec::new();
        check(file, &schema(file), &Value::Null, "$", &mut problems);
        assert!(
            !problems.iter().any(|p| p.contains("does not know")),
            "{problems:?}"
        );
    }
}

#[test]
fn the_json_export_follows_its_schema() {
    let doc = mbckg(&["export", "--format", "json"]);
    assert!(doc["statements"].as_array().is_some_and(|s| s.len() > 1000));
    assert_valid("export.schema.json", &doc);
    let part = mbckg(&[
        "export",
        "--format",
        "json",
        "--query",
        "drugs targeting HER2 with cardiac monitoring",
    ]);
    assert_valid("export.schema.json", &part);
}

#[test]
fn query_results_follow_their_schema() {
    for query in [
        "why drugs targeting HER2 with cardiac monitoring",
        "drugs treating HER2-positive where line = second",
        "count drugs causing diarrhea grouped by class",
        "path from olaparib to BRCA1",
        "show trastuzumab",
        "compare palbociclib, ribociclib",
        "side effects of neratinib",
    ] {
        let result = mbckg(&["query", query, "--format", "json"]);
        assert_valid("result.schema.json", &result);
    }
}

#[test]
fn a_witness_and_an_exported_statement_are_the_same_object() {
    let result = mbckg(&[
        "query",
        "why trastuzumab requires echocardiogram",
        "--format",
        "json",
    ]);
    let witness = &result["rows"][0]["witnesses"][0][0];
    let export = mbckg(&["export", "--format", "json"]);
    let exported = export["statements"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["origin"] == witness["origin"])
        .expect("the witness's statement is exported");
    assert_eq!(witness, exported);
}
