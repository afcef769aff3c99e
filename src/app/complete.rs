//! Tab completion that knows the spot: at the start of a line the statement openers, kind nouns
//! and names; after a relation phrase only the names and nouns of the kinds it reaches (and the
//! names that can modify those nouns: `hepatic` before `side effects`); after a kind or a name the
//! phrases that fit it; formats after `as` and `.mode`; fields after `where`; file names after
//! `.read` and `.data`.
//!
//! Pure: the words come from the lexicon, the grammar's openers and keywords, the planner's link
//! words and the graph; the file system comes in as a function, so tests need neither a terminal
//! nor files.

use super::meta::{self, Arg};
use crate::graph::{normalize, KnowledgeGraph};
use crate::lexicon::{self, phrasing, phrasing::Role};
use crate::model::{Field, Format, NodeKind, Relation};
use crate::query::{plan, syntax};

/// A directory entry offered after `.read` or `.data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub dir: bool,
}

/// Lists a directory (`""` is the current one); an unreadable one lists nothing.
pub type ListDir<'a> = &'a dyn Fn(&str) -> Vec<Entry>;

/// The grammar's two-word modifiers (each word is in [`syntax::STRUCTURE`]).
const MODIFIER_KEYWORDS: &[&str] = &["grouped by", "sorted by"];

/// The most words one completion may replace (`trastuzumab der` → `trastuzumab deruxtecan`).
const MAX_WORDS: usize = 4;

/// Completions for the text before `pos`: where the replaced text starts, and the candidates.
pub fn complete(line: &str, pos: usize, g: &KnowledgeGraph, list: ListDir) -> (usize, Vec<String>) {
    let pos = pos.min(line.len());
    if !line.is_char_boundary(pos) {
        return (pos, Vec::new());
    }
    let before = &line[..pos];
    if before.trim_start().starts_with('.') {
        return complete_meta(before, list);
    }
    complete_statement(before, g)
}

/// `.mo` → `.mode`; `.mode j` → `json`; `.read tests/scr` → `scripts/`.
fn complete_meta(before: &str, list: ListDir) -> (usize, Vec<String>) {
    let lead = before.len() - before.trim_start().len();
    let text = &before[lead..];
    let Some((name, rest)) = text.split_once(char::is_whitespace) else {
        let names = meta::METAS.iter().map(|m| m.name);
        return (
            lead,
            names
                .filter(|n| n.starts_with(text))
                .map(String::from)
                .collect(),
        );
    };
    let start = before.len() - rest.trim_start().len();
    let arg = &before[start..];
    match meta::find(name).map(|m| m.arg) {
        Some(Arg::File) => complete_path(arg, start, false, list),
        Some(Arg::Dir) => complete_path(arg, start, true, list),
        Some(a) => {
            let lower = arg.to_lowercase();
            let words = a.choices().into_iter();
            let out = words
                .filter(|w| w.starts_with(&lower))
                .map(String::from)
                .collect();
            (start, out)
        }
        None => (before.len(), Vec::new()),
    }
}

/// The entries of the typed directory whose names start with the typed file name; directories
/// end in `/` so the next Tab goes on inside them. Hidden files only when asked for with a dot.
fn complete_path(arg: &str, start: usize, dirs_only: bool, list: ListDir) -> (usize, Vec<String>) {
    let (dir, prefix) = match arg.rfind('/') {
        Some(i) => (&arg[..=i], &arg[i + 1..]),
        None => ("", arg),
    };
    let mut out: Vec<String> = list(dir)
        .into_iter()
        .filter(|e| e.name.starts_with(prefix) && (!dirs_only || e.dir))
        .filter(|e| !e.name.starts_with('.') || prefix.starts_with('.'))
        .map(|e| {
            if e.dir {
                format!("{}/", e.name)
            } else {
                e.name
            }
        })
        .collect();
    out.sort();
    (start + dir.len(), out)
}

