#!/usr/bin/env python3
"""Writes the tag probabilities of the image-stage fixture (Fixtures/image/), deterministically.

Run from the repository root with numpy and h5py (e.g. a venv with `pip install numpy h5py`):

    python Fixtures/image/make_probabilities.py

Reads captions.tsv (for a loose caption/tag correlation) and writes, in the layout of
docs/FORMATS.md "Tag probabilities":
  probs_float16_a.h5, probs_float16_b.h5   float16 probabilities, samples 0-24 and 25-39
                                           (the second file lists its sample ids in reverse)
  probs_float32.h5                         float32 probabilities of all 40 samples
Many probabilities lie exactly at the thresholds as the storage precision rounds them
(float16(0.6) = 0.60009765625, float32(0.55) = 0.550000011920929, ...) and one step either
side of them, so any comparison in another precision, or with >=, changes the counts.
"""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7]
TAGS = ["dog", "cat", "car", "sports car", "golden retriever", "tree", "person", "beach", "ball",
        "t-shirt", "", "American_Three_toed_Woodpecker", "Bank_Swallow", "grass", "snow"]
# Caption words that make a tag likely.
CUES = {"dog": ["dog", "puppy", "retriever"], "cat": ["cat", "kitten"], "car": ["car"],
        "sports car": ["sports car"], "golden retriever": ["golden retriever"], "tree": ["tree"],
        "person": ["person", "people", "man", "woman", "children", "family"], "beach": ["beach"],
        "ball": ["ball"], "t-shirt": ["t-shirt"], "": ["%", "#"],
        "American_Three_toed_Woodpecker": ["woodpecker"], "Bank_Swallow": ["swallow"],
        "grass": ["grass"], "snow": ["snow"]}


def edge_values(dtype):
    """Every threshold rounded to `dtype`, and its neighbours one step down and up."""
    values = []
    for h in THRESHOLDS:
        # As torch compares: python float -> float32 tensor -> the probabilities' dtype.
        at = np.float32(h).astype(dtype)
        values += [at, np.nextafter(at, dtype(0)), np.nextafter(at, dtype(1))]
    return np.array(values, dtype=dtype)


def probabilities(dtype, rng, captions):
    n, t = len(captions), len(TAGS)
    low = rng.uniform(0.0, 0.45, size=(n, t))
    high = rng.uniform(0.55, 1.0, size=(n, t))
    cued = np.array([[any(w in c for w in CUES[tag]) for tag in TAGS] for c in captions])
    # Cued tags are usually high (sometimes missed); others sometimes high (misaligned samples).
    p = np.where(cued, np.where(rng.random((n, t)) < 0.9, high, low),
                 np.where(rng.random((n, t)) < 0.12, high, low)).astype(dtype)
    edges = edge_values(dtype)
    mask = rng.random((n, t)) < 0.25
    p[mask] = edges[rng.integers(0, len(edges), size=mask.sum())]
    # Every edge value appears at least once, in the column of the first tag.
    p[: len(edges), 0] = edges
    return p


def write(path, probs, sample_ids):
    with h5py.File(path, "w") as f:
        f.create_dataset("probs", data=probs, chunks=(8, probs.shape[1]))
        f.create_dataset("sample_ids", data=np.asarray(sample_ids, dtype=np.int64))
        f.create_dataset("tags", data=TAGS, dtype=h5py.string_dtype("utf-8"))


def main():
    captions = [line.split("\t", 1)[0] for line in open(os.path.join(HERE, "captions.tsv"), encoding="utf-8").read().split("\n") if line]
    assert len(captions) == 40
    p16 = probabilities(np.float16, np.random.default_rng(16), captions)
    ids = np.arange(40)
    write(os.path.join(HERE, "probs_float16_a.h5"), p16[:25], ids[:25])
    write(os.path.join(HERE, "probs_float16_b.h5"), p16[25:][::-1], ids[25:][::-1])
    p32 = probabilities(np.float32, np.random.default_rng(32), captions)
    write(os.path.join(HERE, "probs_float32.h5"), p32, ids)


if __name__ == "__main__":
    main()
