#!/usr/bin/env python3
"""The "beyond-tail" concept counts of clip-beyond-tail, computed with NLTK: the oracle that
writes the goldens of Fixtures/beyond-tail (the tests never run it).

The estimator is CVMI-Lab/clip-beyond-tail, concept_freq_utils/calc_class_frequency.py
(commit 6d180a24c818f1439aeeade33ebdc8b0b53a3b62); docs/BEYOND-TAIL.md states every rule and
quirk with the line numbers of that file. This is a separate implementation of the same
semantics, with the same NLTK calls (nltk 3.8.1, the version those counts were made with):

  caption  -> lower() -> every code point outside [a-zA-Z ] becomes a space -> NLTK's
              Treebank word tokenizer -> WordNetLemmatizer().lemmatize (noun) -> set
  concept  -> alternatives (a class name split on " or " / " / " after removing "(...)", or
              its synonym list) and, with --rules, negatives/rewrites -> each alternative
              preprocessed as a caption, kept as a list of lemmas
  count    -> captions where no negative alternative has any lemma in the caption's set and
              some alternative has all of its lemmas there (an empty alternative: every caption)

Run with the interpreter and data that ci/setup-wordnet --oracle prepares:
    eval "$(ci/setup-wordnet --oracle)"
    NLTK_DATA=$NLTK_DATA $NLTK_PYTHON scripts/beyond_tail_counts.py CAPTIONS --format lines \\
        --concepts CONCEPTS [--synonyms SYNONYMS.json] [--rules imagenet|places365|cub] \\
        [--out COUNTS.json] [--ori COUNTS_ori.txt] [--tokens TOKENS.jsonl] \\
        [--alternatives ALTERNATIVES.json] [--print-alternatives N]

CAPTIONS, by --format:
  lines  one caption per line (UTF-8, split at LF; one CR before the LF is dropped; a UTF-8 byte
         order mark is dropped; empty lines are captions; no caption after a final LF);
  cc3m   FreqBench's cc3m TSV (caption<TAB>url, no header), read as docs/FORMATS.md says for
         `--quoting csv` (pandas read_csv): records end at LF, CRLF or a lone CR, blank and
         all-space lines are skipped, a field starting with '"' is quoted;
  jsonl  one JSON object per line, its "caption" string (or a JSON string); blank lines skipped.
--concepts: read as FreqBench reads concept lists (docs/FORMATS.md): a JSON array of names, a
  JSON object (its keys, in order: descriptors_<dataset>.json works as it is), or a text file
  with one name per line (a line starting with '"' is a JSON string literal; blank lines are
  skipped).
--synonyms: a JSON object whose values, in order, are the concepts' alternatives (a list of
  strings, or a string that is split like a class name), as descriptors_imagenet_synset.json;
  it must have as many values as there are concepts (upstream's zip() would silently drop the
  extra ones). Without it every concept's name is split into alternatives.
--rules: upstream's `dataset` argument: the negative words of nine ImageNet classes, or the
  rewrites of two Places365 classes and one CUB class. Without it no rule applies.

Outputs (each optional; nothing given: the counts are printed):
  --out           JSON object concept -> count in concept order (json.dump indent=4, ASCII
                  escapes, no final newline); a repeated concept keeps its first position and
                  its last count, as upstream's dict(zip(class_names, frequencies)) does;
  --ori           upstream's class_frequency_<set>_<dataset>_ori.txt: "name<TAB>count" lines;
  --tokens        per caption one line, the JSON array of its sorted lemma set;
  --alternatives  JSON object concept -> {"alternatives": [[lemma, ...], ...],
                  "negatives": [[lemma, ...], ...]} (indent=1, no final newline);
  --print-alternatives N  prints the first N concepts' alternatives.

Goldens: Fixtures/beyond-tail/make_goldens.sh.
"""
import argparse
import json
import os
import re
import sys

PINNED_NLTK = "3.8.1"

