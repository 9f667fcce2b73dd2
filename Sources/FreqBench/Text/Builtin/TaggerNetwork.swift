import Synchronization

/// Inference of en_core_web_sm's tagging path: `tok2vec` (MultiHashEmbed + MaxoutWindowEncoder)
/// and the tagger's softmax, as thinc computes them, batched through BLAS.
///
/// - Embedding: for each attribute (NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE) the
///   spaCy string id is hashed with MurmurHash3 (the table's seed) into four rows, which
///   are summed; the six vectors are concatenated and mixed by a maxout layer with layer
///   norm. This depends only on the token, so it is cached per (text, special NORM, space).
/// - Encoder: four residual layers `x += LayerNorm(Maxout([x[i-1], x[i], x[i+1]]))`, over
///   the docs laid end to end with four zero rows before, between and after them, exactly
///   as thinc's `with_array(pad=4)` does (no doc sees another: the receptive field is 4).
/// - Tag: argmax of the softmax logits (first maximum on ties, like numpy).
final class TaggerNetwork: Sendable {
    struct EmbeddingKey: Hashable, Sendable {
        var text: String
        var norm: String?
        var spaceAfter: Bool
    }

    let weights: TaggerWeights
    let vocabulary: Vocabulary
    private let cache = Mutex<[EmbeddingKey: [Float]]>([:])
    /// The most tokens whose mixed embedding is kept (each costs about 0.5 KiB).
    let cacheLimit: Int
    private static let padding = 4

    init(weights: TaggerWeights, vocabulary: Vocabulary, cacheLimit: Int = 400_000) {
        self.weights = weights
        self.vocabulary = vocabulary
        self.cacheLimit = cacheLimit
    }

    /// The index of the best tag of every token of every doc.
    func tagIndexes(_ docs: [[TextToken]]) -> [[Int]] {
        let width = weights.width
        let pad = TaggerNetwork.padding
        let tokenCount = docs.reduce(0) { $0 + $1.count }
        if tokenCount == 0 { return docs.map { _ in [] } }
        let rows = tokenCount + pad * (docs.count + 1)
        var hidden = [Float](repeating: 0, count: rows * width)
        // Mixed embeddings, from the cache or computed for the missing tokens at once.
        var rowKeys: [(row: Int, key: EmbeddingKey)] = []
        rowKeys.reserveCapacity(tokenCount)
        var row = pad
        for doc in docs {
            for token in doc {
                rowKeys.append((row, EmbeddingKey(text: token.text, norm: token.norm, spaceAfter: token.spaceAfter)))
                row += 1
            }
            row += pad
        }
        var missing: [EmbeddingKey] = []
        var missingPosition: [EmbeddingKey: Int] = [:]
        var pendingRows: [(row: Int, missingIndex: Int)] = []
        cache.withLock { cache in
            for (row, key) in rowKeys {
                if let vector = cache[key] {
                    let base = row * width
                    for column in 0..<width { hidden[base + column] = vector[column] }
                } else {
                    let position: Int
                    if let known = missingPosition[key] {
                        position = known
                    } else {
                        position = missing.count
                        missingPosition[key] = position
                        missing.append(key)
                    }
                    pendingRows.append((row, position))
                }
            }
        }
        if !missing.isEmpty {
            let vectors = embed(missing)
            for (row, index) in pendingRows {
                let source = index * width, target = row * width
                for column in 0..<width { hidden[target + column] = vectors[source + column] }
            }
            cache.withLock { cache in
                for (index, key) in missing.enumerated() where cache.count < cacheLimit {
                    cache[key] = Array(vectors[(index * width)..<((index + 1) * width)])
                }
            }
        }
        // Encoder.
        var window = [Float](repeating: 0, count: rows * width * 3)
        var product = [Float](repeating: 0, count: rows * width * weights.pieces)
        for layer in weights.layers.dropFirst() {
            hidden.withUnsafeBufferPointer { source in
                window.withUnsafeMutableBufferPointer { target in
                    for row in 0..<rows {
                        let base = row * width * 3
                        if row > 0 {
                            for column in 0..<width { target[base + column] = source[(row - 1) * width + column] }
                        } else {
                            for column in 0..<width { target[base + column] = 0 }
                        }
                        for column in 0..<width { target[base + width + column] = source[row * width + column] }
                        if row + 1 < rows {
                            for column in 0..<width { target[base + 2 * width + column] = source[(row + 1) * width + column] }
                        } else {
                            for column in 0..<width { target[base + 2 * width + column] = 0 }
                        }
                    }
                }
            }
            maxoutLayerNorm(input: window, rows: rows, layer: layer, product: &product) { row, column, value in
                hidden[row * width + column] += value
            }
        }
        // Softmax logits -> argmax.
        let tagCount = weights.softmaxBias.count
        var logits = [Float](repeating: 0, count: rows * tagCount)
        hidden.withUnsafeBufferPointer { h in
            weights.softmaxWeights.withUnsafeBufferPointer { w in
                logits.withUnsafeMutableBufferPointer { l in
                    if let a = h.baseAddress, let b = w.baseAddress, let c = l.baseAddress {
                        BLAS.sgemm(a, b, c, m: rows, n: tagCount, k: width, transposeB: true)
                    }
                }
            }
        }
        var result: [[Int]] = []
        result.reserveCapacity(docs.count)
        row = pad
        for doc in docs {
            var tags: [Int] = []
            tags.reserveCapacity(doc.count)
            for _ in doc {
                var best = 0
                var bestValue = -Float.infinity
                for tag in 0..<tagCount {
                    let value = logits[row * tagCount + tag] + weights.softmaxBias[tag]
                    if value > bestValue {
                        bestValue = value
                        best = tag
                    }
                }
                tags.append(best)
                row += 1
            }
            result.append(tags)
            row += pad
        }
        return result
    }

