#!/usr/bin/env python3
"""Regenerates the tiny TorchScript CLIP-like model and its goldens (never run by `swift test`).

  Fixtures/eval/tiny_clip/model.pt        TorchScript: encode_image(float[B,3,8,8]) -> [B,16],
                                          encode_text(int64[B,77]) -> [B,16] (features at the EOT token)
  Fixtures/eval/tiny_clip/images.pt       float[N,3,8,8] preprocessed test images
  Fixtures/eval/tiny_clip/labels.pt       int64[N]
  Fixtures/eval/tiny_clip/classnames.json the fixture's class names
  Golden/eval/tiny_clip_golden.json       from the peer implementation: open_clip's tokenizer,
                                          the module run by torch, CLIP_benchmark's zero-shot metrics

Run with the venv of scripts/setup-eval-reference (its torch is Debian's 1.13, so libtorch 1.13
loads the module): .venv-eval/bin/python Fixtures/eval/make_tiny_clip.py
"""
import importlib.util
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from clip_benchmark.metrics import zeroshot_classification as zsc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Fixtures", "eval", "tiny_clip")
GOLD = os.path.join(ROOT, "Golden", "eval", "tiny_clip_golden.json")
CLASSNAMES = ["cat", "dog", "hot dog", "T-shirt", "café", "sea lion"]
TEMPLATES = ["a photo of a {c}.", "a blurry photo of a {c}.", "art of the {c}."]

spec = importlib.util.find_spec("open_clip")
path = os.path.join(os.path.dirname(spec.origin), "tokenizer.py")
module_spec = importlib.util.spec_from_file_location("open_clip_tokenizer", path)
tokenizer_module = importlib.util.module_from_spec(module_spec)
module_spec.loader.exec_module(tokenizer_module)
tokenizer = tokenizer_module.SimpleTokenizer()


class TinyClip(nn.Module):
    def __init__(self):
        super().__init__()
        self.visual = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 32), nn.Tanh(), nn.Linear(32, 16))
        self.token_embedding = nn.Embedding(1024, 16)
        self.text_mix = nn.Linear(16, 16)
        self.text_projection = nn.Linear(16, 16, bias=False)

    @torch.jit.export
    def encode_image(self, image: torch.Tensor) -> torch.Tensor:
        return self.visual(image)

    @torch.jit.export
    def encode_text(self, text: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(text % 1024)
        x = torch.tanh(self.text_mix(x.cumsum(dim=1)))
        eot = text.argmax(dim=-1)
        return self.text_projection(x[torch.arange(x.shape[0]), eot])

    def forward(self, image: torch.Tensor, text: torch.Tensor):
        return self.encode_image(image), self.encode_text(text)


def main():
    torch.manual_seed(11)
    os.makedirs(OUT, exist_ok=True)
    model = TinyClip().eval()
    scripted = torch.jit.script(model)
    scripted.save(os.path.join(OUT, "model.pt"))

    n = 60
    labels = torch.randint(0, len(CLASSNAMES) - 1, (n,))  # the last class has no test image
    images = torch.randn(n, 3, 8, 8) + 0.3 * labels.float().view(n, 1, 1, 1)
    torch.save(images, os.path.join(OUT, "images.pt"))
    torch.save(labels, os.path.join(OUT, "labels.pt"))
    with open(os.path.join(OUT, "classnames.json"), "w") as f:
        json.dump(CLASSNAMES, f, indent=2)
        f.write("\n")

    loaded = torch.jit.load(os.path.join(OUT, "model.pt"))

    class Loader:
        class dataset:
            classes = CLASSNAMES

        def __iter__(self):
            for start in range(0, n, 16):
                yield images[start:start + 16], labels[start:start + 16]

    with torch.no_grad():
        prompts = [t.format(c=c) for c in CLASSNAMES for t in TEMPLATES]
        tokens = tokenizer(prompts)
        text_features = loaded.encode_text(tokens)
        image_features = loaded.encode_image(images)
        metrics = zsc.evaluate(loaded, Loader(), tokenizer, CLASSNAMES, TEMPLATES, "cpu", amp=False)
        classifier = zsc.zero_shot_classifier(loaded, tokenizer, CLASSNAMES, TEMPLATES, "cpu", amp=False)
        logits, target = zsc.run_classification(loaded, classifier, Loader(), "cpu", amp=False)
    pred = logits.argmax(dim=1)
    golden = {
        "generator": "Fixtures/eval/make_tiny_clip.py (open_clip tokenizer, torch %s, clip_benchmark)" % torch.__version__,
        "templates": TEMPLATES,
        "prompt_tokens": [row[:row.index(49407) + 1] for row in tokens.tolist()],
        "text_features": text_features.tolist(),
        "image_features_first_rows": image_features[:8].tolist(),
        "classifier": classifier.t().tolist(),
        "correct_top1": int((pred == target).sum()),
        "acc1": metrics["acc1"],
        "acc5": metrics["acc5"],
        "mean_per_class_recall": metrics["mean_per_class_recall"],
        "predictions": pred.tolist(),
    }
    with open(GOLD, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("wrote", OUT, GOLD)


if __name__ == "__main__":
    main()
