import Foundation

/// Writes zero-shot features in the HDF5 layout `ZeroShotFeatures.readHDF5` reads
/// (docs/FORMATS.md, "Zero-shot features"), atomically: `text_features` C×P×D when every class
/// has P prompts, else (ΣPᵢ)×D with `prompt_counts`.
public enum ZeroShotFeaturesFile {
    public static func write(_ features: ZeroShotFeatures, to url: URL) throws {
        let temporary = AtomicFile.temporaryURL(for: url)
        do {
            let file = try HDF5File.create(temporary)
            let rows = features.images
            try file.write("image_features", float32: try rows.rows(0..<rows.rowCount), shape: [rows.rowCount, rows.dimension],
                           chunkRows: min(max(rows.rowCount, 1), 4096))
            try file.write("labels", int64: features.labels.map(Int64.init), shape: [features.labels.count])
            try file.write("classnames", strings: features.classnames)
            if let promptCount = features.promptCount {
                try file.write("text_features", float32: features.textFeatures,
                               shape: [features.classnames.count, promptCount, rows.dimension])
            } else {
                // Uneven prompt lists: one row per prompt, class by class, and the count of each class.
                try file.write("text_features", float32: features.textFeatures,
                               shape: [features.promptCounts.reduce(0, +), rows.dimension])
                try file.write("prompt_counts", int64: features.promptCounts.map(Int64.init), shape: [features.promptCounts.count])
            }
            file.flush()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        try AtomicFile.replace(url, with: temporary)
    }
}
