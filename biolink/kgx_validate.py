#!/usr/bin/env python3
"""Runs the Biolink `kgx validate` command without a network: the Biolink model is read from the
installed `biolink-model` package instead of being downloaded.

    python3 -m venv .venv && .venv/bin/pip install biolink-model kgx
    cargo run -- export --format kgx -o /tmp/mbckg-kgx
    .venv/bin/python biolink/kgx_validate.py /tmp/mbckg-kgx/nodes.tsv /tmp/mbckg-kgx/edges.tsv
    .venv/bin/python biolink/kgx_validate.py --prefixes /tmp/mbckg-kgx/content_metadata.json \
        /tmp/mbckg-kgx/nodes.tsv /tmp/mbckg-kgx/edges.tsv

`kgx validate` (kgx 2.x) builds its Biolink toolkit with the model's default location, a URL, and
reads the JSON-LD context of CURIE prefixes from another URL. This script points both at files of
the `biolink-model` package before kgx is imported, then runs kgx's own `validate` command, so the
checks are kgx's, unchanged:

- bmt's `Toolkit` gets the package's `schema/biolink_model.yaml` as its default schema and an
  empty predicate mapping (the mapping file is not in the package; validation does not use it);
- kgx's `biolink` JSON-LD context becomes the package's prefix map; the two other contexts kgx
  loads at import (for CURIE look-ups, not validation) are empty.

With `--prefixes FILE`, the `curie_map` of an mbckg `content_metadata.json` is added to the prefix
map, as a consumer that reads our declared prefixes would do; without it, every `MBCKG:` id is
reported as a prefix the Biolink context does not know.
"""

import argparse
import json
import re
import sys
from importlib import resources


def offline_model(extra_prefixes):
    package = resources.files("biolink_model")
    schema = str(package / "schema" / "biolink_model.yaml")
    prefixes = json.loads((package / "prefixmaps" / "biolink-model-prefix-map.json").read_text())
    prefixes.update(extra_prefixes)

    import bmt.toolkit

    init = bmt.toolkit.Toolkit.__init__
    init.__defaults__ = (schema, {"predicate mappings": []})

    import kgx.config

    kgx.config.jsonld_context_map.update(
        biolink=prefixes, monarch_context={}, obo_context={}
    )
    return schema


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefixes", help="an mbckg content_metadata.json whose curie_map to add")
    parser.add_argument("--output", "-o", help="write kgx's full report here")
    parser.add_argument("files", nargs="+", help="nodes.tsv and edges.tsv")
    args = parser.parse_args()
    extra = {}
    if args.prefixes:
        with open(args.prefixes, encoding="utf-8") as f:
            extra = json.load(f).get("curie_map", {})
    schema = offline_model(extra)
    print(f"model: {schema}", file=sys.stderr)

    # The function the `kgx validate` command runs, called directly for its return value.
    from kgx.cli.cli_utils import validate

    errors = validate(args.files, "tsv", None, args.output or "/dev/null")
    summary = summarize(errors)
    for line in summary:
        print(line)
    total = sum(n for n, _ in summary_counts(errors))
    print(f"{total} distinct messages" if summary else "no messages")
    sys.exit(1 if summary else 0)


def summary_counts(errors):
    """(count, level type: message): kgx's distinct messages with the ids in them replaced by
    `…`, most frequent first."""
    counts = {}
    for level, types in errors.items():
        for kind, messages in types.items():
            for message, where in messages.items():
                text = re.sub(r"'[A-Za-z_.]+:[^' ]*'", "'…'", message)
                key = f"{level} {kind}: {text}"
                # kgx 2.x keeps, for each distinct message, only the last node or edge that
                # raised it (listed twice); a message names the offending id or term, so this
                # counts distinct ids or terms.
                counts[key] = counts.get(key, 0) + 1
    return sorted(((n, k) for k, n in counts.items()), reverse=True)


def summarize(errors):
    return [f"{n:6}  {k}" for n, k in summary_counts(errors)]


if __name__ == "__main__":
    main()