# --- the estimator's text rules (docs/BEYOND-TAIL.md) ----------------------------------------
NOT_LETTER_OR_SPACE = re.compile(r"[^a-zA-Z ]")   # ASCII only: no re.IGNORECASE, no \w
PARENTHESIZED = re.compile(r"\([^)]*\)")          # non-greedy by exclusion, no nesting
ALTERNATIVE_SEPARATOR = re.compile(" or | / ")

# upstream's dataset rules, tested in this order (an if/elif chain: the first hit wins); the
# trigger must equal one alternative exactly (list membership, after lower() and "(...)" removal).
IMAGENET_NEGATIVES = [
    ("sorrel", ["plant", "herb", "flower", "leaf"]),
    ("horizontal bar", ["chart", "plot", "graph", "diagram"]),
    ("impala", ["car", "automobile", "vehicle", "chevy"]),
    ("bow", ["tie"]),
    ("ringlet", ["hair"]),
    ("ram", ["car", "truck", "automobile", "vehicle", "dodge", "logo", "computer", "memory",
             "random access", "chip", "review"]),
    ("crane", ["bird", "fish", "water", "wing", "leg", "zoo"]),
    ("sub", ["sandwich", "bread", "italian", "meatball", "grill", "menu"]),
    ("sidewinder", ["missile", "army", "military", "resort", "park"]),
]
REWRITES = {
    "places365": [
        ("arcade", ["arcade passageway", "arcade walkway", "arcade hallway", "arcade corridor"]),
        ("lock_chamber", ["lock chamber canal", "lock chamber waterway", "lock chamber water"]),
    ],
    "cub": [
        ("cardinal", ["cardinal bird", "northern cardinal", "red cardinal"]),
    ],
}


class Estimator:
    def __init__(self, check_punkt=True):
        from nltk.stem import WordNetLemmatizer
        from nltk.tokenize.destructive import NLTKWordTokenizer
        from nltk.tokenize.punkt import PunktSentenceTokenizer
        # word_tokenize(text) = Treebank step over sent_tokenize(text); the text here has no
        # '.', '?' or '!', so Punkt cannot split it (docs/BEYOND-TAIL.md, "Tokenizing"): the
        # Treebank step alone gives the same tokens without the unreachable punkt model. An
        # untrained Punkt tokenizer (the same splitting code) checks that claim per text.
        self.treebank = NLTKWordTokenizer()
        self.punkt = PunktSentenceTokenizer() if check_punkt else None
        self.lemmatize = WordNetLemmatizer().lemmatize
        self.lemma_cache = {}

    def words(self, cleaned):
        """Treebank tokens of a string of ASCII letters and spaces, lemmatized, in order."""
        tokens = self.treebank.tokenize(cleaned)
        if self.punkt is not None:
            sentences = self.punkt.tokenize(cleaned)
            via_punkt = [t for s in sentences for t in self.treebank.tokenize(s)]
            if len(sentences) > 1 or via_punkt != tokens:
                raise AssertionError(f"Punkt split {cleaned!r}: {sentences!r}")
        lemmas = []
        for token in tokens:
            lemma = self.lemma_cache.get(token)
            if lemma is None:
                lemma = self.lemma_cache[token] = self.lemmatize(token)
            lemmas.append(lemma)
        return lemmas

    def caption_set(self, caption):
        if caption is None:   # upstream: `if text is None: return []`
            return set()
        return set(self.words(clean(caption.lower())))

    def concept(self, template, rules):
        """(alternatives, negatives): lists of lemma lists."""
        alternatives = split_alternatives(template)
        negatives = []
        if rules == "imagenet":
            for trigger, words in IMAGENET_NEGATIVES:
                if trigger in alternatives:
                    negatives = words
                    break
        elif rules in REWRITES:
            for trigger, replacement in REWRITES[rules]:
                if trigger in alternatives:
                    alternatives = replacement
                    break
        return ([self.words(clean(a)) for a in alternatives],
                [self.words(clean(n)) for n in negatives])


