import Synchronization

/// Inference of en_core_web_sm's tagging path: `tok2vec` (MultiHashEmbed + MaxoutWindowEncoder)
/// and the tagger's softmax, as thinc computes them, batched through BLAS.
///
/// - Embedding: for each attribute (NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE) the
///   spaCy string id is hashed with MurmurHash3 (the table's seed) into four rows, which
///   are summed; the six vectors are concatenated and mixed by a maxout layer with layer
///   norm.
/// - Encoder: four residual layers `x += LayerNorm(Maxout(W · [x[i-1], x[i], x[i+1]] + b))`,
///   over the docs laid end to end with four zero rows before, between and after them,
///   exactly as thinc's `with_array(pad=4)` does (no doc sees another: the receptive field is 4).
/// - Tag: argmax of the softmax logits (first maximum on ties, like numpy).
///
/// Work that depends on one token only is cached per token (text, special-case NORM, space
/// after): its mixed embedding `e` and the three products `W₁[:, left|centre|right] · e`, so
/// the first encoder layer is three vector sums instead of a matrix product. Later layers
/// compute only the rows the output depends on (layer k: rows within 4 − k of a token that
/// needs the exact tag: every token, or with a `FastTagger` only those it is not certain of).
final class TaggerNetwork: Sendable {
    struct EmbeddingKey: Hashable, Sendable {
        var text: String
        var norm: String?
        var spaceAfter: Bool
    }

    let weights: TaggerWeights
    let vocabulary: Vocabulary
    /// Per token: e (width) followed by the first layer's left, centre and right products (3 × width × pieces).
    private let cache = Mutex<[EmbeddingKey: [Float]]>([:])
    /// The most tokens kept in the cache (each costs about 4 KiB).
    let cacheLimit: Int
    /// First encoder layer regrouped as [left; centre; right] blocks, (3 · width · pieces) × width.
    private let firstLayerBlocks: [Float]
    /// First encoder layer output (before the residual) of a row whose window is all zeros.
    private let zeroWindowOutput: [Float]
    private static let padding = 4
    /// Tokens tagged so far with a fast tagger, and how many of them it decided.
    let tokensTagged = Atomic<Int>(0)
    let fastDecisions = Atomic<Int>(0)

    init(weights: TaggerWeights, vocabulary: Vocabulary, cacheLimit: Int = 60_000) {
        self.weights = weights
        self.vocabulary = vocabulary
        self.cacheLimit = cacheLimit
        let width = weights.width, outputs = weights.width * weights.pieces
        let first = weights.layers[1]
        var blocks = [Float](repeating: 0, count: 3 * outputs * width)
        for block in 0..<3 {
            for output in 0..<outputs {
                for column in 0..<width {
                    blocks[(block * outputs + output) * width + column] = first.weights[output * first.inputs + block * width + column]
                }
            }
        }
        firstLayerBlocks = blocks
        var zero = [Float](repeating: 0, count: width)
        let product = [Float](repeating: 0, count: outputs)
        product.withUnsafeBufferPointer { p in
            zero.withUnsafeMutableBufferPointer { z in
                TaggerNetwork.maxoutLayerNorm(product: p.baseAddress!, layer: first, width: width, pieces: weights.pieces, output: z.baseAddress!, accumulate: false)
            }
        }
        zeroWindowOutput = zero
    }

