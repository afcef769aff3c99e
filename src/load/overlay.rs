//! Lays one graph over another: nodes with the same id become one node (the KGX reader has already
//! given a node that matches by declared xref the id it matches), statements and sources are added.
//! Pure; may use model.

use std::collections::HashMap;

use crate::model::Dataset;

/// Lays `layer` over `base`: a node whose id `base` has adds its names and xrefs to that node
/// (the base keeps its kind and name); other nodes, every statement and every source are added. A
/// source both cite keeps the base's entry, with the layer's sections added.
pub fn overlay(mut base: Dataset, layer: Dataset) -> Dataset {
    let mut index: HashMap<String, usize> = base
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i))
        .collect();
    for node in layer.nodes {
        match index.get(&node.id) {
            Some(&i) => {
                let kept = &mut base.nodes[i];
                let names = std::iter::once(node.name).chain(node.aliases);
                for name in names {
                    if name != kept.name && !kept.aliases.contains(&name) {
                        kept.aliases.push(name);
                    }
                }
                for x in node.xrefs {
                    if !kept.xrefs.contains(&x) {
                        kept.xrefs.push(x);
                    }
                }
            }
            None => {
                index.insert(node.id.clone(), base.nodes.len());
                base.nodes.push(node);
            }
        }
    }
    base.statements.extend(layer.statements);
    for source in layer.sources {
        match base.sources.iter_mut().find(|s| s.id == source.id) {
            Some(kept) => {
                for section in source.sections {
                    if kept.section(&section.heading).is_none() {
                        kept.sections.push(section);
                    }
                }
            }
            None => base.sources.push(source),
        }
    }
    base
}
