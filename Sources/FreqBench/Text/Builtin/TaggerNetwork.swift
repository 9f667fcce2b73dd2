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
/// The mixing layer's input product is linear in the summed hash-table rows, so it is
/// precomputed per table row at load (`mixingRows`): a new token type's product is the sum
/// of its 24 rows' products (4 per table), not a 576 × 288 matrix-vector product.
///
/// Work that depends on one token only is cached per token type (text, special-case NORM,
/// space after) in an `EmbeddingCache`: its mixed embedding `e`, the three products
/// `W₁[:, left|centre|right] · e`, so the first encoder layer is three vector sums instead of
/// a matrix product, and the layer-0 fast stage's block products. With `fast`, the network's
/// `FastTagger` stages decide the tokens they are certain of, in layer order; every encoder
/// layer runs only on the rows that a later stage's window needs, and only after the stages
/// have run, on the rows that the exact output of a token no stage decided needs (without
/// stages: layer k on rows within 4 − k of every token). Each layer keeps its own output
/// rows, so a layer can be widened after the next one has run.
final class TaggerNetwork: Sendable {
    typealias EmbeddingKey = EmbeddingCache.Key

    let weights: TaggerWeights
    let vocabulary: Vocabulary
    /// Per token type: e (width) followed by the first layer's left, centre and right products (3 × width × pieces).
    private let cache: EmbeddingCache
    /// First encoder layer regrouped as [left; centre; right] blocks, (3 · width · pieces) × width.
    private let firstLayerBlocks: [Float]
    /// First encoder layer output (before the residual) of a row whose window is all zeros.
    private let zeroWindowOutput: [Float]
    /// Every row of every embedding table times its block of the mixing layer's weights
    /// (width · pieces floats per row, piece-major), tables one after another.
    private let mixingRows: [Float]
    /// Where each table's rows start in `mixingRows` (in rows).
    private let mixingRowOffsets: [Int]
    private static let padding = 4
    /// `weights.layers` regrouped piece-major (see `pieceMajor`).
    private let layers: [TaggerWeights.MaxoutLayer]
    /// The fast tagger's stages, in layer order (see `FastTagger`); empty for the exact path only.
    let stages: [FastTagger]
    /// Tokens tagged so far on the fast path, and how many of them each stage decided.
    private let fastCounts: Mutex<(tokens: Int, decided: [Int])>
    /// The stage that reads the mixed embeddings (layer 0), whose per-type products are kept
    /// in the cache entries after the first layer's; nil when there is none.
    private let lexicalStage: FastTagger?
    /// Where a cache entry's products with `lexicalStage`'s blocks start.
    private let lexicalOffset: Int

