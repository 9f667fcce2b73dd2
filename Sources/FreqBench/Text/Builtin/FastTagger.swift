import Foundation

/// A small imitation of the tagger (a one-hidden-layer perceptron) that reads the first encoder layer's output
/// (cheap: that layer is cached per token type) and decides a token on its own only when
/// it is certain; every other token goes through the remaining encoder layers exactly.
///
/// What a caption's noun set depends on is a token's *decision class*: `NN`, `NNS`,
/// `NNP`/`NNPS` (both PROPN with the text as lemma) or "no noun" (every other tag; the
/// attribute ruler's noun decisions read only the token's own tag and text). The imitation
/// is a one-hidden-layer perceptron that scores all tags as
/// `W₂ · relu(W₁ · [h₁[i−r] … h₁[i+r]] + b₁) + b₂`; a class scores its best tag, and a
/// token is *certain* when its best class leads every other class by at least `threshold`.
/// A certain token gets the imitation's best tag, which is the exact tag's class on all but
/// about 1 in 10⁴ tokens of held-out text (measured; see ARCHITECTURE.md).
///
/// Trained by scripts/train_fast_tagger.py; the file (format in docs/FORMATS.md) is
/// committed as `Models/fast-tagger.bin` and checked against `FastTagger.sha256` at load.
struct FastTagger: Sendable {
    /// SHA-256 of the committed weights file this code was written for.
    static let sha256 = "22fd3690487abef0eb1575fef92c968d21d823b946c714e3991d740553059325"
    /// Where the committed weights file lives, relative to the repository root.
    static let relativePath = "Models/fast-tagger.bin"
    /// Its name when it is copied next to a model folder outside the repository.
    static let fileName = "fast-tagger.bin"
    static let magic = Array("FBFAST01".utf8)
    /// Version 2 of the file adds the encoder layer a stage reads (version 1: layer 1).
    static let magicWithLayer = Array("FBFAST02".utf8)
    /// A second stage, run after encoder layer 2 on the tokens the first one left: its
    /// path relative to the repository, file name beside a model folder, and SHA-256.
    static let secondStageRelativePath = "Models/fast-tagger-2.bin"
    static let secondStageFileName = "fast-tagger-2.bin"
    static let secondStageSHA256 = "d675e7feabe5162180f417a25e4a8ef0b52cee090283422b21e159d411e517c1"

    /// The encoder layer whose output rows this stage reads (1: the first layer; 2: after the second).
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
    /// The model's tag index of each score row: tags grouped by decision class, each group in model order.
    let tagOrder: [Int]
    /// Where each decision class's rows start in `tagOrder`, then its end.
    let classStarts: [Int]
    static let classCount = 4

    /// The decision class of a fine-grained tag.
    static func decisionClass(of tag: String) -> Int {
        switch tag {
        case "NN": return 0
        case "NNS": return 1
        case "NNP", "NNPS": return 2
        default: return 3
        }
    }

    /// Reads and checks the weights file: SHA-256 (`expectedSHA256`), magic, and shapes that
    /// fit `tags`, `width` and an encoder of `depth` layers.
    init(contentsOf url: URL, expectedSHA256: String = FastTagger.sha256, tags: [String], width: Int, depth: Int = 4) throws {
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
        guard (1..<depth).contains(layer), radius <= 4, inputs == (2 * radius + 1) * width, tagCount == tags.count, hidden > 0,
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
        hiddenWeights = tensor(sizes[0])
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
