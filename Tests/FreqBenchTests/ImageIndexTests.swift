import Foundation
import Testing
@testable import FreqBench

/// Writes small tag-probability files for tests.
enum TagProbabilityFile {
    static func write(_ url: URL, float16 rows: [[Float16]], ids: [Int64], tags: [String], chunkRows: Int? = 2) throws {
        let file = try HDF5File.create(url)
        try file.write("probs", float16: rows.flatMap { $0 }, shape: [rows.count, tags.count], chunkRows: chunkRows)
        try file.write("sample_ids", int64: ids, shape: [ids.count])
        try file.write("tags", strings: tags)
    }

    static func write(_ url: URL, float32 rows: [[Float]], ids: [Int64], tags: [String], chunkRows: Int? = 2) throws {
        let file = try HDF5File.create(url)
        try file.write("probs", float32: rows.flatMap { $0 }, shape: [rows.count, tags.count], chunkRows: chunkRows)
        try file.write("sample_ids", int64: ids, shape: [ids.count])
        try file.write("tags", strings: tags)
    }
}

@Suite("Image index")
struct ImageIndexTests {
    static let allThresholds = try! TagThreshold.list(parsing: "0.5,0.55,0.6,0.65,0.7")

    /// Tagged sample ids per threshold label for one tag.
    func tagged(_ index: ImageIndex, tag: String) throws -> [String: [UInt32]] {
        let column = try #require(index.column(of: tag))
        var result: [String: [UInt32]] = [:]
        for (position, threshold) in index.thresholds.enumerated() {
            result[threshold.label] = try index.postings(threshold: position, tag: column)
        }
        return result
    }

