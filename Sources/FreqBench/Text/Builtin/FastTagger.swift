import Foundation

/// One stage of the fast tagger: a small imitation of the tagger (a one-hidden-layer
/// perceptron) that reads one layer's rows around a token and decides the token on its own
/// only when it is certain; every other token goes on to the next stage, and the tokens no
/// stage decides go through the remaining encoder layers exactly.
///
/// What a caption's noun set depends on is a token's *decision class*: `NN`, `NNS`,
/// `NNP`/`NNPS` (both PROPN with the text as lemma) or "no noun" (every other tag; the
/// attribute ruler's noun decisions read only the token's own tag and text). A stage scores
/// all tags as `W₂ · relu(W₁ · [h_k[i−r] … h_k[i+r]] + b₁) + b₂`; a class scores its best
/// tag, and a token is *certain* when its best class leads every other class by at least
/// `threshold`. A certain token gets the stage's best tag, which is the exact tag's class on
/// all but about 1 in 10⁴ tokens of held-out text (measured; see ARCHITECTURE.md).
/// `TaggerNetwork` takes no noun decision of a stage for a token without a letter.
///
/// The committed stages (`stageFiles`): layer 0 (the mixed embeddings, whose products with
/// W₁ are cached per token type, so the stage costs a few thousand multiply-adds per token),
/// layer 1 (the first encoder layer, itself cached per type) and layer 2 (after the second
/// encoder layer, on the few tokens left). Trained by scripts/train_fast_tagger.py; the files
/// (format in docs/FORMATS.md) are committed under `Models/` and checked against their
/// SHA-256 at load.
struct FastTagger: Sendable {
    /// The committed stage files, in stage order, and the SHA-256 this code was written for.
    static let stageFiles: [(name: String, sha256: String)] = [
        ("fast-tagger-0.bin", "61a65cde386297cce78b921f81bb4d588deb59104390717854421191898e5269"),
        ("fast-tagger-1.bin", "cc8e9febd7181ead143bf55ee74dc68bb7295acd639ebeead1042ebb3bb3ed10"),
        ("fast-tagger-2.bin", "6609154060e8577d2ed43dd62afe5eefdc5d5b4084aecb86107063105f2ff581"),
    ]
    /// Where the committed stage files live, relative to the repository root.
    static let directory = "Models"
    static let magic = Array("FBFAST01".utf8)
    /// Version 2 of the file adds the layer a stage reads (version 1: layer 1).
    static let magicWithLayer = Array("FBFAST02".utf8)

    /// The layer whose output rows this stage reads (0: the mixed embeddings; k: after encoder layer k).
    let layer: Int
    /// Rows of that layer's output read on each side of the token.
    let radius: Int
    /// Inputs per token: (2 · radius + 1) · width.
    let inputs: Int
    /// Hidden units.
    let hidden: Int
    /// hidden × inputs and tags × hidden, row-major, with their biases; the tag rows (and the
    /// scores they produce) are regrouped by decision class, in `tagOrder`.
    let hiddenWeights: [Float]
    let hiddenBias: [Float]
    let outputWeights: [Float]
    let bias: [Float]
    /// The least lead of the best decision class over every other one that makes a token certain.
    let threshold: Float
    /// The decision class of every tag (0 NN, 1 NNS, 2 NNP/NNPS, 3 no noun).
    let decisionClass: [Int]
    /// For a layer-0 stage: W₁ regrouped as (2r + 1) blocks of hidden × width, block k for
    /// row i − r + k, so that a token type's products with every block can be cached (empty
    /// for other layers).
    let projectionBlocks: [Float]
    /// The model's tag index of each score row: tags grouped by decision class, each group in model order.
    let tagOrder: [Int]
    /// Where each decision class's rows start in `tagOrder`, then its end.
    let classStarts: [Int]
    static let classCount = 4
    /// The decision class of every tag that is not a noun's.
    static let noNounClass = 3

    /// The decision class of a fine-grained tag.
    static func decisionClass(of tag: String) -> Int {
        switch tag {
        case "NN": return 0
        case "NNS": return 1
        case "NNP", "NNPS": return 2
        default: return noNounClass
        }
    }

