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

    pub(super) fn unknown_name(&self, text: &str, span: Span) -> QueryError {
        QueryError::new(format!("no node is named `{text}`"), span)
            .with_help_opt(diag::did_you_mean(text, self.g.label_candidates(text)))
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

    /// The nodes to compare: names, and for a class its member drugs (`compare the taxanes`).
    pub(super) fn compare_nodes(
        &mut self,
        items: &[Vec<Word>],
        span: Span,
    ) -> Result<Vec<NodeIx>, QueryError> {
        let mut nodes = Vec::new();
        for w in items {
            let words: Vec<Word> = w
                .iter()
                .filter(|x| x.quoted || phrasing::role(&x.text) != Some(phrasing::Role::Filler))
                .cloned()
                .collect();
            let phrase = Phrase {
                nested: None,
                span: ast::words_span(&words),
                words,
                conditions: Vec::new(),
            };
            let toks = self.tokens(&phrase)?;
            let single = items.len() == 1;
            match toks.as_slice() {
                [Tok::Plural(c, _)] => nodes.extend(self.members(*c)),
                [Tok::Node(c, _)] if single && self.g.node(*c).kind == NodeKind::Class => {
                    nodes.extend(self.members(*c))
                }
                [Tok::Node(n, _)] => nodes.push(*n),
                _ => nodes.push(self.one_node(&phrase.words)?),
            }
        }
        nodes.dedup();
        if nodes.len() < 2 {
            return Err(
                QueryError::new("`compare` needs two or more things to compare", span).with_help(
                    "name them (`compare Kadcyla and Enhertu`) or a class (`compare the taxanes`)",
                ),
            );
        }
        Ok(nodes)
    }

    /// The member drugs of a class and of the classes below it, by name.
    pub(super) fn members(&self, class: NodeIx) -> Vec<NodeIx> {
        let mut out: Vec<NodeIx> = Vec::new();
        let mut stack = vec![class];
        let mut seen = std::collections::HashSet::new();
        while let Some(c) = stack.pop() {
            if !seen.insert(c) {
                continue;
            }
            out.extend(
                self.g
                    .in_rel(c, Relation::MemberOf)
                    .map(|(_, m)| m)
                    .filter(|m| self.g.node(*m).kind == NodeKind::Drug),
            );
            stack.extend(self.g.in_rel(c, Relation::SubclassOf).map(|(_, s)| s));
        }
        out.sort_by_key(|n| self.g.node(*n).name.to_lowercase());
        out.dedup();
        out
    }

    /// A run of words that must name exactly one node.
    pub(super) fn one_node(&self, words: &[Word]) -> Result<NodeIx, QueryError> {
        let text = ast::words_text(words);
        let span = ast::words_span(words);
        let mut found = self.g.lookup(&text);
        if found.is_empty() {
            for v in phrasing::variants(&text) {
                found = self.g.lookup(&v);
                if !found.is_empty() {
                    break;
                }
            }
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(self.unknown_name(&text, span)),
            many => Err(self.ambiguous(&text, many, span)),
        }
    }

    /// Whether some statement of `relation` in the graph gives `field` (evidence, source and
    /// section: always).
    pub(super) fn carries(&self, relation: Relation, field: Field) -> bool {
        if matches!(field, Field::Evidence | Field::Source | Field::Section) {
            return true;
        }
        self.g.carries(relation, field)
    }

    /// The relations and object kinds of the graph's statements about nodes of `kind`.
    pub(super) fn shapes_from(&self, kind: NodeKind) -> Vec<(Relation, NodeKind)> {
        let shapes = self.shapes.get_or_init(|| {
            self.g
                .statements()
                .map(|e| {
                    let (s, o) = self.g.ends(e);
                    (
                        self.g.node(s).kind,
                        self.g.statement(e).relation,
                        self.g.node(o).kind,
                    )
                })
                .collect()
        });
        shapes
            .iter()
            .filter(|(s, _, _)| *s == kind)
            .map(|(_, r, o)| (*r, *o))
            .collect()
    }

    pub(super) fn conditions(&self, p: &Phrase) -> Result<Vec<phrase::Pending>, QueryError> {
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
            let contains = c.op == ast::Op::Contains;
            let allowed: Option<Vec<&str>> = match field {
                Field::Source => Some(self.g.sources().iter().map(|s| s.id.as_str()).collect()),
                // Every section a statement cites is one its source lists (the audit holds the
                // curated graph to it; an imported graph's sources list the sections cited).
                Field::Section => {
                    let mut all: Vec<&str> = self
                        .g
                        .sources()
                        .iter()
                        .flat_map(|s| s.sections.iter().map(|x| x.heading.as_str()))
                        .collect();
                    all.sort_unstable();
                    all.dedup();
                    Some(all)
                }
                other => other.closed_values(),
            };
            if let Some(allowed) = allowed.filter(|_| !contains) {
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
            out.push(phrase::Pending {
                cond: Cond {
                    field,
                    negated: c.op == ast::Op::Ne,
                    contains,
                    value,
                },
                span: c.span,
            });
        }
        Ok(out)
    }
}