    @Test("float16 probabilities compare in float16 against the threshold rounded to float16")
    func float16Edges() throws {
        let directory = try TemporaryDirectory.make()
        // The fixture discriminates: these values lie above h in double and in float32,
        // and equal h rounded to float16.
        #expect(Double(Float16(0.6)) > 0.6 && Float(Float16(0.6)) > Float(0.6))
        #expect(Double(Float16(0.7)) > 0.7 && Float(Float16(0.7)) > Float(0.7))
        let values: [Float16] = [
            Float16(0.6),            // id 10: at Float16(0.6) -> not above 0.6
            Float16(0.6).nextUp,     // id 11: above 0.6
            Float16(0.7),            // id 12: at Float16(0.7) -> above 0.65, not above 0.7
            Float16(0.7).nextUp,     // id 13: above 0.7
            Float16(0.5),            // id 14: exactly 0.5 -> not above 0.5 (`>` not `>=`)
            Float16(0.55),           // id 15: at Float16(0.55) = 0.5498 -> above 0.5 only
            Float16(0.55).nextUp,    // id 16: above 0.55
            Float16(0.7).nextDown,   // id 17: above 0.65, not above 0.7
            0,                       // id 18: never
        ]
        let url = directory.appendingPathComponent("p16.h5")
        try TagProbabilityFile.write(url, float16: values.map { [$0, 0] }, ids: Array(10...18), tags: ["dog", "cat"])
        let out = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try ImageIndexBuilder(thresholds: Self.allThresholds).build([url]), to: out)
        let index = try ImageIndex.open(out)
        #expect(index.precision == .float16)
        let dog = try tagged(index, tag: "dog")
        #expect(dog["0.5"] == [10, 11, 12, 13, 15, 16, 17])
        #expect(dog["0.55"] == [10, 11, 12, 13, 16, 17])
        #expect(dog["0.6"] == [11, 12, 13, 17])
        #expect(dog["0.65"] == [12, 13, 17])
        #expect(dog["0.7"] == [13])
        #expect(try tagged(index, tag: "cat").values.allSatisfy { $0.isEmpty })
    }

    @Test("float32 probabilities compare in float32 against Float(h)")
    func float32Edges() throws {
        let directory = try TemporaryDirectory.make()
        #expect(Double(Float(0.55)) > 0.55 && Double(Float(0.6)) > 0.6)
        let values: [Float] = [
            Float(0.55),           // id 0: at Float(0.55) -> not above 0.55 (double would say above)
            Float(0.55).nextUp,    // id 1: above 0.55
            Float(0.6),            // id 2: at Float(0.6) -> not above 0.6
            Float(0.6).nextUp,     // id 3
            Float(0.6).nextDown,   // id 4: above 0.55, not 0.6
            0.5,                   // id 5: not above 0.5
            Float(0.7),            // id 6: not above 0.7
            Float(0.7).nextUp,     // id 7
        ]
        let url = directory.appendingPathComponent("p32.h5")
        try TagProbabilityFile.write(url, float32: values.map { [$0] }, ids: Array(0...7), tags: ["dog"])
        let out = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try ImageIndexBuilder(thresholds: Self.allThresholds).build([url]), to: out)
        let index = try ImageIndex.open(out)
        #expect(index.precision == .float32)
        let dog = try tagged(index, tag: "dog")
        #expect(dog["0.5"] == [0, 1, 2, 3, 4, 6, 7])
        #expect(dog["0.55"] == [1, 2, 3, 4, 6, 7])
        #expect(dog["0.6"] == [3, 6, 7])
        #expect(dog["0.65"] == [6, 7])
        #expect(dog["0.7"] == [7])
    }

    /// Random probabilities with many values near the thresholds, in several files.
    func randomFiles(in directory: URL, precision: TagPrecision, seed: UInt64) throws -> [URL] {
        var generator = SplitMix64(seed: seed)
        let tags = (0..<37).map { "tag \($0)" }
        let near: [Double] = [0.5, 0.55, 0.6, 0.65, 0.7]
        var urls: [URL] = []
        var nextID: Int64 = 0
        for fileNumber in 0..<3 {
            let rows = 50 + fileNumber * 13
            var values: [[Double]] = []
            for _ in 0..<rows {
                values.append(tags.map { _ in
                    let pick = generator.next() % 4
                    if pick == 0 { return near[Int(generator.next() % 5)] }
                    return Double(generator.next() % 1000) / 1000
                })
            }
            let ids = (0..<rows).map { _ in nextID += Int64(1 + generator.next() % 3); return nextID }
            let url = directory.appendingPathComponent("random\(fileNumber).h5")
            switch precision {
            case .float16: try TagProbabilityFile.write(url, float16: values.map { $0.map { Float16($0) } }, ids: ids, tags: tags, chunkRows: 7)
            case .float32: try TagProbabilityFile.write(url, float32: values.map { $0.map { Float($0) } }, ids: ids, tags: tags, chunkRows: 7)
            }
            urls.append(url)
        }
        return urls
    }

    func bytes(_ directory: URL) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(ImageIndex.fileName))
    }

    @Test("merged shards, and any block size, give the bytes of a single build", arguments: [TagPrecision.float16, .float32])
    func shardsMergeIdentically(precision: TagPrecision) throws {
        let directory = try TemporaryDirectory.make()
        let files = try randomFiles(in: directory, precision: precision, seed: precision == .float16 ? 1 : 2)
        let single = directory.appendingPathComponent("single")
        let builder = ImageIndexBuilder(thresholds: Self.allThresholds)
        try ImageIndexWriter.write(try builder.build(files), to: single)
        let reference = try bytes(single)

        // Memory bounded by a hit budget: runs written and merged give the same bytes.
        var spilling = builder
        spilling.blockBytes = 1
        spilling.hitBudget = 100
        let spilled = directory.appendingPathComponent("spilled")
        try spilling.build(files, to: spilled)
        #expect(try bytes(spilled) == reference)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.contains(".runs") })

        var tiny = builder
        tiny.blockBytes = 1 // one chunk per read
        let tinyOut = directory.appendingPathComponent("tiny")
        try ImageIndexWriter.write(try tiny.build(files), to: tinyOut)
        #expect(try bytes(tinyOut) == reference)

        for count in [2, 3, 7] {
            var shards: [URL] = []
            for index in 0..<count {
                var sharded = builder
                sharded.shard = try RowShard(index: index, count: count)
                let out = directory.appendingPathComponent("shard-\(count)-\(index)")
                try ImageIndexWriter.write(try sharded.build(files), to: out)
                shards.append(out)
            }
            let merged = directory.appendingPathComponent("merged-\(count)")
            try ImageIndexMerger.merge(shards.reversed(), to: merged)
            #expect(try bytes(merged) == reference, "merge of \(count) shards")
        }
        // The index agrees with a direct count over the probabilities.
        let index = try ImageIndex.open(single)
        var expected = 0
        for file in files {
            let probabilities = try TagProbabilities.open(file)
            let values = try HDF5File.open(file).dataset("probs").readFloat32()
            let threshold = try TagThreshold(0.6)
            expected += values.filter { precision == .float16 ? Float16($0) > threshold.float16 : $0 > threshold.float32 }.count
            #expect(probabilities.tags.count == 37)
        }
        let position = try index.thresholdPosition(try TagThreshold(0.6))
        #expect((0..<37).reduce(0) { $0 + index.postingCount(threshold: position, tag: $1) } == expected)
    }

    /// Values that test the vectorised scan: both sides of every threshold by one unit in the
    /// last place, exact thresholds, negatives, -0, +-infinity and plain small and large values.
    func edgeValues(_ precision: TagPrecision, generator: inout SplitMix64) -> [Double] {
        var values: [Double] = [0, -0.0, -0.9, -0.55, .infinity, -.infinity, 1, 0.3, 0.999]
        for threshold in Self.allThresholds {
            switch precision {
            case .float16:
                let h = threshold.float16
                values += [h.nextDown, h, h.nextUp].map { Double($0) }
            case .float32:
                let h = threshold.float32
                values += [h.nextDown, h, h.nextUp].map { Double($0) }
            }
            values.append(threshold.value)
        }
        return values + (0..<8).map { _ in Double(generator.next() % 1000) / 1000 }
    }

    @Test("the vectorised scan tags exactly the values a value-by-value comparison tags",
          arguments: [TagPrecision.float16, .float32])
    func scanEqualsValueByValue(precision: TagPrecision) throws {
        let directory = try TemporaryDirectory.make()
        var generator = SplitMix64(seed: precision == .float16 ? 11 : 12)
        let edges = edgeValues(precision, generator: &generator)
        // 71 tags: rows straddle the 64-byte lines; most values small, some from the edge list.
        let width = 71, rowCount = 90
        let tags = (0..<width).map { "t\($0)" }
        var values: [[Double]] = []
        for _ in 0..<rowCount {
            values.append((0..<width).map { _ in
                generator.next() % 5 == 0 ? edges[Int(generator.next() % UInt64(edges.count))] : Double(generator.next() % 400) / 1000
            })
        }
        // Decreasing ids: every list must come out sorted.
        let ids = (0..<rowCount).map { Int64(1_000 - 3 * $0) }
        let url = directory.appendingPathComponent("edges.h5")
        switch precision {
        case .float16: try TagProbabilityFile.write(url, float16: values.map { $0.map { Float16($0) } }, ids: ids, tags: tags, chunkRows: 13)
        case .float32: try TagProbabilityFile.write(url, float32: values.map { $0.map { Float($0) } }, ids: ids, tags: tags, chunkRows: 13)
        }
        // The edge values include probabilities outside [0, 1] (negative, infinite): read as
        // upstream's p > h read them, which `isExceeded` does too.
        var clamping = ImageIndexBuilder(thresholds: Self.allThresholds)
        clamping.clampProbabilities = true
        let out = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try clamping.build([url]), to: out)
        let index = try ImageIndex.open(out)
        var checked = 0
        for (position, threshold) in Self.allThresholds.enumerated() {
            for column in 0..<width {
                let expected = (0..<rowCount).filter { row in
                    switch precision {
                    case .float16: threshold.isExceeded(by: Float16(values[row][column]))
                    case .float32: threshold.isExceeded(by: Float(values[row][column]))
                    }
                }.map { UInt32(ids[$0]) }.sorted()
                #expect(try index.postings(threshold: position, tag: column) == expected, "threshold \(threshold), tag \(column)")
                checked += expected.count
            }
        }
        #expect(checked > 1_000)

        // Without clamping, the first value outside [0, 1] in row-major order stops the build.
        let firstInvalid = (0..<(rowCount * width)).first { values[$0 / width][$0 % width] < 0 && values[$0 / width][$0 % width] != 0
            || values[$0 / width][$0 % width] > 1 }
        let invalidRow = (firstInvalid ?? 0) / width, invalidColumn = (firstInvalid ?? 0) % width
        #expect(firstInvalid != nil)
        #expect { _ = try ImageIndexBuilder(thresholds: Self.allThresholds).build([url]) } throws: {
            "\($0)".contains("row \(invalidRow), column \(invalidColumn) (tag 't\(invalidColumn)')")
        }

        // A NaN anywhere in a line (not only in the tail) is found, with its row and column.
        var withNaN = values.map { $0.map { min(max($0, 0), 1) } }
        withNaN[57][40] = .nan
        let nanURL = directory.appendingPathComponent("nan.h5")
        switch precision {
        case .float16: try TagProbabilityFile.write(nanURL, float16: withNaN.map { $0.map { Float16($0) } }, ids: ids, tags: tags, chunkRows: 13)
        case .float32: try TagProbabilityFile.write(nanURL, float32: withNaN.map { $0.map { Float($0) } }, ids: ids, tags: tags, chunkRows: 13)
        }
        #expect { _ = try ImageIndexBuilder(thresholds: Self.allThresholds).build([nanURL]) } throws: {
            "\($0)".contains("row 57, column 40") && "\($0)".contains("'t40'")
        }
    }

    @Test("a sample id in two inputs is an error unless duplicates are allowed")
    func duplicateIDs() throws {
        let directory = try TemporaryDirectory.make()
        let a = directory.appendingPathComponent("a.h5"), b = directory.appendingPathComponent("b.h5")
        try TagProbabilityFile.write(a, float16: [[0.9], [0.9]], ids: [1, 2], tags: ["dog"])
        try TagProbabilityFile.write(b, float16: [[0.9], [0.1]], ids: [2, 3], tags: ["dog"])
        let builder = ImageIndexBuilder(thresholds: [try TagThreshold(0.7)])
        #expect {
            _ = try builder.build([a, b])
        } throws: { error in
            let text = "\(error)"
            return text.contains("sample id 2") && text.contains("a.h5 row 1") && text.contains("b.h5 row 0") && text.contains("--allow-duplicate-ids")
        }
        // Found in a run emitted while the reader still has many blocks to read (it is stopped
        // before the error reads the sample ids again).
        let c = directory.appendingPathComponent("c.h5")
        try TagProbabilityFile.write(c, float16: Array(repeating: [0.9], count: 200), ids: (10..<210).map(Int64.init), tags: ["dog"])
        var spilling = builder
        spilling.hitBudget = 2
        spilling.blockBytes = 1
        #expect { try spilling.build([a, b, c], to: directory.appendingPathComponent("spilled")) } throws: {
            "\($0)".contains("sample id 2") && "\($0)".contains("a.h5 row 1") && "\($0)".contains("b.h5 row 0")
        }
        // Separate shards: the merge finds it.
        let shardA = directory.appendingPathComponent("A"), shardB = directory.appendingPathComponent("B")
        try ImageIndexWriter.write(try builder.build([a]), to: shardA)
        try ImageIndexWriter.write(try builder.build([b]), to: shardB)
        #expect {
            try ImageIndexMerger.merge([shardA, shardB], to: directory.appendingPathComponent("AB"))
        } throws: { "\($0)".contains("sample id 2") && "\($0)".contains(shardA.path) }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("AB").path))

        var allowing = builder
        allowing.allowDuplicateIDs = true
        let out = directory.appendingPathComponent("allowed")
        try ImageIndexWriter.write(try allowing.build([a, b]), to: out)
        let index = try ImageIndex.open(out)
        #expect(index.duplicateIDsAllowed)
        #expect(try index.postings(threshold: 0, tag: 0) == [1, 2, 2])
        let merged = directory.appendingPathComponent("merged-allowed")
        try ImageIndexMerger.merge([shardA, shardB], to: merged, allowDuplicateIDs: true)
        #expect(try bytes(merged) == bytes(out))
    }

    @Test("a repeated sample id is an error even when none of its rows has a tag above the threshold")
    func duplicateIDsWithoutHits() throws {
        let directory = try TemporaryDirectory.make()
        let builder = ImageIndexBuilder(thresholds: [try TagThreshold(0.7)])
        func expectRepeat(_ files: [URL], _ id: UInt32, _ places: [String], shard: String? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
            var sharded = builder
            if let shard { sharded.shard = try RowShard(parsing: shard) }
            #expect(sourceLocation: sourceLocation) { _ = try sharded.build(files) } throws: { error in
                let text = "\(error)"
                return text.contains("sample id \(id) occurs more than once") && places.allSatisfy(text.contains) && text.contains("--allow-duplicate-ids")
            }
        }
        // One file, the repeated id's rows both below the threshold.
        let one = directory.appendingPathComponent("one.h5")
        try TagProbabilityFile.write(one, float16: [[0.9], [0.1], [0.2], [0.95]], ids: [1, 5, 5, 9], tags: ["dog"])
        try expectRepeat([one], 5, ["one.h5 row 1", "one.h5 row 2"])
        // Ids not in order, the repeat far apart.
        let shuffled = directory.appendingPathComponent("shuffled.h5")
        try TagProbabilityFile.write(shuffled, float16: [[0.1], [0.9], [0.1], [0.9], [0.1]], ids: [40, 3, 17, 8, 3], tags: ["dog"])
        try expectRepeat([shuffled], 3, ["shuffled.h5 row 1", "shuffled.h5 row 4"])
        // Two files whose id ranges overlap; the shared id has no tag in either.
        let a = directory.appendingPathComponent("a.h5"), b = directory.appendingPathComponent("b.h5")
        try TagProbabilityFile.write(a, float16: [[0.9], [0.1], [0.9]], ids: [10, 20, 30], tags: ["dog"])
        try TagProbabilityFile.write(b, float16: [[0.9], [0.3], [0.9]], ids: [25, 20, 35], tags: ["dog"])
        try expectRepeat([a, b], 20, ["a.h5 row 1", "b.h5 row 1"])
        // Each shard finds a repeat that lies in the other shard's rows.
        try expectRepeat([a, b], 20, ["a.h5 row 1", "b.h5 row 1"], shard: "0/2")
        try expectRepeat([a, b], 20, ["a.h5 row 1", "b.h5 row 1"], shard: "1/2")

        // Distinct ids in any order, and overlapping ranges without a shared id, are fine.
        let c = directory.appendingPathComponent("c.h5")
        try TagProbabilityFile.write(c, float16: [[0.9], [0.1], [0.9]], ids: [27, 12, 33], tags: ["dog"])
        let index = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try builder.build([a, c]), to: index)
        #expect(try ImageIndex.open(index).postings(threshold: 0, tag: 0) == [10, 27, 30, 33])
        // --allow-duplicate-ids keeps them.
        var allowing = builder
        allowing.allowDuplicateIDs = true
        #expect(try allowing.build([one]).sampleCount == 4)
        #expect(try allowing.build([a, b]).sampleCount == 6)
    }

    func expectError(_ url: URL, _ parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            _ = try ImageIndexBuilder(thresholds: [try TagThreshold(0.5)]).build([url])
        } throws: { error in
            let text = "\(error)"
            return text.contains(url.path) && parts.allSatisfy(text.contains)
        }
    }

    @Test("bad input names the file and the dataset")
    func badInput() throws {
        let directory = try TemporaryDirectory.make()
        let nan = directory.appendingPathComponent("nan.h5")
        try TagProbabilityFile.write(nan, float16: [[0.1, 0.2], [0.3, .nan]], ids: [0, 1], tags: ["a", "b"])
        expectError(nan, ["dataset probs", "NaN", "row 1", "column 1", "'b'"])
        let nan32 = directory.appendingPathComponent("nan32.h5")
        try TagProbabilityFile.write(nan32, float32: [[.nan]], ids: [0], tags: ["a"])
        expectError(nan32, ["dataset probs", "NaN", "row 0"])

        let mismatch = directory.appendingPathComponent("mismatch.h5")
        do {
            let file = try HDF5File.create(mismatch)
            try file.write("probs", float16: [0.1, 0.2, 0.3, 0.4], shape: [2, 2])
            try file.write("sample_ids", int64: [0, 1, 2], shape: [3])
            try file.write("tags", strings: ["a", "b"])
        }
        expectError(mismatch, ["dataset sample_ids", "3 sample ids", "2 rows"])

        let tagCount = directory.appendingPathComponent("tagcount.h5")
        do {
            let file = try HDF5File.create(tagCount)
            try file.write("probs", float16: [0.1, 0.2], shape: [1, 2])
            try file.write("sample_ids", int64: [0], shape: [1])
            try file.write("tags", strings: ["a"])
        }
        expectError(tagCount, ["dataset tags", "1 tags", "2 columns"])

        let repeated = directory.appendingPathComponent("repeated.h5")
        try TagProbabilityFile.write(repeated, float16: [[0.1, 0.2, 0.3]], ids: [0], tags: ["a", "b", "a"])
        expectError(repeated, ["dataset tags", "not unique", "'a'"])

        let missing = directory.appendingPathComponent("missing.h5")
        do {
            let file = try HDF5File.create(missing)
            try file.write("probs", float16: [0.1], shape: [1, 1])
            try file.write("tags", strings: ["a"])
        }
        expectError(missing, ["missing dataset 'sample_ids'"])

        let integers = directory.appendingPathComponent("integers.h5")
        do {
            let file = try HDF5File.create(integers)
            try file.write("probs", int64: [1], shape: [1, 1])
            try file.write("sample_ids", int64: [0], shape: [1])
            try file.write("tags", strings: ["a"])
        }
        expectError(integers, ["dataset probs", "float16 or float32"])

        let negative = directory.appendingPathComponent("negative.h5")
        try TagProbabilityFile.write(negative, float16: [[0.9]], ids: [-1], tags: ["a"])
        expectError(negative, ["dataset sample_ids", "-1"])

        let many = try (0..<256).map { try TagThreshold(Double($0) / 1000) }
        #expect { _ = try ImageIndexBuilder(thresholds: many).build([negative]) } throws: { "\($0)".contains("at most 255") }
        #expect(throws: FreqBenchError.self) { try TagThreshold.list(parsing: "0.5,1.5") }
        #expect(throws: FreqBenchError.self) { try TagThreshold.list(parsing: "0.5,x") }
    }

    @Test("--thresholds: empty items, non-numbers, NaN, values outside [0, 1) and repeats are errors naming the item")
    func thresholdLists() throws {
        #expect(try TagThreshold.list(parsing: "0.7, 0.5,0.55").map(\.label) == ["0.5", "0.55", "0.7"])
        #expect(try TagThreshold.list(parsing: "0").map(\.label) == ["0.0"])
        for (text, item) in [("0.5,,0.7", "item 2 '' is empty"), ("0.5,", "item 2 '' is empty"), (",0.5", "item 1 '' is empty"),
                             ("", "item 1 '' is empty"), ("0.5,x", "item 2 'x' is not a number"), ("nan", "item 1 'nan' is not a number"),
                             ("0.5,NaN", "item 2 'NaN' is not a number"), ("0.5,1", "item 2 '1' is outside [0, 1)"),
                             ("1.5", "item 1 '1.5' is outside [0, 1)"), ("-0.1", "item 1 '-0.1' is outside [0, 1)"),
                             ("inf", "item 1 'inf' is outside [0, 1)"), ("0.5,0.7,0.50", "item 3 '0.50' repeats '0.5'")] {
            #expect { try TagThreshold.list(parsing: text) } throws: { "\($0)".contains(item) }
        }
    }

    @Test("a NaN in the middle of many blocks stops the build (the reader thread is stopped, nothing hangs)")
    func nanAmongManyBlocks() throws {
        let directory = try TemporaryDirectory.make()
        let url = directory.appendingPathComponent("many.h5")
        var rows = [[Float16]](repeating: [0.9, 0.1], count: 200)
        rows[137][1] = .nan
        try TagProbabilityFile.write(url, float16: rows, ids: (0..<200).map(Int64.init), tags: ["a", "b"], chunkRows: 3)
        var builder = ImageIndexBuilder(thresholds: [try TagThreshold(0.5)])
        builder.blockBytes = 1
        #expect { _ = try builder.build([url]) } throws: { "\($0)".contains("row 137, column 1") }
        rows[137][1] = 0.2
        try TagProbabilityFile.write(url, float16: rows, ids: (0..<200).map(Int64.init), tags: ["a", "b"], chunkRows: 3)
        let out = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try builder.build([url]), to: out)
        #expect(try ImageIndex.open(out).postings(threshold: 0, tag: 0) == Array(0..<200))
    }

    @Test("a truncated or damaged index file is refused, naming the file")
    func corruptIndex() throws {
        let directory = try TemporaryDirectory.make()
        let url = directory.appendingPathComponent("p.h5")
        try TagProbabilityFile.write(url, float16: (0..<300).map { [Float16(Float($0 % 10) / 10), 0.9] },
                                     ids: (0..<300).map(Int64.init), tags: ["a", "b"])
        let out = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try ImageIndexBuilder(thresholds: try TagThreshold.list(parsing: "0.5,0.7")).build([url]), to: out)
        let file = out.appendingPathComponent(ImageIndex.fileName)
        let bytes = try Data(contentsOf: file)
        // Lists use the text index's codec: well under 4 bytes per posting for dense lists.
        #expect(bytes.count < 600)
        #expect(try ImageIndex.open(out).postings(threshold: 1, tag: 1) == Array(0..<300))
        try bytes.prefix(bytes.count - 9).write(to: file)
        #expect { _ = try ImageIndex.open(out) } throws: { "\($0)".contains(file.path) && "\($0)".contains("corrupt") }
        var damaged = bytes
        damaged[0] = 0x41
        try damaged.write(to: file)
        #expect { _ = try ImageIndex.open(out) } throws: { "\($0)".contains("bad magic") }
    }

    @Test("-0 is 0; negative probabilities are an error, or with clamping never above a threshold")
    func negativeValues() throws {
        let directory = try TemporaryDirectory.make()
        let url = directory.appendingPathComponent("negative.h5")
        try TagProbabilityFile.write(url, float16: [[-0.0], [0.0], [0.51], [-0.9]], ids: [0, 1, 2, 3], tags: ["a"])
        #expect { _ = try ImageIndexBuilder(thresholds: [try TagThreshold(0)]).build([url]) } throws: {
            "\($0)".contains("negative (-0.89") && "\($0)".contains("row 3, column 0")
        }
        var clamping = ImageIndexBuilder(thresholds: [try TagThreshold(0)])
        clamping.clampProbabilities = true
        let out = directory.appendingPathComponent("index")
        try ImageIndexWriter.write(try clamping.build([url]), to: out)
        #expect(try ImageIndex.open(out).postings(threshold: 0, tag: 0) == [2])
        let zeros = directory.appendingPathComponent("zeros.h5")
        try TagProbabilityFile.write(zeros, float16: [[-0.0], [0.51]], ids: [0, 1], tags: ["a"])
        #expect(try ImageIndexBuilder(thresholds: [try TagThreshold(0)]).build([zeros]).sampleCount == 2)
    }

    @Test("probabilities outside [0, 1] stop the build naming file, row and tag, wherever they are; --clamp-probabilities reads them as upstream's p > h",
          arguments: [TagPrecision.float16, .float32])
    func probabilitiesOutsideTheUnitInterval(precision: TagPrecision) throws {
        let directory = try TemporaryDirectory.make()
        // 37 tags: rows span whole 64-byte lines and a tail; values mostly well below the threshold.
        let width = 37, rowCount = 12
        let tags = (0..<width).map { "t\($0)" }
        let smallestNegative = precision == .float16 ? -Double(Float16.leastNonzeroMagnitude) : -Double(Float.leastNonzeroMagnitude)
        let aboveOne = precision == .float16 ? Double(Float16(1).nextUp) : Double(Float(1).nextUp)
        let bad: [(value: Double, text: String, tagged: Bool)] = [
            (-0.1, "negative (-0.", false), (smallestNegative, "negative (-", false), (-.infinity, "-infinity", false),
            (1.5, "above 1 (1.5)", true), (aboveOne, "above 1 (1.0", true), (.infinity, "+infinity", true), (.nan, "NaN", false),
        ]
        func write(_ values: [[Double]], _ name: String) throws -> URL {
            let url = directory.appendingPathComponent(name)
            let ids = (0..<rowCount).map(Int64.init)
            switch precision {
            case .float16: try TagProbabilityFile.write(url, float16: values.map { $0.map { Float16($0) } }, ids: ids, tags: tags, chunkRows: 5)
            case .float32: try TagProbabilityFile.write(url, float32: values.map { $0.map { Float($0) } }, ids: ids, tags: tags, chunkRows: 5)
            }
            return url
        }
        var base = (0..<rowCount).map { row in (0..<width).map { Double(($0 * 7 + row) % 40) / 100 } }
        base[2][5] = 1        // exactly 1 is a probability (tagged)
        base[3][6] = -0.0     // -0 is 0
        let thresholds = try TagThreshold.list(parsing: "0.5,0.7")
        let builder = ImageIndexBuilder(thresholds: thresholds)
        var clamping = builder
        clamping.clampProbabilities = true
        #expect(try builder.build([try write(base, "base.h5")]).ids == [2, 2])   // tag 5 at both thresholds
        // Each bad value at the start of a line, inside one, and in the row's tail.
        for (number, entry) in bad.enumerated() {
            for (row, column) in [(0, 0), (4, 20), (11, 36), (7, 33)] {
                var values = base
                values[row][column] = entry.value
                let url = try write(values, "bad-\(number)-\(row)-\(column).h5")
                #expect {
                    _ = try builder.build([url])
                } throws: { error in
                    let text = "\(error)"
                    return text.hasPrefix("\(url.path): dataset probs: probability is ") && text.contains(entry.text)
                        && text.contains("row \(row), column \(column) (tag 't\(column)')") && text.contains("--clamp-probabilities")
                }
                let postings = try clamping.build([url])
                let index = directory.appendingPathComponent("clamped-\(number)-\(row)-\(column)")
                try ImageIndexWriter.write(postings, to: index)
                let opened = try ImageIndex.open(index)
                for position in thresholds.indices {
                    #expect(try opened.postings(threshold: position, tag: column) == (entry.tagged ? [UInt32(row)] : []),
                            "\(entry.text) clamped, threshold \(thresholds[position])")
                    #expect(try opened.postings(threshold: position, tag: 5) == [2])
                }
            }
        }
    }
}
