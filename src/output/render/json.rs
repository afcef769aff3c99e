//! JSON and JSON Lines.

use super::*;

// ---------------------------------------------------------------------------------------------
// JSON and JSON Lines

pub(super) fn json_document(rs: &ResultSet) -> Value {
    let mut doc = Map::new();
    doc.insert("statement".into(), rs.statement.clone().into());
    doc.insert("interpretation".into(), rs.interpretation.clone().into());
    doc.insert("notes".into(), rs.notes.clone().into());
    doc.insert("columns".into(), rs.columns.clone().into());
    let rows = rs.rows.iter().map(|r| Value::Object(json_row(rs, r)));
    doc.insert("rows".into(), Value::Array(rows.collect()));
    doc.insert("count".into(), rs.rows.len().into());
    Value::Object(doc)
}

pub(super) fn jsonl(rs: &ResultSet) -> String {
    let mut out = String::new();
    for row in &rs.rows {
        let mut obj = json_row(rs, row);
        obj.insert("statement".into(), rs.statement.clone().into());
        push_line(&mut out, &Value::Object(obj).to_string());
    }
    out
}

pub(super) fn json_row(rs: &ResultSet, row: &Row) -> Map<String, Value> {
    let cells = (0..rs.columns.len()).map(|i| Value::from(cell(row, i)));
    let witnesses = row
        .witnesses
        .iter()
        .map(|chain| Value::Array(chain.iter().map(json_step).collect()));
    let mut obj = Map::new();
    obj.insert("id".into(), row.id.clone().into());
    obj.insert("kind".into(), row.kind.as_ref().map(|k| k.as_str()).into());
    obj.insert("cells".into(), Value::Array(cells.collect()));
    obj.insert("witnesses".into(), Value::Array(witnesses.collect()));
    obj
}

/// A witness step in the one statement shape the JSON export uses too
/// (`schema/statement.schema.json`).
pub(super) fn json_step(s: &Step) -> Value {
    serde_json::to_value(crate::output::export::StatementOut::of_step(s)).unwrap_or(Value::Null)
}
