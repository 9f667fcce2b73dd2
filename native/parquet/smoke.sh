#!/usr/bin/env bash
# Builds native/parquet/smoke_test.c into .cache/arrow, runs it on every Parquet fixture
# (API checks + report), then checks that the captions the shim keeps equal upstream's
# pandas result recorded in Fixtures/parquet/expected.json. Needs ci/setup-arrow first.
#   native/parquet/smoke.sh [-q]    (-q: no report, only the verdicts)
set -euo pipefail
cd "$(dirname "$0")/../.."
ci/setup-arrow
gcc -std=c11 -O2 -g -Wall -Wextra -Werror -Inative/parquet \
  -o .cache/arrow/smoke_test native/parquet/smoke_test.c -ldl
if [ "${1:-}" = -q ]; then
  .cache/arrow/smoke_test Fixtures/parquet/*.parquet > /dev/null
else
  .cache/arrow/smoke_test Fixtures/parquet/*.parquet
fi
.cache/arrow/smoke_test --texts Fixtures/parquet/*.parquet |
  .venv-arrow/bin/python -c '
import json, sys
expected = json.load(open("Fixtures/parquet/expected.json"))["files"]
passed = failed = 0
for line in sys.stdin:
    got = json.loads(line)
    want = expected[got["file"]]
    if "pyarrow_error" in want and "texts" not in want:      # a file Arrow rejects
        ok = "error" in got
    elif want["texts"] is None:                              # no caption or url column
        ok = got.get("texts") is None and "error" not in got
    elif got["file"] == "corrupt_crc.parquet":               # the shim verifies page CRCs
        ok = "CRC checksum verification failed" in got.get("error", "")
    else:
        # pandas turns an int64 column with nulls into float64 (7 -> 7.0); the shim uses
        # Arrow'"'"'s cast of the int64 itself.
        texts = [str(int(t)) if isinstance(t, float) else t for t in want["texts"]]
        ok = got.get("texts") == texts and "error" not in got
    print(("ok   " if ok else "FAIL ") + got["file"] + ("" if ok else f": got {got}, want {want}"))
    passed += ok
    failed += not ok
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)'
