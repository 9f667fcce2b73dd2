// swift-tools-version: 6.0
// libFuzzer targets for FreqBench's readers of untrusted files. Built and run by `ci/fuzz`
// (a separate package, so that the main build never sees the sanitizer flags):
//
//     swift build --package-path Fuzz -Xswiftc -sanitize=fuzzer,address 
//
// Each target hands its test function to libFuzzer's driver (FuzzSupport.runFuzzer).
import Foundation
import PackageDescription

/// The main package is the folder above; SwiftPM names a path dependency after its folder.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// One target per reader (or family of readers) of untrusted input; seeds in Fuzz/Seeds/<target>.
let fuzzTargets = [
    "FuzzDelimitedCorpus",     // cc3m / tsv / csv captions (pandas-exact quoting)
    "FuzzJSONLinesCorpus",     // jsonl captions
    "FuzzWebDatasetCorpus",    // WebDataset tar shards
    "FuzzParquetCorpus",       // parquet captions (Apache Arrow through the bridge)
    "FuzzJSONParser",          // JSON: concept lists, plans, results, goldens
    "FuzzTextIndex",           // text index files
    "FuzzImageIndex",          // image index files
    "FuzzHDF5Readers",         // tag probabilities and features in HDF5
]

let package = Package(
    name: "FreqBenchFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "FreqBench", package: mainPackage)]),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "FreqBench", package: mainPackage)])
    }
)
