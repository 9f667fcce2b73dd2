#!/usr/bin/env python3
"""Generates the Analysis fixture: a miniature upstream tree in the released files' shapes.

    python3 Fixtures/analysis/make_fixture.py      # rewrites Fixtures/analysis/upstream/

Three datasets (cifar10 with its real classes, exercising the plane -> airplane rename, and two
synthetic ones), lemmatized search counts for pretraining set "fixture" (heavy-tailed, with
zeros, ties and an uppercase key for the code-point sort), and class-prompt zero-shot results for
two models plus a decoy key that the first-matching-model-key rule must skip. Deterministic
(fixed seed; json.dumps as upstream). Not run by `swift test`; the outputs are committed.
"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "upstream")
PRETRAINING = "fixture"

CIFAR10_COUNTS_KEYS = ["airplane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
CIFAR10_RESULT_KEYS = ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def synthetic_concepts(rng, prefix, n):
    names = [f"{prefix}_{word}" for word in rng.sample(
        ["amber", "basalt", "cedar", "dune", "ember", "fjord", "garnet", "heron", "iris", "juniper",
         "kelp", "lichen", "maple", "nectar", "onyx", "pebble", "quartz", "reed", "sage", "tundra",
         "umber", "violet", "willow", "xenon", "yarrow", "zinnia", "acorn", "birch", "coral", "delta",
         "egret", "fern", "glacier", "hazel", "ivy", "jade", "kestrel", "lotus", "moss", "nimbus"], n)]
    names[rng.randrange(n)] = "Zebra" if prefix == "alpha" else "Yak"   # uppercase sorts first
    return names


def main():
    rng = random.Random(20240404)
    datasets = {
        "cifar10": (CIFAR10_COUNTS_KEYS, CIFAR10_RESULT_KEYS),
    }
    for prefix, n in (("alpha", 40), ("beta", 30)):
        names = synthetic_concepts(rng, prefix, n)
        datasets[f"fixture-{prefix}"] = (names, names)

    models = {"backboneRN50_pretrainedother": -15.0, "backboneRN50_pretrainedfixture": 0.0,
              "backboneViT-B-16_pretrainedfixture": 4.0}
    os.makedirs(os.path.join(OUT, "search_counts"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "zero_shot_evaluations"), exist_ok=True)
    for dataset, (count_keys, result_keys) in datasets.items():
        counts = {}
        for key in count_keys:
            draw = rng.random()
            counts[key] = 0 if draw < 0.08 else int(10 ** (rng.random() * 5.3))
        # A tie with the previous concept, as real count files have many.
        counts[count_keys[-1]] = counts[count_keys[-2]]
        path = os.path.join(OUT, "search_counts", f"{dataset}_{PRETRAINING}_lemmatized_search_counts.json")
        with open(path, "w") as f:
            json.dump(counts, f)
        results = {}
        for model, offset in models.items():
            classwise = {}
            for count_key, result_key in zip(count_keys, result_keys):
                accuracy = 6.0 + offset + 5.5 * math.log(counts[count_key] + 1) + rng.gauss(0, 7)
                classwise[result_key] = min(100.0, max(0.0, accuracy))
            results[model] = {"full": sum(classwise.values()) / len(classwise), "classwise": classwise}
        path = os.path.join(OUT, "zero_shot_evaluations", f"{dataset}_class_results.json")
        with open(path, "w") as f:
            json.dump(results, f)


if __name__ == "__main__":
    main()