/// Completes the last one to [`MAX_WORDS`] words of a statement, longest first, so a name of
/// several words completes whole.
fn complete_statement(before: &str, g: &KnowledgeGraph) -> (usize, Vec<String>) {
    let starts = word_starts(before);
    // After a space only the next word is completed: `given by ` offers what follows the phrase.
    let from = if before.ends_with(char::is_whitespace) {
        starts.len().saturating_sub(1)
    } else {
        starts.len().saturating_sub(MAX_WORDS)
    };
    for &start in &starts[from..] {
        let typed = normalize(&before[start..]);
        let prefix = typed.trim_start_matches('"');
        let at_end = start == before.len();
        if prefix.is_empty() && !at_end {
            continue;
        }
        let spot = Spot::of(&before[..start], g);
        let mut out: Vec<String> = spot
            .candidates(g, prefix)
            .into_iter()
            .filter(|c| normalize(c).starts_with(prefix))
            .collect();
        out.sort_by_key(|c| c.to_lowercase());
        out.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        if !out.is_empty() {
            return (
                start,
                out.into_iter().map(|c| quote_if_needed(&c)).collect(),
            );
        }
    }
    (before.len(), Vec::new())
}

/// Byte offsets where words start; the end of the text too when it ends in a separator.
fn word_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut prev_space = true;
    for (i, c) in text.char_indices() {
        if prev_space && !c.is_whitespace() {
            starts.push(i);
        }
        prev_space = c.is_whitespace() || c == '(' || c == ',';
    }
    if prev_space {
        starts.push(text.len());
    }
    starts
}

/// A candidate as it must be typed: a name is quoted when it holds a reserved word or
/// punctuation; keywords (`not`, `grouped by`) stay as they are.
fn quote_if_needed(name: &str) -> String {
    if name.split(' ').all(syntax::is_keyword) {
        return name.to_string();
    }
    let reserved = name
        .split_whitespace()
        .any(|w| syntax::RESERVED.contains(&w.to_lowercase().as_str()));
    let punctuation = name
        .chars()
        .any(|c| matches!(c, ',' | '(' | ')' | '"' | '#' | '=' | '!' | ';'));
    if reserved || punctuation {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_string()
    }
}

/// What the words before the cursor say may come next.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spot {
    /// The start of a statement (`openers`: of the line, where openers may come).
    Start { openers: bool },
    /// After a kind noun, a name or a whole clause: phrases that fit the subject, connectives,
    /// modifiers such as `where` and `as`; after a name, also the nouns it can modify.
    Clause {
        subject: Option<NodeKind>,
        name_kinds: Vec<NodeKind>,
    },
    /// After a relation phrase: the kinds it reaches (empty: any).
    Object(Vec<NodeKind>),
    /// After `and`, `or`, `not`: another phrase for the subject, or more objects like the last.
    Joined {
        subject: Option<NodeKind>,
        objects: Vec<NodeKind>,
    },
    /// After `as`.
    Format,
    /// After `where` or `grouped by`/`sorted by`.
    Field,
    /// After `limit` or `max`: a number, nothing to offer.
    Number,
}

/// One recognised run of words.
enum Tok {
    Opener,
    Noun(NodeKind),
    Phrase(Vec<NodeKind>),
    Link,
    Join,
    With,
    Name(Vec<NodeKind>),
    As,
    Where,
    Number,
    Open,
    Close,
    /// A word with no bearing on what comes next (`that`, `the`, `are`).
    Skip,
    Unknown,
}

