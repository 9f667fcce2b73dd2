import Foundation

/// Each record's own id from the corpus (`--id-column`: LAION's `SAMPLE_ID`, img2dataset's
/// `key`, DataComp's `uid`) beside its global id, so that image-side ids can be joined with
/// an index: the file `source-ids.fbids` in an index directory (docs/FORMATS.md, "Source ids").
///
///     0   8   magic "FBSRCIDS"
///     8   4   version (1)            12  4  zero
///     16  8   first id F             24  8  count N: ids F..<F+N (the index's id range)
///     32  32  SHA-256 of every byte after the 64-byte header
///     64  8·(N+1)  UInt64LE offsets into the strings, offsets[0] = 0
///     ..  ..  strings: the source ids' UTF-8 bytes, concatenated (empty for an id without a
///             good record: a skipped bad record)
public enum SourceIDs {
    public static let fileName = "source-ids.fbids"
    static let magic = Array("FBSRCIDS".utf8)
    static let headerSize = 64

    /// Collects source ids in id order and writes the file.
    final class Writer {
        private let offsets: SpillFile
        private let strings: SpillFile
        private let firstID: Int
        private var nextID: Int
        private let directory: URL

        init(directory: URL, firstID: Int) throws {
            self.directory = directory
            offsets = try SpillFile(url: directory.appendingPathComponent(".source-ids-offsets.spill"))
            strings = try SpillFile(url: directory.appendingPathComponent(".source-ids-strings.spill"))
            self.firstID = firstID
            nextID = firstID
            try offsets.appendLittleEndian(UInt64(0))
        }

        /// Records `sourceID` for `id` (ids increasing; the ids skipped get empty entries).
        func add(id: Int, sourceID: String) throws {
            guard id >= nextID else { throw FreqBenchError("internal: source ids out of order at \(id)") }
            try fill(upTo: id)
            try strings.append(contentsOf: sourceID.utf8)
            try offsets.appendLittleEndian(UInt64(strings.count))
            nextID = id + 1
        }

        private func fill(upTo id: Int) throws {
            while nextID < id {
                try offsets.appendLittleEndian(UInt64(strings.count))
                nextID += 1
            }
        }

        /// Writes `source-ids.fbids` into the directory, covering ids up to `endID`.
        func finish(endID: Int) throws {
            try fill(upTo: endID)
            let url = directory.appendingPathComponent(SourceIDs.fileName)
            try SourceIDs.write(to: url, firstID: firstID, count: nextID - firstID) { emit in
                try offsets.copy { try emit($0) }
                try strings.copy { try emit($0) }
            }
            offsets.remove()
            strings.remove()
        }
    }