    /// The index of the best tag of every token of every doc: the exact tagger's, or where
    /// `fast` is given and certain of a token's decision class, the fast tagger's (see
    /// `FastTagger`); the later encoder layers then run only where uncertain tokens need them.
    func tagIndexes(_ docs: [[TextToken]], fast: FastTagger? = nil) -> [[Int]] {
        let width = weights.width
        let pieces = weights.pieces
        let outputs = width * pieces
        let pad = TaggerNetwork.padding
        let tokenCount = docs.reduce(0) { $0 + $1.count }
        if tokenCount == 0 { return docs.map { _ in [] } }
        let rows = tokenCount + pad * (docs.count + 1)

        // Which cached entry each row holds (-1: padding), and each row's distance to a token.
        var rowEntry = [Int](repeating: -1, count: rows)
        var tokenRows: [Int] = []
        tokenRows.reserveCapacity(tokenCount)
        var keys: [EmbeddingKey] = []
        var keyIndex: [EmbeddingKey: Int] = [:]
        var row = pad
        for doc in docs {
            for token in doc {
                let key = EmbeddingKey(text: token.text, norm: token.norm, spaceAfter: token.spaceAfter)
                if let known = keyIndex[key] {
                    rowEntry[row] = known
                } else {
                    keyIndex[key] = keys.count
                    rowEntry[row] = keys.count
                    keys.append(key)
                }
                tokenRows.append(row)
                row += 1
            }
            row += pad
        }
        var entries = [[Float]](repeating: [], count: keys.count)
        var missing: [Int] = []
        cache.withLock { cache in
            for (index, key) in keys.enumerated() {
                if let entry = cache[key] { entries[index] = entry } else { missing.append(index) }
            }
        }
        if !missing.isEmpty {
            let computed = embedAndProject(missing.map { keys[$0] })
            let entrySize = width + 3 * outputs
            var fresh: [(EmbeddingKey, [Float])] = []
            fresh.reserveCapacity(missing.count)
            for (position, index) in missing.enumerated() {
                let entry = Array(computed[(position * entrySize)..<((position + 1) * entrySize)])
                entries[index] = entry
                fresh.append((keys[index], entry))
            }
            cache.withLock { cache in
                for (key, entry) in fresh where cache.count < cacheLimit { cache[key] = entry }
            }
        }
        // Layer 0 + encoder layer 1 from the cached per-token vectors.
        var hidden = [Float](repeating: 0, count: rows * width)
        var sum = [Float](repeating: 0, count: outputs)
        let firstLayer = weights.layers[1]
        hidden.withUnsafeMutableBufferPointer { x in
            sum.withUnsafeMutableBufferPointer { z in
                let xBase = x.baseAddress!, zBase = z.baseAddress!
                for r in 0..<rows {
                    let target = xBase + r * width
                    if let entry = rowEntry[r] >= 0 ? entries[rowEntry[r]] : nil {
                        entry.withUnsafeBufferPointer { e in target.update(from: e.baseAddress!, count: width) }
                    }
                    let left = r > 0 ? rowEntry[r - 1] : -1
                    let centre = rowEntry[r]
                    let right = r + 1 < rows ? rowEntry[r + 1] : -1
                    if left < 0 && centre < 0 && right < 0 {
                        for unit in 0..<width { target[unit] += zeroWindowOutput[unit] }
                        continue
                    }
                    zBase.update(repeating: 0, count: outputs)
                    func add(_ entryIndex: Int, block: Int) {
                        guard entryIndex >= 0 else { return }
                        entries[entryIndex].withUnsafeBufferPointer { e in
                            let source = e.baseAddress! + width + block * outputs
                            for unit in 0..<outputs { zBase[unit] += source[unit] }
                        }
                    }
                    add(left, block: 0)
                    add(centre, block: 1)
                    add(right, block: 2)
                    TaggerNetwork.maxoutLayerNorm(product: zBase, layer: firstLayer, width: width, pieces: pieces, output: target, accumulate: true)
                }
            }
        }

        // The fast tagger decides the tokens it is certain of; the rest are exact.
        var fastTags = [Int](repeating: -1, count: tokenCount)
        if let fast {
            fastTags = fastTagIndexes(fast, hidden: hidden, tokenRows: tokenRows)
            fastDecisions.add(fastTags.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }, ordering: .relaxed)
            tokensTagged.add(tokenCount, ordering: .relaxed)
        }
        let exactRows = zip(tokenRows, fastTags).compactMap { $1 < 0 ? $0 : nil }
        var distance = [Int](repeating: Int.max / 2, count: rows)
        var previous = Int.min / 2
        var nextExact = 0
        for r in 0..<rows {
            if nextExact < exactRows.count && exactRows[nextExact] == r { previous = r; nextExact += 1 }
            let following = nextExact < exactRows.count ? exactRows[nextExact] : Int.max / 2
            distance[r] = min(r - previous, following - r)
        }

