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
    /// hidden × inputs and tags × hidden, row-major, with their biases.
    let hiddenWeights: [Float]
    let hiddenBias: [Float]
    let outputWeights: [Float]
    let bias: [Float]
    /// The least lead of the best decision class over every other one that makes a token certain.
    let threshold: Float
    /// The decision class of every tag (0 NN, 1 NNS, 2 NNP/NNPS, 3 no noun).
    let decisionClass: [Int]
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
        outputWeights = tensor(sizes[2])
        bias = tensor(sizes[3])
        decisionClass = tags.map(FastTagger.decisionClass(of:))
    }

    /// The imitation's best tag of one token from its `tags` scores (W₂ · hidden, without
    /// the bias), or nil when it is not certain of the token's decision class.
    func certainTag(scores: UnsafePointer<Float>) -> Int? {
        var classBest = SIMD4<Float>(repeating: -.infinity)
        var best = 0
        var bestValue = -Float.infinity
        for tag in 0..<bias.count {
            let value = scores[tag] + bias[tag]
            if value > bestValue { bestValue = value; best = tag }
            let decision = decisionClass[tag]
            if value > classBest[decision] { classBest[decision] = value }
        }
        let bestClass = decisionClass[best]
        classBest[bestClass] = -.infinity
        return bestValue - classBest.max() >= threshold ? best : nil
    }
}