    /// `stages`: the fast tagger's stages `tagIndexes(_:fast:)` may use, at most one of them on
    /// layer 0. `cacheLimit`: the most token types whose per-type work is kept (each costs
    /// about 5 KiB).
    init(weights: TaggerWeights, vocabulary: Vocabulary, stages: [FastTagger] = [], cacheLimit: Int = 60_000) {
        self.weights = weights
        self.vocabulary = vocabulary
        let width = weights.width, outputs = weights.width * weights.pieces
        self.stages = stages.sorted { $0.layer < $1.layer }
        precondition(stages.filter { $0.layer == 0 }.count <= 1, "at most one fast-tagger stage reads layer 0")
        fastCounts = Mutex((0, Array(repeating: 0, count: stages.count)))
        lexicalStage = stages.first { $0.layer == 0 }
        lexicalOffset = width + 3 * outputs
        cache = EmbeddingCache(entrySize: width + 3 * outputs + (lexicalStage?.projectionBlocks.count ?? 0) / width,
                               capacity: cacheLimit)
        layers = weights.layers.map { TaggerNetwork.pieceMajor($0, width: width, pieces: weights.pieces) }
        let first = layers[1]
        firstLayerBlocks = (0..<3).flatMap { TaggerWeights.columnBlock(first.weights, columns: first.inputs, block: $0, width: width) }
        var zero = [Float](repeating: 0, count: width)
        let product = [Float](repeating: 0, count: outputs)
        product.withUnsafeBufferPointer { p in
            zero.withUnsafeMutableBufferPointer { z in
                TaggerNetwork.maxoutLayerNorm(product: p.baseAddress!, layer: first, width: width, pieces: weights.pieces, output: z.baseAddress!, accumulate: false)
            }
        }
        zeroWindowOutput = zero
        let mixing = layers[0]
        var offsets: [Int] = []
        var rowProducts: [Float] = []
        rowProducts.reserveCapacity(weights.embeddings.reduce(0) { $0 + $1.rows } * outputs)
        // One thread: the annotator runs its own threads right after load, and a woken
        // OpenBLAS pool would spin on their cores (0.3 G multiply-adds take ~10 ms on one).
        BLAS.withThreads(1) {
            for (tableIndex, table) in weights.embeddings.enumerated() {
                offsets.append(rowProducts.count / outputs)
                let block = TaggerWeights.columnBlock(mixing.weights, columns: mixing.inputs, block: tableIndex, width: width)
                rowProducts += BLAS.multiply(table.table, block, m: table.rows, n: outputs, k: width, transposeB: true)
            }
        }
        mixingRows = rowProducts
        mixingRowOffsets = offsets
    }

    /// Tokens tagged so far with fast taggers, and how many of them each stage decided.
    var fastDecisionCounts: (tokens: Int, decided: [Int]) { fastCounts.withLock { $0 } }

