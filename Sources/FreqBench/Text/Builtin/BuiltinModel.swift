import Foundation

/// The converted en_core_web_sm 3.8.0 data the `builtin` annotator runs on: tokenizer rules,
/// lexical tables, tok2vec + tagger weights, attribute-ruler patterns and lemmatizer tables.
///
/// Produced by `ci/setup-builtin` (scripts/convert_builtin_model.py) into
/// `.cache/builtin-model/` of the repository, or wherever `FREQBENCH_MODEL_DIR` points.
/// The format is documented in docs/FORMATS.md ("Builtin annotator model").
public final class BuiltinModel: Sendable {
    /// The model-format version this code reads.
    public static let formatVersion = 1

    /// Tokenizer patterns and special cases.
    let tokenizerRules: TokenizerRules
    /// Lexeme attributes: norms and the string-id table.
    let vocabulary: Vocabulary
    /// tok2vec + tagger weights.
    let network: TaggerWeights
    /// Fine-grained tag names, in the tagger's output order.
    let tags: [String]
    /// attribute_ruler patterns.
    let attributeRuler: AttributeRuler
    /// Rule-lemmatizer tables.
    let lemmatizer: RuleLemmatizer
    /// The fast tagger's stages (`FastTagger.stageFiles`), in layer order: from the model
    /// folder where it has a copy, else the committed `Models/` files (same SHA-256 either way).
    let fastTaggers: [FastTagger]
    /// SHA-256 of model.json and weights.bin (from manifest.json), for the annotator version.
    public let fingerprint: String

    /// The folder the model is read from: `FREQBENCH_MODEL_DIR`, else `<repository>/.cache/builtin-model`.
    public static var defaultDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["FREQBENCH_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return DataPaths.repositoryRoot.appendingPathComponent(".cache/builtin-model", isDirectory: true)
    }

    /// Loads the model from `directory`; a missing or foreign folder is an error that names
    /// the setup command.
    public init(directory: URL = BuiltinModel.defaultDirectory) throws {
        let modelURL = directory.appendingPathComponent("model.json")
        let weightsURL = directory.appendingPathComponent("weights.bin")
        let manifestURL = directory.appendingPathComponent("manifest.json")
        for url in [modelURL, weightsURL, manifestURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw FreqBenchError(
                "builtin annotator model not found; run `ci/setup-builtin` (or set FREQBENCH_MODEL_DIR)",
                file: url.path)
        }
        let root = try JSONParser.parse(contentsOf: modelURL)
        let reader = ModelReader(file: modelURL.path)
        guard try reader.string(root, "format") == "freqbench-builtin-model",
              try reader.int(root, "formatVersion") == BuiltinModel.formatVersion
        else {
            throw FreqBenchError(
                "not a builtin model of format version \(BuiltinModel.formatVersion); rerun `ci/setup-builtin`",
                file: modelURL.path)
        }
        let weightData: Data
        do { weightData = try Data(contentsOf: weightsURL) } catch {
            throw FreqBenchError("cannot read file", file: weightsURL.path)
        }
        var floats = [Float](repeating: 0, count: weightData.count / 4)
        _ = floats.withUnsafeMutableBytes { weightData.copyBytes(to: $0) }
        for index in floats.indices { floats[index] = Float(bitPattern: UInt32(littleEndian: floats[index].bitPattern)) }

        tokenizerRules = try TokenizerRules(json: try reader.member(root, "tokenizer"), reader: reader)
        vocabulary = try Vocabulary(json: root, reader: reader)
        network = try TaggerWeights(json: root, weights: floats, reader: reader, weightsFile: weightsURL.path)
        tags = try reader.array(root, "tags").map { try reader.string($0) }
        attributeRuler = try AttributeRuler(json: try reader.member(root, "attributeRuler"), reader: reader)
        lemmatizer = try RuleLemmatizer(json: try reader.member(root, "lemmatizer"), reader: reader)
        let depth = network.layers.count - 1, width = network.width, tagNames = tags
        let stages = try FastTagger.stageFiles.map { file in
            let besideModel = directory.appendingPathComponent(file.name)
            let url = FileManager.default.fileExists(atPath: besideModel.path)
                ? besideModel : DataPaths.repositoryRoot.appendingPathComponent(FastTagger.directory).appendingPathComponent(file.name)
            return try FastTagger(contentsOf: url, expectedSHA256: file.sha256, tags: tagNames, width: width, depth: depth)
        }
        fastTaggers = stages.sorted { $0.layer < $1.layer }
        let manifest = try JSONParser.parse(contentsOf: manifestURL)
        let manifestReader = ModelReader(file: manifestURL.path)
        let outputs = try manifestReader.member(manifest, "outputs")
        fingerprint = String(try manifestReader.string(outputs, "weights.bin").prefix(12))
        if network.softmaxBias.count != tags.count {
            throw FreqBenchError("softmax has \(network.softmaxBias.count) outputs for \(tags.count) tags", file: modelURL.path)
        }
    }
}

/// Typed access to model.json members with errors that name the file and member.
struct ModelReader {
    let file: String

    func member(_ value: JSONValue, _ key: String) throws -> JSONValue {
        guard let member = value[key] else { throw FreqBenchError("missing member `\(key)`", file: file) }
        return member
    }

    func string(_ value: JSONValue, _ key: String) throws -> String { try string(try member(value, key)) }

    func string(_ value: JSONValue) throws -> String {
        guard let text = value.stringValue else { throw FreqBenchError("expected a string, found \(value)", file: file) }
        return text
    }

    func int(_ value: JSONValue, _ key: String) throws -> Int { try int(try member(value, key)) }

    func int(_ value: JSONValue) throws -> Int {
        guard let number = value.intValue else { throw FreqBenchError("expected an integer, found \(value)", file: file) }
        return number
    }

    func array(_ value: JSONValue, _ key: String) throws -> [JSONValue] { try array(try member(value, key)) }

    func array(_ value: JSONValue) throws -> [JSONValue] {
        guard let items = value.arrayValue else { throw FreqBenchError("expected an array", file: file) }
        return items
    }

    func object(_ value: JSONValue, _ key: String) throws -> [(String, JSONValue)] {
        guard let members = try member(value, key).objectValue else {
            throw FreqBenchError("member `\(key)` must be an object", file: file)
        }
        return members.map { ($0.key, $0.value) }
    }

    func stringMap(_ value: JSONValue, _ key: String) throws -> [String: String] {
        var map: [String: String] = [:]
        for (name, item) in try object(value, key) { map[name] = try string(item) }
        return map
    }
}