    /// The mixed embedding (width floats each) of `keys`.
    private func embed(_ keys: [EmbeddingKey]) -> [Float] {
        let width = weights.width
        let tables = weights.embeddings
        let inputs = width * tables.count
        var concatenated = [Float](repeating: 0, count: keys.count * inputs)
        for (index, key) in keys.enumerated() {
            let features = features(of: key)
            for (tableIndex, table) in tables.enumerated() {
                let hash = MurmurHash.x86_128(features[tableIndex], seed: table.seed)
                let rowsInTable = UInt32(table.rows)
                let base = index * inputs + tableIndex * width
                for word in [hash.0, hash.1, hash.2, hash.3] {
                    let source = Int(word % rowsInTable) * width
                    for column in 0..<width { concatenated[base + column] += table.table[source + column] }
                }
            }
        }
        var output = [Float](repeating: 0, count: keys.count * width)
        var product = [Float](repeating: 0, count: keys.count * width * weights.pieces)
        maxoutLayerNorm(input: concatenated, rows: keys.count, layer: weights.layers[0], product: &product) { row, column, value in
            output[row * width + column] = value
        }
        return output
    }

    /// The six feature ids thinc's `FeatureExtractor` reads: NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE.
    func features(of key: EmbeddingKey) -> [UInt64] {
        let norm = key.norm ?? vocabulary.norm(key.text)
        return weights.embeddings.map { table in
            switch table.attribute {
            case "NORM": return vocabulary.id(norm)
            case "PREFIX": return vocabulary.id(Vocabulary.prefix(key.text))
            case "SUFFIX": return vocabulary.id(Vocabulary.suffix(key.text))
            case "SHAPE": return vocabulary.id(Vocabulary.shape(key.text))
            case "SPACY": return key.spaceAfter ? 1 : 0
            case "IS_SPACE": return Vocabulary.isSpace(key.text) ? 1 : 0
            default: return 0
            }
        }
    }

    /// `LayerNorm(Maxout(input))` of `rows` input rows; hands each output value to `emit`.
    private func maxoutLayerNorm(
        input: [Float], rows: Int, layer: TaggerWeights.MaxoutLayer, product: inout [Float],
        emit: (Int, Int, Float) -> Void
    ) {
        let width = weights.width
        let pieces = weights.pieces
        let outputs = width * pieces
        input.withUnsafeBufferPointer { x in
            layer.weights.withUnsafeBufferPointer { w in
                product.withUnsafeMutableBufferPointer { y in
                    if let a = x.baseAddress, let b = w.baseAddress, let c = y.baseAddress {
                        BLAS.sgemm(a, b, c, m: rows, n: outputs, k: layer.inputs, transposeB: true)
                    }
                }
            }
        }
        var best = [Float](repeating: 0, count: width)
        for row in 0..<rows {
            let base = row * outputs
            var sum: Float = 0
            for unit in 0..<width {
                var value = product[base + unit * pieces] + layer.bias[unit * pieces]
                for piece in 1..<pieces {
                    let candidate = product[base + unit * pieces + piece] + layer.bias[unit * pieces + piece]
                    if candidate > value { value = candidate }
                }
                best[unit] = value
                sum += value
            }
            let mean = sum / Float(width)
            var squares: Float = 0
            for unit in 0..<width {
                let deviation = best[unit] - mean
                squares += deviation * deviation
            }
            let variance = squares / Float(width) + 1e-8
            let scale = 1 / variance.squareRoot()
            for unit in 0..<width {
                emit(row, unit, (best[unit] - mean) * scale * layer.gain[unit] + layer.shift[unit])
            }
        }
    }
}
