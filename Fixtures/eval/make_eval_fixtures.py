#!/usr/bin/env python3
"""Regenerates the evaluation fixtures and their goldens (never run by `swift test`).

Fixtures (deterministic, seeded):
  Fixtures/eval/zeroshot_features.h5   image_features N×D, labels N, classnames C, text_features C×P×D
  Fixtures/eval/zeroshot_pt/           the same arrays as torch .pt tensors (+ classnames.json)
  Fixtures/eval/retrieval_features.h5  image_features I×D, text_features 5I×D
  Fixtures/eval/retrieval_concepts.json  concepts_to_text_samples / concepts_to_image_samples

Goldens, computed by an independent peer implementation: CLIP_benchmark's own metric code
(clip_benchmark.metrics.zeroshot_classification / zeroshot_retrieval) and scikit-learn:
  Golden/eval/zeroshot_fixture.json
  Golden/eval/retrieval_fixture.json

Run with the venv made by scripts/setup-eval-reference (Debian torch 1.13 + pip --no-deps
clip-benchmark):  .venv-eval/bin/python Fixtures/eval/make_eval_fixtures.py
"""
import json
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import balanced_accuracy_score, classification_report
from clip_benchmark.metrics import zeroshot_classification as zsc
from clip_benchmark.metrics import zeroshot_retrieval as zsr

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "Fixtures", "eval")
GOLD = os.path.join(ROOT, "Golden", "eval")

CLASSNAMES = ["plane", "hot dog", "café", "T-shirt", "sea_lion", "dog", "cat", "bird", "ship", "truck",
              "frog", "unseen class"]
TEMPLATES = ["a photo of a {c}.", "a {c}.", "art of the {c}."]
N, D = 240, 16


def write_h5(path, arrays):
    with h5py.File(path, "w", track_order=False) as f:
        for name, value in arrays.items():
            if isinstance(value, list):
                f.create_dataset(name, data=value, dtype=h5py.string_dtype("utf-8"), track_times=False)
            else:
                f.create_dataset(name, data=value, track_times=False)