    /// The index of the best tag of every token of every doc: the exact tagger's, or with
    /// `fast`, where one of `stages` is certain of a token's decision class, that stage's (see
    /// `FastTagger`). Each encoder layer runs only on the rows that the exact output of a
    /// still-uncertain token, or a later stage's input, depends on.
    func tagIndexes(_ docs: [[TextToken]], fast: Bool = false) -> [[Int]] {
        let fast = fast ? stages : []
        let width = weights.width
        let pad = TaggerNetwork.padding
        let tokenCount = docs.reduce(0) { $0 + $1.count }
        if tokenCount == 0 { return docs.map { _ in [] } }
        let rows = tokenCount + pad * (docs.count + 1)
        let depth = weights.layers.count - 1

        // Which token type each row holds (-1: padding).
        var rowEntry = [Int](repeating: -1, count: rows)
        var tokenRows: [Int] = []
        tokenRows.reserveCapacity(tokenCount)
        var keys: [EmbeddingKey] = []
        var keyIndex: [EmbeddingKey: Int] = [:]
        keyIndex.reserveCapacity(tokenCount)
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

        // Per-type work: cached, or computed now (and cached while there is room).
        var entries = cache.entries(keys)
        let missing = entries.indices.filter { entries[$0] == nil }
        let missingKeys = missing.map { keys[$0] }
        // New types are computed straight into the cache's arena; those that no longer fit
        // into a local buffer (`overflow`) that lives as long as this call.
        let (slots, kept) = missing.isEmpty ? (nil, 0) : cache.reserve(missing.count)
        if let slots, kept > 0 {
            embedAndProject(missingKeys[..<kept], into: slots)
            for (position, entry) in cache.publish(missingKeys[..<kept], at: slots).enumerated() {
                entries[missing[position]] = entry
            }
        }
        var overflow = TaggerNetwork.uninitialized((missing.count - kept) * cache.entrySize)
        if kept < missing.count {
            overflow.withUnsafeMutableBufferPointer { embedAndProject(missingKeys[kept...], into: $0.baseAddress!) }
        }
        // Fast stages decide the tokens they are certain of; the rest are exact.
        var tags = [Int](repeating: -1, count: tokenCount)
        var uncertain = Array(0..<tokenCount)
        var decided = [Int](repeating: 0, count: fast.count)
        // Each encoder layer's output rows (index 0 unused), written only where computed.
        var layerOutputs = [[Float]](repeating: [], count: depth + 1)
        for layerNumber in 1...depth { layerOutputs[layerNumber] = TaggerNetwork.uninitialized(rows * width) }
        // Which rows each layer has computed so far.
        var computedRows = [[Bool]](repeating: [], count: depth + 1)
        for layerNumber in 1...depth { computedRows[layerNumber] = [Bool](repeating: false, count: rows) }
        // A stage never decides that a token without a letter (a number, punctuation, an
        // emoji) is a noun: such a decision is rarely right and would add the empty term, so
        // those tokens take the exact path.
        let typeHasLetter = fast.isEmpty ? [] : keys.map { Vocabulary.hasLetter($0.text) }
        func runStages(atLayer layer: Int) {
            for (stageIndex, stage) in fast.enumerated() where stage.layer == layer && !uncertain.isEmpty {
                let rowsOfUncertain = uncertain.map { tokenRows[$0] }
                let stageTags = layer == 0
                    ? lexicalTagIndexes(stage, rows: rowsOfUncertain, rowEntry: rowEntry, entries: entries)
                    : fastTagIndexes(stage, hidden: layerOutputs[layer], rows: rowsOfUncertain)
                var still: [Int] = []
                still.reserveCapacity(uncertain.count)
                for (position, token) in uncertain.enumerated() {
                    let tag = stageTags[position]
                    if tag >= 0 && (stage.decisionClass[tag] == FastTagger.noNounClass || typeHasLetter[rowEntry[tokenRows[token]]]) {
                        tags[token] = tag
                        decided[stageIndex] += 1
                    } else {
                        still.append(token)
                    }
                }
                uncertain = still
            }
        }
        overflow.withUnsafeBufferPointer { uncached in  // entries that did not fit are read from `uncached`
            if let base = uncached.baseAddress {
                for (position, index) in missing[kept...].enumerated() {
                    entries[index] = UnsafePointer(base + position * cache.entrySize)
                }
            }
            runStages(atLayer: 0)

            // Encoder layers, each only on the rows not computed yet that are within reach of
            // a still-uncertain token: first what the later stages' input windows need (so
            // rows only an exact output would need wait until the stages have run), then
            // what the exact outputs of the tokens left need.
            var window: [Float] = []
            var product: [Float] = []
            func computeLayer(_ layerNumber: Int, reach: Int) {
                let selected = TaggerNetwork.rows(within: reach, of: uncertain.map { tokenRows[$0] }, rowCount: rows)
                    .filter { !computedRows[layerNumber][$0] }
                if selected.isEmpty { return }
                for r in selected { computedRows[layerNumber][r] = true }
                if layerNumber == 1 {
                    layerOutputs[1].withUnsafeMutableBufferPointer { x in
                        firstLayer(into: x.baseAddress!, rows: selected, rowEntry: rowEntry, entries: entries)
                    }
                } else {
                    encoderLayer(layerNumber, rows: selected, input: layerOutputs[layerNumber - 1], output: &layerOutputs[layerNumber],
                                 window: &window, product: &product)
                }
            }
            for layerNumber in 1...depth {
                let stagesAbove = fast.filter { $0.layer >= layerNumber }
                if uncertain.isEmpty || stagesAbove.isEmpty { break }
                computeLayer(layerNumber, reach: stagesAbove.map { $0.layer - layerNumber + $0.radius }.max() ?? 0)
                runStages(atLayer: layerNumber)
            }
            if !uncertain.isEmpty {
                for layerNumber in 1...depth { computeLayer(layerNumber, reach: depth - layerNumber) }
            }
        }
        if !fast.isEmpty {
            fastCounts.withLock { counts in
                counts.tokens += tokenCount
                for (index, count) in decided.enumerated() { counts.decided[index] += count }
            }
        }

        // Softmax logits of the remaining token rows -> argmax (first maximum, like numpy).
        let tagCount = weights.softmaxBias.count
        let exactCount = uncertain.count
        if exactCount > 0 {
            var tokenHidden = TaggerNetwork.uninitialized(exactCount * width)
            var logits = TaggerNetwork.uninitialized(exactCount * tagCount)
            layerOutputs[depth].withUnsafeBufferPointer { x in
                tokenHidden.withUnsafeMutableBufferPointer { t in
                    for (index, token) in uncertain.enumerated() {
                        (t.baseAddress! + index * width).update(from: x.baseAddress! + tokenRows[token] * width, count: width)
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
            logits.withUnsafeBufferPointer { l in
                weights.softmaxBias.withUnsafeBufferPointer { b in
                    for (index, token) in uncertain.enumerated() {
                        let base = l.baseAddress! + index * tagCount
                        var best = 0
                        var bestValue = base[0] + b[0]
                        for tag in 1..<tagCount where base[tag] + b[tag] > bestValue {
                            bestValue = base[tag] + b[tag]
                            best = tag
                        }
                        tags[token] = best
                    }
                }
            }
        }
        var result: [[Int]] = []
        result.reserveCapacity(docs.count)
        var next = 0
        for doc in docs {
            result.append(Array(tags[next..<(next + doc.count)]))
            next += doc.count
        }
        return result
    }

    /// Layer 0 + encoder layer 1 of every row, from the per-type entries: the row's mixed
    /// embedding plus `LayerNorm(Maxout(left + centre + right products + b))`.
    private func firstLayer(into x: UnsafeMutablePointer<Float>, rows selected: [Int], rowEntry: [Int], entries: [UnsafePointer<Float>?]) {
        let width = weights.width
        let outputs = width * weights.pieces
        let rows = rowEntry.count
        let layer = layers[1]
        withUnsafeTemporaryAllocation(of: Float.self, capacity: outputs) { sum in
            let z = sum.baseAddress!
            for r in selected {
                let target = x + r * width
                let centre = rowEntry[r] >= 0 ? entries[rowEntry[r]] : nil
                let left = r > 0 && rowEntry[r - 1] >= 0 ? entries[rowEntry[r - 1]] : nil
                let right = r + 1 < rows && rowEntry[r + 1] >= 0 ? entries[rowEntry[r + 1]] : nil
                if let centre { target.update(from: centre, count: width) } else { target.update(repeating: 0, count: width) }
                if left == nil && centre == nil && right == nil {
                    zeroWindowOutput.withUnsafeBufferPointer { zero in
                        for unit in 0..<width { target[unit] += zero[unit] }
                    }
                    continue
                }
                TaggerNetwork.sumBlocks(z, count: outputs,
                                        left.map { $0 + width }, centre.map { $0 + width + outputs }, right.map { $0 + width + 2 * outputs })
                TaggerNetwork.maxoutLayerNorm(product: z, layer: layer, width: width, pieces: weights.pieces, output: target, accumulate: true)
            }
        }
    }

    /// `z = a + b + c` over `count` floats, absent terms counting as zero (at least one is present).
    private static func sumBlocks(_ z: UnsafeMutablePointer<Float>, count: Int,
                                  _ a: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?, _ c: UnsafePointer<Float>?) {
        switch (a, b, c) {
        case let (a?, b?, c?): for index in 0..<count { z[index] = a[index] + b[index] + c[index] }
        case let (a?, b?, nil), let (a?, nil, b?), let (nil, a?, b?): for index in 0..<count { z[index] = a[index] + b[index] }
        case let (a?, nil, nil), let (nil, a?, nil), let (nil, nil, a?): z.update(from: a, count: count)
        case (nil, nil, nil): z.update(repeating: 0, count: count)
        }
    }

    /// Rows at most `reach` rows away from one of `targets` (sorted ascending).
    private static func rows(within reach: Int, of targets: [Int], rowCount: Int) -> [Int] {
        var selected: [Int] = []
        selected.reserveCapacity(min(rowCount, targets.count * (2 * reach + 1)))
        var next = 0
        for target in targets {
            let low = max(next, target - reach), high = min(rowCount - 1, target + reach)
            if low <= high { selected.append(contentsOf: low...high) }
            next = max(next, high + 1)
        }
        return selected
    }

    /// Encoder layer `layerNumber` on `selected` rows:
    /// `output[r] = x[r] + LayerNorm(Maxout(W · [x[r-1], x[r], x[r+1]] + b))` with `x` = `input`,
    /// the previous layer's output (computed at every selected row and its neighbours).
    private func encoderLayer(_ layerNumber: Int, rows selected: [Int], input: [Float], output: inout [Float],
                              window: inout [Float], product: inout [Float]) {
        let width = weights.width, pieces = weights.pieces, outputs = width * pieces
        let layer = layers[layerNumber]
        let count = selected.count
        if count == 0 { return }
        let rows = input.count / width
        if window.count < count * width * 3 { window = TaggerNetwork.uninitialized(count * width * 3) }
        if product.count < count * outputs { product = TaggerNetwork.uninitialized(count * outputs) }
        input.withUnsafeBufferPointer { x in
            window.withUnsafeMutableBufferPointer { w in
                product.withUnsafeMutableBufferPointer { y in
                    let xBase = x.baseAddress!, wBase = w.baseAddress!, yBase = y.baseAddress!
                    for (index, r) in selected.enumerated() {
                        let target = wBase + index * width * 3
                        if r > 0 && r + 1 < rows {
                            target.update(from: xBase + (r - 1) * width, count: 3 * width)
                            continue
                        }
                        if r > 0 { target.update(from: xBase + (r - 1) * width, count: width) } else { target.update(repeating: 0, count: width) }
                        (target + width).update(from: xBase + r * width, count: width)
                        if r + 1 < rows { (target + 2 * width).update(from: xBase + (r + 1) * width, count: width) } else { (target + 2 * width).update(repeating: 0, count: width) }
                    }
                    layer.weights.withUnsafeBufferPointer { m in
                        BLAS.sgemm(wBase, m.baseAddress!, yBase, m: count, n: outputs, k: layer.inputs, transposeB: true)
                    }
                    output.withUnsafeMutableBufferPointer { o in
                        for (index, r) in selected.enumerated() {
                            let target = o.baseAddress! + r * width
                            target.update(from: xBase + r * width, count: width)
                            TaggerNetwork.maxoutLayerNorm(product: yBase + index * outputs, layer: layer, width: width, pieces: pieces, output: target, accumulate: true)
                        }
                    }
                }
            }
        }
    }

    /// The certain tag of the token at each of `rows` by the layer-0 `stage` (-1 where it is
    /// not certain): its hidden layer is the bias plus the cached products of the token types
    /// at rows r − radius … r + radius with the matching blocks of W₁ (padding rows add
    /// nothing: their embedding is zero).
    ///
    /// The sums are formed row by row: each row's type adds its blocks to the tokens within
    /// `radius` of it, so an entry is read once, front to back, instead of one block per
    /// neighbouring token. Each token still adds its blocks in order (block 0 first), so the
    /// sums are the same floats as token-by-token gathering.
    private func lexicalTagIndexes(_ stage: FastTagger, rows tokenRows: [Int], rowEntry: [Int], entries: [UnsafePointer<Float>?]) -> [Int] {
        let units = stage.hidden
        let radius = stage.radius
        let rowCount = rowEntry.count
        var activations = TaggerNetwork.uninitialized(tokenRows.count * units)
        var positionOfRow = [Int](repeating: -1, count: rowCount)
        for (position, r) in tokenRows.enumerated() { positionOfRow[r] = position }
        activations.withUnsafeMutableBufferPointer { a in
            stage.hiddenBias.withUnsafeBufferPointer { b in
                typealias Vector = SIMD8<Float>
                let vectorUnits = units - units % Vector.scalarCount
                for index in tokenRows.indices { (a.baseAddress! + index * units).update(from: b.baseAddress!, count: units) }
                for q in 0..<rowCount {
                    let entryIndex = rowEntry[q]
                    guard entryIndex >= 0, let entry = entries[entryIndex] else { continue }
                    for block in 0...(2 * radius) {
                        let r = q + radius - block
                        guard r >= 0 && r < rowCount else { continue }
                        let position = positionOfRow[r]
                        guard position >= 0 else { continue }
                        let row = a.baseAddress! + position * units
                        let products = entry + lexicalOffset + block * units
                        var unit = 0
                        while unit < vectorUnits {
                            let sum = UnsafeRawPointer(row + unit).loadUnaligned(as: Vector.self)
                                + UnsafeRawPointer(products + unit).loadUnaligned(as: Vector.self)
                            UnsafeMutableRawPointer(row + unit).storeBytes(of: sum, as: Vector.self)
                            unit += Vector.scalarCount
                        }
                        while unit < units { row[unit] += products[unit]; unit += 1 }
                    }
                }
                for index in tokenRows.indices { TaggerNetwork.relu(a.baseAddress! + index * units, count: units) }
            }
        }
        return certainTags(stage, activations: activations, count: tokenRows.count)
    }

    /// The certain tag of the token at each of `rows` by `stage` (-1 where it is not
    /// certain), from the rows of its encoder layer around each token.
    private func fastTagIndexes(_ stage: FastTagger, hidden: [Float], rows tokenRows: [Int]) -> [Int] {
        let width = weights.width
        let count = tokenRows.count
        var windows = TaggerNetwork.uninitialized(count * stage.inputs)
        var activations = TaggerNetwork.uninitialized(count * stage.hidden)
        hidden.withUnsafeBufferPointer { x in
            windows.withUnsafeMutableBufferPointer { w in
                for (index, r) in tokenRows.enumerated() {
                    // Token rows have at least `padding` (>= radius) rows on each side.
                    (w.baseAddress! + index * stage.inputs).update(from: x.baseAddress! + (r - stage.radius) * width, count: stage.inputs)
                }
            }
        }
        windows.withUnsafeBufferPointer { w in
            stage.hiddenWeights.withUnsafeBufferPointer { m in
                activations.withUnsafeMutableBufferPointer { a in
                    BLAS.sgemm(w.baseAddress!, m.baseAddress!, a.baseAddress!, m: count, n: stage.hidden, k: stage.inputs, transposeB: true)
                }
            }
        }
        activations.withUnsafeMutableBufferPointer { a in
            stage.hiddenBias.withUnsafeBufferPointer { b in
                for index in 0..<count {
                    TaggerNetwork.relu(a.baseAddress! + index * stage.hidden, count: stage.hidden, adding: b.baseAddress!)
                }
            }
        }
        return certainTags(stage, activations: activations, count: count)
    }

    /// Every stage's output step: scores = W₂ · `activations` (count × hidden, after the
    /// ReLU), then each token's certain tag, -1 where the stage is not certain.
    private func certainTags(_ stage: FastTagger, activations: [Float], count: Int) -> [Int] {
        let tagCount = weights.softmaxBias.count
        var scores = TaggerNetwork.uninitialized(count * tagCount)
        activations.withUnsafeBufferPointer { a in
            stage.outputWeights.withUnsafeBufferPointer { m in
                scores.withUnsafeMutableBufferPointer { y in
                    BLAS.sgemm(a.baseAddress!, m.baseAddress!, y.baseAddress!, m: count, n: tagCount, k: stage.hidden, transposeB: true)
                }
            }
        }
        return scores.withUnsafeBufferPointer { y in
            (0..<count).map { stage.certainTag(scores: y.baseAddress! + $0 * tagCount) ?? -1 }
        }
    }

    /// Writes each key's cache entry at `entries` (one after another, `cache.entrySize`
    /// floats apart): its mixed embedding (width), the first encoder layer's three block
    /// products with it (3 × width × pieces) and, with a `lexicalStage`, that stage's block
    /// products ((2r + 1) × hidden). The products are written in place (sgemm with the
    /// entry as row stride).
    private func embedAndProject(_ keys: ArraySlice<EmbeddingKey>, into entries: UnsafeMutablePointer<Float>) {
        let width = weights.width
        let pieces = weights.pieces
        let outputs = width * pieces
        let tables = weights.embeddings
        // The mixing layer's product: the sum of the precomputed products of the 4 rows that
        // each table's hash picks.
        var product = TaggerNetwork.uninitialized(keys.count * outputs)
        mixingRows.withUnsafeBufferPointer { rowProducts in
            product.withUnsafeMutableBufferPointer { y in
                let rowBase = rowProducts.baseAddress!
                for (index, key) in keys.enumerated() {
                    let sum = y.baseAddress! + index * outputs
                    sum.update(repeating: 0, count: outputs)
                    for (tableIndex, table) in tables.enumerated() {
                        let hash = MurmurHash.x86_128(feature(table.attribute, of: key), seed: table.seed)
                        let rows = UInt32(table.rows), offset = mixingRowOffsets[tableIndex]
                        for word in [hash.0, hash.1, hash.2, hash.3] {
                            TaggerNetwork.add(rowBase + (offset + Int(word % rows)) * outputs, to: sum, count: outputs)
                        }
                    }
                }
            }
        }
        let mixing = layers[0]
        let entrySize = cache.entrySize
        let lexicalSize = entrySize - lexicalOffset
        product.withUnsafeBufferPointer { y in
            for index in 0..<keys.count {
                TaggerNetwork.maxoutLayerNorm(product: y.baseAddress! + index * outputs, layer: mixing, width: width, pieces: pieces,
                                              output: entries + index * entrySize, accumulate: false)
            }
        }
        firstLayerBlocks.withUnsafeBufferPointer { w in
            BLAS.sgemm(entries, w.baseAddress!, entries + width, m: keys.count, n: 3 * outputs, k: width, transposeB: true,
                       lda: entrySize, ldc: entrySize)
        }
        // The layer-0 stage's products with every block of its W₁.
        if let lexicalStage, lexicalSize > 0 {
            lexicalStage.projectionBlocks.withUnsafeBufferPointer { w in
                BLAS.sgemm(entries, w.baseAddress!, entries + lexicalOffset, m: keys.count, n: lexicalSize, k: width, transposeB: true,
                           lda: entrySize, ldc: entrySize)
            }
        }
    }

    /// `row = relu(row + bias)` over `count` floats, on whole vectors (a scalar loop's branch
    /// per unit mispredicts on about half of them): `x > 0 ? x : 0`, so NaN and -0 become 0.
    private static func relu(_ row: UnsafeMutablePointer<Float>, count: Int, adding bias: UnsafePointer<Float>? = nil) {
        typealias Vector = SIMD8<Float>
        let zero = Vector()
        var unit = 0
        while unit + Vector.scalarCount <= count {
            var value = UnsafeRawPointer(row + unit).loadUnaligned(as: Vector.self)
            if let bias { value += UnsafeRawPointer(bias + unit).loadUnaligned(as: Vector.self) }
            UnsafeMutableRawPointer(row + unit).storeBytes(of: value.replacing(with: zero, where: .!(value .> zero)), as: Vector.self)
            unit += Vector.scalarCount
        }
        while unit < count {
            let value = row[unit] + (bias?[unit] ?? 0)
            row[unit] = value > 0 ? value : 0
            unit += 1
        }
    }

    /// `sum += row` over `count` floats (a multiple of 8).
    private static func add(_ row: UnsafePointer<Float>, to sum: UnsafeMutablePointer<Float>, count: Int) {
        typealias Vector = SIMD8<Float>
        var index = 0
        while index < count {
            let total = UnsafeRawPointer(sum + index).loadUnaligned(as: Vector.self) + UnsafeRawPointer(row + index).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(sum + index).storeBytes(of: total, as: Vector.self)
            index += Vector.scalarCount
        }
    }

    /// The feature id of `attribute` for a token type: a spaCy string id, or 0/1 for the flags.
    private func feature(_ attribute: TaggerWeights.Attribute, of key: EmbeddingKey) -> UInt64 {
        switch attribute {
        case .norm: return vocabulary.id(key.norm ?? vocabulary.norm(key.text))
        case .prefix: return vocabulary.id(Vocabulary.prefix(key.text))
        case .suffix: return vocabulary.id(Vocabulary.suffix(key.text))
        case .shape: return vocabulary.id(Vocabulary.shape(key.text))
        case .spacy: return key.spaceAfter ? 1 : 0
        case .isSpace: return Vocabulary.isSpace(key.text) ? 1 : 0
        }
    }

    /// An array whose contents are unspecified: only for buffers written in full before
    /// they are read (sgemm outputs with beta 0, gathered windows), to skip zero-filling.
    private static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// A maxout layer with its output rows regrouped piece-major (row `piece · width + unit`
    /// instead of `unit · pieces + piece`), so that the maxout compares whole vectors.
    private static func pieceMajor(_ layer: TaggerWeights.MaxoutLayer, width: Int, pieces: Int) -> TaggerWeights.MaxoutLayer {
        var regrouped = layer
        for unit in 0..<width {
            for piece in 0..<pieces {
                let from = unit * pieces + piece, to = piece * width + unit
                regrouped.bias[to] = layer.bias[from]
                regrouped.weights.replaceSubrange(
                    (to * layer.inputs)..<((to + 1) * layer.inputs),
                    with: layer.weights[(from * layer.inputs)..<((from + 1) * layer.inputs)])
            }
        }
        return regrouped
    }

    /// `LayerNorm(Maxout(product + b))` of one row (`product` = W · input, pieces × width
    /// values, piece-major); written to `output`, or added to it when `accumulate` (the residual).
    private static func maxoutLayerNorm(
        product: UnsafePointer<Float>, layer: TaggerWeights.MaxoutLayer, width: Int, pieces: Int,
        output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        typealias Vector = SIMD8<Float>
        func load(_ pointer: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self) }
        let vectorWidth = width - width % Vector.scalarCount
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { buffer in
            let best = buffer.baseAddress!
            layer.bias.withUnsafeBufferPointer { biasBuffer in
                let bias = biasBuffer.baseAddress!
                var sums = Vector()
                var unit = 0
                while unit < vectorWidth {
                    var value = load(product + unit) + load(bias + unit)
                    for piece in 1..<pieces {
                        let candidate = load(product + piece * width + unit) + load(bias + piece * width + unit)
                        value.replace(with: candidate, where: candidate .> value)
                    }
                    UnsafeMutableRawPointer(best + unit).storeBytes(of: value, as: Vector.self)
                    sums += value
                    unit += Vector.scalarCount
                }
                var sum = sums.sum()
                while unit < width {
                    var value = product[unit] + bias[unit]
                    for piece in 1..<pieces { value = max(value, product[piece * width + unit] + bias[piece * width + unit]) }
                    best[unit] = value
                    sum += value
                    unit += 1
                }
                let mean = sum / Float(width)
                var squareSums = Vector()
                unit = 0
                while unit < vectorWidth {
                    let deviation = load(best + unit) - Vector(repeating: mean)
                    squareSums += deviation * deviation
                    unit += Vector.scalarCount
                }
                var squares = squareSums.sum()
                while unit < width {
                    let deviation = best[unit] - mean
                    squares += deviation * deviation
                    unit += 1
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