impl Spot {
    /// The spot made by the words `done`.
    fn of(done: &str, g: &KnowledgeGraph) -> Spot {
        let words = words(done);
        let mut spot = Spot::Start { openers: true };
        let mut subject: Option<NodeKind> = None;
        let mut objects: Vec<NodeKind> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (n, tok) = longest_token(&words[i..], subject, g);
            i += n;
            // An opener opens only at the start (`drugs which cause`: `which` is glue there).
            let opens = matches!(tok, Tok::Opener) && spot == (Spot::Start { openers: true });
            if matches!(tok, Tok::Skip) || (matches!(tok, Tok::Opener) && !opens) {
                continue;
            }
            spot = match tok {
                Tok::Opener | Tok::Open => Spot::Start { openers: false },
                Tok::Noun(k) => {
                    if matches!(spot, Spot::Start { .. }) {
                        subject = Some(k);
                    }
                    Spot::Clause {
                        subject,
                        name_kinds: Vec::new(),
                    }
                }
                Tok::Name(kinds) => {
                    if matches!(spot, Spot::Start { .. }) && kinds.len() == 1 {
                        subject = kinds.first().copied();
                    }
                    objects.clone_from(&kinds);
                    Spot::Clause {
                        subject,
                        name_kinds: kinds,
                    }
                }
                Tok::Phrase(kinds) => Spot::Object(kinds),
                Tok::Link => Spot::Object(subject.map_or_else(Vec::new, linked_kinds)),
                Tok::Join => Spot::Joined {
                    subject,
                    objects: objects.clone(),
                },
                Tok::With => Spot::Object(Vec::new()),
                Tok::As => Spot::Format,
                Tok::Where => Spot::Field,
                Tok::Number => Spot::Number,
                Tok::Close | Tok::Unknown | Tok::Skip => Spot::Clause {
                    subject,
                    name_kinds: Vec::new(),
                },
            };
        }
        spot
    }

    /// The words that may come here and start with `prefix` (names are looked up by prefix, so
    /// a graph of a million drugs is not walked whole).
    fn candidates(&self, g: &KnowledgeGraph, prefix: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        match self {
            Spot::Start { openers } => {
                if *openers {
                    out.extend(syntax::OPENERS.iter().map(|o| o.to_string()));
                    out.extend(question_openers().map(str::to_string));
                    // The grammar's own two-word opener.
                    if syntax::is_keyword("me") {
                        out.push("show me".into());
                    }
                }
                out.extend(nouns(g, None));
                out.extend(names(g, None, prefix));
            }
            Spot::Clause {
                subject,
                name_kinds,
            } => {
                out.extend(phrases(g, *subject));
                for k in name_kinds {
                    out.extend(phrases(g, Some(*k)));
                    out.extend(nouns(g, Some(&modified_by(*k))));
                }
                out.extend(plan::CONNECTORS.iter().map(|w| w.to_string()));
                out.extend(syntax::RESERVED.iter().map(|w| w.to_string()));
                out.extend(MODIFIER_KEYWORDS.iter().map(|w| w.to_string()));
            }
            Spot::Object(kinds) => {
                let kinds = (!kinds.is_empty()).then_some(kinds.as_slice());
                out.extend(nouns(g, kinds));
                out.extend(names(g, kinds, prefix));
                if let Some(kinds) = kinds {
                    let modifiers: Vec<NodeKind> =
                        kinds.iter().flat_map(|k| modifiers_of(*k)).collect();
                    out.extend(names(g, Some(&modifiers), prefix));
                }
                out.push("not".into());
            }
            Spot::Joined { subject, objects } => {
                out.extend(phrases(g, *subject));
                if !objects.is_empty() {
                    out.extend(names(g, Some(objects), prefix));
                }
                out.push("not".into());
            }
            Spot::Format => out.extend(Format::ALL.iter().map(|f| f.as_str().to_string())),
            Spot::Field => {
                out.extend(Field::ALL.iter().map(|f| f.as_str().to_string()));
                out.extend(nouns(g, None));
            }
            Spot::Number => {}
        }
        out
    }
}

/// The words of `text`: quoted strings whole (quotes kept), brackets and commas on their own.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                current.push(c);
                quoted = !quoted;
            }
            c if quoted => current.push(c),
            c if c.is_whitespace() => {
                out.extend((!current.is_empty()).then(|| std::mem::take(&mut current)))
            }
            '(' | ')' | ',' => {
                out.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
                out.push(c.to_string());
            }
            c => current.push(c),
        }
    }
    out.extend((!current.is_empty()).then_some(current));
    out
}