def clean(lowered):
    # upstream also runs .replace("'", '') afterwards: a no-op, no apostrophe is left.
    return NOT_LETTER_OR_SPACE.sub(" ", lowered)


def split_alternatives(template):
    if isinstance(template, str):
        lowered = PARENTHESIZED.sub("", template.lower())
        return [part.strip() for part in ALTERNATIVE_SEPARATOR.split(lowered)]
    # a synonym list: lowered and "(...)" removed, neither split nor stripped
    return [PARENTHESIZED.sub("", name.lower()) for name in template]


def counts_of(caption_sets, concepts):
    counts = []
    for alternatives, negatives in concepts:
        n = 0
        for words in caption_sets:
            if any(any(w in words for w in negative) for negative in negatives):
                continue
            if any(all(w in words for w in alternative) for alternative in alternatives):
                n += 1
        counts.append(n)
    return counts


# --- inputs ---------------------------------------------------------------------------------
def fail(message):
    sys.exit(f"beyond_tail_counts.py: {message}")


def decode(raw, path, where):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        fail(f"{path}: {where}: not valid UTF-8 ({error})")


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    pieces = data.split(b"\n")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    return [decode(p[:-1] if p.endswith(b"\r") else p, path, f"line {i}")
            for i, p in enumerate(pieces, 1)]


def read_jsonl(path):
    captions = []
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            value = json.loads(line)
            if isinstance(value, dict):
                value = value.get("caption")
            if not isinstance(value, str):
                fail(f"{path}: line {number}: expected a JSON string or an object with a string \"caption\"")
            captions.append(value)
    return captions


