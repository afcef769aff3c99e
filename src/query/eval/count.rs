//! `count`, plain or grouped by a kind or a statement field.

use super::*;

pub(super) fn count(g: &KnowledgeGraph, q: &Query, group: Option<&GroupBy>) -> ResultSet {
    // Every node of the kind needs no matching: count and group straight from the graph. Else
    // which nodes match is all a count needs (no statements behind them).
    let everything = q.filter == Filter::All;
    let set = (!everything).then(|| match_set(g, q));
    let Some(group) = group else {
        let n = set.as_ref().map_or(g.of_kind(q.kind).len(), NodeSet::len);
        return ResultSet {
            columns: vec![lexicon::plural(q.kind).to_string()],
            rows: vec![Row {
                cells: vec![n.to_string()],
                ..Row::default()
            }],
            noun: ("count".into(), "counts".into()),
            ..ResultSet::default()
        };
    };
    let member = |n: NodeIx| set.as_ref().is_none_or(|s| s.contains(n));
    let fast = match group {
        GroupBy::Kind(k) => {
            let rows = set.as_ref().map_or(g.of_kind(q.kind).len(), NodeSet::len);
            counts_from_groups(g, q.kind, *k, (&member, rows))
        }
        GroupBy::Field(_) => None,
    };
    // Grouping row by row (by a field, or by an inherited relation) needs the rows' hits.
    let m = if fast.is_none() {
        matches(g, q)
    } else {
        Matches::new()
    };
    // Each row counts once in each of its groups.
    let (mut by_node, mut none): (HashMap<NodeIx, usize>, usize) = fast.unwrap_or_default();
    let mut by_value: BTreeMap<String, usize> = BTreeMap::new();
    let grouped_fast = !by_node.is_empty() || none > 0;
    let mut ancestors: HashMap<NodeIx, Vec<NodeIx>> = HashMap::new();
    for (n, hits) in m.iter().filter(|_| !grouped_fast) {
        match group {
            GroupBy::Kind(k) => {
                let keys = group_nodes(g, *n, *k, &mut ancestors);
                none += usize::from(keys.is_empty());
                for key in keys {
                    *by_node.entry(key).or_default() += 1;
                }
            }
            GroupBy::Field(f) => {
                let mut vals: Vec<String> = hits
                    .iter()
                    .filter_map(|h| {
                        let st = g.statement(h.edge);
                        f.value(st.qualifiers, st.provenance)
                    })
                    .collect();
                vals.sort();
                vals.dedup();
                none += usize::from(vals.is_empty());
                for v in vals {
                    *by_value.entry(v).or_default() += 1;
                }
            }
        }
    }
    let mut groups: Vec<(String, usize)> = by_name(g, by_node.keys().copied())
        .into_iter()
        .map(|k| (g.node(k).name.to_string(), by_node[&k]))
        .chain(by_value)
        .collect();
    if none > 0 {
        groups.push(("(none)".into(), none));
    }
    let group_title = match group {
        GroupBy::Kind(k) => lexicon::singular(*k).to_string(),
        GroupBy::Field(f) => f.to_string(),
    };
    let mut rows: Vec<Row> = groups
        .into_iter()
        .map(|(k, n)| Row {
            cells: vec![k, n.to_string()],
            ..Row::default()
        })
        .collect();
    rows.sort_by_cached_key(|r| r.cells[0].to_lowercase());
    ResultSet {
        columns: vec![group_title, "count".into()],
        rows,
        noun: ("group".into(), "groups".into()),
        ..ResultSet::default()
    }
}

/// Whether a plain count's answer is zero.
pub(super) fn is_zero(rs: &ResultSet) -> bool {
    matches!(rs.rows.as_slice(), [row] if row.cells.first().is_some_and(|c| c == "0"))
}

