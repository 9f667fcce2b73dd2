#!/usr/bin/env python3
"""Writes the Parquet fixtures of Fixtures/parquet and their expected.json.

Run with .venv-arrow's Python (ci/setup-arrow pins pyarrow, pandas and numpy):

    .venv-arrow/bin/python Fixtures/parquet/make_parquet_fixtures.py

Output is deterministic for the pinned versions (pyarrow writes its version into
`created_by`). The files cover the three caption-corpus schemas (img2dataset, LAION,
DataComp), every compression codec, several row groups, nulls and empty strings in the
caption and the url column, dictionary / large_string / string_view columns, and files the
reader must reject or that silently decode wrong data once corrupted.

expected.json holds, for each readable file, the captions that upstream's pandas logic
keeps:

    df = pandas.read_parquet(path)
    df[cap].replace('', numpy.nan, inplace=True)
    df[url].replace('', numpy.nan, inplace=True)
    df.dropna(subset=[cap, url], inplace=True)
    texts = df[cap].to_list()

with cap the first of caption / TEXT / text present and url the first of url / URL. This
needs pandas 2.x: under pandas 3's Copy-on-Write the chained `inplace=True` replace never
reaches `df`, so empty strings would survive (see ci/arrow-requirements.txt).
"""

import io
import json
import os
import sys
import warnings

import numpy
import pandas
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTION_COLUMNS = ("caption", "TEXT", "text")
URL_COLUMNS = ("url", "URL")

# ---------------------------------------------------------------------------------------
# Rows


def url(i):
    return f"https://images.example.com/{i:04d}.jpg"


# (caption, url) pairs shared by the corpora: present, empty, null, spaces only, Unicode,
# control characters, duplicates, and the url column empty or null.
PAIRS = [
    ("A red bicycle leaning against a brick wall", url(0)),
    ("", url(1)),                                   # empty caption: dropped
    (None, url(2)),                                 # null caption: dropped
    ("   ", url(3)),                                # spaces only: kept by upstream
    ("dog running on the beach at sunset", ""),     # empty url: dropped
    ("a cat sleeping on a sofa", None),             # null url: dropped
    ("Café crème — 東京の夜景 🚲 naïve façade", url(6)),
    ("line one\nline two\twith a tab", url(7)),
    ("duplicate caption", url(8)),
    ("duplicate caption", url(9)),
    ("Photo of a broken link", url(10)),            # a failed download in img2dataset
]


def img2dataset_table(pairs=PAIRS, url_type=pa.string()):
    n = len(pairs)
    failed = {10}
    return pa.table({
        "key": pa.array([f"{i:09d}" for i in range(n)], pa.string()),
        "url": pa.array([u for _, u in pairs], url_type) if not pa.types.is_dictionary(url_type)
        else pa.array([u for _, u in pairs], pa.string()).dictionary_encode(),
        "caption": pa.array([c for c, _ in pairs], pa.string()),
        "status": pa.array(["failed_to_download" if i in failed else "success" for i in range(n)]),
        "error_message": pa.array(["HTTP 404" if i in failed else None for i in range(n)], pa.string()),
        "width": pa.array([None if i in failed else 256 + i for i in range(n)], pa.int64()),
        "height": pa.array([None if i in failed else 192 + i for i in range(n)], pa.int64()),
    })


def laion_table(text_type=pa.string(), url_type=pa.string()):
    n = len(PAIRS)
    return pa.table({
        "SAMPLE_ID": pa.array([3_000_000_000 + 17 * i for i in range(n)], pa.int64()),
        "URL": pa.array([u for _, u in PAIRS], url_type),
        "TEXT": pa.array([c for c, _ in PAIRS], text_type),
        "HEIGHT": pa.array([None if i == 5 else 300 + i for i in range(n)], pa.int64()),
        "WIDTH": pa.array([400 + i for i in range(n)], pa.int64()),
        "LICENSE": pa.array(["?" if i % 3 else "cc-by" for i in range(n)]),
        "NSFW": pa.array(["UNLIKELY" if i % 4 else "UNSURE" for i in range(n)]),
        "similarity": pa.array([0.25 + i / 64 for i in range(n)], pa.float64()),
    })


def datacomp_table(text_type=pa.string()):
    n = len(PAIRS)
    return pa.table({
        "uid": pa.array([f"{(0x9e3779b97f4a7c15 * (i + 1)) % 2**128:032x}" for i in range(n)]),
        "url": pa.array([u for _, u in PAIRS], pa.string()),
        "text": pa.array([c for c, _ in PAIRS], text_type),
    })


