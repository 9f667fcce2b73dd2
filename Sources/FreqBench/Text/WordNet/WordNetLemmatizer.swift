import Foundation
import Synchronization

/// NLTK 3.8.1's `WordNetLemmatizer().lemmatize(word)` with the default noun POS, on WordNet
/// 3.0's `index.noun` and `noun.exc` (docs/BEYOND-TAIL.md, sections 3–4).
///
/// `morphy` is nltk 3.8.1's `wn._morphy(word, "n")`: an exception list (`noun.exc`) answers
/// alone, filtered by the lemma list, even when that leaves nothing; otherwise the
/// substitution rules are applied once (the word itself is checked too), then again and again
/// to the forms they made until some form is a noun lemma. `lemmatize` takes the first of the
/// shortest results, or the word itself when there is none. Immutable after loading (but for
/// the full lemma list, made behind a lock the first time a word outside `[a-z]+` needs it), so
/// one instance serves any number of threads.
public final class WordNetLemmatizer: Sendable {
    /// The environment variable naming the WordNet dict directory.
    public static let environmentVariable = "FREQBENCH_WORDNET"
    /// Where `ci/setup-wordnet` installs Debian's wordnet-base.
    public static let defaultDirectoryPath = "/usr/share/wordnet"
    /// The files read (and digested), in that order.
    public static let fileNames = ["index.noun", "noun.exc"]

    /// nltk's `MORPHOLOGICAL_SUBSTITUTIONS[NOUN]`, in order: (suffix, replacement).
    static let substitutions: [(suffix: String, replacement: String)] = [
        ("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
        ("men", "man"), ("ies", "y"),
    ]

    /// The directory the files were read from.
    public let directory: URL
    /// SHA-256 (hex) of the files read: of the lines `<name> <sha256 of the file>\n`, in `fileNames` order.
    public let digest: String
    /// The noun lemmas (first fields of the `index.noun` lines not starting with a space) that
    /// a lookup can ask for from a word of `[a-z]+`: those of `[a-z]+` (the substitution rules
    /// only make such forms of such a word) and those equal to a `noun.exc` value.
    let lemmas: ByteStringTable
    /// `index.noun`, for `otherLemmas`.
    private let indexNoun: Data
    /// Every noun lemma, made on first use: only a word outside `[a-z]+` can need it.
    private let otherLemmas = Mutex<Set<String>?>(nil)
    /// `noun.exc`'s first fields (a repeated one keeps its last line) and, by their number, the other fields.
    let exceptionKeys: ByteStringTable
    let exceptionValues: [[[UInt8]]]

    /// The number of noun lemmas in `index.noun`.
    public let lemmaCount: Int
    public var exceptionCount: Int { exceptionKeys.count }

    /// The WordNet dict directory: `FREQBENCH_WORDNET`, else /usr/share/wordnet.
    public static var defaultDirectory: URL {
        if let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: defaultDirectoryPath, isDirectory: true)
    }