/// The longest run of words at the start of `words` that means something, and how many words.
fn longest_token(words: &[String], subject: Option<NodeKind>, g: &KnowledgeGraph) -> (usize, Tok) {
    let most = words.len().min(g.max_label_words().max(MAX_WORDS));
    for n in (1..=most).rev() {
        let text = words[..n].join(" ").to_lowercase();
        if let Some(tok) = token(&text, subject, g) {
            return (n, tok);
        }
    }
    (1, Tok::Unknown)
}

/// What one run of words means, if anything.
fn token(text: &str, subject: Option<NodeKind>, g: &KnowledgeGraph) -> Option<Tok> {
    let unquoted = text
        .strip_prefix('"')
        .map(|t| t.strip_suffix('"').unwrap_or(t));
    if let Some(name) = unquoted {
        return Some(Tok::Name(kinds_named(name, g)));
    }
    let tok = match text {
        "(" | "," | "from" | "to" => Tok::Open,
        ")" => Tok::Close,
        "as" => Tok::As,
        "where" | "grouped by" | "sorted by" => Tok::Where,
        "limit" | "max" => Tok::Number,
        "and" | "or" | "not" => Tok::Join,
        "with" | "without" => Tok::With,
        _ if syntax::OPENERS.contains(&text) || text == "show me" => Tok::Opener,
        _ if plan::CONNECTORS.contains(&text) => Tok::Link,
        _ => {
            if let Some(role) = phrasing::role(text) {
                return Some(match role {
                    Role::Opener | Role::HowMany | Role::How | Role::About => Tok::Opener,
                    Role::Glue | Role::Filler => Tok::Skip,
                    Role::Neg => Tok::Join,
                    Role::Therapies => Tok::Unknown,
                    Role::Each => Tok::Where,
                });
            }
            if let Some((k, _)) = g.lexicon().kind_by_noun(text) {
                Tok::Noun(k)
            } else if let Some(kinds) = reached_by(text, subject, g) {
                Tok::Phrase(kinds)
            } else {
                let kinds = kinds_named(text, g);
                if kinds.is_empty() {
                    return None;
                }
                Tok::Name(kinds)
            }
        }
    };
    Some(tok)
}

/// The question openers of the lexicon (`which`, `how many`, `tell me about`, …).
fn question_openers() -> impl Iterator<Item = &'static str> {
    phrasing::STRUCTURE
        .iter()
        .filter(|(_, role)| matches!(role, Role::Opener | Role::HowMany | Role::How | Role::About))
        .map(|(w, _)| *w)
}

/// The kinds of the nodes a label names.
fn kinds_named(label: &str, g: &KnowledgeGraph) -> Vec<NodeKind> {
    let mut kinds: Vec<NodeKind> = g
        .lookup(label)
        .into_iter()
        .map(|n| g.node(n).kind)
        .collect();
    kinds.dedup();
    kinds
}

/// The kinds a relation phrase reaches from `subject` (forward: its range; inverse: its domain);
/// `None` when the words are no phrase. A relation that names no kinds reaches any.
fn reached_by(
    phrase: &str,
    subject: Option<NodeKind>,
    g: &KnowledgeGraph,
) -> Option<Vec<NodeKind>> {
    let fwd = g.lexicon().relations_by_phrase(phrase);
    let inv = lexicon::relations_by_inverse_phrase(phrase);
    if fwd.is_empty() && inv.is_empty() {
        return None;
    }
    let fits = |kinds: &[NodeKind]| subject.is_none_or(|s| kinds.is_empty() || kinds.contains(&s));
    let mut reached = Vec::new();
    let mut any = false;
    for pass_filter in [true, false] {
        for r in &fwd {
            if !pass_filter || fits(lexicon::domain(*r)) {
                any |= lexicon::range(*r).is_empty();
                reached.extend_from_slice(lexicon::range(*r));
            }
        }
        for r in &inv {
            if !pass_filter || fits(lexicon::range(*r)) {
                any |= lexicon::domain(*r).is_empty();
                reached.extend_from_slice(lexicon::domain(*r));
            }
        }
        if any || !reached.is_empty() {
            break;
        }
    }
    if any {
        return Some(Vec::new());
    }
    reached.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    reached.dedup();
    Some(reached)
}

