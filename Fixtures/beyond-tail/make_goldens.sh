#!/usr/bin/env bash
# Regenerates the beyond-tail goldens with the NLTK oracle (scripts/beyond_tail_counts.py).
# Run from anywhere, only when the fixture or the oracle changes; then review and commit. The
# tests never run it (nor Python).
#   tokens.jsonl                 per caption of captions.txt, its sorted lemma set (JSON array);
#                                captions.tsv (cc3m) must give the same lines
#   counts-imagenet.json         concepts-imagenet.json, synonyms.json, --rules imagenet
#                                (upstream's ImageNet run); counts-imagenet_ori.txt: the same
#                                counts in upstream's class_frequency_*_ori.txt format
#   counts-imagenet-names.json   concepts-imagenet.json split as class names, --rules imagenet
#   counts-places365.json        concepts-places365.json, --rules places365
#   counts-cub.json              concepts-cub.json, --rules cub
#   counts-edge.json             concepts-edge.json, --rules imagenet
#   counts-edge-norules.json     concepts-edge.json, no rules
#   alternatives-*.json          the lemmatized alternatives and negatives of each run
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"
eval "$(ci/setup-wordnet --oracle)"
export NLTK_DATA
oracle() { "$NLTK_PYTHON" scripts/beyond_tail_counts.py "$@"; }
f=Fixtures/beyond-tail

python3 "$f/make_fixture.py"

oracle "$f/captions.txt" --format lines --concepts "$f/concepts-imagenet.json" \
  --synonyms "$f/synonyms.json" --rules imagenet --out "$f/counts-imagenet.json" \
  --ori "$f/counts-imagenet_ori.txt" --tokens "$f/tokens.jsonl" \
  --alternatives "$f/alternatives-imagenet.json"

# The cc3m TSV holds the same captions: same tokens, same counts.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
oracle "$f/captions.tsv" --format cc3m --concepts "$f/concepts-imagenet.json" \
  --synonyms "$f/synonyms.json" --rules imagenet --out "$tmp/counts.json" --tokens "$tmp/tokens.jsonl"
cmp "$tmp/tokens.jsonl" "$f/tokens.jsonl"
cmp "$tmp/counts.json" "$f/counts-imagenet.json"

oracle "$f/captions.txt" --concepts "$f/concepts-imagenet.json" --rules imagenet \
  --out "$f/counts-imagenet-names.json" --alternatives "$f/alternatives-imagenet-names.json"
oracle "$f/captions.txt" --concepts "$f/concepts-places365.json" --rules places365 \
  --out "$f/counts-places365.json" --alternatives "$f/alternatives-places365.json"
oracle "$f/captions.txt" --concepts "$f/concepts-cub.json" --rules cub \
  --out "$f/counts-cub.json" --alternatives "$f/alternatives-cub.json"
oracle "$f/captions.txt" --concepts "$f/concepts-edge.json" --rules imagenet \
  --out "$f/counts-edge.json" --alternatives "$f/alternatives-edge.json"
oracle "$f/captions.txt" --concepts "$f/concepts-edge.json" \
  --out "$f/counts-edge-norules.json" --alternatives "$f/alternatives-edge-norules.json"
echo "make_goldens.sh: goldens written to $f" >&2
