import CArchive
import Foundation

/// Reads the captions of one WebDataset `.tar` shard with libarchive.
///
/// Members are grouped into samples as WebDataset does: the key of a member is its path up
/// to the first dot of its file name, the extension (lowercased) is the rest; consecutive
/// members with the same key form one sample, in tar order. Only regular files count;
/// other members (images, ...) are skipped without reading their data. The caption is the
/// `.txt` member (UTF-8, taken as is), or, without one, the `caption` key of the `.json`
/// member; with a caption field set, that key of the `.json` member. A shard that ends
/// early (truncated) gives one bad record that consumes no id; the sample being read
/// then is dropped and reading ends there.
final class WebDatasetCaptionSource: CaptionSource {
    /// The members of one sample that can hold its caption.
    private struct Sample {
        var key: String
        var text: [UInt8]?
        var json: [UInt8]?
        var duplicate: String?
    }

    private let path: String
    private let jsonField: String?
    private var archive: OpaquePointer?
    private var pending: Sample?
    private var lastMember = "(start of archive)"
    private var finished = false
    /// A truncation found while a completed sample was still to be returned.
    private var truncation: SourceRecord?

    /// A regular file's type bits in `archive_entry_filetype` (`AE_IFREG`, a macro Swift cannot import).
    private static let regularFileType: UInt32 = 0o100000

    /// The file's bytes as libarchive reads them (each read once, digested).
    private let feed: TarFileFeed

    init(url: URL, jsonField: String?) throws {
        path = url.path
        self.jsonField = jsonField
        feed = try TarFileFeed(url: url)
        guard let archive = archive_read_new() else { throw FreqBenchError("cannot create a libarchive reader", file: url.path) }
        self.archive = archive
        archive_read_support_format_tar(archive)
        archive_read_support_filter_all(archive)
        // No skip callback: libarchive reads past the members it does not want, so every byte
        // of the file goes through `feed` once, in order, and is digested there.
        let opened = archive_read_open(archive, Unmanaged.passUnretained(feed).toOpaque(), nil, { _, client, buffer in
            guard let client, let buffer else { return -1 }
            return Unmanaged<TarFileFeed>.fromOpaque(client).takeUnretainedValue().read(into: buffer)
        }, nil)
        guard opened == ARCHIVE_OK else {
            let reason = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
            throw FreqBenchError("cannot open WebDataset shard (expected a tar file): \(reason)", file: url.path)
        }
    }

    deinit {
        if let archive { archive_read_free(archive) }
    }

    /// WebDataset shards are read whole: a plan never splits one.
    var position: SourcePosition? { nil }
    var bytesRead: Int { feed.bytesRead }
    func consumedDigest() throws -> [UInt8] { try feed.digestOfWholeFile() }
    /// Never split: a segment is the whole file.
    func startSegmentDigests() { feed.startChecksum() }
    func takeSegmentDigest() throws -> [UInt8] { try feed.checksumOfWholeFile() }

    func next() throws -> SourceRecord? {
        if let truncation {
            self.truncation = nil
            return truncation
        }
        guard let archive, !finished else { return nil }
        while true {
            var entry: OpaquePointer?
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF {
                finished = true
                return pending.map { finish($0) }
            }
            guard status >= ARCHIVE_WARN, let entry else { return truncated(archive) }
            guard archive_entry_filetype(entry) == Self.regularFileType else { continue }
            let name = (archive_entry_pathname_utf8(entry) ?? archive_entry_pathname(entry)).map { String(cString: $0) } ?? ""
            lastMember = name
            let (key, fileExtension) = Self.split(name)
            var completed: Sample?
            if pending?.key != key {
                completed = pending
                pending = Sample(key: key)
            }
            if fileExtension == "txt" || fileExtension == "json" {
                guard let data = read(archive) else {
                    let error = truncated(archive)
                    guard let completed else { return error }
                    truncation = error
                    return finish(completed)
                }
                if fileExtension == "txt" {
                    if pending?.text != nil { pending?.duplicate = name }
                    pending?.text = data
                } else {
                    if pending?.json != nil { pending?.duplicate = name }
                    pending?.json = data
                }
            }
            if let completed { return finish(completed) }
        }
    }

    /// WebDataset's key and extension of a member path: `dir/000.en.txt` -> (`dir/000`, `en.txt`).
    static func split(_ name: String) -> (key: String, fileExtension: String) {
        let slash = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
        guard let dot = name[slash...].firstIndex(of: ".") else { return (name, "") }
        return (String(name[..<dot]), name[name.index(after: dot)...].lowercased())
    }

    /// All data of the current member, or `nil` when the archive ends early.
    private func read(_ archive: OpaquePointer) -> [UInt8]? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 { return nil }
            data.append(contentsOf: chunk[..<count])
        }
    }

    private func truncated(_ archive: OpaquePointer) -> SourceRecord {
        finished = true
        let reason = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
        return .bad(FreqBenchError("truncated or damaged tar archive (expected complete tar members): \(reason)",
                                   file: path, location: "member \(lastMember)"), consumesID: false)
    }

    private func finish(_ sample: Sample) -> SourceRecord {
        let location = "sample \(sample.key)"
        if let duplicate = sample.duplicate {
            return .bad(FreqBenchError("duplicate member \(duplicate) (expected one member per extension)", file: path, location: location),
                        consumesID: true)
        }
        if jsonField == nil, let text = sample.text {
            guard let caption = text.withUnsafeBufferPointer({ UTF8Text.string(validating: $0) }) else {
                return .bad(FreqBenchError("invalid UTF-8 in the .txt member (expected UTF-8 text)", file: path, location: location),
                            consumesID: true)
            }
            return .caption(caption)
        }
        let field = jsonField ?? "caption"
        guard let json = sample.json else {
            let expected = jsonField == nil ? "a .txt member or a .json member with a \"caption\" key" : "a .json member with a \"\(field)\" key"
            return .bad(FreqBenchError("no caption (expected \(expected))", file: path, location: location), consumesID: true)
        }
        guard let value = try? JSONParser.parse(Data(json)), let object = value.objectValue else {
            return .bad(FreqBenchError("malformed .json member (expected a JSON object)", file: path, location: location), consumesID: true)
        }
        guard let caption = object[field] else {
            return .bad(FreqBenchError("missing caption field \"\(field)\" in the .json member", file: path, location: location), consumesID: true)
        }
        guard let string = caption.stringValue else {
            return .bad(FreqBenchError("caption field \"\(field)\" of the .json member is not a string", file: path, location: location),
                        consumesID: true)
        }
        return .caption(string)
    }
}
