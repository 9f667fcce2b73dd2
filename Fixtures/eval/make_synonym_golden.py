#!/usr/bin/env python3
"""Golden for uneven synonym lists (never run by `swift test`).

clip-rocket's `labels.json` gives a class either a name or a list of synonyms, and its
`eval_zeroshot.py` (as SLIP's) prompts a class with every template x every synonym, template-major,
normalizes each text embedding, averages them all and renormalizes. This script computes that with
the peer implementation: CLIP_benchmark's `zero_shot_classifier`, which accepts per-class prompt
lists (a dict class -> prompts), on the fixture TorchScript model (Fixtures/eval/tiny_clip, made by
make_tiny_clip.py), with open_clip's tokenizer; then CLIP_benchmark's classification metrics.

  Golden/eval/tiny_clip_synonyms_golden.json

Run with the venv of scripts/setup-eval-reference: .venv-eval/bin/python Fixtures/eval/make_synonym_golden.py
"""
import importlib.util
import json
import os

import torch
from clip_benchmark.metrics import zeroshot_classification as zsc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(ROOT, "Fixtures", "eval", "tiny_clip")
GOLD = os.path.join(ROOT, "Golden", "eval", "tiny_clip_synonyms_golden.json")
# clip-rocket labels.json shape: a name, or a list of synonyms (the first is the class name).
LABELS = ["cat", ["dog", "puppy", "hound"], "hot dog", ["T-shirt", "tee"], "caf\u00e9", ["sea lion", "seal"]]
# clip-rocket templates.json shape: Python positional "{}".
TEMPLATES = ["a photo of a {}.", "art of the {}."]

spec = importlib.util.find_spec("open_clip")
path = os.path.join(os.path.dirname(spec.origin), "tokenizer.py")
module_spec = importlib.util.spec_from_file_location("open_clip_tokenizer", path)
tokenizer_module = importlib.util.module_from_spec(module_spec)
module_spec.loader.exec_module(tokenizer_module)
tokenizer = tokenizer_module.SimpleTokenizer()


def main():
    model = torch.jit.load(os.path.join(FIXTURE, "model.pt"))
    images = torch.load(os.path.join(FIXTURE, "images.pt"))
    labels = torch.load(os.path.join(FIXTURE, "labels.pt"))
    synonyms = [label if isinstance(label, list) else [label] for label in LABELS]
    classnames = [names[0] for names in synonyms]
    # clip-rocket's prompt order: for t in templates for l in label.
    prompts = {names[0]: [t.format(name) for t in TEMPLATES for name in names] for names in synonyms}

    class Loader:
        class dataset:
            classes = classnames

        def __iter__(self):
            for start in range(0, len(labels), 16):
                yield images[start:start + 16], labels[start:start + 16]

    with torch.no_grad():
        classifier = zsc.zero_shot_classifier(model, tokenizer, classnames, prompts, "cpu", amp=False)
        logits, target = zsc.run_classification(model, classifier, Loader(), "cpu", amp=False)
        metrics = zsc.evaluate(model, Loader(), tokenizer, classnames, prompts, "cpu", amp=False)
    pred = logits.argmax(dim=1)
    golden = {
        "generator": "Fixtures/eval/make_synonym_golden.py (open_clip tokenizer, torch %s, clip_benchmark zero_shot_classifier with per-class prompts)" % torch.__version__,
        "labels": LABELS,
        "templates": TEMPLATES,
        "prompt_counts": [len(prompts[c]) for c in classnames],
        "classifier": classifier.t().tolist(),
        "correct_top1": int((pred == target).sum()),
        "acc1": metrics["acc1"],
        "acc5": metrics["acc5"],
        "mean_per_class_recall": metrics["mean_per_class_recall"],
    }
    with open(GOLD, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("wrote", GOLD)


if __name__ == "__main__":
    main()
