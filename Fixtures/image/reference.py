#!/usr/bin/env python3
"""Independent reference for the image-stage goldens (Golden/image/), run at golden-update time.

It follows upstream's scripts line by line (bethgelab/frequency_determines_performance, commit
11ef009: src/image_search_inverted_index_creation.py, src/image_search_matches_inverted_index.py,
src/integrated_search_matches_inverted_index.py, src/misalignment_degree_quantification.py),
with pickles replaced by the fixture's HDF5 files (one file = one upstream shard) and spaCy
replaced by the committed nouns.jsonl / query_lemmas.json it produced. It shares no code with
FreqBench. Run from the repository root with numpy and h5py:

    python Fixtures/image/reference.py            # writes Golden/image/*.json

Where upstream's code would crash, the rule FreqBench documents is used and marked "FreqBench:".
"""
import itertools
import json
import os
import re

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "Golden", "image")
THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7]
SHARDS = {"float16": ["probs_float16_a.h5", "probs_float16_b.h5"], "float32": ["probs_float32.h5"]}
DATASET_SIZE = 100


def read_concepts():
    lines = open(os.path.join(HERE, "concepts.txt"), encoding="utf-8").read().split("\n")
    return [json.loads(line) if line.startswith('"') else line for line in lines if line.strip()]


def build_image_indexes(precision):
    """image_search_inverted_index_creation.py, one index per shard file, all thresholds."""
    indexes = []
    for name in SHARDS[precision]:
        with h5py.File(os.path.join(HERE, name), "r") as f:
            filenames = list(f["sample_ids"][:])
            probs = np.asarray(f["probs"][:])          # stored dtype, as torch.tensor(np.asarray(...))
            tag_list = np.asarray(list(f["tags"].asstr()[:]))
        image_search_index = {}
        for threshold in THRESHOLDS:
            image_search_index[threshold] = {t: [] for t in tag_list}
        for threshold in THRESHOLDS:
            # probs > torch.tensor(threshold): the 0-dim float32 tensor is cast to probs' dtype.
            threshold_in_storage = np.float32(threshold).astype(probs.dtype)
            targets = np.where(probs > threshold_in_storage, 1.0, np.zeros(len(tag_list)))
            for f_, p, t in zip(filenames, probs, targets):
                curr_tags = tag_list[np.argwhere(t == 1)].squeeze(axis=1)
                for tag in curr_tags:
                    image_search_index[threshold][tag].append(int(f_))
        indexes.append(image_search_index)
    return indexes


def generate_combinations(name):
    """image_search_matches_inverted_index.py: lower/Capitalized word combinations."""
    words = name.split()
    word_combinations = [[word.lower(), word.capitalize()] for word in words]
    all_combinations = list(itertools.product(*word_combinations))
    return ["_".join(combination) for combination in all_combinations]


def resolve(d, image_index, style):
    """The tag `d` is searched under, or None (skipped)."""
    if style != "laion_aesthetics":
        return d if d in image_index.keys() else None
    st = d
    if d not in image_index.keys():
        for cmb in generate_combinations(d):
            if cmb in image_index:
                st = cmb
                break
    return st if st in image_index.keys() else None


def image_search(indexes, threshold, downstream_classes, style):
    """image_search_matches_inverted_index.py (non-laion200m branch)."""
    result_dict = {}
    for image_index in (index[threshold] for index in indexes):
        for d in downstream_classes:
            st = resolve(d, image_index, style)
            if st is None:
                continue
            if st not in result_dict:
                result_dict[st] = []
            result_dict[st] += list(image_index[st])
    return {k: len(v) for k, v in result_dict.items()}


def unigram_index():
    index = {}
    for line in open(os.path.join(HERE, "nouns.jsonl"), encoding="utf-8"):
        record = json.loads(line)
        for noun in record["nouns"]:
            index.setdefault(noun, []).append(record["id"])
    return index