def zero_shot():
    rng = np.random.default_rng(20240607)
    C, P = len(CLASSNAMES), len(TEMPLATES)
    means = rng.normal(size=(C, D))
    # Unbalanced labels over the first C-1 classes; the last class has no test sample.
    weights = rng.uniform(0.2, 1.0, size=C - 1)
    labels = rng.choice(C - 1, size=N, p=weights / weights.sum()).astype(np.int64)
    scale = rng.uniform(0.5, 3.0, size=(N, 1))
    image = ((means[labels] + 2.6 * rng.normal(size=(N, D))) * scale + 0.2).astype(np.float32)
    text = (means[:, None, :] + 0.9 * rng.normal(size=(C, P, D))) * rng.uniform(0.3, 4.0, size=(C, P, 1))
    text = text.astype(np.float32)

    write_h5(os.path.join(FIX, "zeroshot_features.h5"),
             {"image_features": image, "labels": labels, "classnames": CLASSNAMES, "text_features": text})
    pt = os.path.join(FIX, "zeroshot_pt")
    os.makedirs(pt, exist_ok=True)
    torch.save(torch.from_numpy(image), os.path.join(pt, "image_features.pt"))
    torch.save(torch.from_numpy(labels), os.path.join(pt, "labels.pt"))
    torch.save(torch.from_numpy(text), os.path.join(pt, "text_features.pt"))
    with open(os.path.join(pt, "classnames.json"), "w") as f:
        json.dump(CLASSNAMES, f, indent=2)
        f.write("\n")

    # CLIP_benchmark's own code path: a stand-in model whose encoders return the stored features.
    prompt_rows = {t.format(c=c): (ci, pi) for ci, c in enumerate(CLASSNAMES) for pi, t in enumerate(TEMPLATES)}
    text_t = torch.from_numpy(text)

    class FeatureModel:
        def encode_text(self, tokens):
            return torch.stack([text_t[int(i) // P, int(i) % P] for i in tokens])

        def encode_image(self, images):
            return images

    def tokenizer(texts):
        return torch.tensor([prompt_rows[t][0] * P + prompt_rows[t][1] for t in texts])

    class Loader:
        class dataset:
            classes = CLASSNAMES

        def __iter__(self):
            for start in range(0, N, 64):
                yield torch.from_numpy(image[start:start + 64]), torch.from_numpy(labels[start:start + 64])

    model = FeatureModel()
    metrics = zsc.evaluate(model, Loader(), tokenizer, CLASSNAMES, TEMPLATES, "cpu", amp=False)
    classifier = zsc.zero_shot_classifier(model, tokenizer, CLASSNAMES, TEMPLATES, "cpu", amp=False)
    logits, target = zsc.run_classification(model, classifier, Loader(), "cpu", amp=False)
    pred = logits.argmax(dim=1)
    top5 = logits.topk(5, 1, True, True)[1]
    report = classification_report(target.numpy(), pred.numpy(), labels=list(range(C)), output_dict=True,
                                   zero_division=np.nan)
    per_class = []
    for ci, name in enumerate(CLASSNAMES):
        mask = target == ci
        r = report[str(ci)]
        per_class.append({
            "class": name,
            "support": int(mask.sum()),
            "correct": int((pred[mask] == ci).sum()),
            "predicted": int((pred == ci).sum()),
            "precision": None if np.isnan(r["precision"]) else r["precision"],
            "recall": None if np.isnan(r["recall"]) else r["recall"],
        })
    golden = {
        "generator": "Fixtures/eval/make_eval_fixtures.py (clip_benchmark %s, scikit-learn, torch %s)" % (
            __import__("importlib.metadata").metadata.version("clip-benchmark"), torch.__version__),
        "samples": N,
        "correct_top1": int((pred == target).sum()),
        "correct_top5": int((top5 == target[:, None]).any(dim=1).sum()),
        "acc1": metrics["acc1"],
        "acc5": metrics["acc5"],
        "mean_per_class_recall": metrics["mean_per_class_recall"],
        "balanced_accuracy_check": balanced_accuracy_score(target.numpy(), pred.numpy()),
        "per_class": per_class,
        "classifier": classifier.t().tolist(),  # C × D
        "logits_first_rows": logits[:8].tolist(),
        "predictions": pred.tolist(),
    }
    # fp16 mode as upstream's autocast did it: normalized features and classifier rounded to half,
    # logits rounded to half; argmax takes the first maximal index (torch.argmax's documented rule).
    img16 = F.normalize(torch.from_numpy(image).double(), dim=-1).float().half().double()
    clf16 = classifier.half().double()
    logits16 = (100.0 * (img16 @ clf16)).float().half()
    pred16 = logits16.float().argmax(dim=1)
    top = logits16.float().max(dim=1, keepdim=True).values
    golden["fp16"] = {
        "correct_top1": int((pred16 == target).sum()),
        "tied_top1": int(((logits16.float() == top).sum(dim=1) > 1).sum()),
    }
    with open(os.path.join(GOLD, "zeroshot_fixture.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


def retrieval():
    rng = np.random.default_rng(7)
    I = 40
    base = rng.normal(size=(I, D))
    image = (base + 0.9 * rng.normal(size=(I, D))) * rng.uniform(0.5, 2.0, size=(I, 1))
    text = (np.repeat(base, 5, axis=0) + 1.1 * rng.normal(size=(5 * I, D))) * rng.uniform(0.5, 2.0, size=(5 * I, 1))
    image, text = image.astype(np.float32), text.astype(np.float32)
    write_h5(os.path.join(FIX, "retrieval_features.h5"), {"image_features": image, "text_features": text})

    concepts_text, concepts_image = {}, {}
    names = ["dog", "", "bridge", "man", "surf board", "never"]
    for ci, name in enumerate(names):
        if name == "never":
            concepts_text[name], concepts_image[name] = [], []
            continue
        caps = sorted(int(x) for x in rng.choice(5 * I, size=int(rng.integers(3, 30)), replace=False))
        concepts_text[name] = caps
        concepts_image[name] = sorted(set(c // 5 for c in caps))
    with open(os.path.join(FIX, "retrieval_concepts.json"), "w") as f:
        json.dump({"concepts_to_text_samples": concepts_text, "concepts_to_image_samples": concepts_image}, f)
        f.write("\n")

    images_emb = F.normalize(torch.from_numpy(image), dim=-1)
    texts_emb = F.normalize(torch.from_numpy(text), dim=-1)
    scores = texts_emb @ images_emb.t()
    positive = torch.zeros_like(scores, dtype=bool)
    positive[torch.arange(5 * I), torch.arange(5 * I) // 5] = True
    golden = {"generator": "Fixtures/eval/make_eval_fixtures.py (clip_benchmark recall_at_k)",
              "images": I, "captions": 5 * I, "scores_first_rows": scores[:6].tolist(), "results": {}}
    for k in (1, 5, 10):
        t2i = (zsr.batchify(zsr.recall_at_k, scores, positive, 64, "cpu", k=k) > 0).int().tolist()
        i2t = (zsr.batchify(zsr.recall_at_k, scores.T, positive.T, 64, "cpu", k=k) > 0).int().tolist()
        for direction, correct, concept_map in (("t2i", t2i, concepts_text), ("i2t", i2t, concepts_image)):
            conceptwise = {c: (sum(correct[i] for i in idx) / len(idx) if idx else None) for c, idx in concept_map.items()}
            golden["results"]["%s_k=%d" % (direction, k)] = {
                "correct": "".join(str(x) for x in correct),
                "full": sum(correct) / len(correct),
                "conceptwise": conceptwise,
            }
    with open(os.path.join(GOLD, "retrieval_fixture.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(FIX, exist_ok=True)
    os.makedirs(GOLD, exist_ok=True)
    zero_shot()
    retrieval()
    print("wrote fixtures under", FIX, "and goldens under", GOLD, file=sys.stderr)