/// The relation rows of `kind` are grouped by when grouped by kind `k`: the lexicon's first
/// relation between the two kinds, read from the row's side.
pub(super) fn grouping_relation(
    kind: crate::model::NodeKind,
    k: crate::model::NodeKind,
) -> Option<(Relation, Dir)> {
    match lexicon::relations_between(kind, k).first() {
        Some(r) => Some((*r, Dir::Out)),
        None => lexicon::relations_between(k, kind)
            .first()
            .map(|r| (*r, Dir::In)),
    }
}

/// Group counts computed from the groups' side, without visiting rows one by one: for each node
/// `t` of kind `k`, the rows linked to `t` or to anything below it, each counted once. Also the
/// number of rows in no group. `None` for relations inherited from classes (rows are grouped one
/// by one then). The rows are the nodes of `kind` that `member` lets through, `rows` of them.
pub(super) fn counts_from_groups(
    g: &KnowledgeGraph,
    kind: crate::model::NodeKind,
    k: crate::model::NodeKind,
    (member, rows): (&dyn Fn(NodeIx) -> bool, usize),
) -> Option<(HashMap<NodeIx, usize>, usize)> {
    let (rel, dir) = grouping_relation(kind, k)?;
    if dir == Dir::Out && INHERITED.contains(&rel) {
        return None;
    }
    // The last group that counted each node (`u32::MAX`: none yet).
    let mut stamp = vec![u32::MAX; g.node_count()];
    // Rows counted in some group, each once.
    let mut grouped = 0;
    let mut counts = HashMap::new();
    let of_kind = g.kind_test(kind);
    // A group's classes' statements hold for it (`side effects grouped by drug`: paclitaxel's
    // include chemotherapy's), as `side effects of paclitaxel` reads them.
    let inherit = dir == Dir::In && INHERITED.contains(&rel);
    let mut ancestry = HashMap::new();
    for (gi, &t) in g.of_kind(k).iter().enumerate() {
        let gi = gi as u32;
        let mut n = 0;
        for d in g.descendants(t) {
            let mut visit = |s: NodeIx| {
                if stamp[s.index()] != gi && of_kind.has(s) && member(s) {
                    grouped += usize::from(stamp[s.index()] == u32::MAX);
                    stamp[s.index()] = gi;
                    n += 1;
                }
            };
            // One relation's run of statements, read in order.
            match dir {
                Dir::Out => g
                    .in_rel_subjects(d, rel)
                    .iter()
                    .for_each(|s| visit(NodeIx::new(*s as usize))),
                Dir::In => g.out_rel(d, rel).for_each(|(_, s)| visit(s)),
            }
            if inherit {
                for (c, _) in carriers_cached(g, d, &mut ancestry) {
                    g.out_rel(c, rel).for_each(|(_, s)| visit(s));
                }
            }
        }
        if n > 0 {
            counts.insert(t, n);
        }
    }
    // The rows of no group: the rest (not a pass over every node of the kind).
    Some((counts, rows.saturating_sub(grouped)))
}

