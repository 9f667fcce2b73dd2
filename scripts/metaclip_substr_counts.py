#!/usr/bin/env python3
"""MetaCLIP's substring-matching entry counts, with MetaCLIP's own code: the test oracle of
`freqbench search metaclip` and the baseline of `freqbench bench metaclip`.

`spacing` and `substr_matching` below are transcribed from facebookresearch/MetaCLIP,
metaclip/metaclip1/substr_matching.py (commit f47f7841f6a91cc5676729a3d125519393d87d1e),
unchanged except that the spaced entries are passed in instead of cached in a global. The
count of an entry is the number of captions whose matched ids contain it, as MetaCLIP's
curation sums them (metaclip1/indexing/entry_count.py: one row per (entry id, text id);
metaclip1/balancing.py: `entry_count[entry] += 1` per matched id of each text). It is the
simple reference loop: for each caption, spacing, then `entry in text` for every entry.

Usage:
    scripts/metaclip_substr_counts.py CAPTIONS.jsonl ENTRIES [--out COUNTS.json] [--timing]

CAPTIONS.jsonl: one caption per line, a JSON string (or a JSON object: its "caption" field).
ENTRIES: read as FreqBench reads concept lists (docs/FORMATS.md): a JSON object (its keys, in
order), or a text file with one entry per line (LF or CRLF), a line starting with '"' being a
JSON string literal, blank lines skipped. (MetaCLIP's metadata.json is a JSON list: write it one
JSON string per line first, e.g.
python3 -c 'import json; [print(json.dumps(e)) for e in json.load(open("metadata.json"))]' > entries.txt)

Writes the JSON object entry -> count in entry order as upstream search counts are written
(json.dump(counts, f, indent=4), no final newline) to --out, or prints it. --timing prints
instead (or as well, with --out) one JSON line: seconds of the counting loop alone, captions,
entries, sum of counts.

The golden of the fixture is made with (run it only when the fixture changes, then review and
commit; the tests never run Python):
    python3 Fixtures/metaclip/make_fixture.py
    python3 scripts/metaclip_substr_counts.py Fixtures/metaclip/captions.jsonl \\
        Fixtures/metaclip/entries.txt --out Golden/metaclip/counts.json
"""
import json
import sys
import time


# --- MetaCLIP, metaclip/metaclip1/substr_matching.py -------------------------------------
def spacing(text):
    puncts_to_wrap = [",", ".", ";", ":", "?", "!", "`"]
    chars_to_space = ["\t", "\n", "\r"]

    spaced_text = f" {text} "
    for punct_to_wrap in puncts_to_wrap:
        spaced_text = spaced_text.replace(
            punct_to_wrap, f" {punct_to_wrap} "
        )
    for char_to_space in chars_to_space:
        spaced_text = spaced_text.replace(char_to_space, " ")
    return spaced_text


def substr_matching(text, spaced_metadata):
    text = spacing(text)
    matched_entry_ids = []
    for entry_id, entry in enumerate(spaced_metadata):
        if entry in text:
            matched_entry_ids.append(entry_id)
    return matched_entry_ids
# ------------------------------------------------------------------------------------------


def read_captions(path):
    captions = []
    # Bytes, split at LF only: a caption's escaped CR or U+2028 must not end a line.
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            value = json.loads(line)
            if isinstance(value, dict):
                value = value.get("caption")
            if not isinstance(value, str):
                sys.exit(f"{path}: line {number}: expected a JSON string (or an object with a string \"caption\")")
            captions.append(value)
    return captions


def read_entries(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8")
    if text.lstrip().startswith("{"):
        return list(json.loads(text))  # the object's keys, in order
    entries = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        line = raw.decode("utf-8")
        if line.strip() == "":
            continue
        if line.startswith('"'):
            value = json.loads(line)
            if not isinstance(value, str):
                sys.exit(f"{path}: line {number}: expected a JSON string literal")
            entries.append(value)
        else:
            entries.append(line)
    return entries


def main():
    args = sys.argv[1:]
    out = None
    timing = False
    if "--timing" in args:
        args.remove("--timing")
        timing = True
    if "--out" in args:
        position = args.index("--out")
        out = args[position + 1]
        del args[position:position + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    captions = read_captions(args[0])
    metadata = read_entries(args[1])

    start = time.perf_counter()
    spaced_metadata = [f" {entry} " for entry in metadata]
    entry_count = [0] * len(metadata)
    for text in captions:
        for entry_id in substr_matching(text, spaced_metadata):
            entry_count[entry_id] += 1
    seconds = time.perf_counter() - start

    counts = {}
    for entry, count in zip(metadata, entry_count):
        counts[entry] = count
    if out is not None:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(counts, f, indent=4)
    if timing:
        print(json.dumps({"seconds": seconds, "captions": len(captions), "entries": len(metadata),
                          "count_sum": sum(entry_count)}))
    elif out is None:
        sys.stdout.write(json.dumps(counts, indent=4))


if __name__ == "__main__":
    main()