/// Kinds some relation joins to `kind`, either way (what `of` and `for` may reach).
fn linked_kinds(kind: NodeKind) -> Vec<NodeKind> {
    let mut out: Vec<NodeKind> = Vec::new();
    for r in lexicon::RELATIONS {
        if r.domain.contains(&kind) {
            out.extend_from_slice(r.range);
        }
        if r.range.contains(&kind) {
            out.extend_from_slice(r.domain);
        }
    }
    out.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    out.dedup();
    out
}

/// Kinds whose names can modify a noun of `kind`: what its own relations reach, when those are
/// kinds that lead nowhere further (`hepatic side effects`: side effect —affects→ organ system;
/// `oral drugs`: drug —given_by→ route).
fn modifiers_of(kind: NodeKind) -> Vec<NodeKind> {
    let leads_on = |k: &NodeKind| lexicon::RELATIONS.iter().any(|r| r.domain.contains(k));
    let mut out: Vec<NodeKind> = Vec::new();
    for r in lexicon::RELATIONS
        .iter()
        .filter(|r| r.domain.contains(&kind))
    {
        out.extend(r.range.iter().filter(|k| !leads_on(k)));
    }
    out.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    out.dedup();
    out
}

/// Kinds a name of `kind` can modify (the inverse of [`modifiers_of`]).
fn modified_by(kind: NodeKind) -> Vec<NodeKind> {
    let mut out: Vec<NodeKind> = Vec::new();
    for r in lexicon::RELATIONS
        .iter()
        .filter(|r| r.range.contains(&kind))
    {
        out.extend_from_slice(r.domain);
    }
    out.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    out.dedup();
    out
}

/// Relation phrases that can follow a subject of `kind` (any kind: every phrase); an imported
/// graph's relations may join anything.
fn phrases(g: &KnowledgeGraph, kind: Option<NodeKind>) -> Vec<String> {
    let mut out = Vec::new();
    for r in lexicon::RELATIONS {
        if kind.is_none_or(|k| r.domain.contains(&k)) {
            out.extend(r.phrases.iter().map(|p| p.to_string()));
        }
        if kind.is_none_or(|k| r.range.contains(&k)) {
            out.extend(r.inverse_phrases.iter().map(|p| p.to_string()));
        }
    }
    let imported = g.lexicon().imported_relations();
    out.extend(imported.map(|r: Relation| lexicon::phrase(r).into_owned()));
    out
}

/// Plural nouns of these kinds (of every kind for `None`), built-in and imported.
fn nouns(g: &KnowledgeGraph, kinds: Option<&[NodeKind]>) -> Vec<String> {
    let wanted = |k: NodeKind| kinds.is_none_or(|ks| ks.contains(&k));
    let mut out: Vec<String> = lexicon::KINDS
        .iter()
        .filter(|k| wanted(k.kind))
        .flat_map(|k| k.plural.iter().map(|p| p.to_string()))
        .collect();
    let imported = g.lexicon().imported_kinds().filter(|k| wanted(*k));
    out.extend(imported.map(|k| lexicon::plural(k).into_owned()));
    out
}

/// Most names offered for one Tab: a prefix a million names share offers the first of them.
const MAX_NAMES: usize = 500;

/// Labels of other kinds passed over, at most, looking for aliases of a large kind wanted.
const SCAN_LABELS: usize = 20_000;

/// Most nodes a kind has for its aliases to be read node by node: a kind this small (every
/// kind of the curated graph, the targets of a large overlay) has all its aliases offered,
/// wherever they sort among the labels of other kinds; a larger one's are found through the
/// label index, within [`SCAN_LABELS`].
const WALK_KIND: usize = 4096;

