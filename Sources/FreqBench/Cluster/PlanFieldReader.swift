import Foundation

/// Reads a PLAN.json as untrusted input: each field must be present and of its type, and
/// the whole must be consistent; errors name the file and the field.
struct PlanFieldReader {
    let file: String

    private func fail(_ message: String, _ field: String) -> FreqBenchError {
        FreqBenchError("invalid plan: \(message)", file: file, location: field)
    }

    private func object(_ value: JSONValue?, _ field: String) throws -> JSONValue {
        guard let value, value.objectValue != nil else { throw fail("expected an object", field) }
        return value
    }

    private func int(_ value: JSONValue?, _ field: String, minimum: Int = 0) throws -> Int {
        guard let number = value?.intValue, number >= minimum else { throw fail("expected an integer ≥ \(minimum)", field) }
        return number
    }

    private func string(_ value: JSONValue?, _ field: String) throws -> String {
        guard let text = value?.stringValue else { throw fail("expected a string", field) }
        return text
    }

    private func digest(_ value: JSONValue?, _ field: String, bytes: Int = 32) throws -> [UInt8] {
        let text = try string(value, field)
        guard text.utf8.count == 2 * bytes, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw fail("expected \(2 * bytes) lowercase hex digits (\(bytes == 32 ? "SHA-256" : "XXH3-128"))", field)
        }
        return SHA256.bytes(ofHex: text)
    }

    private func array(_ value: JSONValue?, _ field: String) throws -> [JSONValue] {
        guard let items = value?.arrayValue else { throw fail("expected an array", field) }
        return items
    }

    mutating func plan(_ root: JSONValue) throws -> CorpusPlan {
        _ = try object(root, "(top level)")
        let version = try int(root["freqbench_plan"], "freqbench_plan")
        guard version == CorpusPlan.formatVersion else {
            throw fail("plan format \(version), this FreqBench reads \(CorpusPlan.formatVersion)", "freqbench_plan")
        }
        let kind = try string(root["kind"], "kind")
        guard kind == "captions" else { throw fail("plan kind \"\(kind)\", expected \"captions\"", "kind") }
        let corpus = try object(root["corpus"], "corpus")
        let formatName = try string(corpus["format"], "corpus.format")
        guard let format = CorpusFormat(rawValue: formatName) else {
            throw fail("unknown format \"\(formatName)\"", "corpus.format")
        }
        guard let quoting = CaptionQuoting(rawValue: try string(corpus["quoting"], "corpus.quoting")) else {
            throw fail("unknown quoting", "corpus.quoting")
        }
        var options = CorpusOptions(format: format, quoting: quoting)
        if let column = corpus["caption_column"], !column.isNull { options.captionColumn = try string(column, "corpus.caption_column") }
        if let header = corpus["header"], !header.isNull {
            guard case let .bool(flag) = header else { throw fail("expected true, false or null", "corpus.header") }
            options.hasHeader = flag
        }
        if case let .bool(flag)? = corpus["skip_bad_records"] { options.skipBadRecords = flag }
        if let column = corpus["url_column"], !column.isNull { options.urlColumn = try string(column, "corpus.url_column") }
        if case let .bool(flag)? = corpus["keep_empty"] { options.keepEmpty = flag }
        if let column = corpus["id_column"], !column.isNull { options.idColumn = try string(column, "corpus.id_column") }

        var files: [CorpusPlan.File] = []
        var nextID = 0
        for (index, item) in try array(root["files"], "files").enumerated() {
            let field = "files[\(index)]"
            _ = try object(item, field)
            let file = CorpusPlan.File(
                path: URL(fileURLWithPath: try string(item["path"], "\(field).path")),
                size: try int(item["size"], "\(field).size"),
                modificationTime: try int(item["mtime_ns"], "\(field).mtime_ns", minimum: Int.min),
                sha256: try digest(item["sha256"], "\(field).sha256"),
                records: try int(item["records"], "\(field).records"),
                firstID: try int(item["first_id"], "\(field).first_id"))
            guard file.firstID == nextID else { throw fail("first id \(file.firstID), expected \(nextID)", "\(field).first_id") }
            nextID += file.records
            files.append(file)
        }
        var shards: [CorpusPlan.Shard] = []
        var shardStart = 0
        guard !files.isEmpty else { throw fail("no files", "files") }
        var position = (file: 0, offset: 0)
        for (index, item) in try array(root["shards"], "shards").enumerated() {
            let field = "shards[\(index)]"
            _ = try object(item, field)
            guard try int(item["index"], "\(field).index") == index else { throw fail("expected index \(index)", "\(field).index") }
            let first = try int(item["first_id"], "\(field).first_id"), end = try int(item["end_id"], "\(field).end_id")
            guard first == shardStart, end >= first else {
                throw fail("ids \(first)..<\(end) do not continue the previous shard (expected to start at \(shardStart))", field)
            }
            var pieces: [CorpusPlan.Piece] = []
            var pieceID = first
            for (pieceIndex, pieceItem) in try array(item["pieces"], "\(field).pieces").enumerated() {
                let pieceField = "\(field).pieces[\(pieceIndex)]"
                _ = try object(pieceItem, pieceField)
                let fileIndex = try int(pieceItem["file"], "\(pieceField).file")
                guard fileIndex < files.count else { throw fail("file \(fileIndex) is not in the plan", "\(pieceField).file") }
                let start = try int(pieceItem["start"], "\(pieceField).start"), pieceEnd = try int(pieceItem["end"], "\(pieceField).end")
                guard start <= pieceEnd, pieceEnd <= files[fileIndex].size else {
                    throw fail("bytes \(start)..<\(pieceEnd) outside the file's \(files[fileIndex].size)", pieceField)
                }
                // Pieces cover the files in order, without gaps (every file has at least one).
                let continues = fileIndex == position.file && start == position.offset
                let nextFile = fileIndex == position.file + 1 && position.offset == files[position.file].size && start == 0
                guard continues || nextFile else {
                    throw fail("piece does not start where the previous one ended (file \(position.file), byte \(position.offset))", pieceField)
                }
                position = (fileIndex, pieceEnd)
                let piece = CorpusPlan.Piece(file: fileIndex, byteRange: start..<pieceEnd,
                                             firstID: try int(pieceItem["first_id"], "\(pieceField).first_id"),
                                             records: try int(pieceItem["records"], "\(pieceField).records"),
                                             firstLine: try int(pieceItem["first_line"], "\(pieceField).first_line", minimum: 1),
                                             checksum: try digest(pieceItem["xxh3"], "\(pieceField).xxh3", bytes: 16))
                guard piece.firstID == pieceID else { throw fail("first id \(piece.firstID), expected \(pieceID)", pieceField) }
                pieceID += piece.records
                pieces.append(piece)
            }
            guard pieceID == end else { throw fail("pieces hold ids up to \(pieceID), the shard ends at \(end)", field) }
            shards.append(CorpusPlan.Shard(index: index, idRange: first..<end, pieces: pieces))
            shardStart = end
        }
        guard !shards.isEmpty else { throw fail("no shards", "shards") }
        guard position.file == files.count - 1, position.offset == files[position.file].size else {
            throw fail("the pieces end at file \(position.file), byte \(position.offset), before the end of the corpus", "shards")
        }
        guard shardStart == nextID else { throw fail("shards end at id \(shardStart), the files hold \(nextID) records", "shards") }
        let plan = CorpusPlan(options: options, files: files, shards: shards)
        let recorded = try digest(root["plan_digest"], "plan_digest")
        guard plan.digest == recorded else {
            throw fail("the content does not match plan_digest (the plan was edited or damaged; make a new one)", "plan_digest")
        }
        return plan
    }
}
