#!/usr/bin/env python3
"""Upstream's text search, as the baseline of `freqbench bench text`.

Builds upstream's in-memory index -- a Python dict mapping each term to the set of
caption ids containing it -- from a nouns JSONL file (one {"id": N, "nouns": [...]}
line per caption), then counts every query the way upstream does:
len(set.intersection(*[index[t] for t in terms if t in index])), 0 when none present.

Usage: bench_text_baseline.py NOUNS.jsonl QUERIES.json [--repeat R]
QUERIES.json is a JSON list of term lists (query terms already known).
Prints one JSON object: build seconds, best count seconds over R repeats, the number
of queries and the sum of all counts (so the caller can check both sides agree).
"""
import json
import sys
import time


def main():
    nouns_path, queries_path = sys.argv[1], sys.argv[2]
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--repeat" else 3
    with open(queries_path, encoding="utf-8") as f:
        queries = json.load(f)

    start = time.perf_counter()
    index = {}
    with open(nouns_path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            caption_id = record["id"]
            for term in record["nouns"]:
                index.setdefault(term, set()).add(caption_id)
    build_seconds = time.perf_counter() - start

    best = float("inf")
    total = 0
    for _ in range(repeat):
        start = time.perf_counter()
        total = 0
        for terms in queries:
            sets = [index[t] for t in terms if t in index]
            total += len(set.intersection(*sets)) if sets else 0
        best = min(best, time.perf_counter() - start)

    postings = sum(len(s) for s in index.values())
    print(json.dumps({"build_seconds": build_seconds, "count_seconds": best, "queries": len(queries),
                      "count_sum": total, "terms": len(index), "postings": postings}))


if __name__ == "__main__":
    main()
