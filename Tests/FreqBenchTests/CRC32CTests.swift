import Foundation
import Testing
@testable import FreqBench

@Suite("CRC32C")
struct CRC32CTests {
    @Test("the check value of CRC32C, and the three-stream path equals the byte-wise table on every length around its blocks")
    func matchesTheReference() {
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.checksum($0) } == 0xE306_9283)
        var generator = SplitMix64(seed: 7)
        let bytes = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        bytes.withUnsafeBytes { all in
            for length in [0, 1, 7, 8, 9, 4095, 4096, 12_287, 12_288, 12_289, 12_295, 24_576, 24_583, 36_871, 70_000] {
                let piece = UnsafeRawBufferPointer(rebasing: all[0..<length])
                #expect(CRC32C.checksum(piece) == CRC32C.bytewiseChecksum(piece), "length \(length)")
                // Continuing from a CRC, and from an unaligned start.
                let shifted = UnsafeRawBufferPointer(rebasing: all[3..<max(3, length - 3)])
                #expect(CRC32C.checksum(shifted, continuing: 0xDEAD_BEEF) == CRC32C.bytewiseChecksum(shifted, continuing: 0xDEAD_BEEF),
                        "length \(shifted.count), continued")
            }
            // A CRC computed in two parts is the CRC of the whole.
            let whole = CRC32C.checksum(all)
            let split = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[30_001...]),
                                        continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[..<30_001])))
            #expect(split == whole)
        }
    }
}
