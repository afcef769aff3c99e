//! The qualifiers of a KGX edge: one column each (`mbckg_line`, …), or packed in one
//! `qualifiers` column (`line=first|population=men;women`) as exports before the columns wrote.

use crate::diag::{self, Diagnostic};
use crate::model::kgx::{local_id, split_list, split_unescaped, unescape, QUALIFIERS};
use crate::model::vocab::{Frequency, Line};
use crate::model::Qualifiers;

use super::{EdgeColumns, Record, Table};

/// The qualifiers of one edge line, each problem reported at its field.
pub(super) fn read(
    t: &Table,
    r: &Record,
    c: &EdgeColumns,
    errors: &mut Vec<Diagnostic>,
) -> Qualifiers {
    let mut q = Qualifiers::default();
    if let Err(message) = parse_packed(&mut q, r.raw(c.packed)) {
        errors.push(t.at(r, c.packed, message));
    }
    for (name, column) in QUALIFIERS.iter().zip(&c.qualifiers) {
        if let Err(message) = set_column(&mut q, name, r.raw(*column)) {
            errors.push(t.at(r, *column, message));
        }
    }
    q
}

/// The qualifiers of the `mbckg_<name>` fields of a line, raw, in [`QUALIFIERS`] order (the
/// streaming reader's way in); the first problem as an error.
pub(crate) fn from_columns(raw: &[&str]) -> Result<Qualifiers, String> {
    let mut q = Qualifiers::default();
    for (name, field) in QUALIFIERS.iter().zip(raw) {
        set_column(&mut q, name, field)?;
    }
    Ok(q)
}

/// Sets one qualifier from its column's raw field; an empty field sets nothing.
fn set_column(q: &mut Qualifiers, name: &str, raw: &str) -> Result<(), String> {
    if raw.is_empty() {
        return Ok(());
    }
    let value = if matches!(name, "population" | "with") {
        Value::List(split_list(raw).iter().map(|s| local_id(s)).collect())
    } else {
        Value::Text(unescape(raw))
    };
    set_qualifier(q, name, value)
}

/// A qualifier's value as read.
enum Value {
    Text(String),
    List(Vec<String>),
}

fn set_qualifier(q: &mut Qualifiers, name: &str, value: Value) -> Result<(), String> {
    let text = |v: Value| match v {
        Value::Text(s) => s,
        Value::List(items) => items.join(";"),
    };
    let unknown = |what: &str, allowed: Vec<&str>, v: &str| {
        format!(
            "unknown {what} `{v}`; {what} is one of: {}",
            allowed.join(", ")
        )
    };
    let list = |v: Value| match v {
        Value::List(items) => items,
        Value::Text(s) => vec![s],
    };
    match name {
        "line" => {
            let v = text(value);
            let line =
                Line::parse(&v).ok_or_else(|| unknown("line of therapy", Line::words(), &v))?;
            q.line = Some(line);
        }
        "frequency" => {
            let v = text(value);
            let f =
                Frequency::parse(&v).ok_or_else(|| unknown("frequency", Frequency::words(), &v))?;
            q.frequency = Some(f);
        }
        "risk" => q.risk = Some(text(value)),
        "schedule" => q.schedule = Some(text(value)),
        "condition" => q.condition = Some(text(value)),
        "any_of" => q.any_of = Some(text(value)),
        "population" => q.population = list(value),
        "with" => q.with = list(value),
        "min_count" => {
            let v = text(value);
            let n = v
                .parse()
                .map_err(|_| format!("min_count `{v}` is not a whole number"))?;
            q.min_count = Some(n);
        }
        other => {
            let hint = diag::did_you_mean(other, QUALIFIERS)
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            return Err(format!("unknown qualifier `{other}`{hint}"));
        }
    }
    Ok(())
}

/// Reads the packed qualifiers column of older exports: `line=first|population=men;women`.
fn parse_packed(q: &mut Qualifiers, field: &str) -> Result<(), String> {
    if field.is_empty() {
        return Ok(());
    }
    for part in split_unescaped(field, '|') {
        let Some((name, value)) = part.split_once('=') else {
            return Err(format!(
                "qualifier `{}` has no value (write name=value)",
                unescape(part)
            ));
        };
        let value = if matches!(name, "population" | "with") {
            Value::List(
                split_unescaped(value, ';')
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .map(unescape)
                    .collect(),
            )
        } else {
            Value::Text(unescape(value))
        };
        set_qualifier(q, &unescape(name), value)?;
    }
    Ok(())
}
