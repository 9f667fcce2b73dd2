#!/usr/bin/env bash
# Read-throughput benchmark of libFreqBenchParquet.so against upstream's pandas logic, on a
# generated img2dataset-style file (not committed):
#   native/parquet/bench.sh [DIR] [RUNS]     (default /tmp/fbpq-bench, 3 runs)
# DIR/img2dataset_1m.parquet: 1,000,000 rows, snappy, row groups of 100,000, captions of
# random Zipf-distributed words (~60 bytes), 1 % null / 1 % empty captions, 0.5 % empty urls.
# Each run is a fresh process, timed inside (open -> last caption) and by /usr/bin/time -v
# (wall, peak RSS). Both sides are single-threaded: the shim by construction, pandas with
# pyarrow's thread pools set to 1 (and again with its default, all cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/fbpq-bench}
runs=${2:-3}
mkdir -p "$dir"
ci/setup-arrow
py=.venv-arrow/bin/python
file=$dir/img2dataset_1m.parquet

if [ ! -f "$file" ]; then
  "$py" - "$file" <<'EOF'
import sys
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
rng = np.random.default_rng(20240601)
n = 1_000_000
letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
vocabulary = ["".join(chr(c) for c in rng.choice(letters, size=rng.integers(2, 10)))
              for _ in range(20_000)]
ranks = np.minimum(rng.zipf(1.3, size=n * 14), len(vocabulary)) - 1
lengths = rng.integers(5, 18, size=n)
captions, at = [], 0
for k in lengths:
    captions.append(" ".join(vocabulary[r] for r in ranks[at:at + k]))
    at += k
u = rng.random(n)
captions = [None if u[i] < 0.01 else "" if u[i] < 0.02 else c for i, c in enumerate(captions)]
urls = [f"https://img{i % 97}.example.com/{vocabulary[ranks[i]]}/{i:08d}.jpg" for i in range(n)]
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
pq.write_table(table, sys.argv[1], compression="snappy", row_group_size=100_000)
kept = [c for c in captions if c]
print(f"wrote {sys.argv[1]}: mean caption {sum(map(len, kept)) / len(kept):.1f} bytes",
      file=sys.stderr)
EOF
fi
ls -l "$file"

gcc -std=c11 -O2 -Wall -Inative/parquet -o "$dir/smoke_test" native/parquet/smoke_test.c -ldl
cat > "$dir/pandas_read.py" <<'EOF'
import sys, time, warnings
t0 = time.perf_counter()
import numpy, pandas, pyarrow
if sys.argv[2] == "1":
    pyarrow.set_cpu_count(1)
    pyarrow.set_io_thread_count(1)
t1 = time.perf_counter()
df = pandas.read_parquet(sys.argv[1])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    df["caption"].replace('', numpy.nan, inplace=True)
    df["url"].replace('', numpy.nan, inplace=True)
df.dropna(subset=["caption", "url"], inplace=True)
texts = df["caption"].to_list()
t2 = time.perf_counter()
print(f"pandas (threads={sys.argv[2]}): {len(texts)} kept in {t2 - t1:.3f} s read+filter "
      f"({1e6 / (t2 - t1) / 1e6:.2f} M rows/s), import {t1 - t0:.2f} s")
EOF
cat > "$dir/pandas_cols.py" <<'EOF'
import sys, time, warnings
import numpy, pandas, pyarrow
pyarrow.set_cpu_count(1)
pyarrow.set_io_thread_count(1)
t1 = time.perf_counter()
df = pandas.read_parquet(sys.argv[1], columns=["caption", "url"])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    df["caption"].replace('', numpy.nan, inplace=True)
    df["url"].replace('', numpy.nan, inplace=True)
df.dropna(subset=["caption", "url"], inplace=True)
texts = df["caption"].to_list()
t2 = time.perf_counter()
print(f"pandas (threads=1, columns=[caption, url]): {len(texts)} kept in {t2 - t1:.3f} s")
EOF

measure() {  # label, command...
  local label=$1; shift
  for r in $(seq "$runs"); do
    /usr/bin/time -v -o "$dir/time.txt" "$@"
    awk -v l="$label" -v r="$r" '/Elapsed \(wall/ {w=$NF} /Maximum resident/ {m=$NF}
      END {printf "  %s run %d: process wall %s, peak RSS %.0f MB\n", l, r, w, m/1024}' "$dir/time.txt"
  done
}
echo "--- shim (one thread), ARROW_DEFAULT_MEMORY_POOL=${ARROW_DEFAULT_MEMORY_POOL:-default}"
measure shim "$dir/smoke_test" --bench "$file"
echo "--- upstream pandas logic, pyarrow threads 1"
measure pandas-1 "$py" "$dir/pandas_read.py" "$file" 1
echo "--- upstream pandas logic, pyarrow default threads ($(nproc) cores)"
measure pandas-n "$py" "$dir/pandas_read.py" "$file" n
echo "--- pandas reading only caption+url, threads 1 (not upstream: it reads every column)"
measure pandas-cols "$py" "$dir/pandas_cols.py" "$file"
