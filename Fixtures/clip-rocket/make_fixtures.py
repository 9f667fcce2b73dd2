"""Writes the clip-rocket metadata fixtures (run with .venv-arrow/bin/python, which has NumPy):
cc3m.npy and cc12m.npy (object arrays of dicts, as clip-rocket loads them with
numpy.load(allow_pickle=True)) and yfcc15m.pkl (a pickled list of (index, title, description)),
plus expected.json: each file's records as clip-rocket's get_raw_item would caption them."""
import json
import os
import pickle

import numpy

here = os.path.dirname(os.path.abspath(__file__))
cc3m = [
    {"image_id": "img_000.jpg", "captions": ["a red car parked on the street", "the red car"]},
    {"image_id": "img_001.jpg", "captions": ["dogs playing in the park"]},
    {"image_id": "img_002.jpg", "captions": ["café crème at night", "a cup of coffee", "coffee"]},
]
cc12m = [
    {"image_name": "00/000.jpg", "captions": ["a photo of a bird on a branch"]},
    {"image_name": "00/001.jpg", "captions": ["sunset over the sea", "the sea at sunset"]},
]
yfcc = [(12345678, "Mountain lake", "a lake below snowy mountains"), (23456789, "", "only a description"),
        (34567890, "only a title", ""), (45678901, "", "")]
numpy.save(os.path.join(here, "cc3m.npy"), numpy.array(cc3m, dtype=object), allow_pickle=True)
numpy.save(os.path.join(here, "cc12m.npy"), numpy.array(cc12m, dtype=object), allow_pickle=True)
with open(os.path.join(here, "yfcc15m.pkl"), "wb") as f:
    pickle.dump(yfcc, f, protocol=4)
expected = {
    "cc3m.npy": [[s["image_id"], s["captions"]] for s in cc3m],
    "cc12m.npy": [[s["image_name"], s["captions"]] for s in cc12m],
    "yfcc15m.pkl": [[str(i), [c for c in [t, d] if c != ""] or [""]] for i, t, d in yfcc],
}
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False)
    f.write("\n")
