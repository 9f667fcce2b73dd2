"""Parquet side of `freqbench bench corpus` (run with .venv-arrow's python).

    bench_parquet.py make PARQUET TSV ROWS   write an img2dataset-style snappy parquet (row groups
                                             of 100,000; 1 % null and 1 % empty captions, 0.5 %
                                             empty urls; Zipf words) and, as cc3m TSV, the captions
                                             upstream keeps, in order
    bench_parquet.py baseline PARQUET        upstream's loader (pandas.read_parquet, replace '' by
                                             NaN in caption and url, dropna, to_list), pyarrow on one
                                             thread; prints JSON {"kept", "seconds"} (read+filter,
                                             imports excluded)
"""
import json
import sys
import time
import warnings


def make(parquet_path, tsv_path, n):
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    rng = np.random.default_rng(20240601)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    vocabulary = ["".join(chr(c) for c in rng.choice(letters, size=rng.integers(2, 10))) for _ in range(20_000)]
    ranks = np.minimum(rng.zipf(1.3, size=n * 18), len(vocabulary)) - 1
    lengths = rng.integers(5, 18, size=n)
    captions, at = [], 0
    for k in lengths:
        captions.append(" ".join(vocabulary[r] for r in ranks[at:at + k]))
        at += k
    u = rng.random(n)
    captions = [None if u[i] < 0.01 else "" if u[i] < 0.02 else c for i, c in enumerate(captions)]
    urls = [f"https://img{i % 97}.example.com/{i:08d}.jpg" for i in range(n)]
    v = rng.random(n)
    urls = ["" if v[i] < 0.005 else url for i, url in enumerate(urls)]
    table = pa.table({
        "key": pa.array([f"{i:09d}" for i in range(n)]),
        "url": pa.array(urls),
        "caption": pa.array(captions, pa.string()),
        "status": pa.array(["success"] * n),
        "error_message": pa.array([None] * n, pa.string()),
        "width": pa.array(rng.integers(64, 2048, size=n), pa.int64()),
        "height": pa.array(rng.integers(64, 2048, size=n), pa.int64()),
    })
    pq.write_table(table, parquet_path + ".tmp", compression="snappy", row_group_size=100_000)
    with open(tsv_path + ".tmp", "w", encoding="utf-8") as out:
        for caption, url in zip(captions, urls):
            if caption and url:
                out.write(f"{caption}\t{url}\n")
    import os
    os.replace(parquet_path + ".tmp", parquet_path)
    os.replace(tsv_path + ".tmp", tsv_path)


def baseline(parquet_path):
    import numpy
    import pandas
    import pyarrow
    pyarrow.set_cpu_count(1)
    pyarrow.set_io_thread_count(1)
    start = time.perf_counter()
    df = pandas.read_parquet(parquet_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        df["caption"].replace('', numpy.nan, inplace=True)
        df["url"].replace('', numpy.nan, inplace=True)
    df.dropna(subset=["caption", "url"], inplace=True)
    texts = df["caption"].to_list()
    seconds = time.perf_counter() - start
    print(json.dumps({"kept": len(texts), "seconds": seconds}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "baseline":
        baseline(sys.argv[2])
    else:
        sys.exit(__doc__)