    /// Reads `index.noun` and `noun.exc` from `directory`; a missing or unreadable file is an
    /// error naming its path and how to install it.
    public init(directory: URL = WordNetLemmatizer.defaultDirectory) throws {
        self.directory = directory
        var files: [Data] = []
        var listing = ""
        for name in Self.fileNames {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw FreqBenchError("WordNet 3.0 file missing: run ci/setup-wordnet (Debian's wordnet-base), "
                    + "or set \(Self.environmentVariable) to a WordNet 3.0 dict directory", file: url.path)
            }
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw FreqBenchError("cannot read the WordNet file: \(error.localizedDescription)", file: url.path)
            }
            files.append(data)
            listing += "\(name) \(SHA256.hex(of: data))\n"
        }
        digest = SHA256.hex(of: Data(listing.utf8))
        indexNoun = files[0]
        (exceptionKeys, exceptionValues) = Self.parseExceptions(files[1])
        var unusual = ByteStringTable(capacity: 64)
        for value in exceptionValues.joined() where !Self.isLowercaseWord(value) { value.withUnsafeBufferPointer { _ = unusual.insert($0) } }
        (lemmas, lemmaCount) = Self.parseLemmas(files[0], including: unusual)
        guard lemmaCount > 0 else {
            throw FreqBenchError("no noun lemmas in the WordNet index (run ci/setup-wordnet)",
                                 file: directory.appendingPathComponent(Self.fileNames[0]).path)
        }
    }

    /// The lemma of `word` as a noun (`WordNetLemmatizer().lemmatize(word)`).
    public func lemmatize(_ word: String) -> String {
        var word = word
        return word.withUTF8 { lemmatize(bytes: $0) }
    }

    /// `lemmatize` of a word given as UTF-8.
    func lemmatize(bytes word: UnsafeBufferPointer<UInt8>) -> String {
        // Python's min(..., key=len): the first of the shortest (len counts code points).
        var best: (form: [UInt8], length: Int)?
        for form in morphy(bytes: Array(word)) {
            let length = form.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            if best == nil || length < best!.length { best = (form, length) }
        }
        return String(decoding: best?.form ?? Array(word), as: UTF8.self)
    }

    /// nltk 3.8.1's `wn._morphy(word, "n")`: the candidate lemmas, in order.
    public func morphy(_ word: String) -> [String] {
        morphy(bytes: Array(word.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    func morphy(bytes word: [UInt8]) -> [[UInt8]] {
        if let exception = word.withUnsafeBufferPointer({ exceptionKeys.find($0) }) {
            return keep([word] + exceptionValues[Int(exception)])
        }
        var forms = Self.apply([word])
        let first = keep([word] + forms)
        if !first.isEmpty { return first }
        while !forms.isEmpty {
            forms = Self.apply(forms)
            let found = keep(forms)
            if !found.isEmpty { return found }
        }
        return []
    }

    /// The forms that are noun lemmas, in order, each once.
    private func keep(_ forms: [[UInt8]]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for form in forms where !result.contains(form) && isLemma(form) { result.append(form) }
        return result
    }

    /// Whether `form` is a noun lemma (a key of NLTK's lemma map with POS `n`).
    private func isLemma(_ form: [UInt8]) -> Bool {
        if form.withUnsafeBufferPointer({ lemmas.find($0) }) != nil { return true }
        if Self.isLowercaseWord(form) || form.isEmpty { return false }   // all of those are in `lemmas`
        let text = String(decoding: form, as: UTF8.self)
        return otherLemmas.withLock { all in
            if all == nil { all = Self.allLemmas(indexNoun) }
            return all!.contains(text)
        }
    }

    static func isLowercaseWord(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }

    /// Every rule whose suffix ends each form, applied to it: forms in order, rules in order.
    static func apply(_ forms: [[UInt8]]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for form in forms {
            for (suffix, replacement) in substitutionBytes where form.count >= suffix.count && form.suffix(suffix.count).elementsEqual(suffix) {
                result.append(Array(form.dropLast(suffix.count)) + replacement)
            }
        }
        return result
    }

    static let substitutionBytes: [(suffix: [UInt8], replacement: [UInt8])] = substitutions.map { (Array($0.suffix.utf8), Array($0.replacement.utf8)) }

    /// First fields of the lines that do not start with a space (the license header does):
    /// those of `[a-z]+` or in `including` go into the table; all are counted.
    static func parseLemmas(_ data: Data, including: ByteStringTable) -> (table: ByteStringTable, count: Int) {
        // About half of WordNet 3.0's 117,798 noun lemmas are [a-z]+; a table sized for them.
        var lemmas = ByteStringTable(capacity: 65_536, bytes: data.count / 6)
        var count = 0
        forEachLemma(data) { lemma in
            count += 1
            if lemma.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) || including.find(lemma) != nil { lemmas.insert(lemma) }
        }
        return (lemmas, count)
    }

    /// Every noun lemma of `data` (`index.noun`) as a `String`.
    static func allLemmas(_ data: Data) -> Set<String> {
        var all = Set<String>()
        forEachLemma(data) { all.insert(String(decoding: $0, as: UTF8.self)) }
        return all
    }

    /// The first field of each line not starting with a space.
    private static func forEachLemma(_ data: Data, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forEachLine(data) { line in
            guard let first = line.first, first != 0x20 else { return }
            var end = 0
            while end < line.count && !isSpace(line[end]) { end += 1 }
            if end > 0 { body(UnsafeBufferPointer(rebasing: line[0..<end])) }
        }
    }

    /// Whitespace-separated fields per line; the first is the key, the rest its value; later lines win.
    static func parseExceptions(_ data: Data) -> (keys: ByteStringTable, values: [[[UInt8]]]) {
        var keys = ByteStringTable(capacity: 4096)
        var values: [[[UInt8]]] = []
        forEachLine(data) { line in
            var parts: [UnsafeBufferPointer<UInt8>] = []
            var position = 0
            while position < line.count {
                while position < line.count && isSpace(line[position]) { position += 1 }
                let start = position
                while position < line.count && !isSpace(line[position]) { position += 1 }
                if position > start { parts.append(UnsafeBufferPointer(rebasing: line[start..<position])) }
            }
            guard let key = parts.first else { return }
            let (number, inserted) = keys.insert(key)
            let value = parts.dropFirst().map { Array($0) }
            if inserted { values.append(value) } else { values[Int(number)] = value }
        }
        return (keys, values)
    }

    /// Each line (split at LF, empty lines skipped), as bytes valid during the call.
    private static func forEachLine(_ data: Data, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if end > start { body(UnsafeBufferPointer(rebasing: bytes[start..<end])) }
                start = end + 1
            }
        }
    }

    /// Whitespace as Python's `str.split()` sees it in ASCII text.
    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x1F) }
}
