"""Streams clip-rocket's caption metadata as JSON Lines, for `--format clip-rocket`.

    clip_rocket_metadata.py FILE     prints one line per image: {"id": "...", "captions": [...]}

clip-rocket (facebookresearch/clip-rocket, datasets.py) keeps its metadata as Python pickles:
  cc3m.npy    NumPy object array of dicts {"image_id": ..., "captions": [str, ...]}
  cc12m.npy   the same with "image_name" instead of "image_id"
  *.pkl       (yfcc15m.pkl) a pickled list of (index, title, description); the captions are
              [title, description] without the empty ones, or [""] when both are empty,
              exactly as clip-rocket's get_raw_item builds them.
Loading a pickle runs code from the file: only read metadata you trust. NumPy is needed for .npy.
"""
import json
import pickle
import sys


def records(path):
    if path.endswith(".pkl"):
        with open(path, "rb") as f:
            samples = pickle.load(f)
        for sample in samples:
            index, title, description = sample
            captions = [c for c in [title, description] if c != ""]
            yield str(index), captions if captions else [""]
        return
    import numpy
    for sample in numpy.load(path, allow_pickle=True):
        key = "image_id" if "image_id" in sample else "image_name"
        captions = sample["captions"]
        if isinstance(captions, str):
            captions = [captions]
        yield str(sample[key]), [str(c) for c in captions]


def main():
    out = sys.stdout
    for identifier, captions in records(sys.argv[1]):
        out.write(json.dumps({"id": identifier, "captions": captions}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
