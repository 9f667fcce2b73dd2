import FreqBench
import Foundation

/// The check every corpus fuzz target makes: reading `file` either fails with an error or
/// gives records; when it gives records, a plan of the file in `shards` range shards must
/// succeed and reading its shards one after another must give exactly the same records
/// (ids and captions), as a cluster run's merge relies on.
public enum CorpusRoundTrip {
    public static func check(_ file: URL, options: CorpusOptions, shards: Int) {
        let whole: [CorpusRecord]
        do {
            whole = try readAll(CorpusReader(paths: [file], options: options))
        } catch {
            return   // a clear error is a right answer to bad input
        }
        let plan: CorpusPlan
        do {
            plan = try CorpusPlanner.plan(paths: [file], options: options, shardCount: shards)
        } catch {
            fatalError("the file reads (\(whole.count) records) but its plan fails: \(error)")
        }
        var sharded: [CorpusRecord] = []
        for shard in 0..<shards {
            do {
                sharded += try readAll(CorpusReader(pieces: plan.readerPieces(shard: shard), options: options))
            } catch {
                fatalError("the file reads but shard \(shard) of its plan fails: \(error)")
            }
        }
        guard sharded == whole else {
            fatalError("range shards read \(sharded.count) records, the file \(whole.count); first difference at "
                + "\(zip(sharded, whole).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(sharded.count, whole.count))")
        }
    }

    private static func readAll(_ reader: CorpusReader) throws -> [CorpusRecord] {
        var records: [CorpusRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }
}