        // Encoder layers 2...: only rows within reach of an exact token's output.
        let depth = weights.layers.count - 1
        var window: [Float] = []
        var product: [Float] = []
        for layerNumber in 2...depth {
            let layer = weights.layers[layerNumber]
            let reach = depth - layerNumber
            let selected = (0..<rows).filter { distance[$0] <= reach }
            let count = selected.count
            if count == 0 { break }
            if window.count < count * width * 3 { window = TaggerNetwork.uninitialized(count * width * 3) }
            if product.count < count * outputs { product = TaggerNetwork.uninitialized(count * outputs) }
            hidden.withUnsafeMutableBufferPointer { x in
                window.withUnsafeMutableBufferPointer { w in
                    product.withUnsafeMutableBufferPointer { y in
                        let xBase = x.baseAddress!, wBase = w.baseAddress!, yBase = y.baseAddress!
                        for (index, r) in selected.enumerated() {
                            let target = wBase + index * width * 3
                            if r > 0 { target.update(from: xBase + (r - 1) * width, count: width) } else { target.update(repeating: 0, count: width) }
                            (target + width).update(from: xBase + r * width, count: width)
                            if r + 1 < rows { (target + 2 * width).update(from: xBase + (r + 1) * width, count: width) } else { (target + 2 * width).update(repeating: 0, count: width) }
                        }
                        layer.weights.withUnsafeBufferPointer { m in
                            BLAS.sgemm(wBase, m.baseAddress!, yBase, m: count, n: outputs, k: layer.inputs, transposeB: true)
                        }
                        for (index, r) in selected.enumerated() {
                            TaggerNetwork.maxoutLayerNorm(product: yBase + index * outputs, layer: layer, width: width, pieces: pieces, output: xBase + r * width, accumulate: true)
                        }
                    }
                }
            }
        }

