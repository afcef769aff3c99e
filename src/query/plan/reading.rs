//! Reading a phrase's words: longest-match tokens (names, groups, kind nouns, relation phrases,
//! the field's words, structure and filler words from `phrasing`), with backtracking when a long
//! match leaves words that cannot be read; then the filler words are set aside (and remembered
//! for the echo) and the rest is checked.
//!
//! Uses the lexicon (`schema`, `phrasing`) and the graph's names; builds no filters.

use super::{Planner, Tok, CONNECTORS};
use crate::diag;
use crate::graph::{normalize, NodeIx};
use crate::lexicon;
use crate::lexicon::phrasing::{self, Role};
use crate::model::NodeKind;
use crate::query::ast::{self, Phrase, Span, Word};
use crate::query::syntax::QueryError;

/// Kinds after which `breast cancer`, `disease`, `women`, `patients` … may be skipped.
const CONTEXT_KINDS: &[NodeKind] = &[NodeKind::Subtype, NodeKind::Biomarker, NodeKind::Population];

impl Planner<'_> {
    /// Splits a phrase into tokens by longest match, backing off to shorter matches when the
    /// words after a long match cannot be read.
    pub(super) fn tokens(&self, phrase: &Phrase) -> Result<Vec<Tok>, QueryError> {
        let mut memo: Vec<Option<Result<Vec<Tok>, QueryError>>> = vec![None; phrase.words.len()];
        self.segment(&phrase.words, 0, &mut memo)
    }

    fn segment(
        &self,
        words: &[Word],
        i: usize,
        memo: &mut Vec<Option<Result<Vec<Tok>, QueryError>>>,
    ) -> Result<Vec<Tok>, QueryError> {
        if i >= words.len() {
            return Ok(Vec::new());
        }
        if let Some(done) = &memo[i] {
            return done.clone();
        }
        let result = self.segment_at(words, i, memo);
        memo[i] = Some(result.clone());
        result
    }

    fn segment_at(
        &self,
        words: &[Word],
        i: usize,
        memo: &mut Vec<Option<Result<Vec<Tok>, QueryError>>>,
    ) -> Result<Vec<Tok>, QueryError> {
        if words[i].quoted {
            let w = &words[i];
            let tok = match self.g.lookup(&w.text).as_slice() {
                [one] => Tok::Node(*one, w.span),
                [] => return Err(self.unknown_name(&w.text, w.span)),
                many => return Err(self.ambiguous(&w.text, many, w.span)),
            };
            let mut rest = self.segment(words, i + 1, memo)?;
            rest.insert(0, tok);
            return Ok(rest);
        }
        let longest = (self.g.max_label_words() + 1).max(5);
        let max = longest.min(words.len() - i);
        let mut later: Option<QueryError> = None;
        for len in (1..=max).rev() {
            let run = &words[i..i + len];
            if run.iter().any(|w| w.quoted) {
                continue;
            }
            let Some(tok) = self.classify(run)? else {
                continue;
            };
            match self.segment(words, i + len, memo) {
                Ok(mut rest) => {
                    rest.insert(0, tok);
                    return Ok(rest);
                }
                Err(e) => {
                    if later.as_ref().is_none_or(|l| e.span.start > l.span.start) {
                        later = Some(e);
                    }
                }
            }
        }
        Err(later.unwrap_or_else(|| self.unknown_word(words, i)))
    }

    /// What a run of words is, if it is anything.
    fn classify(&self, run: &[Word]) -> Result<Option<Tok>, QueryError> {
        let text = ast::words_text(run);
        let span = ast::words_span(run);
        match self.g.lookup(&text).as_slice() {
            [one] => return Ok(Some(self.node_tok(*one, &text, span))),
            [] => {}
            many => return Err(self.ambiguous(&text, many, span)),
        }
        if let Some(t) = self.group_tok(&text, span) {
            return Ok(Some(t));
        }
        let lower = normalize(&text);
        let fwd = self.g.lexicon().relations_by_phrase(&lower);
        let inv = lexicon::relations_by_inverse_phrase(&lower);
        let rel = (!fwd.is_empty() || !inv.is_empty()).then(|| Tok::Rel {
            text: lower.clone(),
            fwd,
            inv,
            span,
        });
        if let Some((k, _)) = self.g.lexicon().kind_by_noun(&text) {
            // `target` and `targets` are nouns and verbs: the neighbours decide (see `read`).
            return Ok(Some(match rel {
                Some(r) => Tok::Either(k, Box::new(r), span),
                None => Tok::Kind(k, span, lexicon::relation_of_noun(&text)),
            }));
        }
        if let Some(r) = rel {
            return Ok(Some(r));
        }
        if CONNECTORS.contains(&lower.as_str()) {
            return Ok(Some(Tok::Conn(lower, span)));
        }
        let words: Vec<&str> = run.iter().map(|w| w.text.as_str()).collect();
        if let Some((field, value)) = phrasing::qualifier(&words) {
            return Ok(Some(Tok::Qual(field, value, span)));
        }
        if let Some(role) = phrasing::role(&lower) {
            return Ok(Some(match role {
                Role::Therapies => Tok::Therapies(span),
                r => Tok::Role(r, lower, span),
            }));
        }
        if phrasing::context_filler(&lower) {
            return Ok(Some(Tok::Ctx(lower, span)));
        }
        for v in phrasing::variants(&text) {
            if let [one] = self.g.lookup(&v).as_slice() {
                return Ok(Some(self.node_tok(*one, &text, span)));
            }
            if let Some(t) = self.group_tok(&v, span) {
                return Ok(Some(t));
            }
        }
        Ok(None)
    }

    /// A node, or for a class named in the plural (`anthracyclines`, `AIs`), its members.
    fn node_tok(&self, n: NodeIx, typed: &str, span: Span) -> Tok {
        let node = self.g.node(n);
        let typed = normalize(typed);
        let plural = node.kind == NodeKind::Class
            && typed.ends_with('s')
            && !normalize(node.name).ends_with('s')
            && typed != normalize(node.name);
        if plural {
            Tok::Plural(n, span)
        } else {
            Tok::Node(n, span)
        }
    }

    fn group_tok(&self, text: &str, span: Span) -> Option<Tok> {
        let ids = phrasing::group(text)?;
        let nodes: Vec<NodeIx> = ids.iter().filter_map(|id| self.g.by_id(id)).collect();
        (!nodes.is_empty()).then_some(Tok::Nodes(nodes, span))
    }

    /// Sets filler words aside (remembering them for the echo), drops structure words, and checks
    /// that words skipped only in context (`disease`, `women`) follow a subtype, biomarker or
    /// population.
    pub(super) fn read(&mut self, mut toks: Vec<Tok>) -> Result<Vec<Tok>, QueryError> {
        let mut out: Vec<Tok> = Vec::new();
        let mut after_context = false;
        // A noun that is also a verb, followed by an auxiliary, is the noun the question asks
        // for (`what targets does trastuzumab have`), whatever follows: the auxiliary is dropped
        // below with the other structure words, and with it what told the two apart.
        for j in 1..toks.len() {
            if let (Tok::Either(k, _, span), Tok::Role(Role::Glue, aux, _)) =
                (&toks[j - 1], &toks[j])
            {
                if phrasing::AUXILIARIES.contains(&aux.as_str()) {
                    toks[j - 1] = Tok::Kind(*k, *span, None);
                }
            }
        }
        // `a` / `an` / `any` just before a class that a phrase links to: any of its drugs too,
        // as its plural reads (`regimens that include a taxane`: docetaxel's too).
        let mut article = false;
        for t in toks {
            let was_article = std::mem::take(&mut article);
            match t {
                Tok::Node(n, span)
                    if was_article
                        && self.g.node(n).kind == NodeKind::Class
                        && matches!(out.last(), Some(Tok::Rel { .. } | Tok::Conn(..))) =>
                {
                    out.push(Tok::Plural(n, span));
                }
                Tok::Role(Role::Filler, text, _) => {
                    article = matches!(text.as_str(), "a" | "an" | "any");
                    self.ignored.push(text);
                }
                // `which`, `what` inside a statement are relative pronouns.
                Tok::Role(Role::Glue | Role::Opener, _, _) => {}
                Tok::Ctx(text, span) => {
                    if !after_context {
                        return Err(self.stray_context_word(&text, span));
                    }
                    self.ignored.push(text);
                }
                Tok::Role(Role::HowMany | Role::How | Role::About, text, span) => {
                    return Err(QueryError::new(
                        format!("`{text}` opens a question; here it cannot be read"),
                        span,
                    )
                    .with_help("ask one question per statement, e.g. `which drugs cause nausea`"))
                }
                other => {
                    after_context = match &other {
                        Tok::Node(n, _) => CONTEXT_KINDS.contains(&self.g.node(*n).kind),
                        Tok::Nodes(ns, _) => ns
                            .iter()
                            .all(|n| CONTEXT_KINDS.contains(&self.g.node(*n).kind)),
                        _ => false,
                    };
                    out.push(other);
                }
            }
        }
        Ok(resolve_either(out))
    }

    fn stray_context_word(&self, text: &str, span: Span) -> QueryError {
        let populations: Vec<&str> = self
            .g
            .of_kind(NodeKind::Population)
            .iter()
            .map(|n| self.g.node(*n).name)
            .collect();
        QueryError::new(
            format!("`{text}` is read only after a subtype, biomarker or population (`postmenopausal {text}`, `HR-positive disease`)"),
            span,
        )
        .with_help(format!("populations in the graph: {}", populations.join(", ")))
    }

    /// An unknown word, with suggestions of the part of speech the position wants: a relation
    /// phrase after a kind or name, a name after a relation phrase, and otherwise kinds and
    /// names; and examples built from the names the statement does hold.
    pub(super) fn unknown_word(&self, words: &[Word], i: usize) -> QueryError {
        let w = &words[i];
        if !w.quoted && w.text == "with" {
            // The statement's last word, after no phrase it ends (`which drugs with`).
            let mut err = QueryError::new(
                "the statement is incomplete: `with` needs a condition after it",
                Span::new(w.span.end, w.span.end),
            );
            err.incomplete = true;
            return err.with_help(
                "e.g. `drugs targeting HER2 with cardiac monitoring`, `what is pertuzumab combined with`",
            );
        }
        let before: Option<Tok> = if i == 0 {
            None
        } else {
            self.classify(&words[i - 1..i]).ok().flatten()
        };
        let names = || self.g.label_candidates(&w.text);
        let candidates: Vec<&str> = match before {
            Some(Tok::Kind(..) | Tok::Node(..) | Tok::Plural(..)) => {
                let mut c = lexicon::all_phrases();
                c.extend(CONNECTORS);
                c
            }
            Some(Tok::Rel { .. } | Tok::Conn(..)) => {
                let mut c = names();
                c.extend(lexicon::all_nouns());
                c
            }
            _ => {
                let mut c = names();
                c.extend(lexicon::all_nouns());
                c.extend(lexicon::all_phrases());
                c
            }
        };
        let hint = diag::did_you_mean(&w.text, candidates.iter().copied())
            .filter(|h| !suggests_a_different_word(&w.text, h));
        let err = QueryError::new(
            format!("unknown word `{}`: not a kind, relation or name", w.text),
            w.span,
        )
        .with_help_opt(hint);
        match self.examples(words) {
            Some(ex) => err.with_help(ex),
            None => err,
        }
    }

    /// Two or three statements that plan, built from the names the words hold.
    pub(super) fn examples(&self, words: &[Word]) -> Option<String> {
        let mut found: Vec<NodeIx> = Vec::new();
        for len in (1..=3).rev() {
            for run in words.windows(len) {
                if let [one] = self.g.lookup(&ast::words_text(run)).as_slice() {
                    if !found.contains(one) {
                        found.push(*one);
                    }
                }
            }
        }
        let mut out: Vec<String> = Vec::new();
        for n in found.iter().take(2) {
            let node = self.g.node(*n);
            for t in phrasing::examples_for(node.kind).iter().take(2) {
                out.push(format!("`{}`", t.replace("{}", node.name)));
            }
        }
        if out.is_empty() {
            out = phrasing::GENERIC_EXAMPLES
                .iter()
                .map(|e| format!("`{e}`"))
                .collect();
        }
        out.truncate(3);
        Some(format!("statements that work: {}", out.join(", ")))
    }
}

