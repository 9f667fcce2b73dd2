"""A small pure-Python reader of FreqBench text indexes (docs/FORMATS.md, "Text index"), NumPy only.

    import sys; sys.path.insert(0, "python")
    from freqbench_index import TextIndex
    index = TextIndex("cc3m.index")          # the index directory (or its text.fbidx)
    index.postings("car")                    # numpy array of sorted caption ids (empty when absent)
    index.count(["red", "car"])              # captions holding every term the index has (lowercased semantics)
    index.terms()                            # every term, in byte order

`count` follows `freqbench search text --method lowercased`: terms the index lacks are skipped,
and when none is present the count is 0. `verify()` checks the body against the header's
SHA-256 and, for format 3, every list's CRC32C is checked as it is decoded when `crc32c` (PyPI)
is installed; without it lists are decoded unchecked (the Swift reader checks them).
"""
import hashlib
import os
import struct

import numpy as np

__all__ = ["TextIndex"]

_BLOCK = 128


class TextIndex:
    """A FreqBench text index (format versions 1 to 3), memory-mapped."""

    def __init__(self, path):
        if os.path.isdir(path):
            path = os.path.join(path, "text.fbidx")
        self.path = path
        self._data = np.memmap(path, dtype=np.uint8, mode="r")
        raw = self._data
        if len(raw) < 192 or bytes(raw[:8]) != b"FBTEXTIX":
            raise ValueError(f"{path}: not a FreqBench text index")
        (self.version, header_length) = struct.unpack_from("<II", raw, 8)
        if self.version not in (1, 2, 3):
            raise ValueError(f"{path}: unsupported text index format version {self.version}")
        (self.record_count, self.indexed_record_count) = struct.unpack_from("<QQ", raw, 16)
        (self.term_count, self.posting_count, self._postings_offset, self._postings_length,
         self._dictionary_offset, self._dictionary_length, self._strings_offset,
         self._strings_length) = struct.unpack_from("<8Q", raw, 72)
        self._body_digest = bytes(raw[136:168])
        self._header_length = header_length
        if self._strings_offset + self._strings_length != len(raw) or self._dictionary_length != 32 * self.term_count:
            raise ValueError(f"{path}: truncated or corrupted text index")
        dictionary = np.frombuffer(raw, dtype=np.uint8, count=self._dictionary_length, offset=self._dictionary_offset)
        entries = dictionary.reshape(-1, 32) if self.term_count else dictionary.reshape(0, 32)
        self._key_offsets = entries[:, 0:4].copy().view("<u4").ravel()
        self._key_lengths = entries[:, 4:8].copy().view("<u4").ravel()
        self._counts = entries[:, 8:12].copy().view("<u4").ravel()
        self._checksums = entries[:, 12:16].copy().view("<u4").ravel()
        self._list_offsets = entries[:, 16:24].copy().view("<u8").ravel()
        self._list_lengths = entries[:, 24:32].copy().view("<u8").ravel()
        strings = bytes(raw[self._strings_offset:self._strings_offset + self._strings_length])
        self._terms = [strings[o:o + n] for o, n in zip(self._key_offsets.tolist(), self._key_lengths.tolist())]
        self._positions = {term: position for position, term in enumerate(self._terms)}

    def terms(self):
        """Every term, in byte order."""
        return [term.decode("utf-8") for term in self._terms]

    def __contains__(self, term):
        return term.encode("utf-8") in self._positions

    def postings(self, term):
        """The sorted caption ids of `term` (numpy uint32), empty when the index lacks it."""
        position = self._positions.get(term.encode("utf-8"))
        if position is None:
            return np.zeros(0, dtype=np.uint32)
        return self._decode(position)

    def count(self, terms):
        """Captions that hold every one of `terms` the index has (absent terms are skipped;
        none present: 0), the `lowercased` semantics of `search text`."""
        lists = [self.postings(term) for term in terms if term in self]
        if not lists:
            return 0
        lists.sort(key=len)
        result = lists[0]
        for other in lists[1:]:
            result = np.intersect1d(result, other, assume_unique=True)
        return int(len(result))

    def verify(self):
        """Checks the body against the header's SHA-256; raises ValueError when it differs."""
        digest = hashlib.sha256(memoryview(self._data[self._header_length:])).digest()
        if digest != self._body_digest:
            raise ValueError(f"{self.path}: corrupted text index: the content does not match the digest in its header")

    def _decode(self, position):
        count = int(self._counts[position])
        start = int(self._list_offsets[position])
        length = int(self._list_lengths[position])
        data = self._data[start:start + length]
        if self.version >= 3:
            _check_crc(data, int(self._checksums[position]), self.path, position)
        blocks = (count + _BLOCK - 1) // _BLOCK
        firsts = np.frombuffer(data, dtype="<u4", count=blocks).astype(np.uint64)
        widths = np.frombuffer(data, dtype=np.uint8, count=blocks, offset=4 * blocks)
        ids = np.empty(count, dtype=np.uint64)
        offset = 5 * blocks
        for block in range(blocks):
            n = min(_BLOCK, count - block * _BLOCK)
            width = int(widths[block])
            base = block * _BLOCK
            ids[base] = firsts[block]
            if n > 1:
                if width == 0:
                    gaps = np.zeros(n - 1, dtype=np.uint64)
                else:
                    size = (width * (n - 1) + 7) // 8
                    bits = np.unpackbits(np.asarray(data[offset:offset + size]), bitorder="little")[:width * (n - 1)]
                    weights = (np.uint64(1) << np.arange(width, dtype=np.uint64))
                    gaps = (bits.reshape(n - 1, width).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
                    offset += size
                ids[base + 1:base + n] = firsts[block] + np.cumsum(gaps + np.uint64(1), dtype=np.uint64)
        if count and (ids[-1] > 0xFFFFFFFF or np.any(np.diff(ids.astype(np.int64)) <= 0)):
            raise ValueError(f"{self.path}: corrupted text index: term {position} does not decode to ascending ids")
        return ids.astype(np.uint32)


def _check_crc(data, expected, path, position):
    try:
        import crc32c  # PyPI; optional
    except ImportError:
        return
    if crc32c.crc32c(bytes(data)) != expected:
        raise ValueError(f"{path}: corrupted text index: term {position}: the posting list does not match its checksum")