# ---------------------------------------------------------------------------------------
# Minimal Thrift compact-protocol skipper: finds where a page header ends, so that a
# corruption lands in the page's (compressed) payload rather than in its header.


def _varint(buf, pos):
    shift = value = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def _zigzag(v):
    return (v >> 1) ^ -(v & 1)


def _skip(buf, pos, ttype):
    if ttype in (1, 2):                  # bool true/false: value is in the type nibble
        return pos
    if ttype == 3:                       # byte
        return pos + 1
    if ttype in (4, 5, 6):               # i16, i32, i64: zigzag varint
        return _varint(buf, pos)[1]
    if ttype == 7:                       # double
        return pos + 8
    if ttype == 8:                       # binary
        n, pos = _varint(buf, pos)
        return pos + n
    if ttype in (9, 10):                 # list, set
        head = buf[pos]
        pos += 1
        size, etype = head >> 4, head & 0x0F
        if size == 15:
            size, pos = _varint(buf, pos)
        for _ in range(size):
            pos = _skip(buf, pos, etype) if etype not in (1, 2) else pos + 1
        return pos
    if ttype == 11:                      # map
        size, pos = _varint(buf, pos)
        if size == 0:
            return pos
        kv = buf[pos]
        pos += 1
        for _ in range(size):
            pos = _skip(buf, pos, kv >> 4)
            pos = _skip(buf, pos, kv & 0x0F)
        return pos
    if ttype == 12:                      # struct
        return _struct_end(buf, pos)[0]
    raise ValueError(f"unknown thrift type {ttype}")


def _struct_end(buf, pos):
    """Returns (end, {field id: i32 value}) of the compact-protocol struct at pos."""
    fid = 0
    ints = {}
    while True:
        head = buf[pos]
        pos += 1
        if head == 0:
            return pos, ints
        delta, ttype = head >> 4, head & 0x0F
        if delta:
            fid += delta
        else:
            fid, pos = _varint(buf, pos)
            fid = _zigzag(fid)
        if ttype == 5:
            v, pos = _varint(buf, pos)
            ints[fid] = _zigzag(v)
        else:
            pos = _skip(buf, pos, ttype)


def first_data_page(data, column_meta):
    """(payload start, payload length) of the first data page of a column chunk."""
    start = column_meta.data_page_offset
    end, fields = _struct_end(data, start)
    return end, fields[3]                # PageHeader field 3: compressed_page_size


def caption_chunk(data, path, column="caption", row_group=0):
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    rg = meta.row_group(row_group)
    for i in range(rg.num_columns):
        if rg.column(i).path_in_schema == column:
            return rg.column(i)
    raise KeyError(f"{path}: no column {column}")


# ---------------------------------------------------------------------------------------
# Writing


def write(name, table, **options):
    path = os.path.join(HERE, name)
    pq.write_table(table, path, **options)
    return path


def pyarrow_error(path, **read_options):
    """pyarrow's error reading the whole file, or None when it reads."""
    try:
        pq.read_table(path, **read_options)
        return None
    except Exception as e:  # noqa: BLE001 - any failure is what is recorded
        return f"{type(e).__name__}: {e}"


def upstream_texts(path):
    """The caption strings upstream's pandas logic keeps (module docstring), or None."""
    columns = pq.ParquetFile(path).schema_arrow.names
    cap = next((c for c in CAPTION_COLUMNS if c in columns), None)
    link = next((c for c in URL_COLUMNS if c in columns), None)
    if cap is None or link is None:
        return cap, link, None
    df = pandas.read_parquet(path)
    with warnings.catch_warnings():
        # pandas 2.3 warns that the chained inplace replace will stop working in 3.0.
        warnings.simplefilter("ignore", FutureWarning)
        df[cap].replace('', numpy.nan, inplace=True)
        df[link].replace('', numpy.nan, inplace=True)
    df.dropna(subset=[cap, link], inplace=True)
    texts = df[cap].to_list()
    return cap, link, [t.item() if hasattr(t, "item") else t for t in texts]