def read_cc3m(path, quoting):
    """caption<TAB>url records as docs/FORMATS.md describes pandas' read_csv."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    captions = []
    i, n, line = 0, len(data), 1
    while i < n:
        start_line = line
        fields, field, raw_start = [], bytearray(), i
        at_field_start = True
        while i < n:
            b = data[i]
            if at_field_start and b == 0x22 and quoting == "csv":
                i += 1
                while True:
                    if i >= n:
                        fail(f"{path}: line {start_line}: unterminated quoted field")
                    if data[i] == 0x22:
                        if i + 1 < n and data[i + 1] == 0x22:
                            field.append(0x22)
                            i += 2
                            continue
                        i += 1
                        break
                    if data[i] == 0x0A or (data[i] == 0x0D and data[i + 1:i + 2] != b"\n"):
                        line += 1
                    field.append(data[i])
                    i += 1
                at_field_start = False
                continue
            if b == 0x09:
                fields.append(bytes(field))
                field = bytearray()
                at_field_start = True
                i += 1
                continue
            if b in (0x0A, 0x0D):
                break
            field.append(b)
            at_field_start = False
            i += 1
        raw = data[raw_start:i]
        fields.append(bytes(field))
        if i < n:
            i += 2 if data[i] == 0x0D and data[i + 1:i + 2] == b"\n" else 1
            line += 1
        if raw.strip(b" ") == b"":
            continue   # empty or all-space line: not a record
        if len(fields) > 2:
            fail(f"{path}: line {start_line}: {len(fields)} fields, a cc3m record has at most 2")
        captions.append(decode(fields[0], path, f"line {start_line}"))
    return captions


def read_concepts(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = decode(data, path, "file")
    head = text.lstrip()[:1]
    if head == "[":
        names = json.loads(text)
        for index, name in enumerate(names):
            if not isinstance(name, str):
                fail(f"{path}: element {index} of the JSON array is not a string")
    elif head == "{":
        names = list(json.loads(text))
    else:
        names = []
        for number, raw in enumerate(data.split(b"\n"), 1):
            line = decode(raw[:-1] if raw.endswith(b"\r") else raw, path, f"line {number}")
            if line.strip() == "":
                continue
            if line.startswith('"'):
                value = json.loads(line)
                if not isinstance(value, str):
                    fail(f"{path}: line {number}: expected a JSON string literal")
                names.append(value)
            else:
                names.append(line)
    if not names:
        fail(f"{path}: no concepts")
    return names


def read_synonyms(path, count):
    with open(path, encoding="utf-8") as f:
        values = list(json.load(f).values())
    if len(values) != count:
        fail(f"{path}: {len(values)} synonym entries for {count} concepts")
    for index, value in enumerate(values):
        ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not ok:
            fail(f"{path}: value {index} is neither a string nor a list of strings")
    return values


# --- main -----------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("captions")
    parser.add_argument("--format", choices=["lines", "cc3m", "jsonl"], default="lines")
    parser.add_argument("--quoting", choices=["csv", "none"], default="csv", help="cc3m only")
    parser.add_argument("--concepts", required=True)
    parser.add_argument("--synonyms")
    parser.add_argument("--rules", choices=["imagenet", "places365", "cub"])
    parser.add_argument("--out")
    parser.add_argument("--ori")
    parser.add_argument("--tokens")
    parser.add_argument("--alternatives")
    parser.add_argument("--print-alternatives", type=int, default=0, metavar="N")
    parser.add_argument("--no-punkt-check", action="store_true",
                        help="skip the per-text check that Punkt does not split")
    parser.add_argument("--any-nltk", action="store_true",
                        help=f"run with an nltk other than {PINNED_NLTK} (results may differ)")
    args = parser.parse_args()

    if not os.environ.get("NLTK_DATA"):
        fail("NLTK_DATA is not set (eval \"$(ci/setup-wordnet --oracle)\" first)")
    import nltk
    if nltk.__version__ != PINNED_NLTK and not args.any_nltk:
        fail(f"nltk {nltk.__version__} is not the pinned {PINNED_NLTK} (--any-nltk to run anyway)")
    from nltk.corpus import wordnet
    if wordnet.get_version() != "3.0":
        fail(f"the wordnet corpus in NLTK_DATA is WordNet {wordnet.get_version()}, not 3.0")

    if args.format == "lines":
        captions = read_lines(args.captions)
    elif args.format == "jsonl":
        captions = read_jsonl(args.captions)
    else:
        captions = read_cc3m(args.captions, args.quoting)
    names = read_concepts(args.concepts)
    templates = read_synonyms(args.synonyms, len(names)) if args.synonyms else names

    estimator = Estimator(check_punkt=not args.no_punkt_check)
    concepts = [estimator.concept(t, args.rules) for t in templates]
    caption_sets = [estimator.caption_set(c) for c in captions]
    counts = {}
    for name, count in zip(names, counts_of(caption_sets, concepts)):
        counts[name] = count

    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(counts, f, indent=4)
    if args.ori:
        with open(args.ori, "w", encoding="utf-8") as f:
            for name, count in counts.items():
                f.write(f"{name}\t{count}\n")
    if args.tokens:
        with open(args.tokens, "w", encoding="utf-8") as f:
            for words in caption_sets:
                f.write(json.dumps(sorted(words)) + "\n")
    if args.alternatives:
        table = {}
        for name, (alternatives, negatives) in zip(names, concepts):
            table[name] = {"alternatives": alternatives, "negatives": negatives}
        with open(args.alternatives, "w", encoding="utf-8") as f:
            json.dump(table, f, indent=1)
    for name, template, (alternatives, negatives) in list(zip(names, templates, concepts))[:args.print_alternatives]:
        print(f"{name!r}: {template!r} -> {alternatives!r}" + (f" minus {negatives!r}" if negatives else ""))
    if not (args.out or args.ori or args.tokens or args.alternatives or args.print_alternatives):
        sys.stdout.write(json.dumps(counts, indent=4) + "\n")


if __name__ == "__main__":
    main()
