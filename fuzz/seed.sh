#!/bin/sh
# Seeds the fuzz corpora (fuzz/corpus/<target>/) from the repository's query scripts and
# fixtures. Run from fuzz/: ./seed.sh
set -eu
root=$(cd .. && pwd)
here=$(pwd)
c=corpus
# The mbckg that writes the KGX and snapshot seeds: the newer of the debug and release builds
# (an old one writes snapshots of a format the fuzzed reader refuses at once). Build first.
mbckg=
for b in "$root/target/debug/mbckg" "$root/target/release/mbckg"; do
  if [ -x "$b" ] && { [ -z "$mbckg" ] || [ "$b" -nt "$mbckg" ]; }; then mbckg=$b; fi
done
mkdir -p $c/query $c/script $c/toml_loader $c/kgx_reader $c/kgx_stream $c/snapshot
n=0
# query: every statement line of the query scripts, one a file.
find "$root/tests/queries" "$root/tests/scripts" -name '*.kgq' | sort | while read -r f; do
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*expect' -e '^[[:space:]]*$' "$f" 2>/dev/null |
  while IFS= read -r line; do
    printf '%s' "$line" > "$c/query/$(printf '%s' "$line" | cksum | cut -d' ' -f1)"
  done
done
# script: every script whole.
find "$root/tests/queries" "$root/tests/scripts" -name '*.kgq' | sort | while read -r f; do
  cp "$f" "$c/script/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# toml_loader: each shipped file, then each fixture file, under its path.
(cd "$root/graph-data" && find . -name '*.toml' | sed 's|^\./||') | while read -r p; do
  { printf '%s\n' "$p"; cat "$root/graph-data/$p"; } > "$c/toml_loader/shipped-$(echo "$p" | tr / _)"
done
for d in "$root"/tests/broken-data/* "$root"/tests/lint-fixtures/*; do
  (cd "$d" && find . -name '*.toml' | sed 's|^\./||') | while read -r p; do
    { printf '%s\n' "$p"; cat "$d/$p"; } > "$c/toml_loader/$(basename "$d")-$(echo "$p" | tr / _)"
  done
done
# kgx_reader: the third-party fixture, and the shipped graph's own KGX export cut to sizes.
k="$root/tests/kgx-third-party"
{ cat "$k/nodes.tsv"; printf '\0'; cat "$k/edges.tsv"; } > "$c/kgx_reader/third-party"
if [ -n "$mbckg" ]; then
  tmp=$(mktemp -d)
  (cd "$root" && "$mbckg" export --format kgx -o "$tmp/kgx") >/dev/null 2>&1 || true
  if [ -f "$tmp/kgx/nodes.tsv" ]; then
    for lines in 5 20 80; do
      { head -n $lines "$tmp/kgx/nodes.tsv"; printf '\0'; head -n $lines "$tmp/kgx/edges.tsv"; } > "$c/kgx_reader/shipped-$lines"
    done
  fi
  rm -rf "$tmp"
fi
# kgx_stream: the kgx_reader corpus as it stands (its seeds and what fuzzing added), and the
# third-party fixture with its columns in another order (read by rewriting each line).
mkdir -p $c/kgx_stream
cp $c/kgx_reader/* $c/kgx_stream/
{ awk -F'\t' 'BEGIN{OFS="\t"} {print $3,$1,$2,$5,$4}' "$k/nodes.tsv"; printf '\0'
  awk -F'\t' 'BEGIN{OFS="\t"} {print $4,$2,$3,$6,$5,$1}' "$k/edges.tsv"; } > "$c/kgx_stream/third-party-reordered"
# snapshot: snapshots of the small fixtures' graphs and of the shipped one (about 240 KB;
# libFuzzer takes its -max_len from the biggest seed).
mkdir -p $c/snapshot
if [ -n "$mbckg" ]; then
  for d in kgx-third-party kgx-overlay; do
    "$mbckg" --data "$root/tests/$d" snapshot -o "$c/snapshot/$d" >/dev/null 2>&1 || true
  done
  (cd "$root" && "$mbckg" snapshot -o "$here/$c/snapshot/shipped") >/dev/null 2>&1 || true
fi
for t in query script toml_loader kgx_reader kgx_stream snapshot; do echo "$t: $(ls $c/$t | wc -l) seeds"; done
