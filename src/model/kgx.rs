//! The KGX TSV conventions that the writer (`output::export::kgx`) and the reader (`load::kgx`)
//! share: column names, the CURIE prefixes of our ids and sources, escaping of fields and lists,
//! and the packed text form of qualifiers (GraphML, and KGX before each qualifier had a column).
//! Pure functions over strings.

use std::borrow::Cow;

use super::{Origin, Qualifiers};

// ---------------------------------------------------------------------------------------------
// KGX TSV

/// Prefix of our ids as KGX CURIEs; taken off on reading, put back on export.
pub const CURIE_PREFIX: &str = "MBCKG:";

/// Prefix of the `infores:` ids our export gives our own sources (declared, not registered).
pub const INFORES_PREFIX: &str = "infores:mbckg-";

/// The source of a statement whose file names none.
pub const UNATTRIBUTED: &str = "unattributed";

pub(crate) const NODE_COLUMNS: [&str; 8] = [
    "id",
    "category",
    "name",
    "description",
    "synonym",
    "xref",
    "mbckg_kind",
    "mbckg_origin",
];

/// Biolink's columns, then ours (`mbckg_…`): provenance, then one column per qualifier in
/// [`QUALIFIERS`] order, then where the statement was curated.
pub(crate) const EDGE_COLUMNS: [&str; 22] = [
    "id",
    "subject",
    "predicate",
    "object",
    "negated",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "original_predicate",
    "mbckg_section",
    "mbckg_evidence",
    "mbckg_note",
    "mbckg_line",
    "mbckg_frequency",
    "mbckg_risk",
    "mbckg_population",
    "mbckg_with",
    "mbckg_schedule",
    "mbckg_min_count",
    "mbckg_condition",
    "mbckg_any_of",
    "mbckg_origin",
];

/// The qualifiers, each written in its own column `mbckg_<name>`.
pub const QUALIFIERS: [&str; 9] = [
    "line",
    "frequency",
    "risk",
    "population",
    "with",
    "schedule",
    "min_count",
    "condition",
    "any_of",
];

/// A node id as a CURIE: ours (kebab-case, no colon) get `MBCKG:`; an imported graph's ids, which
/// have a prefix, stay as they were read.
pub fn curie(id: &str) -> String {
    if id.contains(':') {
        id.to_string()
    } else {
        format!("{CURIE_PREFIX}{id}")
    }
}

/// An id from a CURIE column, unescaped: `MBCKG:` taken off, any other id as it is.
pub fn local_id(field: &str) -> String {
    unescape(field.strip_prefix(CURIE_PREFIX).unwrap_or(field))
}

/// A source id as an `infores:` CURIE: ours (a plain id) under `infores:mbckg-`, one read from
/// another graph as it was; empty for an unattributed statement.
pub fn infores(source: &str) -> String {
    if source == UNATTRIBUTED {
        String::new()
    } else if source.contains(':') {
        source.to_string()
    } else {
        format!("{INFORES_PREFIX}{source}")
    }
}

/// `file:line:col` back into an [`Origin`].
pub fn parse_origin(s: &str) -> Option<Origin> {
    let mut it = s.rsplitn(3, ':');
    let col = it.next()?.parse().ok()?;
    let line = it.next()?.parse().ok()?;
    let file = it.next()?.to_string();
    Some(Origin { file, line, col })
}

/// Escapes a backslash and every separator in `seps` with a backslash; with `tsv`, also tab,
/// newline and CR as `\t`, `\n`, `\r`. [`unescape`] reverses it.
pub(crate) fn escape(s: &str, tsv: bool, seps: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s, tsv, seps);
    out
}

/// [`escape`], appending to `out`.
pub(crate) fn push_escaped(out: &mut String, s: &str, tsv: bool, seps: &[char]) {
    let special =
        |c: char| c == '\\' || (tsv && matches!(c, '\t' | '\n' | '\r')) || seps.contains(&c);
    if !s.contains(special) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' if tsv => out.push_str("\\t"),
            '\n' if tsv => out.push_str("\\n"),
            '\r' if tsv => out.push_str("\\r"),
            c if seps.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Reverses [`escape`]: `\t`, `\n`, `\r` are control characters, `\x` is `x` for any other `x`.
pub(crate) fn unescape(s: &str) -> String {
    unescaped(s).into_owned()
}

/// [`unescape`], borrowing when there is nothing to unescape (most fields).
pub(crate) fn unescaped(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// Splits at every `sep` not preceded by an escaping backslash; the parts stay escaped.
pub(crate) fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A list joined by `|`, each item escaped.
pub(crate) fn join_list(items: &[String], tsv: bool) -> String {
    items
        .iter()
        .map(|s| escape(s, tsv, &['|']))
        .collect::<Vec<_>>()
        .join("|")
}

/// The splitting inverse of [`join_list`]; blank items (`a||b`) are dropped, so an empty field
/// is an empty list.
pub(crate) fn split_list(field: &str) -> Vec<String> {
    list_items(field).map(Cow::into_owned).collect()
}

/// The items of a list field, as [`split_list`] reads them, borrowed from the field when it
/// has no escapes (most fields).
pub(crate) fn list_items(field: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let escaped = field.contains('\\');
    let split = if escaped {
        split_unescaped(field, '|')
    } else {
        Vec::new()
    };
    let plain = (!escaped).then(|| field.split('|'));
    split
        .into_iter()
        .chain(plain.into_iter().flatten())
        .filter(|s| !s.trim().is_empty())
        .map(unescaped)
}

/// The qualifiers that hold one text value, in export order.
pub(crate) fn text_qualifiers(q: &Qualifiers) -> impl Iterator<Item = (&'static str, &str)> {
    [
        ("line", q.line.map(|l| l.as_str())),
        ("frequency", q.frequency.map(|f| f.as_str())),
        ("risk", q.risk.as_deref()),
        ("schedule", q.schedule.as_deref()),
        ("condition", q.condition.as_deref()),
        ("any_of", q.any_of.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
}

/// `line=first|population=men;postmenopausal|min_count=2`: pairs joined by `|`, list items by `;`.
pub(crate) fn qualifiers_text(q: &Qualifiers, tsv: bool) -> String {
    let mut parts: Vec<String> = text_qualifiers(q)
        .map(|(k, v)| format!("{k}={}", escape(v, tsv, &['|'])))
        .collect();
    for (k, list) in [("population", &q.population), ("with", &q.with)] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|s| escape(s, tsv, &['|', ';'])).collect();
            parts.push(format!("{k}={}", items.join(";")));
        }
    }
    if let Some(n) = q.min_count {
        parts.push(format!("min_count={n}"));
    }
    parts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_escape_round_trips() {
        let s = "a\\b\tc\nd\re|f;g";
        assert_eq!(escape(s, true, &['|']), "a\\\\b\\tc\\nd\\re\\|f;g");
        assert_eq!(unescape(&escape(s, true, &['|', ';'])), s);
        let list = vec!["x|y".to_string(), "z\\".to_string(), "w".to_string()];
        assert_eq!(split_list(&join_list(&list, true)), list);
        assert!(split_list("").is_empty());
    }
}
