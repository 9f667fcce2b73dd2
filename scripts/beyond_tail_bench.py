#!/usr/bin/env python3
"""The baseline of `freqbench bench beyond-tail`: clip-beyond-tail's own preprocessing and
counting (concept_freq_utils/calc_class_frequency.py at 6d180a24, docs/BEYOND-TAIL.md), timed in
one Python process, on the inputs the bench writes. Not an oracle (that is
scripts/beyond_tail_counts.py, whose input readers and concept rules this reuses).

  preprocess CAPTIONS.tsv [--tokens TOKENS.jsonl]
      CAPTIONS.tsv: caption<TAB>url lines as the bench writes them (csv quoting where a field
      needs it; read with Python's csv module, as pandas' read_csv would read them). Each caption as upstream's preprocess_text does it, per caption and without a cache:
      lower(), [^a-zA-Z ] -> space, word_tokenize (Punkt sentence split, then the Treebank word
      tokenizer; an untrained Punkt tokenizer stands in for the english.pickle model, which is
      not reachable here and is never consulted on text without . ? !), WordNetLemmatizer per
      token, set(). --tokens writes each caption's sorted set (after the timing).
  count TOKENS.jsonl --concepts FILE [--synonyms FILE] [--rules R] --out COUNTS.json
      Upstream's calc_frequency semantics over token sets held in memory (upstream reads them
      from its pickle cache): per concept, a pass over every caption's set, skipping it when a
      negative has any word in it, counting it when an alternative has all of its words in it.

Prints one JSON line on stdout: "seconds" (the timed loop), "load_seconds" (imports, WordNet
loading and reading the captions; preprocess only), "captions", "concepts". Run with the interpreter and data of
`ci/setup-wordnet --oracle` (NLTK_DATA set; nltk 3.8.1).
"""
import argparse
import csv
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import beyond_tail_counts as oracle  # noqa: E402  (readers, concept rules; imports no NLTK by itself)


def preprocess(args):
    start = time.perf_counter()
    from nltk.corpus import wordnet
    from nltk.stem import WordNetLemmatizer
    from nltk.tokenize.destructive import NLTKWordTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer
    wordnet.ensure_loaded()
    lemmatizer = WordNetLemmatizer()
    lemmatizer.lemmatize("dogs")        # the WordNet files are read here, on first use
    treebank = NLTKWordTokenizer()
    punkt = PunktSentenceTokenizer()
    not_letter = re.compile(r"[^a-zA-Z ]")
    with open(args.captions, encoding="utf-8", newline="") as f:
        captions = [row[0] for row in csv.reader(f, delimiter="\t")]
    load_seconds = time.perf_counter() - start

    start = time.perf_counter()
    token_sets = []
    for text in captions:
        cleaned = not_letter.sub(" ", text.lower()).replace("'", "")
        tokens = [token for sentence in punkt.tokenize(cleaned) for token in treebank.tokenize(sentence)]
        token_sets.append(set(lemmatizer.lemmatize(token) for token in tokens))
    seconds = time.perf_counter() - start

    if args.tokens:
        with open(args.tokens, "w", encoding="utf-8") as f:
            for words in token_sets:
                f.write(json.dumps(sorted(words)) + "\n")
    print(json.dumps({"seconds": seconds, "load_seconds": load_seconds, "captions": len(captions)}))


def count(args):
    with open(args.tokens, encoding="utf-8") as f:
        token_sets = [set(json.loads(line)) for line in f if line.strip()]
    names = oracle.read_concepts(args.concepts)
    templates = oracle.read_synonyms(args.synonyms, len(names)) if args.synonyms else names
    estimator = oracle.Estimator(check_punkt=False)
    concepts = [estimator.concept(template, args.rules) for template in templates]

    start = time.perf_counter()
    counts = []
    for alternatives, negatives in concepts:
        n = 0
        for words in token_sets:
            if any(any(w in words for w in negative) for negative in negatives):
                continue
            if any(all(w in words for w in alternative) for alternative in alternatives):
                n += 1
        counts.append(n)
    seconds = time.perf_counter() - start

    result = {}
    for name, n in zip(names, counts):
        result[name] = n
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=4)
    print(json.dumps({"seconds": seconds, "captions": len(token_sets), "concepts": len(names)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("preprocess")
    p.add_argument("captions")
    p.add_argument("--tokens")
    c = commands.add_parser("count")
    c.add_argument("tokens")
    c.add_argument("--concepts", required=True)
    c.add_argument("--synonyms")
    c.add_argument("--rules", choices=["imagenet", "places365", "cub"])
    c.add_argument("--out", required=True)
    args = parser.parse_args()
    if not os.environ.get("NLTK_DATA"):
        sys.exit("beyond_tail_bench.py: NLTK_DATA is not set (eval \"$(ci/setup-wordnet --oracle)\" first)")
    import nltk
    if nltk.__version__ != oracle.PINNED_NLTK:
        sys.exit(f"beyond_tail_bench.py: nltk {nltk.__version__} is not the pinned {oracle.PINNED_NLTK}")
    preprocess(args) if args.command == "preprocess" else count(args)


if __name__ == "__main__":
    main()
