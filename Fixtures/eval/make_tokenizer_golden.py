#!/usr/bin/env python3
"""Regenerates Golden/eval/clip_tokenizer_golden.jsonl.gz: 10,000+ varied strings and the token
ids open_clip's own SimpleTokenizer (open_clip_torch 3.3.0: ftfy + html.unescape cleaning,
lowercasing, BPE, context 77 with SOT/EOT) gives them. Never run by `swift test`.

Each line: {"text": ..., "ids": [...]} with the ids up to the last non-zero (padding dropped).
Strings on which ftfy's mojibake repair (fix_encoding) changes anything are left out (and
counted on stderr): FreqBench does not reproduce that heuristic (docs/FORMATS.md).
Run: .venv-eval/bin/python Fixtures/eval/make_tokenizer_golden.py
"""
import ftfy
import gzip
import importlib.util
import json
import os
import random

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
spec = importlib.util.find_spec("open_clip")
# Load open_clip/tokenizer.py alone: the package __init__ pulls in torchvision and timm.
path = os.path.join(os.path.dirname(spec.origin), "tokenizer.py")
module_spec = importlib.util.spec_from_file_location("open_clip_tokenizer", path)
tokenizer_module = importlib.util.module_from_spec(module_spec)
module_spec.loader.exec_module(tokenizer_module)
tokenizer = tokenizer_module.SimpleTokenizer()

WORDS = """a photo of the dog cat bird plane car ship truck frog horse deer sea lion hot cafe T-shirt
running jumped quickly beautiful tiny enormous airplane automobile bicycle motorbike umbrella giraffe
zebra elephant kangaroo croissant sushi lasagna ramen espresso cappuccino skyscraper lighthouse
volcano glacier rainforest savanna tundra microscope telescope saxophone violin accordion harpsichord
Golden Retriever Boeing 747-400 Airbus A380 iPhone McDonald's O'Neil don't can't we're they've I'm
you'll he'd it's isn't 3D 4K 1080p COVID-19 e-mail re-enter co-operate state-of-the-art x-ray
naïve café résumé jalapeño über Straße façade Ærøskøbing smörgåsbord crème brûlée piñata
Ελληνικά ΟΔΟΣ ΣΟΦΙΑ Москва привет 北京 東京 서울 ราชการ عربى हिन्दी İstanbul ǅemal ĳssel""".split()
PUNCT = list(".,;:!?-_()[]{}\"'/\\|@#$%^&*+=~`<>") + ["...", "!!", "?!", "--", "…", "—", "–", "•", "©", "®", "™", "°", "€", "£", "¥"]
EXTRAS = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&nbsp;", "&eacute;", "&EACUTE;", "&amp;amp;",
          "&copy", "&#8217;", "&#0;", "&#x110000;", "&#128512;", "&notanentity;", "&AMP;", "&ntilde;", "&NTILDE;",
          "\u2018quoted\u2019", "\u201cdouble\u201d", "\ufb01ne", "\ufb02ow", "ＦＵＬＬ", "ｗｉｄｔｈ１２３", "\u3000",
          "e\u0301", "A\u030a", "\u00a0", "\u2003", "\t", "\n", "\r\n", "  ", "\x1b[31mred\x1b[0m", "\x07bell",
          "\u200b", "\ufeffbom", "😀", "🐶🐱", "👍🏽", "🇫🇷", "<start_of_text>", "<END_OF_TEXT>", "'S", "'LL",
          "x\u0085y", "\u2028", "\u00ad", "ß", "ﬀ", "½", "²", "Ⅻ", "٣", "१२", "①"]


def sentence(rng):
    parts = []
    for _ in range(rng.randint(1, 14)):
        r = rng.random()
        if r < 0.6:
            word = rng.choice(WORDS)
            mode = rng.random()
            if mode < 0.15:
                word = word.upper()
            elif mode < 0.3:
                word = word.capitalize()
            parts.append(word)
        elif r < 0.75:
            parts.append(rng.choice(PUNCT))
        elif r < 0.85:
            parts.append(str(rng.randint(0, 10 ** rng.randint(1, 7))))
        else:
            parts.append(rng.choice(EXTRAS))
    glue = rng.choice([" ", " ", " ", "", "  ", "\t", " \n "])
    text = glue.join(parts)
    if rng.random() < 0.1:
        text = "  " + text + " \n"
    return text


def strings():
    rng = random.Random(77)
    out = ["", " ", "\n\t ", "a", "A photo of a dog.", "a photo of a {c}.".replace("{c}", "hot dog")]
    out += EXTRAS + WORDS
    # Long strings: truncated to 77 with EOT last.
    out += [" ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 120))) for _ in range(40)]
    while len(out) < 10_500:
        out.append(sentence(rng))
    return out


def uses_mojibake_repair(text):
    return ftfy.fix_text(text) != ftfy.fix_text(text, fix_encoding=False)


def main():
    target = os.path.join(ROOT, "Golden", "eval", "clip_tokenizer_golden.jsonl.gz")
    lines = []
    candidates = strings()
    texts = [t for t in candidates if not uses_mojibake_repair(t)]
    print("left out", len(candidates) - len(texts), "strings that ftfy's mojibake repair changes")
    ids = tokenizer(texts)
    for text, row in zip(texts, ids.tolist()):
        while row and row[-1] == 0:
            row.pop()
        lines.append(json.dumps({"text": text, "ids": row}, ensure_ascii=True))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(target, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(data)
    print("wrote", len(lines), "strings to", target)


if __name__ == "__main__":
    main()
