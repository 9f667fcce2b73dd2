import Foundation

/// L2 normalization as `torch.nn.functional.normalize` does it: x / max(‖x‖₂, 1e-12).
enum VectorNormalization {
    /// Normalizes each row of a row-major matrix in place.
    static func normalizeRows(_ values: inout [Float], dimension: Int) {
        guard dimension > 0 else { return }
        values.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                var sum: Float = 0
                for index in start..<start + dimension { sum += buffer[index] * buffer[index] }
                let norm = max(sum.squareRoot(), 1e-12)
                for index in start..<start + dimension { buffer[index] /= norm }
                start += dimension
            }
        }
    }
}
