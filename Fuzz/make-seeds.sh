#!/usr/bin/env bash
# Writes the seed inputs of every fuzz target into Fuzz/Seeds/<target>/ (committed; rerun only
# when an input format changes). Byte 0 of a corpus seed is the target's option selector
# (see each target's main.swift); index and HDF5 seeds are whole files made by FreqBench itself
# from the repository's fixtures. Needs a debug build (swift build) and ci/setup-arrow.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=Fuzz/Seeds
freqbench=.build/debug/freqbench
[[ -x $freqbench ]] || { echo "make-seeds: build first (swift build)" >&2; exit 1; }
rm -rf "$seeds"
mkdir -p "$seeds"/{FuzzDelimitedCorpus,FuzzJSONLinesCorpus,FuzzWebDatasetCorpus,FuzzParquetCorpus,FuzzJSONParser,FuzzTextIndex,FuzzImageIndex,FuzzHDF5Readers}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

python3 - "$seeds" <<'PY'
import io, json, sys, tarfile
seeds = sys.argv[1]
def put(target, name, data):
    with open(f"{seeds}/{target}/{name}", "wb") as f: f.write(data)
cc3m = 'a dog on a bench\thttp://a/1\n"a ""quoted"" cat"\thttp://a/2\nno url here\n\nthe caf\xc3\xa9 at night\thttp://a/3\r\n'.encode("latin-1")
put("FuzzDelimitedCorpus", "cc3m", b"\x00" + cc3m)
put("FuzzDelimitedCorpus", "cc3m-skip-3-shards", b"\x44" + cc3m)
put("FuzzDelimitedCorpus", "tsv-header", b"\x11" + b"url\tcaption\nhttp://a\ta red car\nhttp://b\t\"two\nlines\"\n")
put("FuzzDelimitedCorpus", "csv-header", b"\x32" + b'url,caption\nhttp://a,"a, b and c"\nhttp://b,plain\n')
put("FuzzDelimitedCorpus", "cc12m-noquote", b"\x0b" + b"http://a\ta \"dog\nhttp://b\tcat\n")
put("FuzzJSONLinesCorpus", "plain", b"\x00" + b'{"caption": "a dog"}\n{"caption": "caf\\u00e9 \\ud83d\\ude00"}\n\n{"caption": null}\n')
put("FuzzJSONLinesCorpus", "text-field-skip", b"\x07" + b'{"text": "x", "n": [1, 2.5e3, true]}\n{"text": 3}\n{"text": "y"}\n')
def tar(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
put("FuzzWebDatasetCorpus", "txt", b"\x00" + tar([("000.txt", b"a dog"), ("000.jpg", b"\xff\xd8"), ("001.txt", b"a cat")]))
put("FuzzWebDatasetCorpus", "json", b"\x02" + tar([("a/000.json", b'{"caption": "x"}'), ("a/001.json", b'{"caption": 1}')]))
for name, text in [("array", '["dog", "cat", "t-shirt"]'), ("object", '{"a": [1, -2.5e-3, true, null], "b": {"c": "\\u00e9"}}'),
                   ("lines", "dog\ncat\n"), ("nested", "[[[[[]]]]]"), ("bom", '\ufeff["x"]')]:
    put("FuzzJSONParser", name, text.encode("utf-8"))
PY

# Parquet seeds: the repository's parquet fixtures (good and bad), each with selector bytes 0 and 5.
for file in Fixtures/parquet/*.parquet; do
  name=$(basename "$file" .parquet)
  { printf '\x00'; cat "$file"; } > "$seeds/FuzzParquetCorpus/$name"
  { printf '\x0d'; cat "$file"; } > "$seeds/FuzzParquetCorpus/$name-opts"
done

# Index seeds: small indexes made by FreqBench from the fixtures.
head -40 Fixtures/image/captions.tsv > "$work/captions.tsv"
$freqbench index text "$work/captions.tsv" --format cc3m --nouns Fixtures/image/nouns.jsonl --out "$work/text" 2>/dev/null \
  || $freqbench index text "$work/captions.tsv" --format cc3m --out "$work/text"
cp "$work/text/text.fbidx" "$seeds/FuzzTextIndex/small"
for probs in Fixtures/image/probs_float16_a.h5 Fixtures/image/probs_float32.h5; do
  name=$(basename "$probs" .h5)
  $freqbench index image "$probs" --thresholds 0.5,0.7 --out "$work/$name"
  cp "$work/$name/image-index.fbi" "$seeds/FuzzImageIndex/$name"
  cp "$probs" "$seeds/FuzzHDF5Readers/$name.h5"
done
cp Fixtures/eval/zeroshot_features.h5 Fixtures/eval/retrieval_features.h5 "$seeds/FuzzHDF5Readers/"
du -sh "$seeds"/*
