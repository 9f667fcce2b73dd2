/// The digest that identifies the corpus an index was built from (format version 2): SHA-256
/// over a short text that names how the corpus is read and lists, file by file in corpus
/// order, its size, the sample ids it consumes and the SHA-256 of its bytes:
///
///     freqbench corpus 2
///     format cc3m
///     caption-column -
///     quoting csv
///     header -
///     file 1234567 15833 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
///
/// A parquet file's digest is the SHA-256 of its footer (`ParquetFooter`: size, row groups,
/// statistics), so that plans read footers rather than data; the text then says so.
///
/// It is made of per-file digests so that range shards can share it: a plan computes the
/// file digests once and every shard writes the plan's corpus digest, while a single build
/// computes the same file digests as it reads. File names are not part of it (moving the
/// data does not change it); any change of bytes, order or reading options does.
public enum CorpusDigest {
    /// The corpus digest of `files` (whole files, in corpus order) read with `options`.
    public static func digest(options: CorpusOptions, files: [CorpusPieceSummary]) -> [UInt8] {
        var hasher = SHA256()
        var text = canonicalOptions(options)
        for file in files {
            text += "file \(file.bytes) \(file.records) \(SHA256.hex(bytes: file.sha256))\n"
        }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { hasher.update(bytes: UnsafeRawBufferPointer($0)) }
        return hasher.digest()
    }

    /// The reading options as the digest text states them, defaults resolved.
    static func canonicalOptions(_ options: CorpusOptions) -> String {
        var column = "-", header = "-"
        switch options.format {
        case .cc3m, .cc12m:
            break
        case .tsv, .csv:
            let name = options.captionColumn ?? "caption"
            column = name
            header = Int(name) == nil ? "yes" : ((options.hasHeader ?? false) ? "yes" : "no")
        case .jsonl:
            column = options.captionColumn ?? "caption"
        case .wds:
            column = options.captionColumn ?? "-"
        case .parquet:
            column = options.captionColumn ?? "-"
        case .clipRocket:
            break
        }
        var text = "freqbench corpus 2\nformat \(options.format.rawValue)\ncaption-column \(column)\n"
            + "quoting \(options.quoting.rawValue)\nheader \(header)\n"
        if options.format == .parquet {
            text += "url-column \(options.urlColumn ?? "-")\nkeep-empty \(options.keepEmpty ? "yes" : "no")\n"
            // A parquet file's digest is its footer's (ParquetFooter), not its bytes'.
            text += "file-digest parquet-footer\n"
            if let idColumn = options.idColumn { text += "id-column \(idColumn)\n" }
        }
        return text
    }
}
