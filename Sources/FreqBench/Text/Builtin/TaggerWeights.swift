/// The weights of en_core_web_sm's `tok2vec` + `tagger`, as thinc lays them out.
///
/// - embeddings: one `HashEmbed` table per lexical attribute (NORM, PREFIX, SUFFIX, SHAPE,
///   SPACY, IS_SPACE), rows × width, each with its hash seed;
/// - maxout layers: `W` (nO, nP, nI) and `b` (nO, nP), each followed by a layer norm
///   (`G`, `b`); layer 0 mixes the concatenated embeddings, layers 1... are the window
///   encoder (input = previous, current and next vector);
/// - softmax: `W` (tags, width), `b` (tags).
struct TaggerWeights: Sendable {
    /// The lexical attribute a `HashEmbed` table reads (thinc's `FeatureExtractor` columns).
    enum Attribute: String, Sendable {
        case norm = "NORM", prefix = "PREFIX", suffix = "SUFFIX", shape = "SHAPE", spacy = "SPACY", isSpace = "IS_SPACE"
    }

    struct Embedding: Sendable {
        var attribute: Attribute
        var seed: UInt32
        var rows: Int
        var table: [Float]
    }

    struct MaxoutLayer: Sendable {
        /// (outputs × pieces) rows of `inputs` weights.
        var weights: [Float]
        var bias: [Float]
        var gain: [Float]
        var shift: [Float]
        var inputs: Int
    }

    let width: Int
    let pieces: Int
    let embeddings: [Embedding]
    /// Layer 0 mixes the embeddings; the rest are the encoder.
    let layers: [MaxoutLayer]
    let softmaxWeights: [Float]
    let softmaxBias: [Float]

    init(json: JSONValue, weights: [Float], reader: ModelReader, weightsFile: String) throws {
        let config = try reader.member(json, "tok2vec")
        width = try reader.int(config, "width")
        pieces = try reader.int(config, "maxoutPieces")
        let depth = try reader.int(config, "encoderDepth")
        let layout = try reader.member(json, "weights")
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            let entry = try reader.member(layout, name)
            let offset = try reader.int(entry, "offset")
            let stored = try reader.array(entry, "shape").map { try reader.int($0) }
            let count = shape.reduce(1, *)
            guard stored.reduce(1, *) == count, offset >= 0, offset + count <= weights.count else {
                throw FreqBenchError("tensor `\(name)` has shape \(stored), expected \(shape) within the file", file: weightsFile)
            }
            return Array(weights[offset..<(offset + count)])
        }
        embeddings = try reader.array(config, "embeddings").map { item in
            let rows = try reader.int(item, "rows")
            let name = try reader.string(item, "attribute")
            guard let attribute = Attribute(rawValue: name) else {
                throw FreqBenchError("embedding attribute `\(name)` is not one of NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE",
                                     file: reader.file)
            }
            return Embedding(
                attribute: attribute,
                seed: UInt32(try reader.int(item, "seed")),
                rows: rows,
                table: try tensor(try reader.string(item, "weights"), [rows, try reader.int(config, "width")]))
        }
        var layers: [MaxoutLayer] = []
        for index in 0...depth {
            let inputs = index == 0 ? width * embeddings.count : width * 3
            layers.append(MaxoutLayer(
                weights: try tensor("maxout\(index).W", [width, pieces, inputs]),
                bias: try tensor("maxout\(index).b", [width, pieces]),
                gain: try tensor("layernorm\(index).G", [width]),
                shift: try tensor("layernorm\(index).b", [width]),
                inputs: inputs))
        }
        self.layers = layers
        let tagCount = try reader.array(json, "tags").count
        softmaxWeights = try tensor("softmax.W", [tagCount, width])
        softmaxBias = try tensor("softmax.b", [tagCount])
    }

    /// Columns `block · width ..< (block + 1) · width` of a row-major matrix with `columns`
    /// columns, as a row-major (rows × width) matrix: one input block of a layer whose input is
    /// several width-wide vectors side by side (a window of rows, or concatenated embeddings).
    static func columnBlock(_ matrix: [Float], columns: Int, block: Int, width: Int) -> [Float] {
        let rows = matrix.count / columns
        var result: [Float] = []
        result.reserveCapacity(rows * width)
        for row in 0..<rows {
            let start = row * columns + block * width
            result.append(contentsOf: matrix[start..<(start + width)])
        }
        return result
    }
}