        // Softmax logits of the exact token rows -> argmax.
        let tagCount = weights.softmaxBias.count
        let exactCount = exactRows.count
        var tokenHidden = TaggerNetwork.uninitialized(max(1, exactCount) * width)
        var logits = TaggerNetwork.uninitialized(max(1, exactCount) * tagCount)
        if exactCount > 0 {
            hidden.withUnsafeBufferPointer { x in
                tokenHidden.withUnsafeMutableBufferPointer { t in
                    for (index, r) in exactRows.enumerated() {
                        (t.baseAddress! + index * width).update(from: x.baseAddress! + r * width, count: width)
                    }
                }
            }
            tokenHidden.withUnsafeBufferPointer { h in
                weights.softmaxWeights.withUnsafeBufferPointer { w in
                    logits.withUnsafeMutableBufferPointer { l in
                        BLAS.sgemm(h.baseAddress!, w.baseAddress!, l.baseAddress!, m: exactCount, n: tagCount, k: width, transposeB: true)
                    }
                }
            }
        }
        var result: [[Int]] = []
        result.reserveCapacity(docs.count)
        var tokenIndex = 0
        var exactIndex = 0
        logits.withUnsafeBufferPointer { l in
            weights.softmaxBias.withUnsafeBufferPointer { b in
                for doc in docs {
                    var tags: [Int] = []
                    tags.reserveCapacity(doc.count)
                    for _ in doc {
                        if fastTags[tokenIndex] >= 0 {
                            tags.append(fastTags[tokenIndex])
                            tokenIndex += 1
                            continue
                        }
                        let base = l.baseAddress! + exactIndex * tagCount
                        var best = 0
                        var bestValue = base[0] + b[0]
                        for tag in 1..<tagCount where base[tag] + b[tag] > bestValue {
                            bestValue = base[tag] + b[tag]
                            best = tag
                        }
                        tags.append(best)
                        tokenIndex += 1
                        exactIndex += 1
                    }
                    result.append(tags)
                }
            }
        }
        return result
    }

    /// The fast tagger's certain tag of every token (-1 where it is not certain), from the
    /// first encoder layer's output rows around each token.
    private func fastTagIndexes(_ fast: FastTagger, hidden: [Float], tokenRows: [Int]) -> [Int] {
        let width = weights.width
        let tagCount = weights.softmaxBias.count
        let count = tokenRows.count
        var windows = TaggerNetwork.uninitialized(count * fast.inputs)
        var activations = TaggerNetwork.uninitialized(count * fast.hidden)
        var scores = TaggerNetwork.uninitialized(count * tagCount)
        hidden.withUnsafeBufferPointer { x in
            windows.withUnsafeMutableBufferPointer { w in
                for (index, r) in tokenRows.enumerated() {
                    // Token rows have at least `padding` (>= radius) rows on each side.
                    (w.baseAddress! + index * fast.inputs).update(from: x.baseAddress! + (r - fast.radius) * width, count: fast.inputs)
                }
            }
        }
        windows.withUnsafeBufferPointer { w in
            fast.hiddenWeights.withUnsafeBufferPointer { m in
                activations.withUnsafeMutableBufferPointer { a in
                    BLAS.sgemm(w.baseAddress!, m.baseAddress!, a.baseAddress!, m: count, n: fast.hidden, k: fast.inputs, transposeB: true)
                }
            }
        }
        activations.withUnsafeMutableBufferPointer { a in
            fast.hiddenBias.withUnsafeBufferPointer { b in
                for index in 0..<count {
                    let row = a.baseAddress! + index * fast.hidden
                    for unit in 0..<fast.hidden { row[unit] = max(0, row[unit] + b[unit]) }
                }
            }
        }
        activations.withUnsafeBufferPointer { a in
            fast.outputWeights.withUnsafeBufferPointer { m in
                scores.withUnsafeMutableBufferPointer { y in
                    BLAS.sgemm(a.baseAddress!, m.baseAddress!, y.baseAddress!, m: count, n: tagCount, k: fast.hidden, transposeB: true)
                }
            }
        }
        return scores.withUnsafeBufferPointer { y in
            (0..<count).map { fast.certainTag(scores: y.baseAddress! + $0 * tagCount) ?? -1 }
        }
    }

    /// For each key: its mixed embedding (width) and the first encoder layer's three block
    /// products with it (3 × width × pieces), concatenated.
    private func embedAndProject(_ keys: [EmbeddingKey]) -> [Float] {
        let width = weights.width
        let pieces = weights.pieces
        let outputs = width * pieces
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
        var product = TaggerNetwork.uninitialized(keys.count * outputs)
        let mixing = weights.layers[0]
        concatenated.withUnsafeBufferPointer { x in
            mixing.weights.withUnsafeBufferPointer { w in
                product.withUnsafeMutableBufferPointer { y in
                    BLAS.sgemm(x.baseAddress!, w.baseAddress!, y.baseAddress!, m: keys.count, n: outputs, k: inputs, transposeB: true)
                }
            }
        }
        var embedded = TaggerNetwork.uninitialized(keys.count * width)
        product.withUnsafeBufferPointer { y in
            embedded.withUnsafeMutableBufferPointer { e in
                for index in keys.indices {
                    TaggerNetwork.maxoutLayerNorm(product: y.baseAddress! + index * outputs, layer: mixing, width: width, pieces: pieces, output: e.baseAddress! + index * width, accumulate: false)
                }
            }
        }
        var projections = TaggerNetwork.uninitialized(keys.count * 3 * outputs)
        embedded.withUnsafeBufferPointer { e in
            firstLayerBlocks.withUnsafeBufferPointer { w in
                projections.withUnsafeMutableBufferPointer { p in
                    BLAS.sgemm(e.baseAddress!, w.baseAddress!, p.baseAddress!, m: keys.count, n: 3 * outputs, k: width, transposeB: true)
                }
            }
        }
        let entrySize = width + 3 * outputs
        var result = TaggerNetwork.uninitialized(keys.count * entrySize)
        for index in keys.indices {
            result.replaceSubrange((index * entrySize)..<(index * entrySize + width), with: embedded[(index * width)..<((index + 1) * width)])
            result.replaceSubrange((index * entrySize + width)..<((index + 1) * entrySize), with: projections[(index * 3 * outputs)..<((index + 1) * 3 * outputs)])
        }
        return result
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

    /// An array whose contents are unspecified: only for buffers written in full before
    /// they are read (sgemm outputs with beta 0, gathered windows), to skip zero-filling.
    private static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// `LayerNorm(Maxout(product + b))` of one row (`product` = W · input, width × pieces
    /// values); written to `output`, or added to it when `accumulate` (the residual).
    private static func maxoutLayerNorm(
        product: UnsafePointer<Float>, layer: TaggerWeights.MaxoutLayer, width: Int, pieces: Int,
        output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { best in
            layer.bias.withUnsafeBufferPointer { bias in
                var sum: Float = 0
                for unit in 0..<width {
                    let base = unit * pieces
                    var value = product[base] + bias[base]
                    for piece in 1..<pieces {
                        let candidate = product[base + piece] + bias[base + piece]
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
                let scale = 1 / (squares / Float(width) + 1e-8).squareRoot()
                layer.gain.withUnsafeBufferPointer { gain in
                    layer.shift.withUnsafeBufferPointer { shift in
                        for unit in 0..<width {
                            let value = (best[unit] - mean) * scale * gain[unit] + shift[unit]
                            if accumulate { output[unit] += value } else { output[unit] = value }
                        }
                    }
                }
            }
        }
    }
}
