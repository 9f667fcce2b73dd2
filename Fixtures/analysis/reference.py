#!/usr/bin/env python3
"""Independent reference for the `analysis` Fixtures stage (numpy + scipy, as the notebooks).

    python3 Fixtures/analysis/reference.py [FIXTURE_DIR]

Prints one JSON object {output name: value} to stdout. `freqbench golden update` runs it to
write Golden/fixtures/analysis/*.json; `freqbench verify` then checks FreqBench's own Analysis
stage against those goldens. Never run by `swift test`. Needs numpy and scipy.

Rules (../shared/upstream/README.md §3, §4.5): for each dataset in list order, take the first
result key containing the pretraining name and the model string, rename cifar10 `plane` to
`airplane`, walk the count keys in sorted (code-point) order keeping those present in the
results; clamp counts to >= 1, ln, 12 linspace edges, digitize(right=True), per-bin mean and
population std (empty bins 0), exp_bins = exp(edges). Pearson r (and p) of ln(exp_bins[1:-1])
against cum_means[1:-1], the least-squares line through them, and Spearman rho (and p) of the
raw (count, accuracy) pairs.
"""
import json
import os
import sys

import numpy as np
from scipy import stats

DATASETS = ["cifar10", "fixture-alpha", "fixture-beta"]
PRETRAINING = "fixture"
MODELS = ["RN50", "ViT-B-16"]
BINS = 12


def pairs(root, model):
    counts_out, accuracies = [], []
    for dataset in DATASETS:
        with open(os.path.join(root, "search_counts", f"{dataset}_{PRETRAINING}_lemmatized_search_counts.json")) as f:
            counts = json.load(f)
        with open(os.path.join(root, "zero_shot_evaluations", f"{dataset}_class_results.json")) as f:
            results = json.load(f)
        key = next(k for k in results if PRETRAINING in k and model in k)
        classwise = dict(results[key]["classwise"])
        if dataset == "cifar10":
            classwise["airplane"] = classwise.pop("plane")
        for concept in sorted(counts):
            if concept in classwise:
                counts_out.append(counts[concept])
                accuracies.append(classwise[concept])
    return np.array(counts_out), np.array(accuracies, dtype=np.float64)


def figure(counts, accuracies):
    x = np.log(np.where(counts > 0, counts, 1).astype(np.float64))
    edges = np.linspace(x.min(), x.max(), BINS)
    index = np.digitize(x, edges, right=True)
    means, stds = np.zeros(BINS), np.zeros(BINS)
    for b in range(BINS):
        members = accuracies[index == b]
        if len(members):
            means[b], stds[b] = members.mean(), members.std()
    return np.exp(edges), means, stds


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "upstream")
    outputs = {}
    for model in MODELS:
        counts, accuracies = pairs(root, model)
        exp_bins, means, stds = figure(counts, accuracies)
        outputs[f"figure-{model}"] = {"exp_bins": exp_bins.tolist(), "cum_means": means.tolist(), "cum_stds": stds.tolist()}
        log_x, y = np.log(exp_bins[1:-1]), means[1:-1]
        pearson = stats.pearsonr(log_x, y)
        slope, intercept = np.polyfit(log_x, y, 1)
        spearman = stats.spearmanr(counts, accuracies)
        outputs[f"fit-{model}"] = {
            "pairs": int(len(counts)),
            "slice": "[1:-1]",
            "pearson_r": float(pearson[0]), "pearson_p": float(pearson[1]),
            "slope": float(slope), "intercept": float(intercept),
            "spearman_rho": float(spearman[0]), "spearman_p": float(spearman[1]),
        }
    json.dump(outputs, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
