//! Binding words: names, kinds, relation phrases and `where` conditions looked up in the lexicon
//! and the graph, with did-you-mean errors for what does not bind.

use super::*;

impl Planner<'_> {
    pub(super) fn group_by(&self, words: &[Word]) -> Result<GroupBy, QueryError> {
        let text = ast::words_text(words);
        if let Some((k, _)) = self.g.lexicon().kind_by_noun(&text) {
            return Ok(GroupBy::Kind(k));
        }
        if let Some(field) = Field::from_word(&text) {
            return Ok(GroupBy::Field(field));
        }
        let mut candidates = lexicon::all_nouns();
        candidates.extend(Field::words());
        Err(QueryError::new(format!("cannot group by `{text}`"), ast::words_span(words))
            .with_help_opt(diag::did_you_mean(&text, candidates))
            .with_help("group by a kind (class, target, subtype, …) or a statement field (evidence, line, …)"))
    }

    /// A run of words that must name exactly one node.
    pub(super) fn one_node(&self, words: &[Word]) -> Result<NodeIx, QueryError> {
        let text = ast::words_text(words);
        let span = ast::words_span(words);
        let found = self.g.lookup(&text);
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(self.unknown_name(&text, span)),
            many => Err(self.ambiguous(&text, many, span)),
        }
    }

    pub(super) fn unknown_name(&self, text: &str, span: Span) -> QueryError {
        QueryError::new(format!("no node is named `{text}`"), span)
            .with_help_opt(diag::did_you_mean(text, self.g.labels().map(|(l, _)| l)))
    }

    pub(super) fn ambiguous(&self, text: &str, many: &[NodeIx], span: Span) -> QueryError {
        let list: Vec<String> = many
            .iter()
            .map(|n| {
                let node = self.g.node(*n);
                format!("`{}` ({})", node.id, node.kind)
            })
            .collect();
        QueryError::new(
            format!("`{text}` names several nodes: {}", list.join(", ")),
            span,
        )
        .with_help("use the node's id to say which one")
    }

    /// Splits a phrase into tokens by longest match: node names, kind nouns, relation phrases.
    pub(super) fn tokens(&self, phrase: &Phrase) -> Result<Vec<Tok>, QueryError> {
        let words = &phrase.words;
        let mut out = Vec::new();
        let mut i = 0;
        let longest = self.g.max_label_words().max(4);
        while i < words.len() {
            if words[i].quoted {
                let w = &words[i];
                let nodes = self.g.lookup(&w.text);
                match nodes.as_slice() {
                    [one] => out.push(Tok::Node(*one, w.span)),
                    [] => return Err(self.unknown_name(&w.text, w.span)),
                    many => return Err(self.ambiguous(&w.text, many, w.span)),
                }
                i += 1;
                continue;
            }
            let mut matched = None;
            let max = longest.min(words.len() - i);
            for len in (1..=max).rev() {
                let run = &words[i..i + len];
                if run.iter().any(|w| w.quoted) {
                    continue;
                }
                let text = ast::words_text(run);
                let span = ast::words_span(run);
                if let Some(t) = self.classify(&text, span)? {
                    matched = Some((t, len));
                    break;
                }
            }
            match matched {
                Some((t, len)) => {
                    out.push(t);
                    i += len;
                }
                None => return Err(self.unknown_word(&words[i])),
            }
        }
        Ok(out)
    }

    pub(super) fn classify(&self, text: &str, span: Span) -> Result<Option<Tok>, QueryError> {
        let nodes = self.g.lookup(text);
        match nodes.as_slice() {
            [one] => return Ok(Some(Tok::Node(*one, span))),
            [] => {}
            many => return Err(self.ambiguous(text, many, span)),
        }
        if let Some((k, _)) = self.g.lexicon().kind_by_noun(text) {
            return Ok(Some(Tok::Kind(k, span, lexicon::relation_of_noun(text))));
        }
        let lower = normalize(text);
        let fwd = self.g.lexicon().relations_by_phrase(&lower);
        let inv = lexicon::relations_by_inverse_phrase(&lower);
        if !fwd.is_empty() || !inv.is_empty() {
            return Ok(Some(Tok::Rel {
                text: lower,
                fwd,
                inv,
                span,
            }));
        }
        if CONNECTORS.contains(&lower.as_str()) {
            return Ok(Some(Tok::Conn(lower, span)));
        }
        Ok(None)
    }

    pub(super) fn unknown_word(&self, w: &Word) -> QueryError {
        let mut candidates: Vec<&str> = self.g.labels().map(|(l, _)| l).collect();
        candidates.extend(lexicon::all_nouns());
        candidates.extend(lexicon::all_phrases());
        QueryError::new(
            format!("unknown word `{}`: not a kind, relation or name", w.text),
            w.span,
        )
        .with_help_opt(diag::did_you_mean(&w.text, candidates))
    }

    pub(super) fn conditions(&self, p: &Phrase) -> Result<Vec<Cond>, QueryError> {
        let mut out = Vec::new();
        for c in &p.conditions {
            let Some(field) = Field::from_word(&c.field.text) else {
                return Err(QueryError::new(
                    format!("unknown field `{}`", c.field.text),
                    c.field.span,
                )
                .with_help_opt(diag::did_you_mean(&c.field.text, Field::words()))
                .with_help(format!("fields: {}", Field::words().join(", "))));
            };
            let value = c.value.text.clone();
            let allowed: Option<Vec<&str>> = match field {
                Field::Source => Some(self.g.sources().iter().map(|s| s.id.as_str()).collect()),
                other => other.closed_values(),
            };
            if let Some(allowed) = allowed {
                if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&value)) {
                    return Err(QueryError::new(
                        format!("`{value}` is not a value of `{field}`"),
                        c.value.span,
                    )
                    .with_help_opt(diag::did_you_mean(&value, allowed.iter().copied()))
                    .with_help(format!("values: {}", allowed.join(", "))));
                }
            }
            // Lists of node ids: accept a name or alias too.
            let value = match self.g.lookup(&value).as_slice() {
                [one] if field.is_list() => self.g.node(*one).id.to_string(),
                _ => value,
            };
            out.push(Cond {
                field,
                negated: c.op == ast::Op::Ne,
                value,
            });
        }
        Ok(out)
    }
}
