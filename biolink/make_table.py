#!/usr/bin/env python3
"""Writes biolink/terms.tsv: the Biolink classes, predicates, slots and enum values mbckg uses.

The Biolink model is read from the `biolink-model` package (its schema ships in the package), so
no network is needed:

    python3 -m venv .venv && .venv/bin/pip install biolink-model
    .venv/bin/python biolink/make_table.py > biolink/terms.tsv

The table holds only the terms listed below, each with what the exporter and its test need:
for a class, whether it is a mixin or abstract and every class it falls under (is_a and mixins,
transitively); for a predicate, the same plus its domain and range; for a slot, its range; for an
enum, its permissible values; and for every other class, its direct parent (`parent` rows), so
the reader can tell the most specific of several categories. `tests/biolink.rs` checks every category and predicate mbckg exports,
and every statement's domain and range, against this table: to use a new term, add it here and
regenerate.
"""

import sys
from importlib import resources

import yaml

# Categories our kinds export as, those a node may carry as its own (DNA, a target, is a
# nucleic acid entity), and those the reader maps back to our kinds.
CLASSES = [
    "drug",
    "treatment",
    "protein",
    "nucleic acid entity",
    "clinical finding",
    "disease",
    "phenotypic feature",
    "gross anatomical structure",
    "procedure",
    "population of individual organisms",
    "attribute",
    "named thing",
]

# Predicates our relations export as.
PREDICATES = [
    "member of",
    "subclass of",
    "directly physically interacts with",
    "has part",
    "treats",
    "applied to treat",
    "in clinical trials for",
    "has side effect",
    "affects",
    "manifestation of",
    "coexists with",
    "associated with",
]

# Edge and node properties we write, besides ids and categories.
SLOTS = [
    "name",
    "description",
    "synonym",
    "xref",
    "knowledge level",
    "agent type",
    "negated",
    "original predicate",
    "primary knowledge source",
]

ENUMS = ["KnowledgeLevelEnum", "AgentTypeEnum"]


def class_curie(name):
    return "biolink:" + "".join(w[:1].upper() + w[1:] for w in name.split(" "))


def slot_curie(name):
    return "biolink:" + name.replace(" ", "_")


def closure(table, name):
    """Every element `name` falls under through is_a and mixins, nearest first, itself excluded."""
    seen, todo = [], [name]
    while todo:
        current = table.get(todo.pop(0)) or {}
        for parent in ([current.get("is_a")] if current.get("is_a") else []) + current.get(
            "mixins", []
        ):
            if parent not in seen:
                seen.append(parent)
                todo.append(parent)
    return seen


def flags(element):
    out = [f for f in ("mixin", "abstract", "deprecated", "symmetric") if element.get(f)]
    if element.get("annotations", {}).get("canonical_predicate"):
        out.append("canonical")
    return ",".join(out) or "-"


def rows(model):
    classes, slots, enums = model["classes"], model["slots"], model["enums"]
    yield ("kind", "curie", "flags", "ancestors", "domain", "range")
    for name in CLASSES:
        element = classes[name]
        ancestors = "|".join(class_curie(a) for a in closure(classes, name))
        yield ("class", class_curie(name), flags(element), ancestors, "", "")
    for name in PREDICATES:
        element = slots[name]
        ancestors = "|".join(slot_curie(a) for a in closure(slots, name))
        domain = class_curie(element["domain"]) if element.get("domain") else ""
        rng = class_curie(element["range"]) if element.get("range") else ""
        yield ("predicate", slot_curie(name), flags(element), ancestors, domain, rng)
    for name in SLOTS:
        element = slots[name]
        yield ("slot", slot_curie(name), flags(element), "", "", element.get("range") or "")
    for name in ENUMS:
        for value in model["enums"][name]["permissible_values"]:
            yield ("enum", f"{name}:{value}", "-", "", "", "")
    # Every class's direct parent, so a reader can tell which of several categories of a
    # third-party node is the most specific.
    for name, element in sorted(classes.items()):
        element = element or {}
        if element.get("deprecated") or not element.get("is_a") or name in CLASSES:
            continue
        yield ("parent", class_curie(name), flags(element), class_curie(element["is_a"]), "", "")


def main():
    schema = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
    model = yaml.safe_load(schema.read_text(encoding="utf-8"))
    out = sys.stdout
    out.write(f"# Biolink model {model['version']}, read from the biolink-model package by\n")
    out.write("# biolink/make_table.py; regenerate with that script, do not edit by hand.\n")
    for row in rows(model):
        out.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