def main():
    major = int(pandas.__version__.split(".")[0])
    if major != 2:
        sys.exit(f"needs pandas 2.x (upstream's inplace replace is a no-op in pandas "
                 f"{pandas.__version__}); run with .venv-arrow/bin/python")

    for name in os.listdir(HERE):
        if name.endswith(".parquet"):
            os.remove(os.path.join(HERE, name))

    good = {}    # name -> note
    # --- readable files ---------------------------------------------------------------
    write("img2dataset_snappy.parquet", img2dataset_table(),
          compression="snappy", row_group_size=3)
    good["img2dataset_snappy.parquet"] = "img2dataset schema, snappy, row groups of 3"

    write("img2dataset_zstd_dict_url.parquet",
          img2dataset_table(url_type=pa.dictionary(pa.int32(), pa.string())),
          compression="zstd", row_group_size=4)
    good["img2dataset_zstd_dict_url.parquet"] = (
        "zstd; url is an Arrow dictionary column (read back as dictionary)")

    write("laion_gzip.parquet", laion_table(), compression="gzip", row_group_size=5)
    good["laion_gzip.parquet"] = "LAION schema (SAMPLE_ID int64 ... similarity float64), gzip"

    write("laion_brotli_large_string.parquet",
          laion_table(text_type=pa.large_string(), url_type=pa.large_string()),
          compression="brotli", row_group_size=6)
    good["laion_brotli_large_string.parquet"] = "brotli; TEXT and URL are large_string"

    write("datacomp_none_string_view.parquet", datacomp_table(text_type=pa.string_view()),
          compression="none", row_group_size=4)
    good["datacomp_none_string_view.parquet"] = (
        "DataComp schema (uid, url, text), uncompressed; text is string_view")

    dropped = [("", url(0)), (None, url(1)), ("kept by nobody", ""), ("no url", None),
               (None, None), ("", "")]
    write("all_dropped.parquet", img2dataset_table(dropped), compression="snappy",
          row_group_size=3)
    good["all_dropped.parquet"] = "every row has a null or empty caption or url"

    write("no_caption.parquet", img2dataset_table().drop_columns(["caption"]),
          compression="snappy")
    good["no_caption.parquet"] = "img2dataset schema without any caption column"

    write("caption_int64.parquet", pa.table({
        "key": pa.array(["000000000", "000000001", "000000002", "000000003"]),
        "url": pa.array([url(0), url(1), None, url(3)]),
        "caption": pa.array([7, None, 9, -12], pa.int64()),
    }), compression="snappy")
    good["caption_int64.parquet"] = "caption column of type int64 (cast to string by the shim)"

    base = img2dataset_table()
    n = base.num_rows
    nested = pa.table({
        "meta": pa.array([{"source": f"s{i % 3}", "score": i / 8} for i in range(n)],
                         pa.struct([("source", pa.string()), ("score", pa.float64())])),
        "tags": pa.array([[f"t{i}", "x"] if i % 2 else [] for i in range(n)],
                         pa.list_(pa.string())),
        "key": base["key"], "url": base["url"], "caption": base["caption"],
    })
    write("nested_before_caption.parquet", nested, compression="snappy", row_group_size=4)
    good["nested_before_caption.parquet"] = (
        "a struct and a list column before key/url/caption: field index != leaf index")

    write("empty_rows.parquet", img2dataset_table().slice(0, 0), compression="snappy")
    good["empty_rows.parquet"] = "img2dataset schema, zero rows (one empty row group)"

    # --- bad files ------------------------------------------------------------------
    bad = {}
    with open(os.path.join(HERE, "bad_not_parquet.parquet"), "wb") as f:
        f.write(b"key,url,caption\n000000000,https://images.example.com/0000.jpg,"
                b"this is a CSV file, not Parquet\n")
    bad["bad_not_parquet.parquet"] = "a CSV file named .parquet"

    with open(os.path.join(HERE, "img2dataset_snappy.parquet"), "rb") as f:
        whole = f.read()
    with open(os.path.join(HERE, "bad_truncated.parquet"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    bad["bad_truncated.parquet"] = "first half of img2dataset_snappy.parquet (no footer)"

    # A data page whose snappy stream is garbage from its first byte: the uncompressed
    # length varint never ends (0xFF continuation bits), so decompression must fail.
    # Caption pages are PLAIN (no dictionary) so the payload is the caption bytes.
    corrupt_base = img2dataset_table()
    buf = io.BytesIO()
    pq.write_table(corrupt_base, buf, compression="snappy", use_dictionary=["url"])
    data = bytearray(buf.getvalue())
    start, length = first_data_page(data, caption_chunk(data, "snappy"))
    data[start:start + min(16, length)] = b"\xff" * min(16, length)
    with open(os.path.join(HERE, "bad_corrupt_page.parquet"), "wb") as f:
        f.write(data)
    bad["bad_corrupt_page.parquet"] = (
        "first 16 bytes of the caption column's snappy data page payload set to 0xFF")

    # Footer statistics that show no null and no empty caption or url in any row group, over
    # data that is all zeros: a plan counts it from the footer alone (and succeeds), a read
    # of its rows fails.
    def zeroed_data(name, captions, note):
        table = pa.table({"url": [url(i) for i in range(len(captions))], "caption": pa.array(captions, pa.string())})
        buf = io.BytesIO()
        pq.write_table(table, buf, row_group_size=1000, compression="snappy")
        data = bytearray(buf.getvalue())
        footer_length = int.from_bytes(data[-8:-4], "little")
        footer_start = len(data) - 8 - footer_length
        data[4:footer_start] = bytes(footer_start - 4)
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        bad[name] = note + ", every byte between the leading PAR1 and the footer set to zero"

    captions = [f"caption {i} {(i * 2654435761) % 4294967296:08x}" for i in range(3000)]
    zeroed_data("bad_data_clean_statistics.parquet", captions,
                "3000 rows in 3 row groups whose footer statistics show no null or empty caption or url")
    zeroed_data("bad_data_null_caption_statistics.parquet", [None if i % 7 == 0 else c for i, c in enumerate(captions)],
                "3000 rows in 3 row groups, every 7th caption null (429 in all), no empty caption or url, "
                "url never null")

    # --- corruptions that decode without an error (silently wrong data) -------------
    # Flip 'red' to 'rad' in 'A red bicycle...' inside the page payload. Without a page
    # CRC nothing in Parquet can notice: the lengths still add up.
    silent = {}

    def flip_red(data, start, length):
        at = data.find(b"A red bicycle", start, start + length)
        assert at >= 0, "caption bytes not found in the page payload"
        data[at + 3] = ord("a")

    for name, compression, checksum, note in [
        ("corrupt_silent_none.parquet", "none", False,
         "uncompressed PLAIN caption page, one byte changed: 'A red' -> 'A rad'"),
        ("corrupt_silent_snappy.parquet", "snappy", False,
         "snappy caption page, one byte of a literal run changed: 'A red' -> 'A rad' "
         "(snappy has no checksum)"),
        ("corrupt_crc.parquet", "none", True,
         "as corrupt_silent_none.parquet, but written with page CRCs: a reader that "
         "verifies them (the shim does) rejects the page"),
    ]:
        buf = io.BytesIO()
        pq.write_table(corrupt_base, buf, compression=compression, use_dictionary=["url"],
                       write_page_checksum=checksum)
        data = bytearray(buf.getvalue())
        start, length = first_data_page(data, caption_chunk(data, name))
        flip_red(data, start, length)
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        silent[name] = note

    # --- expected.json --------------------------------------------------------------
    files = {}
    for name, note in {**good, **silent}.items():
        path = os.path.join(HERE, name)
        meta = pq.ParquetFile(path).metadata
        cap, link, texts = upstream_texts(path)
        entry = {
            "note": note,
            "rows": meta.num_rows,
            "row_groups": meta.num_row_groups,
            "columns": [f"{f.name}: {f.type}" for f in pq.ParquetFile(path).schema_arrow],
            "caption_column": cap,
            "url_column": link,
            "texts": texts,
        }
        if name in silent:
            entry["pyarrow_error"] = pyarrow_error(path)
            entry["pyarrow_error_verifying_crc"] = pyarrow_error(
                path, page_checksum_verification=True)
        files[name] = entry
    for name, note in bad.items():
        error = pyarrow_error(os.path.join(HERE, name))
        assert error is not None, f"{name}: pyarrow read it without an error"
        files[name] = {"note": note, "pyarrow_error": error}

    # The corruptions must behave as their notes say.
    assert files["corrupt_silent_none.parquet"]["pyarrow_error"] is None
    assert files["corrupt_silent_snappy.parquet"]["pyarrow_error"] is None
    assert files["corrupt_crc.parquet"]["pyarrow_error"] is None
    assert files["corrupt_crc.parquet"]["pyarrow_error_verifying_crc"] is not None
    for name in silent:
        assert files[name]["texts"][0].startswith("A rad bicycle"), files[name]["texts"]

    expected = {
        "generator": "Fixtures/parquet/make_parquet_fixtures.py",
        "pyarrow": pa.__version__,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "logic": "df = pandas.read_parquet(path); df[cap].replace('', numpy.nan, inplace=True); "
                 "df[url].replace('', numpy.nan, inplace=True); "
                 "df.dropna(subset=[cap, url], inplace=True); texts = df[cap].to_list() -- "
                 "cap: first of caption/TEXT/text, url: first of url/URL; texts null when "
                 "either is missing",
        "files": files,
    }
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")

    total = sum(os.path.getsize(os.path.join(HERE, n)) for n in os.listdir(HERE))
    print(f"wrote {len(files)} parquet files and expected.json to {HERE} ({total} bytes "
          f"with this script)")


if __name__ == "__main__":
    main()