/// A word that is a kind noun and a relation phrase (`targets`) is the relation after a kind or
/// before a name, and the noun otherwise (`targets of palbociclib`).
fn resolve_either(mut toks: Vec<Tok>) -> Vec<Tok> {
    for j in 0..toks.len() {
        let Tok::Either(k, rel, span) = &toks[j] else {
            continue;
        };
        let after_noun = j > 0
            && matches!(
                toks[j - 1],
                Tok::Kind(..) | Tok::Plural(..) | Tok::Therapies(..) | Tok::Rel { .. }
            );
        let before_name = matches!(
            toks.get(j + 1),
            Some(Tok::Node(..) | Tok::Nodes(..) | Tok::Plural(..) | Tok::Kind(..) | Tok::Qual(..))
        );
        toks[j] = if after_noun || before_name {
            (**rel).clone()
        } else {
            Tok::Kind(*k, *span, None)
        };
    }
    toks
}

/// A suggestion that is a different word rather than a spelling of the typed one (`women` →
/// `men`): the typed word contains the suggestion whole, or is the suggestion with letters added.
fn suggests_a_different_word(typed: &str, hint: &str) -> bool {
    let t = typed.to_lowercase();
    let Some(s) = hint
        .strip_prefix("did you mean `")
        .and_then(|h| h.strip_suffix("`?"))
    else {
        return false;
    };
    let s = s.to_lowercase();
    s.len() + 1 < t.len() && t.ends_with(&s)
}