    /// Reads and checks the weights file: SHA-256 (`expectedSHA256`), magic, and shapes that
    /// fit `tags`, `width` and an encoder of `depth` layers.
    init(contentsOf url: URL, expectedSHA256: String, tags: [String], width: Int, depth: Int = 4) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FreqBenchError("cannot read the fast-tagger weights (committed with the repository; set FREQBENCH_ROOT to the repository)", file: url.path)
        }
        var hasher = SHA256()
        hasher.update(data)
        let digest = hasher.hexDigest()
        guard digest == expectedSHA256 else {
            throw FreqBenchError("fast-tagger weights have SHA-256 \(digest), expected \(expectedSHA256)", file: url.path)
        }
        let bytes = [UInt8](data)
        func word(_ index: Int) -> UInt32 {
            let offset = 8 + 4 * index
            return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
        guard bytes.count >= 8 + 4 * 6, [FastTagger.magic, FastTagger.magicWithLayer].contains(Array(bytes[0..<8])) else {
            throw FreqBenchError("not a fast-tagger weights file (expected magic FBFAST01 or FBFAST02)", file: url.path)
        }
        // Version 2 has the layer as its first header word; the rest of the header follows.
        let hasLayer = Array(bytes[0..<8]) == FastTagger.magicWithLayer
        let first = hasLayer ? 1 : 0
        let headerWords = first + 5
        let layer = hasLayer ? Int(word(0)) : 1
        let radius = Int(word(first)), inputs = Int(word(first + 1)), hidden = Int(word(first + 2)), tagCount = Int(word(first + 3))
        let threshold = Float(bitPattern: word(first + 4))
        let sizes = [hidden * inputs, hidden, tagCount * hidden, tagCount]
        // Token rows have 4 padding rows on each side, so a window reaches at most 4 rows out.
        guard (0..<depth).contains(layer), radius <= 4, inputs == (2 * radius + 1) * width, tagCount == tags.count, hidden > 0,
              bytes.count == 8 + 4 * (headerWords + sizes.reduce(0, +))
        else {
            throw FreqBenchError("fast-tagger weights: layer \(layer), radius \(radius), \(inputs) inputs, \(hidden) hidden, \(tagCount) tags, \(bytes.count) bytes do not fit width \(width), \(tags.count) tags and \(depth) encoder layers", file: url.path)
        }
        var next = headerWords
        func tensor(_ count: Int) -> [Float] {
            defer { next += count }
            return (next..<(next + count)).map { Float(bitPattern: word($0)) }
        }
        self.layer = layer
        self.radius = radius
        self.inputs = inputs
        self.hidden = hidden
        self.threshold = threshold
        let firstWeights = tensor(sizes[0])
        hiddenWeights = firstWeights
        hiddenBias = tensor(sizes[1])
        let modelOrderWeights = tensor(sizes[2])
        let modelOrderBias = tensor(sizes[3])
        let classes = tags.map(FastTagger.decisionClass(of:))
        decisionClass = classes
        let order = (0..<FastTagger.classCount).flatMap { decision in tags.indices.filter { classes[$0] == decision } }
        tagOrder = order
        classStarts = (0...FastTagger.classCount).map { decision in order.count { classes[$0] < decision } }
        outputWeights = order.flatMap { modelOrderWeights[($0 * hidden)..<(($0 + 1) * hidden)] }
        bias = order.map { modelOrderBias[$0] }
        projectionBlocks = layer != 0 ? [] : (0..<(2 * radius + 1)).flatMap {
            TaggerWeights.columnBlock(firstWeights, columns: inputs, block: $0, width: width)
        }
    }

    /// The imitation's best tag (model index) of one token from its scores (W₂ · hidden,
    /// without the bias, in `tagOrder`), or nil when it is not certain of the token's decision
    /// class: the best score of its class must lead every other class's best by `threshold`.
    /// Ties go to the first tag in model order, as numpy's argmax.
    func certainTag(scores: UnsafePointer<Float>) -> Int? {
        bias.withUnsafeBufferPointer { biasBuffer in
            let bias = biasBuffer.baseAddress!
            var best = -1, bestValue = -Float.infinity, runnerUp = -Float.infinity
            for decision in 0..<FastTagger.classCount {
                var classBest = -1, classValue = -Float.infinity
                for row in classStarts[decision]..<classStarts[decision + 1] where scores[row] + bias[row] > classValue {
                    classValue = scores[row] + bias[row]
                    classBest = row
                }
                if classValue > bestValue {
                    runnerUp = bestValue
                    bestValue = classValue
                    best = classBest
                } else if classValue > runnerUp {
                    runnerUp = classValue
                }
            }
            return best >= 0 && bestValue - runnerUp >= threshold ? tagOrder[best] : nil
        }
    }
}