def text_search(unigram, downstream_classes):
    """integrated_search_matches_inverted_index.py, text part (lemmatized)."""
    lemmas = json.load(open(os.path.join(HERE, "query_lemmas.json"), encoding="utf-8"))
    processed_classes = [re.split(r"[_\s]+", classname.lower()) for classname in downstream_classes]
    search_terms_processed = [[lemmas[term] for term in class_terms] for class_terms in processed_classes]
    text_result_dict = {}
    for search_terms, classname in zip(search_terms_processed, downstream_classes):
        doc_sets = [set(unigram[term]) for term in search_terms if term in unigram]
        text_result_dict[classname] = set.intersection(*doc_sets) if doc_sets else set()
    return text_result_dict


def integrated_search(indexes, threshold, downstream_classes, text_result_dict, style):
    """integrated_search_matches_inverted_index.py, image part and merge."""
    image_result_dict = {}
    for image_index in (index[threshold] for index in indexes):
        for d in downstream_classes:
            # FreqBench: a concept without a tag is skipped (upstream raises KeyError), and
            # laion_aesthetics concepts use the tag they resolve to, as in the image search.
            st = resolve(d, image_index, style)
            if st is None:
                continue
            if d not in image_result_dict:
                image_result_dict[d] = []
            image_result_dict[d] += list(image_index[st])
    integrated_result_dict = {}
    for d in downstream_classes:
        if d in image_result_dict:
            integrated_result_dict[d] = len(set(image_result_dict[d]).intersection(set(text_result_dict[d])))
    return integrated_result_dict


def misalignment(indexes, threshold, list_of_concepts, unigram):
    """misalignment_degree_quantification.py."""
    sample2concept_text_index = {}
    for concept_index, concept in enumerate(list_of_concepts):
        if concept in unigram:
            for sample_id in unigram[concept]:
                if sample_id not in sample2concept_text_index:
                    sample2concept_text_index[sample_id] = []
                sample2concept_text_index[sample_id].append(concept_index)
    image_result_dict = {}
    for image_index in (index[threshold] for index in indexes):
        for d in list_of_concepts:
            if d not in image_index.keys():
                image_result_dict[d] = []
                continue
            if d not in image_result_dict:
                image_result_dict[d] = []
            image_result_dict[d] += list(image_index[d])
    sample2concept_image_index = {}
    for concept_index, concept in enumerate(list_of_concepts):
        if concept in image_result_dict:
            for sample_id in image_result_dict[concept]:
                if sample_id not in sample2concept_image_index:
                    sample2concept_image_index[sample_id] = []
                sample2concept_image_index[sample_id].append(concept_index)
    intersecting_samples = list(set(sample2concept_image_index.keys()).intersection(set(sample2concept_text_index.keys())))
    misalignment_degree = 0
    for s in sorted(intersecting_samples):
        if len(set(sample2concept_image_index[s]).intersection(set(sample2concept_text_index[s]))) == 0:
            misalignment_degree += 1
    return {
        "misalignment_counts": misalignment_degree,
        "misalignment_degree (percent); extracted dataset size":
            misalignment_degree / max(len(sample2concept_image_index), len(sample2concept_text_index)),
        "misalignment_degree (percent); fixed conservative dataset size": misalignment_degree / DATASET_SIZE,
    }


def dump(name, value):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(value, f, indent=4)


def main():
    os.makedirs(OUT, exist_ok=True)
    concepts = read_concepts()
    downstream_classes = list(dict.fromkeys(concepts))  # upstream's classes are JSON object keys
    unigram = unigram_index()
    text = text_search(unigram, downstream_classes)
    dump("fixture_lemmatized_search_counts.json", {d: len(text[d]) for d in downstream_classes})
    for precision in SHARDS:
        indexes = build_image_indexes(precision)
        for threshold in THRESHOLDS:
            for style, dataset in (("exact", "fixture"), ("laion_aesthetics", "fixturelaion")):
                prefix = f"{dataset}_{precision}"
                dump(f"{prefix}_rampp{threshold}_search_counts.json",
                     image_search(indexes, threshold, downstream_classes, style))
                dump(f"{prefix}_integrated_tlemmatized_i{threshold}_search_counts.json",
                     integrated_search(indexes, threshold, downstream_classes, text, style))
            dump(f"fixture_{precision}_i{threshold}_misalignment_degree.json",
                 misalignment(indexes, threshold, concepts, unigram))


if __name__ == "__main__":
    main()
