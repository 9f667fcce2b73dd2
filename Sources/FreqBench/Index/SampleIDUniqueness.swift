/// Checks that the sample ids of tag-probability files are unique over every row of every file,
/// whatever the probabilities say: a repeated id is bad input even when no row of it has a tag
/// above a threshold (the postings cannot show it then).
///
/// Memory stays bounded for hundreds of millions of ids:
///
/// 1. One streaming pass over `sample_ids` (`chunkRows` at a time) checks that the ids strictly
///    increase across all rows of all files in order — the usual layout, which ends the check —
///    and notes, per file, whether its own ids increase and their smallest and largest id.
/// 2. Otherwise, a file whose ids do not increase is sorted on its own (4 bytes per row of that
///    file) and checked for neighbours that are equal.
/// 3. Files whose id ranges overlap are compared pairwise by a merge of their sorted ids (two
///    files in memory at a time); files with disjoint ranges cannot share an id.
enum SampleIDUniqueness {
    /// Ids read at a time in the streaming pass.
    static let chunkRows = 1 << 20

    /// What the streaming pass saw of one file.
    private struct Summary {
        var rows = 0
        var increasing = true
        var lowest = UInt32.max
        var highest = UInt32.min
        var first: UInt32?
        var last: UInt32?
    }

    /// The first repeated id found (nil: all ids are distinct). Errors on ids outside
    /// 0...2³²−1 name the file and row.
    static func firstRepeat(in sources: [TagProbabilities]) throws -> UInt32? {
        var summaries: [Summary] = []
        var increasingOverall = true
        var previous: UInt32?
        for source in sources {
            var summary = Summary()
            var start = 0
            while start < source.sampleCount {
                let end = min(start + chunkRows, source.sampleCount)
                let ids = try source.readSampleIDs(start..<end)
                for id in ids {
                    if let last = summary.last, id <= last { summary.increasing = false }
                    summary.last = id
                    summary.lowest = min(summary.lowest, id)
                    summary.highest = max(summary.highest, id)
                }
                if summary.first == nil { summary.first = ids.first }
                start = end
            }
            summary.rows = source.sampleCount
            if !summary.increasing { increasingOverall = false }
            if let first = summary.first {
                if let previous, first <= previous { increasingOverall = false }
                previous = summary.last
            }
            summaries.append(summary)
        }
        if increasingOverall { return nil }

        for (number, source) in sources.enumerated() where !summaries[number].increasing {
            let ids = try sortedIDs(source, increasing: false)
            for k in ids.indices.dropFirst() where ids[k] == ids[k - 1] { return ids[k] }
        }

        let order = sources.indices.filter { summaries[$0].rows > 0 }.sorted { summaries[$0].lowest < summaries[$1].lowest }
        for (position, a) in order.enumerated() {
            var idsA: [UInt32]?
            for b in order[(position + 1)...] {
                if summaries[b].lowest > summaries[a].highest { break }  // later files start higher still
                if idsA == nil { idsA = try sortedIDs(sources[a], increasing: summaries[a].increasing) }
                let idsB = try sortedIDs(sources[b], increasing: summaries[b].increasing)
                if let common = firstCommon(idsA ?? [], idsB) { return common }
            }
        }
        return nil
    }

    /// All ids of `source`, ascending.
    private static func sortedIDs(_ source: TagProbabilities, increasing: Bool) throws -> [UInt32] {
        var ids: [UInt32] = []
        ids.reserveCapacity(source.sampleCount)
        var start = 0
        while start < source.sampleCount {
            let end = min(start + chunkRows, source.sampleCount)
            ids.append(contentsOf: try source.readSampleIDs(start..<end))
            start = end
        }
        if !increasing { ids.sort() }
        return ids
    }

    /// The smallest id in both ascending arrays.
    private static func firstCommon(_ a: [UInt32], _ b: [UInt32]) -> UInt32? {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] { i += 1 } else if a[i] > b[j] { j += 1 } else { return a[i] }
        }
        return nil
    }
}
