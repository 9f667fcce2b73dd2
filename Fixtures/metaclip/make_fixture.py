#!/usr/bin/env python3
"""Writes the MetaCLIP substring-matching fixture: captions.jsonl and entries.txt.

Every rule of MetaCLIP's matching (scripts/metaclip_substr_counts.py, from
metaclip/metaclip1/substr_matching.py) is hit by hand-written captions and entries: each
wrapped character (, . ; : ? ! `) next to words and to each other, TAB/CR/LF inside and at the
ends of captions, whitespace MetaCLIP leaves alone (vertical tab, form feed, NBSP, U+2028,
ideographic space, two spaces), case, multi-word entries, entries that are prefixes or suffixes
of others, Unicode (accents, NFC vs NFD, CJK, emoji), entries at the start and end of captions,
repeats within a caption (counted once), entries that can never match ("St. Louis", "e.g.",
"? !", an entry with a TAB), entries that match only because of the spacing ("3 . 14",
"?  !", "` dog `", the empty entry, an entry with a leading space), and an empty caption. Then
400 seeded random captions over a small alphabet of words and separators.

captions.jsonl holds one JSON object {"caption": ...} per line (json.dumps, ASCII escapes), so
it is a FreqBench `--format jsonl` corpus and the oracle's input at once. entries.txt holds one
entry per line, every one as a JSON string literal (so leading spaces, TABs and the empty entry
survive), one line ending in CRLF, and a repeated entry.

Run from the repository root: python3 Fixtures/metaclip/make_fixture.py
(then regenerate the golden as scripts/metaclip_substr_counts.py says).
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

CAPTIONS = [
    # wrapped characters next to words
    "a dog, a cat.",
    "the dog. runs",
    "dog; cat",
    "dog: cat",
    "is that a dog? yes!",
    "dog!",
    "`dog` in backticks",
    "time: 10:30 dog:cat",
    "dog.house",
    "dog,dog,dog",
    # other punctuation is not spaced
    "(dog) in a box",
    "my dog's bowl",
    "a dog-house",
    "\"dog\" in quotes",
    "dog/cat and dog\\cat",
    # TAB, CR, LF
    "dog\tcat",
    "hot\tdog",
    "dog\r\nhouse",
    "hot\ndog",
    "hot\rdog",
    "\tdog\t",
    "\n",
    # whitespace MetaCLIP leaves alone
    "dog\x0bcat",
    "dog\x0ccat",
    "dog\u00a0house",
    "dog\u2028cat",
    "dog\u3000cat",
    "hot  dog",
    "   ",
    # case
    "Dog on a mat",
    "DOG",
    "dog",
    # multi-word entries, prefixes and suffixes
    "a hot dog stand",
    "hotdog",
    "hot dogs",
    "dogs and dog house",
    "a dog house",
    "dog houses",
    "hot dog",
    "eat a hot dog",
    "New York, New York",
    "york",
    # Unicode
    "caf\u00e9 au lait",
    "cafe\u0301 au lait",
    "CAF\u00c9",
    "un caf\u00e9.",
    "\u6771\u4eac \u30bf\u30ef\u30fc",
    "\u6771\u4eac\u30bf\u30ef\u30fc",
    "\u5bff\u53f8 \U0001f363 sushi",
    "\U0001f363",
    "\U0001f363\U0001f363",
    # punctuation inside entries
    "St. Louis arch",
    "st louis",
    "e.g. a dog",
    "e. g. a dog",
    "3.14 pi",
    "what?!",
    "wait ? ! go",
    "x,y",
    "x , y",
    "a ... b",
    "` dog `",
    # repeats and edges
    "dog dog dog dog",
    "",
    "a",
    ".",
    "?",
]

ENTRIES = [
    "dog", "Dog", "DOG", "dogs", "hot dog", "dog house", "house", "cat", "hot",
    "dog's", "dog-house", "(dog)", "\"dog\"", "dog/cat",
    "York", "New York", "york",
    "caf\u00e9", "CAF\u00c9", "lait",
    "\u6771\u4eac", "\u30bf\u30ef\u30fc", "\u6771\u4eac\u30bf\u30ef\u30fc", "\U0001f363", "sushi", "\u5bff\u53f8",
    "St. Louis", "st louis", "Louis", "e.g.", "e.g", "e", "g", "3.14", "3 . 14", "14",
    ".", ",", ";", ":", "?", "!", "`", "? !", "?  !", "x , y", "x,y", "...", ". . .", ".  .  .",
    "` dog `", "`dog`", "dog ,", "dog .", "10:30", "10 : 30",
    "", " dog", "dog ", "  ", "hot\tdog", "dog\u00a0house", "dog\x0bcat", "dog\u2028cat", "dog\u3000cat",
    "a", "the", "un", "and", "in",
    "dog",  # a repeat: counted once, first position kept
]

WORDS = ["dog", "Dog", "dogs", "hot", "house", "cat", "caf\u00e9", "\u6771\u4eac", "a", "the", "e.g", "York", "New"]
SEPARATORS = [" ", " ", " ", ",", ".", ";", ":", "?", "!", "`", "\t", "\n", "\r", "  ", "-", "'", "\u00a0", ""]


def random_captions(count, seed=17):
    generator = random.Random(seed)
    captions = []
    for _ in range(count):
        parts = []
        for _ in range(generator.randint(0, 7)):
            parts.append(generator.choice(WORDS))
            parts.append(generator.choice(SEPARATORS))
        if parts and generator.random() < 0.5:
            parts.pop()
        if generator.random() < 0.2:
            parts.insert(0, generator.choice(SEPARATORS))
        captions.append("".join(parts))
    return captions


def main():
    captions = CAPTIONS + random_captions(400)
    with open(os.path.join(HERE, "captions.jsonl"), "w", encoding="ascii", newline="\n") as f:
        for caption in captions:
            f.write(json.dumps({"caption": caption}) + "\n")
    with open(os.path.join(HERE, "entries.txt"), "w", encoding="ascii", newline="") as f:
        for index, entry in enumerate(ENTRIES):
            f.write(json.dumps(entry) + ("\r\n" if index == 3 else "\n"))
    print(f"{len(captions)} captions, {len(ENTRIES)} entries")


if __name__ == "__main__":
    main()
