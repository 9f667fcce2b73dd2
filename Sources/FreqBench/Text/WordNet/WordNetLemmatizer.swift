import Foundation

/// NLTK 3.8.1's `WordNetLemmatizer().lemmatize(word)` with the default noun POS, on WordNet
/// 3.0's `index.noun` and `noun.exc` (docs/BEYOND-TAIL.md, sections 3–4).
///
/// `morphy` is nltk 3.8.1's `wn._morphy(word, "n")`: an exception list (`noun.exc`) answers
/// alone, filtered by the lemma list, even when that leaves nothing; otherwise the
/// substitution rules are applied once (the word itself is checked too), then again and again
/// to the forms they made until some form is a noun lemma. `lemmatize` takes the first of the
/// shortest results, or the word itself when there is none. Immutable after loading, so one
/// instance serves any number of threads.
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
    /// Every noun lemma: the first field of each `index.noun` line not starting with a space.
    let lemmas: Set<String>
    /// `noun.exc`: first field -> the other fields (a repeated first field keeps its last line).
    let exceptions: [String: [String]]

    public var lemmaCount: Int { lemmas.count }
    public var exceptionCount: Int { exceptions.count }

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
        lemmas = Self.parseLemmas(files[0])
        exceptions = Self.parseExceptions(files[1])
        guard !lemmas.isEmpty else {
            throw FreqBenchError("no noun lemmas in the WordNet index (run ci/setup-wordnet)",
                                 file: directory.appendingPathComponent(Self.fileNames[0]).path)
        }
    }

    /// The lemma of `word` as a noun (`WordNetLemmatizer().lemmatize(word)`).
    public func lemmatize(_ word: String) -> String {
        // Python's min(..., key=len): the first of the shortest (len counts code points).
        var best: (form: String, length: Int)?
        for form in morphy(word) {
            let length = form.unicodeScalars.count
            if best == nil || length < best!.length { best = (form, length) }
        }
        return best?.form ?? word
    }

    /// nltk 3.8.1's `wn._morphy(word, "n")`: the candidate lemmas, in order.
    public func morphy(_ word: String) -> [String] {
        if let exception = exceptions[word] { return keep([word] + exception) }
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
    private func keep(_ forms: [String]) -> [String] {
        var result: [String] = []
        for form in forms where lemmas.contains(form) && !result.contains(form) { result.append(form) }
        return result
    }

    /// Every rule whose suffix ends each form, applied to it: forms in order, rules in order.
    static func apply(_ forms: [String]) -> [String] {
        var result: [String] = []
        for form in forms {
            let bytes = Array(form.utf8)
            for (suffix, replacement) in substitutions where bytes.count >= suffix.utf8.count && bytes.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) {
                result.append(String(decoding: bytes.dropLast(suffix.utf8.count), as: UTF8.self) + replacement)
            }
        }
        return result
    }

    /// First fields of the lines that do not start with a space (the license header does).
    static func parseLemmas(_ data: Data) -> Set<String> {
        var lemmas = Set<String>()
        lemmas.reserveCapacity(120_000)
        forEachLine(data) { line in
            guard let first = line.first, first != 0x20 else { return }
            if let field = fields(line).first { lemmas.insert(String(decoding: field, as: UTF8.self)) }
        }
        return lemmas
    }

    /// Whitespace-separated fields per line; the first is the key, the rest its value; later lines win.
    static func parseExceptions(_ data: Data) -> [String: [String]] {
        var exceptions: [String: [String]] = [:]
        forEachLine(data) { line in
            let parts = fields(line).map { String(decoding: $0, as: UTF8.self) }
            guard let key = parts.first else { return }
            exceptions[key] = Array(parts.dropFirst())
        }
        return exceptions
    }

    private static func forEachLine(_ data: Data, _ body: (ArraySlice<UInt8>) -> Void) {
        let bytes = [UInt8](data)
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) { body(line) }
    }

    /// Python's `str.split()` on an ASCII line: runs of whitespace separate fields.
    private static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        line.split(whereSeparator: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) || ($0 >= 0x1C && $0 <= 0x1F) })
    }
}