/// The nodes of kind `k` a row is grouped under: those linked by the lexicon's first relation
/// between the two kinds (member_of for classes, treats for subtypes, …), with class-level
/// statements for inherited relations, and every broader class or subtype above them.
pub(super) fn group_nodes(
    g: &KnowledgeGraph,
    n: NodeIx,
    k: crate::model::NodeKind,
    ancestors: &mut HashMap<NodeIx, Vec<NodeIx>>,
) -> Vec<NodeIx> {
    let Some((rel, dir)) = grouping_relation(g.kind(n), k) else {
        return Vec::new();
    };
    let mut found: Vec<NodeIx> = match dir {
        Dir::Out => g.out_rel(n, rel).map(|(_, o)| o).collect(),
        Dir::In => g.in_rel(n, rel).map(|(_, o)| o).collect(),
    };
    if dir == Dir::Out && INHERITED.contains(&rel) {
        for (c, _) in carriers(g, n) {
            found.extend(g.out_rel(c, rel).map(|(_, o)| o));
        }
    }
    if dir == Dir::In && INHERITED.contains(&rel) {
        // A class's statement holds for its members and those of the classes below it.
        let classes: Vec<NodeIx> = found
            .iter()
            .copied()
            .filter(|f| g.kind(*f) == crate::model::NodeKind::Class)
            .collect();
        for class in classes {
            for (c, _) in descendants(g, class) {
                found.extend(g.in_rel(c, Relation::MemberOf).map(|(_, m)| m));
            }
        }
    }
    let mut all: Vec<NodeIx> = Vec::new();
    for f in found {
        all.extend(
            ancestors
                .entry(f)
                .or_insert_with(|| g.ancestors(f))
                .iter()
                .copied(),
        );
    }
    // Only nodes of the kind grouped by head a group (a drug's component drug is no procedure).
    all.retain(|x| g.kind(*x) == k);
    all.sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeKind;

    /// The counts read from the groups' side are those of grouping each row on its own, the rows
    /// of no group included, for every pair of kinds the fast way can group, with all nodes of the
    /// kind as rows and with some of them.
    #[test]
    fn groups_read_from_their_side_count_as_rows_grouped_one_by_one() {
        let g = KnowledgeGraph::new(crate::load::load_embedded().expect("shipped graph"));
        let kinds: Vec<NodeKind> = g.kind_counts().into_iter().map(|(k, _)| k).collect();
        let mut compared = 0;
        for &kind in &kinds {
            let all: Vec<NodeIx> = g.of_kind(kind).to_vec();
            // Every node of the kind, then every other one.
            let some: Vec<NodeIx> = all.iter().copied().step_by(2).collect();
            for rows in [&all, &some] {
                let set = NodeSet::of(&g, rows.iter().copied());
                let member = |n: NodeIx| set.contains(n);
                for &k in &kinds {
                    let Some((counts, none)) =
                        counts_from_groups(&g, kind, k, (&member, rows.len()))
                    else {
                        continue;
                    };
                    let mut want: HashMap<NodeIx, usize> = HashMap::new();
                    let mut want_none = 0;
                    let mut ancestors = HashMap::new();
                    for n in rows.iter() {
                        let keys = group_nodes(&g, *n, k, &mut ancestors);
                        want_none += usize::from(keys.is_empty());
                        for key in keys {
                            *want.entry(key).or_default() += 1;
                        }
                    }
                    assert_eq!(counts, want, "{kind:?} grouped by {k:?}");
                    assert_eq!(
                        none, want_none,
                        "{kind:?} grouped by {k:?}: rows in no group"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 10, "only {compared} groupings compared");
    }

    /// Grouped by drug, each drug's group holds what its own statements and its classes' link it
    /// to: the rows `<kind> of <drug>` gives (`side effects of paclitaxel`: chemotherapy's).
    #[test]
    fn a_drugs_group_holds_what_its_classes_link_it_to() {
        let g = KnowledgeGraph::new(crate::load::load_embedded().expect("shipped graph"));
        let mut checked = 0;
        for (kind, _) in g.kind_counts() {
            let Some((rel, Dir::In)) = grouping_relation(kind, NodeKind::Drug) else {
                continue;
            };
            if !INHERITED.contains(&rel) {
                continue;
            }
            let all = Query {
                kind,
                filter: Filter::All,
            };
            let rs = count(&g, &all, Some(&GroupBy::Kind(NodeKind::Drug)));
            let grouped: HashMap<String, String> = rs
                .rows
                .iter()
                .map(|r| (r.cells[0].clone(), r.cells[1].clone()))
                .collect();
            for &d in g.of_kind(NodeKind::Drug) {
                let of = Query {
                    kind,
                    filter: Filter::Link {
                        rels: vec![(rel, Dir::In)],
                        target: Target::Node(d),
                        conds: Vec::new(),
                        column: None,
                    },
                };
                let want = matches(&g, &of).len();
                let name = g.node(d).name.to_string();
                let got = grouped.get(&name).map_or(0, |c| c.parse().unwrap_or(0));
                assert_eq!(got, want, "{kind:?} grouped by drug, {name}");
                checked += usize::from(want > 0);
            }
        }
        assert!(checked > 40, "only {checked} drugs with rows");
    }
}
