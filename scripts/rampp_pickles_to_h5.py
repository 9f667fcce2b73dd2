#!/usr/bin/env python3
"""Convert upstream-style RAM++ output pickles to FreqBench's tag-probability HDF5 file.

Upstream (bethgelab/frequency_determines_performance, ram_model/image_search_run_rampp.py) saves
one pickle per shard holding {"filenames": [...], "probs": N×T array} (float16: `logits.half()`),
and the tag list as the second element of `rampp_categories.pkl`. This script writes the layout
of docs/FORMATS.md "Tag probabilities":

    probs       N×T, the pickles' dtype kept (float16 for upstream), chunked by --chunk-rows rows
    sample_ids  N int64
    tags        T UTF-8 strings

Usage (numpy + h5py; e.g. `python -m venv v && v/bin/pip install numpy h5py`):

    python scripts/rampp_pickles_to_h5.py --tags rampp_categories.pkl --out cc3m_tags.h5 \
        rampp_outputs/cc3m/*.pkl

Pickles are read in sorted path order (as upstream's index builder). Sample ids (--ids):
  filename  (default) the integer in each file name's last path component before its first `.`
            ("000000123.jpg" -> 123, "00012/123.jpg" -> 123), as upstream read cc3m, laion400m
            and synthci30m names; with --pickle-stride S, the pickle's number (the digits after
            the last `_` of its name) times S is added, as upstream did for laion_aesthetics
            (S = 10000);
  order     the running row number over all pickles in sorted order (0, 1, 2, ...).
Only pickles of your own RAM++ runs should be loaded: unpickling runs code from the file.
"""
import argparse
import os
import pickle
import re

import h5py
import numpy as np


def read_tags(path):
    if path.endswith(".pkl"):
        with open(path, "rb") as f:
            categories = pickle.load(f)
        return [str(t) for t in categories[1]]
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    # One tag per line, every line kept (an empty line is the empty tag), no final newline needed.
    return lines[:-1] if lines and lines[-1] == "" else lines


def sample_id(filename, pickle_path, args):
    stem = os.path.basename(str(filename)).split(".")[0]
    if not stem.isdigit():
        raise SystemExit(f"{pickle_path}: file name {filename!r} has no integer stem; use --ids order")
    value = int(stem)
    if args.pickle_stride:
        match = re.search(r"_(\d+)\.pkl$", pickle_path)
        if not match:
            raise SystemExit(f"{pickle_path}: --pickle-stride needs a pickle name ending in _<number>.pkl")
        value += int(match.group(1)) * args.pickle_stride
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pickles", nargs="+", help="RAM++ output pickles")
    parser.add_argument("--tags", required=True, help="rampp_categories.pkl (tags = element 1) or a text file, one tag per line")
    parser.add_argument("--out", required=True, help="output HDF5 file")
    parser.add_argument("--ids", choices=["filename", "order"], default="filename")
    parser.add_argument("--pickle-stride", type=int, default=0, help="add <pickle number> * STRIDE to filename ids")
    parser.add_argument("--chunk-rows", type=int, default=256)
    args = parser.parse_args()

    tags = read_tags(args.tags)
    if len(set(tags)) != len(tags):
        raise SystemExit(f"{args.tags}: tags are not unique")
    temporary = args.out + ".tmp"
    rows = 0
    with h5py.File(temporary, "w") as out:
        probs = ids = None
        for path in sorted(args.pickles):
            with open(path, "rb") as f:
                dump = pickle.load(f)
            block = np.asarray(dump["probs"])
            filenames = list(dump["filenames"])
            if block.ndim != 2 or block.shape[1] != len(tags) or block.shape[0] != len(filenames):
                raise SystemExit(f"{path}: probs has shape {block.shape}, expected ({len(filenames)}, {len(tags)})")
            if block.dtype not in (np.float16, np.float32):
                raise SystemExit(f"{path}: probs dtype {block.dtype}, expected float16 or float32")
            if np.isnan(block).any():
                raise SystemExit(f"{path}: probs contains NaN")
            if probs is None:
                probs = out.create_dataset("probs", shape=(0, len(tags)), maxshape=(None, len(tags)),
                                           dtype=block.dtype, chunks=(args.chunk_rows, len(tags)))
                ids = out.create_dataset("sample_ids", shape=(0,), maxshape=(None,), dtype=np.int64, chunks=(65536,))
            elif block.dtype != probs.dtype:
                raise SystemExit(f"{path}: probs dtype {block.dtype} differs from the first pickle's {probs.dtype}")
            if args.ids == "order":
                block_ids = np.arange(rows, rows + len(filenames), dtype=np.int64)
            else:
                block_ids = np.array([sample_id(name, path, args) for name in filenames], dtype=np.int64)
            probs.resize(rows + len(filenames), axis=0)
            ids.resize(rows + len(filenames), axis=0)
            probs[rows:] = block
            ids[rows:] = block_ids
            rows += len(filenames)
        if probs is None:
            raise SystemExit("no pickles read")
        out.create_dataset("tags", data=tags, dtype=h5py.string_dtype("utf-8"))
    os.replace(temporary, args.out)
    print(f"{args.out}: {rows} samples x {len(tags)} tags ({probs.dtype})")


if __name__ == "__main__":
    main()