    /// Writes a file whose body (offsets then strings) `body` hands to `emit`.
    static func write(to url: URL, firstID: Int, count: Int,
                      body: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        guard let handle = FileManager.default.createFile(atPath: url.path, contents: nil) ? FileHandle(forWritingAtPath: url.path) : nil else {
            throw FreqBenchError("cannot create", file: url.path)
        }
        defer { try? handle.close() }
        try handle.write(contentsOf: [UInt8](repeating: 0, count: headerSize))
        var hasher = SHA256()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func flush() throws {
            buffer.withUnsafeBytes { hasher.update(bytes: $0) }
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        try body { bytes in
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush()
        var header = magic
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        put(UInt32(1)); put(UInt32(0)); put(UInt64(firstID)); put(UInt64(count))
        header.append(contentsOf: hasher.digest())
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header)
        try handle.synchronize()
    }

    /// A source-ids file opened for reading (memory-mapped, checked on open).
    public final class Table {
        private let file: MemoryMappedFile
        public let firstID: Int
        public let count: Int
        private let stringsStart: Int

        /// Opens and checks `url`: header, sizes, offsets increasing and inside the strings,
        /// and the digest. Errors name the file.
        public init(url: URL) throws {
            file = try MemoryMappedFile(url: url)
            let bytes = file.bytes
            func fail(_ message: String) -> FreqBenchError { FreqBenchError("corrupted source ids: \(message)", file: url.path) }
            guard bytes.count >= headerSize, Array(bytes[0..<8]) == SourceIDs.magic else { throw fail("bad header (expected FBSRCIDS)") }
            let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            guard version == 1 else { throw fail("version \(version), expected 1") }
            let first = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            let total = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            guard first <= UInt64(UInt32.max) + 1, total <= UInt64((bytes.count - headerSize) / 8) else { throw fail("id range does not fit the file") }
            firstID = Int(first)
            count = Int(total)
            stringsStart = headerSize + 8 * (count + 1)
            guard stringsStart <= bytes.count else { throw fail("offsets do not fit the file") }
            var hasher = SHA256()
            hasher.update(bytes: UnsafeRawBufferPointer(rebasing: bytes[headerSize...]))
            guard hasher.digest() == Array(bytes[32..<64]) else { throw fail("the content does not match its digest") }
            var previous: UInt64 = 0
            let stringsLength = UInt64(bytes.count - stringsStart)
            for index in 0...count {
                let offset = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: headerSize + 8 * index, as: UInt64.self))
                guard offset >= previous, offset <= stringsLength, index > 0 || offset == 0 else { throw fail("offset \(index) out of order") }
                previous = offset
            }
            guard previous == stringsLength else { throw fail("strings end at \(previous), the file at \(stringsLength)") }
        }

        /// The source id of global id `id` (nil outside the table's range).
        public func sourceID(of id: Int) -> String? {
            guard id >= firstID, id < firstID + count else { return nil }
            let index = id - firstID
            let start = Int(UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: Self.offsetPosition(index), as: UInt64.self)))
            let end = Int(UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: Self.offsetPosition(index + 1), as: UInt64.self)))
            return String(decoding: UnsafeRawBufferPointer(rebasing: file.bytes[(stringsStart + start)..<(stringsStart + end)]), as: UTF8.self)
        }

        private static func offsetPosition(_ index: Int) -> Int { headerSize + 8 * index }

        /// Hands the offsets (rebased by `base`) and then the strings to `emit`: for a merge.
        func copyBody(offsetBase base: UInt64, skipFirstOffset: Bool, offsets emitOffset: (UInt64) throws -> Void,
                      strings emitStrings: (UnsafeRawBufferPointer) throws -> Void) throws {
            for index in (skipFirstOffset ? 1 : 0)...count {
                try emitOffset(base + UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: Self.offsetPosition(index), as: UInt64.self)))
            }
            try emitStrings(UnsafeRawBufferPointer(rebasing: file.bytes[stringsStart...]))
        }

        var stringsLength: Int { file.bytes.count - stringsStart }
    }

    /// Concatenates the tables of range shards (in id order, consecutive ranges) into `url`.
    static func merge(_ tables: [Table], into url: URL, directory: URL) throws {
        guard let first = tables.first else { return }
        var expected = first.firstID
        for table in tables {
            guard table.firstID == expected else { throw FreqBenchError("source ids of the shards do not follow each other at id \(expected)") }
            expected += table.count
        }
        let offsets = try SpillFile(url: directory.appendingPathComponent(".source-ids-offsets.spill"))
        defer { offsets.remove() }
        var base: UInt64 = 0
        try offsets.appendLittleEndian(UInt64(0))
        for table in tables {
            try table.copyBody(offsetBase: base, skipFirstOffset: true, offsets: { try offsets.appendLittleEndian($0) }, strings: { _ in })
            base += UInt64(table.stringsLength)
        }
        try write(to: url, firstID: first.firstID, count: expected - first.firstID) { emit in
            try offsets.copy { try emit($0) }
            for table in tables {
                try table.copyBody(offsetBase: 0, skipFirstOffset: true, offsets: { _ in }, strings: { try emit($0) })
            }
        }
    }
}