/// Names and aliases of nodes of these kinds (of every node for `None`) that start with
/// `prefix`, as the data spells them, in label order; at most [`MAX_NAMES`], and then also the
/// prefix itself, so the completion of the first few does not run past what they all share.
/// Names of a kind come from that kind's sorted list, so the drugs of a big graph are not walked
/// to reach its targets; aliases of a small kind from its nodes, of a large one from the label
/// index, within [`SCAN_LABELS`].
fn names(g: &KnowledgeGraph, kinds: Option<&[NodeKind]>, prefix: &str) -> Vec<String> {
    let key = normalize(prefix);
    let spelled = |label: &str, n: crate::graph::NodeIx| -> String {
        let node = g.node(n);
        std::iter::once(node.name)
            .chain(node.aliases.iter())
            .find(|l| normalize(l) == label)
            .unwrap_or(label)
            .to_string()
    };
    let mut found: Vec<(String, String)> = Vec::new();
    match kinds {
        None => {
            for (label, n) in g.labels_with_prefix(prefix).take(MAX_NAMES + 1) {
                found.push((label.to_string(), spelled(label, n)));
            }
        }
        Some(kinds) => {
            for k in kinds {
                let list = g.of_kind(*k);
                let start = list.partition_point(|n| g.sort_key(*n) < key.as_str());
                for n in list[start..]
                    .iter()
                    .take_while(|n| g.sort_key(**n).starts_with(key.as_str()))
                    .take(MAX_NAMES + 1)
                {
                    let name = g.name(*n);
                    found.push((normalize(name), name.to_string()));
                }
            }
            let (small, large): (Vec<NodeKind>, Vec<NodeKind>) = kinds
                .iter()
                .partition(|k| g.of_kind(**k).len() <= WALK_KIND);
            for n in small.iter().flat_map(|k| g.of_kind(*k)) {
                let node = g.node(*n);
                let name = normalize(node.name);
                for alias in node.aliases.iter() {
                    let label = normalize(alias);
                    if label.starts_with(key.as_str()) && label != name {
                        found.push((label, alias.to_string()));
                    }
                }
            }
            if !large.is_empty() {
                let tests: Vec<_> = large.iter().map(|k| g.kind_test(*k)).collect();
                for (label, n) in g.labels_with_prefix(prefix).take(SCAN_LABELS) {
                    if tests.iter().any(|t| t.has(n)) && normalize(g.name(n)) != label {
                        found.push((label.to_string(), spelled(label, n)));
                    }
                }
            }
            found.sort();
            found.dedup();
        }
    }
    let mut out: Vec<String> = found.into_iter().map(|(_, s)| s).collect();
    if out.len() > MAX_NAMES {
        out.truncate(MAX_NAMES);
        out.push(prefix.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> KnowledgeGraph {
        KnowledgeGraph::new(crate::load::load_embedded().expect("shipped graph"))
    }

    fn no_files(_: &str) -> Vec<Entry> {
        Vec::new()
    }

    /// The candidates for the whole of `line`.
    fn at_end(line: &str, g: &KnowledgeGraph) -> Vec<String> {
        complete(line, line.len(), g, &no_files).1
    }

    #[test]
    fn a_prefix_many_names_share_offers_the_first_and_extends_no_further() {
        use crate::model::{Dataset, Node, Origin};
        let drug = |i: usize| Node {
            id: format!("drug-{i:05}"),
            kind: NodeKind::Drug,
            name: format!("drug-{i:05}"),
            aliases: Vec::new(),
            xrefs: Vec::new(),
            note: None,
            category: None,
            accepted: Vec::new(),
            origin: Origin::default(),
        };
        let mut nodes: Vec<Node> = (0..3 * MAX_NAMES).map(drug).collect();
        let mut dry = drug(0);
        dry.id = "dry-mouth".into();
        dry.name = "dry mouth".into();
        dry.kind = NodeKind::SideEffect;
        nodes.push(dry);
        let g = KnowledgeGraph::new(Dataset {
            sources: Vec::new(),
            nodes,
            statements: Vec::new(),
        });
        let all = names(&g, None, "dr");
        assert_eq!(all.len(), MAX_NAMES + 1);
        assert_eq!(all.last().map(String::as_str), Some("dr"));
        // Of one kind, past the names of another.
        assert_eq!(
            names(&g, Some(&[NodeKind::SideEffect]), "dr"),
            ["dry mouth"]
        );
    }

    #[test]
    fn a_small_kinds_aliases_are_offered_wherever_they_sort() {
        use crate::model::{Dataset, Node, Origin};
        let node = |id: String, kind: NodeKind, aliases: &[&str]| Node {
            name: id.clone(),
            id,
            kind,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            xrefs: Vec::new(),
            note: None,
            accepted: Vec::new(),
            category: None,
            origin: Origin::default(),
        };
        // More labels of drugs sort before the target's alias than a scan of the labels passes.
        let mut nodes: Vec<Node> = (0..SCAN_LABELS + 10)
            .map(|i| node(format!("a-{i:06}"), NodeKind::Drug, &[]))
            .collect();
        nodes.push(node(
            "kinase-x".into(),
            NodeKind::Target,
            &["Zeta  Kinase", "KINASE-X"],
        ));
        let g = KnowledgeGraph::new(Dataset {
            sources: Vec::new(),
            nodes,
            statements: Vec::new(),
        });
        let targets = Some(&[NodeKind::Target][..]);
        // An alias that only differs from the name in case is not offered twice.
        assert_eq!(names(&g, targets, ""), ["kinase-x", "Zeta  Kinase"]);
        assert_eq!(names(&g, targets, "zeta"), ["Zeta  Kinase"]);
        assert_eq!(names(&g, targets, "zeta q"), Vec::<String>::new());
    }

    #[test]
    fn a_relation_offers_only_what_it_reaches() {
        let g = graph();
        let c = at_end("drugs causing he", &g);
        assert!(!c.contains(&"Herceptin".to_string()), "{c:?}");
        assert!(c.contains(&"heart problems".to_string()), "{c:?}");
        assert!(
            c.contains(&"hepatic".to_string()),
            "a modifier of side effects: {c:?}"
        );
        let c = at_end("drugs targeting H", &g);
        assert!(
            c.contains(&"HER2".to_string()) && !c.contains(&"Herceptin".to_string()),
            "{c:?}"
        );
        let c = at_end("drugs in class a", &g);
        assert!(
            c.contains(&"aromatase inhibitor".to_string())
                && !c.contains(&"anastrozole".to_string()),
            "{c:?}"
        );
    }

    #[test]
    fn given_by_offers_routes() {
        let g = graph();
        let c = at_end("drugs given by ", &g);
        assert!(
            c.contains(&"oral".to_string()) && c.contains(&"intravenous".to_string()),
            "{c:?}"
        );
        assert!(
            c.iter().all(|n| !n.eq_ignore_ascii_case("trastuzumab")),
            "{c:?}"
        );
        assert!(
            c.contains(&"not".to_string()),
            "a keyword is not quoted: {c:?}"
        );
    }

    #[test]
    fn a_kind_offers_the_phrases_that_fit_it() {
        let g = graph();
        let (start, c) = complete("drugs tar", 9, &g, &no_files);
        assert_eq!(start, 6);
        assert!(c.contains(&"targeting".to_string()), "{c:?}");
        let c = at_end("side effects ", &g);
        assert!(
            c.contains(&"caused by".to_string()) || c.iter().any(|p| p.starts_with("affect")),
            "{c:?}"
        );
        assert!(
            !c.contains(&"targeting".to_string()),
            "side effects target nothing: {c:?}"
        );
    }

    #[test]
    fn names_of_several_words_complete_whole() {
        let g = graph();
        let (start, c) = complete("compare trastuzumab der", 23, &g, &no_files);
        assert_eq!((start, c), (8, vec!["trastuzumab deruxtecan".to_string()]));
        let (start, c) = complete("trast", 5, &g, &no_files);
        assert_eq!(start, 0);
        assert!(
            c.contains(&"trastuzumab".to_string())
                && c.contains(&"trastuzumab deruxtecan".to_string()),
            "{c:?}"
        );
    }

    #[test]
    fn openers_come_at_the_start_of_a_line_only() {
        let g = graph();
        assert!(at_end("sh", &g).contains(&"show".to_string()));
        assert!(at_end("", &g).contains(&"compare".to_string()));
        assert!(!at_end("drugs causing sh", &g).contains(&"show".to_string()));
        assert!(at_end("path from olap", &g).contains(&"olaparib".to_string()));
        for opener in ["which", "what", "how many", "list", "show me", "compare"] {
            let typed = &opener[..2];
            assert!(at_end(typed, &g).contains(&opener.to_string()), "{opener}");
        }
        assert!(at_end("which dru", &g).contains(&"drugs".to_string()));
        assert!(at_end("how many side effects are caused by trast", &g)
            .contains(&"trastuzumab".to_string()));
        assert!(at_end("drugs which ca", &g).contains(&"causing".to_string()));
        let c = at_end("drugs that cause he", &g);
        assert!(
            c.contains(&"heart problems".to_string()) && !c.contains(&"Herceptin".to_string()),
            "{c:?}"
        );
    }

    #[test]
    fn formats_follow_as_and_fields_follow_where() {
        let g = graph();
        assert_eq!(at_end("drugs targeting HER2 as j", &g), ["json", "jsonl"]);
        assert_eq!(
            at_end("drugs treating HER2-positive where li", &g),
            ["line"]
        );
    }

    #[test]
    fn meta_commands_and_their_arguments_complete() {
        let g = graph();
        assert_eq!(at_end(".mo", &g), [".mode"]);
        assert_eq!(
            complete(".mode j", 7, &g, &no_files),
            (6, vec!["json".into(), "jsonl".into()])
        );
        assert_eq!(at_end(".timer o", &g), ["off", "on"]);
        let files = |dir: &str| -> Vec<Entry> {
            match dir {
                "" => vec![
                    Entry {
                        name: "tests".into(),
                        dir: true,
                    },
                    Entry {
                        name: ".git".into(),
                        dir: true,
                    },
                    Entry {
                        name: "t.kgq".into(),
                        dir: false,
                    },
                ],
                "tests/" => vec![
                    Entry {
                        name: "scripts".into(),
                        dir: true,
                    },
                    Entry {
                        name: "repl.rs".into(),
                        dir: false,
                    },
                ],
                _ => Vec::new(),
            }
        };
        assert_eq!(
            complete(".read t", 7, &g, &files),
            (6, vec!["t.kgq".into(), "tests/".into()])
        );
        assert_eq!(
            complete(".read tests/", 12, &g, &files),
            (12, vec!["repl.rs".into(), "scripts/".into()])
        );
        assert_eq!(
            complete(".data ", 6, &g, &files),
            (6, vec!["tests/".into()])
        );
        assert_eq!(
            complete(".data tests/", 12, &g, &files),
            (12, vec!["scripts/".into()])
        );
    }

    #[test]
    fn modifier_keywords_are_the_grammars() {
        for k in MODIFIER_KEYWORDS {
            assert!(k.split(' ').all(syntax::is_keyword), "{k}");
        }
        let g = graph();
        assert_eq!(at_end("count drugs gro", &g), ["grouped by"]);
    }

    #[test]
    fn nothing_typed_breaks_completion() {
        let g = graph();
        for line in [
            "\"",
            "((",
            "drugs \"unterminated",
            "é",
            ".read",
            ". x",
            ",,,",
            "drugs targeting HER2 and ",
            "compare a, ",
        ] {
            for pos in 0..=line.len() {
                let _ = complete(line, pos, &g, &no_files);
            }
        }
    }
}
